/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;

/**
 * Thousands of mutated and random scripts through the public API: nothing may escape as an
 * exception, every diagnostic is positioned inside the text, and a script without errors runs.
 */
class FuzzTest {

    private static final int MUTANTS = 2500;
    private static final int RANDOM = 500;
    private static final String[] WORDS = { "scenario", "vm", "memslot", "gfn", "..", "+", "0x10", "0x40000", "4K",
            "2M", "1G", "99999999999999999999", "0x", "-1", ":", ";", ",", "{", "}", "[", "]", "->", "vcpu", "v0", "v9",
            "role", "smm", "guest", "maps", "map", "gva", "gpa", "policy", "compare", "all", "fifo", "lifo", "threads",
            "walker", "W", "invalidator", "Z", "fast", "zap", "without", "slots_lock", "yield", "after", "every",
            "always", "never", "in", "root", "B", "broken", "no-root-ref", "fault-ignores-invalid-root", "delete",
            "move", "to", "enable", "dirty", "logging", "on", "flag", "walk", "load", "reload", "fault", "write",
            "access", "fetch", "schedule", "until", "end", "ops", "grace", "period", "expect", "under", "visited",
            "roots", "refcount", "freed", "by", "invalid", "valid", "no", "violation", "use-after-free", "at", "step",
            "spte", "present", "writable", "not", "\"", "//", "/*", "*/", "\n", "tdp", "4-level", "-level", "\u00e9" };

    private static void checkWellFormed(String text, LoadedScenario s) {
        int lines = text.split("\n", -1).length;
        for (Diagnostic d : s.diagnostics()) {
            assertTrue(d.line() >= 1 && d.line() <= lines + 1, () -> "line out of range: " + d + "\n" + text);
            assertTrue(d.column() >= 1, () -> "column out of range: " + d + "\n" + text);
            assertNotNull(d.message());
            assertNotNull(d.code());
            assertTrue(!TdpIssueCodes.INTERNAL.equals(d.code()), () -> "internal error: " + d + "\n" + text);
        }
        if (s.hasErrors()) {
            assertNull(s.scenario());
        } else {
            assertNotNull(s.scenario(), text);
        }
    }

    private static void exercise(TdpScenarios api, String text) {
        LoadedScenario s;
        try {
            s = api.load(text, "fuzz.tdp");
        } catch (RuntimeException e) {
            throw new AssertionError("load threw for:\n" + text, e);
        }
        checkWellFormed(text, s);
        try {
            api.format(text);
        } catch (RuntimeException e) {
            throw new AssertionError("format threw for:\n" + text, e);
        }
        if (!s.hasErrors()) {
            for (Policy p : s.policies()) {
                RunResult run;
                try {
                    run = s.run(p);
                } catch (RuntimeException e) {
                    throw new AssertionError("a scenario without errors failed to run under " + p.word() + ":\n" + text,
                            e);
                }
                assertNull(run.error(), () -> "validation missed a schedule error: " + run.error() + "\n" + text);
                for (ExpectationResult r : s.check(run)) {
                    assertNotNull(r.actual());
                }
            }
        }
    }

    private static List<String> seeds() throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : Scenarios.examples()) {
            out.add(Files.readString(p));
        }
        return out;
    }

    private static String mutate(String text, Random rnd) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + rnd.nextInt(4);
        for (int i = 0; i < edits && sb.length() > 0; i++) {
            int at = rnd.nextInt(sb.length());
            switch (rnd.nextInt(6)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, WORDS[rnd.nextInt(WORDS.length)]);
                case 2 -> sb.insert(at, " " + WORDS[rnd.nextInt(WORDS.length)] + " ");
                case 3 -> {
                    int end = Math.min(sb.length(), at + rnd.nextInt(40));
                    sb.delete(at, end);
                }
                case 4 -> {
                    // duplicate a line
                    String[] ls = sb.toString().split("\n", -1);
                    int l = rnd.nextInt(ls.length);
                    int m = rnd.nextInt(ls.length);
                    List<String> list = new ArrayList<>(List.of(ls));
                    list.add(m, ls[l]);
                    sb.setLength(0);
                    sb.append(String.join("\n", list));
                }
                default -> {
                    // swap two lines
                    String[] ls = sb.toString().split("\n", -1);
                    int l = rnd.nextInt(ls.length);
                    int m = rnd.nextInt(ls.length);
                    String t = ls[l];
                    ls[l] = ls[m];
                    ls[m] = t;
                    sb.setLength(0);
                    sb.append(String.join("\n", ls));
                }
            }
        }
        return sb.toString();
    }

    @Test
    void mutatedExamples() throws IOException {
        TdpScenarios api = Scenarios.get();
        List<String> seeds = seeds();
        Random rnd = new Random(0x7d9L);
        int clean = 0;
        for (int i = 0; i < MUTANTS; i++) {
            String text = mutate(seeds.get(i % seeds.size()), rnd);
            exercise(api, text);
            if (!api.load(text, "f").hasErrors()) {
                clean++;
            }
        }
        assertTrue(clean > 0, "some mutants should still be valid scenarios");
    }

    @Test
    void randomWordSoup() {
        TdpScenarios api = Scenarios.get();
        Random rnd = new Random(42);
        for (int i = 0; i < RANDOM; i++) {
            StringBuilder sb = new StringBuilder(rnd.nextBoolean() ? "scenario \"r\" { " : "");
            int n = rnd.nextInt(60);
            for (int k = 0; k < n; k++) {
                sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(5) == 0 ? "\n" : " ");
            }
            exercise(api, sb.toString());
        }
    }

    @Test
    void controlCharactersAndOddInput() {
        TdpScenarios api = Scenarios.get();
        for (String text : List.of("\0", "\uFEFFscenario \"x\" {}", "scenario \"unterminated {", "/* never closed",
                "scenario \"x\" { vm { memslot 0: gfn 0 .. 0x7fffffffffffffff } }",
                "scenario \"x\" { vm { memslot 0: gfn 0x7fffffffffffffff .. +0x7fffffffffffffff } }",
                "scenario \"x\" { vm { memslot 2147483648: gfn 0 .. 1 } }",
                "scenario \"x\" { vm { memslot 0: gfn 0 .. 0x1000 vcpu v0 guest maps: map gva 0 .. +0x7fffffffffffffff -> gpa 0 } }",
                "scenario \"x\" { vm { tdp 99999999999-level } }", "\r\n\r\nscenario \"x\" {\r\n}\r\n")) {
            exercise(api, text);
        }
        assertAPlainScenarioStillLoads(api);
    }

    private static void assertAPlainScenarioStillLoads(TdpScenarios api) {
        LoadedScenario s = api.load("scenario \"ok\" { }", "ok.tdp");
        if (s.hasErrors()) {
            fail(s.diagnostics().toString());
        }
        assertEquals("ok", s.name());
    }
}
