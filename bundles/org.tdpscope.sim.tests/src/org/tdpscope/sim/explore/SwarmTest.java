/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;

/** Swarm search: reproducible for a seed and a visit budget, honest about coverage, counterexamples that replay. */
class SwarmTest {

    private static String summary(ExploreResult r) {
        List<String> out = new ArrayList<>();
        for (Outcome o : r.outcomes()) {
            out.add(o.key() + " x" + o.count() + " " + o.stem() + " / " + o.cycle());
        }
        return r.stats().visits() + " visits, " + r.stats().distinctStates() + " states, " + out;
    }

    @Test
    void sameSeedAndVisitBudgetSameResultWhateverTheThreads() {
        Scenario s = ExplorerTest.walkerDuringFastZap(ExplorerTest.NO_REF);
        ExploreBounds b = ExploreBounds.defaults().withMaxVisits(3_000);
        ExploreResult one = new Swarm().explore(s, Policy.CONTINUE, b.withWorkers(1), 6, 42, 0, null, null);
        ExploreResult two = new Swarm().explore(s, Policy.CONTINUE, b.withWorkers(2), 6, 42, 0, null, null);
        ExploreResult again = new Swarm().explore(s, Policy.CONTINUE, b.withWorkers(2), 6, 42, 0, null, null);
        assertEquals(summary(one), summary(two));
        assertEquals(summary(two), summary(again));
        assertEquals(one.coverage(), two.coverage());
        assertTrue(one.coverage().startsWith("swarm: 6 members, "), one.coverage());
        assertTrue(one.coverage().endsWith("; not exhaustive"), one.coverage());
        assertTrue(one.partialNote().contains("not exhaustive"));
        // another seed: other orders, other depth bounds, so another walk through the space
        ExploreResult other = new Swarm().explore(s, Policy.CONTINUE, b.withWorkers(2), 6, 43, 0, null, null);
        assertNotEquals(summary(one), summary(other));
    }

    @Test
    void findsOnlyRealOutcomesAndTheirCounterexamplesReplay() {
        Scenario s = ExplorerTest.walkerDuringFastZap(ExplorerTest.NO_REF);
        ExploreResult exact = new Explorer().explore(s, Policy.CONTINUE, ExploreBounds.defaults(), null, null);
        assertFalse(exact.bad().isEmpty(), "the scenario has a bug to find");
        Set<Outcome.Key> real = new HashSet<>();
        for (Outcome o : exact.outcomes()) {
            real.add(o.key());
        }
        ExploreResult swarm = new Swarm().explore(s, Policy.CONTINUE, ExploreBounds.defaults().withMaxVisits(5_000), 8,
                1, 0, null, null);
        assertFalse(swarm.bad().isEmpty(), swarm.outcomes().toString());
        for (Outcome o : swarm.outcomes()) {
            assertTrue(real.contains(o.key()), "not an outcome of the exhaustive search: " + o);
        }
        for (Outcome o : swarm.bad()) {
            RunResult run = ExplorerTest.assertReplays(swarm, o);
            assertTrue(run.complete() || o.kind() != Outcome.Kind.COMPLETE, o.toString());
        }
        // past its budget a member only enters the siblings left on its path (depth 64, at most 7 threads) to leave
        assertTrue(swarm.stats().visits() <= 8 * (5_000L + 64 * 7), swarm.stats().toString());
        assertTrue(swarm.stats().distinctStates() <= exact.stats().distinctStates());
    }

    @Test
    void timeBoundStopsTheSwarm() {
        long t0 = System.nanoTime();
        ExploreResult r = new Swarm().explore(ExploreBench.scenario(3), Policy.CONTINUE,
                ExploreBounds.defaults().withMaxVisits(Long.MAX_VALUE), 4, 7, 1_000, null, null);
        double secs = (System.nanoTime() - t0) / 1e9;
        assertTrue(secs < 15, secs + " s");
        assertTrue(r.stats().cancelled(), r.stats().toString());
        assertTrue(r.partialNote().contains("stopped before the end"), r.partialNote());
    }
}
