/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class HostMemoryTest {

    @Test
    void reserveDoesNotMaterialize() {
        HostMemory m = new HostMemory();
        long base = m.reserve(16L << 20); // 64 GiB of 4K pages
        assertEquals(0, m.materializedPages());
        assertEquals(0, m.read((base + 12345) << 12 | 8));
        m.write((base + 12345) << 12 | 8, 42);
        assertEquals(42, m.read((base + 12345) << 12 | 8));
        assertEquals(1, m.materializedPages());
        assertTrue(m.isMaterialized(base + 12345));
        assertFalse(m.isMaterialized(base + 12346));
    }

    @Test
    void allocatedPagesAreZeroedAndNeverReused() {
        HostMemory m = new HostMemory();
        long a = m.allocPage();
        long b = m.allocPage();
        assertNotEquals(a, b);
        assertEquals(0, m.page(a)[m.offset(a) + 511]);
        m.freePage(a);
        long c = m.allocPage();
        assertNotEquals(a, c);
        assertTrue(c > b);
    }

    @Test
    void freedPagesArePoisoned() {
        HostMemory m = new HostMemory();
        long a = m.allocPage();
        long[] held = m.page(a);
        int heldAt = m.offset(a);
        m.write(a << 12, 7);
        m.freePage(a);
        assertTrue(m.isFreed(a));
        assertEquals(0, m.materializedPages());
        assertEquals(HostMemory.POISON, m.read(a << 12));
        assertEquals(HostMemory.POISON, held[heldAt], "a stale holder of the array sees poison too");
        m.write(a << 12, 1); // dropped, no exception
        assertEquals(HostMemory.POISON, m.read(a << 12));
        long[] copy = m.page(a);
        copy[m.offset(a) + 3] = 5;
        assertEquals(HostMemory.POISON, m.read(a << 12 | 24));
        assertEquals(5, m.useAfterFreeAccesses()); // read, write, read, page, read
        assertThrows(IllegalStateException.class, () -> m.freePage(a));
        assertFalse(m.isFreed(m.allocPage()));
    }

    @Test
    void alignedReservation() {
        HostMemory m = new HostMemory();
        m.allocPage();
        long base = m.reserveAligned(10, 512, 3);
        assertEquals(3, base % 512);
        long next = m.reserve(1);
        assertEquals(base + 10, next);
        assertThrows(IllegalArgumentException.class, () -> m.page(next + 100));
    }

    /** A copy and its original share pages until one writes; then only the writer sees the change. */
    @Test
    void copyOnWrite() {
        HostMemory m = new HostMemory();
        long a = m.allocPage();
        long b = m.allocPage();
        m.write(a << 12, 1);
        m.write(b << 12, 2);
        HostMemory c = m.copy();
        assertTrue(m.pageForRead(a) == c.pageForRead(a), "shared until written");
        c.write(a << 12, 10);
        m.write((b << 12) + 8, 20);
        assertEquals(1, m.read(a << 12));
        assertEquals(10, c.read(a << 12));
        assertEquals(0, c.read((b << 12) + 8));
        assertEquals(20, m.read((b << 12) + 8));
        assertTrue(c.remaps() > 0, "a copied page makes cached arrays stale");
        // a page freed in one stays readable in the other; a page allocated in one does not exist in the other
        m.freePage(b);
        assertEquals(HostMemory.POISON, m.read(b << 12));
        assertEquals(2, c.read(b << 12));
        long n = c.allocPage();
        assertEquals(n, m.allocPage(), "both go on handing out the same hpfns");
        c.write(n << 12, 5);
        assertEquals(0, m.read(n << 12));
        // copies of copies
        HostMemory d = c.copy();
        d.zeroPage(a);
        assertEquals(10, c.read(a << 12));
        assertEquals(0, d.read(a << 12));
        assertEquals(c.materializedPages(), d.materializedPages());
    }

    /**
     * The dense layout (a memory never copied: pages share 64-page slabs) and the paged one (from the first copy
     * on) behave the same: the same random operations give the same reads, states and counters, and a memory that
     * moves from one to the other mid-way keeps everything, freed pages included.
     */
    @Test
    void denseAndPagedLayoutsAgree() {
        for (long seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            HostMemory dense = new HostMemory();
            HostMemory paged = new HostMemory();
            paged.copy(); // from now on paged
            HostMemory converted = new HostMemory();
            List<Long> pages = new ArrayList<>();
            long guest = -1;
            for (int step = 0; step < 3000; step++) {
                if (step == 1500) {
                    converted.copy();
                }
                HostMemory[] all = { dense, paged, converted };
                int op = rnd.nextInt(10);
                if (op == 0 || pages.isEmpty()) {
                    long h = 0;
                    for (HostMemory m : all) {
                        h = m.allocPage();
                    }
                    pages.add(h);
                } else if (op == 1 && guest < 0) {
                    for (HostMemory m : all) {
                        guest = m.reserveAligned(3000, 512, 5);
                    }
                } else {
                    long hpfn = guest > 0 && rnd.nextInt(3) == 0 ? guest + rnd.nextInt(3000)
                            : pages.get(rnd.nextInt(pages.size()));
                    long hpa = hpfn << 12 | rnd.nextInt(512) << 3;
                    long v = rnd.nextLong();
                    for (HostMemory m : all) {
                        switch (op) {
                        case 2:
                            if (!m.isFreed(hpfn)) {
                                m.freePage(hpfn);
                            }
                            break;
                        case 3:
                            m.zeroPage(hpfn);
                            break;
                        case 4:
                            m.page(hpfn)[m.offset(hpfn) + (int) (v & 511)] = v;
                            break;
                        default:
                            m.write(hpa, v);
                        }
                    }
                }
                long probe = pages.get(rnd.nextInt(pages.size()));
                long at = probe << 12 | rnd.nextInt(512) << 3;
                long want = dense.read(at); // once: a read of a freed page counts
                for (HostMemory m : new HostMemory[] { paged, converted }) {
                    String where = "seed " + seed + " step " + step;
                    assertEquals(want, m.read(at), where);
                    assertEquals(dense.isFreed(probe), m.isFreed(probe), where);
                    assertEquals(dense.isMaterialized(probe), m.isMaterialized(probe), where);
                    assertEquals(dense.materializedPages(), m.materializedPages(), where);
                    assertEquals(dense.freedPages(), m.freedPages(), where);
                    assertEquals(dense.useAfterFreeAccesses(), m.useAfterFreeAccesses(), where);
                    long[] a = dense.peekPage(probe);
                    long[] b = m.peekPage(probe);
                    assertEquals(a == null, b == null, where);
                    if (a != null) {
                        assertArrayEquals(a, b, where);
                    }
                }
            }
        }
    }

    /** In the dense layout neighbouring pages share one array, each at its own offset. */
    @Test
    void densePagesShareSlabs() {
        HostMemory m = new HostMemory();
        long a = m.allocPage();
        long b = m.allocPage();
        assertSame(m.page(a), m.page(b));
        assertEquals(512, m.offset(b) - m.offset(a));
        m.page(b)[m.offset(b)] = 9;
        assertEquals(9, m.read(b << 12));
        assertEquals(0, m.read(a << 12));
        m.freePage(a);
        assertEquals(0, m.offset(a), "a freed page gets a poison page of its own");
        assertNotSame(m.page(a), m.page(b));
        m.copy();
        assertEquals(0, m.offset(b), "paged after the first copy");
        assertEquals(9, m.page(b)[0]);
    }

    /**
     * A search's arena: pages made or copied on write after a mark are reused once it resets there, each new page
     * reads zero and each copy its original's entries whatever the array held before, and a memory made before the
     * mark keeps its pages.
     */
    @Test
    void arenaReusesPagesAfterAReset() {
        HostMemory.PageArena arena = new HostMemory.PageArena();
        HostMemory.use(arena);
        try {
            HostMemory m = new HostMemory();
            long a = m.allocPage();
            m.write(a << 12, 7);
            HostMemory node = m.copy(); // paged from here on, every page shared
            int mark = arena.mark();
            HostMemory child = node.copy();
            child.write((a << 12) + 8, 8); // copy on write: an arena array
            long b = child.allocPage();
            child.write(b << 12, 0x55);
            long[] copied = child.pageForRead(a);
            long[] made = child.pageForRead(b);
            assertEquals(7, copied[0]);
            arena.reset(mark); // the child's subtree is searched: its pages are free

            HostMemory second = node.copy();
            long c = second.allocPage();
            assertEquals(b, c, "the same hpfn: both copies go on from the node");
            long[] again = second.page(c);
            assertTrue(again == copied || again == made, "an array of the dropped child, reused");
            assertEquals(0, second.read(c << 12), "a new page reads zero whatever its array held");
            assertEquals(0, second.read((c << 12) + 8));
            second.write((a << 12) + 16, 9);
            assertEquals(7, second.read(a << 12), "a copy on write holds its original's entries");
            assertEquals(0, second.read((a << 12) + 8), "not the dropped child's");
            assertEquals(9, second.read((a << 12) + 16));
            assertEquals(7, node.read(a << 12), "the node's pages were made before the mark: untouched");
            assertEquals(0, node.read((a << 12) + 16));
            assertEquals(0, node.read(c << 12));
        } finally {
            HostMemory.use(null);
        }
        HostMemory.use(arena);
        try {
            HostMemory big = new HostMemory().copy();
            int mark = arena.mark();
            for (int i = 0; i < HostMemory.PageArena.SPARE + 100; i++) {
                big.write(big.allocPage() << 12, i);
            }
            arena.reset(mark);
            assertEquals(mark + HostMemory.PageArena.SPARE, arena.held(), "a large subtree's pages are not all kept");
        } finally {
            HostMemory.use(null);
        }
        int top = arena.mark();
        HostMemory h = new HostMemory().copy();
        h.write(h.allocPage() << 12, 1);
        assertEquals(top, arena.mark(), "once the search is off the thread, pages come from the heap again");
    }
}
