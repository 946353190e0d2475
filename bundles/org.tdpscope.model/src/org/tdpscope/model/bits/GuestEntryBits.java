/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.bits;

/**
 * Decodes an x86-64 guest paging-structure entry (DOMAIN.md section 5, Intel SDM vol. 3 ch. 4):
 * the derived attributes of {@link org.tdpscope.model.GuestEntry} call these.
 */
public final class GuestEntryBits {
    public static final long P = 1L;
    public static final long RW = 1L << 1;
    public static final long US = 1L << 2;
    public static final long PWT = 1L << 3;
    public static final long PCD = 1L << 4;
    public static final long A = 1L << 5;
    public static final long D = 1L << 6;
    public static final long PS = 1L << 7;
    public static final long G = 1L << 8;
    public static final int PKEY_SHIFT = 59;
    public static final long PKEY_MASK = 0xfL << PKEY_SHIFT;
    public static final long XD = 1L << 63;
    /** Address bits 51:12. */
    public static final long FRAME_MASK = 0x000f_ffff_ffff_f000L;

    private GuestEntryBits() {
    }

    public static boolean present(long raw) {
        return (raw & P) != 0;
    }

    public static boolean writable(long raw) {
        return (raw & RW) != 0;
    }

    public static boolean user(long raw) {
        return (raw & US) != 0;
    }

    public static boolean writeThrough(long raw) {
        return (raw & PWT) != 0;
    }

    public static boolean cacheDisabled(long raw) {
        return (raw & PCD) != 0;
    }

    public static boolean accessed(long raw) {
        return (raw & A) != 0;
    }

    public static boolean dirty(long raw) {
        return (raw & D) != 0;
    }

    /** PS: 1G in a PDPTE, 2M in a PDE (in a 4K PTE this bit is PAT). */
    public static boolean pageSize(long raw) {
        return (raw & PS) != 0;
    }

    public static boolean global(long raw) {
        return (raw & G) != 0;
    }

    public static boolean xd(long raw) {
        return (raw & XD) != 0;
    }

    public static int protectionKey(long raw) {
        return (int) ((raw & PKEY_MASK) >>> PKEY_SHIFT);
    }

    /** Bits 51:12 shifted down: the frame the entry maps or points to. */
    public static long frame(long raw) {
        return (raw & FRAME_MASK) >>> 12;
    }
}
