/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.ArrayList;
import java.util.List;

/**
 * The bits a scenario may name in a raw write to a guest paging entry or an EPT entry, and which of them the SDM
 * reserves where (vol. 3A tables 4-15 to 4-20 for 4-/5-level paging, 29-1 to 29-7 for the EPT), so the language can
 * warn about a write that will fault, while still letting it happen.
 */
public final class EntryBits {

    private static final String[] GUEST_NAMES = { "p", "rw", "us", "pwt", "pcd", "a", "d", "ps", "g", "pat", "xd" };
    private static final long[] GUEST_BITS = { GuestPte.P, GuestPte.RW, GuestPte.US, GuestPte.PWT, GuestPte.PCD,
            GuestPte.A, GuestPte.D, GuestPte.PS, GuestPte.G, GuestPte.PAT_LARGE, GuestPte.XD };
    private static final String[] EPT_NAMES = { "r", "w", "x", "ipat", "ps", "a", "d", "ux", "ve" };
    private static final long[] EPT_BITS = { Spte.READABLE, Spte.WRITABLE, Spte.EXECUTABLE, Spte.IGNORE_PAT,
            Spte.PAGE_SIZE, Spte.ACCESSED, Spte.DIRTY, 1L << 10, 1L << 63 };

    private EntryBits() {
    }

    /** A guest entry's bit by name ({@code ps}, {@code rw}, ...; {@code pat} is bit 12, the 2M/1G PAT), or 0. */
    public static long guestBit(String name) {
        return find(GUEST_NAMES, GUEST_BITS, name);
    }

    /** An EPT entry's bit by name ({@code r}, {@code w}, {@code x}, {@code ps}, {@code a}, {@code d}, ...), or 0. */
    public static long eptBit(String name) {
        return find(EPT_NAMES, EPT_BITS, name);
    }

    public static String guestNames() {
        return String.join(", ", GUEST_NAMES);
    }

    public static String eptNames() {
        return String.join(", ", EPT_NAMES);
    }

    private static long find(String[] names, long[] bits, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return bits[i];
            }
        }
        return 0;
    }

    /**
     * What is reserved among {@code bits} in a guest entry at {@code level} whose PS bit is {@code ps} (null: not
     * known, both cases are told), with EFER.NXE {@code nxe}: one phrase per reason, empty when nothing is.
     */
    public static List<String> guestReserved(long bits, int level, Boolean ps, boolean nxe) {
        List<String> out = new ArrayList<>();
        long addr = bits & GuestPte.RSVD_ADDR_MASK;
        if (addr != 0) {
            out.add(bitList(addr) + " (above MAXPHYADDR " + GuestPte.MAXPHYADDR + ")");
        }
        if (level >= 4 && (bits & GuestPte.PS) != 0) {
            out.add("bit 7 (PS) in a " + GuestPte.levelName(level));
        }
        if ((bits & GuestPte.XD) != 0 && !nxe) {
            out.add("bit 63 (XD) while EFER.NXE is off");
        }
        long huge = level == 2 ? GuestPte.RSVD_2M_MASK : level == 3 ? GuestPte.RSVD_1G_MASK : 0;
        if ((bits & huge) != 0 && !Boolean.FALSE.equals(ps)) {
            out.add(bitList(bits & huge) + " in a " + (level == 2 ? "2M PDE" : "1G PDPTE")
                    + (ps == null ? " (when PS is set)" : ""));
        }
        return out;
    }

    /**
     * What is reserved or misconfigured among {@code value}'s bits in an EPT entry at {@code level} ({@code whole}:
     * {@code value} is the entry's whole new value, so R/W/X combinations and the memory type are judged too).
     */
    public static List<String> eptReserved(long value, int level, boolean whole, int hostMaxPhyAddr) {
        List<String> out = new ArrayList<>();
        boolean leaf = level == 1 || (level <= 3 && (value & Spte.PAGE_SIZE) != 0);
        long addr = value & ((1L << 52) - 1) & ~((1L << Math.min(52, hostMaxPhyAddr)) - 1);
        if (addr != 0) {
            out.add(bitList(addr) + " (above MAXPHYADDR " + hostMaxPhyAddr + "; the simulator does not check them)");
        }
        if (level >= 4 && (value & Spte.PAGE_SIZE) != 0) {
            out.add("bit 7 (PS) at level " + level + ": an EPT misconfiguration");
        }
        if (whole && (value & (Spte.READABLE | Spte.WRITABLE)) == Spte.WRITABLE) {
            out.add("write without read: an EPT misconfiguration");
        }
        if (whole && leaf && (value & Spte.RWX_MASK) != 0) {
            long mt = (value & Spte.MEMTYPE_MASK) >>> Spte.MEMTYPE_SHIFT;
            if (mt == 2 || mt == 3 || mt == 7) {
                out.add("memory type " + mt + " (reserved): an EPT misconfiguration");
            }
        }
        if (!leaf && (value & 0x78L) != 0) {
            out.add(bitList(value & 0x78L) + " in a non-leaf entry (reserved; the simulator does not check them)");
        }
        return out;
    }

    /** "bit 13" or "bits 13, 14". */
    static String bitList(long bits) {
        StringBuilder b = new StringBuilder(Long.bitCount(bits) == 1 ? "bit " : "bits ");
        boolean first = true;
        for (long m = bits; m != 0; m &= m - 1) {
            b.append(first ? "" : ", ").append(Long.numberOfTrailingZeros(m));
            first = false;
        }
        return b.toString();
    }
}
