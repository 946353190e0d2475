/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import org.tdpscope.model.bits.GuestEntryBits;

/**
 * x86-64 (4-/5-level) guest paging-structure entries (Intel SDM vol. 3, ch. 4, tables 4-15 to 4-20).
 * <p>
 * The simulated CPU has MAXPHYADDR = 46 (a typical server part), so bits 51:46 of every entry are reserved. That
 * gives reserved-address-bit faults something to bite on; guest physical addresses are limited to 64 TiB.
 */
public final class GuestPte {
    // The bit positions are defined once, in the model (GuestEntryBits); these aliases keep the MMU code short.
    public static final long P = GuestEntryBits.P;
    public static final long RW = GuestEntryBits.RW;
    public static final long US = GuestEntryBits.US;
    public static final long PWT = GuestEntryBits.PWT;
    public static final long PCD = GuestEntryBits.PCD;
    public static final long A = GuestEntryBits.A;
    public static final long D = GuestEntryBits.D;
    /** Page size in a PDPTE (1G) or PDE (2M); PAT in a 4K PTE; reserved in a PML4E/PML5E. */
    public static final long PS = GuestEntryBits.PS;
    public static final long PAT_4K = 1L << 7;
    public static final long G = GuestEntryBits.G;
    /** PAT bit of a 2M/1G leaf. */
    public static final long PAT_LARGE = 1L << 12;
    public static final long PKEY_MASK = GuestEntryBits.PKEY_MASK;
    public static final long XD = GuestEntryBits.XD;

    public static final int MAXPHYADDR = 46;
    /** Address bits an entry may use, 45:12. */
    public static final long PFN_MASK = ((1L << MAXPHYADDR) - 1) & ~0xfffL;
    /** Bits 51:MAXPHYADDR, reserved in every entry. */
    public static final long RSVD_ADDR_MASK = ((1L << 52) - 1) & ~((1L << MAXPHYADDR) - 1);
    /** Bits 20:13 of a 2M PDE (address bits below the 2M frame, above PAT). */
    public static final long RSVD_2M_MASK = ((1L << 21) - 1) & ~((1L << 13) - 1);
    /** Bits 29:13 of a 1G PDPTE. */
    public static final long RSVD_1G_MASK = ((1L << 30) - 1) & ~((1L << 13) - 1);

    private GuestPte() {
    }

    /**
     * Reserved bits of a present entry at {@code level} (5 = PML5E, 4 = PML4E, 3 = PDPTE, 2 = PDE, 1 = PTE) given
     * its PS bit and EFER.NXE. XD is reserved without NXE; PS is reserved in PML5Es and PML4Es.
     */
    public static long reservedMask(int level, boolean ps, boolean nxe) {
        return RSVD_TABLE[(nxe ? 12 : 0) + 2 * level + (ps ? 1 : 0)];
    }

    /** reservedMask precomputed for the walkers' hot loop: [nxe][level 0..5][ps]. */
    private static final long[] RSVD_TABLE = new long[24];
    static {
        for (int n = 0; n < 2; n++) {
            for (int level = 1; level <= 5; level++) {
                for (int ps = 0; ps < 2; ps++) {
                    RSVD_TABLE[n * 12 + 2 * level + ps] = computeReservedMask(level, ps == 1, n == 1);
                }
            }
        }
    }

    private static long computeReservedMask(int level, boolean ps, boolean nxe) {
        long m = RSVD_ADDR_MASK;
        if (level >= 4) {
            m |= PS;
        } else if (level == 3 && ps) {
            m |= RSVD_1G_MASK;
        } else if (level == 2 && ps) {
            m |= RSVD_2M_MASK;
        }
        if (!nxe) {
            m |= XD;
        }
        return m;
    }

    /** A present entry at {@code level} maps a page (rather than a table). */
    public static boolean isLeaf(long pte, int level) {
        return level == 1 || ((level == 2 || level == 3) && (pte & PS) != 0);
    }

    /** The frame address an entry maps or points to: 4K-aligned for tables/4K, 2M/1G-aligned for huge leaves. */
    public static long address(long pte, int level) {
        if (level > 1 && isLeaf(pte, level)) {
            return pte & PFN_MASK & -pageSize(level);
        }
        return pte & PFN_MASK;
    }

    public static long pageSize(int level) {
        return 1L << (12 + 9 * (level - 1));
    }

    /** Index of {@code gva} in the table at {@code level}. */
    public static int index(long gva, int level) {
        return (int) ((gva >>> (12 + 9 * (level - 1))) & 511);
    }

    private static final String[] NAMES = { "", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };

    public static String levelName(int level) {
        return level >= 1 && level <= 5 ? NAMES[level] : "L" + level;
    }

    /** E.g. {@code "PDE 2M gpa=0x40000000 P RW US A D G XD"} or {@code "PML4E not-present"}. */
    public static String describe(long pte, int level) {
        StringBuilder b = new StringBuilder(levelName(level));
        if ((pte & P) == 0) {
            return b.append(" not-present").toString();
        }
        boolean leaf = isLeaf(pte, level);
        if (leaf && level > 1) {
            b.append(level == 2 ? " 2M" : " 1G");
        }
        b.append(leaf ? " gpa=0x" : " table=0x").append(Long.toHexString(address(pte, level))).append(" P");
        if ((pte & RW) != 0) {
            b.append(" RW");
        }
        if ((pte & US) != 0) {
            b.append(" US");
        }
        if ((pte & PWT) != 0) {
            b.append(" PWT");
        }
        if ((pte & PCD) != 0) {
            b.append(" PCD");
        }
        if ((pte & A) != 0) {
            b.append(" A");
        }
        if (leaf && (pte & D) != 0) {
            b.append(" D");
        }
        if (leaf && (pte & G) != 0) {
            b.append(" G");
        }
        if ((pte & XD) != 0) {
            b.append(" XD");
        }
        if ((pte & RSVD_ADDR_MASK) != 0 || (level >= 4 && (pte & PS) != 0)) {
            b.append(" RSVD");
        }
        return b.toString();
    }
}
