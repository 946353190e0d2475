/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class MemslotsTest {

    @Test
    void addFindOverlapAndGeneration() {
        HostMemory m = new HostMemory();
        Memslots s = new Memslots(m);
        long g0 = s.generation();
        Memslot a = s.add(1, 0x100, 0x100, false);
        Memslot b = s.add(2, 0x0, 0x80, true);
        assertEquals(g0 + 2, s.generation());
        assertSame(a, s.find(0x1ff));
        assertSame(b, s.find(0));
        assertNull(s.find(0x80));
        assertNull(s.find(0x200));
        assertEquals(List.of(b, a), s.all());
        assertThrows(IllegalArgumentException.class, () -> s.add(3, 0x1f0, 0x20, false));
        assertThrows(IllegalArgumentException.class, () -> s.add(1, 0x1000, 1, false));
        assertEquals(0, m.materializedPages());
        // host backing keeps the guest's 1G alignment phase
        assertEquals(0x100 % Memslots.HOST_ALIGN_PAGES, a.hostBasePfn() % Memslots.HOST_ALIGN_PAGES);
    }

    @Test
    void moveKeepsBackingDeleteAndDirtyLogging() {
        Memslots s = new Memslots(new HostMemory());
        Memslot a = s.add(1, 0x100, 0x10, false);
        s.writeGpa(0x100_008L, 0xabcL);
        long g = s.generation();
        Memslot moved = s.move(1, 0x400);
        assertEquals(g + 1, s.generation());
        assertEquals(a.hostBasePfn(), moved.hostBasePfn());
        assertEquals(0xabcL, s.readGpa(0x400_008L));
        assertEquals(-1L, s.readGpa(0x100_008L), "no slot reads all ones");
        s.setDirtyLogging(1, true);
        assertTrue(s.find(0x405).dirtyLogging());
        assertEquals(g + 2, s.generation());
        s.delete(1);
        assertNull(s.find(0x405));
        assertThrows(IllegalArgumentException.class, () -> s.writeGpa(0x400_000L, 1));
    }
}
