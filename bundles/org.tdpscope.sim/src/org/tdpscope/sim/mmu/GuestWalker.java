/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * Architectural x86-64 linear-address translation (4- and 5-level paging, Intel SDM vol. 3 ch. 4), with guest
 * tables read directly by gpa ({@link Memslots#readGpa}; a gpa in no slot reads all ones and so faults with RSVD).
 * <p>
 * Modelled: canonical check (#GP), not-present and reserved-bit faults (MAXPHYADDR 46, PS in PML4E/PML5E, low
 * address bits of 2M/1G leaves, XD without EFER.NXE), 2M and 1G leaves, access rights combined over all levels
 * (U/S, R/W with CR0.WP, XD with NXE, SMEP, SMAP with EFLAGS.AC and implicit supervisor accesses), error codes, and
 * A/D updates. Simplification: A and D are only written when the whole access succeeds (real CPUs may set A on
 * entries of a walk that then faults). Paging off means gpa = gva; legacy 32-bit and PAE modes are not modelled.
 * Protection keys and PAT are not modelled.
 */
public final class GuestWalker {
    static final int OK = 0;
    static final int USER_TO_SUPERVISOR = 1;
    static final int USER_WRITE_RO = 2;
    static final int SUPERVISOR_WRITE_RO = 3;
    static final int FETCH_XD = 4;
    static final int SMEP = 5;
    static final int SMAP = 6;
    static final String[] REASONS = { "ok", "user access to a supervisor page", "user write to a read-only page",
            "supervisor write to a read-only page with CR0.WP=1", "instruction fetch from an XD page",
            "SMEP: supervisor fetch from a user page", "SMAP: supervisor data access to a user page" };

    private GuestWalker() {
    }

    public static GuestTranslation translate(Memslots slots, CpuRegs regs, long gva, int access,
            boolean setAccessedDirty) {
        if (!regs.paging()) {
            return new GuestTranslation(GuestTranslation.Kind.OK, gva, 4096, 0, 0, "paging disabled");
        }
        checkMode(regs);
        if (!canonical(gva, regs.la57())) {
            return new GuestTranslation(GuestTranslation.Kind.GENERAL_PROTECTION, 0, 0, 0, 0,
                    "non-canonical address 0x" + Long.toHexString(gva) + " (" + (regs.la57() ? 57 : 48) + "-bit)");
        }
        int levels = regs.levels();
        boolean nxe = regs.nxe();
        long table = regs.cr3 & GuestPte.PFN_MASK;
        long[] entryGpa = new long[levels];
        long[] entry = new long[levels];
        int walked = 0;
        boolean allUser = true;
        boolean allWritable = true;
        boolean anyXd = false;
        long gpa = 0;
        int pageSize = 0;
        for (int level = levels; level >= 1; level--) {
            long egpa = table + 8L * GuestPte.index(gva, level);
            long e = slots.readGpa(egpa);
            entryGpa[walked] = egpa;
            entry[walked] = e;
            walked++;
            if ((e & GuestPte.P) == 0) {
                return pageFault(errorBase(access, regs), level,
                        GuestPte.levelName(level) + " not present at gpa 0x" + Long.toHexString(egpa));
            }
            if ((e & GuestPte.reservedMask(level, (e & GuestPte.PS) != 0, nxe)) != 0) {
                return pageFault(errorBase(access, regs) | GuestTranslation.PF_P | GuestTranslation.PF_RSVD, level,
                        "reserved bit set in " + GuestPte.levelName(level) + " 0x" + Long.toHexString(e));
            }
            allUser &= (e & GuestPte.US) != 0;
            allWritable &= (e & GuestPte.RW) != 0;
            anyXd |= (e & GuestPte.XD) != 0;
            if (GuestPte.isLeaf(e, level)) {
                long size = GuestPte.pageSize(level);
                gpa = GuestPte.address(e, level) | (gva & (size - 1));
                pageSize = (int) size;
                break;
            }
            table = e & GuestPte.PFN_MASK;
        }
        int why = checkAccess(access, regs, allUser, allWritable, anyXd);
        if (why != OK) {
            return pageFault(errorBase(access, regs) | GuestTranslation.PF_P, 0, REASONS[why]);
        }
        if (setAccessedDirty) {
            for (int i = 0; i < walked; i++) {
                long want = entry[i] | GuestPte.A | (i == walked - 1 && Access.isWrite(access) ? GuestPte.D : 0);
                if (want != entry[i]) {
                    slots.writeGpa(entryGpa[i], want);
                }
            }
        }
        return new GuestTranslation(GuestTranslation.Kind.OK, gpa, pageSize, 0, 0, "ok");
    }

    /**
     * The gpa of the guest paging entry that maps {@code gva} at {@code level} (5 = PML5E ... 1 = PTE), found by
     * walking the guest's tables from CR3 as they are now, without any checks but presence.
     *
     * @throws IllegalArgumentException when the paging mode has no such level, or an entry above it is not
     *                                  present or maps a page (so there is no table at {@code level})
     */
    public static long entryGpa(Memslots slots, CpuRegs regs, long gva, int level) {
        int levels = regs.levels();
        if (level < 1 || level > levels) {
            throw new IllegalArgumentException("level " + level + " does not exist with " + levels + "-level paging");
        }
        long table = regs.cr3 & GuestPte.PFN_MASK;
        for (int l = levels; l > level; l--) {
            long e = slots.readGpa(table + 8L * GuestPte.index(gva, l));
            if ((e & GuestPte.P) == 0) {
                throw new IllegalArgumentException("no guest " + GuestPte.levelName(level) + " for gva 0x"
                        + Long.toHexString(gva) + ": its " + GuestPte.levelName(l) + " is not present");
            }
            if (GuestPte.isLeaf(e, l)) {
                throw new IllegalArgumentException("no guest " + GuestPte.levelName(level) + " for gva 0x"
                        + Long.toHexString(gva) + ": its " + GuestPte.levelName(l) + " maps a "
                        + (l == 3 ? "1G" : "2M") + " page");
            }
            table = e & GuestPte.PFN_MASK;
        }
        return table + 8L * GuestPte.index(gva, level);
    }

    private static GuestTranslation pageFault(int ec, int level, String reason) {
        return new GuestTranslation(GuestTranslation.Kind.PAGE_FAULT, 0, 0, ec, level, reason);
    }

    static void checkMode(CpuRegs regs) {
        if (!regs.longModeActive() || (regs.cr4 & CpuRegs.CR4_PAE) == 0) {
            throw new UnsupportedOperationException("only 4-/5-level (IA-32e) paging is modelled: " + regs);
        }
    }

    /** Bits 63:47 (or 63:56 with LA57) must all equal bit 47 (56). */
    public static boolean canonical(long gva, boolean la57) {
        int shift = la57 ? 64 - 57 : 64 - 48;
        return (gva << shift) >> shift == gva;
    }

    /** The error-code bits describing the access itself: W/R, U/S and I/D. */
    static int errorBase(int access, CpuRegs regs) {
        int ec = 0;
        if (Access.isWrite(access) && !Access.isFetch(access)) {
            ec |= GuestTranslation.PF_W;
        }
        if (Access.isUser(access)) {
            ec |= GuestTranslation.PF_U;
        }
        if (Access.isFetch(access) && (regs.nxe() || regs.smep())) {
            ec |= GuestTranslation.PF_I; // I/D is reported only with NXE or SMEP (SDM 4.7)
        }
        return ec;
    }

    /**
     * Access rights (SDM 4.6) from the permissions combined over all levels: {@code allUser} = U/S set everywhere
     * (a user-mode address), {@code allWritable} = R/W set everywhere, {@code anyXd} = XD set somewhere. Returns a
     * reason index, {@link #OK} if allowed.
     */
    static int checkAccess(int access, CpuRegs regs, boolean allUser, boolean allWritable, boolean anyXd) {
        boolean write = Access.isWrite(access) && !Access.isFetch(access);
        boolean fetch = Access.isFetch(access);
        boolean xd = anyXd && regs.nxe();
        if (Access.isUser(access)) {
            if (!allUser) {
                return USER_TO_SUPERVISOR;
            }
            if (write && !allWritable) {
                return USER_WRITE_RO;
            }
            if (fetch && xd) {
                return FETCH_XD;
            }
            return OK;
        }
        if (fetch) {
            if (allUser && regs.smep()) {
                return SMEP;
            }
            return xd ? FETCH_XD : OK;
        }
        boolean implicit = (access & Access.IMPLICIT_SUPERVISOR) != 0;
        if (allUser && regs.smap() && (implicit || (access & Access.AC) == 0)) {
            return SMAP;
        }
        if (write && regs.wp() && !allWritable) {
            return SUPERVISOR_WRITE_RO;
        }
        return OK;
    }
}
