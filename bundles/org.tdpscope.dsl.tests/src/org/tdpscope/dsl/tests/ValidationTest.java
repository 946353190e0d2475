/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.validation.TdpIssueCodes;

/** Each kind of mistake gives an error of the right code at the right line. */
class ValidationTest {

    /** Line numbers in the tests below count from the first line of this text. */
    private static final String VM = """
            scenario "t" {
              vm {
                memslot 0: gfn 0x0 .. 0x40000 dirty-logging
                vcpu v0 role default
                vcpu v1 role smm
              }
            """;

    private static LoadedScenario load(String text) {
        return Scenarios.get().load(text, "t.tdp");
    }

    private static Diagnostic assertError(String text, int line, String code) {
        LoadedScenario s = load(text);
        assertTrue(s.hasErrors(), "expected an error in:\n" + text);
        assertNull(s.scenario());
        for (Diagnostic d : s.diagnostics()) {
            if (d.severity() == Diagnostic.Severity.ERROR && d.line() == line && code.equals(d.code())) {
                return d;
            }
        }
        throw new AssertionError("no " + code + " error at line " + line + " in " + s.diagnostics());
    }

    @Test
    void cleanScenarioHasNoDiagnostics() {
        LoadedScenario s = load(VM + """
                  threads {
                    vcpu v0: load root; fault gfn 0x10 write
                  }
                }
                """);
        assertEquals(List.of(), s.diagnostics());
        assertEquals("t", s.name());
    }

    @Test
    void syntaxErrorIsPositioned() {
        Diagnostic d = assertError(VM + """
                  threads {
                    vcpu v0: load rot
                  }
                }
                """, 8, TdpIssueCodes.SYNTAX);
        assertTrue(d.column() > 1);
        assertTrue(d.format().startsWith("t.tdp:8:"), d.format());
        assertTrue(d.format().contains(": error: "), d.format());
    }

    @Test
    void unknownThreadInSchedule() {
        Diagnostic d = assertError(VM + """
                  schedule {
                    v0 to end
                    W until yield
                  }
                }
                """, 9, TdpIssueCodes.UNKNOWN_NAME);
        assertTrue(d.message().contains("'W'"), d.message());
        assertTrue(d.message().contains("v0"), "lists the known names: " + d.message());
    }

    @Test
    void unknownVcpuAndMemslot() {
        assertError(VM + """
                  threads {
                    vcpu v7: load root
                    invalidator Z: delete memslot 3
                  }
                }
                """, 8, TdpIssueCodes.UNKNOWN_NAME);
        assertError(VM + """
                  threads {
                    vcpu v7: load root
                    invalidator Z: delete memslot 3
                  }
                }
                """, 9, TdpIssueCodes.UNKNOWN_NAME);
    }

    @Test
    void overlappingMemslots() {
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    memslot 1: gfn 0x800 .. +0x1000
                  }
                }
                """, 4, TdpIssueCodes.OVERLAPPING_MEMSLOTS);
    }

    @Test
    void emptyAndDuplicateMemslots() {
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x10 .. 0x10
                  }
                }
                """, 3, TdpIssueCodes.EMPTY_RANGE);
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x10
                    memslot 0: gfn 0x100 .. 0x110
                  }
                }
                """, 4, TdpIssueCodes.DUPLICATE_NAME);
    }

    @Test
    void faultOutsideEverySlot() {
        assertError(VM + """
                  threads {
                    vcpu v0: load root
                      fault gfn 0x50000 write
                  }
                }
                """, 9, TdpIssueCodes.GFN_OUTSIDE_SLOTS);
    }

    @Test
    void faultWhereASlotIsMovedToIsFine() {
        LoadedScenario s = load(VM + """
                  threads {
                    vcpu v0: load root
                    invalidator Z: move memslot 0 to gfn 0x80000
                    vcpu v1: load root; fault gfn 0x80010 write
                  }
                  schedule { v0 to end; Z to end; v1 to end }
                }
                """);
        assertFalse(s.hasErrors(), s.diagnostics().toString());
    }

    @Test
    void badPolicy() {
        assertError(VM + """
                  policy lifo
                }
                """, 7, TdpIssueCodes.BAD_POLICY);
        assertError(VM + """
                  policy compare continue, lifo
                }
                """, 7, TdpIssueCodes.BAD_POLICY);
        assertError(VM + """
                  policy fifo
                  expect {
                    under lifo: no violation
                  }
                }
                """, 9, TdpIssueCodes.BAD_POLICY);
    }

    @Test
    void expectationUnderAPolicyNotRunIsAWarning() {
        LoadedScenario s = load(VM + """
                  policy fifo
                  expect {
                    under terminate: no violation
                  }
                }
                """);
        assertFalse(s.hasErrors());
        assertEquals(TdpIssueCodes.POLICY_NOT_RUN, s.diagnostics().get(0).code());
        assertEquals(9, s.diagnostics().get(0).line());
    }

    @Test
    void stepForAThreadThatHasEnded() {
        assertError(VM + """
                  threads {
                    walker W: age gfn 0x0 .. 0x100
                  }
                  schedule {
                    W to end
                    W 1 op
                  }
                }
                """, 12, TdpIssueCodes.THREAD_ENDED);
    }

    @Test
    void tooManyOps() {
        assertError(VM + """
                  threads {
                    vcpu v0: load root; fault gfn 0x10
                  }
                  schedule {
                    v0 3 ops
                  }
                }
                """, 11, TdpIssueCodes.NO_OPS_LEFT);
    }

    @Test
    void untilYieldWithoutAYieldPoint() {
        assertError(VM + """
                  threads {
                    walker W: write-protect gfn 0x0 .. 0x100
                  }
                  schedule {
                    W until yield
                  }
                }
                """, 11, TdpIssueCodes.CANNOT_YIELD);
        assertError(VM + """
                  threads {
                    vcpu v0: load root
                  }
                  schedule {
                    v0 until yield
                  }
                }
                """, 11, TdpIssueCodes.CANNOT_YIELD);
    }

    @Test
    void onlyAVcpuActsOnTheSpot() {
        assertError(VM + """
                  threads {
                    walker W: age gfn 0x0 .. 0x100
                  }
                  schedule {
                    W reload
                  }
                }
                """, 11, TdpIssueCodes.NOT_A_VCPU);
    }

    @Test
    void dryRunReportsTheScheduleLine() {
        // no vCPU made a root, so W walks nothing and never yields
        Diagnostic d = assertError(VM + """
                  threads {
                    walker W: write-protect gfn 0x0 .. 0x100, yield after gfn 0x10
                  }
                  schedule {
                    W until yield
                  }
                }
                """, 11, TdpIssueCodes.DRY_RUN);
        assertTrue(d.message().contains("W"), d.message());
    }

    /** An operation that cannot be done is reported at that operation (line and column), not at the title. */
    @Test
    void aFailedOperationIsReportedWhereItIsWritten() {
        Diagnostic d = assertError(VM + """
                  threads {
                    vcpu v0: load root
                      ept entry gfn 0x401 level 1 in A = 0x7
                  }
                }
                """, 9, TdpIssueCodes.DRY_RUN);
        assertEquals(7, d.column(), d.toString());
        assertTrue(d.message().contains("no level-1 table for gfn 0x401 in A"), d.message());
        // the same operation run by an explicit schedule: still the operation (the step only led to it)
        d = assertError(VM + """
                  threads {
                    vcpu v0: load root; ept entry gfn 0x401 level 1 in A = 0x7
                  }
                  schedule {
                    v0 to end
                  }
                }
                """, 8, TdpIssueCodes.DRY_RUN);
        assertEquals(25, d.column(), d.toString());
    }

    @Test
    void dryRunNamesThePoliciesThatFail() {
        // under terminate the walk ends at the invalidated root; under fifo it moves on and yields again
        Diagnostic d = assertError(VM + """
                  policy compare terminate, fifo; kernel v5.16
                  threads {
                    vcpu v0: load root; fault gfn 0x10 write; fault gfn 0x20 write
                    walker W: write-protect gfn 0x0 .. 0x100, yield every 0x10
                    invalidator Z: fast zap
                  }
                  schedule {
                    v0 to end
                    W until yield
                    Z to end
                    v0 reload; v0 fault gfn 0x10 write; v0 fault gfn 0x20 write
                    W until yield
                  }
                }
                """, 18, TdpIssueCodes.DRY_RUN);
        assertTrue(d.message().startsWith("under terminate: "), d.message());
    }

    @Test
    void misplacedAndDuplicateOptions() {
        assertError(VM + """
                  threads {
                    invalidator Z: fast zap, mmu_lock shared
                  }
                }
                """, 8, TdpIssueCodes.MISPLACED_OPTION);
        assertError(VM + """
                  threads {
                    walker W: zap gfn 0x0 .. 0x10, yield always, never yield
                  }
                }
                """, 8, TdpIssueCodes.DUPLICATE_OPTION);
        assertError(VM + """
                  threads {
                    walker W: zap gfn 0x0 .. 0x10, flag after walk
                  }
                }
                """, 8, TdpIssueCodes.MISPLACED_OPTION);
    }

    @Test
    void duplicateNames() {
        assertError(VM + """
                  threads {
                    walker v1: age gfn 0x0 .. 0x10
                  }
                }
                """, 8, TdpIssueCodes.DUPLICATE_NAME);
    }

    @Test
    void badInvariantWord() {
        Diagnostic d = assertError(VM + """
                  expect {
                    violation use-before-free
                  }
                }
                """, 8, TdpIssueCodes.BAD_INVARIANT);
        assertTrue(d.message().contains("use-after-free"), d.message());
    }

    @Test
    void badLevelsAndMappings() {
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    tdp 3-level
                  }
                }
                """, 4, TdpIssueCodes.BAD_LEVELS);
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    guest maps:
                      map gva 0x1000 .. +2M -> gpa 0x200000 rw 2M
                  }
                }
                """, 5, TdpIssueCodes.BAD_MAPPING);
    }

    @Test
    void numberTooLarge() {
        LoadedScenario s = load("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1ffffffffffffffffff
                  }
                }
                """);
        assertTrue(s.hasErrors());
        assertEquals(3, s.diagnostics().get(0).line());
    }

    @Test
    void unreadableFileIsADiagnosticAtOneOne() {
        LoadedScenario s = Scenarios.get().load(Path.of("/nonexistent/nowhere.tdp"));
        assertTrue(s.hasErrors());
        Diagnostic d = s.diagnostics().get(0);
        assertEquals(1, d.line());
        assertEquals(1, d.column());
        assertEquals(TdpIssueCodes.IO, d.code());
    }

    @Test
    void emptyText() {
        LoadedScenario s = load("");
        assertTrue(s.hasErrors());
        assertEquals(1, s.diagnostics().get(0).line());
    }
}
