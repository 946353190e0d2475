/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpteTest {

    @Test
    void leafEncodingMatchesHandComputedBits() {
        // hpfn 0x1234 << 12 | R W X (7) | WB 6<<3 (0x30) | IPAT 0x40 | PS 0x80 | A 0x100 | D 0x200 | MMU_PRESENT 0x800
        // = low bits 0xbf7, plus host-writable (bit 57) and MMU-writable (bit 58) = 0x0600...
        long s = Spte.makeLeaf(0x1234, 2, true, true, true, true, true);
        assertEquals(0x0600_0000_0123_4bf7L, s);
        assertTrue(Spte.isPresent(s));
        assertTrue(Spte.isLeaf(s, 2));
        assertTrue(Spte.isWritable(s));
        assertFalse(Spte.isMmio(s));
        assertEquals(0x1234, Spte.pfn(s));
        assertEquals("leaf 2M hpfn=0x1234 RWX wb A D", Spte.describe(s, 2));
    }

    @Test
    void readOnly4kLeafWithoutAd() {
        // 0x55 << 12 | R | X | 0x30 | 0x40 | 0x800 = 0x55000 + 0x875
        long s = Spte.makeLeaf(0x55, 1, false, true, false, true, true);
        assertEquals(0x55875L, s);
        assertTrue(Spte.isLeaf(s, 1));
        assertFalse(Spte.isWritable(s));
        assertEquals("leaf 4K hpfn=0x55 R-X wb", Spte.describe(s, 1));
    }

    @Test
    void nonLeafEncoding() {
        long s = Spte.makeNonLeaf(0x20, true); // 0x20000 | RWX | A 0x100 | MMU_PRESENT 0x800
        assertEquals(0x20907L, s);
        assertTrue(Spte.isPresent(s));
        assertFalse(Spte.isLeaf(s, 2));
        assertTrue(Spte.isLeaf(s, 1), "at level 1 every present SPTE is a leaf");
        assertEquals("table hpfn=0x20 RWX A", Spte.describe(s, 3));
        assertEquals(0x20807L, Spte.makeNonLeaf(0x20, false));
    }

    @Test
    void mmioSpteCarriesGenerationAndGfn() {
        // gen 0x1ff: low 8 bits 0xff << 3 = 0x7f8, high bit (gen bit 8) -> bit 52; gfn 0xfee00 << 12; W|X = 6
        long s = Spte.makeMmio(0x1ff, 0xfee00);
        assertEquals(0x0010_0000_fee0_07feL, s);
        assertTrue(Spte.isMmio(s));
        assertFalse(Spte.isPresent(s));
        assertFalse(Spte.isLeaf(s, 1));
        assertEquals(0x1ff, Spte.mmioGeneration(s));
        assertEquals(0xfee00, Spte.mmioGfn(s));
        assertEquals("mmio gen=511 gfn=0xfee00", Spte.describe(s, 1));
    }

    @Test
    void removedSpteIsFrozenNotPresent() {
        assertEquals(0x5a0L, Spte.REMOVED_SPTE);
        assertTrue(Spte.isRemoved(Spte.REMOVED_SPTE));
        assertFalse(Spte.isPresent(Spte.REMOVED_SPTE));
        assertFalse(Spte.isMmio(Spte.REMOVED_SPTE));
        assertEquals("removed", Spte.describe(Spte.REMOVED_SPTE, 1));
        assertEquals("none", Spte.describe(0, 1));
        assertFalse(Spte.isPresent(0));
        assertFalse(Spte.isLeaf(0, 1));
    }

    @Test
    void indexPerLevel() {
        long gfn = 0x12345678L;
        assertEquals(0x78, Spte.index(gfn, 1));
        assertEquals(0x2b, Spte.index(gfn, 2));
        assertEquals(0x8d, Spte.index(gfn, 3));
        assertEquals(0x2, Spte.index(gfn, 4));
        assertEquals(0x0, Spte.index(gfn, 5));
        assertEquals(0x12345600L, Spte.roundGfn(gfn, 2));
        assertEquals(0x12340000L, Spte.roundGfn(gfn, 3));
        assertEquals(512L * 512, Spte.pagesPerLevel(3));
    }

    @Test
    void writeProtectedLeafKeepsMmuWritable() {
        long s = Spte.makeLeaf(0x10, 1, true, true, true, true, false);
        long wp = s & ~Spte.WRITABLE;
        assertFalse(Spte.isWritable(wp));
        assertTrue((wp & Spte.MMU_WRITABLE) != 0);
        assertEquals("leaf 4K hpfn=0x10 R-X wb A mw", Spte.describe(wp, 1));
    }

    @Test
    void accessTrackingSavesAndRestoresPermissions() {
        long s = Spte.makeLeaf(0x10, 1, true, true, false, false, false);
        long t = Spte.markAccessTracked(s);
        assertEquals(0, t & Spte.RWX_MASK);
        assertTrue(Spte.isPresent(t), "still present to KVM");
        assertTrue(Spte.isAccessTracked(t));
        assertEquals(Spte.READABLE << 54 | Spte.EXECUTABLE << 54, t & Spte.ACC_TRACK_SAVED_MASK);
        long back = Spte.restoreAccessTracked(t);
        assertEquals(s & ~Spte.WRITABLE, back, "R and X come back, W is restored by a write fault");
        assertEquals("leaf 4K hpfn=0x10 --- acc-track(R-X) wb mw", Spte.describe(t, 1));
    }
}
