/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.explore.Explorer;

/**
 * The fuzzing shared by {@code FuzzTest} (a few thousand inputs in every build) and {@link FuzzMain}
 * (100,000 on demand): mutations of real scenarios, random word soup, and the checks every input must
 * pass. Plain Java (no JUnit), so the harness runs on the product's class path.
 */
public final class Fuzzing {

    /** Keywords, names, numbers and punctuation of the language, plus a few things it must reject. */
    public static final String[] WORDS = { "scenario", "vm", "memslot", "gfn", "..", "+", "0x10", "0x40000", "4K",
            "2M", "1G", "99999999999999999999", "0x", "-1", ":", ";", ",", "{", "}", "[", "]", "->", "vcpu", "v0", "v9",
            "role", "smm", "guest", "maps", "map", "gva", "gpa", "policy", "compare", "all", "fifo", "lifo", "threads",
            "walker", "W", "invalidator", "Z", "fast", "zap", "without", "slots_lock", "yield", "after", "every",
            "always", "never", "in", "root", "B", "broken", "no-root-ref", "fault-ignores-invalid-root", "delete",
            "move", "to", "enable", "dirty", "logging", "on", "flag", "walk", "load", "reload", "fault", "write",
            "access", "fetch", "schedule", "until", "end", "ops", "grace", "period", "expect", "under", "visited",
            "roots", "refcount", "freed", "by", "invalid", "valid", "no", "violation", "use-after-free", "at", "step",
            "spte", "present", "writable", "not", "\"", "//", "/*", "*/", "\n", "tdp", "4-level", "-level", "\u00e9",
            "explore", "depth", "yields", "invalidations", "repeat", "policies", "check", "expectations", "restart" };

    /** Odd inputs worth trying once each: NUL, a BOM, unterminated strings and comments, huge numbers, CRLF. */
    public static final List<String> ODD_INPUTS = List.of("\0", "\uFEFFscenario \"x\" {}", "scenario \"unterminated {",
            "/* never closed", "scenario \"x\" { vm { memslot 0: gfn 0 .. 0x7fffffffffffffff } }",
            "scenario \"x\" { vm { memslot 0: gfn 0x7fffffffffffffff .. +0x7fffffffffffffff } }",
            "scenario \"x\" { vm { memslot 2147483648: gfn 0 .. 1 } }",
            "scenario \"x\" { vm { memslot 0: gfn 0 .. 0x1000 vcpu v0 guest maps: map gva 0 .. +0x7fffffffffffffff -> gpa 0 } }",
            "scenario \"x\" { vm { tdp 99999999999-level } }", "\r\n\r\nscenario \"x\" {\r\n}\r\n");

    private Fuzzing() {
    }

    /** The examples folder: system property {@code tdpscope.examples}, else {@code ../../examples}. */
    public static Path examplesDir() {
        String p = System.getProperty("tdpscope.examples");
        Path dir = p != null ? Path.of(p) : Path.of("../../examples");
        return dir.toAbsolutePath().normalize();
    }

    /** The texts of the example scenarios, sorted by file name: the seeds of the mutations. */
    public static List<String> seeds(Path examplesDir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(examplesDir)) {
            files = s.filter(f -> f.toString().endsWith(".tdp")).sorted().collect(Collectors.toList());
        }
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            out.add(Files.readString(f));
        }
        return out;
    }

    /** One to four edits: delete a character or a stretch, insert a word, duplicate or swap lines. */
    public static String mutate(String text, Random rnd) {
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

    /**
     * Numbers at the edges of what the language and the simulator hold: 0, -1, 2^31 and 2^31-1, 2^36 (the 4-level
     * EPT's reach in gfns), 2^45, 2^63 and 2^63-1, 2^64 and 2^64-1, in decimal and hex.
     */
    public static final String[] BOUNDARY_NUMBERS = { "0", "-1", "1", "2147483647", "2147483648", "4294967296",
            "0x1000000000", "0x200000000000", "9223372036854775807", "9223372036854775808", "18446744073709551615",
            "18446744073709551616", "0x7fffffffffffffff", "0x8000000000000000", "0xffffffffffffffff",
            "0x10000000000000000", "0x0", "0xfffffffff", "99999999999999999999999" };

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern
            .compile("(?<![\\w.-])(0[xX][0-9a-fA-F_]+|[0-9]+[KMGT]?)(?![\\w-])");

    /**
     * The grammar-aware mutator: one to three edits on whole statements (a statement is a line that is not only a
     * brace: a memslot, a thread's operation, a schedule step, an expectation): swap two, duplicate one elsewhere,
     * delete one, or replace a number with a boundary value ({@link #BOUNDARY_NUMBERS}). The result stays close
     * to a valid scenario, so it reaches the validator, the interpreter and the simulator rather than the parser.
     */
    public static String mutateStatements(String text, Random rnd) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        List<Integer> statements = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (!t.isEmpty() && !t.startsWith("//") && !t.equals("}") && !t.endsWith("{")) {
                statements.add(i);
            }
        }
        if (statements.isEmpty()) {
            return text;
        }
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int a = statements.get(rnd.nextInt(statements.size()));
            int b = statements.get(rnd.nextInt(statements.size()));
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    String t = lines.get(a);
                    lines.set(a, lines.get(b));
                    lines.set(b, t);
                }
                case 1 -> lines.set(b, lines.get(b) + "\n" + lines.get(a));
                case 2 -> lines.set(a, "");
                default -> {
                    java.util.regex.Matcher m = NUMBER.matcher(lines.get(a));
                    List<int[]> spans = new ArrayList<>();
                    while (m.find()) {
                        spans.add(new int[] { m.start(), m.end() });
                    }
                    if (!spans.isEmpty()) {
                        int[] sp = spans.get(rnd.nextInt(spans.size()));
                        String l = lines.get(a);
                        lines.set(a, l.substring(0, sp[0]) + BOUNDARY_NUMBERS[rnd.nextInt(BOUNDARY_NUMBERS.length)]
                                + l.substring(sp[1]));
                    }
                }
            }
        }
        return String.join("\n", lines);
    }

    /** Up to 60 random words, half the time inside {@code scenario "r" { }}. */
    public static String wordSoup(Random rnd) {
        StringBuilder sb = new StringBuilder(rnd.nextBoolean() ? "scenario \"r\" { " : "");
        int n = rnd.nextInt(60);
        for (int k = 0; k < n; k++) {
            sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(5) == 0 ? "\n" : " ");
        }
        return sb.toString();
    }

    /**
     * What is wrong with how {@code s} reports on {@code text}, or null: every diagnostic positioned
     * inside the text with a message and a code, no internal error, a scenario exactly when there is
     * no error.
     */
    public static String problem(String text, LoadedScenario s) {
        int lines = text.split("\n", -1).length;
        for (Diagnostic d : s.diagnostics()) {
            if (d.line() < 1 || d.line() > lines + 1) {
                return "line out of range: " + d;
            }
            if (d.column() < 1) {
                return "column out of range: " + d;
            }
            if (d.message() == null || d.code() == null) {
                return "no message or no code: " + d;
            }
            if (TdpIssueCodes.INTERNAL.equals(d.code())) {
                return "internal error: " + d;
            }
        }
        if (s.hasErrors() && s.scenario() != null) {
            return "a scenario with errors was interpreted";
        }
        if (!s.hasErrors() && s.scenario() == null) {
            return "a scenario without errors was not interpreted";
        }
        return null;
    }

    /** What {@link #exercise} found: null when the input passed; {@code clean} when it had no error. */
    public record Outcome(String problem, boolean clean) {
    }

    /**
     * Loads (and formats) {@code text}; a script without errors is also run under each of its
     * policies and checked. Returns the first problem found, with its cause when something threw.
     */
    public static Outcome exercise(TdpScenarios api, String text) {
        LoadedScenario s;
        try {
            s = api.load(text, "fuzz.tdp");
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return new Outcome("load threw " + e, false);
        }
        String p = problem(text, s);
        if (p != null) {
            return new Outcome(p, !s.hasErrors());
        }
        try {
            api.format(text);
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome("format threw " + e, !s.hasErrors());
        }
        if (!s.hasErrors() && s.hasExploreBlock()) {
            // the explorer accepts what validation let through (one visit: the bounds and names are checked)
            for (Policy pol : s.explorePolicies()) {
                try {
                    new Explorer().explore(s.scenario(), pol, s.exploreBounds().withMaxVisits(1).withWorkers(1), null,
                            null);
                } catch (RuntimeException | StackOverflowError e) {
                    return new Outcome("the explorer refused a scenario without errors under " + pol.word() + ": " + e,
                            true);
                }
            }
        }
        if (!s.hasErrors()) {
            for (Policy pol : s.policies()) {
                RunResult run;
                try {
                    run = s.run(pol);
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    return new Outcome("a scenario without errors failed to run under " + pol.word() + ": " + e, true);
                }
                if (run.error() != null && run.error().getMessage().startsWith("out of memory")) {
                    return new Outcome("out of memory: " + run.error().getMessage(), true);
                }
                if (run.error() != null) {
                    return new Outcome("validation missed a schedule error: " + run.error(), true);
                }
                for (ExpectationResult r : s.check(run)) {
                    if (r.actual() == null) {
                        return new Outcome("an expectation result without an actual value", true);
                    }
                }
            }
        }
        return new Outcome(null, !s.hasErrors());
    }
}
