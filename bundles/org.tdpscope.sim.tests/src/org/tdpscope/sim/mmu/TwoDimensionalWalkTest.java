/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_1G;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_2M;
import static org.tdpscope.sim.mmu.GuestPageTableBuilder.SIZE_4K;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TwoDimensionalWalkTest {
    static final long GVA = 0x7f00_0000_1000L; // PML4 254, PDPT 0, PD 0, PT 1
    static final long GPA = 0x80_0000L;
    static final long MB64 = 16384; // pages
    static final long GB1 = 1L << 18;

    HostMemory mem;
    Memslots slots;
    TdpMmu mmu;
    long root;
    GuestPageTableBuilder b;
    CpuRegs regs;
    TwoDimensionalWalk w;

    /** n-level guest over m-level EPT; guest RAM = one slot at gpa 0; dirty logging forces 4K EPT leaves. */
    void make(int n, int m, long slotPages, boolean dirtyLog) {
        mem = new HostMemory();
        slots = new Memslots(mem);
        slots.add(0, 0, slotPages, false);
        slots.setDirtyLogging(0, dirtyLog);
        mmu = new TdpMmu(mem, slots, m, true, null);
        root = mmu.allocRoot();
        b = new GuestPageTableBuilder(slots, n, 0x10_0000L, 64);
        regs = CpuRegs.longMode(b.cr3(), n == 5);
        w = new TwoDimensionalWalk(mmu);
    }

    /** Translate, serving EPT violations with the TDP fault path, like a vCPU would. */
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

    int refs4k(int n, int m) {
        make(n, m, MB64, true);
        long gva = n == 5 ? 0x00ff_0000_0000_1000L : GVA;
        b.map(gva, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        assertTrue(faultIn(gva, Access.READ).ok());
        TwoDResult r = w.translate(root, regs, gva + 0x10, Access.READ, false);
        assertEquals(TwoDResult.Kind.OK, r.kind());
        assertEquals(GPA + 0x10, r.gpa());
        assertEquals(slots.hpaOf(GPA + 0x10), r.hpa());
        return r.references();
    }

    @Test
    void referenceCountsWithoutHugePages() {
        assertEquals(24, refs4k(4, 4)); // (4+1)(4+1)-1: 4 x (4 EPT + 1 guest) + 4 EPT for the data
        assertEquals(35, refs4k(5, 5)); // (5+1)(5+1)-1: 5 x (5 + 1) + 5
        assertEquals(29, refs4k(4, 5)); // 4 x (5 + 1) + 5
        assertEquals(29, refs4k(5, 4)); // 5 x (4 + 1) + 4
    }

    @Test
    void recordedReferencesInOrder() {
        make(4, 4, MB64, true);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        faultIn(GVA, Access.READ);
        TwoDResult r = w.translate(root, regs, GVA, Access.READ, true);
        List<MemRef> refs = r.refs();
        assertEquals(24, refs.size());
        long pml4eGpa = b.cr3() + 8 * 254;
        assertEquals(new MemRef(1, 4, 4, pml4eGpa, (root << 12) + 8 * Spte.index(pml4eGpa >>> 12, 4),
                mmu.spteAt(root, pml4eGpa >>> 12, 4)), refs.get(0));
        assertEquals(new MemRef(5, 4, 0, pml4eGpa, slots.hpaOf(pml4eGpa), b.readEntry(GVA, 4)), refs.get(4));
        MemRef pte = refs.get(19);
        assertEquals(1, pte.guestLevel());
        assertEquals(0, pte.eptLevel());
        assertEquals(b.entryGpa(GVA, 1), pte.gpa());
        for (int i = 0; i < 4; i++) {
            MemRef d = refs.get(20 + i);
            assertEquals(0, d.guestLevel());
            assertEquals(4 - i, d.eptLevel());
            assertEquals(GPA, d.gpa());
            assertEquals(21 + i, d.index());
        }
        assertEquals(mmu.lookup(root, GPA >>> 12), refs.get(23).value());
        assertTrue(refs.get(23).toString().startsWith("#24 data"));
    }

    @Test
    void hugeLeavesShortenTheWalk() {
        // guest 2M leaf, EPT 4K: 3 guest levels x (4 + 1) + 4 = 19
        make(4, 4, MB64, true);
        b.map(0x4000_0000L, 0x20_0000L * 10, SIZE_2M, SIZE_2M, true, false, true, false);
        assertEquals(19, faultIn(0x4000_0000L + 0x1234, Access.READ).references());

        // guest 1G leaf, EPT 4K: 2 x 5 + 4 = 14 (needs 2 GiB of RAM for the 1G-aligned target)
        make(4, 4, 2 * GB1, true);
        b.map(0x80_0000_0000L, 0x4000_0000L, SIZE_1G, SIZE_1G, true, false, true, false);
        TwoDResult g1 = faultIn(0x80_0000_0000L + 0x1234_5678L, Access.READ);
        assertEquals(0x5234_5678L, g1.gpa());
        assertEquals(14, g1.references());

        // guest 4K, EPT 2M (64 MiB slot: 1G impossible): each EPT translation is 3 refs -> 4 x (3 + 1) + 3 = 19
        make(4, 4, MB64, false);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        assertEquals(19, faultIn(GVA, Access.READ).references());
        assertEquals(2, mmu.lookupLevel(root, GPA >>> 12));

        // guest 4K, EPT 1G: 2 refs each -> 4 x (2 + 1) + 2 = 14
        make(4, 4, GB1, false);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        assertEquals(14, faultIn(GVA, Access.READ).references());
        assertEquals(3, mmu.lookupLevel(root, GPA >>> 12));

        // guest 2M, EPT 1G: 3 x (2 + 1) + 2 = 11
        b.map(0x4000_0000L, 0x20_0000L * 10, SIZE_2M, SIZE_2M, true, false, true, false);
        assertEquals(11, faultIn(0x4000_0000L, Access.READ).references());

        // 5-level guest over 5-level EPT with 1G EPT leaves: 5 x (3 + 1) + 3 = 23
        make(5, 5, GB1, false);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        assertEquals(23, faultIn(GVA, Access.READ).references());
    }

    @Test
    void eptViolationsAndMisconfig() {
        make(4, 4, MB64, true);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        b.map(GVA + 0x1000, 0xfee0_0000L, SIZE_4K, SIZE_4K, true, false, false, false); // APIC page: MMIO
        TwoDResult first = w.translate(root, regs, GVA, Access.READ, false);
        assertEquals(TwoDResult.Kind.EPT_VIOLATION, first.kind());
        assertEquals(b.cr3() + 8 * 254, first.faultGpa());
        assertEquals(4, first.faultGuestLevel());
        assertEquals(4, first.faultEptLevel());
        assertEquals(1, first.references());
        assertEquals(Spte.READABLE | Spte.WRITABLE, first.eptAccess(), "EPT A/D: guest table accesses are writes");

        assertTrue(faultIn(GVA, Access.READ).ok());
        // zap just the data page: the walk now fails on the last EPT level of the data gpa: 20 + 4 refs
        mmu.run(mmu.iter(root, GPA >>> 12, (GPA >>> 12) + 1), SpteOp.ZAP, null);
        TwoDResult data = w.translate(root, regs, GVA + 0x42, Access.READ, false);
        assertEquals(TwoDResult.Kind.EPT_VIOLATION, data.kind());
        assertEquals(GPA + 0x42, data.faultGpa());
        assertEquals(0, data.faultGuestLevel());
        assertEquals(1, data.faultEptLevel());
        assertEquals(24, data.references());

        // a write-protected data page: reads pass, writes violate (W needed), the fault path fixes it
        assertTrue(faultIn(GVA, Access.READ).ok());
        mmu.run(mmu.iter(root, GPA >>> 12, (GPA >>> 12) + 1), SpteOp.WRPROT, null);
        assertTrue(w.translate(root, regs, GVA, Access.READ, false).ok());
        TwoDResult wr = w.translate(root, regs, GVA, Access.WRITE, false);
        assertEquals(TwoDResult.Kind.EPT_VIOLATION, wr.kind());
        assertEquals(Spte.WRITABLE, wr.eptAccess());
        assertEquals(FaultResult.Kind.FIXED, mmu.handleEptViolation(root, wr.faultGpa(), true, false).kind());
        assertTrue(w.translate(root, regs, GVA, Access.WRITE, false).ok());

        // the MMIO gpa: the fault path installs an MMIO SPTE, the next walk hits an EPT misconfiguration
        TwoDResult mis = faultIn(GVA + 0x1008, Access.READ);
        assertEquals(TwoDResult.Kind.EPT_MISCONFIG, mis.kind());
        assertEquals(0xfee0_0008L, mis.faultGpa());
        assertEquals(1, mis.faultEptLevel());
        assertEquals(24, mis.references());
    }

    @Test
    void writeProtectedGuestTableWithEptAdIsAViolation() {
        make(4, 4, MB64, true);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        assertTrue(faultIn(GVA, Access.READ).ok());
        long ptGfn = b.entryGpa(GVA, 1) >>> 12;
        mmu.run(mmu.iter(root, ptGfn, ptGfn + 1), SpteOp.WRPROT, null);
        TwoDResult r = w.translate(root, regs, GVA, Access.READ, false);
        assertEquals(TwoDResult.Kind.EPT_VIOLATION, r.kind());
        assertEquals(1, r.faultGuestLevel());
        assertEquals(b.entryGpa(GVA, 1), r.faultGpa());
    }

    @Test
    void guestFaultsAndAccessedDirty() {
        make(4, 4, MB64, true);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, false, true, true, false);
        TwoDResult np = faultIn(GVA + 0x4000, Access.READ); // same PT, PTE not present
        assertEquals(TwoDResult.Kind.GUEST_PAGE_FAULT, np.kind());
        assertEquals(0, np.errorCode());
        assertEquals(20, np.references());
        TwoDResult ro = faultIn(GVA, Access.USER | Access.WRITE);
        assertEquals(TwoDResult.Kind.GUEST_PAGE_FAULT, ro.kind());
        assertEquals(7, ro.errorCode());
        assertEquals(0, b.readEntry(GVA, 1) & GuestPte.A, "a faulting walk sets no A");
        assertTrue(faultIn(GVA, Access.USER).ok());
        assertTrue((b.readEntry(GVA, 1) & GuestPte.A) != 0);
        assertEquals(0, b.readEntry(GVA, 1) & GuestPte.D);
        regs.cr0 &= ~CpuRegs.CR0_WP;
        assertTrue(faultIn(GVA, Access.WRITE).ok(), "supervisor write, WP=0");
        assertTrue((b.readEntry(GVA, 1) & GuestPte.D) != 0);
        assertEquals(GuestWalker.translate(slots, regs, GVA + 5, Access.READ, false).gpa(),
                w.translate(root, regs, GVA + 5, Access.READ, false).gpa());
        TwoDResult nc = w.translate(root, regs, 0x0000_8000_0000_0000L, Access.READ, false);
        assertEquals(TwoDResult.Kind.NON_CANONICAL, nc.kind());
        assertEquals(0, nc.references());
    }

    @Test
    void hardwareSetsEptAccessedAgain() {
        make(4, 4, MB64, true);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        assertTrue(faultIn(GVA, Access.READ).ok());
        TdpIter it = mmu.iter(root, 0, mmu.gfnLimit());
        mmu.run(it, SpteOp.AGE, null);
        assertTrue(it.youngCount() >= 5, "4 guest table pages + the data page");
        assertEquals(0, mmu.lookup(root, GPA >>> 12) & Spte.ACCESSED);
        w.translate(root, regs, GVA, Access.WRITE, false);
        long s = mmu.lookup(root, GPA >>> 12);
        assertEquals(Spte.ACCESSED | Spte.DIRTY, s & (Spte.ACCESSED | Spte.DIRTY));
    }

    @Test
    void fastPathReusesItsResult() {
        make(4, 4, MB64, true);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        faultIn(GVA, Access.READ);
        TwoDResult a = w.translate(root, regs, GVA, Access.READ, false);
        assertSame(a, w.translate(root, regs, GVA, Access.READ, false));
        assertTrue(a.refs().isEmpty());
        assertNotSame(w.translate(root, regs, GVA, Access.READ, true), w.translate(root, regs, GVA, 0, true));
        assertEquals(24, w.countReferences(root, regs, GVA, Access.READ));
    }

    @Test
    void walkOverFreedTablesReadsPoisonAndIsCounted() {
        make(4, 4, MB64, true);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        assertTrue(faultIn(GVA, Access.READ).ok());
        mmu.run(mmu.iter(root, 0, mmu.gfnLimit()), SpteOp.ZAP, null);
        TwoDResult z = w.translate(root, regs, GVA, Access.READ, false);
        assertEquals(TwoDResult.Kind.EPT_VIOLATION, z.kind());
        assertEquals(1, z.references());
        assertEquals(0, mem.useAfterFreeAccesses());
        mmu.freeRoot(root); // a use-after-free: the "hardware" still walks the freed root
        TwoDResult u = w.translate(root, regs, GVA, Access.READ, true);
        assertEquals(HostMemory.POISON, u.refs().get(0).value());
        assertEquals(TwoDResult.Kind.EPT_MISCONFIG, u.kind(), "poison has PS set at level 4");
        assertEquals(1, mem.useAfterFreeAccesses());
    }

    /**
     * The walk reads the dense layout through slabs and the paged one (after a fork) through page arrays: the same
     * translations make the same references with the same values either way, and a freed table is caught in both.
     */
    @Test
    void sameReferencesInBothMemoryLayouts() {
        make(4, 4, MB64, false);
        long[] gvas = { GVA, GVA + 0x20_0000L, 0x1234_5678_9000L, 0x7fff_ffff_f000L };
        for (int i = 0; i < gvas.length; i++) {
            b.map(gvas[i], GPA + ((long) i << 12), SIZE_4K, SIZE_4K, true, false, true, false);
            assertTrue(faultIn(gvas[i], Access.WRITE).ok());
        }
        List<List<MemRef>> dense = new ArrayList<>();
        for (long gva : gvas) {
            dense.add(w.translate(root, regs, gva | 0x18, Access.READ, true).refs());
        }
        mem.copy(); // this memory is paged from now on
        for (int i = 0; i < gvas.length; i++) {
            assertEquals(dense.get(i), w.translate(root, regs, gvas[i] | 0x18, Access.READ, true).refs());
        }
    }

    /**
     * A walk into a freed table page reads poison and is counted as a use-after-free, whether the page was written
     * before it was freed or not, and whether its slab existed then or was made later (dense layout).
     */
    @Test
    void walkIntoFreedPagesIsCountedInTheDenseLayout() {
        make(4, 4, MB64, true);
        b.map(GVA, GPA, SIZE_4K, SIZE_4K, true, false, true, false);
        assertTrue(faultIn(GVA, Access.READ).ok());
        long written = mem.allocPage();
        long blank = mem.reserve(1);
        mem.freePage(written);
        mem.freePage(blank); // never written: its slab is made only now, by the next page
        long neighbour = mem.allocPage();
        assertEquals(blank + 1, neighbour);
        for (long freed : new long[] { written, blank }) {
            // the EPT leaf that maps the guest's top-level table now points at the freed page
            MemRef leaf = w.translate(root, regs, GVA, Access.READ, true).refs().get(3);
            assertEquals(4, leaf.guestLevel());
            assertEquals(1, leaf.eptLevel());
            mem.write(leaf.hpa(), freed << 12 | (leaf.value() & 0xfff));
            long before = mem.useAfterFreeAccesses();
            TwoDResult r = w.translate(root, regs, GVA, Access.READ, true);
            assertEquals(HostMemory.POISON, r.refs().get(4).value());
            assertEquals(TwoDResult.Kind.GUEST_PAGE_FAULT, r.kind(), "poison has reserved bits set");
            assertEquals(before + 1, mem.useAfterFreeAccesses());
            assertEquals(r.toString(), w.translate(root, regs, GVA, Access.READ, false).toString());
            assertEquals(before + 2, mem.useAfterFreeAccesses(), "counted once without recording too");
            mem.write(leaf.hpa(), leaf.value());
            // the EPT's top-level entry now points at the freed page: the unrolled EPT walk meets poison there
            MemRef top = w.translate(root, regs, GVA, Access.READ, true).refs().get(0);
            mem.write(top.hpa(), freed << 12 | (top.value() & 0xfff));
            before = mem.useAfterFreeAccesses();
            TwoDResult slow = w.translate(root, regs, GVA, Access.READ, true);
            assertEquals(HostMemory.POISON, slow.refs().get(1).value());
            assertEquals(before + 1, mem.useAfterFreeAccesses());
            assertEquals(slow.toString(), w.translate(root, regs, GVA, Access.READ, false).toString());
            assertEquals(before + 2, mem.useAfterFreeAccesses(), "counted once without recording too");
            mem.write(top.hpa(), top.value());
        }
    }

    /** One world of {@link #fastAndRecordingWalksAgree}: built the same way from the same seed every time. */
    private static final class World {
        final HostMemory mem = new HostMemory();
        final Memslots slots = new Memslots(mem);
        final TdpMmu mmu;
        final long root;
        final GuestPageTableBuilder b;
        final CpuRegs regs;
        final TwoDimensionalWalk w;
        final List<Long> gvas = new ArrayList<>();

        World(long seed) {
            Random rnd = new Random(seed);
            slots.add(0, 0, 4 * GB1, false); // 4 GiB: 1G, 2M and 4K EPT leaves where allowed
            slots.setDirtyLogging(0, rnd.nextBoolean());
            mmu = new TdpMmu(mem, slots, 4, rnd.nextBoolean(), null);
            root = mmu.allocRoot();
            b = new GuestPageTableBuilder(slots, 4, 0x10_0000L, 512);
            regs = CpuRegs.longMode(b.cr3(), false);
            for (int i = 0; i < 24; i++) {
                int size = rnd.nextInt(4) == 0 ? SIZE_2M : rnd.nextInt(8) == 0 ? SIZE_1G : SIZE_4K;
                long gva = (rnd.nextLong() & 0x0000_7fff_ffff_ffffL) & -(long) size;
                long gpa = ((long) (1 + rnd.nextInt(3)) << 30) + ((rnd.nextLong() & (GB1 - 1) << 12) & -(long) size);
                if (b.entryGpa(gva, 1) >= 0 || b.readEntry(gva, 2) != 0 || b.readEntry(gva, 3) != 0) {
                    continue; // already mapped at some size
                }
                b.map(gva, gpa, size, size, rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean(), false);
                gvas.add(gva + (rnd.nextInt(size) & ~7));
            }
            w = new TwoDimensionalWalk(mmu);
        }
    }

    /**
     * Without recording, a 4-level EPT in the dense layout goes through an unrolled walk that hands anything
     * unusual back to the general loop; with recording it is the loop alone. Both must give the same result and
     * leave the same memory, over random guest mappings of every page size, huge and 4K EPT leaves, zaps,
     * write-protection and aging between walks, and the faults they cause.
     */
    @Test
    void fastAndRecordingWalksAgree() {
        java.util.Set<String> kinds = new java.util.HashSet<>();
        for (long seed = 1; seed <= 30; seed++) {
            World fast = new World(seed);
            World slow = new World(seed);
            Random rnd = new Random(seed * 31);
            for (int round = 0; round < 200; round++) {
                long gva = fast.gvas.get(rnd.nextInt(fast.gvas.size())) ^ (rnd.nextInt(8) == 0 ? 0x1000 : 0);
                int access = new int[] { Access.READ, Access.WRITE, Access.FETCH, Access.READ | Access.USER,
                        Access.WRITE | Access.USER }[rnd.nextInt(5)];
                TwoDResult s;
                int tries = 0;
                do { // serve EPT violations like a vCPU, comparing every attempt
                    TwoDResult f = fast.w.translate(fast.root, fast.regs, gva, access, false);
                    s = slow.w.translate(slow.root, slow.regs, gva, access, true);
                    String where = "seed " + seed + " round " + round + ": " + s;
                    assertEquals(s.toString(), f.toString(), where);
                    assertEquals(s.references(), s.refs().size(), where);
                    assertEquals(s.hpa(), f.hpa(), where);
                    assertEquals(s.pageSize(), f.pageSize(), where);
                    assertEquals(s.faultGuestLevel(), f.faultGuestLevel(), where);
                    assertEquals(s.faultEptLevel(), f.faultEptLevel(), where);
                    assertEquals(s.eptAccess(), f.eptAccess(), where);
                    kinds.add(s.kind() + "/" + s.pageSize() + "/" + s.references());
                    if (s.kind() == TwoDResult.Kind.EPT_VIOLATION) {
                        for (World x : new World[] { fast, slow }) {
                            x.mmu.handleEptViolation(x.root, s.faultGpa(), (s.eptAccess() & Spte.WRITABLE) != 0,
                                    (s.eptAccess() & Spte.EXECUTABLE) != 0);
                        }
                    }
                } while (s.kind() == TwoDResult.Kind.EPT_VIOLATION && ++tries < 40);
                if (rnd.nextInt(4) == 0) { // change the EPT under the next walks: zap, write-protect, age, ...
                    SpteOp op = SpteOp.values()[rnd.nextInt(SpteOp.values().length)];
                    long gfn = (s.ok() ? s.gpa() : s.faultGpa()) >>> 12 & -512L;
                    for (World x : new World[] { fast, slow }) {
                        x.mmu.run(x.mmu.iter(x.root, gfn, gfn + 512), op, null);
                    }
                }
            }
            for (long gfn = 0; gfn < 4 * GB1; gfn += 4093) {
                assertEquals(slow.mmu.lookup(slow.root, gfn), fast.mmu.lookup(fast.root, gfn), "seed " + seed);
            }
            for (long gva : fast.gvas) {
                for (int level = 4; level >= 1; level--) {
                    assertEquals(slow.b.readEntry(gva, level), fast.b.readEntry(gva, level), "seed " + seed);
                }
            }
            assertEquals(slow.mem.useAfterFreeAccesses(), fast.mem.useAfterFreeAccesses());
        }
        // the walks ended every way that matters: each page size, guest faults, EPT violations at several depths
        for (String k : new String[] { "OK/4096/24", "OK/2097152/", "OK/1073741824/", "GUEST_PAGE_FAULT/" }) {
            assertTrue(kinds.stream().anyMatch(x -> x.startsWith(k)), k + " in " + kinds);
        }
        assertTrue(kinds.stream().filter(x -> x.startsWith("EPT_VIOLATION")).count() >= 4, kinds.toString());
    }
}
