/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;

/** The kernel line, rule overrides, policy knobs, per-era expectations, the zap worker and TDX in the language. */
class KernelEraLanguageTest {

    private static final String VM = """
            scenario "t" {
              vm {
                memslot 0: gfn 0x0 .. 0x1000
                vcpu v0 role default
              }
            """;

    private static LoadedScenario load(String text) {
        return Scenarios.get().load(text, "t.tdp");
    }

    private static Diagnostic find(LoadedScenario s, Diagnostic.Severity sev, int line, String code) {
        for (Diagnostic d : s.diagnostics()) {
            if (d.severity() == sev && d.line() == line && code.equals(d.code())) {
                return d;
            }
        }
        throw new AssertionError("no " + sev + " " + code + " at line " + line + " in " + s.diagnostics());
    }

    private static List<String> failures(LoadedScenario s) {
        List<String> out = new ArrayList<>();
        for (KernelRules k : s.kernels()) {
            for (Policy p : s.policies()) {
                RunResult r = s.run(k, p);
                for (ExpectationResult e : s.check(r)) {
                    if (!e.holds()) {
                        out.add(k.word() + ": " + e.expectation().text() + " but " + e.actual());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void withoutAKernelLineTheScenarioRunsMainline() {
        LoadedScenario s = load(VM + "  threads { vcpu v0: load root }\n  expect { A refcount 2 }\n}\n");
        assertEquals(List.of(), s.diagnostics());
        assertEquals(List.of(Era.MAINLINE.rules()), s.kernels());
        assertEquals(List.of(), failures(s), "mainline roots start with the TDP MMU's own reference");
    }

    @Test
    void compareAllRunsEveryEraAndExpectationsPickTheirs() {
        LoadedScenario s = load(VM + """
                  kernel compare all
                  threads { vcpu v0: load root; reload }
                  expect {
                    under kernel v5.15, v5.16: A freed by v0
                    under kernel v5.18: A freed by kworker
                    under kernel v6.4, v6.6, v6.9, v6.14, mainline: v0 on root A
                    no violation
                  }
                }
                """);
        assertEquals(List.of(), s.diagnostics());
        assertEquals(Era.values().length, s.kernels().size());
        assertEquals(List.of(), failures(s));
    }

    @Test
    void overridesMixErasAndBadRulesArePositioned() {
        LoadedScenario ok = load(VM + "  kernel v5.16 with fast-zap-refs none, initial-refcount 2\n"
                + "  threads { vcpu v0: load root }\n}\n");
        assertEquals(List.of(), ok.diagnostics());
        KernelRules k = ok.kernels().get(0);
        assertEquals("v5.16 with fast-zap-refs none, initial-refcount 2", k.word());
        assertEquals(2, k.initialRefcount());

        LoadedScenario bad = load(VM + "  kernel v5.16 with fast-zap-refs some\n  threads { vcpu v0: load root }\n}\n");
        Diagnostic d = find(bad, Diagnostic.Severity.ERROR, 6, TdpIssueCodes.BAD_KERNEL);
        assertTrue(d.message().contains("every-live-root or not-yet-invalid or none"), d.message());
        assertTrue(d.column() > 20, "at the override, not the line start: " + d.column());

        LoadedScenario era = load(VM + "  kernel v4.19\n  threads { vcpu v0: load root }\n}\n");
        d = find(era, Diagnostic.Severity.ERROR, 6, TdpIssueCodes.BAD_KERNEL);
        assertTrue(d.message().contains("no kernel era 'v4.19'") && d.message().contains("mainline"), d.message());
    }

    @Test
    void policyKnobsScriptHybridsAndValidationSaysNoKernelHadThem() {
        LoadedScenario s = load(VM + "  kernel v5.16\n  policy restart keep-listed\n  threads { vcpu v0: load root }\n}\n");
        assertFalse(s.hasErrors(), s.diagnostics().toString());
        assertEquals("restart+keep-listed", s.policies().get(0).word());
        Diagnostic w = find(s, Diagnostic.Severity.WARNING, 7, TdpIssueCodes.BAD_POLICY);
        assertTrue(w.message().contains("kept listed"), w.message());

        LoadedScenario bad = load(VM + "  policy restart sideways\n  threads { vcpu v0: load root }\n}\n");
        Diagnostic d = find(bad, Diagnostic.Severity.ERROR, 6, TdpIssueCodes.BAD_POLICY);
        assertTrue(d.message().contains("keep-listed"), d.message());
    }

    @Test
    void theZapWorkerIsAThreadOfItsErasOnly() {
        String text = VM + """
                  kernel %s
                  threads {
                    vcpu v0: load root; fault gfn 0x10 write
                    invalidator Z: fast zap
                  }
                  schedule { v0 to end; Z to end; kworker to end }
                  expect { A invalid }
                }
                """;
        LoadedScenario worker = load(text.formatted("v5.18"));
        assertEquals(List.of(), worker.diagnostics());
        assertEquals(List.of(), failures(worker));
        LoadedScenario none = load(text.formatted("v6.6"));
        Diagnostic d = find(none, Diagnostic.Severity.ERROR, 11, TdpIssueCodes.DRY_RUN);
        assertTrue(d.message().contains("kworker exists only in eras"), d.message());
    }

    @Test
    void aTdxVmHasMirrorRootsFastZapLeavesAlone() {
        LoadedScenario s = load("""
                scenario "tdx" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    type tdx
                    vcpu v0 role default
                  }
                  kernel mainline
                  threads {
                    vcpu v0: load root; fault gfn 0x10 write
                    invalidator Z: fast zap
                  }
                  expect {
                    spte gfn 0x10 in A present
                    A valid
                    B invalid
                    no violation
                  }
                }
                """);
        assertEquals(List.of(), s.diagnostics());
        assertEquals(List.of(), failures(s));
    }
}
