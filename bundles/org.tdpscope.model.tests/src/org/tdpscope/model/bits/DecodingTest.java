/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.bits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.emf.ecore.EAttribute;
import org.junit.jupiter.api.Test;
import org.tdpscope.model.GuestEntry;
import org.tdpscope.model.GuestTablePage;
import org.tdpscope.model.HostTablePage;
import org.tdpscope.model.ModelFactory;
import org.tdpscope.model.ModelPackage;
import org.tdpscope.model.Spte;

/** Derived SPTE and guest-entry attributes against raw values built by hand from DOMAIN.md sections 4 and 5. */
class DecodingTest {

    private static final ModelFactory F = ModelFactory.eINSTANCE;

    private static Spte spte(long raw, int level, long baseGfn, int index) {
        HostTablePage p = F.createHostTablePage();
        p.setLevel(level);
        p.setBaseGfn(baseGfn);
        Spte s = F.createSpte();
        s.setIndex(index);
        s.setRaw(raw);
        p.getEntries().add(s);
        return s;
    }

    @Test
    void twoMegabyteLeafWithEverything() {
        long raw = (0x1234L << 12) | 0b111 | (6L << 3) | (1L << 6) | (1L << 7) | (1L << 8) | (1L << 9) | (1L << 11)
                | (1L << 57) | (1L << 58);
        Spte s = spte(raw, 2, 0x40000, 3);
        assertTrue(s.isPresent());
        assertTrue(s.isLeaf());
        assertTrue(s.isReadable());
        assertTrue(s.isWritable());
        assertTrue(s.isExecutable());
        assertEquals(6, s.getMemType());
        assertTrue(s.isIgnorePat());
        assertTrue(s.isPageSize());
        assertTrue(s.isAccessed());
        assertTrue(s.isDirty());
        assertTrue(s.isMmuPresent());
        assertTrue(s.isHostWritable());
        assertTrue(s.isMmuWritable());
        assertFalse(s.isMmio());
        assertFalse(s.isRemoved());
        assertEquals(0x1234L, s.getPfn());
        assertEquals(2, s.getLevel());
        assertEquals(0x40000L + 3 * 512, s.getGfn());
    }

    @Test
    void writeProtectedFourKLeafKeepsMmuWritable() {
        long raw = (0xabcdeL << 12) | 0b101 | (6L << 3) | (1L << 6) | (1L << 11) | (1L << 57) | (1L << 58);
        Spte s = spte(raw, 1, 0x200, 7);
        assertTrue(s.isLeaf());
        assertFalse(s.isWritable());
        assertTrue(s.isMmuWritable());
        assertFalse(s.isPageSize());
        assertFalse(s.isAccessed());
        assertEquals(0x207L, s.getGfn());
    }

    @Test
    void nonLeafTablePointer() {
        long raw = (0x20L << 12) | 0b111 | (1L << 8) | (1L << 11);
        Spte s = spte(raw, 3, 0, 0);
        assertTrue(s.isPresent());
        assertFalse(s.isLeaf());
        assertEquals(0x20L, s.getPfn());
        assertEquals(0, s.getMemType());
    }

    @Test
    void mmioSpteIsNotPresent() {
        long raw = 0b110 | (3L << 3) | (0xfee00L << 12);
        Spte s = spte(raw, 1, 0, 0);
        assertTrue(s.isMmio());
        assertFalse(s.isReadable());
        assertTrue(s.isWritable());
        assertTrue(s.isExecutable());
        assertFalse(s.isPresent());
        assertFalse(s.isLeaf());
        assertFalse(s.isMmuPresent());
    }

    @Test
    void removedSpte() {
        Spte s = spte(0x5a0L, 1, 0, 0);
        assertTrue(s.isRemoved());
        assertFalse(s.isPresent());
        assertFalse(s.isMmio());
        assertFalse(spte(0x5a1L, 1, 0, 0).isRemoved());
        assertFalse(spte(0, 1, 0, 0).isPresent());
    }

    @Test
    void spteOutsideAPage() {
        Spte s = F.createSpte();
        s.setRaw((1L << 11) | 1);
        assertEquals(-1, s.getLevel());
        assertEquals(-1L, s.getGfn());
        assertFalse(s.isLeaf(), "level unknown: not a leaf");
        assertTrue(s.isPresent());
    }

    @Test
    void guestOneGigabyteLeaf() {
        long raw = 0x40000000L | 0x1E7L | (1L << 63) | (5L << 59);
        GuestTablePage p = F.createGuestTablePage();
        p.setLevel(3);
        GuestEntry e = F.createGuestEntry();
        e.setRaw(raw);
        p.getEntries().add(e);
        assertTrue(e.isPresent());
        assertTrue(e.isWritable());
        assertTrue(e.isUser());
        assertFalse(e.isWriteThrough());
        assertFalse(e.isCacheDisabled());
        assertTrue(e.isAccessed());
        assertTrue(e.isDirty());
        assertTrue(e.isPageSize());
        assertTrue(e.isGlobal());
        assertTrue(e.isXd());
        assertEquals(5, e.getProtectionKey());
        assertEquals(0x40000L, e.getFrame());
        assertEquals(3, e.getLevel());
    }

    @Test
    void guestTableEntryReadOnlySupervisor() {
        GuestEntry e = F.createGuestEntry();
        e.setRaw(0x1234000L | 0x19L); // P, PWT, PCD
        assertTrue(e.isPresent());
        assertFalse(e.isWritable());
        assertFalse(e.isUser());
        assertTrue(e.isWriteThrough());
        assertTrue(e.isCacheDisabled());
        assertFalse(e.isXd());
        assertEquals(0x1234L, e.getFrame());
        assertFalse(F.createGuestEntry().isPresent());
    }

    @Test
    void decodedAttributesAreDerivedNotStored() {
        for (EAttribute a : ModelPackage.Literals.SPTE.getEAllAttributes()) {
            boolean stored = a.getName().equals("index") || a.getName().equals("raw");
            assertEquals(!stored, a.isDerived() && a.isTransient() && a.isVolatile() && !a.isChangeable(), a.getName());
        }
        for (EAttribute a : ModelPackage.Literals.GUEST_ENTRY.getEAllAttributes()) {
            boolean stored = a.getName().equals("index") || a.getName().equals("raw");
            assertEquals(!stored, a.isDerived() && a.isTransient(), a.getName());
        }
        Spte s = spte((1L << 11) | 3, 1, 0, 0);
        assertEquals(Boolean.TRUE, s.eGet(ModelPackage.Literals.SPTE__WRITABLE));
    }
}
