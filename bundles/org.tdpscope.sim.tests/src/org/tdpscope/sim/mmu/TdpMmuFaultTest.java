/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TdpMmuFaultTest {
    static final long G1 = 1L << 18; // pages per 1G
    static final long M2 = 512; // pages per 2M

    record Change(long gfn, int level, long oldSpte, long newSpte, SpteChange kind) {
    }

    HostMemory mem;
    Memslots slots;
    List<Change> changes;
    TdpMmu mmu;
    long root;

    @BeforeEach
    void setUp() {
        mem = new HostMemory();
        slots = new Memslots(mem);
        changes = new ArrayList<>();
        mmu = new TdpMmu(mem, slots, 4, true, (r, g, l, o, n, k) -> changes.add(new Change(g, l, o, n, k)));
        root = mmu.allocRoot();
    }

    @Test
    void oneGigSlotGetsOneGigLeaf() {
        Memslot s = slots.add(0, 0, G1, false);
        FaultResult r = mmu.handleEptViolation(root, 0x1234_5000L, false, false);
        assertEquals(FaultResult.Kind.INSTALLED, r.kind());
        assertEquals(3, r.level());
        assertEquals(s.hostBasePfn(), Spte.pfn(r.spte()));
        assertTrue((r.spte() & Spte.PAGE_SIZE) != 0);
        assertTrue(Spte.isWritable(r.spte()));
        // make_spte creates a writable SPTE dirty (ACC_WRITE_MASK), on a read fault too
        assertEquals(Spte.DIRTY, r.spte() & Spte.DIRTY, "writable, so created dirty");
        // root + one PDPT; the PML4E and the 1G PDPTE were set
        assertEquals(2, mmu.tablesAllocated());
        assertEquals(2, mem.materializedPages());
        assertEquals(2, changes.size());
        assertEquals(new Change(0, 4, 0, changes.get(0).newSpte(), SpteChange.SET), changes.get(0));
        assertFalse(Spte.isLeaf(changes.get(0).newSpte(), 4));
        assertEquals(new Change(0, 3, 0, r.spte(), SpteChange.SET), changes.get(1));
        assertEquals(r.spte(), mmu.lookup(root, 0x3ffff));
        assertEquals(3, mmu.lookupLevel(root, 0x12345));
        assertEquals(1, mmu.countPresentLeaves(root));
    }

    @Test
    void twoMegSlotGetsTwoMegLeafAndUnalignedHostStays4k() {
        slots.add(0, G1, 4 * M2, false); // 8 MiB at 1 GiB: 1G impossible, 2M fine
        slots.add(1, 2 * G1, 4 * M2, false, 1); // host backing off by one page
        FaultResult r = mmu.handleEptViolation(root, (G1 + 700) << 12, true, false);
        assertEquals(FaultResult.Kind.INSTALLED, r.kind());
        assertEquals(2, r.level());
        assertEquals(G1 + 512, r.gfn() & ~511L);
        assertTrue((r.spte() & Spte.DIRTY) != 0, "write fault: dirty");
        assertEquals(3, mmu.tablesAllocated()); // root, PDPT, PD
        FaultResult u = mmu.handleEptViolation(root, (2 * G1 + 5) << 12, false, false);
        assertEquals(1, u.level());
        assertEquals(5, mmu.tablesAllocated()); // + PD and PT under PDPTE 2
    }

    @Test
    void smallOrOddSlotAndDirtyLoggingForce4k() {
        slots.add(0, 3, 5, false); // gfns 3..7
        assertEquals(1, mmu.handleEptViolation(root, 4L << 12, false, false).level());
        Memslot big = slots.add(1, G1, G1, false);
        slots.setDirtyLogging(1, true);
        FaultResult r = mmu.handleEptViolation(root, (G1 + 1) << 12, false, false);
        assertEquals(1, r.level());
        assertEquals(big.hpfnOf(G1 + 1), Spte.pfn(r.spte()));
        assertEquals(1, mmu.maxMappingLevel(big, G1));
        slots.setDirtyLogging(1, false);
        assertEquals(3, mmu.maxMappingLevel(big, G1));
    }

    @Test
    void mmioOutsideSlotsAndReadOnlySlot() {
        slots.add(0, 0, 16, true);
        long gen = slots.generation();
        FaultResult m = mmu.handleEptViolation(root, 0xfee0_0000L, false, false);
        assertEquals(FaultResult.Kind.MMIO, m.kind());
        assertEquals(1, m.level());
        assertTrue(Spte.isMmio(m.spte()));
        assertEquals(gen, Spte.mmioGeneration(m.spte()));
        assertEquals(0xfee00, Spte.mmioGfn(m.spte()));
        assertEquals(m.spte(), mmu.lookup(root, 0xfee00));
        assertEquals(0, mmu.countPresentLeaves(root), "MMIO SPTEs are not present");
        int before = changes.size();
        assertEquals(FaultResult.Kind.MMIO, mmu.handleEptViolation(root, 0xfee0_0000L, false, false).kind());
        assertEquals(before, changes.size(), "same generation: nothing to change");

        FaultResult w = mmu.handleEptViolation(root, 0x3000, true, false);
        assertEquals(FaultResult.Kind.WRITE_TO_READONLY, w.kind());
        assertEquals(before, changes.size());
        FaultResult rd = mmu.handleEptViolation(root, 0x3000, false, false);
        assertEquals(FaultResult.Kind.INSTALLED, rd.kind());
        assertFalse(Spte.isWritable(rd.spte()));
        assertEquals(0, rd.spte() & Spte.HOST_WRITABLE);
    }

    @Test
    void spuriousAndFixedWriteProtect() {
        slots.add(0, 0, 8, false);
        FaultResult a = mmu.handleEptViolation(root, 0x2000, false, false);
        int n = changes.size();
        FaultResult again = mmu.handleEptViolation(root, 0x2000, true, false);
        assertEquals(FaultResult.Kind.SPURIOUS, again.kind());
        assertEquals(n, changes.size());
        // write-protect it by hand through an iterator, then a write fault restores W and sets D
        TdpIter it = mmu.iter(root, 2, 3);
        assertEquals(Progress.DONE, mmu.run(it, SpteOp.WRPROT, null));
        assertFalse(Spte.isWritable(mmu.lookup(root, 2)));
        FaultResult f = mmu.handleEptViolation(root, 0x2000, true, false);
        assertEquals(FaultResult.Kind.FIXED, f.kind());
        assertEquals(a.spte() | Spte.DIRTY, f.spte());
        Change last = changes.get(changes.size() - 1);
        assertEquals(SpteChange.SET, last.kind());
        assertEquals(f.spte(), last.newSpte());
    }

    @Test
    void dirtyLoggingSplitsWriteProtectedHugePageOnWrite() {
        slots.add(0, 0, 4 * M2, false);
        FaultResult huge = mmu.handleEptViolation(root, 0x1000, true, false);
        assertEquals(2, huge.level());
        slots.setDirtyLogging(0, true);
        mmu.run(mmu.iter(root, 0, 4 * M2), SpteOp.WRPROT, null);
        // a read still hits the read-only huge leaf
        assertEquals(FaultResult.Kind.SPURIOUS, mmu.handleEptViolation(root, 0x5000, false, false).kind());
        changes.clear();
        long tables = mmu.tablesAllocated();
        FaultResult w = mmu.handleEptViolation(root, 0x5000, true, false);
        assertEquals(FaultResult.Kind.INSTALLED, w.kind());
        assertEquals(1, w.level());
        assertEquals(tables + 1, mmu.tablesAllocated());
        assertEquals(3, changes.size());
        assertEquals(SpteChange.ZAP, changes.get(0).kind());
        assertEquals(2, changes.get(0).level());
        assertEquals(0, changes.get(0).newSpte());
        assertEquals(SpteChange.SET, changes.get(1).kind());
        assertEquals(new Change(5, 1, 0, w.spte(), SpteChange.SET), changes.get(2));
        assertEquals(0, mmu.lookup(root, 6), "the rest of the old huge range is unmapped");
    }

    @Test
    void hugeLeafReplacesTableAndTearsItDown() {
        slots.add(0, 0, 4 * M2, false);
        slots.setDirtyLogging(0, true);
        FaultResult small = mmu.handleEptViolation(root, 0x7000, false, false);
        assertEquals(1, small.level());
        long pt = Spte.pfn(mmu.spteAt(root, 0, 2));
        slots.setDirtyLogging(0, false);
        changes.clear();
        FaultResult big = mmu.handleEptViolation(root, 0x9000, false, false);
        assertEquals(FaultResult.Kind.INSTALLED, big.kind());
        assertEquals(2, big.level());
        assertEquals(2, changes.size());
        assertEquals(SpteChange.SET, changes.get(0).kind());
        assertEquals(new Change(7, 1, small.spte(), Spte.REMOVED_SPTE, SpteChange.FREEZE), changes.get(1));
        assertTrue(mem.isFreed(pt));
        assertEquals(1, mmu.tablesFreed());
    }

    @Test
    void removedSpteMeansRetry() {
        slots.add(0, 0, 8, false);
        mmu.handleEptViolation(root, 0, false, false);
        TdpIter it = mmu.iter(root, 1, 2);
        while (it.level() != 1) {
            it.next();
        }
        mmu.changeSpte(it, Spte.REMOVED_SPTE, SpteChange.FREEZE);
        FaultResult r = mmu.handleEptViolation(root, 0x1000, true, false);
        assertEquals(FaultResult.Kind.RETRY, r.kind());
        assertEquals(Spte.REMOVED_SPTE, r.spte());
    }

    @Test
    void fiveLevelEptAllocatesFourTablesBelowTheRoot() {
        TdpMmu m5 = new TdpMmu(mem, slots, 5, false, null);
        long r5 = m5.allocRoot();
        slots.add(0, 0x1_0000_0000L, 16, false); // gfn 2^32: PML5 index 0, PML4 index 32
        FaultResult r = m5.handleEptViolation(r5, 0x1_0000_0003L << 12, true, false);
        assertEquals(1, r.level());
        assertEquals(5, m5.tablesAllocated());
        assertEquals(0, r.spte() & (Spte.ACCESSED | Spte.DIRTY), "no A/D bits without A/D");
        assertEquals(1, m5.lookupLevel(r5, 0x1_0000_0003L));
        assertEquals(0x1_0000_0003L, m5.firstPresentLeafGfn(r5, 0, Long.MAX_VALUE));
    }
}
