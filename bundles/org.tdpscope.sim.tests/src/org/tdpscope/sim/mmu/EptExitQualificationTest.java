/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_4K;

import org.junit.jupiter.api.Test;

/**
 * The EPT-violation exit qualification against the SDM's definition (vol. 3C, "Exit Qualification for EPT
 * Violations"). Each expected value is worked out bit by bit in the comment next to it: bit 0 read, 1 write, 2
 * fetch; bits 3-5 the R/W/X of the gpa (AND over the EPT entries used); bit 7 guest linear address valid; bit 8
 * final gpa (1) or guest paging entry (0).
 */
class EptExitQualificationTest {
    static final long GVA = 0x7f00_0000_1000L; // PML4 254, PDPT 0, PD 0, PT 1
    static final long GPA = 0x80_0000L;

    HostMemory mem;
    Memslots slots;
    TdpMmu mmu;
    long root;
    GuestPageTableBuilder b;
    CpuRegs regs;
    TwoDimensionalWalk w;

    /** A 4-level guest over a 4-level EPT with 4K EPT leaves (dirty logging), EPT A/D on or off. */
    void make(boolean eptAd) {
        mem = new HostMemory();
        slots = new Memslots(mem);
        slots.add(0, 0, 16384, false);
        slots.setDirtyLogging(0, true);
        mmu = new TdpMmu(mem, slots, 4, eptAd, null);
        root = mmu.allocRoot();
        b = new GuestPageTableBuilder(slots, 4, 0x10_0000L, 64);
        regs = CpuRegs.longMode(b.cr3(), false);
        w = new TwoDimensionalWalk(mmu);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
    }

    /** Translate, serving EPT violations like a vCPU would, until the walk does not end in one. */
    TwoDResult faultIn(long gva, int access) {
        for (int i = 0; i < 64; i++) {
            TwoDResult r = w.translate(root, regs, gva, access, false);
            if (r.kind() != TwoDResult.Kind.EPT_VIOLATION) {
                return r.copy();
            }
            mmu.handleEptViolation(root, r.faultGpa(), (r.eptAccess() & Spte.WRITABLE) != 0,
                    (r.eptAccess() & Spte.EXECUTABLE) != 0);
        }
        throw new AssertionError("no progress");
    }

    /** The recorded reference at guest level {@code g} (0 = data) and EPT level {@code e} (0 = the guest entry). */
    static MemRef ref(TwoDResult r, int g, int e) {
        return r.refs().stream().filter(m -> m.guestLevel() == g && m.eptLevel() == e).findFirst().orElseThrow();
    }

    /** Rewrites the R/W/X bits of the EPT entry at {@code eptLevel} that maps the data gpa. */
    void setDataEptRwx(int eptLevel, long rwx) {
        MemRef m = ref(w.translate(root, regs, GVA, Access.READ, true), 0, eptLevel);
        mem.write(m.hpa(), (m.value() & ~Spte.RWX_MASK) | rwx);
    }

    TwoDResult violation(int access) {
        TwoDResult r = w.translate(root, regs, GVA, access, true);
        assertEquals(TwoDResult.Kind.EPT_VIOLATION, r.kind(), r.toString());
        return r;
    }

    @Test
    void readOfAnExecuteOnlyPage() {
        make(true);
        assertTrue(faultIn(GVA, Access.FETCH).ok());
        setDataEptRwx(1, Spte.EXECUTABLE);
        TwoDResult r = violation(Access.READ);
        // bit 0 (read) 0x1 + bit 5 (X; R=W=0) 0x20 + bit 7 0x80 + bit 8 (final gpa) 0x100 = 0x1a1
        assertEquals(0x1a1, EptExitQualification.of(r));
        assertEquals(GPA, r.faultGpa());
        assertEquals(TwoDResult.Check.EPT_PERMISSION, r.check());
        assertEquals("EPT PTE not readable (read access)", r.failure());
        assertEquals(24, r.failingReference()); // the data's EPT PTE, the last of 24 references
    }

    @Test
    void writeToAReadOnlyPage() {
        make(true);
        assertTrue(faultIn(GVA, Access.READ).ok());
        mmu.run(mmu.iter(root, GPA >>> 12, (GPA >>> 12) + 1), SpteOp.WRPROT, null);
        TwoDResult r = violation(Access.WRITE);
        // bit 1 (write) 0x2 + bits 3 and 5 (R, X; not W) 0x28 + bit 7 0x80 + bit 8 0x100 = 0x1aa
        assertEquals(0x1aa, EptExitQualification.of(r));
        // KVM: write -> PFERR_WRITE, a permission bit set -> PFERR_PRESENT, bit 8 -> PFERR_GUEST_FINAL
        assertEquals(EptExitQualification.PFERR_WRITE | EptExitQualification.PFERR_PRESENT
                | EptExitQualification.PFERR_GUEST_FINAL, EptExitQualification.kvmErrorCode(0x1aa));
        assertEquals("write; gpa was R-X; final gpa", EptExitQualification.describe(0x1aa));
    }

    @Test
    void fetchFromANonExecutablePage() {
        make(true);
        assertTrue(faultIn(GVA, Access.WRITE).ok());
        setDataEptRwx(1, Spte.READABLE | Spte.WRITABLE);
        TwoDResult r = violation(Access.FETCH);
        // bit 2 (fetch) 0x4 + bits 3, 4 (R, W) 0x18 + bit 7 0x80 + bit 8 0x100 = 0x19c
        assertEquals(0x19c, EptExitQualification.of(r));
        assertEquals("EPT PTE not executable (instruction fetch)", r.failure());
    }

    @Test
    void permissionsAreAndedOverTheEptLevels() {
        make(true);
        assertTrue(faultIn(GVA, Access.WRITE).ok());
        setDataEptRwx(2, Spte.READABLE | Spte.EXECUTABLE); // the PDE above the data's EPT PTE loses W
        TwoDResult r = violation(Access.WRITE);
        // bit 1 0x2 + bits 3, 5 (R and X in every entry, W not in the PDE) 0x28 + 0x80 + 0x100 = 0x1aa
        assertEquals(0x1aa, EptExitQualification.of(r));
        assertEquals(2, r.failingLevel());
        assertTrue(r.failedInEpt());
        assertEquals("EPT PDE not writable (write access)", r.failure());
        assertEquals(23, r.failingReference()); // data EPT refs 21..24 are L4..L1: L2 is 23
        assertEquals(2, r.refs().get(r.failingReference() - 1).eptLevel());
    }

    @Test
    void notPresentFinalGpa() {
        make(true);
        assertTrue(faultIn(GVA, Access.READ).ok());
        mmu.run(mmu.iter(root, GPA >>> 12, (GPA >>> 12) + 1), SpteOp.ZAP, null);
        TwoDResult r = violation(Access.READ);
        // bit 0 0x1 + bits 3-5 all 0 (the AND includes the not-present entry) + 0x80 + 0x100 = 0x181
        assertEquals(0x181, EptExitQualification.of(r));
        // KVM: read -> PFERR_USER (sic), no permission bit -> not PRESENT, bit 8 -> GUEST_FINAL
        assertEquals(EptExitQualification.PFERR_USER | EptExitQualification.PFERR_GUEST_FINAL,
                EptExitQualification.kvmErrorCode(0x181));
        assertEquals("EPT PTE not present (read access)", r.failure());
    }

    @Test
    void faultWhileWalkingTheGuestPml4e() {
        // nothing in the EPT yet: the first reference, the EPT PML4E for the guest PML4E's gpa, is not present
        make(true);
        TwoDResult r = violation(Access.READ);
        assertEquals(b.cr3() + 8 * 254, r.faultGpa());
        // EPT A/D on: a guest paging-entry access counts as a write: bits 0 and 1 = 0x3; bits 3-5 0 (not
        // present); bit 7 0x80; bit 8 = 0 (a paging-structure entry): 0x83
        assertEquals(0x83, EptExitQualification.of(r));
        assertEquals(EptExitQualification.PFERR_USER | EptExitQualification.PFERR_WRITE
                | EptExitQualification.PFERR_GUEST_PAGE, EptExitQualification.kvmErrorCode(0x83));
        assertEquals("EPT PML4E not present (read/write of guest PML4E, EPT A/D on)", r.failure());
        assertEquals(1, r.failingReference());

        make(false);
        // EPT A/D off: a plain data read: bit 0 0x1 + bit 7 0x80 = 0x81
        assertEquals(0x81, EptExitQualification.of(violation(Access.READ)));
        // a write to the data does not change how the guest entry is read: still 0x81
        assertEquals(0x81, EptExitQualification.of(violation(Access.WRITE)));
    }

    @Test
    void writeProtectedGuestTablePageWithEptAd() {
        make(true);
        assertTrue(faultIn(GVA, Access.READ).ok());
        long ptGfn = b.entryGpa(GVA, 1) >>> 12;
        mmu.run(mmu.iter(root, ptGfn, ptGfn + 1), SpteOp.WRPROT, null);
        TwoDResult r = violation(Access.READ);
        assertEquals(1, r.faultGuestLevel());
        // the guest PTE read counts as a write (EPT A/D): bits 0, 1 0x3 + bits 3, 5 (R-X) 0x28 + 0x80 = 0xab
        assertEquals(0xab, EptExitQualification.of(r));
        assertEquals("EPT PTE not writable (read/write of guest PTE, EPT A/D on)", r.failure());
        // the guest PTE's gpa is translated by refs 16..19 (EPT L4..L1): the EPT PTE is 19
        assertEquals(19, r.failingReference());
    }

    @Test
    void guestAccessedBitUpdateIsAWriteToAPagingEntry() {
        make(false); // EPT A/D off: guest table pages need only R to be read, W to have A/D set
        assertTrue(faultIn(GVA, Access.READ).ok());
        long ptGfn = b.entryGpa(GVA, 1) >>> 12;
        mmu.run(mmu.iter(root, ptGfn, ptGfn + 1), SpteOp.WRPROT, null);
        b.setRaw(GVA, 1, b.readEntry(GVA, 1) & ~GuestPte.A); // the PTE needs its A bit set again
        TwoDResult r = violation(Access.READ);
        assertEquals(1, r.faultGuestLevel());
        assertEquals(b.entryGpa(GVA, 1), r.faultGpa());
        // the A update is a data write: bit 1 0x2 (bit 0 not set: implementation-specific, left 0) + bits 3, 5
        // (R-X) 0x28 + bit 7 0x80 + bit 8 = 0 (a paging-structure entry) = 0xaa
        assertEquals(0xaa, EptExitQualification.of(r));
        assertEquals(TwoDResult.Check.EPT_GUEST_AD_UPDATE, r.check());
        assertEquals("EPT PTE not writable (A/D update of guest PTE)", r.failure());
        assertEquals(19, r.failingReference());
        assertEquals(1, r.refs().get(18).guestLevel());
        assertEquals(1, r.refs().get(18).eptLevel());
    }

    @Test
    void pagingOffIsAFinalAccess() {
        make(true);
        regs.cr0 &= ~CpuRegs.CR0_PG;
        TwoDResult r = w.translate(root, regs, GPA, Access.WRITE, true);
        assertEquals(TwoDResult.Kind.EPT_VIOLATION, r.kind());
        // bit 1 0x2 + not present + bit 7 0x80 + bit 8 (the linear address is the gpa) 0x100 = 0x182
        assertEquals(0x182, EptExitQualification.of(r));
    }

    @Test
    void otherOutcomesHaveNone() {
        make(true);
        assertEquals(-1, EptExitQualification.of(null));
        assertEquals(-1, EptExitQualification.of(faultIn(GVA, Access.READ)));
        assertEquals(-1, EptExitQualification.of(faultIn(GVA + 0x4000, Access.READ))); // guest #PF
        assertEquals(-1, EptExitQualification.of(w.translate(root, regs, 0x8000_0000_0000L, 0, false))); // #GP
        setDataEptRwx(1, Spte.WRITABLE); // W without R: misconfiguration
        TwoDResult mis = w.translate(root, regs, GVA, Access.READ, true);
        assertEquals(TwoDResult.Kind.EPT_MISCONFIG, mis.kind());
        assertEquals(-1, EptExitQualification.of(mis));
        assertEquals("EPT PTE misconfigured: write without read", mis.failure());
        assertEquals(24, mis.failingReference());
    }

    @Test
    void fastAndRecordingWalksGiveTheSameQualification() {
        make(true);
        assertTrue(faultIn(GVA, Access.READ).ok());
        setDataEptRwx(2, Spte.READABLE | Spte.EXECUTABLE);
        TwoDResult slow = w.translate(root, regs, GVA, Access.WRITE, true);
        TwoDResult fast = w.translate(root, regs, GVA, Access.WRITE, false);
        assertEquals(EptExitQualification.of(slow), EptExitQualification.of(fast));
        assertEquals(slow.failure(), fast.failure());
        assertEquals(slow.failingReference(), fast.failingReference());
        assertEquals(slow.toString(), fast.toString());
    }
}
