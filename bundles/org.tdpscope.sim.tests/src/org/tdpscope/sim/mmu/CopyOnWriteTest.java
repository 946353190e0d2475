/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Copies of a memory, a memslot set and a dirty bitmap share their state until one side writes (copy on write):
 * a write on either side never shows on the other, across the tree's leaf and level boundaries and after copies of
 * copies, checked against a plain model.
 */
class CopyOnWriteTest {

    /** A memory and what it must read as: written entries by hpa, and the freed pages. */
    private static final class Twin {
        final HostMemory mem;
        final Map<Long, Long> entries;
        final Set<Long> freed;
        final List<Long> live;

        Twin(HostMemory mem, Map<Long, Long> entries, Set<Long> freed, List<Long> live) {
            this.mem = mem;
            this.entries = entries;
            this.freed = freed;
            this.live = live;
        }

        Twin copy() {
            return new Twin(mem.copy(), new HashMap<>(entries), new HashSet<>(freed), new ArrayList<>(live));
        }

        long expected(long hpa) {
            if (freed.contains(hpa >>> 12)) {
                return HostMemory.POISON;
            }
            return entries.getOrDefault(hpa, 0L);
        }

        void check(String where) {
            for (Map.Entry<Long, Long> e : entries.entrySet()) {
                assertEquals(expected(e.getKey()), mem.read(e.getKey()), where + " hpa 0x" + Long.toHexString(e.getKey()));
            }
            for (long hpfn : freed) {
                assertTrue(mem.isFreed(hpfn), where + " freed 0x" + Long.toHexString(hpfn));
                assertEquals(HostMemory.POISON, mem.read(hpfn << 12 | 8), where);
            }
            for (long hpfn : live) {
                assertFalse(mem.isFreed(hpfn), where);
                // page() and read() agree (a page taken for writing is this memory's own copy)
                long[] p = mem.pageForRead(hpfn);
                int off = mem.offset(hpfn);
                for (int i = 0; i < HostMemory.ENTRIES; i += 37) {
                    assertEquals(expected(hpfn << 12 | (long) i << 3), p[off + i], where);
                }
            }
        }
    }

    @Test
    void writesInAForkNeverShowInTheOriginalNorTheOtherWay() {
        HostMemory a = new HostMemory();
        long[] pages = new long[200]; // 200 pages: across the 64-page leaves of the tree
        for (int i = 0; i < pages.length; i++) {
            pages[i] = a.allocPage();
            a.write(pages[i] << 12, i + 1);
        }
        HostMemory b = a.copy();
        HostMemory c = b.copy(); // a copy of a copy
        for (int i = 0; i < pages.length; i += 3) {
            b.write(pages[i] << 12, 1000 + i);
        }
        for (int i = 1; i < pages.length; i += 3) {
            a.write(pages[i] << 12, 2000 + i);
        }
        c.freePage(pages[2]);
        for (int i = 0; i < pages.length; i++) {
            long pa = i % 3 == 1 ? 2000 + i : i + 1;
            long pb = i % 3 == 0 ? 1000 + i : i + 1;
            assertEquals(pa, a.read(pages[i] << 12), "original, page " + i);
            assertEquals(pb, b.read(pages[i] << 12), "fork, page " + i);
            assertEquals(i == 2 ? HostMemory.POISON : i + 1, c.read(pages[i] << 12), "fork of the fork, page " + i);
        }
        assertFalse(a.isFreed(pages[2]));
        assertFalse(b.isFreed(pages[2]));
        assertTrue(c.isFreed(pages[2]));
    }

    @Test
    void aPageArrayTakenForWritingIsTheMemorysOwn() {
        HostMemory a = new HostMemory();
        long p = a.allocPage();
        a.write(p << 12, 7);
        HostMemory b = a.copy();
        long[] wa = a.page(p);
        wa[a.offset(p) + 1] = 11; // through the array, as the hot paths write
        long[] wb = b.page(p);
        assertNotEquals(System.identityHashCode(wa), System.identityHashCode(wb));
        wb[b.offset(p) + 2] = 12;
        assertEquals(11, a.read(p << 12 | 8));
        assertEquals(0, a.read(p << 12 | 16));
        assertEquals(0, b.read(p << 12 | 8));
        assertEquals(12, b.read(p << 12 | 16));
        assertEquals(7, a.read(p << 12));
        assertEquals(7, b.read(p << 12));
    }

    @Test
    void pagesFarApartAndAGrowingTreeAfterACopy() {
        HostMemory a = new HostMemory();
        long low = a.allocPage();
        a.write(low << 12, 1);
        HostMemory b = a.copy();
        // both go on allocating beyond a huge reservation: the tree grows levels in a memory that shares its root
        a.reserve(1L << 30);
        b.reserve(1L << 34);
        long ha = a.allocPage();
        long hb = b.allocPage();
        a.write(ha << 12, 2);
        b.write(hb << 12, 3);
        b.write(low << 12, 4);
        assertEquals(1, a.read(low << 12));
        assertEquals(4, b.read(low << 12));
        assertEquals(2, a.read(ha << 12));
        assertEquals(0, a.read(hb << 12));
        assertEquals(3, b.read(hb << 12));
        assertEquals(0, b.read(ha << 12));
        assertTrue(a.footprintBytes() < 1 << 20, "a: " + a.footprintBytes());
        assertTrue(b.footprintBytes() < 1 << 20, "b: " + b.footprintBytes());
    }

    /** Random operations on a tree of copies, each checked against its own model. */
    @Test
    void randomForksOfForksAgreeWithAModel() {
        Random rnd = new Random(18);
        List<Twin> twins = new ArrayList<>();
        twins.add(new Twin(new HostMemory(), new HashMap<>(), new HashSet<>(), new ArrayList<>()));
        for (int step = 0; step < 20_000; step++) {
            Twin t = twins.get(rnd.nextInt(twins.size()));
            int op = rnd.nextInt(100);
            if (op < 3 && twins.size() < 40) {
                twins.add(t.copy());
            } else if (op < 15 || t.live.isEmpty()) {
                if (rnd.nextInt(20) == 0) {
                    t.mem.reserve(rnd.nextInt(5000)); // gaps: leaves and levels of the tree left empty
                }
                t.live.add(t.mem.allocPage());
            } else if (op < 18 && t.live.size() > 1) {
                long hpfn = t.live.remove(rnd.nextInt(t.live.size()));
                t.mem.freePage(hpfn);
                t.freed.add(hpfn);
            } else if (op < 30) {
                long hpfn = t.live.get(rnd.nextInt(t.live.size()));
                long[] p = t.mem.page(hpfn);
                int i = rnd.nextInt(HostMemory.ENTRIES);
                long v = rnd.nextLong();
                p[t.mem.offset(hpfn) + i] = v;
                t.entries.put(hpfn << 12 | (long) i << 3, v);
            } else {
                long hpfn = t.live.get(rnd.nextInt(t.live.size()));
                long hpa = hpfn << 12 | (long) rnd.nextInt(HostMemory.ENTRIES) << 3;
                if (rnd.nextBoolean()) {
                    long v = rnd.nextLong();
                    t.mem.write(hpa, v);
                    t.entries.put(hpa, v);
                } else {
                    assertEquals(t.expected(hpa), t.mem.read(hpa), "step " + step);
                }
            }
            if (step % 2000 == 0) {
                for (int k = 0; k < twins.size(); k++) {
                    twins.get(k).check("step " + step + ", memory " + k);
                }
            }
        }
        assertTrue(twins.size() > 10, "copies made: " + twins.size());
        for (int k = 0; k < twins.size(); k++) {
            twins.get(k).check("at the end, memory " + k);
        }
    }

    /**
     * An MMU over a copied memory: faults and a zap in the copy (tables written only where an entry changes, a shared
     * table torn down without being copied) leave the original's tables as they were, and the other way round.
     */
    @Test
    void faultsAndZapsInAForkLeaveTheOriginalsTablesAlone() {
        HostMemory mem = new HostMemory();
        Memslots slots = new Memslots(mem);
        slots.add(0, 0, 0x1000, false);
        slots.setDirtyLogging(0, true); // 4K leaves: a full path of tables
        TdpMmu mmu = new TdpMmu(mem, slots, 4, true, null);
        long root = mmu.allocRoot();
        assertEquals(FaultResult.Kind.INSTALLED, mmu.handleEptViolation(root, 0x10_000, true, false).kind());
        long leaf10 = mmu.lookup(root, 0x10);
        HostMemory mem2 = mem.copy();
        Memslots slots2 = slots.copy(mem2);
        TdpMmu fork = mmu.copy(mem2, slots2, null);
        // the fork faults a neighbour in (writes one existing table) and the original another one
        assertEquals(FaultResult.Kind.INSTALLED, fork.handleEptViolation(root, 0x11_000, true, false).kind());
        assertEquals(FaultResult.Kind.INSTALLED, mmu.handleEptViolation(root, 0x12_000, true, false).kind());
        assertEquals(FaultResult.Kind.SPURIOUS, fork.handleEptViolation(root, 0x10_000, true, false).kind());
        assertEquals(0, mmu.lookup(root, 0x11));
        assertEquals(0, fork.lookup(root, 0x12));
        assertEquals(leaf10, fork.lookup(root, 0x10));
        assertEquals(2, mmu.countPresentLeaves(root));
        assertEquals(2, fork.countPresentLeaves(root));
        // the fork zaps the whole root (its tables are shared with the original, then freed in the fork only)
        TdpIter it = fork.iter(root, 0, fork.gfnLimit());
        fork.run(it, SpteOp.ZAP, null);
        assertEquals(0, fork.countPresentLeaves(root));
        assertEquals(2, mmu.countPresentLeaves(root), "the original keeps its tables");
        assertEquals(leaf10, mmu.lookup(root, 0x10));
        long l3 = Spte.pfn(mem.read(root << 12)); // the PDPT under PML4E 0
        assertFalse(mem.isFreed(l3));
        assertTrue(mem2.isFreed(l3));
        for (int i = 0; i < HostMemory.ENTRIES; i++) {
            long e = mem.read(l3 << 12 | (long) i << 3);
            assertTrue(e != Spte.REMOVED_SPTE && e != HostMemory.POISON, "entry " + i + " of the original's PDPT");
        }
        assertEquals(0, mem.useAfterFreeAccesses());
        assertEquals(0, mem2.useAfterFreeAccesses());
    }

    @Test
    void dirtyBitmapCopiesAreIndependentAndHashLikeAFreshBitmap() {
        DirtyBitmap a = new DirtyBitmap();
        a.set(3);
        a.set(64);
        DirtyBitmap b = a.copy();
        DirtyBitmap c = b.copy();
        b.set(5);
        a.set(1L << 40);
        c.set(3); // already set: no change
        assertTrue(b.get(5));
        assertFalse(a.get(5));
        assertFalse(c.get(5));
        assertTrue(a.get(1L << 40));
        assertFalse(b.get(1L << 40));
        assertEquals(2, c.cardinality());
        DirtyBitmap fresh = new DirtyBitmap();
        fresh.set(64);
        fresh.set(5);
        fresh.set(3);
        assertEquals(fresh, b);
        assertEquals(fresh.hashCode(), b.hashCode(), "the running hash depends on the bits only");
        DirtyBitmap freshC = new DirtyBitmap();
        freshC.set(64);
        freshC.set(3);
        assertEquals(freshC.hashCode(), c.hashCode());
        assertNotEquals(a.hashCode(), c.hashCode());
    }

    @Test
    void memslotCopiesAreIndependent() {
        HostMemory mem = new HostMemory();
        Memslots a = new Memslots(mem);
        a.add(0, 0, 0x100, false);
        a.add(1, 0x1000, 0x100, false);
        Memslots b = a.copy(mem.copy());
        Memslots c = b.copy(mem.copy());
        b.setDirtyLogging(0, true);
        a.move(1, 0x2000);
        c.delete(0);
        assertFalse(a.get(0).dirtyLogging());
        assertTrue(b.get(0).dirtyLogging());
        assertEquals(0x2000, a.get(1).baseGfn());
        assertEquals(0x1000, b.get(1).baseGfn());
        assertEquals(0x1000, c.get(1).baseGfn());
        assertEquals(null, c.get(0));
        assertEquals(null, c.find(0x10));
        assertEquals(0, b.find(0x10).id());
        assertEquals(null, a.find(0x1010));
        assertEquals(1, b.find(0x1010).id());
        assertEquals(2, a.size());
        assertEquals(1, c.size());
        assertEquals(0x1000, b.at(1).baseGfn());
        assertEquals(0x2000, a.at(1).baseGfn());
        // the original's slots were not changed by the copies' changes
        assertFalse(a.get(0).dirtyLogging());
        a.setDirtyLogging(1, true);
        assertFalse(b.get(1).dirtyLogging());
        assertFalse(c.get(1).dirtyLogging());
    }
}
