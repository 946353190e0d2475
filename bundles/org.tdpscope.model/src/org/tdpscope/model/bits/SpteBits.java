/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.bits;

/**
 * Decodes an EPT entry as KVM uses it (DOMAIN.md section 4): the derived attributes of
 * {@link org.tdpscope.model.Spte} call these. Kept free of the simulator so the model depends on
 * nothing of ours; {@code org.tdpscope.sim.mmu.Spte} encodes the same bits.
 */
public final class SpteBits {
    public static final long READABLE = 1L;
    public static final long WRITABLE = 1L << 1;
    public static final long EXECUTABLE = 1L << 2;
    public static final long RWX_MASK = 7L;
    public static final int MEMTYPE_SHIFT = 3;
    public static final long MEMTYPE_MASK = 7L << MEMTYPE_SHIFT;
    public static final long IGNORE_PAT = 1L << 6;
    public static final long PAGE_SIZE = 1L << 7;
    public static final long ACCESSED = 1L << 8;
    public static final long DIRTY = 1L << 9;
    public static final long MMU_PRESENT = 1L << 11;
    public static final long HOST_WRITABLE = 1L << 57;
    public static final long MMU_WRITABLE = 1L << 58;
    public static final long PFN_MASK = 0x000f_ffff_ffff_f000L;
    public static final long MMIO_VALUE = WRITABLE | EXECUTABLE;
    public static final long REMOVED_SPTE = 0x5a0L;

    private SpteBits() {
    }

    public static boolean readable(long raw) {
        return (raw & READABLE) != 0;
    }

    public static boolean writable(long raw) {
        return (raw & WRITABLE) != 0;
    }

    public static boolean executable(long raw) {
        return (raw & EXECUTABLE) != 0;
    }

    /** Bits 5:3 (0 UC, 1 WC, 4 WT, 5 WP, 6 WB). */
    public static int memType(long raw) {
        return (int) ((raw & MEMTYPE_MASK) >>> MEMTYPE_SHIFT);
    }

    public static boolean ignorePat(long raw) {
        return (raw & IGNORE_PAT) != 0;
    }

    public static boolean pageSize(long raw) {
        return (raw & PAGE_SIZE) != 0;
    }

    public static boolean accessed(long raw) {
        return (raw & ACCESSED) != 0;
    }

    public static boolean dirty(long raw) {
        return (raw & DIRTY) != 0;
    }

    public static boolean mmuPresent(long raw) {
        return (raw & MMU_PRESENT) != 0;
    }

    public static boolean hostWritable(long raw) {
        return (raw & HOST_WRITABLE) != 0;
    }

    public static boolean mmuWritable(long raw) {
        return (raw & MMU_WRITABLE) != 0;
    }

    /** W|X without R: KVM's MMIO SPTE, an EPT misconfiguration on purpose. */
    public static boolean mmio(long raw) {
        return (raw & RWX_MASK) == MMIO_VALUE;
    }

    public static boolean removed(long raw) {
        return raw == REMOVED_SPTE;
    }

    /** Present to KVM: MMU-present and not MMIO. */
    public static boolean present(long raw) {
        return mmuPresent(raw) && !mmio(raw);
    }

    /** A present entry that maps memory: at level 1 always, above only with PS; false for level &lt; 1 (unknown). */
    public static boolean leaf(long raw, int level) {
        return present(raw) && (level == 1 || level > 1 && pageSize(raw));
    }

    /** Bits 51:12 as a frame number. */
    public static long pfn(long raw) {
        return (raw & PFN_MASK) >>> 12;
    }

    /** 4K pages covered by one entry at {@code level} (1 = 4K). */
    public static long pagesPerLevel(int level) {
        return 1L << (9 * (level - 1));
    }
}
