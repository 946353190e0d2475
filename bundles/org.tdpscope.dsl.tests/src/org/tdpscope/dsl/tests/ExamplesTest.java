/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;

/** Every example loads without a diagnostic, runs under each of its policies, and meets every expectation. */
class ExamplesTest {

    static Stream<Path> examples() throws IOException {
        return Scenarios.examples().stream();
    }

    @Test
    void theExamplesAreThere() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path p : Scenarios.examples()) {
            names.add(p.getFileName().toString());
        }
        for (String want : List.of("seed-terminate.tdp", "mainline-fast-zap.tdp", "use-after-free.tdp",
                "stale-spte-fifo.tdp", "two-d-walk.tdp")) {
            assertTrue(names.contains(want), want + " in " + names);
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleHoldsItsExpectations(Path file) {
        LoadedScenario s = Scenarios.get().load(file);
        assertEquals(List.of(), s.diagnostics(), file + " should load cleanly");
        assertNotNull(s.scenario());
        assertFalse(s.policies().isEmpty());
        assertFalse(s.expectations().isEmpty(), file + " should expect something");
        int checked = 0;
        List<String> failures = new ArrayList<>();
        for (Policy p : s.policies()) {
            RunResult run = s.run(p);
            assertNull(run.error(), () -> file + " under " + p.word() + ": " + run.error());
            assertTrue(run.complete());
            for (ExpectationResult r : s.check(run)) {
                checked++;
                if (!r.holds()) {
                    failures.add(p.word() + ": line " + r.expectation().line() + " '" + r.expectation().text()
                            + "' but " + r.actual());
                }
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(checked > 0);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExpectationIsCheckedUnderSomePolicy(Path file) {
        LoadedScenario s = Scenarios.get().load(file);
        s.expectations().forEach(e -> assertTrue(s.policies().stream().anyMatch(e::appliesTo), e.text()));
    }
}
