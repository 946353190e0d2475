/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleStep;

/**
 * The {@link Explorer}'s search cut into pieces that can run in other JVMs (a cluster): the coordinator explores
 * the states above a split depth and hands out the subtrees below it as tasks (a path of thread choices, a sleep
 * set, a yield count: a member replays the path, the simulation being deterministic); every member searches its
 * tasks exactly as a worker thread of the explorer does, against a {@link VisitedSet} all of them share; each task
 * gives back its outcomes (their distinct end states and best path, as thread choices) and figures as bytes, and the
 * coordinator merges them into the result the explorer would give: same outcomes, counts, distinct-state total and
 * counterexamples (each rebuilt by replaying its path here), whichever member searched what and when.
 *
 * <p>Tasks and partial results are plain bytes so the transport needs none of these classes.
 */
public final class SubtreeSearch {

    private final Explorer.Ctx c;
    private Explorer.Worker top;

    /**
     * @param visited the visited states every member shares (the coordinator's and the members' must be one set)
     * @param monitor progress and cancellation of this JVM's searches (null: none)
     */
    public SubtreeSearch(Scenario scenario, Policy policy, ExploreBounds bounds, Predicate<RunResult> expectations,
            ExploreMonitor monitor, VisitedSet visited) {
        c = new Explorer.Ctx(scenario, policy, bounds, expectations, monitor == null ? ExploreMonitor.NONE : monitor,
                0, visited);
    }

    /** The threads of the scenario (its visited records' sleep sets and path orders have that many values). */
    public int threads() {
        return c.names.length;
    }

    /**
     * Coordinator: explores the states above {@code splitDepth} (recording them in the shared visited states and
     * keeping their outcomes for {@link #result}) and returns the subtrees below, in path order, as tasks.
     */
    public List<byte[]> split(int splitDepth) {
        top = new Explorer.Worker(c, -1);
        List<Explorer.Task> tasks = new ArrayList<>();
        top.splitAt = splitDepth;
        top.tasks = tasks;
        top.runFrom(new Explorer.Task(new int[0], 0, 0));
        List<byte[]> out = new ArrayList<>();
        for (Explorer.Task t : tasks) {
            out.add(write(o -> {
                o.writeInt(t.path().length);
                for (int i : t.path()) {
                    o.writeInt(i);
                }
                o.writeLong(t.sleep());
                o.writeInt(t.yields());
            }));
        }
        return out;
    }

    /** True when the split itself stopped early (cancelled or out of visits). */
    public boolean splitTruncated() {
        return top != null && top.truncated;
    }

    /** One search thread of a member: its tasks one after another (its visit bound, as a worker's, spans them). */
    public Runner runner(int id) {
        return new Runner(new Explorer.Worker(c, id));
    }

    /** See {@link #runner}. Not thread-safe: one per thread. */
    public static final class Runner {
        private final Explorer.Worker w;

        private Runner(Explorer.Worker w) {
            this.w = w;
        }

        /** Searches the subtree of {@code task} (from {@link #split}); its outcomes and figures, as bytes. */
        public byte[] run(byte[] task) {
            Explorer.Task t;
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(task))) {
                int[] path = new int[in.readInt()];
                for (int k = 0; k < path.length; k++) {
                    path[k] = in.readInt();
                }
                t = new Explorer.Task(path, in.readLong(), in.readInt());
            } catch (IOException e) {
                throw new IllegalArgumentException("not a subtree task", e);
            }
            long[] before = figures(w);
            w.outcomes.clear();
            w.runFrom(t);
            long[] after = figures(w);
            byte[] out = write(o -> {
                for (int k = 0; k < after.length; k++) {
                    o.writeLong(after[k] - before[k]);
                }
                o.writeBoolean(w.truncated);
                o.writeBoolean(w.cancelled);
                o.writeInt(w.outcomes.size());
                for (Map.Entry<Outcome.Key, Explorer.Acc> e : w.outcomes.entrySet()) {
                    writeKey(o, e.getKey());
                    Explorer.Acc a = e.getValue();
                    long[] states = a.states.toArray();
                    o.writeInt(states.length);
                    for (long s : states) {
                        o.writeLong(s);
                    }
                    o.writeInt(a.order.length);
                    for (int i : a.order) {
                        o.writeInt(i);
                    }
                    o.writeInt(a.cycle.length == 0 ? -1 : a.stem.length);
                }
            });
            w.outcomes.clear();
            return out;
        }

        /** True once this thread's search was cancelled (through the monitor). */
        public boolean cancelled() {
            return w.cancelled;
        }
    }

    private static long[] figures(Explorer.Worker w) {
        return new long[] { w.visits, w.hashPruned, w.sleepPruned, w.cyclesPruned, w.boundCut, w.replays,
                w.replayedSteps, w.forks, w.steps };
    }

    /**
     * Coordinator: the outcomes of the split and of {@code partials} (from {@link Runner#run}, any order) merged,
     * with {@code distinct} states in the shared set, as the {@link Explorer} reports them.
     */
    public ExploreResult result(List<byte[]> partials, long distinct, long millis, int tasks, boolean cancelled) {
        List<Explorer.Worker> all = new ArrayList<>();
        if (top != null) {
            all.add(top);
        }
        Explorer.Worker replayer = new Explorer.Worker(c, -2);
        Map<String, ScheduleStep[]> replayed = new LinkedHashMap<>();
        for (byte[] p : partials) {
            Explorer.Worker h = new Explorer.Worker(c, -2);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(p))) {
                h.visits = in.readLong();
                h.hashPruned = in.readLong();
                h.sleepPruned = in.readLong();
                h.cyclesPruned = in.readLong();
                h.boundCut = in.readLong();
                h.replays = in.readLong();
                h.replayedSteps = in.readLong();
                h.forks = in.readLong();
                h.steps = in.readLong();
                h.truncated = in.readBoolean();
                h.cancelled = in.readBoolean();
                for (int n = in.readInt(); n > 0; n--) {
                    Outcome.Key k = readKey(in);
                    Explorer.Acc a = new Explorer.Acc();
                    for (int s = in.readInt(); s > 0; s--) {
                        a.states.add(in.readLong());
                    }
                    a.order = new int[in.readInt()];
                    for (int i = 0; i < a.order.length; i++) {
                        a.order[i] = in.readInt();
                    }
                    int cycleAt = in.readInt();
                    // the steps: replayed once per distinct path (the simulation is deterministic)
                    ScheduleStep[] steps = replayed.computeIfAbsent(Arrays.toString(a.order),
                            x -> replayer.replaySteps(a.order));
                    a.stem = Arrays.copyOf(steps, cycleAt < 0 ? steps.length : cycleAt);
                    a.cycle = cycleAt < 0 ? new ScheduleStep[0] : Arrays.copyOfRange(steps, cycleAt, steps.length);
                    h.outcomes.merge(k, a, Explorer.Acc::absorb);
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("not a partial exploration result", e);
            }
            all.add(h);
        }
        ExploreResult r = Explorer.merge(c, all, distinct, -1, millis, tasks, null);
        if (cancelled && !r.stats().cancelled()) {
            ExploreResult.Stats s = r.stats();
            r = new ExploreResult(r.scenario(), r.policy(), r.outcomes(), new ExploreResult.Stats(s.visits(),
                    s.distinctStates(), s.hashPruned(), s.sleepPruned(), s.cyclesPruned(), s.boundCut(), s.replays(),
                    s.replayedSteps(), s.forks(), s.steps(), s.millis(), s.tasks(), true, true, s.bitStateFrom()),
                    r.coverage());
        }
        return r;
    }

    private interface Writing {
        void to(DataOutputStream o) throws IOException;
    }

    private static byte[] write(Writing w) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(b)) {
            w.to(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static void writeKey(DataOutputStream o, Outcome.Key k) throws IOException {
        o.writeInt(k.kind().ordinal());
        o.writeInt(k.walks().size());
        for (Map.Entry<String, List<List<String>>> e : k.walks().entrySet()) {
            o.writeUTF(e.getKey());
            o.writeInt(e.getValue().size());
            for (List<String> walk : e.getValue()) {
                writeStrings(o, walk);
            }
        }
        writeStrings(o, k.finalRoots());
        writeStrings(o, k.violations());
        o.writeByte(k.expectationsHold() == null ? -1 : k.expectationsHold() ? 1 : 0);
    }

    private static Outcome.Key readKey(DataInputStream in) throws IOException {
        Outcome.Kind kind = Outcome.Kind.values()[in.readInt()];
        Map<String, List<List<String>>> walks = new LinkedHashMap<>();
        for (int n = in.readInt(); n > 0; n--) {
            String name = in.readUTF();
            List<List<String>> ws = new ArrayList<>();
            for (int m = in.readInt(); m > 0; m--) {
                ws.add(readStrings(in));
            }
            walks.put(name, Collections.unmodifiableList(ws));
        }
        List<String> roots = readStrings(in);
        List<String> violations = readStrings(in);
        byte hold = in.readByte();
        return new Outcome.Key(kind, Collections.unmodifiableMap(walks), roots, violations,
                hold < 0 ? null : hold == 1);
    }

    private static void writeStrings(DataOutputStream o, List<String> l) throws IOException {
        o.writeInt(l.size());
        for (String s : l) {
            o.writeUTF(s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        String[] a = new String[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readUTF();
        }
        return List.of(a);
    }
}
