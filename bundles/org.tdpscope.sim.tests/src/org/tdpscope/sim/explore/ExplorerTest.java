/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;
import org.tdpscope.sim.mmu.SpteOp;

/** The bug table of DOMAIN §2–3, found (and shown absent within the bound) by exploring every interleaving. */
class ExplorerTest {

    static final Variants NO_REF = new Variants(true, false, false, false, false);

    /** One 4K-only memslot of 4096 pages at gfn 0 ({@code dirtyLogging} keeps leaves 4K). */
    static Scenario base(boolean dirtyLogging) {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, dirtyLogging));
        return s;
    }

    static Op.Fault write(long gfn) {
        return new Op.Fault(gfn, true, false);
    }

    static Op.Walk walk(SpteOp op, YieldSpec y, Variants v) {
        return new Op.Walk(op, 0, 0x100, true, true, y, v, false);
    }

    /**
     * Dirty logging enabled with the flag set after the write-protect walk (D), a fast zap without
     * slots_lock (Z), and a vCPU that reloads and writes: a root made while D yielded is missed
     * unless the walk meets it.
     */
    static Scenario staleSpte(boolean flagFirst) {
        Scenario s = base(false);
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, false, false), new Op.Reload(),
                write(0x400));
        s.thread("D", ThreadKind.INVALIDATOR,
                new Op.DirtyLogEnable(0, flagFirst, true, YieldSpec.ALWAYS, Variants.KERNEL));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(false, YieldSpec.NEVER));
        return s;
    }

    /** A walker W yields in a root; fast zap Z; v1 reloads (dropping the last other reference to its root). */
    static Scenario walkerDuringFastZap(Variants walker) {
        Scenario s = base(true);
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10), write(0x20));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10), write(0x20), new Op.Reload());
        s.thread("W", ThreadKind.WALKER, walk(SpteOp.WRPROT, YieldSpec.afterGfn(0x10), walker));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        return s;
    }

    /** W yields in every root; Z keeps fast-zapping; v0 keeps reloading and faulting (both repeat forever). */
    static Scenario invalidationStorm() {
        Scenario s = base(true);
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.Reload(), write(0x10));
        s.thread("W", ThreadKind.WALKER, walk(SpteOp.AGE, YieldSpec.ALWAYS, Variants.KERNEL));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        return s;
    }

    static ExploreResult explore(Scenario s, Policy p, ExploreBounds b) {
        return new Explorer().explore(s, p, b, null, null);
    }

    static List<String> words(List<TraceEvent> violations) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : violations) {
            out.add(e.invariant().word() + (e.root() != null ? " " + e.root() : ""));
        }
        return out;
    }

    /** The counterexample replays through a plain Simulation to the same violations. */
    static RunResult assertReplays(ExploreResult r, Outcome o) {
        Scenario replay = r.replayScenario(o);
        RunResult run = new Simulation(replay, r.policy(), e -> {
        }).run();
        assertNull(run.error(), () -> run.error().getMessage());
        for (String v : o.violations()) {
            assertTrue(words(run.violations()).contains(v), v + " not in replay " + words(run.violations()));
        }
        return run;
    }

    /**
     * The missed-root bug proper: a stale SPTE in a root that D's write-protect walk never visited.
     * (With the flag set after the walk, a fault behind the walk in a root it did visit is stale under
     * every policy: that is why the precondition exists, and the explorer finds it everywhere.)
     */
    static boolean noStaleSpteInAnUnvisitedRoot(RunResult r) {
        List<String> visited = r.lastWalk("D");
        for (TraceEvent e : r.violations()) {
            if (e.invariant() == org.tdpscope.sim.Invariant.MISSED_ROOT && e.root() != null
                    && !visited.contains(e.root())) {
                return false;
            }
        }
        return true;
    }

    @Test
    void terminateMissesTheRootFifoCatches() {
        ExploreBounds b = ExploreBounds.defaults();
        Explorer x = new Explorer();
        ExploreResult terminate = x.explore(staleSpte(false), Policy.TERMINATE, b,
                ExplorerTest::noStaleSpteInAnUnvisitedRoot, null);
        Outcome bad = null;
        for (Outcome o : terminate.outcomes()) {
            if (Boolean.FALSE.equals(o.expectationsHold()) && (bad == null || o.length() < bad.length())) {
                bad = o;
            }
        }
        assertNotNull(bad, terminate.outcomes().toString());
        assertTrue(bad.violations().stream().anyMatch(v -> v.startsWith("missed-root")));
        RunResult replay = assertReplays(terminate, bad);
        assertFalse(noStaleSpteInAnUnvisitedRoot(replay), words(replay.violations()) + " visited " + replay.lastWalk("D"));

        for (Policy p : List.of(Policy.FIFO, Policy.RESTART)) {
            ExploreResult ok = x.explore(staleSpte(false), p, b, ExplorerTest::noStaleSpteInAnUnvisitedRoot, null);
            assertFalse(ok.stats().truncated());
            for (Outcome o : ok.outcomes()) {
                assertTrue(o.kind() == Outcome.Kind.COMPLETE && o.expectationsHold(), p.word() + ": " + o);
            }
        }
        for (Policy p : Policy.values()) {
            ExploreResult ok = explore(staleSpte(true), p, b);
            assertEquals(List.of(), ok.bad(), p.word() + " with the flag set first: " + ok.outcomes());
        }
    }

    @Test
    void referenceFreeIteratorUsesAFreedRoot() {
        ExploreResult broken = explore(walkerDuringFastZap(NO_REF), Policy.CONTINUE, ExploreBounds.defaults());
        Outcome uaf = broken.firstWith("use-after-free");
        assertNotNull(uaf, broken.outcomes().toString());
        RunResult replay = assertReplays(broken, uaf);
        assertTrue(words(replay.violations()).stream().anyMatch(v -> v.startsWith("use-after-free")));

        ExploreResult kernel = explore(walkerDuringFastZap(Variants.KERNEL), Policy.CONTINUE, ExploreBounds.defaults());
        assertFalse(kernel.stats().truncated());
        assertNull(kernel.firstWith("use-after-free"), kernel.outcomes().toString());
        assertEquals(List.of(), kernel.bad(), kernel.outcomes().toString());
    }

    /**
     * An mmu_notifier unmap N racing a fast zap Z that yields in the roots it zaps: under the policies
     * that take invalid roots off the list, some interleaving leaves N blind to an invalid root that
     * still maps the range (invariant 5); keeping them listed (continue, fifo) has no such interleaving.
     */
    @Test
    void delistingHidesInvalidRootsFromTheNotifier() {
        Scenario s = base(true);
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), write(0x20));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.ALWAYS));
        s.thread("N", ThreadKind.WALKER, new Op.Walk(SpteOp.ZAP, 0, 0x100, false, false, YieldSpec.NEVER,
                Variants.KERNEL, true));
        for (Policy p : List.of(Policy.RESTART, Policy.TERMINATE)) {
            ExploreResult r = explore(s, p, ExploreBounds.defaults());
            Outcome leftover = r.firstWith("notifier-leftover");
            assertNotNull(leftover, p + ": " + r.outcomes());
            RunResult replay = assertReplays(r, leftover);
            assertTrue(words(replay.violations()).stream().anyMatch(v -> v.startsWith("notifier-leftover")));
        }
        for (Policy p : List.of(Policy.CONTINUE, Policy.FIFO)) {
            ExploreResult r = explore(s, p, ExploreBounds.defaults());
            assertFalse(r.stats().truncated());
            assertEquals(List.of(), r.bad(), p + ": " + r.outcomes());
        }
    }

    @Test
    void restartLivelocksAsACycle() {
        ExploreBounds b = ExploreBounds.defaults().withRepeating("v0", "Z").withMaxDepth(24);
        ExploreResult restart = explore(invalidationStorm(), Policy.RESTART, b);
        Outcome live = restart.firstOf(Outcome.Kind.LIVELOCK);
        assertNotNull(live, restart.outcomes().toString());
        assertFalse(live.cycle().isEmpty());
        RunResult replay = new Simulation(restart.replayScenario(live), Policy.RESTART, e -> {
        }).run();
        assertTrue(words(replay.violations()).contains("livelock"), words(replay.violations()).toString());

        ExploreResult cont = explore(invalidationStorm(), Policy.CONTINUE, b);
        assertNull(cont.firstOf(Outcome.Kind.LIVELOCK), cont.outcomes().toString());
        assertEquals(List.of(), cont.bad(), cont.outcomes().toString());
    }

    @Test
    void reductionsAndWorkersDoNotChangeTheOutcomes() {
        Scenario s = walkerDuringFastZap(NO_REF);
        ExploreBounds b = ExploreBounds.defaults();
        ExploreResult full = explore(s, Policy.CONTINUE, b.withReductions(false, false).withWorkers(1));
        ExploreResult reduced = explore(s, Policy.CONTINUE, b);
        ExploreResult again = explore(s, Policy.CONTINUE, b);
        assertEquals(keys(full), keys(reduced));
        assertEquals(keys(reduced), keys(again));
        assertEquals(lengths(reduced), lengths(again));
        assertEquals(reduced.stats().distinctStates(), again.stats().distinctStates());
        assertTrue(reduced.stats().visits() < full.stats().visits(), reduced.stats() + " vs " + full.stats());
        // the workers share their visited states, yet report what one worker alone does: counts, counterexamples
        ExploreResult alone = explore(s, Policy.CONTINUE, b.withWorkers(1));
        assertEquals(lengths(alone), lengths(reduced));
        assertEquals(alone.stats().distinctStates(), reduced.stats().distinctStates());
        assertEquals(full.stats().distinctStates(), reduced.stats().distinctStates());
    }

    /** An invalidator that would fast-zap forever, bounded to two invalidations per interleaving. */
    @Test
    void invalidationBound() {
        Scenario s = base(true);
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        ExploreBounds b = ExploreBounds.defaults().withRepeating("Z");
        long states = 0;
        for (int n = 0; n <= 2; n++) {
            ExploreResult r = explore(s, Policy.CONTINUE, b.withMaxInvalidations(n));
            assertFalse(r.stats().truncated());
            for (Outcome o : r.outcomes()) {
                assertEquals(Outcome.Kind.COMPLETE, o.kind(), o.toString());
                RunResult run = assertReplays(r, o);
                int zaps = 0;
                for (ScheduleStep st : o.schedule()) {
                    zaps += "Z".equals(st.thread()) ? 1 : 0;
                }
                assertTrue(zaps <= n, o.schedule().toString());
                assertTrue(run.complete());
            }
            // each invalidation allowed brings states the smaller budget could not reach
            assertTrue(r.stats().distinctStates() > states, n + ": " + r.stats());
            states = r.stats().distinctStates();
        }
    }

    @Test
    void cancellation() {
        ExploreResult r = new Explorer().explore(walkerDuringFastZap(NO_REF), Policy.CONTINUE,
                ExploreBounds.defaults().withReductions(false, false), null, new ExploreMonitor() {
                    @Override
                    public boolean cancelled() {
                        return true;
                    }
                });
        assertTrue(r.stats().cancelled() || r.stats().visits() < 4096 * 4, r.stats().toString());
    }

    private static List<Outcome.Key> keys(ExploreResult r) {
        List<Outcome.Key> out = new ArrayList<>();
        for (Outcome o : r.outcomes()) {
            out.add(o.key());
        }
        return out;
    }

    private static List<String> lengths(ExploreResult r) {
        List<String> out = new ArrayList<>();
        for (Outcome o : r.outcomes()) {
            out.add(o.count() + "/" + o.schedule());
        }
        return out;
    }
}
