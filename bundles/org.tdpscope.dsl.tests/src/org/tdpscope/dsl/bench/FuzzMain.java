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

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.tdpscope.dsl.api.TdpScenarios;

/**
 * The fuzz profile of the robustness requirement: 100,000 random and mutated scripts (the same
 * generators and checks as {@code FuzzTest}, see {@link Fuzzing}) through {@link TdpScenarios}:
 * nothing may escape {@code load} as an exception, every diagnostic is positioned inside the text,
 * and a script without errors must run under its policies. Prints counts and time.
 */
public final class FuzzMain {

    private static final int SHOWN = 5;

    private FuzzMain() {
    }

    public static void main(String[] args) throws Exception {
        int inputs = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 100_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        List<String> seeds = Fuzzing.seeds(Fuzzing.examplesDir());
        if (seeds.isEmpty()) {
            System.err.println("fuzz: no example scenarios in " + Fuzzing.examplesDir() + " (set -Dtdpscope.examples)");
            System.exit(2);
        }
        TdpScenarios api = TdpScenarios.create();
        Random rnd = new Random(seed);
        int mutants = 0;
        int soups = 0;
        int odd = 0;
        int clean = 0;
        int failed = 0;
        List<String> shown = new ArrayList<>();
        long t0 = System.nanoTime();
        long lastReport = t0;
        for (int i = 0; i < inputs; i++) {
            String text;
            if (i < Fuzzing.ODD_INPUTS.size()) {
                text = Fuzzing.ODD_INPUTS.get(i);
                odd++;
            } else if (i % 6 == 5) {
                text = Fuzzing.wordSoup(rnd);
                soups++;
            } else {
                text = Fuzzing.mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
                mutants++;
            }
            Fuzzing.Outcome o = Fuzzing.exercise(api, text);
            if (o.clean()) {
                clean++;
            }
            if (o.problem() != null) {
                failed++;
                if (shown.size() < SHOWN) {
                    shown.add("input " + i + ": " + o.problem() + "\n----\n" + text + "\n----");
                }
            }
            long now = System.nanoTime();
            if (now - lastReport > 30_000_000_000L) {
                lastReport = now;
                System.out.printf(Locale.ROOT, "  ... %,d inputs, %.0f s%n", i + 1, (now - t0) / 1e9);
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT,
                "fuzz: %,d inputs (%,d mutated examples, %,d random word soups, %,d odd inputs), seed %d%n", inputs,
                mutants, soups, odd, seed);
        System.out.printf(Locale.ROOT,
                "fuzz: %,d loaded without errors and ran under their policies, %,d gave positioned errors%n", clean,
                inputs - clean);
        System.out.printf(Locale.ROOT,
                "fuzz: %,d failures (an exception escaped, an internal error, a badly positioned diagnostic, ...)%n",
                failed);
        System.out.printf(Locale.ROOT, "fuzz: %.1f s, %.2f ms an input%n", s, s * 1000 / Math.max(1, inputs));
        for (String f : shown) {
            System.out.println(f);
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
