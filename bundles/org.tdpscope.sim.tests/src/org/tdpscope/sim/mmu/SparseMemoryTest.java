/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Memory grows with what a scenario touches, not with what it declares: host memory behind a 2^36-page
 * reservation, its copy-on-write copies, sparse dirty bitmaps, and memslot sets of 32,768 slots. Figures come from
 * the simulator's own accounting ({@link HostMemory#footprintBytes()}), not from timing.
 */
class SparseMemoryTest {

    private static final long MB = 1L << 20;

    @Test
    void pagesBeyondAHugeReservationCostWhatIsTouched() {
        HostMemory mem = new HostMemory();
        long guest = mem.reserveAligned(1L << 36, 1L << 18, 0);
        long table = mem.allocPage(); // after the reservation: hpfn above 2^36
        assertTrue(table > 1L << 36);
        mem.write(table << 12, 0x1234);
        mem.write((guest + (1L << 36) - 1) << 12, 0x5678); // the reservation's last page
        assertEquals(2, mem.materializedPages());
        assertTrue(mem.footprintBytes() < 8 * MB, "dense: " + mem.footprintBytes());

        HostMemory copy = mem.copy(); // the paged layout, shared until written
        assertTrue(mem.footprintBytes() < 8 * MB, "paged: " + mem.footprintBytes());
        copy.write(table << 12, 0x9999);
        assertEquals(0x1234, mem.read(table << 12));
        assertEquals(0x9999, copy.read(table << 12));
        assertEquals(0x5678, copy.read((guest + (1L << 36) - 1) << 12));
        assertTrue(copy.footprintBytes() < 8 * MB, "copy: " + copy.footprintBytes());
        for (int i = 0; i < 100; i++) { // forks of forks stay small
            copy = copy.copy();
            copy.write(table << 12, i);
        }
        assertTrue(copy.footprintBytes() < 8 * MB, "100th copy: " + copy.footprintBytes());
        assertEquals(0x1234, mem.read(table << 12));

        mem.freePage(table);
        assertTrue(mem.isFreed(table));
        assertEquals(HostMemory.POISON, mem.read(table << 12));
        assertFalse(copy.isFreed(table));
    }

    @Test
    void discardDropsThePagesButKeepsTheCounters() {
        HostMemory mem = new HostMemory();
        long p = mem.allocPage();
        mem.write(p << 12, 7);
        mem.discard();
        assertEquals(0, mem.read(p << 12));
        assertEquals(1, mem.materializedPages());
    }

    @Test
    void dirtyBitmapTakesOffsetsBeyondTwoToTheThirtyOne() {
        DirtyBitmap a = new DirtyBitmap();
        a.set(1L << 35);
        a.set(3);
        assertTrue(a.get(1L << 35));
        assertTrue(a.get(3));
        assertFalse(a.get(4));
        assertFalse(a.get(-1));
        assertEquals(2, a.cardinality());
        assertEquals(2, a.words());
        DirtyBitmap b = new DirtyBitmap();
        b.set(3);
        assertNotEquals(a, b);
        b.set(1L << 35);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        DirtyBitmap c = a.copy();
        c.set(5);
        assertFalse(a.get(5));
        assertThrows(IllegalArgumentException.class, () -> a.set(-1));
    }

    @Test
    void thirtyTwoThousandMemslotsInAnyOrder() {
        Memslots slots = new Memslots(new HostMemory());
        int n = 32768;
        for (int i = n - 1; i >= 0; i--) {
            slots.add(i, i * 16L, 16, false);
        }
        assertEquals(n, slots.all().size());
        assertEquals(1234, slots.find(1234 * 16L + 5).id());
        assertNull(slots.find(n * 16L));
        assertThrows(IllegalArgumentException.class, () -> slots.add(n, 7, 2, false)); // inside slot 0
        assertThrows(IllegalArgumentException.class, () -> slots.add(n, 0x7ffffffffffffff0L, 0x20, false)); // wraps
        slots.delete(5);
        assertNull(slots.find(5 * 16L));
        Memslot moved = slots.move(6, 5 * 16L);
        assertSame(moved, slots.find(5 * 16L + 1));
        assertNull(slots.find(6 * 16L));
        assertThrows(IllegalArgumentException.class, () -> slots.move(7, 8 * 16L + 8)); // onto slot 8
        slots.setDirtyLogging(9, true);
        assertTrue(slots.get(9).dirtyLogging());
        Memslots copy = slots.copy(new HostMemory());
        copy.setDirtyLogging(10, true);
        assertFalse(slots.get(10).dirtyLogging());
        assertEquals(10, copy.find(10 * 16L).id());
    }
}
