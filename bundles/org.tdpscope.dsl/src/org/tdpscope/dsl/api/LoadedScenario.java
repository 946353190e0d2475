/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.tdpscope.dsl.interpreter.TdpInterpreter;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleException;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.explore.ExploreBounds;

/** A scenario file after parsing, validation and interpretation. */
public final class LoadedScenario {

    private final String file;
    private final String text;
    private final String name;
    private final List<Diagnostic> diagnostics;
    private final Scenario scenario;
    private final List<Policy> policies;
    private final List<Expectation> expectations;
    private final TdpInterpreter.ExploreSpec explore;
    private List<KernelRules> kernels;

    LoadedScenario(String file, String text, String name, List<Diagnostic> diagnostics, Scenario scenario,
            List<Policy> policies, List<Expectation> expectations) {
        this(file, text, name, diagnostics, scenario, policies, expectations, null);
    }

    LoadedScenario(String file, String text, String name, List<Diagnostic> diagnostics, Scenario scenario,
            List<Policy> policies, List<Expectation> expectations, TdpInterpreter.ExploreSpec explore) {
        this.file = file;
        this.text = text;
        this.name = name;
        this.diagnostics = List.copyOf(diagnostics);
        boolean errors = this.diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
        this.scenario = errors ? null : scenario;
        this.policies = List.copyOf(policies);
        this.expectations = List.copyOf(expectations);
        this.explore = explore != null ? explore
                : new TdpInterpreter.ExploreSpec(ExploreBounds.defaults(), this.policies, false, false);
        this.kernels = this.scenario == null ? List.of() : List.of(this.scenario.kernel);
    }

    private Map<String, List<int[]>> opPositions = Map.of();

    LoadedScenario withOpPositions(Map<String, List<int[]>> positions) {
        this.opPositions = Map.copyOf(positions);
        return this;
    }

    /**
     * Where a run's failure is in the file, {line, column}: the operation it failed in, else the schedule step,
     * else the first line.
     */
    public int[] position(ScheduleException e) {
        List<int[]> ops = e.thread() == null ? null : opPositions.get(e.thread());
        if (ops != null && e.op() >= 0 && e.op() < ops.size() && ops.get(e.op()) != null) {
            return ops.get(e.op()).clone();
        }
        return new int[] { Math.max(1, e.line()), 1 };
    }

    /** Sets the eras {@code kernel compare ...} lists (the first is the scenario's own). */
    LoadedScenario withKernels(List<KernelRules> ks) {
        if (scenario != null && !ks.isEmpty()) {
            this.kernels = List.copyOf(ks);
        }
        return this;
    }

    /** The eras to run under: the scenario's, or the ones {@code kernel compare} lists. */
    public List<KernelRules> kernels() {
        return kernels;
    }

    /** The scenario under {@code kernel} (the same scenario when it is its own era). */
    public Scenario scenarioFor(KernelRules kernel) {
        if (scenario == null) {
            throw new IllegalStateException("the scenario has errors: " + diagnostics);
        }
        return kernel.equals(scenario.kernel) ? scenario : scenario.withKernel(kernel);
    }

    /** The expectations checked for a run under {@code kernel} and {@code policy}. */
    public List<Expectation> expectationsFor(KernelRules kernel, Policy policy) {
        List<Expectation> out = new ArrayList<>();
        for (Expectation e : expectations) {
            if (e.appliesTo(kernel, policy)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The file name diagnostics carry. */
    public String file() {
        return file;
    }

    /** Every problem, in source order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }

    /** The errors, one {@code file:line:col: message} a line (empty when there are none). */
    public String errorText() {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : diagnostics) {
            if (d.severity() == Diagnostic.Severity.ERROR) {
                sb.append(sb.length() == 0 ? "" : "\n").append(d.format());
            }
        }
        return sb.toString();
    }

    /** The scenario's title string (empty when it could not be read). */
    public String name() {
        return name;
    }

    /** The simulator input; null when {@link #hasErrors()}. Runs must not modify it. */
    public Scenario scenario() {
        return scenario;
    }

    /** The policy to run under, or the ones {@code policy compare} lists (all four for {@code compare all}). */
    public List<Policy> policies() {
        return policies;
    }

    public List<Expectation> expectations() {
        return expectations;
    }

    /** The expectations checked for a run under {@code policy}. */
    public List<Expectation> expectationsFor(Policy policy) {
        if (scenario != null) {
            return expectationsFor(scenario.kernel, policy); // "under kernel ..." lines of other eras do not apply
        }
        List<Expectation> out = new ArrayList<>();
        for (Expectation e : expectations) {
            if (e.appliesTo(policy)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Whether the scenario has an {@code explore} block. */
    public boolean hasExploreBlock() {
        return explore.declared();
    }

    /**
     * The {@code explore} block's bounds ({@code depth}, {@code yields}, {@code invalidations}, {@code repeat})
     * over {@link ExploreBounds#defaults()}; the defaults when there is no block.
     */
    public ExploreBounds exploreBounds() {
        return explore.bounds();
    }

    /** The policies the block's {@code policies} line names; without one, {@link #policies()}. */
    public List<Policy> explorePolicies() {
        return explore.policies();
    }

    /** Whether the block says {@code check expectations}: a run that fails one is a bad outcome. */
    public boolean exploreChecksExpectations() {
        return explore.checkExpectations();
    }

    /**
     * The expectations that apply under {@code policy} as one predicate on a finished run, for
     * {@code Explorer#explore}: true when every one holds.
     */
    public Predicate<RunResult> expectationsPredicate(Policy policy) {
        return expectationsPredicate(scenario == null ? null : scenario.kernel, policy);
    }

    /** {@link #expectationsPredicate(Policy)} for a run under {@code kernel}. */
    public Predicate<RunResult> expectationsPredicate(KernelRules kernel, Policy policy) {
        List<Expectation> mine = kernel == null ? expectationsFor(policy) : expectationsFor(kernel, policy);
        return run -> {
            for (Expectation e : mine) {
                if (!e.check(run).holds()) {
                    return false;
                }
            }
            return true;
        };
    }

    /** The source text. */
    public String text() {
        return text;
    }

    /** Runs the scenario once under {@code policy} (no trace kept). */
    public RunResult run(Policy policy) {
        if (scenario == null) {
            throw new IllegalStateException("the scenario has errors: " + diagnostics);
        }
        return new Simulation(scenario, policy, e -> {
        }).run();
    }

    /** Runs the scenario once under {@code kernel} and {@code policy} (no trace kept). */
    public RunResult run(KernelRules kernel, Policy policy) {
        return new Simulation(scenarioFor(kernel), policy, e -> {
        }).run();
    }

    /** Checks every expectation that applies to the run's era and policy. */
    public List<ExpectationResult> check(RunResult run) {
        List<ExpectationResult> out = new ArrayList<>();
        for (Expectation e : expectationsFor(run.simulation().kernel(), run.simulation().policy())) {
            out.add(e.check(run));
        }
        return out;
    }
}
