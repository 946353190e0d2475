/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleException;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.SimThread;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.TraceListener;

/**
 * The schedule explorer: runs every interleaving of a scenario's threads at the points where the
 * kernel can interleave (each choice: which runnable thread runs to its next yield or to the end of
 * its operation; an RCU grace period follows every step, as in {@link Simulation}), within
 * {@link ExploreBounds}, and reports the distinct outcomes with counts and shortest counterexamples.
 *
 * <p>Stateless search: the simulator cannot be cloned, so a node is rebuilt by replaying its path in
 * a fresh {@link Simulation} when the search backtracks to it (the first child of a node reuses the
 * running simulation). Reductions: exact state hashing (a state explored before with no smaller depth,
 * yield count or sleep set is skipped), sleep sets over {@link Simulation#commute}. Livelock
 * (invariant 7): a state that comes back on the current path, modulo root names and report-only
 * counters ({@code Simulation.fingerprint(true, ...)}), with a walker stepping in between and no
 * operation of a non-repeating thread finishing. Both cores: the tree is split at
 * {@link ExploreBounds#splitDepth}, subtrees are dealt round-robin to the workers, each with its own
 * simulations and visited set, and results are merged in a fixed order: deterministic whatever the
 * thread timing.
 */
public final class Explorer {

    private static final TraceListener QUIET = e -> {
    };

    /**
     * Explores {@code scenario} (its explicit schedule is ignored) under {@code policy}.
     *
     * @param expectations checked on every complete run (null: none); a run where it is false is a bad outcome
     * @param monitor      progress and cancellation (null: none)
     */
    public ExploreResult explore(Scenario scenario, Policy policy, ExploreBounds bounds,
            Predicate<RunResult> expectations, ExploreMonitor monitor) {
        long t0 = System.nanoTime();
        Ctx c = new Ctx(scenario, policy, bounds, expectations, monitor == null ? ExploreMonitor.NONE : monitor);
        Worker top = new Worker(c, -1);
        List<Task> tasks = new ArrayList<>();
        top.splitAt = bounds.splitDepth();
        top.tasks = tasks;
        top.runFrom(new Task(new int[0], 0, 0));

        int nw = Math.min(bounds.workers(), Math.max(1, tasks.size()));
        List<Worker> workers = new ArrayList<>();
        for (int w = 0; w < nw; w++) {
            workers.add(new Worker(c, w));
        }
        if (nw == 1) {
            for (Task t : tasks) {
                workers.get(0).runFrom(t);
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(nw, r -> {
                Thread th = new Thread(r, "tdpscope-explore");
                th.setDaemon(true);
                return th;
            });
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int w = 0; w < nw; w++) {
                    Worker wk = workers.get(w);
                    int first = w;
                    fs.add(pool.submit(() -> {
                        for (int i = first; i < tasks.size(); i += nw) {
                            wk.runFrom(tasks.get(i));
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("exploration interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }

        List<Worker> all = new ArrayList<>();
        all.add(top);
        all.addAll(workers);
        Map<Outcome.Key, Acc> merged = new LinkedHashMap<>();
        LongLongMap distinct = new LongLongMap();
        long visits = 0, hashPruned = 0, sleepPruned = 0, cyclesPruned = 0, boundCut = 0, replays = 0, replayed = 0,
                steps = 0;
        boolean truncated = false, cancelled = false;
        for (Worker w : all) {
            for (Map.Entry<Outcome.Key, Acc> e : w.outcomes.entrySet()) {
                merged.merge(e.getKey(), e.getValue().copy(), Acc::absorb);
            }
            w.visited.addKeysTo(distinct);
            visits += w.visits;
            hashPruned += w.hashPruned;
            sleepPruned += w.sleepPruned;
            cyclesPruned += w.cyclesPruned;
            boundCut += w.boundCut;
            replays += w.replays;
            replayed += w.replayedSteps;
            steps += w.steps;
            truncated |= w.truncated;
            cancelled |= w.cancelled;
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<Outcome.Key, Acc> e : merged.entrySet()) {
            Acc a = e.getValue();
            outcomes.add(new Outcome(e.getKey(), a.count, Arrays.asList(a.stem), Arrays.asList(a.cycle),
                    a.cycle.length == 0 ? 0 : Simulation.LIVELOCK_RESTARTS + 1));
        }
        outcomes.sort((x, y) -> x.kind() != y.kind() ? x.kind().compareTo(y.kind())
                : x.key().toString().compareTo(y.key().toString()));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        ExploreResult.Stats stats = new ExploreResult.Stats(visits, distinct.size(), hashPruned, sleepPruned,
                cyclesPruned, boundCut, replays, replayed, steps, millis, tasks.size(), truncated, cancelled);
        return new ExploreResult(c.base, policy, outcomes, stats);
    }

    /** What every worker shares (read-only). */
    private static final class Ctx {
        final Scenario base;
        final Policy policy;
        final ExploreBounds bounds;
        final Predicate<RunResult> expectations;
        final ExploreMonitor monitor;
        final Map<String, Integer> periods = new HashMap<>();
        final String[] names;
        final long nonRepeating;

        Ctx(Scenario scenario, Policy policy, ExploreBounds bounds, Predicate<RunResult> expectations,
                ExploreMonitor monitor) {
            this.policy = policy;
            this.bounds = bounds;
            this.expectations = expectations;
            this.monitor = monitor;
            base = scenario.copy();
            base.schedule = null;
            for (String r : bounds.repeating()) {
                boolean found = false;
                for (int i = 0; i < base.threads.size(); i++) {
                    Scenario.ThreadSpec t = base.threads.get(i);
                    if (t.name().equals(r) && !t.ops().isEmpty()) {
                        List<Op> ops = new ArrayList<>();
                        for (int k = 0; k < bounds.unroll(); k++) {
                            ops.addAll(t.ops());
                        }
                        base.threads.set(i, new Scenario.ThreadSpec(t.name(), t.kind(), ops));
                        periods.put(t.name(), t.ops().size());
                        found = true;
                    }
                }
                if (!found) {
                    throw new IllegalArgumentException("no thread with operations named " + r + " to repeat");
                }
            }
            Simulation probe = new Simulation(base, policy, QUIET);
            probe.start();
            List<SimThread> ts = probe.threads();
            if (ts.size() > 31) {
                throw new IllegalArgumentException("the explorer handles at most 31 threads");
            }
            names = new String[ts.size()];
            long nr = 0;
            for (int i = 0; i < names.length; i++) {
                names[i] = ts.get(i).name();
                if (!periods.containsKey(names[i])) {
                    nr |= 1L << i;
                }
            }
            nonRepeating = nr;
        }
    }

    /** A subtree to explore: the path from the root, the sleep set and yield count there. */
    private record Task(int[] path, long sleep, int yields) {
    }

    /** Per outcome: how often, and the best (shortest, then lowest thread order) schedule so far. */
    private static final class Acc {
        long count;
        int[] order;
        ScheduleStep[] stem;
        ScheduleStep[] cycle;

        Acc copy() {
            Acc a = new Acc();
            a.count = count;
            a.order = order;
            a.stem = stem;
            a.cycle = cycle;
            return a;
        }

        boolean better(int[] o) {
            if (o.length != order.length) {
                return o.length < order.length;
            }
            return Arrays.compare(o, order) < 0;
        }

        Acc absorb(Acc other) {
            count += other.count;
            if (better(other.order)) {
                order = other.order;
                stem = other.stem;
                cycle = other.cycle;
            }
            return this;
        }
    }

    /** One depth-first search with its own simulations; nothing in the simulator is thread-safe. */
    private static final class Worker {
        final Ctx c;
        final int id;
        final int maxDepth;
        final Map<Outcome.Key, Acc> outcomes = new HashMap<>();
        final LongLongMap visited = new LongLongMap();
        final Map<Long, Integer> onPath = new HashMap<>();
        final int[] path;
        final ScheduleStep[] stepAt;
        final int[] nonRepSteps;
        final int[] nonRepDone;
        int splitAt = -1;
        List<Task> tasks;
        Simulation sim;
        int simLen = -1;
        long visits, hashPruned, sleepPruned, cyclesPruned, boundCut, replays, replayedSteps, steps;
        boolean truncated, cancelled;

        Worker(Ctx c, int id) {
            this.c = c;
            this.id = id;
            this.maxDepth = c.bounds.maxDepth();
            path = new int[maxDepth + 1];
            stepAt = new ScheduleStep[maxDepth + 1];
            nonRepSteps = new int[maxDepth + 2];
            nonRepDone = new int[maxDepth + 2];
        }

        /** Replays the task's path (rebuilding the path bookkeeping and symmetric states on it), then searches. */
        void runFrom(Task t) {
            if (cancelled) {
                return;
            }
            onPath.clear();
            sim = fresh();
            int d = 0;
            for (int i : t.path()) {
                onPath.put(sim.fingerprint(true, c.periods), d);
                take(d, i);
                d++;
            }
            simLen = d;
            dfs(d, t.sleep(), t.yields());
        }

        private Simulation fresh() {
            Simulation s = new Simulation(c.base, c.policy, QUIET);
            s.start();
            return s;
        }

        /** Takes thread {@code i}'s step as the {@code d}-th of the path. */
        private void take(int d, int i) {
            ScheduleStep st = sim.stepOnce(c.names[i]);
            steps++;
            path[d] = i;
            stepAt[d] = st;
            boolean nr = (c.nonRepeating >>> i & 1) != 0;
            nonRepSteps[d + 1] = nonRepSteps[d] + (nr ? 1 : 0);
            nonRepDone[d + 1] = nonRepDone[d] + (nr && st.kind() == ScheduleStep.Kind.OPS ? 1 : 0);
        }

        /** Makes {@link #sim} stand at the node of depth {@code d} on the current path. */
        private void ensure(int d) {
            if (simLen == d) {
                return;
            }
            sim = fresh();
            for (int k = 0; k < d; k++) {
                sim.stepOnce(c.names[path[k]]);
            }
            replays++;
            replayedSteps += d;
            steps += d;
            simLen = d;
        }

        private void dfs(int d, long sleep, int yields) {
            visits++;
            if ((visits & 4095) == 0) {
                c.monitor.progress(id, visits, visited.size());
                if (c.monitor.cancelled()) {
                    cancelled = true;
                }
            }
            if (cancelled || visits > c.bounds.maxVisits()) {
                truncated = true;
                return;
            }
            long sym = sim.fingerprint(true, c.periods);
            Integer j = onPath.get(sym);
            if (j != null) {
                if (nonRepSteps[d] - nonRepSteps[j] > 0 && nonRepDone[d] - nonRepDone[j] == 0) {
                    record(Outcome.Kind.LIVELOCK, d, j);
                } else {
                    cyclesPruned++;
                }
                return;
            }
            long exact = sim.fingerprint(false, c.periods);
            long stored = visited.get(exact, -1);
            if (stored != -1 && c.bounds.stateHashing()) {
                int sd = (int) (stored >>> 48);
                int sy = (int) (stored >>> 32 & 0xFFFF);
                long ss = stored & 0xFFFFFFFFL;
                if (sd <= d && sy <= yields && (ss & ~sleep) == 0) {
                    hashPruned++;
                    return;
                }
            }
            visited.put(exact, (long) d << 48 | (long) Math.min(yields, 0xFFFF) << 32 | sleep & 0xFFFFFFFFL);

            boolean allDone = true;
            long enabled = 0;
            for (int i = 0; i < c.names.length; i++) {
                if ((c.nonRepeating >>> i & 1) != 0 && !sim.thread(c.names[i]).finished()) {
                    allDone = false;
                }
                if (sim.canStep(c.names[i])) {
                    enabled |= 1L << i;
                }
            }
            if (allDone) {
                record(Outcome.Kind.COMPLETE, d, -1);
                return;
            }
            if (enabled == 0) {
                record(Outcome.Kind.DEADLOCK, d, -1);
                return;
            }
            if (d >= maxDepth || yields > c.bounds.maxYields()) {
                boundCut++;
                if (!sim.kvm().violations().isEmpty()) {
                    record(Outcome.Kind.BOUND, d, -1);
                }
                return;
            }
            if (d == splitAt) {
                tasks.add(new Task(Arrays.copyOf(path, d), sleep, yields));
                return;
            }
            onPath.put(sym, d);
            long done = 0;
            for (int i = 0; i < c.names.length && !cancelled; i++) {
                if ((enabled >>> i & 1) == 0) {
                    continue;
                }
                if ((sleep >>> i & 1) != 0) {
                    sleepPruned++;
                    continue;
                }
                ensure(d);
                long childSleep = 0;
                if (c.bounds.partialOrder()) {
                    long cand = (sleep | done) & enabled;
                    while (cand != 0) {
                        int u = Long.numberOfTrailingZeros(cand);
                        cand &= cand - 1;
                        if (sim.commute(c.names[u], c.names[i])) {
                            childSleep |= 1L << u;
                        }
                    }
                }
                try {
                    take(d, i);
                } catch (ScheduleException e) {
                    path[d] = i;
                    stepAt[d] = ScheduleStep.ops(c.names[i], 1);
                    recordError(d + 1, e);
                    simLen = -1;
                    done |= 1L << i;
                    continue;
                }
                simLen = d + 1;
                dfs(d + 1, childSleep, yields + (stepAt[d].kind() == ScheduleStep.Kind.UNTIL_YIELD ? 1 : 0));
                simLen = -1;
                done |= 1L << i;
            }
            onPath.remove(sym);
        }

        private Outcome.Key key(Outcome.Kind kind, List<String> extraViolations) {
            Map<String, List<List<String>>> walks = new LinkedHashMap<>();
            for (SimThread t : sim.threads()) {
                if (t.kind() == Scenario.ThreadKind.WALKER) {
                    List<List<String>> ws = new ArrayList<>();
                    for (List<String> w : t.walks()) {
                        ws.add(List.copyOf(w));
                    }
                    walks.put(t.name(), Collections.unmodifiableList(ws));
                }
            }
            TreeSet<String> v = new TreeSet<>(extraViolations);
            for (TraceEvent e : sim.kvm().violations()) {
                v.add(e.invariant().word() + (e.root() != null ? " " + e.root() : ""));
            }
            Boolean hold = null;
            if (kind == Outcome.Kind.COMPLETE && c.expectations != null) {
                try {
                    hold = c.expectations.test(new RunResult(sim, true, null));
                } catch (RuntimeException e) {
                    hold = false;
                }
            }
            return new Outcome.Key(kind, Collections.unmodifiableMap(walks), List.copyOf(sim.listedRootNames()),
                    List.copyOf(v), hold);
        }

        private void record(Outcome.Kind kind, int d, int cycleAt) {
            Outcome.Key k = key(kind, List.of());
            add(k, d, cycleAt);
        }

        private void recordError(int d, ScheduleException e) {
            Outcome.Key k = key(Outcome.Kind.ERROR, List.of("error: " + e.getMessage()));
            add(k, d, -1);
        }

        private void add(Outcome.Key k, int d, int cycleAt) {
            Acc a = outcomes.get(k);
            int[] order = Arrays.copyOf(path, d);
            if (a == null) {
                a = new Acc();
                a.order = null;
                outcomes.put(k, a);
            }
            a.count++;
            if (a.order == null || a.better(order)) {
                a.order = order;
                int stemLen = cycleAt < 0 ? d : cycleAt;
                a.stem = Arrays.copyOf(stepAt, stemLen);
                a.cycle = cycleAt < 0 ? new ScheduleStep[0] : Arrays.copyOfRange(stepAt, cycleAt, d);
            }
        }
    }
}
