/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;

/**
 * Swarm search, for state spaces too large to exhaust: N independent depth-first searches of the same scenario, each
 * with its own seed, its own order of trying threads at every node (drawn from the seed), its own depth bound and its
 * own visited states, each under a visit budget (and all under an optional time bound); their outcomes are merged.
 * Different members go deep in different corners, so together they find what one ordered search would reach only
 * after a long time; none of them (nor all together) is exhaustive, and the result says so
 * ({@link ExploreResult#coverage}).
 *
 * <p>Reproducible: a member depends only on the seed, its number and the bounds (it shares nothing with the others
 * while it runs), so the same seed and visit budget give the same outcomes, counts and counterexamples whatever the
 * number of worker threads; a time bound stops members wherever they are. Counterexamples are ordinary schedules.
 */
public final class Swarm {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /**
     * Runs {@code members} randomized searches of {@code scenario} under {@code policy}.
     *
     * @param bounds           depth, yields, reductions, repeating threads and invalidations as for {@link Explorer};
     *                         {@code workers} members run at a time; {@code maxVisits} is each member's visit budget
     * @param seed             the swarm's seed: member {@code m} draws from a seed made of it and {@code m}
     * @param timeLimitMillis  stop every member after this long (0 or less: no time bound)
     * @param monitor          progress (worker number = member number) and cancellation (null: none)
     */
    public ExploreResult explore(Scenario scenario, Policy policy, ExploreBounds bounds, int members, long seed,
            long timeLimitMillis, Predicate<RunResult> expectations, ExploreMonitor monitor) {
        if (members < 1) {
            throw new IllegalArgumentException("a swarm needs at least one member");
        }
        long t0 = System.nanoTime();
        ExploreMonitor outer = monitor == null ? ExploreMonitor.NONE : monitor;
        long deadline = timeLimitMillis > 0 ? t0 + timeLimitMillis * 1_000_000 : Long.MAX_VALUE;
        ExploreMonitor m = new ExploreMonitor() {
            @Override
            public void progress(int worker, long visits, long distinctStates) {
                outer.progress(worker, visits, distinctStates);
            }

            @Override
            public void progress(int worker, long visits, long distinctStates, int depth) {
                outer.progress(worker, visits, distinctStates, depth);
            }

            @Override
            public boolean cancelled() {
                return outer.cancelled() || System.nanoTime() > deadline;
            }
        };
        int running = Math.min(bounds.workers(), members);
        long budget = VisitedStates.defaultBudget();
        // half the budget for the states all members saw, the rest shared by the members running at a time
        Explorer.Ctx shared = new Explorer.Ctx(scenario, policy, bounds, expectations, m, budget / 2);
        long memberBudget = budget / 2 / running;
        Explorer.Worker[] done = new Explorer.Worker[members];
        AtomicInteger next = new AtomicInteger();
        Runnable loop = () -> {
            for (int i = next.getAndIncrement(); i < members; i = next.getAndIncrement()) {
                done[i] = member(scenario, policy, bounds, expectations, m, memberBudget, seed, i, shared.visited);
            }
        };
        if (running == 1) {
            loop.run();
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(running, r -> {
                Thread th = new Thread(r, "tdpscope-swarm");
                th.setDaemon(true);
                return th;
            });
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int w = 0; w < running; w++) {
                    fs.add(pool.submit(loop));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("swarm interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        List<Explorer.Worker> all = new ArrayList<>();
        long visits = 0;
        int started = 0;
        for (Explorer.Worker w : done) {
            if (w != null) {
                all.add(w);
                visits += w.visits;
                started++;
            }
        }
        long distinct = shared.visited.size();
        String coverage = String.format(Locale.ROOT, "swarm: %d member%s%s, %,d visits, %,d distinct states seen%s;"
                + " not exhaustive", members, members == 1 ? "" : "s",
                started < members ? " (" + started + " started before the stop)" : "", visits,
                distinct, shared.visited.degradedAt() >= 0 ? " (about: bit-state counted)" : "");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return Explorer.merge(shared, all, distinct, -1, millis, members, coverage);
    }

    /** Member {@code i}: its own random order, depth bound and visited states. */
    private static Explorer.Worker member(Scenario scenario, Policy policy, ExploreBounds bounds,
            Predicate<RunResult> expectations, ExploreMonitor m, long visitedBudget, long seed, int i,
            VisitedSet seen) {
        if (m.cancelled()) {
            return null;
        }
        Random rnd = new Random(mix(seed + GOLDEN * (i + 1)));
        Explorer.Ctx c = new Explorer.Ctx(scenario, policy, bounds, expectations, m, visitedBudget);
        Explorer.Worker w = new Explorer.Worker(c, i);
        w.random = rnd;
        w.seen = seen;
        // member 0 keeps the full depth; the others a bound between half of it and all of it
        int full = bounds.maxDepth();
        w.maxDepth = i == 0 ? full : Math.max(1, full / 2 + rnd.nextInt(full - full / 2 + 1));
        w.runFrom(new Explorer.Task(new int[0], 0, 0));
        return w;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
