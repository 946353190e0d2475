/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.validation.TdpIssueCodes;

/**
 * Parse errors in the script writer's words, one error per mistake: the exact message, its line and column, and
 * no follow-on errors (no second syntax error, no linking or validation error caused by the broken parse).
 */
class SyntaxErrorTest {

    private static final String VM = """
            scenario "t" {
              vm {
                memslot 0: gfn 0x0 .. 0x40000
                vcpu v0
              }
            """;

    /** The one diagnostic of {@code text}, asserted to be a syntax error at line:column with this message. */
    private static void oneError(String text, int line, int column, String message) {
        List<Diagnostic> ds = Scenarios.get().load(text, "t.tdp").diagnostics();
        assertEquals(1, ds.size(), () -> "one error expected, got " + ds);
        Diagnostic d = ds.get(0);
        assertEquals(Diagnostic.Severity.ERROR, d.severity());
        assertEquals(TdpIssueCodes.SYNTAX, d.code());
        assertEquals("t.tdp:" + line + ":" + column + ": error: " + message, d.format());
        for (String parserWord : new String[] { "RULE_", "EOF", "mismatched", "viable", "extraneous", "expecting" }) {
            assertFalse(d.message().contains(parserWord), d.message());
        }
    }

    @Test
    void misspeltKeywordStartingAThread() {
        oneError(VM + """
                  threads {
                    vcpu v0: load root
                    walkr W: clear-dirty gfn 0x0 .. 0x100, yield after gfn 0x10
                  }
                  schedule {
                    v0 to end
                  }
                }
                """, 8, 5, "expected 'vcpu', 'walker', 'invalidator' or '}' to close threads { opened at 6:3, found"
                + " 'walkr'; did you mean 'walker'?");
    }

    @Test
    void misspeltKeywordInsideAThread() {
        oneError(VM + """
                  threads {
                    vcpu v0: load root
                    walker W: clear-dirty gfn 0x0 .. 0x100, yeild after gfn 0x10
                  }
                }
                """, 8, 45, "unexpected 'yeild' after ',' in this walker line; did you mean 'yield'?");
        oneError(VM + """
                  threads {
                    vcpu v0: laod root; fault gfn 0x10 write
                  }
                }
                """, 7, 14, "unexpected 'laod' after ':' in this vcpu line; did you mean 'load'?");
    }

    @Test
    void misspeltWordInASchedule() {
        oneError(VM + """
                  threads {
                    vcpu v0: load root
                  }
                  schedule {
                    v0 untill yield
                    v0 to end
                  }
                }
                """, 10, 8, "unexpected 'untill' after 'v0'; did you mean 'until'?");
    }

    @Test
    void missingCloseBrace() {
        oneError(VM + """
                  threads {
                    vcpu v0: load root
                  schedule {
                    v0 to end
                  }
                }
                """, 8, 3, "expected 'vcpu', 'walker', 'invalidator' or '}' to close threads { opened at 6:3, found"
                + " 'schedule' (is the '}' of threads missing before it?)");
    }

    @Test
    void missingCloseBraceAtTheEnd() {
        oneError(VM + """
                  threads {
                    vcpu v0: load root
                  }
                """, 8, 4, "expected '}' to close scenario { opened at 1:1, found the end of the file");
    }

    @Test
    void missingOpenBrace() {
        oneError("""
                scenario "t" {
                  vm
                    vcpu v0
                  }
                }
                """, 3, 5, "expected '{' after 'vm', found 'vcpu'");
    }

    @Test
    void wrongSeparatorBetweenOperations() {
        // operations are separated by ';' or line breaks; after ',' come options (yield ..., mmu_lock ...)
        oneError(VM + """
                  threads {
                    vcpu v0: load root, fault gfn 0x10 write
                  }
                }
                """, 7, 25, "unexpected 'fault' after ',' in this vcpu line");
    }

    @Test
    void unknownTopLevelWord() {
        oneError(VM + """
                  thread {
                    vcpu v0: load root
                  }
                }
                """, 6, 3, "expected 'vm', 'kernel', 'policy', 'threads', 'schedule', 'explore', 'expect' or '}' to"
                + " close scenario { opened at 1:1, found 'thread'; did you mean 'threads'?");
        oneError("""
                senario "t" {
                }
                """, 1, 1, "expected 'scenario', found 'senario'");
    }

    @Test
    void unterminatedString() {
        oneError("""
                scenario "t {
                  vm {
                    vcpu v0
                  }
                }
                """, 1, 10, "a quoted string that is never closed (its closing '\"' is missing)");
    }

    @Test
    void garbageAtTheEnd() {
        oneError(VM + """
                }
                }
                """, 7, 1, "an extra '}' after the end of the scenario");
        oneError(VM + """
                }
                threads { }
                """, 7, 1, "found 'threads' after the end of the scenario (its '}' comes before)");
    }

    @Test
    void twoMistakesAreTwoErrors() {
        List<Diagnostic> ds = Scenarios.get().load(VM + """
                  threads {
                    vcpu v0: laod root
                    walker W: zap gfn 0x0 .. 0x100, yeild always
                  }
                }
                """, "t.tdp").diagnostics();
        assertEquals(2, ds.size(), ds::toString);
        assertEquals(7, ds.get(0).line());
        assertEquals(8, ds.get(1).line());
    }

    @Test
    void errorsBeforeTheSyntaxErrorAreKept() {
        List<Diagnostic> ds = Scenarios.get().load("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x40000
                    memslot 1: gfn 0x100 .. 0x200
                    vcpu v0
                  }
                  threads {
                    vcpu v0: laod root
                  }
                }
                """, "t.tdp").diagnostics();
        assertEquals(2, ds.size(), ds::toString);
        assertEquals(TdpIssueCodes.SYNTAX, ds.get(1).code());
        assertEquals(8, ds.get(1).line());
        assertFalse(ds.get(0).code().equals(TdpIssueCodes.SYNTAX), ds::toString);
    }
}
