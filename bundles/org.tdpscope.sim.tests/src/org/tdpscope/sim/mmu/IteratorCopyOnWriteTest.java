/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A walk over table pages shared with a copy of the memory (a forked simulation) reads them in place and copies only
 * the pages whose entries it changes: the copy never sees the change, and a walk that changes nothing copies nothing.
 */
class IteratorCopyOnWriteTest {
    HostMemory mem;
    Memslots slots;
    TdpMmu mmu;
    long root;

    @BeforeEach
    void setUp() {
        mem = new HostMemory();
        slots = new Memslots(mem);
        mmu = new TdpMmu(mem, slots, 4, true, null);
        root = mmu.allocRoot();
        slots.add(0, 0, 2048, false);
        slots.setDirtyLogging(0, true); // 4K leaves only
        mmu.handleEptViolation(root, 5L << 12, true, false); // writable leaf in the PT of gfns 0..511
        mmu.handleEptViolation(root, 600L << 12, true, false); // and in the PT of gfns 512..1023
    }

    @Test
    void writeProtectCopiesOnlyTheTableItChanges() {
        HostMemory copyMem = mem.copy();
        TdpMmu copy = mmu.copy(copyMem, slots.copy(copyMem), null);
        long before = mem.remaps();

        TdpIter it = mmu.iter(root, 0, 512); // root, PDPT, PD, and the first PT; only gfn 5 changes
        assertEquals(Progress.DONE, mmu.run(it, SpteOp.WRPROT, null));

        assertEquals(1, mem.remaps() - before, "one page copied on write: the PT holding gfn 5");
        assertFalse(Spte.isWritable(mmu.lookup(root, 5)));
        assertTrue(Spte.isWritable(copy.lookup(root, 5)), "the copy keeps its writable SPTE");
        assertTrue(Spte.isWritable(mmu.lookup(root, 600)), "out of the walk's range");
    }

    @Test
    void walkThatChangesNothingCopiesNothing() {
        mmu.run(mmu.iter(root, 0, 2048), SpteOp.WRPROT, null);
        HostMemory copyMem = mem.copy();
        mmu.copy(copyMem, slots.copy(copyMem), null);
        long before = mem.remaps();
        TdpIter it = mmu.iter(root, 0, 2048);
        mmu.run(it, SpteOp.WRPROT, null); // everything is write-protected already
        assertEquals(before, mem.remaps());
        assertEquals(0, it.spteChanges());
    }

    @Test
    void zapAfterCopyLeavesTheCopyWhole() {
        HostMemory copyMem = mem.copy();
        TdpMmu copy = mmu.copy(copyMem, slots.copy(copyMem), null);
        TdpIter it = mmu.iter(root, 0, mmu.gfnLimit());
        mmu.run(it, SpteOp.ZAP, null);
        assertEquals(0, mmu.lookup(root, 5));
        assertEquals(0, mmu.lookup(root, 600));
        assertTrue(Spte.isPresent(copy.lookup(root, 5)));
        assertTrue(Spte.isPresent(copy.lookup(root, 600)));
        assertEquals(2, copy.countPresentLeaves(root));
    }
}
