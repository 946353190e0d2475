/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(0, m.page(a)[511]);
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
        m.write(a << 12, 7);
        m.freePage(a);
        assertTrue(m.isFreed(a));
        assertEquals(0, m.materializedPages());
        assertEquals(HostMemory.POISON, m.read(a << 12));
        assertEquals(HostMemory.POISON, held[0], "a stale holder of the array sees poison too");
        m.write(a << 12, 1); // dropped, no exception
        assertEquals(HostMemory.POISON, m.read(a << 12));
        long[] copy = m.page(a);
        copy[3] = 5;
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
}
