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
     * copied so a node's later children start from its state ({@code Simulation.fork}).
     */
    public record Stats(long visits, long distinctStates, long hashPruned, long sleepPruned, long cyclesPruned,
            long boundCut, long replays, long replayedSteps, long forks, long steps, long millis, int tasks,
            boolean truncated, boolean cancelled) {

        public double distinctStatesPerSecond() {
            return millis == 0 ? distinctStates * 1000.0 : distinctStates * 1000.0 / millis;
        }
    }

    private final Scenario scenario;
    private final Policy policy;
    private final List<Outcome> outcomes;
    private final Stats stats;

    ExploreResult(Scenario scenario, Policy policy, List<Outcome> outcomes, Stats stats) {
        this.scenario = scenario;
        this.policy = policy;
        this.outcomes = List.copyOf(outcomes);
        this.stats = stats;
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
