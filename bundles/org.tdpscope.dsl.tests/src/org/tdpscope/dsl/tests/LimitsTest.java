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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.ScriptFiles;
import org.tdpscope.dsl.bench.LimitsBench;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.sim.Limits;
import org.tdpscope.sim.RunResult;

/**
 * One test a declared limit ({@link Limits}): each is refused before anything runs, with an error at the line
 * and column of what crosses it and a message naming the limit; and hostile scripts (bytes that are not UTF-8, bidi
 * controls, numbers beyond 64 bits) get positioned messages, never a stack trace. Plus the memory a huge memslot
 * costs, by the simulator's own accounting.
 */
class LimitsTest {

    private static LoadedScenario load(String text) {
        return Scenarios.get().load(text, "t.tdp");
    }

    /** The error at {@code line}:{@code column} whose message contains {@code words}. */
    private static Diagnostic assertError(String text, int line, int column, String words) {
        LoadedScenario s = load(text);
        assertTrue(s.hasErrors(), "expected an error in:\n" + text);
        assertNull(s.scenario());
        for (Diagnostic d : s.diagnostics()) {
            if (d.severity() == Diagnostic.Severity.ERROR && d.line() == line && (column == 0 || d.column() == column)
                    && d.message().contains(words)) {
                assertFalse(d.message().contains("Exception"), d.message());
                return d;
            }
        }
        throw new AssertionError("no error '" + words + "' at " + line + ":" + column + " in " + s.diagnostics());
    }

    private static void assertNoDiagnosticMentions(LoadedScenario s, String words) {
        for (Diagnostic d : s.diagnostics()) {
            assertFalse(d.message().contains(words), "unexpected: " + d);
        }
    }

    @Test
    void memslotBeyondTheEptReachIsRefusedAtItsLine() {
        String text = """
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    memslot 1: gfn 0xfffffff000 .. +0x2000
                    vcpu v0
                  }
                  threads {
                    vcpu v0: load root; fault gfn 0xfffffff010 write
                  }
                }
                """;
        Diagnostic d = assertError(text, 4, 0, "beyond the EPT's reach: 2^36 gfns (48-bit gpas, 4-level EPT)");
        assertEquals(TdpIssueCodes.LIMIT, d.code());
        LoadedScenario s = load(text);
        assertNoDiagnosticMentions(s, "is in no memslot");
        assertNoDiagnosticMentions(s, "simulator failed");
        // 5 levels reach 2^45 gfns: the same memslot is fine
        LoadedScenario five = load(text.replace("vcpu v0\n", "tdp 5-level\n    vcpu v0\n"));
        assertFalse(five.hasErrors(), five.diagnostics().toString());
    }

    @Test
    void faultBeyondTheEptReachIsRefusedAtTheFault() {
        Diagnostic d = assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    vcpu v0
                  }
                  threads {
                    vcpu v0: load root; fault gfn 0x1000000000 write
                  }
                }
                """, 7, 35, "gfn 0x1000000000 is beyond the EPT's reach: 2^36 gfns");
        assertEquals(TdpIssueCodes.LIMIT, d.code());
    }

    @Test
    void memslotThatWrapsIsRefused() {
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x7ffffffffffff000 .. +0x7fffffffffffffff
                  }
                }
                """, 3, 0, "wraps");
    }

    @Test
    void moveBeyondTheReachIsRefusedAtTheMove() {
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    memslot 1: gfn 0x1000 .. +0x10
                  }
                  threads {
                    invalidator Z: move memslot 1 to gfn 0xffffffffff
                  }
                }
                """, 7, 0, "beyond the EPT's reach");
    }

    @Test
    void hostMemoryOfAllMemslotsIsBounded() {
        StringBuilder sb = new StringBuilder("scenario \"t\" {\n  vm {\n");
        // 5-level: each memslot may be 2^36 gfns and more, but 2^40 host pages hold 15 of 2^36 (with alignment)
        for (int i = 0; i < 70; i++) {
            sb.append("    memslot ").append(i).append(": gfn 0x").append(Long.toHexString((long) i << 36))
                    .append(" .. +0x1000000000\n");
        }
        sb.append("    tdp 5-level\n  }\n}\n");
        Diagnostic d = assertError(sb.toString(), 3 + 15, 38, "more host memory than a 52-bit host has");
        assertTrue(d.message().contains("memslot 15 does not fit"), d.message());
    }

    @Test
    void hostAddressWidthIsAnX86One() {
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    host maxphyaddr 99
                  }
                }
                """, 4, 21, "the host's MAXPHYADDR is 36 to 52 bits");
    }

    @Test
    void yieldEveryZeroIsRefused() {
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                  }
                  threads {
                    walker W: zap gfn 0x0 .. 0x100, yield every 0
                  }
                }
                """, 6, 49, "'yield every N' needs N of at least 1");
    }

    @Test
    void exploreDepthIsBounded() {
        Diagnostic d = assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    vcpu v0
                  }
                  threads {
                    vcpu v0: load root
                  }
                  explore { depth 2147483647 }
                }
                """, 9, 19, "the depth is at most " + Limits.MAX_EXPLORE_DEPTH);
        assertEquals(TdpIssueCodes.LIMIT, d.code());
    }

    @Test
    void numbersBeyondTheirRangeNameTheLimit() {
        String t = """
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 99999999999999999999
                  }
                }
                """;
        Diagnostic d = assertError(t, 3, 27, "number too large: at most 2^63-1");
        assertEquals(1, load(t).diagnostics().size(), load(t).diagnostics().toString());
        assertFalse(d.message().contains("For input string"), d.message());
        assertError(t.replace("99999999999999999999", "0x1_0000_0000_0000_0000"), 3, 27,
                "number too large: at most 2^63-1");
        assertError(t.replace("99999999999999999999", "9223372036854775808"), 3, 27, "number too large");
        assertError("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    vcpu v0
                  }
                  threads {
                    vcpu v0: load root
                  }
                  explore { depth 99999999999 }
                }
                """, 9, 19, "number too large: at most 2^31-1");
    }

    @Test
    void parserSpeaksOfNumbersNotRules() {
        LoadedScenario s = load("""
                scenario "t" {
                  explore { depth x }
                }
                """);
        assertTrue(s.hasErrors());
        for (Diagnostic d : s.diagnostics()) {
            assertFalse(d.message().contains("RULE_"), d.toString());
        }
        assertTrue(s.diagnostics().stream().anyMatch(d -> d.message().contains("a number")), s.diagnostics()
                .toString());
    }

    @Test
    void tooManyVcpusThreadsOpsAndStepsAreRefusedAtTheFirstOneTooMany() {
        StringBuilder sb = new StringBuilder("scenario \"t\" {\n  vm {\n    memslot 0: gfn 0 .. 0x1000\n");
        for (int i = 0; i <= Limits.MAX_VCPUS; i++) {
            sb.append("    vcpu v").append(i).append('\n');
        }
        sb.append("  }\n}\n");
        assertError(sb.toString(), 4 + Limits.MAX_VCPUS, 10, "too many vCPUs: at most " + Limits.MAX_VCPUS);

        sb = new StringBuilder("scenario \"t\" {\n  vm {\n    memslot 0: gfn 0 .. 0x1000\n    vcpu v0\n  }\n"
                + "  threads {\n    vcpu v0: load root\n");
        for (int i = 0; i < Limits.MAX_OPS_PER_THREAD; i++) {
            sb.append("      fault gfn 0x1\n");
        }
        sb.append("  }\n}\n");
        assertError(sb.toString(), 8 + Limits.MAX_OPS_PER_THREAD - 1, 7,
                "too many operations in one thread: at most " + Limits.MAX_OPS_PER_THREAD);

        sb = new StringBuilder("scenario \"t\" {\n  vm {\n    memslot 0: gfn 0 .. 0x1000\n    vcpu v0\n  }\n"
                + "  threads {\n    vcpu v0: load root\n  }\n  schedule {\n");
        for (int i = 0; i <= Limits.MAX_SCHEDULE_STEPS; i++) {
            sb.append("    v0 reload\n");
        }
        sb.append("  }\n}\n");
        assertError(sb.toString(), 10 + Limits.MAX_SCHEDULE_STEPS, 5,
                "the schedule is too long: at most " + Limits.MAX_SCHEDULE_STEPS);

        sb = new StringBuilder("scenario \"t\" {\n  vm {\n    memslot 0: gfn 0 .. 0x1000\n  }\n  threads {\n");
        for (int i = 0; i <= Limits.MAX_THREADS; i++) {
            sb.append("    walker W").append(i).append(": zap gfn 0 .. 1\n");
        }
        sb.append("  }\n}\n");
        assertError(sb.toString(), 6 + Limits.MAX_THREADS, 5, "too many threads: at most " + Limits.MAX_THREADS);
    }

    @Test
    void scriptSizeIsBounded(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("scenario \"t\" {\n");
        String line = "  // " + "x".repeat(95) + "\n";
        while (sb.length() <= Limits.MAX_SCRIPT_BYTES) {
            sb.append(line);
        }
        sb.append("}\n");
        LoadedScenario s = load(sb.toString());
        assertEquals(1, s.diagnostics().size(), s.diagnostics().toString());
        Diagnostic d = s.diagnostics().get(0);
        assertTrue(d.message().contains("too large: at most " + (Limits.MAX_SCRIPT_BYTES >> 20) + " MiB"), d.message());
        assertTrue(d.line() > 1, d.toString());
        Path f = dir.resolve("big.tdp");
        Files.writeString(f, sb);
        LoadedScenario fromFile = Scenarios.get().load(f);
        assertTrue(fromFile.hasErrors());
        assertEquals(d.line(), fromFile.diagnostics().get(0).line());
    }

    @Test
    void invalidUtf8IsAnErrorAtTheByte(@TempDir Path dir) throws Exception {
        byte[] head = "scenario \"t\" {\n  // caf".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xe9; // Latin-1 é: not UTF-8
        bytes[head.length + 1] = '\n';
        bytes[head.length + 2] = '}';
        Path f = dir.resolve("latin1.tdp");
        Files.write(f, bytes);
        LoadedScenario s = Scenarios.get().load(f);
        assertTrue(s.hasErrors());
        Diagnostic d = s.diagnostics().get(0);
        assertEquals(2, d.line(), d.toString());
        assertEquals(9, d.column(), d.toString());
        assertTrue(d.message().contains("not UTF-8: byte 0xe9"), d.message());
        assertEquals(TdpIssueCodes.ENCODING, d.code());
        ScriptFiles.BadScriptException e = org.junit.jupiter.api.Assertions
                .assertThrows(ScriptFiles.BadScriptException.class, () -> ScriptFiles.read(f));
        assertEquals(f + ":2:9: " + e.getMessage(), e.format(f.toString()));
    }

    @Test
    void byteOrderMarkIsSkipped(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bom.tdp");
        Files.write(f, ("\uFEFFscenario \"t\" {\n}\n").getBytes(StandardCharsets.UTF_8));
        LoadedScenario s = Scenarios.get().load(f);
        assertFalse(s.hasErrors(), s.diagnostics().toString());
    }

    @Test
    void bidiControlsAreWarnedAtTheirPlace() {
        LoadedScenario s = load("scenario \"admin\u202E \u2066// check\u2069 \u2066\" {\n  // ok\u200F\n}\n");
        assertFalse(s.hasErrors(), s.diagnostics().toString());
        List<Diagnostic> w = s.diagnostics().stream().filter(d -> TdpIssueCodes.ENCODING.equals(d.code())).toList();
        assertEquals(5, w.size(), w.toString());
        assertEquals(1, w.get(0).line());
        assertEquals(16, w.get(0).column());
        assertTrue(w.get(0).message().contains("U+202E (RIGHT-TO-LEFT OVERRIDE)"), w.get(0).message());
        assertEquals(2, w.get(4).line());
        assertEquals(8, w.get(4).column());
    }

    @Test
    void hugeMemslotCostsWhatItTouches() {
        for (int bits : new int[] { 32, 33, 36 }) {
            LoadedScenario s = load(LimitsBench.bigMemslot(bits));
            assertFalse(s.hasErrors(), s.diagnostics().toString());
            RunResult r = s.run(s.policies().get(0));
            assertNull(r.error());
            assertTrue(r.complete());
            var mem = r.kvm().mmu().memory();
            // a root, three lower tables and the leaf's page: a handful of pages, a few MB of tables at most
            assertTrue(mem.materializedPages() < 16, "pages: " + mem.materializedPages());
            assertTrue(mem.footprintBytes() < 8L << 20, bits + " bits: " + mem.footprintBytes() + " bytes");
            assertEquals(1, r.kvm().dirtyBitmapWords());
        }
    }

    @Test
    void aRunOutOfMemoryEndsWithAMessage() {
        LoadedScenario s = load(LimitsBench.bigMemslot(20));
        int[] events = { 0 };
        // the heap "runs out" at the fourth event: the run ends as a failed run naming the limits, nothing thrown
        RunResult r = new org.tdpscope.sim.Simulation(s.scenario(), s.policies().get(0), e -> {
            if (++events[0] == 4) {
                throw new OutOfMemoryError("Java heap space");
            }
        }).run();
        assertFalse(r.complete());
        assertNotNull(r.error());
        assertTrue(r.error().getMessage().startsWith("out of memory after "), r.error().getMessage());
        assertTrue(r.error().getMessage().contains("the limits are: "), r.error().getMessage());
        assertEquals(0, r.kvm().mmu().memory().read(0)); // the simulated memory was dropped
    }

    @Test
    void dirtyLoggingBeyondTwoToTheThirtyOne() {
        LoadedScenario s = load("""
                scenario "t" {
                  vm {
                    memslot 0: gfn 0x0 .. +0x200000000 dirty-logging
                    vcpu v0
                  }
                  threads {
                    vcpu v0: load root; fault gfn 0x1fffffff0 write
                  }
                }
                """);
        assertFalse(s.hasErrors(), s.diagnostics().toString());
        RunResult r = s.run(s.policies().get(0));
        assertNull(r.error());
        assertNotNull(r.kvm());
    }
}
