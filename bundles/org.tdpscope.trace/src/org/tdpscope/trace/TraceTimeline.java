/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every event of an import on a real time axis, in columns of primitives so a 10 M-event trace fits in
 * about 21 bytes per event (timestamp, line, mark, and its position in a task lane and a CPU lane).
 * Lanes are per task ({@code comm-pid}) or per CPU; each lane's events are sorted by timestamp once,
 * at {@link #finish()}, so a view finds the events of any time window by binary search and draws a
 * 10 M-event trace at any zoom in time proportional to its width, not to the number of events.
 */
public final class TraceTimeline {

    /** What an event was, as a view colours it. Ordered by how much it matters when events share a pixel. */
    public enum Mark {
        OTHER, ENTRY_EXIT, PAGE_FAULT, FAST_FAULT, SPTE_SET, SPTE_ZAP, FROZEN, MMIO, SPLIT, PAGE, UNMAP, ROOT,
        FAST_ZAP;

        private static final Mark[] ALL = values();

        public static Mark of(int ordinal) {
            return ALL[ordinal];
        }
    }

    /** Lanes by task or by CPU. */
    public enum Grouping {
        TASK, CPU
    }

    /** At most this many events are kept for drawing; later ones are counted in {@link #dropped()}. */
    public static final int MAX_EVENTS = 50_000_000;

    private long[] ts = new long[1 << 12];
    private int[] line = new int[1 << 12];
    private byte[] mark = new byte[1 << 12];
    private int[] task = new int[1 << 12];
    private short[] cpu = new short[1 << 12];
    private int size;
    private long dropped;
    private long firstNs = Long.MAX_VALUE;
    private long lastNs = Long.MIN_VALUE;

    private final Map<String, Integer> taskIds = new LinkedHashMap<>();
    private final List<String> taskNames = new ArrayList<>();
    private final TreeMap<Integer, Integer> cpuIds = new TreeMap<>(); // cpu number -> dense id
    private final List<Integer> cpuNumbers = new ArrayList<>(); // sorted at finish(): the CPU of each lane
    private final List<Integer> cpuById = new ArrayList<>(); // the CPU of each dense id
    private String lastTask; // the reader hands out the same comm string for a run of one task's events
    private int lastPid = -1;
    private int lastTaskId;

    private int[][] taskLanes; // per lane, event indices sorted by timestamp
    private int[][] cpuLanes;
    // per lane, the kinds (1 << mark) of its events OR-ed over blocks of 16, 256, 4096 and 65536 of them: a
    // pixel column's kinds, all of them, in log(its events)
    private char[][][] taskKinds;
    private char[][][] cpuKinds;

    /** Adds one event (in file order). */
    public void add(TraceEvent e) {
        if (taskLanes != null) {
            throw new IllegalStateException("finished");
        }
        if (size == MAX_EVENTS) {
            dropped++;
            return;
        }
        if (size == ts.length) {
            int n = (int) Math.min(MAX_EVENTS, (long) size * 2);
            ts = Arrays.copyOf(ts, n);
            line = Arrays.copyOf(line, n);
            mark = Arrays.copyOf(mark, n);
            task = Arrays.copyOf(task, n);
            cpu = Arrays.copyOf(cpu, n);
        }
        Prefix p = e.prefix();
        long t = p.timestampNs();
        ts[size] = t;
        firstNs = Math.min(firstNs, t);
        lastNs = Math.max(lastNs, t);
        line[size] = (int) Math.min(Integer.MAX_VALUE, p.line());
        mark[size] = (byte) markOf(e.payload()).ordinal();
        task[size] = taskId(p);
        cpu[size] = (short) cpuId(p.cpu());
        size++;
    }

    private int taskId(Prefix p) {
        if (p.comm() == lastTask && p.pid() == lastPid) {
            return lastTaskId;
        }
        String key = p.task();
        Integer id = taskIds.get(key);
        if (id == null) {
            id = taskNames.size();
            taskIds.put(key, id);
            taskNames.add(key);
        }
        lastTask = p.comm();
        lastPid = p.pid();
        lastTaskId = id;
        return id;
    }

    private int cpuId(int c) {
        Integer id = cpuIds.get(c);
        if (id == null) {
            id = cpuById.size();
            cpuIds.put(c, id);
            cpuNumbers.add(c);
            cpuById.add(c);
        }
        return id;
    }

    /** What a view draws for an event of this payload. */
    public static Mark markOf(Payload p) {
        if (p instanceof Payload.TdpMmuSpteChanged c) {
            return Sptes.isFrozen(c.newSpte()) ? Mark.FROZEN : Sptes.isPresent(c.newSpte()) ? Mark.SPTE_SET
                    : Mark.SPTE_ZAP;
        }
        if (p instanceof Payload.MmuSetSpte) {
            return Mark.SPTE_SET;
        }
        if (p instanceof Payload.MmuSpteRequested || p instanceof Payload.KvmPageFault) {
            return Mark.PAGE_FAULT;
        }
        if (p instanceof Payload.FastPageFault) {
            return Mark.FAST_FAULT;
        }
        if (p instanceof Payload.MmuZapAllFast || p instanceof Payload.RootsInvalidate) {
            return Mark.FAST_ZAP;
        }
        if (p instanceof Payload.RootAlloc || p instanceof Payload.RootPut || p instanceof Payload.RootZap
                || p instanceof Payload.RootNext || p instanceof Payload.RootsZapInvalidated
                || p instanceof Payload.RootLoad) {
            return Mark.ROOT;
        }
        if (p instanceof Payload.MmuGetPage || p instanceof Payload.MmuPrepareZapPage || p instanceof Payload.MmuZapPage
                || p instanceof Payload.MmuSyncPage || p instanceof Payload.MmuUnsyncPage) {
            return Mark.PAGE;
        }
        if (p instanceof Payload.KvmUnmapHvaRange || p instanceof Payload.KvmAgeHva
                || p instanceof Payload.KvmTestAgeHva) {
            return Mark.UNMAP;
        }
        if (p instanceof Payload.MarkMmioSpte || p instanceof Payload.HandleMmioPageFault
                || p instanceof Payload.CheckMmioSpte) {
            return Mark.MMIO;
        }
        if (p instanceof Payload.MmuSplitHugePage) {
            return Mark.SPLIT;
        }
        if (p instanceof Payload.KvmEntry || p instanceof Payload.KvmExit || p instanceof Payload.KvmNestedVmexit
                || p instanceof Payload.KvmUserspaceExit) {
            return Mark.ENTRY_EXIT;
        }
        return Mark.OTHER;
    }

    /** Sorts each lane by timestamp; after this the timeline is read only. Idempotent. */
    public void finish() {
        if (taskLanes != null) {
            return;
        }
        // the columns stop growing: give back what doubling reserved
        ts = Arrays.copyOf(ts, size);
        line = Arrays.copyOf(line, size);
        mark = Arrays.copyOf(mark, size);
        task = Arrays.copyOf(task, size);
        cpu = Arrays.copyOf(cpu, size);
        taskLanes = lanes(i -> task[i], taskNames.size());
        int[][] byId = lanes(i -> cpu[i], cpuNumbers.size());
        // CPU lanes in CPU order, whatever order the CPUs first appeared in
        cpuLanes = new int[byId.length][];
        int k = 0;
        for (int id : cpuIds.values()) {
            cpuLanes[k++] = byId[id];
        }
        cpuNumbers.sort(null);
        taskKinds = kinds(taskLanes);
        cpuKinds = kinds(cpuLanes);
    }

    /** Levels of OR-ed kinds above single events; level L covers blocks of 16^L events. */
    private static final int KIND_LEVELS = 4;

    private char[][][] kinds(int[][] lanes) {
        char[][][] all = new char[lanes.length][][];
        for (int l = 0; l < lanes.length; l++) {
            int[] lane = lanes[l];
            char[][] levels = new char[KIND_LEVELS][];
            char[] below = null;
            for (int level = 0; level < KIND_LEVELS; level++) {
                int n = level == 0 ? lane.length : below.length;
                char[] up = new char[(n + 15) >>> 4];
                for (int i = 0; i < n; i++) {
                    up[i >>> 4] |= level == 0 ? (char) (1 << mark[lane[i]]) : below[i];
                }
                levels[level] = up;
                below = up;
            }
            all[l] = levels;
        }
        return all;
    }

    /** Events with timestamps in [{@code startNs}, {@code endNs}). */
    public long eventsBetween(long startNs, long endNs) {
        long n = 0;
        for (int lane = 0; lane < laneCount(Grouping.TASK); lane++) {
            n += lowerBound(Grouping.TASK, lane, endNs) - lowerBound(Grouping.TASK, lane, startNs);
        }
        return n;
    }

    /** The kinds (bit {@code m.ordinal()} for each mark m) of a lane's events {@code [from, to)}. */
    public int kinds(Grouping g, int lane, int from, int to) {
        int[] evs = lanes(g)[lane];
        char[][] levels = (g == Grouping.TASK ? taskKinds : cpuKinds)[lane];
        int kinds = 0;
        int lo = from;
        int hi = to;
        int level = -1; // -1: single events
        while (lo < hi) {
            if (level + 1 < KIND_LEVELS && hi - lo >= 32) { // whole blocks between: take the ends here, go up
                while ((lo & 15) != 0) {
                    kinds |= level < 0 ? 1 << mark[evs[lo]] : levels[level][lo];
                    lo++;
                }
                while ((hi & 15) != 0) {
                    hi--;
                    kinds |= level < 0 ? 1 << mark[evs[hi]] : levels[level][hi];
                }
                lo >>>= 4;
                hi >>>= 4;
                level++;
            } else {
                for (; lo < hi; lo++) {
                    kinds |= level < 0 ? 1 << mark[evs[lo]] : levels[level][lo];
                }
            }
        }
        return kinds;
    }

    /** Event indices per lane, each lane sorted by time; {@code laneOf} gives an event's lane. */
    private int[][] lanes(java.util.function.IntUnaryOperator laneOf, int n) {
        int[] counts = new int[n];
        for (int i = 0; i < size; i++) {
            counts[laneOf.applyAsInt(i)]++;
        }
        return fill(counts, laneOf);
    }

    private int[][] fill(int[] counts, java.util.function.IntUnaryOperator laneOf) {
        int[][] lanes = new int[counts.length][];
        for (int l = 0; l < counts.length; l++) {
            lanes[l] = new int[counts[l]];
        }
        int[] at = new int[counts.length];
        for (int i = 0; i < size; i++) {
            int l = laneOf.applyAsInt(i);
            lanes[l][at[l]++] = i;
        }
        for (int[] lane : lanes) {
            if (!sorted(lane)) {
                sortByTime(lane);
            }
        }
        return lanes;
    }

    private boolean sorted(int[] lane) {
        for (int k = 1; k < lane.length; k++) {
            if (ts[lane[k]] < ts[lane[k - 1]]) {
                return false;
            }
        }
        return true;
    }

    /** A stable merge sort of event indices by timestamp (ties keep file order). */
    private void sortByTime(int[] a) {
        int[] tmp = new int[a.length];
        for (int width = 1; width < a.length; width *= 2) {
            for (int lo = 0; lo < a.length - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, a.length);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    tmp[k++] = ts[a[j]] < ts[a[i]] ? a[j++] : a[i++];
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < hi) {
                    tmp[k++] = a[j++];
                }
                System.arraycopy(tmp, lo, a, lo, hi - lo);
            }
        }
    }

    private int[][] lanes(Grouping g) {
        finish();
        return g == Grouping.TASK ? taskLanes : cpuLanes;
    }

    public int size() {
        return size;
    }

    /** Events not kept because the timeline was full ({@link #MAX_EVENTS}). */
    public long dropped() {
        return dropped;
    }

    /** Earliest timestamp (ns), or 0 for an empty timeline. */
    public long firstNs() {
        return size == 0 ? 0 : firstNs;
    }

    /** Latest timestamp (ns), or 0 for an empty timeline. */
    public long lastNs() {
        return size == 0 ? 0 : lastNs;
    }

    public int laneCount(Grouping g) {
        return lanes(g).length;
    }

    /** {@code comm-pid} of a task lane, {@code CPU n} of a CPU lane. */
    public String laneName(Grouping g, int lane) {
        return g == Grouping.TASK ? taskNames.get(lane) : "CPU " + cpuNumbers.get(lane);
    }

    /** Number of events on a lane. */
    public int laneSize(Grouping g, int lane) {
        return lanes(g)[lane].length;
    }

    /** Index (into the lane) of the first event at or after {@code ns}. */
    public int lowerBound(Grouping g, int lane, long ns) {
        int[] l = lanes(g)[lane];
        int lo = 0;
        int hi = l.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ts[l[mid]] < ns) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * {@link #lowerBound} searching forward from position {@code from} (at or before the answer):
     * galloping, so a view stepping through pixel columns pays log(events per column), and touches
     * memory near the last answer, instead of log(events of the lane) spread over the whole lane.
     */
    public int lowerBoundFrom(Grouping g, int lane, int from, long ns) {
        int[] l = lanes(g)[lane];
        int lo = from;
        if (lo >= l.length || ts[l[lo]] >= ns) {
            return lo;
        }
        int step = 1;
        int hi = lo + 1;
        while (hi < l.length && ts[l[hi]] < ns) {
            lo = hi;
            step <<= 1;
            hi = lo + step;
        }
        hi = Math.min(hi, l.length);
        // ts[l[lo]] < ns <= ts[l[hi]] (or hi == length)
        lo++;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ts[l[mid]] < ns) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Told, column by column, what a lane holds in a pixel column: how many events, the most telling mark
     * (the highest), and every kind there ({@code 1 << mark.ordinal()} each): a huge page installed among 512
     * frozen SPTEs is in the column too.
     */
    public interface ColumnSink {
        void column(int x, int count, Mark mark, int kinds);
    }

    /**
     * The pixel columns of a lane that hold events, in order, for a drawing of {@code width} columns of
     * {@code nsPerPixel} each from {@code startNs}: empty columns cost nothing, a column costs
     * log(its events), so a frame costs width × log(events) at any zoom.
     */
    public void columns(Grouping g, int lane, long startNs, double nsPerPixel, int width, ColumnSink sink) {
        int size = laneSize(g, lane);
        int k = lowerBound(g, lane, startNs);
        while (k < size) {
            long t = ts[event(g, lane, k)];
            int x = (int) Math.max(0, Math.floor((t - startNs) / nsPerPixel));
            if (x >= width) {
                break;
            }
            int next = Math.max(k + 1, lowerBoundFrom(g, lane, k, startNs + (long) Math.ceil((x + 1) * nsPerPixel)));
            int kinds = kinds(g, lane, k, next);
            sink.column(x, next - k, Mark.of(31 - Integer.numberOfLeadingZeros(kinds)), kinds);
            k = next;
        }
    }

    /** The event (a global index) at position {@code k} of a lane. */
    public int event(Grouping g, int lane, int k) {
        return lanes(g)[lane][k];
    }

    public long timestampNs(int event) {
        return ts[event];
    }

    /** Line of the event in the trace (saturated at 2^31 - 1). */
    public long line(int event) {
        return line[event];
    }

    public Mark mark(int event) {
        return Mark.of(mark[event]);
    }

    public String taskOf(int event) {
        return taskNames.get(task[event]);
    }

    public int cpuOf(int event) {
        return cpuById.get(cpu[event]);
    }

    /** The event with the largest line number at or before {@code ln} (binary search; lines grow with index), or -1. */
    public int eventAtLine(long ln) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (line[mid] <= ln) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    /** Bytes the columns take (what a 10 M-event import costs in heap). */
    public long bytes() {
        long b = (long) ts.length * 8 + (long) line.length * 4 + mark.length + (long) task.length * 4
                + (long) cpu.length * 2;
        if (taskLanes != null) {
            b += 4L * size * 2;
            for (char[][][] grouping : new char[][][][] { taskKinds, cpuKinds }) {
                for (char[][] lane : grouping) {
                    for (char[] level : lane) {
                        b += 2L * level.length;
                    }
                }
            }
        }
        return b;
    }
}
