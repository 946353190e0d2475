/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import org.tdpscope.model.bits.SpteBits;

/**
 * SPTE encoding in Intel EPT format as KVM uses it (DOMAIN.md section 4). SPTEs are plain {@code long}s stored in
 * table pages; these are the static helpers to build and decode them.
 * <p>
 * Formats:
 * <ul>
 * <li>non-leaf: child table address | R W X | MMU_PRESENT (| A with A/D enabled, as KVM does)</li>
 * <li>leaf: hpfn | R (W) X | memtype WB | ignore-PAT | PS above 4K | MMU_PRESENT | A/D | host-/MMU-writable</li>
 * <li>access-tracked leaf (A/D disabled, after aging): R/W/X cleared so hardware faults, R and X saved in bits
 * 54/56; still MMU_PRESENT</li>
 * <li>MMIO: W|X without R (an EPT misconfiguration), memslot generation in bits 10:3 and 62:52, gfn in 51:12</li>
 * <li>REMOVED_SPTE 0x5a0: frozen, non-present, owned by whoever froze it</li>
 * </ul>
 */
public final class Spte {
    // The bit positions are defined once, in the model (SpteBits); these aliases keep the MMU code short.
    public static final long READABLE = SpteBits.READABLE;
    public static final long WRITABLE = SpteBits.WRITABLE;
    public static final long EXECUTABLE = SpteBits.EXECUTABLE;
    public static final long RWX_MASK = SpteBits.RWX_MASK;
    public static final int MEMTYPE_SHIFT = SpteBits.MEMTYPE_SHIFT;
    public static final long MEMTYPE_MASK = SpteBits.MEMTYPE_MASK;
    public static final long MEMTYPE_WB = 6;
    public static final long IGNORE_PAT = SpteBits.IGNORE_PAT;
    public static final long PAGE_SIZE = SpteBits.PAGE_SIZE;
    public static final long ACCESSED = SpteBits.ACCESSED;
    public static final long DIRTY = SpteBits.DIRTY;
    /** KVM's software "shadow present" bit: set in every present SPTE, never in MMIO or REMOVED ones. */
    public static final long MMU_PRESENT = SpteBits.MMU_PRESENT;
    public static final long HOST_WRITABLE = SpteBits.HOST_WRITABLE;
    public static final long MMU_WRITABLE = SpteBits.MMU_WRITABLE;
    public static final long PFN_MASK = SpteBits.PFN_MASK;
    public static final long REMOVED_SPTE = SpteBits.REMOVED_SPTE;

    /** MMIO SPTEs: W|X without R, which the CPU reports as an EPT misconfiguration. */
    public static final long MMIO_VALUE = SpteBits.MMIO_VALUE;
    static final int MMIO_GEN_LOW_SHIFT = 3;
    static final int MMIO_GEN_LOW_BITS = 8;
    static final int MMIO_GEN_HIGH_SHIFT = 52;
    static final int MMIO_GEN_HIGH_BITS = 11;
    public static final long MMIO_GEN_MASK = (1L << (MMIO_GEN_LOW_BITS + MMIO_GEN_HIGH_BITS)) - 1;

    /** Where R and X are saved while a leaf is access-tracked (A/D disabled). */
    public static final int ACC_TRACK_SAVED_SHIFT = 54;
    public static final long ACC_TRACK_SAVED_MASK = (READABLE | EXECUTABLE) << ACC_TRACK_SAVED_SHIFT;

    private Spte() {
    }

    /** Present to KVM: MMU_PRESENT set (MMIO and REMOVED SPTEs never have it). */
    public static boolean isPresent(long spte) {
        return (spte & MMU_PRESENT) != 0 && !isMmio(spte);
    }

    /**
     * A present SPTE that maps memory rather than pointing to a table: at level 1 always, above only with PS.
     * Unlike the kernel's is_last_spte this includes the present check, so 0 is never a leaf.
     */
    public static boolean isLeaf(long spte, int level) {
        return isPresent(spte) && (level == 1 || (spte & PAGE_SIZE) != 0);
    }

    public static boolean isMmio(long spte) {
        return (spte & RWX_MASK) == MMIO_VALUE;
    }

    public static boolean isRemoved(long spte) {
        return spte == REMOVED_SPTE;
    }

    public static boolean isWritable(long spte) {
        return (spte & WRITABLE) != 0;
    }

    /** A present leaf whose hardware permissions were cleared for access tracking (A/D disabled). */
    public static boolean isAccessTracked(long spte) {
        return isPresent(spte) && (spte & RWX_MASK) == 0;
    }

    public static long pfn(long spte) {
        return (spte & PFN_MASK) >>> 12;
    }

    /** Pages (4K) covered by one SPTE at {@code level}. */
    public static long pagesPerLevel(int level) {
        return 1L << (9 * (level - 1));
    }

    public static int index(long gfn, int level) {
        return (int) ((gfn >>> (9 * (level - 1))) & 511);
    }

    /** The first gfn of the level-{@code level} span containing {@code gfn}. */
    public static long roundGfn(long gfn, int level) {
        return gfn & -pagesPerLevel(level);
    }

    public static long makeNonLeaf(long childHpfn, boolean adEnabled) {
        return (childHpfn << 12) & PFN_MASK | READABLE | WRITABLE | EXECUTABLE | MMU_PRESENT
                | (adEnabled ? ACCESSED : 0);
    }

    /**
     * A leaf SPTE. A writable leaf is also host- and MMU-writable; accessed/dirty are only encoded with A/D enabled
     * (otherwise KVM tracks access by clearing permissions instead).
     */
    public static long makeLeaf(long hpfn, int level, boolean writable, boolean exec, boolean adEnabled,
            boolean accessed, boolean dirty) {
        long s = (hpfn << 12) & PFN_MASK | READABLE | MMU_PRESENT | (MEMTYPE_WB << MEMTYPE_SHIFT) | IGNORE_PAT;
        if (writable) {
            s |= WRITABLE | HOST_WRITABLE | MMU_WRITABLE;
        }
        if (exec) {
            s |= EXECUTABLE;
        }
        if (level > 1) {
            s |= PAGE_SIZE;
        }
        if (adEnabled) {
            s |= (accessed ? ACCESSED : 0) | (dirty ? DIRTY : 0);
        }
        return s;
    }

    public static long makeMmio(long generation, long gfn) {
        long gen = generation & MMIO_GEN_MASK;
        long low = gen & ((1L << MMIO_GEN_LOW_BITS) - 1);
        long high = gen >>> MMIO_GEN_LOW_BITS;
        return MMIO_VALUE | (low << MMIO_GEN_LOW_SHIFT) | (high << MMIO_GEN_HIGH_SHIFT) | ((gfn << 12) & PFN_MASK);
    }

    /** The (truncated) memslot generation stored in an MMIO SPTE. */
    public static long mmioGeneration(long spte) {
        long low = (spte >>> MMIO_GEN_LOW_SHIFT) & ((1L << MMIO_GEN_LOW_BITS) - 1);
        long high = (spte >>> MMIO_GEN_HIGH_SHIFT) & ((1L << MMIO_GEN_HIGH_BITS) - 1);
        return low | (high << MMIO_GEN_LOW_BITS);
    }

    public static long mmioGfn(long spte) {
        return (spte & PFN_MASK) >>> 12;
    }

    /** Clears hardware permissions of a leaf, saving R and X so the fault path can restore them. */
    public static long markAccessTracked(long spte) {
        if (isAccessTracked(spte)) {
            return spte;
        }
        long saved = (spte & (READABLE | EXECUTABLE)) << ACC_TRACK_SAVED_SHIFT;
        return (spte & ~RWX_MASK & ~ACC_TRACK_SAVED_MASK) | saved;
    }

    /** Undoes {@link #markAccessTracked} (W is restored separately, from MMU_WRITABLE, on a write fault). */
    public static long restoreAccessTracked(long spte) {
        long saved = (spte & ACC_TRACK_SAVED_MASK) >>> ACC_TRACK_SAVED_SHIFT;
        return (spte & ~ACC_TRACK_SAVED_MASK) | saved;
    }

    public static String levelName(int level) {
        switch (level) {
        case 1:
            return "4K";
        case 2:
            return "2M";
        case 3:
            return "1G";
        case 4:
            return "512G";
        case 5:
            return "256T";
        default:
            return "L" + level;
        }
    }

    private static String memtype(long spte) {
        switch ((int) ((spte & MEMTYPE_MASK) >>> MEMTYPE_SHIFT)) {
        case 0:
            return "uc";
        case 1:
            return "wc";
        case 4:
            return "wt";
        case 5:
            return "wp";
        case 6:
            return "wb";
        default:
            return "mt" + ((spte & MEMTYPE_MASK) >>> MEMTYPE_SHIFT);
        }
    }

    private static String perms(long rwx) {
        return ((rwx & READABLE) != 0 ? "R" : "-") + ((rwx & WRITABLE) != 0 ? "W" : "-")
                + ((rwx & EXECUTABLE) != 0 ? "X" : "-");
    }

    /**
     * Human-readable form for tables and traces, e.g. {@code "leaf 2M hpfn=0x1234 RWX wb A D"},
     * {@code "table hpfn=0x20 RWX A"}, {@code "mmio gen=3 gfn=0xfee00"}, {@code "removed"}, {@code "none"}.
     * A write-protected leaf that the fast path may make writable again shows {@code mw}; an access-tracked leaf
     * shows {@code acc-track} and its saved permissions.
     */
    public static String describe(long spte, int level) {
        if (spte == 0) {
            return "none";
        }
        if (isRemoved(spte)) {
            return "removed";
        }
        if (isMmio(spte)) {
            return "mmio gen=" + mmioGeneration(spte) + " gfn=0x" + Long.toHexString(mmioGfn(spte));
        }
        if (!isPresent(spte)) {
            return "not-present 0x" + Long.toHexString(spte);
        }
        StringBuilder b = new StringBuilder();
        String hpfn = "hpfn=0x" + Long.toHexString(pfn(spte));
        if (!isLeaf(spte, level)) {
            b.append("table ").append(hpfn).append(' ').append(perms(spte));
            if ((spte & ACCESSED) != 0) {
                b.append(" A");
            }
            return b.toString();
        }
        b.append("leaf ").append(levelName(level)).append(' ').append(hpfn).append(' ');
        if (isAccessTracked(spte)) {
            b.append("--- acc-track(").append(perms((spte & ACC_TRACK_SAVED_MASK) >>> ACC_TRACK_SAVED_SHIFT))
                    .append(')');
        } else {
            b.append(perms(spte));
        }
        b.append(' ').append(memtype(spte));
        if ((spte & ACCESSED) != 0) {
            b.append(" A");
        }
        if ((spte & DIRTY) != 0) {
            b.append(" D");
        }
        if (!isWritable(spte) && (spte & MMU_WRITABLE) != 0) {
            b.append(" mw");
        }
        return b.toString();
    }
}
