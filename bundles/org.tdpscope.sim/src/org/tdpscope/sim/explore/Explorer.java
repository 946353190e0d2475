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
import java.util.concurrent.atomic.AtomicInteger;
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
import org.tdpscope.sim.mmu.HostMemory;

/**
 * The schedule explorer: runs every interleaving of a scenario's threads at the points where the
 * kernel can interleave (each choice: which runnable thread runs to its next yield or to the end of
 * its operation; an RCU grace period follows every step, as in {@link Simulation}), within
 * {@link ExploreBounds}, and reports the distinct outcomes with counts and shortest counterexamples.
 *
 * <p>Depth-first search that branches by forking the simulator ({@link Simulation#fork}, copy on
 * write): a node's later children start from a fork taken before its first child ran, so nothing is
 * replayed except the short path to each worker's subtree. Reductions: exact state hashing (a state
 * explored before no deeper, with no more yields, no larger sleep set and, at equal depth, along a
 * path that comes first, is skipped), sleep sets over {@link Simulation#commute}. Livelock
 * (invariant 7): a state that comes back on the current path, modulo root names and report-only
 * counters ({@code Simulation.fingerprint(true, ...)}), with a walker stepping in between and no
 * operation of a non-repeating thread finishing. Both cores: the tree is split at
 * {@link ExploreBounds#splitDepth}, workers take subtrees from a queue and share the visited states.
 * What is reported does not depend on thread timing: the outcomes, their counts (distinct states
 * each was seen in), the distinct-state total and each outcome's counterexample (the shortest, and
 * the first in thread order among the shortest: the path-order rule above keeps a worker that got
 * somewhere late with a better path from being cut). Visit and pruning figures do vary a little.
 */
public final class Explorer {

    private static final TraceListener QUIET = TraceListener.NONE;

    /**
     * Explores {@code scenario} (its explicit schedule is ignored) under {@code policy}.
     *
     * @param expectations checked on every complete run (null: none); a run where it is false is a bad outcome
     * @param monitor      progress and cancellation (null: none)
     */
    public ExploreResult explore(Scenario scenario, Policy policy, ExploreBounds bounds,
            Predicate<RunResult> expectations, ExploreMonitor monitor) {
        return explore(scenario, policy, bounds, expectations, monitor, VisitedStates.defaultBudget());
    }

    /** As above, the visited states' tables limited to {@code visitedBudget} bytes (then bit-state hashing). */
    ExploreResult explore(Scenario scenario, Policy policy, ExploreBounds bounds, Predicate<RunResult> expectations,
            ExploreMonitor monitor, long visitedBudget) {
        long t0 = System.nanoTime();
        Ctx c = new Ctx(scenario, policy, bounds, expectations, monitor == null ? ExploreMonitor.NONE : monitor,
                visitedBudget);
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
                AtomicInteger next = new AtomicInteger();
                for (int w = 0; w < nw; w++) {
                    Worker wk = workers.get(w);
                    fs.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < tasks.size(); i = next.getAndIncrement()) {
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
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return merge(c, all, c.visited.size(), c.visited.degradedAt(), millis, tasks.size(), null);
    }

    /** The workers' outcomes merged (what each reports does not depend on which worker found it) and their figures. */
    static ExploreResult merge(Ctx c, List<Worker> all, long distinct, long bitStateFrom, long millis, int ntasks,
            String coverage) {
        Map<Outcome.Key, Acc> merged = new LinkedHashMap<>();
        long visits = 0, hashPruned = 0, sleepPruned = 0, cyclesPruned = 0, boundCut = 0, replays = 0, replayed = 0,
                forks = 0, steps = 0;
        boolean truncated = false, cancelled = false;
        for (Worker w : all) {
            for (Map.Entry<Outcome.Key, Acc> e : w.outcomes.entrySet()) {
                merged.merge(e.getKey(), e.getValue().copy(), Acc::absorb);
            }
            visits += w.visits;
            hashPruned += w.hashPruned;
            sleepPruned += w.sleepPruned;
            cyclesPruned += w.cyclesPruned;
            boundCut += w.boundCut;
            replays += w.replays;
            replayed += w.replayedSteps;
            forks += w.forks;
            steps += w.steps;
            truncated |= w.truncated;
            cancelled |= w.cancelled;
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<Outcome.Key, Acc> e : merged.entrySet()) {
            Acc a = e.getValue();
            outcomes.add(new Outcome(e.getKey(), a.states.size(), Arrays.asList(a.stem), Arrays.asList(a.cycle),
                    a.cycle.length == 0 ? 0 : Simulation.LIVELOCK_RESTARTS + 1));
        }
        outcomes.sort((x, y) -> x.kind() != y.kind() ? x.kind().compareTo(y.kind())
                : x.key().toString().compareTo(y.key().toString()));
        ExploreResult.Stats stats = new ExploreResult.Stats(visits, distinct, hashPruned, sleepPruned,
                cyclesPruned, boundCut, replays, replayed, forks, steps, millis, ntasks, truncated, cancelled,
                bitStateFrom);
        return new ExploreResult(c.base, c.policy, outcomes, stats, coverage);
    }

    /** What every worker shares (read-only). */
    static final class Ctx {
        final Scenario base;
        final Policy policy;
        final ExploreBounds bounds;
        final Predicate<RunResult> expectations;
        final ExploreMonitor monitor;
        final Map<String, Integer> periods = new HashMap<>();
        /** {@link #periods} by thread index (0: the thread does not repeat). */
        final int[] periodAt;
        /** The threads in declaration order: a thread's index here is its index in every {@link Simulation}. */
        final String[] names;
        final long nonRepeating;
        final VisitedSet visited;
        /** Bits per thread choice in a path order. */
        final int choiceBits;

        Ctx(Scenario scenario, Policy policy, ExploreBounds bounds, Predicate<RunResult> expectations,
                ExploreMonitor monitor, long visitedBudget) {
            this(scenario, policy, bounds, expectations, monitor, visitedBudget, null);
        }

        /** With {@code shared} (not null) as the visited states instead of a table of this JVM's. */
        Ctx(Scenario scenario, Policy policy, ExploreBounds bounds, Predicate<RunResult> expectations,
                ExploreMonitor monitor, long visitedBudget, VisitedSet shared) {
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
            periodAt = probe.periodsOf(periods);
            choiceBits = VisitedStates.choiceBits(names.length);
            visited = shared != null ? shared
                    : new VisitedStates(names.length, bounds.maxDepth(), bounds.maxYields(), visitedBudget,
                            bounds.splitDepth());
        }
    }

    /** A subtree to explore: the path from the root, the sleep set and yield count there. */
    record Task(int[] path, long sleep, int yields) {
    }

    /**
     * Per outcome: the distinct states it was seen in (its count: the same whichever worker finds them), and the
     * best (shortest, then lowest thread order) schedule so far.
     */
    static final class Acc {
        final LongSet states = new LongSet();
        int[] order;
        ScheduleStep[] stem;
        ScheduleStep[] cycle;

        Acc copy() {
            Acc a = new Acc();
            states.addAllTo(a.states);
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
            other.states.addAllTo(states);
            if (better(other.order)) {
                order = other.order;
                stem = other.stem;
                cycle = other.cycle;
            }
            return this;
        }
    }

    /** A node's children between being stepped and being searched ({@code Worker.batched}). */
    static final class Batch {
        final Simulation[] sims;
        final int[] thread;
        final ScheduleStep[] step;
        final int[] inv, nrSteps, nrDone, yields, kYields;
        final long[] order, sleep, sym, exact, kStates, kSleep, kOrder;
        final boolean[] check, kSkip;

        Batch(int n) {
            sims = new Simulation[n];
            thread = new int[n];
            step = new ScheduleStep[n];
            inv = new int[n];
            nrSteps = new int[n];
            nrDone = new int[n];
            yields = new int[n];
            kYields = new int[n];
            order = new long[n];
            sleep = new long[n];
            sym = new long[n];
            exact = new long[n];
            kStates = new long[n];
            kSleep = new long[n];
            kOrder = new long[n];
            check = new boolean[n];
            kSkip = new boolean[n];
        }
    }

    /** One depth-first search with its own simulations (nothing in the simulator is thread-safe). */
    static final class Worker {
        final Ctx c;
        final int id;
        int maxDepth;
        /** Swarm members: the order children are tried in is drawn from this (null: thread order). */
        java.util.Random random;
        /** Swarm: every state this member explores is also put here, for the distinct states all members saw. */
        VisitedSet seen;
        private final int[][] orderBuf;
        final Map<Outcome.Key, Acc> outcomes = new HashMap<>();
        /** The symmetric hash of the state at each depth of the current path (a livelock comes back to one). */
        final long[] symAt;
        final int[] path;
        final ScheduleStep[] stepAt;
        final int[] nonRepSteps;
        final int[] nonRepDone;
        /** Invalidation operations started before depth d (for {@link ExploreBounds#maxInvalidations}). */
        final int[] invStarted;
        /**
         * The first 12 thread choices of the path to depth d, {@code Ctx.choiceBits} bits each (3 for 5 to 8
         * threads), first choice highest: among paths of equal length, unsigned order of these is path order (paths
         * that agree this far are in one subtree, which one worker searches in order). Packed this tightly, the
         * visited states keep it in the same long as depth, yields and sleep set.
         */
        final long[] orderAt;
        int splitAt = -1;
        /** Per depth: a node's children stepped and their visits recorded together (null: one child at a time). */
        Batch[] batch;
        /** The exact hash of the state being looked at (an outcome counts distinct states). */
        long exact;
        /** The symmetric and exact fingerprints of the state just stepped to (one pass computes both). */
        private final long[] fp = new long[2];
        List<Task> tasks;
        /**
         * The table pages of the simulations on the search's path, reused in stack order: each child's are free
         * once its subtree is searched (see {@link #dfsFrom}).
         */
        private final HostMemory.PageArena pages = new HostMemory.PageArena();
        Simulation sim;
        long visits, hashPruned, sleepPruned, cyclesPruned, boundCut, replays, replayedSteps, steps, forks;
        boolean truncated, cancelled;

        Worker(Ctx c, int id) {
            this.c = c;
            this.id = id;
            this.maxDepth = c.bounds.maxDepth();
            path = new int[maxDepth + 1];
            stepAt = new ScheduleStep[maxDepth + 1];
            nonRepSteps = new int[maxDepth + 2];
            nonRepDone = new int[maxDepth + 2];
            invStarted = new int[maxDepth + 2];
            orderAt = new long[maxDepth + 2];
            symAt = new long[maxDepth + 2];
            orderBuf = new int[maxDepth + 2][c.names.length];
            batch = c.visited.batches() ? new Batch[maxDepth + 2] : null;
        }

        /** Replays the task's path (rebuilding the path bookkeeping and symmetric states on it), then searches. */
        void runFrom(Task t) {
            if (cancelled) {
                return;
            }
            HostMemory.use(pages);
            try {
                sim = fresh();
                int d = 0;
                for (int i : t.path()) {
                    symAt[d] = sim.fingerprint(true, c.periods);
                    take(d, i);
                    d++;
                }
                replays++;
                replayedSteps += d;
                dfs(d, t.sleep(), t.yields());
            } finally {
                sim = null;
                pages.reset(0);
                HostMemory.use(null);
            }
        }

        /**
         * The schedule steps of {@code order} (thread choices from the root), replayed on a fresh simulation: what
         * {@code stepAt} held when the path was explored (the simulation is deterministic), a refused last step as
         * the search records it.
         */
        ScheduleStep[] replaySteps(int[] order) {
            sim = fresh();
            ScheduleStep[] out = new ScheduleStep[order.length];
            for (int d = 0; d < order.length; d++) {
                try {
                    take(d, order[d]);
                } catch (ScheduleException e) {
                    stepAt[d] = ScheduleStep.ops(c.names[order[d]], 1);
                }
                out[d] = stepAt[d];
            }
            sim = null;
            return out;
        }

        private Simulation fresh() {
            Simulation s = new Simulation(c.base, c.policy, QUIET);
            s.start();
            return s;
        }

        /** Takes thread {@code i}'s step as the {@code d}-th of the path. */
        private void take(int d, int i) {
            invStarted[d + 1] = invStarted[d] + (isInvalidation(sim.thread(i).nextOp()) ? 1 : 0);
            orderAt[d + 1] = d < VisitedStates.ORDER_CHOICES
                    ? orderAt[d] | (long) i << c.choiceBits * (VisitedStates.ORDER_CHOICES - 1 - d)
                    : orderAt[d];
            ScheduleStep st = sim.stepOnce(i);
            steps++;
            path[d] = i;
            stepAt[d] = st;
            boolean nr = (c.nonRepeating >>> i & 1) != 0;
            nonRepSteps[d + 1] = nonRepSteps[d] + (nr ? 1 : 0);
            nonRepDone[d + 1] = nonRepDone[d] + (nr && st.kind() == ScheduleStep.Kind.OPS ? 1 : 0);
        }

        private void dfs(int d, long sleep, int yields) {
            dfsFrom(d, sleep, yields, false, 0, 0);
        }

        /**
         * {@code checked}: the visit was recorded already (a batch of a node's children, see {@link #batched}), with
         * {@code checkedSym} and {@code checkedExact} its hashes, and was not to be skipped.
         */
        private void dfsFrom(int d, long sleep, int yields, boolean checked, long checkedSym, long checkedExact) {
            if (d == splitAt) {
                tasks.add(new Task(Arrays.copyOf(path, d), sleep, yields));
                return;
            }
            visits++;
            if ((visits & 4095) == 0) {
                c.monitor.progress(id, visits, c.visited.size(), d);
                if (c.monitor.cancelled()) {
                    cancelled = true;
                }
            }
            if (cancelled || visits > c.bounds.maxVisits()) {
                truncated = true;
                return;
            }
            long sym;
            long exact;
            if (checked) {
                sym = checkedSym;
                exact = checkedExact;
            } else {
                sim.fingerprints(c.periodAt, fp);
                sym = fp[0];
                int j = 0;
                while (j < d && symAt[j] != sym) {
                    j++;
                }
                if (j < d) {
                    if (nonRepSteps[d] - nonRepSteps[j] > 0 && nonRepDone[d] - nonRepDone[j] == 0) {
                        this.exact = fp[1];
                        record(Outcome.Kind.LIVELOCK, d, j);
                    } else {
                        cyclesPruned++;
                    }
                    return;
                }
                exact = exactOf(d, fp[1]);
                if (c.visited.visit(exact, d, yields, sleep, orderAt[d], c.bounds.stateHashing())) {
                    hashPruned++;
                    return;
                }
            }
            this.exact = exact;
            if (seen != null) {
                seen.visit(exact, 0, 0, 0, 0, false);
            }

            boolean allDone = true;
            long enabled = 0;
            for (int i = 0; i < c.names.length; i++) {
                SimThread t = sim.thread(i);
                if (invStarted[d] >= c.bounds.maxInvalidations() && isInvalidation(t.nextOp())) {
                    continue; // out of invalidation budget: this thread stops here
                }
                if ((c.nonRepeating >>> i & 1) != 0 && !t.finished()) {
                    allDone = false;
                }
                if (sim.canStep(i)) {
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
            symAt[d] = sym;
            if (batch != null && splitAt < 0 && random == null) {
                batched(d, sleep, yields, enabled, exact);
                return;
            }
            long done = 0;
            // Children after the first start from a fork of this node taken before the first ran; the
            // last child takes that fork itself. Each child's simulation (this node's own one, stepped in
            // place, the first time) is dropped once its subtree is searched, and the forks and steps below
            // it with it; the node's fork took none of their pages, so every page made from the child's step
            // on is free again then.
            int children = Long.bitCount(enabled & ~sleep);
            Simulation node = children > 1 ? sim.fork(QUIET) : null;
            long exactHere = exact;
            int[] tryOrder = orderBuf[d];
            for (int k = 0; k < tryOrder.length; k++) {
                tryOrder[k] = k;
            }
            if (random != null) {
                for (int k = tryOrder.length - 1; k > 0; k--) {
                    int r = random.nextInt(k + 1);
                    int t = tryOrder[k];
                    tryOrder[k] = tryOrder[r];
                    tryOrder[r] = t;
                }
            }
            for (int k = 0; k < tryOrder.length && !cancelled; k++) {
                int i = tryOrder[k];
                if ((enabled >>> i & 1) == 0) {
                    continue;
                }
                if ((sleep >>> i & 1) != 0) {
                    sleepPruned++;
                    continue;
                }
                if (done != 0) {
                    children--;
                    sim = children > 1 ? node.fork(QUIET) : node;
                    forks++;
                }
                long childSleep = childSleep(sleep | done, enabled, i);
                int mark = pages.mark();
                try {
                    take(d, i);
                } catch (ScheduleException e) {
                    path[d] = i;
                    stepAt[d] = ScheduleStep.ops(c.names[i], 1);
                    // The node, and which step failed there. The field, not this frame's local: recordError
                    // keys the error outcome by this.exact.
                    this.exact = exactHere ^ (i + 1L) * 0x9E3779B97F4A7C15L;
                    recordError(d + 1, e);
                    done |= 1L << i;
                    pages.reset(mark);
                    continue;
                }
                dfs(d + 1, childSleep, yields + (stepAt[d].kind() == ScheduleStep.Kind.UNTIL_YIELD ? 1 : 0));
                pages.reset(mark);
                done |= 1L << i;
            }
        }

        /**
         * The sleep set of child {@code i} (sleep sets over {@link Simulation#commute}): the threads of
         * {@code asleep} (the node's sleep set and the children tried before) still enabled whose next steps
         * commute with {@code i}'s, taken on {@code sim} at the node.
         */
        private long childSleep(long asleep, long enabled, int i) {
            long childSleep = 0;
            if (c.bounds.partialOrder()) {
                long cand = asleep & enabled;
                while (cand != 0) {
                    int u = Long.numberOfTrailingZeros(cand);
                    cand &= cand - 1;
                    if (sim.commute(u, i)) {
                        childSleep |= 1L << u;
                    }
                }
            }
            return childSleep;
        }

        /** The exact hash of the state at depth {@code d} ({@code exact} its fingerprint) as the visited states key it. */
        private long exactOf(int d, long exact) {
            if (c.bounds.maxInvalidations() != Integer.MAX_VALUE) {
                exact ^= invStarted[d] * 0x9E3779B97F4A7C15L; // the budget left changes what can follow
            }
            return exact;
        }

        /**
         * A node's children with their visits recorded in one call ({@link VisitedSet#visitAll}: one round trip per
         * member of a cluster instead of one per child): each child is stepped from a fork of the node first, the
         * visits of those that are not cycles back to the path are recorded together, then the children are
         * searched in thread order as {@link #dfs} does. A child's visit is thus recorded before its elder
         * siblings' subtrees are searched, as if another worker had got there first: what is reported does not
         * change (see the class comment), only which visits are skipped. Live forks: up to one per child per level.
         */
        private void batched(int d, long sleep, int yields, long enabled, long exactHere) {
            Batch b = batch[d];
            if (b == null) {
                b = batch[d] = new Batch(c.names.length);
            }
            int children = Long.bitCount(enabled & ~sleep);
            Simulation node = sim;
            long done = 0;
            int m = 0;
            int stepped = pages.mark(); // every child's pages are free once all their subtrees are searched
            for (int i = 0; i < c.names.length && !cancelled; i++) {
                if ((enabled >>> i & 1) == 0) {
                    continue;
                }
                if ((sleep >>> i & 1) != 0) {
                    sleepPruned++;
                    continue;
                }
                children--;
                sim = children > 0 ? node.fork(QUIET) : node;
                if (children > 0) {
                    forks++;
                }
                long childSleep = childSleep(sleep | done, enabled, i);
                done |= 1L << i;
                try {
                    take(d, i);
                } catch (ScheduleException e) {
                    path[d] = i;
                    stepAt[d] = ScheduleStep.ops(c.names[i], 1);
                    exact = exactHere ^ (i + 1L) * 0x9E3779B97F4A7C15L;
                    recordError(d + 1, e);
                    continue;
                }
                b.sims[m] = sim;
                b.thread[m] = i;
                b.step[m] = stepAt[d];
                b.inv[m] = invStarted[d + 1];
                b.order[m] = orderAt[d + 1];
                b.nrSteps[m] = nonRepSteps[d + 1];
                b.nrDone[m] = nonRepDone[d + 1];
                b.sleep[m] = childSleep;
                b.yields[m] = yields + (stepAt[d].kind() == ScheduleStep.Kind.UNTIL_YIELD ? 1 : 0);
                sim.fingerprints(c.periodAt, fp);
                long sym = fp[0];
                boolean cycle = false;
                for (int j = 0; j <= d && !cycle; j++) {
                    cycle = symAt[j] == sym;
                }
                b.sym[m] = sym;
                b.check[m] = false;
                if (!cycle) { // a cycle is not a visit: the child's own search says what it is
                    long ex = exactOf(d + 1, fp[1]);
                    boolean twin = false;
                    for (int q = 0; q < m && !twin; q++) {
                        twin = b.check[q] && b.exact[q] == ex;
                    }
                    b.exact[m] = ex;
                    b.check[m] = !twin; // a state two children reach: the younger checks after the elder's subtree
                }
                m++;
            }
            int k = 0;
            for (int q = 0; q < m; q++) {
                if (b.check[q]) {
                    b.kStates[k] = b.exact[q];
                    b.kYields[k] = b.yields[q];
                    b.kSleep[k] = b.sleep[q];
                    b.kOrder[k] = b.order[q];
                    k++;
                }
            }
            if (k > 0) {
                c.visited.visitAll(k, b.kStates, d + 1, b.kYields, b.kSleep, b.kOrder, c.bounds.stateHashing(),
                        b.kSkip);
            }
            k = 0;
            for (int q = 0; q < m; q++) {
                sim = b.sims[q];
                b.sims[q] = null; // the fork goes with its subtree
                boolean skip = b.check[q] && b.kSkip[k++];
                if (cancelled) {
                    continue;
                }
                path[d] = b.thread[q];
                stepAt[d] = b.step[q];
                invStarted[d + 1] = b.inv[q];
                orderAt[d + 1] = b.order[q];
                nonRepSteps[d + 1] = b.nrSteps[q];
                nonRepDone[d + 1] = b.nrDone[q];
                if (skip) {
                    visits++;
                    hashPruned++;
                    continue;
                }
                int mark = pages.mark(); // the pages made below this child (its siblings' stay in use)
                dfsFrom(d + 1, b.sleep[q], b.yields[q], b.check[q], b.sym[q], b.exact[q]);
                pages.reset(mark);
            }
            sim = null;
            pages.reset(stepped);
        }

        /** Fast zap, memslot delete or move, mmu_notifier unmap: what {@link ExploreBounds#maxInvalidations} counts. */
        private static boolean isInvalidation(Op op) {
            return op instanceof Op.FastZap || op instanceof Op.MemslotDelete || op instanceof Op.MemslotMove
                    || op instanceof Op.Walk w && w.notifier();
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
            a.states.add(exact);
            if (a.order == null || a.better(order)) {
                a.order = order;
                int stemLen = cycleAt < 0 ? d : cycleAt;
                a.stem = Arrays.copyOf(stepAt, stemLen);
                a.cycle = cycleAt < 0 ? new ScheduleStep[0] : Arrays.copyOfRange(stepAt, cycleAt, d);
            }
        }
    }
}
