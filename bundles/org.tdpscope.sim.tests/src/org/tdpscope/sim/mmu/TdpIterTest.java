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

class TdpIterTest {
    HostMemory mem;
    Memslots slots;
    TdpMmu mmu;
    long root;

    /** "level:gfn" of each position offered to the op. */
    final List<String> seen = new ArrayList<>();

    YieldPoint recordingNever() {
        return it -> {
            seen.add(it.level() + ":" + it.gfn());
            return false;
        };
    }

    @BeforeEach
    void setUp() {
        mem = new HostMemory();
        slots = new Memslots(mem);
        mmu = new TdpMmu(mem, slots, 4, true, null);
        root = mmu.allocRoot();
        slots.add(0, 0, 1024, false);
        slots.setDirtyLogging(0, true); // 4K leaves only
        mmu.handleEptViolation(root, 0, false, false); // PT for gfns 0..511
        mmu.handleEptViolation(root, 513L << 12, false, false); // PT for gfns 512..1023
    }

    @Test
    void preOrderVisitsNonPresentEntriesToo() {
        TdpIter it = mmu.iter(root, 510, 515);
        assertEquals(Progress.DONE, mmu.run(it, SpteOp.AGE, recordingNever()));
        // root entry, PDPTE 0, PDE 0, PTEs 510 and 511 (510 not present), up and side to PDE 1, its PTEs 512..514
        assertEquals(List.of("4:0", "3:0", "2:0", "1:510", "1:511", "2:512", "1:512", "1:513", "1:514"), seen);
        assertEquals(9, it.positionsVisited());
        assertEquals(1, it.youngCount(), "only gfn 513 is mapped in range");
    }

    @Test
    void emptyRootVisitsOnlyRootEntries() {
        long empty = mmu.allocRoot();
        TdpIter it = mmu.iter(empty, 0, 3L << 27); // three PML4 entries' worth
        mmu.run(it, SpteOp.ZAP, recordingNever());
        assertEquals(List.of("4:0", "4:134217728", "4:268435456"), seen);
    }

    @Test
    void rawIteratorStepping() {
        TdpIter it = mmu.iter(root, 0, 2);
        assertTrue(it.valid());
        assertEquals(4, it.level());
        assertFalse(it.progressSinceYield());
        it.next();
        it.next();
        it.next();
        assertEquals(1, it.level());
        assertEquals(0, it.gfn());
        assertTrue(Spte.isLeaf(it.oldSpte(), 1));
        it.next();
        assertEquals(1, it.gfn());
        assertEquals(1, it.nextLastLevelGfn());
        assertTrue(it.progressSinceYield());
        it.next();
        assertFalse(it.valid());
    }

    @Test
    void yieldAndRestartResumeWithoutRevisiting() {
        TdpIter it = mmu.iter(root, 510, 515);
        YieldPoint at513 = it2 -> {
            seen.add(it2.level() + ":" + it2.gfn());
            return it2.level() == 1 && it2.gfn() == 513 && it2.progressSinceYield();
        };
        assertEquals(Progress.YIELD, mmu.run(it, SpteOp.AGE, at513));
        assertEquals(513, it.nextLastLevelGfn());
        assertEquals(0, it.youngCount(), "513 was not consumed");
        it.yieldHere();
        assertEquals(513, it.yieldedGfn());
        assertFalse(it.progressSinceYield());
        // meanwhile someone else maps gfn 512 and unmaps nothing: the walk must not go back for it
        mmu.handleEptViolation(root, 512L << 12, false, false);
        it.restartFromRoot();
        seen.add("--");
        assertEquals(Progress.DONE, mmu.run(it, SpteOp.AGE, at513));
        // the root-level entry is offered again after the restart (3a0f64de479c), then the path down to 513
        assertEquals(List.of("4:0", "3:0", "2:0", "1:510", "1:511", "2:512", "1:512", "1:513", "--",
                "4:0", "3:0", "2:512", "1:513", "1:514"), seen);
        assertEquals(1, it.youngCount(), "513 aged once, 512 (mapped after the yield point) untouched");
        assertTrue((mmu.lookup(root, 512) & Spte.ACCESSED) != 0);
        assertEquals(0, mmu.lookup(root, 513) & Spte.ACCESSED);
    }

    @Test
    void kernelYieldPointRequiresProgress() {
        TdpIter it = mmu.iter(root, 0, 1024);
        YieldPoint always = YieldPoint.kernel(x -> true);
        assertFalse(always.shouldYield(it), "no progress at the first position");
        assertEquals(Progress.YIELD, mmu.run(it, SpteOp.WRPROT, always));
        assertEquals(1, it.nextLastLevelGfn(), "first yield after the first leaf was done");
        it.yieldHere();
        it.restartFromRoot();
        int yields = 1;
        while (mmu.run(it, SpteOp.WRPROT, always) == Progress.YIELD) {
            it.yieldHere();
            it.restartFromRoot();
            yields++;
        }
        // the kernel rule guarantees termination; every leaf got write-protected
        assertEquals(-1, mmu.firstWritableLeafGfn(root, 0, 1024));
        assertTrue(yields > 100);
    }

    @Test
    void restartSkipsTablesZappedDuringYield() {
        TdpIter it = mmu.iter(root, 0, 1024);
        YieldPoint at5 = x -> x.level() == 1 && x.gfn() == 5 && x.progressSinceYield();
        assertEquals(Progress.YIELD, mmu.run(it, SpteOp.AGE, at5));
        it.yieldHere();
        // another thread zaps everything while we are away
        mmu.run(mmu.iter(root, 0, mmu.gfnLimit()), SpteOp.ZAP, null);
        it.restartFromRoot();
        assertEquals(Progress.DONE, mmu.run(it, SpteOp.AGE, recordingNever()));
        // from 3a0f64de479c the restart offers the root-level entry again; it is gone, so the walk steps side past the end
        assertEquals(List.of("4:0"), seen, "only the (now non-present) root-level entry is seen again");
        assertEquals(0, mem.useAfterFreeAccesses());
    }

    /** Skipping runs of non-present entries arrives at the same present entries, with the same count, as stepping. */
    @Test
    void skippingAbsentEntriesMatchesStepping() {
        java.util.Random rnd = new java.util.Random(7);
        for (int k = 0; k < 40; k++) {
            mmu.handleEptViolation(root, (long) rnd.nextInt(1024) << 12, rnd.nextBoolean(), false);
        }
        long[][] ranges = { { 0, 1L << 36 }, { 3, 700 }, { 511, 513 }, { 100, 101 }, { 600, 1024 } };
        for (long[] r : ranges) {
            List<String> stepped = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            TdpIter a = mmu.iter(root, r[0], r[1]);
            while (a.valid()) {
                if (Spte.isPresent(a.oldSpte())) {
                    stepped.add(a.level() + ":" + a.gfn());
                }
                a.next();
            }
            TdpIter b = mmu.iter(root, r[0], r[1]);
            while (b.valid()) {
                if (Spte.isPresent(b.oldSpte())) {
                    skipped.add(b.level() + ":" + b.gfn());
                }
                b.nextSkippingAbsent();
            }
            assertEquals(stepped, skipped, r[0] + ".." + r[1]);
            assertEquals(a.positionsVisited(), b.positionsVisited(), r[0] + ".." + r[1]);
        }
    }
}
