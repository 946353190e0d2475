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

import org.junit.jupiter.api.Test;

class SpteOpTest {
    record Change(long gfn, int level, long oldSpte, long newSpte, SpteChange kind) {
    }

    HostMemory mem = new HostMemory();
    Memslots slots = new Memslots(mem);
    List<Change> changes = new ArrayList<>();
    TdpMmu mmu;
    long root;

    void setUp(boolean ad) {
        mmu = new TdpMmu(mem, slots, 4, ad, (r, g, l, o, n, k) -> changes.add(new Change(g, l, o, n, k)));
        root = mmu.allocRoot();
    }

    /** Slot 0 = gfns [0, 1024) in 4K leaves (dirty logging during population), write faults so leaves are dirty. */
    void populate4k(boolean ad, boolean write) {
        setUp(ad);
        slots.add(0, 0, 1024, false);
        slots.setDirtyLogging(0, true);
        for (long g = 0; g < 1024; g++) {
            mmu.handleEptViolation(root, g << 12, write, false);
        }
        changes.clear();
    }

    long count(SpteChange k) {
        return changes.stream().filter(c -> c.kind() == k).count();
    }

    @Test
    void zapWholeTablesFreesThem() {
        populate4k(true, false);
        long pt0 = Spte.pfn(mmu.spteAt(root, 0, 2));
        long pt1 = Spte.pfn(mmu.spteAt(root, 512, 2));
        TdpIter it = mmu.iter(root, 0, 1024);
        assertEquals(Progress.DONE, mmu.run(it, SpteOp.ZAP, null));
        // the two PDEs lie inside the range: cleared, their 2 x 512 leaves frozen, the PTs freed
        assertEquals(2, count(SpteChange.ZAP));
        assertEquals(1024, count(SpteChange.FREEZE));
        assertEquals(new Change(0, 2, changes.get(0).oldSpte(), 0, SpteChange.ZAP), changes.get(0));
        assertTrue(mem.isFreed(pt0));
        assertTrue(mem.isFreed(pt1));
        assertEquals(0, mmu.countPresentLeaves(root));
        assertTrue(mmu.anyPresent(root, 0, 1024), "the PML4E and PDPTE above stay");
        assertEquals(-1, mmu.firstPresentLeafGfn(root, 0, 1024));
        assertTrue(mmu.flushPending(it));
        mmu.markFlushed(it);
        assertFalse(mmu.flushPending(it));
        assertEquals(2, it.spteChanges());
    }

    @Test
    void zapPartialRangeClearsLeavesOnly() {
        populate4k(true, false);
        mmu.run(mmu.iter(root, 100, 200), SpteOp.ZAP, null);
        assertEquals(100, changes.size());
        assertEquals(100, count(SpteChange.ZAP));
        assertEquals(924, mmu.countPresentLeaves(root));
        assertEquals(200, mmu.firstPresentLeafGfn(root, 100, 1024));
        assertEquals(99, mmu.firstPresentLeafGfn(root, 0, 1024) + 99);
        assertEquals(0, mmu.tablesFreed());
    }

    @Test
    void zapAllLeavesNothingAndFreesEverythingButTheRoot() {
        populate4k(true, false);
        long allocated = mmu.tablesAllocated(); // root, PDPT, PD, 2 PTs
        assertEquals(5, allocated);
        mmu.run(mmu.iter(root, 0, mmu.gfnLimit()), SpteOp.ZAP, null);
        assertFalse(mmu.anyPresent(root, 0, mmu.gfnLimit()));
        assertEquals(4, mmu.tablesFreed());
        assertEquals(1, count(SpteChange.ZAP), "one PML4E");
        assertEquals(1 + 2 + 1024, count(SpteChange.FREEZE), "PDPTE, 2 PDEs, 1024 PTEs");
        mmu.freeRoot(root);
        assertTrue(mem.isFreed(root));
        assertEquals(0, mem.materializedPages());
    }

    @Test
    void zapHitsWholeHugeLeafOverlappingRange() {
        setUp(true);
        slots.add(0, 0, 1024, false);
        mmu.handleEptViolation(root, 600L << 12, false, false);
        assertEquals(2, mmu.lookupLevel(root, 600));
        changes.clear();
        mmu.run(mmu.iter(root, 600, 601), SpteOp.ZAP, null);
        assertEquals(1, changes.size());
        assertEquals(512, changes.get(0).gfn());
        assertEquals(2, changes.get(0).level());
        assertEquals(0, mmu.lookup(root, 1000));
    }

    @Test
    void freeRootFreesLinkedTables() {
        populate4k(true, false);
        long pt0 = Spte.pfn(mmu.spteAt(root, 0, 2));
        mmu.freeRoot(root);
        assertTrue(mem.isFreed(pt0));
        assertEquals(5, mmu.tablesFreed());
        assertTrue(changes.isEmpty(), "freeRoot reports nothing");
    }

    @Test
    void wrprotKeepsMmuWritableForTheFastPath() {
        populate4k(true, true);
        assertEquals(0, mmu.firstWritableLeafGfn(root, 0, 1024));
        TdpIter it = mmu.iter(root, 0, 1024);
        mmu.run(it, SpteOp.WRPROT, null);
        assertEquals(1024, count(SpteChange.WRPROT));
        assertEquals(-1, mmu.firstWritableLeafGfn(root, 0, 1024));
        long s = mmu.lookup(root, 7);
        assertTrue((s & Spte.MMU_WRITABLE) != 0 && (s & Spte.HOST_WRITABLE) != 0);
        assertTrue(mmu.flushPending(it));
        changes.clear();
        mmu.run(mmu.iter(root, 0, 1024), SpteOp.WRPROT, null);
        assertTrue(changes.isEmpty(), "idempotent");
        assertEquals(FaultResult.Kind.FIXED, mmu.handleEptViolation(root, 7L << 12, true, false).kind());
        assertEquals(7, mmu.firstWritableLeafGfn(root, 0, 1024));
    }

    @Test
    void clearDirtyWithAd() {
        populate4k(true, true);
        assertTrue((mmu.lookup(root, 3) & Spte.DIRTY) != 0);
        mmu.run(mmu.iter(root, 0, 16), SpteOp.CLEAR_DIRTY, null);
        assertEquals(16, count(SpteChange.CLEAR_DIRTY));
        assertEquals(0, mmu.lookup(root, 3) & Spte.DIRTY);
        assertTrue(Spte.isWritable(mmu.lookup(root, 3)), "with A/D, W stays");
        assertTrue((mmu.lookup(root, 16) & Spte.DIRTY) != 0);
    }

    @Test
    void clearDirtyWithoutAdWriteProtects() {
        populate4k(false, true);
        mmu.run(mmu.iter(root, 0, 16), SpteOp.CLEAR_DIRTY, null);
        assertEquals(16, count(SpteChange.CLEAR_DIRTY));
        assertFalse(Spte.isWritable(mmu.lookup(root, 3)));
        assertEquals(16, mmu.firstWritableLeafGfn(root, 0, 1024));
    }

    @Test
    void ageWithAdClearsAccessed() {
        populate4k(true, false);
        TdpIter it = mmu.iter(root, 0, 1024);
        mmu.run(it, SpteOp.AGE, YieldPoint.NEVER);
        assertEquals(1024, it.youngCount());
        assertEquals(0, mmu.lookup(root, 9) & Spte.ACCESSED);
        TdpIter again = mmu.iter(root, 0, 1024);
        mmu.run(again, SpteOp.AGE, null);
        assertEquals(0, again.youngCount());
    }

    @Test
    void ageWithoutAdUsesAccessTracking() {
        populate4k(false, false);
        TdpIter it = mmu.iter(root, 0, 4);
        mmu.run(it, SpteOp.AGE, null);
        assertEquals(4, it.youngCount());
        long s = mmu.lookup(root, 2);
        assertTrue(Spte.isAccessTracked(s));
        assertEquals(1024, mmu.countPresentLeaves(root), "access-tracked leaves are still present to KVM");
        TdpIter again = mmu.iter(root, 0, 4);
        mmu.run(again, SpteOp.AGE, null);
        assertEquals(0, again.youngCount());
        FaultResult f = mmu.handleEptViolation(root, 2L << 12, false, false);
        assertEquals(FaultResult.Kind.FIXED, f.kind());
        assertEquals(Spte.READABLE | Spte.EXECUTABLE, f.spte() & Spte.RWX_MASK);
        FaultResult w = mmu.handleEptViolation(root, 2L << 12, true, false);
        assertEquals(FaultResult.Kind.FIXED, w.kind());
        assertTrue(Spte.isWritable(w.spte()));
    }

    @Test
    void zapCollapsibleZapsTablesThatCouldBeHuge() {
        setUp(true);
        slots.add(0, 0, 1024, false); // two full 2M ranges
        slots.add(1, 1024, 300, false); // a partial one
        slots.setDirtyLogging(0, true);
        slots.setDirtyLogging(1, true);
        for (long g : new long[] { 5, 600, 1030 }) {
            mmu.handleEptViolation(root, g << 12, true, false);
        }
        long pt0 = Spte.pfn(mmu.spteAt(root, 0, 2));
        long pt2 = Spte.pfn(mmu.spteAt(root, 1024, 2));
        slots.setDirtyLogging(0, false);
        slots.setDirtyLogging(1, false);
        changes.clear();
        mmu.run(mmu.iter(root, 0, 1324), SpteOp.ZAP_COLLAPSIBLE, null);
        // PDEs 0 and 1 go (each range lies inside slot 0), PDE 2 stays (slot 1 covers only 300 pages of it)
        assertEquals(2, count(SpteChange.ZAP));
        assertEquals(2, count(SpteChange.FREEZE));
        assertTrue(mem.isFreed(pt0));
        assertFalse(mem.isFreed(pt2));
        assertEquals(1, mmu.countPresentLeaves(root));
        FaultResult r = mmu.handleEptViolation(root, 5L << 12, false, false);
        assertEquals(2, r.level());
    }
}
