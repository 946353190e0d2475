/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_2M;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_4K;

import org.junit.jupiter.api.Test;

/** A faulting 2-D walk names its failing reference: which entry, at which level, failed which check. */
class WalkFailureTest {
    static final long GVA = 0x7f00_0000_1000L; // PML4 254, PDPT 0, PD 0, PT 1
    static final long GPA = 0x80_0000L;

    final EptExitQualificationTest t = new EptExitQualificationTest();

    TwoDResult walk(long gva, int access) {
        t.faultIn(gva, access); // EPT violations served, so the guest's own checks decide
        return t.w.translate(t.root, t.regs, gva, access, true);
    }

    /** The failing reference is a guest entry read (EPT level 0) at {@code level}. */
    static void failsAtGuestEntry(TwoDResult r, int level) {
        assertFalse(r.failedInEpt());
        assertEquals(level, r.failingLevel());
        MemRef m = r.refs().get(r.failingReference() - 1);
        assertEquals(level, m.guestLevel());
        assertEquals(0, m.eptLevel());
    }

    @Test
    void notPresentGuestPml4e() {
        t.make(true);
        TwoDResult r = walk(0x1000_0000_0000L, Access.READ); // PML4 slot 32: empty
        assertEquals(TwoDResult.Kind.GUEST_PAGE_FAULT, r.kind());
        assertEquals(TwoDResult.Check.GUEST_NOT_PRESENT, r.check());
        assertEquals("guest PML4E not present", r.failure());
        assertEquals(5, r.failingReference()); // 4 EPT references, then the PML4E read
        failsAtGuestEntry(r, 4);
    }

    @Test
    void reservedBits() {
        t.make(true);
        t.b.setRaw(GVA, 2, t.b.readEntry(GVA, 2) | 1L << 51); // beyond MAXPHYADDR 46
        TwoDResult r = walk(GVA, Access.READ);
        assertEquals("reserved bit 51 set in guest PDE", r.failure());
        assertEquals(51, r.failBit());
        failsAtGuestEntry(r, 2);

        t.make(true);
        t.b.setRaw(GVA, 4, t.b.readEntry(GVA, 4) | GuestPte.PS);
        r = walk(GVA, Access.READ);
        assertEquals("reserved bit 7 (PS) set in guest PML4E", r.failure());
        assertEquals(5, r.failingReference());

        t.make(true);
        t.b.map(0x4000_0000L, 0x20_0000L * 10, SIZE_2M, SIZE_2M, true, false, true, false);
        t.b.setRaw(0x4000_0000L, 2, t.b.readEntry(0x4000_0000L, 2) | 1L << 13); // bit 13 of a 2M PDE
        r = walk(0x4000_0000L, Access.READ);
        assertEquals("reserved bit 13 set in guest PDE", r.failure());
        failsAtGuestEntry(r, 2);

        t.make(true);
        t.regs.efer &= ~CpuRegs.EFER_NXE;
        t.b.setRaw(GVA, 1, t.b.readEntry(GVA, 1) | GuestPte.XD);
        assertEquals("reserved bit 63 (XD, EFER.NXE=0) set in guest PTE", walk(GVA, Access.READ).failure());
    }

    @Test
    void rightsBlameTheHighestDenyingLevel() {
        t.make(true);
        t.b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, true, true, false); // a user page...
        t.b.setRaw(GVA, 3, t.b.readEntry(GVA, 3) & ~GuestPte.US); // ...under a supervisor-only PDPTE
        TwoDResult r = walk(GVA, Access.USER | Access.READ);
        assertEquals(TwoDResult.Check.GUEST_USER_SUPERVISOR, r.check());
        assertEquals("guest PDPTE is supervisor-only (U/S=0): user read", r.failure());
        failsAtGuestEntry(r, 3);

        t.make(true);
        t.b.map(GVA, GPA, SIZE_4K, SIZE_4K, false, false, true, false); // read-only leaf
        r = walk(GVA, Access.WRITE);
        assertEquals("guest PTE is read-only (R/W=0): supervisor write with CR0.WP=1", r.failure());
        failsAtGuestEntry(r, 1);

        t.make(true);
        t.b.setRaw(GVA, 2, t.b.readEntry(GVA, 2) | GuestPte.XD);
        r = walk(GVA, Access.FETCH);
        assertEquals("guest PDE has XD=1: supervisor fetch", r.failure());
        failsAtGuestEntry(r, 2);
    }

    @Test
    void smepAndSmapNameTheUserLeaf() {
        t.make(true);
        t.b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, true, true, false);
        t.regs.cr4 |= CpuRegs.CR4_SMEP | CpuRegs.CR4_SMAP;
        TwoDResult r = walk(GVA, Access.FETCH);
        assertEquals(TwoDResult.Check.GUEST_SMEP, r.check());
        assertEquals("SMEP: supervisor fetch from a user page (guest PTE)", r.failure());
        failsAtGuestEntry(r, 1);
        assertEquals(20, r.failingReference());
        r = walk(GVA, Access.WRITE);
        assertEquals("SMAP: supervisor write of a user page (guest PTE)", r.failure());
        // the trace and the diagram read the same words
        assertEquals("#PF ec=0x3 [" + GuestTranslation.describeErrorCode(3) + "] " + r.failure() + " (20 refs)",
                r.toString());
    }

    @Test
    void nonCanonicalHasNoFailingReference() {
        t.make(true);
        TwoDResult r = t.w.translate(t.root, t.regs, 0x8000_0000_0000L, Access.READ, true);
        assertEquals(TwoDResult.Check.NON_CANONICAL, r.check());
        assertEquals(0, r.failingReference());
        assertEquals("non-canonical address", r.failure());
    }
}
