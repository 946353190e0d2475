/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Simulation;

/**
 * What an exploration found: the distinct outcomes (each with a count and a shortest
 * counterexample) and figures on the work done and saved.
 */
public final class ExploreResult {

    /**
     * Figures. {@code visits}: nodes of the schedule tree entered; {@code distinctStates}: distinct exact
     * states among them; {@code hashPruned}: visits cut because the state was explored already;
     * {@code sleepPruned}: transitions skipped by sleep sets; {@code cyclesPruned}: runs cut because they
     * came back to a state on their own path without being a livelock (e.g. an invalidator spinning
     * alone); {@code boundCut}: runs cut by the depth/yield bound; {@code replays}/{@code replayedSteps}:
     * subtrees handed to workers, rebuilt by replaying their path from scratch; {@code forks}: simulations
     * copied so a node's later children start from its state ({@code Simulation.fork}); {@code bitStateFrom}: -1,
     * or the distinct states held exactly when the visited set ran out of memory and the search went on with
     * bit-state hashing (then {@code distinctStates} counts the states it took for new, the search is not exhaustive
     * and a counterexample is not certainly the shortest).
     */
    public record Stats(long visits, long distinctStates, long hashPruned, long sleepPruned, long cyclesPruned,
            long boundCut, long replays, long replayedSteps, long forks, long steps, long millis, int tasks,
            boolean truncated, boolean cancelled, long bitStateFrom) {

        /** The visited set ran out of memory and the search went on with bit-state hashing (not exhaustive). */
        public boolean degraded() {
            return bitStateFrom >= 0;
        }

        public double distinctStatesPerSecond() {
            return millis == 0 ? distinctStates * 1000.0 : distinctStates * 1000.0 / millis;
        }
    }

    private final Scenario scenario;
    private final Policy policy;
    private final List<Outcome> outcomes;
    private final Stats stats;
    private final String coverage;

    ExploreResult(Scenario scenario, Policy policy, List<Outcome> outcomes, Stats stats, String coverage) {
        this.scenario = scenario;
        this.policy = policy;
        this.outcomes = List.copyOf(outcomes);
        this.stats = stats;
        this.coverage = coverage;
    }

    /**
     * Null when the search was exhaustive within its bounds (unless {@link Stats#truncated}, {@link Stats#cancelled}
     * or {@link Stats#degraded}); otherwise what it covered, e.g. {@code "swarm: 8 members, 1,000,000 visits,
     * 240,000 distinct states seen; not exhaustive"}.
     */
    public String coverage() {
        return coverage;
    }

    /**
     * One line on how far the search got when it is not a complete answer (stopped, cut by the visit bound, out of
     * memory, a swarm), or null when it is complete within its bounds.
     */
    public String partialNote() {
        List<String> why = new ArrayList<>();
        if (coverage != null) {
            why.add(coverage);
        }
        if (stats.degraded()) {
            why.add(String.format(java.util.Locale.ROOT, "out of memory for exact visited states at %,d: went on with"
                    + " bit-state hashing (not exhaustive, counterexamples not certainly shortest)", stats.bitStateFrom()));
        }
        if (stats.cancelled()) {
            why.add("stopped before the end");
        } else if (stats.truncated() && coverage == null) {
            why.add("the visit bound was reached");
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    /** The scenario as explored: the input without its schedule, repeating threads unrolled. */
    public Scenario scenario() {
        return scenario;
    }

    public Policy policy() {
        return policy;
    }

    /** Distinct outcomes, in a fixed order (kind, then key). */
    public List<Outcome> outcomes() {
        return outcomes;
    }

    public List<Outcome> bad() {
        List<Outcome> out = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.bad()) {
                out.add(o);
            }
        }
        return out;
    }

    /** The first outcome (in {@link #outcomes} order) with this violation word ("use-after-free"), or null. */
    public Outcome firstWith(String invariantWord) {
        for (Outcome o : outcomes) {
            for (String v : o.violations()) {
                if (v.equals(invariantWord) || v.startsWith(invariantWord + ' ')) {
                    return o;
                }
            }
        }
        return null;
    }

    public Outcome firstOf(Outcome.Kind kind) {
        for (Outcome o : outcomes) {
            if (o.kind() == kind) {
                return o;
            }
        }
        return null;
    }

    public Stats stats() {
        return stats;
    }

    /** The explored scenario with the outcome's counterexample as its explicit schedule. */
    public Scenario replayScenario(Outcome o) {
        Scenario s = scenario.copy();
        s.schedule = new ArrayList<>(o.schedule());
        return s;
    }

    /** Replays the outcome's counterexample through a normal {@link Simulation}. */
    public RunResult replay(Outcome o) {
        return new Simulation(replayScenario(o), policy, e -> {
        }).run();
    }
}
