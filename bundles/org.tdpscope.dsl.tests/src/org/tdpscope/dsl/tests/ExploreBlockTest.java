/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.explore.ExploreBounds;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Explorer;
import org.tdpscope.sim.explore.Outcome;

/** The explore block: what the API makes of it, its checks, its layout, and counterexamples written back. */
class ExploreBlockTest {

    /** Line numbers below count from the first line of this text (the explore block starts on line 12). */
    private static final String HEAD = """
            scenario "x" {
              vm {
                memslot 0: gfn 0x0 .. 0x1000 dirty-logging
                vcpu v0 role default
                vcpu v1
              } kernel v5.16
              policy compare continue, restart
              threads {
                vcpu v0: reload; fault gfn 0x10 write
                walker W: age gfn 0x0 .. 0x100, yield always
                invalidator Z: fast zap
              }
            """;

    private static final String EXPECT = """
              expect { no violation }
            }
            """;

    private static LoadedScenario load(String text) {
        return Scenarios.get().load(text, "x.tdp");
    }

    private static Diagnostic find(LoadedScenario s, Diagnostic.Severity sev, int line, String code) {
        for (Diagnostic d : s.diagnostics()) {
            if (d.severity() == sev && d.line() == line && code.equals(d.code())) {
                return d;
            }
        }
        throw new AssertionError("no " + sev + " " + code + " at line " + line + " in " + s.diagnostics());
    }

    @Test
    void theBlockBecomesBoundsPoliciesAndTheExpectationSwitch() {
        LoadedScenario s = load(HEAD + """
                  explore {
                    depth 40
                    yields 6; invalidations 3
                    repeat v0, Z
                    policies terminate, fifo
                    check expectations
                  }
                """ + EXPECT);
        assertEquals(List.of(), s.diagnostics());
        assertTrue(s.hasExploreBlock());
        ExploreBounds b = s.exploreBounds();
        assertEquals(40, b.maxDepth());
        assertEquals(6, b.maxYields());
        assertEquals(3, b.maxInvalidations());
        assertEquals(Set.of("v0", "Z"), b.repeating());
        ExploreBounds d = ExploreBounds.defaults();
        assertEquals(d.maxVisits(), b.maxVisits(), "what the block does not say stays at the default");
        assertEquals(d.workers(), b.workers());
        assertEquals(List.of(Policy.TERMINATE, Policy.FIFO), s.explorePolicies());
        assertEquals(List.of(Policy.CONTINUE, Policy.RESTART), s.policies(), "runs keep the policy line");
        assertTrue(s.exploreChecksExpectations());
    }

    @Test
    void withoutABlockTheDefaultsAndTheScenariosPolicies() {
        LoadedScenario s = load(HEAD + EXPECT);
        assertEquals(List.of(), s.diagnostics());
        assertFalse(s.hasExploreBlock());
        assertEquals(ExploreBounds.defaults(), s.exploreBounds());
        assertEquals(List.of(Policy.CONTINUE, Policy.RESTART), s.explorePolicies());
        assertFalse(s.exploreChecksExpectations());

        LoadedScenario all = load(HEAD + "  explore { policies all }\n" + EXPECT);
        assertEquals(List.of(), all.diagnostics());
        assertEquals(List.of(Policy.values()), all.explorePolicies());
        assertEquals(ExploreBounds.defaults(), all.exploreBounds());
    }

    @Test
    void mistakesArePositioned() {
        LoadedScenario s = load(HEAD + """
                  explore {
                    depth 0
                    yields 4
                    yields 5
                    repeat Z, Z
                    repeat v1
                    policies fifo, fifo
                  }
                """ + EXPECT);
        assertTrue(s.hasErrors());
        Diagnostic depth = find(s, Diagnostic.Severity.ERROR, 14, TdpIssueCodes.BAD_NUMBER);
        assertEquals(11, depth.column(), depth.format());
        Diagnostic twice = find(s, Diagnostic.Severity.ERROR, 16, TdpIssueCodes.DUPLICATE_OPTION);
        assertTrue(twice.message().contains("yields 5") && twice.message().contains("line 15"), twice.message());
        Diagnostic again = find(s, Diagnostic.Severity.ERROR, 17, TdpIssueCodes.DUPLICATE_NAME);
        assertEquals(15, again.column(), "at the second Z: " + again.format());
        Diagnostic v1 = find(s, Diagnostic.Severity.ERROR, 18, TdpIssueCodes.NOTHING_TO_REPEAT);
        assertTrue(v1.message().contains("v1"), v1.message());
        find(s, Diagnostic.Severity.WARNING, 19, TdpIssueCodes.BAD_POLICY);
    }

    @Test
    void unknownNamesAndWordsAreErrorsAtTheirPlace() {
        LoadedScenario s = load(HEAD + "  explore {\n    repeat Q\n    policies fastest\n  }\n" + EXPECT);
        Diagnostic q = find(s, Diagnostic.Severity.ERROR, 14, TdpIssueCodes.UNKNOWN_NAME);
        assertTrue(q.message().contains("Q"), q.message());
        assertEquals(12, q.column());
        Diagnostic fast = s.diagnostics().stream().filter(d -> d.line() == 15).findFirst().orElseThrow();
        assertEquals(Diagnostic.Severity.ERROR, fast.severity());
        assertTrue(fast.message().contains("fifo"), "names the choices: " + fast.message());

        LoadedScenario big = load(HEAD + "  explore { depth 99999999999 }\n" + EXPECT);
        assertTrue(big.hasErrors());
        assertEquals(13, big.diagnostics().get(0).line(), big.diagnostics().toString());
    }

    @Test
    void checkingExpectationsWithoutAnyIsAWarning() {
        LoadedScenario s = load(HEAD + "  explore {\n    check expectations\n  }\n}\n");
        assertFalse(s.hasErrors(), s.diagnostics().toString());
        find(s, Diagnostic.Severity.WARNING, 14, TdpIssueCodes.NOTHING_TO_CHECK);
    }

    @Test
    void theFormatterLaysTheBlockOut() {
        String messy = "scenario \"x\" {vm{vcpu v0}threads{vcpu v0:load root}"
                + "explore{depth 40 yields 6;invalidations 3\nrepeat v0 ,v0\npolicies restart ,terminate check expectations}}";
        String want = """
                scenario "x" {
                  vm {
                    vcpu v0
                  }
                  threads {
                    vcpu v0: load root
                  }
                  explore {
                    depth 40
                    yields 6; invalidations 3
                    repeat v0, v0
                    policies restart, terminate
                    check expectations
                  }
                }""";
        assertEquals(want, Scenarios.get().format(messy));
        assertEquals(want, Scenarios.get().format(want));
    }

    @Test
    void aCounterexampleWrittenBackReplaysTheSameRun() {
        LoadedScenario s = load(HEAD + """
                  schedule {
                    v0 to end   // a comment that goes with the old schedule
                  }
                  explore { depth 24; repeat v0, Z }
                """ + EXPECT);
        assertEquals(List.of(), s.diagnostics());
        ExploreResult r = new Explorer().explore(s.scenario(), Policy.RESTART, s.exploreBounds(), null, null);
        Outcome live = r.firstOf(Outcome.Kind.LIVELOCK);
        assertNotNull(live, r.outcomes().toString());
        String script = Scenarios.get().counterexampleScript(s.text(), r, live, s.exploreBounds().repeating(),
                "livelock under restart");
        assertFalse(script.contains("a comment that goes with the old schedule"), script);
        assertTrue(script.contains("    // livelock under restart\n"), script);
        assertTrue(script.contains("\n  policy restart\n"), "the policy the schedule was found under:\n" + script);
        assertTrue(script.contains("explore { depth 24; repeat v0, Z }"), "the rest stays as written:\n" + script);
        assertTrue(script.contains("invalidator Z: fast zap; fast zap"), "Z written out as often as it runs:\n"
                + script);
        // "no violation" was the scenario's own schedule's; this one ends in a livelock: kept, as a comment
        assertTrue(script.contains("  // the scenario's own expectations, for its own schedule (this one ends "
                + "otherwise):\n  // expect { no violation }\n"), script);
        LoadedScenario replay = Scenarios.get().load(script, "replay.tdp");
        assertEquals(List.of(), replay.diagnostics(), script);
        assertEquals(List.of(), replay.expectations(), "none checked against the counterexample");
        RunResult run = replay.run(Policy.RESTART);
        assertTrue(run.violations().stream().anyMatch(e -> e.invariant().word().equals("livelock")), script);
    }

    @Test
    void aScheduleIsAddedWhereThereWasNone() {
        String text = HEAD + EXPECT;
        List<ScheduleStep> steps = List.of(ScheduleStep.toEnd("v0"), ScheduleStep.untilYield("W"),
                ScheduleStep.toEnd("Z"), ScheduleStep.toEnd("W"));
        String script = Scenarios.get().withSchedule(text, steps, Set.of(), null, null);
        assertTrue(script.contains("""
                  }
                  schedule {
                    v0 to end
                    W until yield
                    Z to end
                    W to end
                  }
                  expect { no violation }
                """), script);
        assertEquals(List.of(), Scenarios.get().load(script, "y.tdp").diagnostics(), script);

        String bare = "scenario \"b\" {\n  vm { vcpu v0 }\n  threads { vcpu v0: load root }\n}\n";
        String added = Scenarios.get().withSchedule(bare, List.of(ScheduleStep.toEnd("v0")), Set.of(), Policy.FIFO,
                null);
        assertEquals("scenario \"b\" {\n  vm { vcpu v0 }\n  policy fifo\n  threads { vcpu v0: load root }\n"
                + "  schedule {\n    v0 to end\n  }\n}\n", added);
    }
}
