/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GuestPteTest {

    @Test
    void bitPositions() {
        assertEquals(0x1, GuestPte.P);
        assertEquals(0x2, GuestPte.RW);
        assertEquals(0x4, GuestPte.US);
        assertEquals(0x20, GuestPte.A);
        assertEquals(0x40, GuestPte.D);
        assertEquals(0x80, GuestPte.PS);
        assertEquals(0x100, GuestPte.G);
        assertEquals(0x8000_0000_0000_0000L, GuestPte.XD);
        assertEquals(0x0000_3fff_ffff_f000L, GuestPte.PFN_MASK); // MAXPHYADDR 46
        assertEquals(0x000f_c000_0000_0000L, GuestPte.RSVD_ADDR_MASK); // bits 51:46
        assertEquals(0x1f_e000L, GuestPte.RSVD_2M_MASK); // bits 20:13
        assertEquals(0x3fff_e000L, GuestPte.RSVD_1G_MASK); // bits 29:13
    }

    @Test
    void reservedMasksPerLevel() {
        assertEquals(GuestPte.RSVD_ADDR_MASK | GuestPte.PS, GuestPte.reservedMask(4, false, true));
        assertEquals(GuestPte.RSVD_ADDR_MASK | GuestPte.PS, GuestPte.reservedMask(5, true, true));
        assertEquals(GuestPte.RSVD_ADDR_MASK | GuestPte.RSVD_1G_MASK, GuestPte.reservedMask(3, true, true));
        assertEquals(GuestPte.RSVD_ADDR_MASK, GuestPte.reservedMask(3, false, true));
        assertEquals(GuestPte.RSVD_ADDR_MASK | GuestPte.RSVD_2M_MASK, GuestPte.reservedMask(2, true, true));
        assertEquals(GuestPte.RSVD_ADDR_MASK | GuestPte.XD, GuestPte.reservedMask(1, false, false));
    }

    @Test
    void decodeLeavesAndTables() {
        long pde2m = 0x4020_1000L | GuestPte.P | GuestPte.RW | GuestPte.PS | GuestPte.A | GuestPte.D;
        // bit 12 in a 2M leaf is PAT, not address: the frame is 0x40200000
        assertTrue(GuestPte.isLeaf(pde2m, 2));
        assertEquals(0x4020_0000L, GuestPte.address(pde2m, 2));
        assertEquals("PDE 2M gpa=0x40200000 P RW A D", GuestPte.describe(pde2m, 2));
        long pml4e = 0x5000L | GuestPte.P | GuestPte.RW | GuestPte.US;
        assertFalse(GuestPte.isLeaf(pml4e, 4));
        assertEquals("PML4E table=0x5000 P RW US", GuestPte.describe(pml4e, 4));
        long pte = 0x7000L | GuestPte.P | GuestPte.G | GuestPte.XD;
        assertEquals("PTE gpa=0x7000 P G XD", GuestPte.describe(pte, 1));
        assertEquals("PDPTE not-present", GuestPte.describe(0x7000L, 3));
        assertEquals(0x1ff, GuestPte.index(0xffff_ff80_0000_0000L, 4));
        assertEquals(1, GuestPte.index(0x7f00_0000_1000L, 1));
        assertEquals(254, GuestPte.index(0x7f00_0000_1000L, 4));
    }
}
