/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.sim.Scenarios.base;
import static org.tdpscope.sim.Scenarios.violations;
import static org.tdpscope.sim.Scenarios.walk;
import static org.tdpscope.sim.Scenarios.write;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * For each invariant, a scenario in which a broken kernel variant (or a policy that lacks the
 * guarantee) is caught, and the kernel's behaviour is not.
 */
class InvariantsTest {

    private static final Variants NO_REF = new Variants(true, false, false, false, false);
    private static final Variants PUT_PREV_FIRST = new Variants(false, true, false, false, false);
    private static final Variants NO_PROGRESS = new Variants(false, false, true, false, false);
    private static final Variants NO_FLUSH = new Variants(false, false, false, true, false);
    private static final Variants STALE_FAULT = new Variants(false, false, false, false, true);

    private static RunResult run(Scenario s, Policy p) {
        RunResult r = Simulation.run(s, p, new ArrayList<>());
        assertNull(r.error(), () -> r.error().getMessage());
        return r;
    }

    /** v0 (role default) makes A, v1 (smm) makes B, both with SPTEs; list [B, A]. */
    private static Scenario twoRoots() {
        Scenario s = base();
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10), write(0x20));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10), write(0x20));
        return s;
    }

    /** A walker W yields in B; fast zap Z runs; v1 reloads (dropping B's last other reference). */
    static Scenario walkerYieldsDuringFastZap(Variants walker) {
        Scenario s = twoRoots();
        s.thread("W", ThreadKind.WALKER, walk(SpteOp.WRPROT, 0, 0x100, YieldSpec.afterGfn(0x10).inRoot("B"), walker));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.untilYield("W"));
        s.step(ScheduleStep.toEnd("Z")).step(ScheduleStep.action("v1", new Op.Reload()));
        s.step(ScheduleStep.toEnd("W"));
        return s;
    }

    @Test
    void useAfterFreeOfAReferenceFreeIterator() {
        RunResult broken = run(walkerYieldsDuringFastZap(NO_REF), Policy.CONTINUE);
        assertTrue(violations(broken).contains("use-after-free B"), violations(broken).toString());
        assertEquals("v1", broken.kvm().root("B").lastPutBy());
        RunResult kernel = run(walkerYieldsDuringFastZap(Variants.KERNEL), Policy.CONTINUE);
        assertEquals(List.of(), violations(kernel));
        assertEquals("W", kernel.kvm().root("B").lastPutBy(), "the walker's reference kept B alive; W frees it");
    }

    @Test
    void putBeforeNextIsPinned() {
        Scenario s = twoRoots();
        s.thread("W", ThreadKind.WALKER, walk(SpteOp.AGE, 0, 0x100, YieldSpec.NEVER, PUT_PREV_FIRST));
        assertTrue(violations(run(s, Policy.CONTINUE)).contains("refcount B"));
    }

    @Test
    void spteInstalledIntoInvalidRoot() {
        Scenario s = base();
        s.vcpu("v0", RootRole.DEFAULT, STALE_FAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("Z")).step(ScheduleStep.toEnd("v0"));
        // v0 loaded A before Z? No: v0 runs after Z here, so its root is fresh and nothing breaks.
        assertEquals(List.of(), violations(run(s, Policy.CONTINUE)));

        Scenario t = base();
        t.vcpu("v0", RootRole.DEFAULT, STALE_FAULT);
        t.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10));
        t.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        t.step(ScheduleStep.ops("v0", 1)).step(ScheduleStep.toEnd("Z")).step(ScheduleStep.toEnd("v0"));
        assertTrue(violations(run(t, Policy.CONTINUE)).contains("spte-in-invalid-root A"));
    }

    @Test
    void fastZapReturnsWithAPopulatedInvalidRoot() {
        Scenario s = twoRoots();
        s.vcpus.set(0, new Scenario.VcpuSpec("v0", RootRole.DEFAULT, STALE_FAULT));
        // Z invalidates [B, A] and zaps B first; it yields in A after zapping it, v0 faults into A.
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.ALWAYS.inRoot("A")));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.untilYield("Z"));
        s.step(ScheduleStep.action("v0", write(0x30))).step(ScheduleStep.toEnd("Z"));
        List<String> v = violations(run(s, Policy.CONTINUE));
        assertTrue(v.contains("spte-in-invalid-root A") && v.contains("fast-zap-leftover A"), v.toString());
    }

    /** An mmu_notifier unmap while a fast zap has yielded: it must reach the invalid-but-alive root. */
    private static Scenario notifierDuringFastZap() {
        Scenario s = twoRoots();
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.ALWAYS.inRoot("B")));
        s.thread("N", ThreadKind.WALKER, new Op.Walk(SpteOp.ZAP, 0, 0x100, false, false, YieldSpec.NEVER,
                Variants.KERNEL, true));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.untilYield("Z"));
        s.step(ScheduleStep.toEnd("N")).step(ScheduleStep.toEnd("Z"));
        return s;
    }

    /**
     * A fault on a gfn an mmu_notifier unmap is invalidating retries until the unmap ends
     * ({@code is_page_fault_stale}, {@code mmu_invalidate_retry_gfn}): it cannot map what is being unmapped
     * while the unmap has yielded, so the unmap's end finds no leftover. Without it the explorer reported a
     * notifier-leftover under v5.16 that no kernel has (examples/races/01).
     */
    @Test
    void aFaultDuringANotifierUnmapRetriesUntilTheUnmapEnds() {
        Scenario s = base();
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10), write(0x20), write(0x200));
        s.thread("N", ThreadKind.WALKER, new Op.Walk(SpteOp.ZAP, 0, 0x100, false, false, YieldSpec.afterGfn(0x10),
                Variants.KERNEL, true));
        Simulation sim = new Simulation(s, Policy.CONTINUE, e -> { });
        sim.start();
        sim.stepOnce("v0");
        sim.stepOnce("v0"); // gfn 0x10 mapped
        sim.stepOnce("N"); // zaps gfn 0x10, yields: the invalidation of 0x0 .. 0x100 is still in progress
        assertTrue(!sim.canStep("v0"), "the fault on gfn 0x20 waits for the unmap's end");
        ScheduleException e = assertThrows(ScheduleException.class, () -> sim.stepOnce("v0"));
        assertTrue(e.getMessage().contains("its fault on gfn 0x20 retries while an mmu_notifier invalidation of gfn"
                + " 0x0 .. 0x100 is in progress"), e.getMessage());
        sim.stepOnce("N"); // the unmap ends
        assertTrue(sim.canStep("v0"));
        sim.stepOnce("v0"); // now gfn 0x20 maps
        List<String> v = new ArrayList<>();
        sim.kvm().violations().forEach(ev -> v.add(ev.invariant().word()));
        assertEquals(List.of(), v, "no leftover: nothing was mapped during the unmap");
        // and every interleaving agrees
        org.tdpscope.sim.explore.ExploreResult r = new org.tdpscope.sim.explore.Explorer().explore(s, Policy.CONTINUE,
                org.tdpscope.sim.explore.ExploreBounds.defaults(), null, null);
        assertTrue(r.outcomes().stream().noneMatch(o -> o.bad()), r.outcomes().toString());
    }

    @Test
    void notifierMustReachInvalidRoots() {
        assertEquals(List.of(), violations(run(notifierDuringFastZap(), Policy.CONTINUE)));
        assertEquals(List.of(), violations(run(notifierDuringFastZap(), Policy.FIFO)));
        // Delisting invalid roots hides them from the notifier: the December 2021 fix.
        for (Policy p : List.of(Policy.RESTART, Policy.TERMINATE)) {
            List<String> v = violations(run(notifierDuringFastZap(), p));
            assertTrue(v.contains("notifier-leftover A") || v.contains("notifier-leftover B"), p + ": " + v);
        }
    }

    /**
     * Dirty logging enabled with the flag set after the write-protect walk (the precondition
     * broken), while a fast zap without slots_lock makes v0 build a new root C mid-walk.
     */
    static Scenario staleSpte(boolean flagFirst) {
        Scenario s = base();
        s.memslots.set(0, new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10));
        s.thread("D", ThreadKind.INVALIDATOR,
                new Op.DirtyLogEnable(0, flagFirst, true, YieldSpec.ALWAYS.inRoot("B"), Variants.KERNEL));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(false, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.untilYield("D"));
        s.step(ScheduleStep.toEnd("Z")).step(ScheduleStep.action("v0", new Op.Reload()));
        s.step(ScheduleStep.action("v0", write(0x400))).step(ScheduleStep.toEnd("D"));
        return s;
    }

    @Test
    void staleSpteWhenThePreconditionIsBroken() {
        assertTrue(violations(run(staleSpte(false), Policy.TERMINATE)).contains("missed-root C"));
        assertTrue(violations(run(staleSpte(false), Policy.CONTINUE)).contains("missed-root C"));
        assertEquals(List.of(), violations(run(staleSpte(false), Policy.FIFO)));
        assertEquals(List.of(), violations(run(staleSpte(false), Policy.RESTART)));
        for (Policy p : Policy.values()) {
            assertEquals(List.of(), violations(run(staleSpte(true), p)), p.word() + " with the flag set first");
        }
    }

    /** W yields in every root; each time, a fast zap invalidates everything and v0 builds a new root. */
    static Scenario invalidationStorm(int rounds) {
        Scenario s = base();
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10), write(0x20));
        s.thread("W", ThreadKind.WALKER, walk(SpteOp.AGE, 0, 0x100, YieldSpec.ALWAYS));
        List<Op> zaps = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            zaps.add(new Op.FastZap(true, YieldSpec.NEVER));
        }
        s.threads.add(new Scenario.ThreadSpec("Z", ThreadKind.INVALIDATOR, zaps));
        s.step(ScheduleStep.toEnd("v0"));
        for (int i = 0; i < rounds; i++) {
            s.step(ScheduleStep.untilYield("W")).step(ScheduleStep.ops("Z", 1));
            s.step(ScheduleStep.action("v0", new Op.Reload())).step(ScheduleStep.action("v0", write(0x10)));
        }
        s.step(ScheduleStep.toEnd("W"));
        return s;
    }

    @Test
    void restartLivelocksUnderRepeatedInvalidation() {
        RunResult restart = run(invalidationStorm(RootWalk.LIVELOCK_RESTARTS + 1), Policy.RESTART);
        assertEquals(List.of("livelock"), violations(restart));
        RunResult cont = run(invalidationStorm(1), Policy.CONTINUE);
        assertEquals(List.of(), violations(cont));
        assertEquals(List.of("A"), cont.lastWalk("W"));
    }

    @Test
    void yieldRules() {
        Scenario noFlush = twoRoots();
        noFlush.thread("W", ThreadKind.WALKER, walk(SpteOp.WRPROT, 0, 0x100, YieldSpec.afterGfn(0x10), NO_FLUSH));
        assertTrue(violations(run(noFlush, Policy.CONTINUE)).contains("bad-yield B"));
        Scenario noProgress = twoRoots();
        noProgress.thread("W", ThreadKind.WALKER, walk(SpteOp.AGE, 0, 0x100, YieldSpec.ALWAYS, NO_PROGRESS));
        assertTrue(violations(run(noProgress, Policy.CONTINUE)).contains("bad-yield B"));
        Scenario kernel = twoRoots();
        kernel.thread("W", ThreadKind.WALKER, walk(SpteOp.WRPROT, 0, 0x100, YieldSpec.ALWAYS));
        assertEquals(List.of(), violations(run(kernel, Policy.CONTINUE)));
    }
}
