/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.util.Locale;

import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * Benchmark harness (not a timed test): explores the scenario (two vCPUs of different roles
 * that fault and reload, so up to 4 roots; one yielding write-protect walker; up to 3 fast zaps)
 * under each policy, with 2 workers and with 1, and prints states, states/s and the saving of POR; the
 * reduction factors of hashing and POR against a search without any reduction are measured on a smaller
 * scenario that can be enumerated in full.
 *
 * <pre>java -cp ... org.tdpscope.sim.explore.ExploreBench [zaps] [policy|all]</pre>
 */
public final class ExploreBench {

    private ExploreBench() {
    }

    static Scenario scenario(int zaps) {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false), new Op.Reload(),
                new Op.Fault(0x20, true, false));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false), new Op.Reload(),
                new Op.Fault(0x20, true, false));
        s.thread("W", ThreadKind.WALKER,
                new Op.Walk(SpteOp.WRPROT, 0, 0x100, true, true, YieldSpec.every(0x10), Variants.KERNEL, false));
        Op[] z = new Op[zaps];
        for (int i = 0; i < zaps; i++) {
            z[i] = new Op.FastZap(true, YieldSpec.NEVER);
        }
        s.thread("Z", ThreadKind.INVALIDATOR, z);
        return s;
    }

    /** Small enough to enumerate without any reduction: exact reduction factors. */
    static Scenario small() {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false),
                new Op.Fault(0x20, true, false));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false),
                new Op.Fault(0x20, true, false));
        s.thread("W", ThreadKind.WALKER,
                new Op.Walk(SpteOp.WRPROT, 0, 0x100, true, true, YieldSpec.every(0x40), Variants.KERNEL, false));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        return s;
    }

    /** The 7-thread scenario of issue 18 (examples/explore/scale-7-threads.tdp, built here without the dsl). */
    static Scenario scale7() {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules();
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x40000, false, true));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm")).vcpu("v2", RootRole.DEFAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false), new Op.Reload(),
                new Op.Fault(0x20, true, false));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false), new Op.Reload(),
                new Op.Fault(0x20, true, false));
        s.thread("v2", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x30, true, false), new Op.Reload());
        s.thread("W", ThreadKind.WALKER,
                new Op.Walk(SpteOp.WRPROT, 0, 0x100, true, true, YieldSpec.every(0x10), Variants.KERNEL, false));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.thread("X", ThreadKind.WALKER,
                new Op.Walk(SpteOp.CLEAR_DIRTY, 0, 0x100, true, true, YieldSpec.every(0x10), Variants.KERNEL, false));
        s.thread("Y", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        return s;
    }

    /**
     * The bytes of the live objects, from {@code jcmd PID GC.class_histogram} (a full collection, then a count of
     * what is reachable); -1 without jcmd. The heap in use after {@code System.gc()} overstates it several times.
     */
    static long liveBytes() {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            long total = -1;
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("Total")) {
                        String[] f = line.trim().split("\\s+");
                        total = Long.parseLong(f[f.length - 1]);
                    }
                }
            }
            p.waitFor();
            return total;
        } catch (java.io.IOException | InterruptedException | NumberFormatException e) {
            return -1;
        }
    }

    /** CPU seconds of this process so far. */
    static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** The heap in use after a full collection, in bytes. */
    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        java.lang.management.MemoryUsage u = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return u.getUsed();
    }

    /**
     * Stops the search after {@code limit} visits (all workers together) and, at that moment, while the visited set
     * and the workers' forks are live, measures the heap after a full collection.
     */
    static final class HeapProbe implements ExploreMonitor {
        final long limit;
        final java.util.concurrent.ConcurrentHashMap<Integer, Long> visits = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean done;
        long heap = -1, live = -1, states;

        HeapProbe(long limit) {
            this.limit = limit;
        }

        @Override
        public void progress(int worker, long v, long distinct) {
            visits.put(worker, v);
            long total = 0;
            for (long x : visits.values()) {
                total += x;
            }
            if (total >= limit) {
                synchronized (this) {
                    if (!done) {
                        heap = heapAfterGc();
                        states = distinct;
                        live = liveBytes();
                        done = true;
                    }
                }
            }
        }

        @Override
        public boolean cancelled() {
            return done;
        }
    }

    /**
     * {@code scale VISITS [workers]}: the 7-thread scenario under policy continue, stopped after VISITS visits; prints
     * the heap per distinct state (heap after a full collection, less the heap before the search) and the rate.
     * {@code scale full [workers]}: the same to the end (give it -Xmx4g), with the time and the heap at the end.
     */
    static void scale(String[] args) {
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        ExploreBounds b = ExploreBounds.defaults().withWorkers(workers).withMaxVisits(Long.MAX_VALUE);
        Explorer x = new Explorer();
        long before = heapAfterGc();
        long liveBefore = liveBytes();
        double cpu0 = cpuSeconds();
        if (args[1].equals("full")) {
            HeapPeak peak = new HeapPeak();
            ExploreResult r = x.explore(scale7(), Policy.CONTINUE, b, null, peak);
            print("7 threads, to the end", r);
            System.out.printf(Locale.ROOT, "   %.1f CPU s: %,.0f distinct states per CPU second%s%n", cpuSeconds() - cpu0,
                    r.stats().distinctStates() / (cpuSeconds() - cpu0), degraded(r.stats()));
            System.out.printf(Locale.ROOT, "   heap: max %,d MB seen at progress calls (-Xmx %,d MB)%n", peak.max >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            return;
        }
        long limit = Long.parseLong(args[1]);
        HeapProbe probe = new HeapProbe(limit);
        ExploreResult r = x.explore(scale7(), Policy.CONTINUE, b, null, probe);
        print("7 threads, " + limit + " visits", r);
        System.out.printf(Locale.ROOT, "   %.1f CPU s: %,.0f distinct states per CPU second%s%n", cpuSeconds() - cpu0,
                r.stats().distinctStates() / (cpuSeconds() - cpu0), degraded(r.stats()));
        System.out.printf(Locale.ROOT, "   at the stop, %,d distinct states: live objects %,.1f MB more than before the search"
                + " (jcmd GC.class_histogram): %,.0f bytes/state; heap used after System.gc() %,.1f MB more%n",
                probe.states, (probe.live - liveBefore) / 1e6, (probe.live - liveBefore) / (double) Math.max(1, probe.states),
                (probe.heap - before) / 1e6);
    }

    /** "; DEGRADED ..." when the search went on with bit-state hashing (by reflection: older explorers lack it). */
    static String degraded(ExploreResult.Stats st) {
        try {
            long from = (Long) ExploreResult.Stats.class.getMethod("bitStateFrom").invoke(st);
            return from < 0 ? "" : "; DEGRADED to bit-state hashing at " + from + " exact states";
        } catch (ReflectiveOperationException e) {
            return "";
        }
    }

    /** The largest heap in use seen at progress calls; a line on stderr every 30 s. */
    static final class HeapPeak implements ExploreMonitor {
        volatile long max;
        final long t0 = System.nanoTime();
        long next = 30;
        final java.util.concurrent.ConcurrentHashMap<Integer, Long> visits = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public synchronized void progress(int worker, long v, long distinct) {
            Runtime rt = Runtime.getRuntime();
            long used = rt.totalMemory() - rt.freeMemory();
            if (used > max) {
                max = used;
            }
            visits.put(worker, v);
            long s = (System.nanoTime() - t0) / 1_000_000_000L;
            if (s >= next) {
                next = s + 30;
                long total = 0;
                for (long x : visits.values()) {
                    total += x;
                }
                System.err.printf(Locale.ROOT, "  %d s: %,d distinct states, %,d visits, heap %,d MB, %.0f CPU s%n", s,
                        distinct, total, used >> 20, cpuSeconds());
            }
        }
    }

    private static void print(String label, ExploreResult r) {
        ExploreResult.Stats st = r.stats();
        System.out.printf(Locale.ROOT, "   %s: %,d visits, %,d distinct states, %,d ms, %,.0f distinct states/s,"
                + " %,.0f visits/s, %d outcomes (%d bad)%s%n", label, st.visits(), st.distinctStates(), st.millis(),
                st.distinctStatesPerSecond(), st.visits() * 1000.0 / Math.max(1, st.millis()), r.outcomes().size(),
                r.bad().size(), st.truncated() ? ", TRUNCATED" : "");
    }

    public static void main(String[] args) {
        if (args.length > 1 && args[0].equals("scale")) {
            scale(args);
            return;
        }
        int zaps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String which = args.length > 1 ? args[1] : "all";
        Scenario s = scenario(zaps);
        Explorer x = new Explorer();
        // warm-up: the JIT needs a few seconds of the whole search (forks, hashing, both workers) first
        for (Policy p : Policy.values()) {
            x.explore(scenario(2), p, ExploreBounds.defaults(), null, null);
            x.explore(scenario(2), p, ExploreBounds.defaults().withWorkers(1), null, null);
        }
        System.out.println("-- small scenario (2 vCPUs x 3 ops, walker, 1 fast zap), policy continue: exact factors");
        ExploreBounds sb = ExploreBounds.defaults().withWorkers(1);
        ExploreResult sBoth = run(x, small(), Policy.CONTINUE, sb, "hashing + POR, 1 worker ");
        ExploreResult sHash = run(x, small(), Policy.CONTINUE, sb.withReductions(true, false), "hashing only, 1 worker  ");
        ExploreResult sPor = run(x, small(), Policy.CONTINUE, sb.withReductions(false, true), "POR only, 1 worker      ");
        ExploreResult sNone = run(x, small(), Policy.CONTINUE, sb.withReductions(false, false), "no reduction, 1 worker  ");
        System.out.printf(Locale.ROOT, "   reduction in visits: hashing %sx%.1f, POR alone %sx%.2f, POR on top of hashing x%.2f,"
                + " both %sx%.1f; outcomes %d/%d/%d/%d%n", ge(sNone), ratio(sNone, sHash), ge(sNone, sPor),
                ratio(sNone, sPor), ratio(sHash, sBoth), ge(sNone), ratio(sNone, sBoth), sBoth.outcomes().size(),
                sHash.outcomes().size(), sPor.outcomes().size(), sNone.outcomes().size());
        for (Policy p : Policy.values()) {
            if (!which.equals("all") && !which.equals(p.word())) {
                continue;
            }
            System.out.println("-- policy " + p.word() + ", " + zaps + " fast zap(s)");
            ExploreBounds b = ExploreBounds.defaults().withMaxVisits(20_000_000L);
            ExploreResult both = run(x, s, p, b, "hashing + POR, 2 workers");
            ExploreResult both1 = run(x, s, p, b.withWorkers(1), "hashing + POR, 1 worker ");
            ExploreResult hashOnly = run(x, s, p, b.withReductions(true, false).withWorkers(1),
                    "hashing only, 1 worker  ");
            System.out.printf(Locale.ROOT, "   POR on top of hashing: visits x%.2f (unreduced runs: see the small scenario)%n",
                    ratio(hashOnly, both1));
            int bad = both.bad().size();
            System.out.println("   outcomes " + both.outcomes().size() + " (" + bad + " bad)");
        }
    }

    private static String ge(ExploreResult... rs) {
        for (ExploreResult r : rs) {
            if (r.stats().truncated()) {
                return ">=";
            }
        }
        return "";
    }

    private static double ratio(ExploreResult base, ExploreResult reduced) {
        return (double) base.stats().visits() / Math.max(1, reduced.stats().visits());
    }

    private static ExploreResult run(Explorer x, Scenario s, Policy p, ExploreBounds b, String label) {
        ExploreResult r = x.explore(s, p, b, null, null);
        ExploreResult.Stats st = r.stats();
        System.out.printf(Locale.ROOT,
                "   %s: %,10d visits %,9d distinct states %,8d ms %,9.0f distinct states/s %,9.0f visits/s"
                        + " (%,d forks, %,d sim steps, %d tasks%s)%n",
                label, st.visits(), st.distinctStates(), st.millis(), st.distinctStatesPerSecond(),
                st.visits() * 1000.0 / Math.max(1, st.millis()), st.forks(), st.steps(), st.tasks(),
                st.truncated() ? ", TRUNCATED" : "");
        return r;
    }
}
