/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.explore.cluster.ClusterJob;
import org.tdpscope.explore.cluster.ClusterMember;
import org.tdpscope.explore.cluster.ClusterOptions;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.explore.ExploreBounds;
import org.tdpscope.sim.explore.ExploreMonitor;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Swarm;

/**
 * The command-line side of explorations that outgrow one search in one JVM: {@code explore FILE --swarm N --seed S},
 * {@code explore FILE --cluster} (entry points taking parsed values, so the option parser stays in {@link Main}),
 * and the note an exhaustive search prints when it is not a complete answer.
 */
final class ExploreScale {

    // the exit statuses of Main (0 no bad outcome, 1 a bad outcome, 2 bad input, 4 stopped early)
    static final int OK = 0, FAILED = 1, BAD_INPUT = 2, TRUNCATED = 4;

    private ExploreScale() {
    }

    /**
     * {@code explore FILE --swarm N --seed S [--time D] [--max-visits V]}: {@code members} randomized depth-first
     * searches per kernel and policy, each with at most {@code visitsPerMember} visits, all within {@code budget}
     * (null: no time bound); prints the merged outcomes, the coverage ("not exhaustive") and the shortest schedule
     * found to each bad outcome. Progress on {@code err}; Ctrl-C and SIGTERM print what was found so far.
     *
     * @return 1 when a bad outcome was found, 4 when stopped by a signal, 2 for a scenario that cannot be explored,
     *         otherwise 0 (which, for a swarm, means none was found, not that there is none)
     */
    static int swarm(LoadedScenario loaded, List<KernelRules> kernels, List<Policy> policies, ExploreBounds bounds,
            boolean expectations, int members, long seed, Duration budget, PrintStream out, PrintStream err) {
        int result = OK;
        long millis = budget == null ? -1 : budget.toMillis();
        for (KernelRules kernel : kernels) {
            for (Policy policy : policies) {
                if (ExploreProgress.signalled()) {
                    return Math.max(result, TRUNCATED);
                }
                Predicate<RunResult> check = expectations ? loaded.expectationsPredicate(kernel, policy) : null;
                ExploreProgress progress = new ExploreProgress(err, -1);
                ExploreResult r;
                try {
                    progress.start();
                    // the time bound is the swarm's own: it stops members quietly, not as an interruption
                    r = new Swarm().explore(loaded.scenarioFor(kernel), policy, bounds, members, seed, millis, check,
                            progress);
                } catch (IllegalArgumentException e) {
                    progress.stop();
                    err.println(loaded.file() + ":1:1: error: cannot explore: " + e.getMessage());
                    return BAD_INPUT;
                }
                progress.stop();
                out.println("== " + loaded.name() + " — swarm search under " + policy.word() + " (kernel "
                        + kernel.word() + ", seed " + seed + ")");
                ExploreResult.Stats st = r.stats();
                out.printf(Locale.ROOT, "  bounds: depth %d, %d yields, %,d visits per member%s%n", bounds.maxDepth(),
                        bounds.maxYields(), bounds.maxVisits(), millis > 0 ? ", " + budget.toSeconds() + " s" : "");
                out.printf(Locale.ROOT, "  %s (%.1f s)%n", r.coverage(), st.millis() / 1000.0);
                if (st.cancelled() && ExploreProgress.signalled()) {
                    out.println("  TRUNCATED: " + progress.why() + "; the outcomes below are those found so far");
                    result = Math.max(result, TRUNCATED);
                }
                ExploreReport.summary(out, r.outcomes(), null); // as explore prints them: kernel words, grouped
                if (!r.bad().isEmpty()) {
                    result = Math.max(result, FAILED);
                }
                out.flush();
                progress.printed();
            }
        }
        return result;
    }

    /**
     * For {@code explore} (exhaustive): a line saying the search went on with bit-state hashing after running out of
     * memory, or nothing. Main prints it after the figures line.
     */
    static void degradedNote(ExploreResult r, PrintStream out) {
        if (r.stats().degraded()) {
            out.printf(Locale.ROOT, "  NOT EXHAUSTIVE: the visited states outgrew the heap at %,d; the search went on"
                    + " with bit-state hashing (states may be missed, schedules may not be the shortest); give the JVM"
                    + " more heap (-Xmx) or use --swarm%n", r.stats().bitStateFrom());
        }
    }

    /**
     * {@code explore FILE --cluster [--bind ADDR:PORT] [--members HOST:PORT,...] [--expect-members N]}: this JVM
     * starts (or joins) a cluster of {@code tdpscope worker} members and coordinates each search on it; the searches
     * give what one JVM gives. Close it after the last search (it leaves the cluster).
     */
    static final class Cluster implements AutoCloseable {
        private final ClusterMember member;
        private final PrintStream err;

        private Cluster(ClusterMember member, PrintStream err) {
            this.member = member;
            this.err = err;
        }

        /** One search (as {@code Explorer.explore}) over the cluster's members. */
        ExploreResult explore(LoadedScenario loaded, KernelRules kernel, Policy policy, ExploreBounds bounds,
                boolean expectations, Predicate<RunResult> check, ExploreMonitor monitor) {
            ClusterJob job = ClusterJob.of(loaded, kernel, policy, bounds, expectations);
            ClusterJob.Resolved here = new ClusterJob.Resolved(loaded.scenarioFor(kernel), policy, bounds, check);
            ClusterMember.Run run;
            try {
                run = member.explore(job, here, monitor, err::println);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e); // said as "cannot explore: ..."
            }
            err.printf(Locale.ROOT, "cluster: searched on %d member%s%s%n", run.members(), run.members() == 1 ? ""
                    : "s", run.restarts() == 0 ? "" : ", started again " + run.restarts() + " time"
                            + (run.restarts() == 1 ? "" : "s") + " (" + run.restartReason() + ")");
            return run.result();
        }

        @Override
        public void close() {
            member.close();
        }
    }

    /** Starts this JVM's member for {@code explore --cluster} and waits for the members expected. */
    static Cluster cluster(ExploreCommand c, int threads, PrintStream err) {
        Integer expect = null;
        if (c.expectMembers != null) {
            try {
                expect = Integer.parseInt(c.expectMembers);
            } catch (NumberFormatException e) {
                expect = 0;
            }
            if (expect < 1) {
                throw new Main.UsageException("--expect-members wants a number of members, 1 or more, not '"
                        + c.expectMembers + "'");
            }
        }
        ClusterOptions o;
        try {
            o = ClusterOptions.parse(c.bind, c.members, c.clusterName, threads);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        ClusterMember m;
        try {
            m = ClusterMember.start(o, err);
        } catch (IllegalStateException e) {
            throw new Main.UsageException(e.getMessage());
        }
        err.println("cluster: coordinator at " + m.address() + " (cluster '" + o.name() + "'); on other machines: "
                + "tdpscope worker --join " + m.address());
        if (expect != null) {
            try {
                while (m.members() < expect) {
                    err.println("cluster: waiting for " + expect + " members (" + m.members() + " so far)");
                    m.awaitMembers(expect, 10_000, () -> false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Cluster(m, err);
    }
}
