/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.sim.mmu.Access.AC;
import static org.tdpscope.sim.mmu.Access.FETCH;
import static org.tdpscope.sim.mmu.Access.IMPLICIT_SUPERVISOR;
import static org.tdpscope.sim.mmu.Access.READ;
import static org.tdpscope.sim.mmu.Access.USER;
import static org.tdpscope.sim.mmu.Access.WRITE;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_1G;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_2M;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_4K;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuestWalkerTest {
    static final long USER_RW = 0x40_0000L; // user, writable, executable 4K page
    static final long USER_RO = 0x40_1000L; // user, read-only, XD
    static final long SUP_RW = 0xffff_8000_0000_0000L; // supervisor, writable, executable
    static final long SUP_RO = 0xffff_8000_0000_1000L; // supervisor, read-only
    static final long USER_2M = 0x4000_0000L; // user 2M, writable, XD
    static final long SUP_1G = 0x80_0000_0000L; // supervisor 1G

    Memslots slots;
    GuestPageTableBuilder b;
    CpuRegs regs;

    @BeforeEach
    void setUp() {
        slots = new Memslots(new HostMemory());
        slots.add(0, 0, 16384, false); // 64 MiB of guest RAM
        b = new GuestPageTableBuilder(slots, 4, 0x10_0000L, 256);
        b.map(USER_RW, 0x200_0000L, SIZE_4K, SIZE_4K, true, true, true, false);
        b.map(USER_RO, 0x200_1000L, SIZE_4K, SIZE_4K, false, true, false, false);
        b.map(SUP_RW, 0x200_2000L, SIZE_4K, SIZE_4K, true, false, true, true);
        b.map(SUP_RO, 0x200_3000L, SIZE_4K, SIZE_4K, false, false, true, false);
        b.map(USER_2M, 0x300_0000L, SIZE_2M, SIZE_2M, true, true, false, false);
        b.map(SUP_1G, 0x4000_0000L, SIZE_1G, SIZE_1G, true, false, true, false);
        regs = CpuRegs.longMode(b.cr3(), false);
    }

    GuestTranslation tr(long gva, int access) {
        return GuestWalker.translate(slots, regs, gva, access, true);
    }

    void assertFault(int ec, GuestTranslation t) {
        assertEquals(GuestTranslation.Kind.PAGE_FAULT, t.kind(), t.toString());
        assertEquals(ec, t.errorCode(), t.toString());
    }

    @Test
    void fourKTranslationSetsAccessedThenDirty() {
        GuestTranslation t = tr(USER_RW + 0x123, USER);
        assertTrue(t.ok());
        assertEquals(0x200_0123L, t.gpa());
        assertEquals(4096, t.pageSize());
        for (int l = 4; l >= 1; l--) {
            assertTrue((b.readEntry(USER_RW, l) & GuestPte.A) != 0, "A at level " + l);
        }
        assertEquals(0, b.readEntry(USER_RW, 1) & GuestPte.D);
        assertTrue(tr(USER_RW, USER | WRITE).ok());
        assertTrue((b.readEntry(USER_RW, 1) & GuestPte.D) != 0);
        assertEquals(0, b.readEntry(USER_RW, 2) & GuestPte.D, "D only on the leaf");
    }

    @Test
    void hugePages() {
        GuestTranslation t2 = tr(USER_2M + 0x12345, USER);
        assertEquals(0x301_2345L, t2.gpa());
        assertEquals(2 << 20, t2.pageSize());
        GuestTranslation t1 = tr(SUP_1G + 0x1234_5678L, READ);
        assertEquals(0x5234_5678L, t1.gpa());
        assertEquals(1 << 30, t1.pageSize());
        assertTrue((b.readEntry(SUP_1G, 3) & GuestPte.A) != 0);
    }

    @Test
    void notPresent() {
        GuestTranslation t = tr(0x50_0000L, READ); // same PT as USER_RW, empty PTE
        assertFault(0, t);
        assertEquals(1, t.faultLevel());
        assertFault(GuestTranslation.PF_W | GuestTranslation.PF_U, tr(0x50_0000L, USER | WRITE));
        GuestTranslation top = tr(0x1000_0000_0000L, READ); // PML4 index 32: not present
        assertEquals(4, top.faultLevel());
    }

    @Test
    void executeDisable() {
        // with NXE: XD pages fault on fetch only; P | U | I = 0x15
        assertFault(0x15, tr(USER_2M, USER | FETCH));
        assertTrue(tr(USER_2M, USER).ok());
        // without NXE, XD is a reserved bit: every access faults with RSVD (P | U | RSVD = 0xd), I not reported
        regs.efer &= ~CpuRegs.EFER_NXE;
        assertFault(0xd, tr(USER_2M, USER));
        assertFault(0xd, tr(USER_2M, USER | FETCH));
        assertTrue(tr(USER_RW, USER | FETCH).ok());
    }

    @Test
    void writeProtectAndUserSupervisor() {
        assertFault(GuestTranslation.PF_P | GuestTranslation.PF_W, tr(SUP_RO, WRITE));
        regs.cr0 &= ~CpuRegs.CR0_WP;
        assertTrue(tr(SUP_RO, WRITE).ok(), "CR0.WP=0: supervisor may write read-only pages");
        assertTrue(tr(USER_RO, WRITE).ok(), "also user pages (SMAP off)");
        assertFault(0x7, tr(USER_RO, USER | WRITE)); // user writes always need R/W
        assertFault(0x5, tr(SUP_RW, USER)); // user read of a supervisor page
        assertFault(0x15, tr(SUP_RW, USER | FETCH));
    }

    @Test
    void smep() {
        assertTrue(tr(USER_RW, FETCH).ok());
        regs.cr4 |= CpuRegs.CR4_SMEP;
        GuestTranslation t = tr(USER_RW, FETCH);
        assertFault(0x11, t); // P | I
        assertTrue(t.reason().contains("SMEP"));
        assertTrue(tr(USER_RW, READ).ok(), "SMEP is about fetches only");
        assertTrue(tr(SUP_RW, FETCH).ok());
    }

    @Test
    void smap() {
        regs.cr4 |= CpuRegs.CR4_SMAP;
        assertFault(0x1, tr(USER_RW, READ));
        assertFault(0x3, tr(USER_RW, WRITE));
        assertTrue(tr(USER_RW, READ | AC).ok(), "EFLAGS.AC exempts explicit accesses");
        assertFault(0x1, tr(USER_RW, READ | AC | IMPLICIT_SUPERVISOR));
        assertFault(0x1, tr(USER_RW, USER | IMPLICIT_SUPERVISOR)); // implicit at CPL3 is supervisor: no U bit
        assertTrue(tr(USER_RW, USER).ok());
        assertTrue(tr(SUP_RW, READ).ok());
        regs.cr4 &= ~CpuRegs.CR4_SMAP;
        assertTrue(tr(USER_RW, READ).ok());
    }

    @Test
    void faultingAccessSetsNoAccessedOrDirty() {
        assertFault(0x7, tr(USER_RO, USER | WRITE));
        long pte = b.readEntry(USER_RO, 1);
        assertEquals(0, pte & (GuestPte.A | GuestPte.D));
        GuestTranslation t = GuestWalker.translate(slots, regs, USER_RO, USER, false);
        assertTrue(t.ok());
        assertEquals(0, b.readEntry(USER_RO, 1) & GuestPte.A, "setAccessedDirty=false");
    }

    @Test
    void canonicalFourLevel() {
        assertEquals(GuestTranslation.Kind.GENERAL_PROTECTION, tr(0x0000_8000_0000_0000L, READ).kind());
        assertEquals(GuestTranslation.Kind.GENERAL_PROTECTION, tr(0xffff_7fff_ffff_f000L, READ).kind());
        assertEquals(GuestTranslation.Kind.GENERAL_PROTECTION, tr(0x0100_0000_0000_0000L, READ).kind());
        assertTrue(tr(SUP_RW, READ).ok());
        assertEquals(0, tr(0x0000_8000_0000_0000L, READ).errorCode(), "#GP, not #PF");
    }

    @Test
    void fiveLevel() {
        GuestPageTableBuilder b5 = new GuestPageTableBuilder(slots, 5, 0x20_0000L, 64);
        long gva = 0x00ff_0000_0000_0000L; // bit 56 = 0: canonical with LA57 only
        b5.map(gva, 0x200_4000L, SIZE_4K, SIZE_4K, true, false, true, false);
        CpuRegs r5 = CpuRegs.longMode(b5.cr3(), true);
        GuestTranslation t = GuestWalker.translate(slots, r5, gva + 8, READ, true);
        assertTrue(t.ok(), t.toString());
        assertEquals(0x200_4008L, t.gpa());
        assertTrue((b5.readEntry(gva, 5) & GuestPte.A) != 0);
        assertEquals(GuestTranslation.Kind.GENERAL_PROTECTION, tr(gva, READ).kind(), "not canonical with 4 levels");
        assertEquals(GuestTranslation.Kind.GENERAL_PROTECTION,
                GuestWalker.translate(slots, r5, 0x0100_0000_0000_0000L, READ, true).kind());
        GuestTranslation np = GuestWalker.translate(slots, r5, 0x0000_8000_0000_0000L, READ, true);
        assertEquals(GuestTranslation.Kind.PAGE_FAULT, np.kind());
        assertEquals(5, np.faultLevel());
    }

    @Test
    void reservedBits() {
        int rsvd = GuestTranslation.PF_P | GuestTranslation.PF_RSVD; // 9
        b.setRaw(0x2000_0000_0000L, 4, 0x5000L | GuestPte.P | GuestPte.PS); // PS in a PML4E
        GuestTranslation t = tr(0x2000_0000_0000L, READ);
        assertFault(rsvd, t);
        assertEquals(4, t.faultLevel());
        b.setRaw(0x60_0000L, 1, (1L << 50) | 0x200_5000L | GuestPte.P); // address bit above MAXPHYADDR
        assertFault(rsvd, tr(0x60_0000L, READ));
        b.setRaw(0x8000_0000L, 2, 0x320_0000L | (1L << 13) | GuestPte.P | GuestPte.PS); // bit 13 of a 2M PDE
        assertFault(rsvd | GuestTranslation.PF_W, tr(0x8000_0000L, WRITE));
        b.setRaw(0xc000_0000L, 3, 0x4000_0000L | (1L << 20) | GuestPte.P | GuestPte.PS); // bit 20 of a 1G PDPTE
        assertFault(rsvd | GuestTranslation.PF_U, tr(0xc000_0000L, USER));
        // a 2M PDE with only PAT (bit 12) set is fine
        b.setRaw(0x8020_0000L, 2, 0x320_0000L | GuestPte.PAT_LARGE | GuestPte.P | GuestPte.PS);
        assertEquals(0x320_0000L, tr(0x8020_0000L, READ).gpa());
        assertEquals("P R S RSVD", GuestTranslation.describeErrorCode(rsvd));
    }

    @Test
    void pagingDisabledIsIdentity() {
        regs.cr0 &= ~CpuRegs.CR0_PG;
        GuestTranslation t = tr(0x1234_5678L, WRITE);
        assertTrue(t.ok());
        assertEquals(0x1234_5678L, t.gpa());
        assertFalse(tr(0x1234_5678L, READ).kind() != GuestTranslation.Kind.OK);
    }
}
