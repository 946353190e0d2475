/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.bench;

/*
 * How to run (after a build, e.g. ./mvnw -B package -DskipTests; takes several minutes for 100,000):
 *   releng/bench fuzz
 * or by hand from the repository root:
 *   java -Dtdpscope.examples=examples \
 *     -cp "releng/org.tdpscope.product/target/products/org.tdpscope.product/linux/gtk/x86_64/tdpscope/plugins/*:bundles/org.tdpscope.dsl.tests/target/classes" \
 *     org.tdpscope.dsl.bench.FuzzMain [INPUTS [SEED]]     (defaults 100000 and 1)
 * Exit status 0 when every input passed, 1 when one did not (the first few are printed in full).
 */

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.tdpscope.dsl.api.TdpScenarios;

/**
 * The fuzz profile of the robustness requirement: 100,000 random and mutated scripts (the same
 * generators and checks as {@code FuzzTest}, see {@link Fuzzing}) through {@link TdpScenarios}:
 * nothing may escape {@code load} as an exception, every diagnostic is positioned inside the text,
 * and a script without errors must run under its policies. Four classes of input: character-level
 * mutations of the examples, grammar-aware mutations (whole statements swapped, duplicated or deleted,
 * numbers replaced by boundary values), random word soup, and a list of odd inputs. Prints, per class,
 * inputs tried, clean runs, clean (positioned) errors, failures, and over all: stack traces printed
 * (anything on stdout or stderr that looks like one), inputs slower than {@value #SLOW_SECONDS} s, OOMs, and
 * hangs (an input running over {@value #HANG_SECONDS} s stops the run).
 */
public final class FuzzMain {

    private static final int SHOWN = 5;
    static final int SLOW_SECONDS = 10;
    static final int HANG_SECONDS = 120;

    private FuzzMain() {
    }

    /** Per class of input: tried, ran clean, gave positioned errors, failed. */
    private static final class Tally {
        final String name;
        int tried;
        int clean;
        int errors;
        int failed;

        Tally(String name) {
            this.name = name;
        }
    }

    /** Counts lines that look like a stack trace ("\tat ...", "Exception in thread", "Caused by:"). */
    private static final class TraceCounter extends OutputStream {
        private final StringBuilder line = new StringBuilder();
        volatile int traces;
        volatile String first;

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                String l = line.toString();
                line.setLength(0);
                if (l.startsWith("\tat ") || l.startsWith("Exception in thread") || l.startsWith("Caused by:")
                        || l.contains("Error executing EValidator")) {
                    traces++;
                    if (first == null) {
                        first = l;
                    }
                }
            } else if (line.length() < 400) {
                line.append((char) b);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int inputs = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 100_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        PrintStream out = System.out;
        List<String> seeds = Fuzzing.seeds(Fuzzing.examplesDir());
        if (seeds.isEmpty()) {
            System.err.println("fuzz: no example scenarios in " + Fuzzing.examplesDir() + " (set -Dtdpscope.examples)");
            System.exit(2);
        }
        TdpScenarios api = TdpScenarios.create();
        // whatever the code under test prints goes through here: a stack trace there is a failure too
        TraceCounter traces = new TraceCounter();
        PrintStream captured = new PrintStream(traces, true, StandardCharsets.UTF_8);
        System.setOut(captured);
        System.setErr(captured);
        Random rnd = new Random(seed);
        Tally odd = new Tally("odd inputs");
        Tally chars = new Tally("mutated examples (characters)");
        Tally statements = new Tally("mutated examples (statements, boundary numbers)");
        Tally soups = new Tally("random word soups");
        int ooms = 0;
        int slow = 0;
        List<String> shown = new ArrayList<>();
        AtomicLong startedAt = new AtomicLong(System.nanoTime());
        AtomicInteger current = new AtomicInteger();
        String[] currentText = new String[1];
        Thread watchdog = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() - startedAt.get() > HANG_SECONDS * 1_000_000_000L) {
                    out.printf(Locale.ROOT, "fuzz: HANG: input %d ran over %d s%n----%n%s%n----%n", current.get(),
                            HANG_SECONDS, currentText[0]);
                    out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        }, "fuzz-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        long t0 = System.nanoTime();
        long lastReport = t0;
        for (int i = 0; i < inputs; i++) {
            String text;
            Tally tally;
            if (i < Fuzzing.ODD_INPUTS.size()) {
                text = Fuzzing.ODD_INPUTS.get(i);
                tally = odd;
            } else if (i % 6 == 5) {
                text = Fuzzing.wordSoup(rnd);
                tally = soups;
            } else if (i % 2 == 0) {
                text = Fuzzing.mutateStatements(seeds.get(rnd.nextInt(seeds.size())), rnd);
                tally = statements;
            } else {
                text = Fuzzing.mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
                tally = chars;
            }
            currentText[0] = text;
            current.set(i);
            long began = System.nanoTime();
            startedAt.set(began);
            int tracesBefore = traces.traces;
            Fuzzing.Outcome o;
            try {
                o = Fuzzing.exercise(api, text);
            } catch (OutOfMemoryError e) {
                o = new Fuzzing.Outcome("out of memory: " + e, false);
            }
            if ((System.nanoTime() - began) / 1_000_000_000L >= SLOW_SECONDS) {
                slow++;
            }
            tally.tried++;
            if (o.problem() != null && o.problem().contains("out of memory")) {
                ooms++;
            }
            if (o.problem() == null && traces.traces > tracesBefore) {
                o = new Fuzzing.Outcome("a stack trace was printed: " + traces.first, o.clean());
            }
            if (o.problem() != null) {
                tally.failed++;
                if (shown.size() < SHOWN) {
                    shown.add("input " + i + ": " + o.problem() + "\n----\n" + text + "\n----");
                }
            } else if (o.clean()) {
                tally.clean++;
            } else {
                tally.errors++;
            }
            long now = System.nanoTime();
            if (now - lastReport > 30_000_000_000L) {
                lastReport = now;
                out.printf(Locale.ROOT, "  ... %,d inputs, %.0f s%n", i + 1, (now - t0) / 1e9);
            }
        }
        watchdog.interrupt();
        double s = (System.nanoTime() - t0) / 1e9;
        int failed = 0;
        out.printf(Locale.ROOT, "fuzz: %,d inputs, seed %d%n", inputs, seed);
        for (Tally t : List.of(chars, statements, soups, odd)) {
            out.printf(Locale.ROOT, "fuzz:   %-48s %,7d tried, %,7d ran clean, %,7d clean errors, %,d failures%n",
                    t.name, t.tried, t.clean, t.errors, t.failed);
            failed += t.failed;
        }
        out.printf(Locale.ROOT, "fuzz: %,d failures (an exception escaped, an internal error, a badly positioned "
                + "diagnostic, ...), %,d stack traces printed, %,d out of memory, %,d over %d s, 0 hangs over %d s%n",
                failed, traces.traces, ooms, slow, SLOW_SECONDS, HANG_SECONDS);
        out.printf(Locale.ROOT, "fuzz: %.1f s, %.2f ms an input%n", s, s * 1000 / Math.max(1, inputs));
        for (String f : shown) {
            out.println(f);
        }
        out.flush();
        System.exit(failed == 0 && traces.traces == 0 ? 0 : 1);
    }
}
