/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * Each era's rule table pinned against worked examples (KERNEL-ERAS.md §1.2): DOMAIN.md §6's fast zap
 * with three vCPUs, and one vCPU reloading its only root, with the refcounts, the thread that zaps
 * and the thread that frees written down by hand from the era's rules.
 */
class EraRulesTest {

    /**
     * v0 and v1 share A, v2 has B; a fast zap; then each vCPU reloads. Columns: A's refcount after the
     * loads, after the fast zap returned, who zapped A's SPTEs, C's refcount at the end (the TDP MMU's
     * own reference from v6.4), who freed A and B.
     */
    @ParameterizedTest
    @CsvSource({
            "v5.15,    2, 2, Z,       2, v1, v2",
            "v5.16,    2, 2, Z,       2, v1, v2",
            "v5.18,    2, 2, kworker, 2, v1, v2",
            "v6.4,     3, 2, kworker, 3, v1, v2",
            "v6.6,     3, 2, Z,       3, v1, v2",
            "v6.9,     3, 2, Z,       3, v1, v2",
            "v6.14,    3, 2, Z,       3, v1, v2",
            "mainline, 3, 2, Z,       3, v1, v2" })
    void fastZapWorkedExample(String era, int aAfterLoads, int aAfterZap, String zapper, int cAtEnd, String aFreer,
            String bFreer) {
        Scenario s = new Scenario();
        s.kernel = Era.fromWord(era).rules();
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.DEFAULT).vcpu("v2", RootRole.of("smm"));
        s.thread("v0", Scenario.ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false));
        s.thread("v1", Scenario.ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("v2", Scenario.ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x20, true, false));
        s.thread("Z", Scenario.ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.toEnd("v2"))
                .step(ScheduleStep.toEnd("Z")).step(ScheduleStep.action("v0", new Op.Reload()))
                .step(ScheduleStep.action("v1", new Op.Reload())).step(ScheduleStep.action("v2", new Op.Reload()));
        List<TraceEvent> events = new ArrayList<>();
        RunResult end = new Simulation(s, Policy.CONTINUE, events::add).run();
        assertNull(end.error());
        assertEquals(List.of(), Scenarios.violations(end));
        int zapStart = indexOf(events, "Z", 0);
        int reloads = indexOf(events, "v0", zapStart);
        assertEquals(aAfterLoads, rcBefore(events, "A", zapStart), "A after the loads");
        assertEquals(aAfterZap, rcBefore(events, "A", reloads), "A after the fast zap returned");
        String zappedBy = null;
        for (TraceEvent e : events) {
            if (e.is(EventType.SPTE_ZAP) && "A".equals(e.root())) {
                zappedBy = e.thread();
                break;
            }
        }
        assertEquals(zapper, zappedBy, "who zapped A");
        assertEquals(cAtEnd, end.kvm().root("C").refcount(), "C at the end");
        assertEquals(aFreer, end.kvm().root("A").lastPutBy());
        assertTrue(end.kvm().root("A").freed());
        assertEquals(bFreer, end.kvm().root("B").lastPutBy());
        assertEquals(List.of("D", "C"), end.simulation().listedRootNames());
    }

    /**
     * One vCPU reloads its only root: v5.16 frees it on the spot; v5.18 makes it a defunct root the
     * worker zaps and frees; from v6.4 the TDP MMU's reference keeps it, and the vCPU gets it back.
     */
    @ParameterizedTest
    @CsvSource({
            "v5.16,    B, true,  v0",
            "v5.18,    B, true,  kworker",
            "v6.4,     A, false, ",
            "mainline, A, false, " })
    void reloadOfTheOnlyRoot(String era, String rootAfter, boolean aFreed, String freer) {
        Scenario s = new Scenario();
        s.kernel = Era.fromWord(era).rules();
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", Scenario.ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false), new Op.Reload());
        RunResult r = new Simulation(s, Policy.CONTINUE, e -> { }).run();
        assertNull(r.error());
        assertEquals(List.of(), Scenarios.violations(r));
        assertEquals(rootAfter, r.kvm().vcpu("v0").root().name());
        assertEquals(aFreed, r.kvm().root("A").freed());
        if (freer != null) {
            assertEquals(freer, r.kvm().root("A").lastPutBy());
        }
    }

    /** v6.9: a read-lock walk stops between roots, and a vCPU creates a root there without the walker yielding. */
    @Test
    void rootCreatedBetweenTwoRootsOfAReadLockWalk() {
        Scenario s = new Scenario();
        s.kernel = Era.V6_9.rules();
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm")).vcpu("v2", RootRole.of("guest"));
        s.thread("v0", Scenario.ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("v1", Scenario.ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("v2", Scenario.ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("W", Scenario.ThreadKind.WALKER, Scenarios.walk(SpteOp.WRPROT, 0, 0x100, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.untilNextRoot("W"))
                .step(ScheduleStep.toEnd("v2")).step(ScheduleStep.toEnd("W"));
        RunResult r = new Simulation(s, Policy.CONTINUE, e -> { }).run();
        assertNull(r.error());
        assertEquals(List.of(List.of("B", "A")), r.simulation().thread("W").walks());
        assertEquals(List.of("C", "B", "A"), r.simulation().listedRootNames());

        s.kernel = Era.V6_6.rules(); // root creation needs the write lock: the walk never stops between roots
        RunResult old = new Simulation(s, Policy.CONTINUE, e -> { }).run();
        assertTrue(old.error() != null && old.error().getMessage().contains("between two roots"), "" + old.error());
    }

    /** The explorer may run a reader but not a writer while a v6.9 walk holds mmu_lock between roots. */
    @Test
    void onlyReadersRunWhileAWalkHoldsTheReadLockBetweenRoots() {
        Scenario s = new Scenario();
        s.kernel = Era.V6_9.rules();
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", Scenario.ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("v1", Scenario.ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("W", Scenario.ThreadKind.WALKER, Scenarios.walk(SpteOp.WRPROT, 0, 0x100, YieldSpec.NEVER));
        s.thread("Z", Scenario.ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        Simulation sim = new Simulation(s, Policy.CONTINUE, e -> { });
        sim.start();
        sim.stepOnce("v0");
        sim.stepOnce("v1");
        assertEquals(ScheduleStep.Kind.UNTIL_NEXT_ROOT, sim.stepOnce("W").kind());
        assertTrue(sim.canStep("W"));
        assertFalse(sim.canStep("Z"), "a fast zap needs mmu_lock for write");
        assertEquals(ScheduleStep.Kind.UNTIL_NEXT_ROOT, sim.stepOnce("W").kind(), "after the last root too");
        assertEquals(ScheduleStep.Kind.OPS, sim.stepOnce("W").kind());
        assertTrue(sim.canStep("Z"));
    }

    private static int indexOf(List<TraceEvent> events, String thread, int from) {
        for (int i = from; i < events.size(); i++) {
            if (events.get(i).thread().equals(thread)) {
                return i;
            }
        }
        throw new AssertionError("no event of " + thread);
    }

    /** A root's refcount as the last event naming it before {@code index} left it. */
    private static int rcBefore(List<TraceEvent> events, String root, int index) {
        int rc = -1;
        for (int i = 0; i < index; i++) {
            if (root.equals(events.get(i).root())) {
                rc = events.get(i).rc();
            }
        }
        return rc;
    }

    @Test
    void overriddenRulesMixEras() {
        KernelRules r = Era.V5_15.rules().with("fast-zap-refs", "none");
        assertEquals(KernelRules.FastZapRefs.NONE, r.fastZapRefs());
        assertEquals(1, r.initialRefcount());
        assertEquals("v5.15 with fast-zap-refs none", r.word());
        assertEquals("v5.15+fast-zap-refs-none", r.fileWord());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Era.V6_4.rules().with("fast-zap-refs", "some"));
        assertTrue(e.getMessage().contains("every-live-root or not-yet-invalid or none"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Era.V6_4.rules().with("no-such-rule", "x"));
    }

    @Test
    void policiesAreKnobsWithPresets() {
        assertEquals(Policy.RESTART, Policy.TERMINATE.withKnob("restart"));
        Policy hybrid = Policy.RESTART.withKnob("keep-listed");
        assertEquals("restart+keep-listed", hybrid.word());
        assertTrue(hybrid.hybrid());
        assertEquals(hybrid, Policy.fromWord("restart+keep-listed"));
        assertEquals(Policy.RESTART, hybrid.preset());
        assertTrue(hybrid.oddity().contains("restart with invalid roots kept listed"));
        assertEquals(Policy.FIFO, Policy.CONTINUE.withKnob("tail"));
        assertNull(Policy.CONTINUE.oddity());
        assertTrue(Policy.CONTINUE.withKnob("delist").oddity().contains("delisted"));
    }

    /**
     * v6.14+, a TDX VM: each vCPU gets a mirror root for private gfns (installed through the S-EPT hook),
     * fast zap invalidates only direct roots, and removing a mirror SPTE under the read lock is a
     * KVM_BUG_ON; a memslot delete zaps the slot instead of fast-zapping (the 6.12 quirk).
     */
    @Test
    void tdxMirrorRoots() {
        long shared = 1L << 35; // GPA bit 47 with 4-level EPT
        Scenario s = new Scenario();
        s.kernel = Era.MAINLINE.rules();
        s.vmType = Scenario.VmType.TDX;
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        s.memslots.add(new Scenario.MemslotSpec(1, shared, 0x1000, false, false));
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", Scenario.ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false),
                new Op.Fault(shared + 0x10, true, false));
        s.thread("Z", Scenario.ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.thread("W", Scenario.ThreadKind.WALKER, new Op.Walk(SpteOp.ZAP, 0, 0x100, true, true, YieldSpec.NEVER,
                Variants.KERNEL, false));
        List<TraceEvent> events = new ArrayList<>();
        RunResult r = new Simulation(s, Policy.CONTINUE, events::add).run();
        assertNull(r.error());
        Root mirror = r.kvm().root("A");
        Root direct = r.kvm().root("B");
        assertTrue(mirror.mirror(), "the mirror root comes first");
        assertFalse(direct.mirror());
        assertTrue(events.stream().anyMatch(e -> e.is(EventType.MIRROR_HOOK) && "A".equals(e.root()) && e.gfn() == 0x10));
        assertFalse(mirror.invalid(), "fast zap leaves mirror roots alone");
        assertTrue(direct.invalid());
        assertEquals(List.of("lock-discipline A"), Scenarios.violations(r), "a read-lock zap reached a mirror root");

        Scenario d = new Scenario();
        d.kernel = Era.MAINLINE.rules();
        d.vmType = Scenario.VmType.TDX;
        d.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        d.memslots.add(new Scenario.MemslotSpec(1, shared, 0x1000, false, false));
        d.vcpu("v0", RootRole.DEFAULT);
        d.thread("v0", Scenario.ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(shared + 0x10, true, false));
        d.thread("Z", Scenario.ThreadKind.INVALIDATOR, new Op.MemslotDelete(1, true, YieldSpec.NEVER));
        RunResult del = new Simulation(d, Policy.CONTINUE, e -> { }).run();
        assertNull(del.error());
        assertEquals(List.of(), Scenarios.violations(del));
        assertFalse(del.kvm().root("B").invalid(), "a TDX VM zaps the deleted slot instead of fast-zapping");
        d.vmType = Scenario.VmType.DEFAULT;
        RunResult def = new Simulation(d, Policy.CONTINUE, e -> { }).run();
        assertTrue(def.kvm().root("A").invalid(), "a default VM fast-zaps");
    }
}
