/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Scenario;

/**
 * Benchmark harness (not a timed test) for the explorer's throughput on a shared machine: after a warm-up, explores
 * a fixed amount of work several times and prints, per run, distinct states, wall time, the CPU time of the
 * process, states per wall second and states per CPU second (the figure that other processes on the machine
 * disturb least). Run the build before and after a change beside each other, alternating, to compare.
 *
 * <pre>java -cp ... org.tdpscope.sim.explore.ThroughputBench bench|scale ROUNDS [workers] [scale visits] [policy]</pre>
 * {@code bench}: the scenario of {@link ExploreBench} (3 fast zaps), policy continue, to the end;
 * {@code scale}: the 7-thread scenario, policy continue, stopped after the given visits per worker.
 */
public final class ThroughputBench {

    private ThroughputBench() {
    }

    static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "bench";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        long visits = args.length > 3 ? Long.parseLong(args[3]) : 300_000;
        Policy policy = args.length > 4 ? Policy.fromWord(args[4]) : Policy.CONTINUE;
        Explorer x = new Explorer();
        Scenario s = what.equals("scale") ? ExploreBench.scale7() : ExploreBench.scenario(3);
        ExploreBounds b = ExploreBounds.defaults().withWorkers(workers)
                .withMaxVisits(what.equals("scale") ? visits : 20_000_000L);
        // warm-up: a few seconds of the same search
        double w0 = cpuSeconds();
        while (cpuSeconds() - w0 < 6) {
            x.explore(ExploreBench.scenario(2), Policy.CONTINUE, ExploreBounds.defaults().withWorkers(workers), null, null);
        }
        for (int r = 0; r < rounds; r++) {
            System.gc();
            double c0 = cpuSeconds();
            long t0 = System.nanoTime();
            WorkerCpu wc = new WorkerCpu();
            ExploreResult res = x.explore(s, policy, b, null, wc);
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = cpuSeconds() - c0;
            ExploreResult.Stats st = res.stats();
            System.out.printf(Locale.ROOT,
                    "%s run %d: %,d visits %,d distinct states %d outcomes%s  wall %.2f s  CPU %.2f s  %,.0f states/s"
                            + "  %,.0f states/CPU-s  %,.0f visits/CPU-s  %,.0f states/worker-CPU-s  %,d forks%n",
                    what, r, st.visits(), st.distinctStates(), res.outcomes().size(), st.truncated() ? " TRUNCATED" : "",
                    wall, cpu, st.distinctStates() / wall, st.distinctStates() / cpu, st.visits() / cpu, wc.visitsPerSecond() * st.distinctStates() / st.visits(), st.forks());
        }
        System.out.printf(Locale.ROOT, "heap after the runs: %,d MB used of %,d MB (GC: %s)%n",
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
                Runtime.getRuntime().maxMemory() >> 20, gcs());
    }

    /**
     * The CPU time of the worker threads (no GC or compiler threads), read on each worker at its progress calls
     * (every 4,096 visits, so the last few are not counted).
     */
    static final class WorkerCpu implements ExploreMonitor {
        final java.util.concurrent.ConcurrentHashMap<Long, long[]> cpu = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void progress(int worker, long visits, long distinct) {
            long now = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long[] c = cpu.computeIfAbsent(Thread.currentThread().getId(), k -> new long[] {now, now, visits, visits});
            c[1] = now;
            c[3] = visits;
        }

        /** Visits per CPU second of the workers, between each one's first progress call and its last. */
        double visitsPerSecond() {
            long ns = 0, v = 0;
            for (long[] c : cpu.values()) {
                ns += c[1] - c[0];
                v += c[3] - c[2];
            }
            return v / (ns / 1e9);
        }
    }

    private static String gcs() {
        StringBuilder sb = new StringBuilder();
        for (var g : ManagementFactory.getGarbageCollectorMXBeans()) {
            sb.append(g.getName()).append(' ').append(g.getCollectionCount()).append("x ").append(g.getCollectionTime())
                    .append(" ms; ");
        }
        return sb.toString();
    }
}
