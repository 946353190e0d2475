/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.Expectation;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;

/**
 * The expectations of a scenario that loads, checked as a test runner would: the scenario is run under
 * each era and policy it names, and each {@code expect} line gets one mark, ok when it holds in every run
 * it applies to, failed (with the era, policy and what the run did) when it does not.
 */
public final class ExpectationMarks {

    /** One {@code expect} line's result. */
    public record Mark(int line, int column, boolean holds, String message) {

        /** A failed expectation as a warning diagnostic (the Problems view lists it, with the policy). */
        Diagnostic asWarning(String file) {
            return new Diagnostic(Diagnostic.Severity.WARNING, file, line, column, message, "expectation.fails");
        }
    }

    private ExpectationMarks() {
    }

    /** The marks of a loaded scenario; none when it has errors or no expectations. */
    public static List<Mark> of(LoadedScenario l) {
        if (l == null || l.hasErrors() || l.scenario() == null || l.expectations().isEmpty()) {
            return List.of();
        }
        record Run(KernelRules kernel, Policy policy, ExpectationResult result) {
        }
        Map<Expectation, List<Run>> byExpectation = new IdentityHashMap<>();
        List<KernelRules> kernels = l.kernels().isEmpty() ? List.of(l.scenario().kernel) : l.kernels();
        for (KernelRules k : kernels) {
            for (Policy p : l.policies()) {
                RunResult run;
                try {
                    run = l.run(k, p);
                } catch (RuntimeException e) {
                    return List.of(); // the validator's dry run reports what cannot run
                }
                for (ExpectationResult r : l.check(run)) {
                    byExpectation.computeIfAbsent(r.expectation(), e -> new ArrayList<>()).add(new Run(k, p, r));
                }
            }
        }
        List<Mark> out = new ArrayList<>();
        for (Expectation e : l.expectations()) {
            List<Run> runs = byExpectation.get(e);
            if (runs == null) {
                continue; // applies to no era and policy run here
            }
            Map<String, List<String>> failed = new LinkedHashMap<>(); // "kernel v5.16" -> policies
            Map<String, List<String>> held = new LinkedHashMap<>();
            String actual = null;
            for (Run r : runs) {
                String era = "kernel " + r.kernel().word();
                if (r.result().holds()) {
                    held.computeIfAbsent(era, x -> new ArrayList<>()).add(r.policy().word());
                } else {
                    failed.computeIfAbsent(era, x -> new ArrayList<>()).add(r.policy().word());
                    if (actual == null) {
                        actual = r.result().actual();
                    }
                }
            }
            if (failed.isEmpty()) {
                out.add(new Mark(e.line(), e.column(), true, "expectation holds under " + where(held)));
            } else {
                out.add(new Mark(e.line(), e.column(), false, "expectation fails under " + where(failed)
                        + (actual == null || actual.isBlank() ? "" : ": " + actual) + " (expected " + e.text() + ")"));
            }
        }
        return out;
    }

    /** {@code fifo, restart (kernel v5.16); continue (kernel mainline)}. */
    private static String where(Map<String, List<String>> byEra) {
        List<String> parts = new ArrayList<>();
        byEra.forEach((era, policies) -> parts.add(String.join(", ", policies) + " (" + era + ")"));
        return String.join("; ", parts);
    }
}
