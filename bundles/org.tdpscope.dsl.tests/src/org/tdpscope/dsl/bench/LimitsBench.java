/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.bench;

/*
 * How to run (after a build; prints figures, asserts nothing):
 *   releng/bench limits
 * or by hand from the repository root:
 *   java -cp "<product>/plugins/*:bundles/org.tdpscope.dsl.tests/target/classes" \
 *     org.tdpscope.dsl.bench.LimitsBench [SCALE]
 */

import java.util.Locale;

import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;

/**
 * The largest scenarios on each axis, loaded (parse, validation with its dry run, interpretation) and run
 * once: 10,000 vCPUs, 5,000 distinct roles, 40,000 memslots, a long schedule, and a memslot of 2^33 gfns with one
 * fault. Prints the load time of each (validation must stay linear: well under a second for these sizes) and the
 * simulated host pages the big memslot's run materialized. SCALE (default 1) multiplies the counts.
 */
public final class LimitsBench {

    private LimitsBench() {
    }

    /** {@code n} vCPUs, each with a thread that loads a root and faults once, run in a schedule. */
    public static String vcpus(int n) {
        StringBuilder sb = new StringBuilder("scenario \"many vcpus\" {\n vm {\n  memslot 0: gfn 0 .. 0x1000\n");
        for (int i = 0; i < n; i++) {
            sb.append("  vcpu v").append(i).append('\n');
        }
        sb.append(" }\n threads {\n");
        for (int i = 0; i < n; i++) {
            sb.append("  vcpu v").append(i).append(": load root; fault gfn 0x").append(Integer.toHexString(i % 0x1000))
                    .append(" write\n");
        }
        sb.append(" }\n schedule {\n");
        for (int i = 0; i < n; i++) {
            sb.append("  v").append(i).append(" to end\n");
        }
        return sb.append(" }\n}\n").toString();
    }

    /** {@code n} vCPUs with a role each (so {@code n} roots). */
    public static String roles(int n) {
        StringBuilder sb = new StringBuilder("scenario \"many roles\" {\n vm {\n  memslot 0: gfn 0 .. 0x1000\n");
        for (int i = 0; i < n; i++) {
            sb.append("  vcpu v").append(i).append(" role r").append(i).append('\n');
        }
        sb.append(" }\n threads {\n");
        for (int i = 0; i < n; i++) {
            sb.append("  vcpu v").append(i).append(": load root\n");
        }
        return sb.append(" }\n}\n").toString();
    }

    /** {@code n} memslots of 16 gfns, declared in reverse order, and a fault in each tenth. */
    public static String memslots(int n) {
        StringBuilder sb = new StringBuilder("scenario \"many memslots\" {\n vm {\n");
        for (int i = n - 1; i >= 0; i--) {
            sb.append("  memslot ").append(i % 32768).append(": gfn 0x").append(Long.toHexString(i * 16L))
                    .append(" .. +16\n");
        }
        sb.append("  vcpu v0\n }\n threads {\n  vcpu v0: load root\n");
        for (int i = 0; i < n; i += 10) {
            sb.append("   fault gfn 0x").append(Long.toHexString(i * 16L + 3)).append('\n');
        }
        return sb.append(" }\n}\n").toString();
    }

    /** One vCPU with {@code n} faults, run one operation a step. */
    public static String schedule(int n) {
        StringBuilder sb = new StringBuilder("scenario \"long schedule\" {\n vm {\n  memslot 0: gfn 0 .. 0x100000\n"
                + "  vcpu v0\n }\n threads {\n  vcpu v0: load root\n");
        for (int i = 0; i < n; i++) {
            sb.append("   fault gfn 0x").append(Integer.toHexString(i % 0x100000)).append('\n');
        }
        sb.append(" }\n schedule {\n");
        for (int i = 0; i <= n; i++) {
            sb.append("  v0 1 op\n");
        }
        return sb.append(" }\n}\n").toString();
    }

    /** One memslot of {@code 2^bits} gfns, dirty-logging, and one fault near its end. */
    public static String bigMemslot(int bits) {
        long n = 1L << bits;
        return "scenario \"big memslot\" {\n vm {\n  memslot 0: gfn 0 .. +0x" + Long.toHexString(n)
                + " dirty-logging\n  vcpu v0\n }\n threads {\n  vcpu v0: load root; fault gfn 0x"
                + Long.toHexString(n - 5) + " write\n }\n}\n";
    }

    public static void main(String[] args) {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        TdpScenarios api = TdpScenarios.create();
        api.load(roles(50), "warm-up.tdp");
        api.load(memslots(50), "warm-up.tdp");
        measure(api, "10,000 vCPUs with threads and a schedule", vcpus((int) (10_000 * scale)));
        measure(api, "5,000 roles (one root each)", roles((int) (5_000 * scale)));
        measure(api, "40,000 memslots (7,232 ids repeated: errors)", memslots((int) (40_000 * scale)));
        measure(api, "32,768 memslots (every id; dry run)", memslots((int) (32_768 * Math.min(1, scale))));
        measure(api, "a 10,000-step schedule", schedule((int) (10_000 * scale)));
        for (int bits : new int[] { 32, 33, 36 }) {
            LoadedScenario s = measure(api, "a memslot of 2^" + bits + " gfns, one fault", bigMemslot(bits));
            if (s.scenario() != null) {
                org.tdpscope.sim.RunResult r = s.run(s.policies().get(0));
                System.out.printf(Locale.ROOT,
                        "    run: %,d host pages materialized, %,d KiB simulated memory, %,d dirty-bitmap words%n",
                        r.kvm().mmu().memory().materializedPages(), r.kvm().mmu().memory().footprintBytes() >> 10,
                        r.kvm().dirtyBitmapWords());
            }
        }
    }

    /**
     * Loads {@code text} once, printing wall and CPU time (the thread's own: on a busy machine the wall clock
     * measures the neighbours too).
     */
    private static LoadedScenario measure(TdpScenarios api, String what, String text) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long p0 = mx.getCurrentThreadCpuTime();
        try {
            api.parse(text); // parsing alone (links resolved lazily), to tell validation apart
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        long parse = (mx.getCurrentThreadCpuTime() - p0) / 1_000_000;
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        LoadedScenario s = api.load(text, "bench.tdp");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long cpu = (mx.getCurrentThreadCpuTime() - c0) / 1_000_000;
        System.out.printf(Locale.ROOT, "  %-45s %,7d ms load, %,6d ms CPU of which parsing %,6d ms (%,d lines, "
                + "%d diagnostics%s)%n", what, ms, cpu, parse,
                text.split("\n", -1).length, s.diagnostics().size(),
                s.hasErrors() ? ": " + s.errorText().lines().findFirst().orElse("") : "");
        return s;
    }
}
