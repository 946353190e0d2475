/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.EntryBits;
import org.tdpscope.sim.mmu.GuestPte;
import org.tdpscope.sim.mmu.GuestTranslation;
import org.tdpscope.sim.mmu.GuestWalker;
import org.tdpscope.sim.mmu.Memslots;
import org.tdpscope.sim.mmu.HostMemory;
import org.tdpscope.sim.mmu.GuestPageTableBuilder;
import org.tdpscope.sim.mmu.Spte;
import org.tdpscope.sim.mmu.TwoDResult;

/**
 * Guest CPU state changed by the guest (and the MMU context reset it causes per era), raw writes to guest and EPT
 * entries, the per-vCPU record of accesses, and the SPTE iterator's positions (counted, and reported as events
 * without moving a step number).
 */
class GuestCpuStateTest {

    private static final long GVA = 0x400000L;

    /** One vCPU, a user page at GVA (4K-only EPT: a dirty-logging slot), running {@code ops}. */
    private static Scenario scenario(Era era, Op... ops) {
        Scenario s = new Scenario();
        s.kernel = era.rules();
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.guestMappings.add(new Scenario.GuestMapping(GVA, 0x400000L, 0x4000, 4096, true, true, true, false));
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", Scenario.ThreadKind.VCPU, ops);
        return s;
    }

    private static Op.Access read(long gva) {
        return new Op.Access(gva, false, false, false);
    }

    private static RunResult run(Scenario s) {
        RunResult r = Simulation.run(s, Policy.CONTINUE, new ArrayList<>());
        assertNull(r.error(), () -> String.valueOf(r.error()));
        return r;
    }

    @Test
    void smapTakesEffectAtOnceAndResetsTheMmuContext() {
        Op smapOn = new Op.CpuWrite(CpuRegs.Reg.CR4, CpuRegs.CR4_SMAP, 0, 0);
        Op stac = new Op.CpuWrite(CpuRegs.Reg.RFLAGS, CpuRegs.RFLAGS_AC, 0, 0);
        for (Era era : List.of(Era.V5_16, Era.V6_4, Era.MAINLINE)) {
            RunResult r = run(scenario(era, read(GVA), smapOn, read(GVA), stac, read(GVA)));
            Vcpu v = r.kvm().vcpu("v0");
            assertEquals(3, v.accesses().size());
            assertEquals(TwoDResult.Kind.OK, v.access(1).result().kind());
            assertEquals(TwoDResult.Kind.GUEST_PAGE_FAULT, v.access(2).result().kind());
            assertEquals(GuestTranslation.PF_P, v.access(2).result().errorCode()); // SMAP: a protection fault
            assertEquals(TwoDResult.Kind.OK, v.access(3).result().kind());
            // the reset puts the root: before v6.4 it was the only reference, so the root dies and a new one comes
            boolean persistent = era.rules().persistentRoots();
            assertEquals(persistent ? "A" : "B", v.root().name(), era.word());
            assertEquals(!persistent, r.kvm().root("A").freed(), era.word());
        }
    }

    @Test
    void cr0WpResetsTheContextOnlyBeforeV64() {
        Op wpOff = new Op.CpuWrite(CpuRegs.Reg.CR0, 0, CpuRegs.CR0_WP, 0);
        List<TraceEvent> old = new ArrayList<>();
        Simulation.run(scenario(Era.V5_16, read(GVA), wpOff, read(GVA)), Policy.CONTINUE, old);
        assertTrue(old.stream().anyMatch(e -> e.is(EventType.VCPU_CPU) && e.detail().contains("kvm_mmu_reset_context")));
        List<TraceEvent> now = new ArrayList<>();
        RunResult r = Simulation.run(scenario(Era.MAINLINE, read(GVA), wpOff, read(GVA)), Policy.CONTINUE, now);
        assertTrue(now.stream().noneMatch(e -> e.is(EventType.ROOT_PUT) && "v0".equals(e.thread())));
        assertEquals(0, r.kvm().vcpu("v0").regs().cr0 & CpuRegs.CR0_WP);
    }

    @Test
    void cplThreeMakesAccessesUserAccesses() {
        Scenario s = scenario(Era.MAINLINE, new Op.CpuWrite(null, 0, 0, 3), read(0x800000));
        s.guestMappings.add(new Scenario.GuestMapping(0x800000, 0x500000, 0x1000, 4096, true, false, true, false));
        RunResult r = run(s);
        TwoDResult res = r.kvm().vcpu("v0").access(1).result();
        assertEquals(GuestTranslation.PF_P | GuestTranslation.PF_U, res.errorCode());
    }

    @Test
    void rawEntryWritesReachTheTables() {
        Scenario s = scenario(Era.MAINLINE, read(GVA), new Op.EptEntryWrite(0x401, 1, "A", true, 0x2, 0, 0),
                new Op.Access(0x401000, false, false, false, false, "mis"),
                new Op.GuestEntryWrite(GVA, 2, false, 0, 0, GuestPte.US), new Op.Access(GVA, false, true, false),
                read(0x402000));
        s.guestEntryWrites.add(new Op.GuestEntryWrite(0x402000, 1, false, 0, 0, GuestPte.P));
        RunResult r = run(s);
        Vcpu v = r.kvm().vcpu("v0");
        assertEquals(TwoDResult.Kind.EPT_MISCONFIG, v.access("mis").result().kind());
        assertEquals(2, v.access("mis").number());
        // U/S cleared in the PDE only: a user access faults, the rights being ANDed over the levels
        assertEquals(GuestTranslation.PF_P | GuestTranslation.PF_U, v.access(3).result().errorCode());
        // the setup cleared P in the PTE of 0x402000
        assertEquals(0, v.access(4).result().errorCode());
        assertEquals(TwoDResult.Kind.GUEST_PAGE_FAULT, v.access(4).result().kind());
        long spte = r.kvm().mmu().lookup(r.kvm().root("A").hpfn(), 0x401);
        assertEquals(0, spte & Spte.READABLE);
    }

    @Test
    void aRawWriteWithoutATableSaysWhy() {
        Scenario s = scenario(Era.MAINLINE, new Op.EptEntryWrite(0x401, 1, "A", true, 0x2, 0, 0));
        RunResult r = Simulation.run(s, Policy.CONTINUE, new ArrayList<>());
        assertNotNull(r.error());
        assertTrue(r.error().getMessage().contains("no root A exists now"), r.error().getMessage());
        s = scenario(Era.MAINLINE, new Op.LoadRoot(), new Op.EptEntryWrite(0x401, 1, "A", true, 0x2, 0, 0));
        r = Simulation.run(s, Policy.CONTINUE, new ArrayList<>());
        assertTrue(r.error().getMessage().contains("no level-1 table for gfn 0x401 in A"), r.error().getMessage());
    }

    @Test
    void entryGpaFollowsTheGuestTables() {
        Memslots slots = new Memslots(new HostMemory());
        slots.add(0, 0, 0x1000, false);
        GuestPageTableBuilder b = new GuestPageTableBuilder(slots, 4, 0xe00000L, 0x100);
        b.map(GVA, 0x400000, 0x1000, 4096, true, true, true, false);
        b.map(0x40000000L, 0x800000, 0x200000, 0x200000, true, true, true, false);
        CpuRegs regs = CpuRegs.longMode(b.cr3(), false);
        long pte = GuestWalker.entryGpa(slots, regs, GVA, 1);
        assertEquals(0x400000L | GuestPte.P, slots.readGpa(pte) & (GuestPte.PFN_MASK | GuestPte.P));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuestWalker.entryGpa(slots, regs, 0x40000000L, 1));
        assertTrue(e.getMessage().contains("its PDE maps a 2M page"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GuestWalker.entryGpa(slots, regs, GVA, 5));
        assertTrue(e.getMessage().contains("4-level paging"), e.getMessage());
    }

    @Test
    void reservedBitsAreNamedByLevel() {
        assertEquals(List.of("bit 7 (PS) in a PML4E"), EntryBits.guestReserved(GuestPte.PS, 4, null, true));
        assertEquals(List.of(), EntryBits.guestReserved(GuestPte.PS | (1L << 13), 2, false, true));
        assertEquals(List.of("bit 13 in a 2M PDE"), EntryBits.guestReserved(1L << 13, 2, true, true));
        assertEquals(List.of("bit 63 (XD) while EFER.NXE is off"), EntryBits.guestReserved(GuestPte.XD, 1, null, false));
        assertTrue(EntryBits.eptReserved(0x2, 1, true, 46).get(0).contains("write without read"));
        assertTrue(EntryBits.eptReserved(Spte.PAGE_SIZE | 7, 4, true, 46).get(0).contains("PS) at level 4"));
        assertTrue(EntryBits.eptReserved(7 | (2L << 3), 1, true, 46).get(0).contains("memory type 2"));
        assertEquals(List.of(), EntryBits.eptReserved(Spte.READABLE | (6L << 3), 1, true, 46));
        assertEquals(GuestPte.US, EntryBits.guestBit("us"));
        assertEquals(0, EntryBits.guestBit("smep"));
        assertEquals(Spte.EXECUTABLE, EntryBits.eptBit("x"));
    }

    /** A walk over one 4K-mapped 2M region: PML4E, PDPTE, PDE and 512 PTEs; a yield re-walks the first three. */
    @Test
    void iteratorPositionsAreCountedAndReportedWithoutMovingSteps() {
        Scenario s = new Scenario();
        s.memslots.add(new Scenario.MemslotSpec(0, 0x1000, 0x200, false, true));
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", Scenario.ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x1000, true, false));
        s.thread("W", Scenario.ThreadKind.WALKER, new Op.Walk(org.tdpscope.sim.mmu.SpteOp.WRPROT, 0x1000, 0x1200,
                true, true, YieldSpec.afterGfn(0x1100), Variants.KERNEL, false));
        List<TraceEvent> plain = new ArrayList<>();
        RunResult r = Simulation.run(s, Policy.CONTINUE, plain);
        assertEquals(518L, r.simulation().thread("W").lastWalkProcessed().get("A"));
        assertTrue(plain.stream().noneMatch(e -> e.is(EventType.WALK_ITER)));

        Scenario withIter = s.copy();
        withIter.iteratorEvents = true;
        List<TraceEvent> all = new ArrayList<>();
        Simulation.run(withIter, Policy.CONTINUE, all);
        List<TraceEvent> iter = all.stream().filter(e -> e.is(EventType.WALK_ITER)).toList();
        assertEquals(518, iter.size());
        assertEquals(plain, all.stream().filter(e -> !e.is(EventType.WALK_ITER)).toList());
        TraceEvent first = iter.get(0);
        assertEquals(4, first.level());
        assertEquals("L4 index 0, entry 0x" + Long.toHexString(first.oldSpte()), first.detail());
        TraceEvent pte = iter.get(3);
        assertEquals(1, pte.level());
        assertEquals(0x1000, pte.gfn());
        // each carries the step of the event before it
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).is(EventType.WALK_ITER)) {
                assertEquals(all.get(i - 1).step(), all.get(i).step());
            }
        }
        // after the yield the iterator starts again at the root: the PML4E is processed twice
        assertEquals(2, iter.stream().filter(e -> e.level() == 4).count());
    }
}
