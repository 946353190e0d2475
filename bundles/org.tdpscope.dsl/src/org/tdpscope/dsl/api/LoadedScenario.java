/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.api;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Simulation;

/** A scenario file after parsing, validation and interpretation. */
public final class LoadedScenario {

    private final String file;
    private final String text;
    private final String name;
    private final List<Diagnostic> diagnostics;
    private final Scenario scenario;
    private final List<Policy> policies;
    private final List<Expectation> expectations;

    LoadedScenario(String file, String text, String name, List<Diagnostic> diagnostics, Scenario scenario,
            List<Policy> policies, List<Expectation> expectations) {
        this.file = file;
        this.text = text;
        this.name = name;
        this.diagnostics = List.copyOf(diagnostics);
        boolean errors = this.diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
        this.scenario = errors ? null : scenario;
        this.policies = List.copyOf(policies);
        this.expectations = List.copyOf(expectations);
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
        List<Expectation> out = new ArrayList<>();
        for (Expectation e : expectations) {
            if (e.appliesTo(policy)) {
                out.add(e);
            }
        }
        return out;
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

    /** Checks every expectation that applies to the run's policy. */
    public List<ExpectationResult> check(RunResult run) {
        List<ExpectationResult> out = new ArrayList<>();
        for (Expectation e : expectationsFor(run.simulation().policy())) {
            out.add(e.check(run));
        }
        return out;
    }
}
