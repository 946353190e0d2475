/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdpscope.dsl.api.Expectation;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Explorer;

/**
 * The gallery of real races (examples/races): each names its commit in its first comment line, loads
 * cleanly, holds its expectations under every era it compares, and the explorer finds the bug from
 * the scenario alone (no schedule) under the era its expectations say is broken.
 */
class RaceGalleryTest {

    private static final Pattern COMMIT = Pattern.compile("\\b[0-9a-f]{12}\\b");
    private static final Pattern BROKEN = Pattern.compile("(?:under kernel (v[0-9.]+|mainline): )?violation ([a-z-]+)");

    static Stream<Path> races() throws IOException {
        return Scenarios.races().stream();
    }

    @Test
    void theGalleryHasAtLeastEightRaces() throws IOException {
        assertTrue(Scenarios.races().size() >= 8, "races: " + Scenarios.races());
    }

    @ParameterizedTest
    @MethodSource("races")
    void raceHoldsItsExpectationsUnderEveryEra(Path file) throws IOException {
        LoadedScenario s = Scenarios.get().load(file);
        assertEquals(List.of(), s.diagnostics(), file + " should load cleanly");
        assertTrue(COMMIT.matcher(java.nio.file.Files.readString(file)).find(), file + " names no commit");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (KernelRules k : s.kernels()) {
            for (Policy p : s.policies()) {
                RunResult run = s.run(k, p);
                assertNull(run.error(), () -> file + " under " + k + ": " + run.error());
                for (ExpectationResult r : s.check(run)) {
                    checked++;
                    if (!r.holds()) {
                        failures.add(k.word() + "/" + p.word() + ": '" + r.expectation().text() + "' but " + r.actual());
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(checked > 0);
        for (Expectation e : s.expectations()) {
            assertTrue(s.kernels().stream().anyMatch(k -> s.policies().stream().anyMatch(p -> e.appliesTo(k, p))),
                    "never checked: " + e.text());
        }
    }

    /** The explorer, given only the threads (the schedule ignored), reaches the violation the race is about. */
    @ParameterizedTest
    @MethodSource("races")
    void theExplorerFindsTheBugWithoutASchedule(Path file) {
        LoadedScenario s = Scenarios.get().load(file);
        for (Map.Entry<Era, String> bug : expectedViolations(s).entrySet()) {
            KernelRules k = s.kernels().stream().filter(x -> bug.getKey() == null || x.era() == bug.getKey())
                    .findFirst().orElseThrow();
            Policy p = s.policies().get(0);
            ExploreResult r = new Explorer().explore(s.scenarioFor(k), p, s.exploreBounds(), null, null);
            List<String> found = new ArrayList<>();
            r.bad().forEach(o -> found.addAll(o.violations()));
            assertFalse(r.stats().truncated(), file + ": the search was cut short");
            assertTrue(found.stream().anyMatch(v -> v.startsWith(bug.getValue())),
                    file + " under " + k + ": expected " + bug.getValue() + ", found " + found);
        }
    }

    /** Era (null: the scenario's only one) to the invariant its "violation X" expectations name. */
    private static Map<Era, String> expectedViolations(LoadedScenario s) {
        Map<Era, String> out = new java.util.LinkedHashMap<>();
        for (Expectation e : s.expectations()) {
            Matcher m = BROKEN.matcher(e.text());
            if (e.text().contains("no violation") || !m.find()) {
                continue;
            }
            Era era = m.group(1) == null ? null : Era.fromWord(m.group(1));
            out.putIfAbsent(era, m.group(2));
        }
        return out;
    }
}
