/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.tdpscope.sim.EventType;
import org.tdpscope.sim.TraceEvent;

/**
 * A run as a sequence diagram: one lane per thread (vCPUs, walkers, invalidators, rcu) in order
 * of appearance; lock holds (acquire to release; mmu_lock read and write told apart, other locks
 * as a thin strip) and yields as bars; root, walk and violation events as labelled marks along a
 * step axis. Only the steps with such marks get an x position of their own, so a long run of SPTE
 * changes does not stretch the picture; bars that start or end between marked steps are placed
 * proportionally between them. At most {@link #MAX_COLUMNS} marked steps are drawn; the rest are
 * counted in a note. The lanes start right of the longest thread name (a task of an imported trace can
 * be long), and the legend lists only what the picture holds: an imported trace has no lock bars.
 */
public final class TimelineDiagram {

    /** Least width of the lane-name column; a longer name widens it up to {@link #NAME_MAX_W}. */
    static final int LEFT = 110;
    /** Widest a lane's name is drawn (px); a longer one ends in "…". */
    static final int NAME_MAX_W = 240;
    static final int NAME_X = 16;
    static final int COL = 70;
    static final int TOP = 76;
    static final int LANE = 58;
    static final int MAX_COLUMNS = 160;

    /** The events that get a column and a labelled mark. */
    static final Set<EventType> MARKED = EnumSet.of(EventType.ROOT_CREATE, EventType.ROOT_INVALIDATE,
            EventType.ROOT_UNLINK, EventType.ROOT_FREE, EventType.WALK_START, EventType.WALK_VISIT,
            EventType.WALK_YIELD, EventType.WALK_RESTART, EventType.WALK_END, EventType.RCU_SYNC,
            EventType.VIOLATION);

    private TimelineDiagram() {
    }

    public static String svg(String title, List<TraceEvent> events, Theme theme) {
        return SvgRenderer.render(layout(title, events, theme));
    }

    /** A bar of a lane between two steps. */
    private record Bar(String thread, long from, long to, String kind, String label) {
    }

    /** A mark as {@link #layout} draws it: its event and the centre of its diamond (or violation square). */
    public record Mark(TraceEvent event, int x, int y) {
    }

    /**
     * Where {@link #layout} puts things for these events, so that a view can hit-test the marks and
     * place a step on the axis with the geometry the diagram is drawn with.
     */
    public static final class Geometry {
        final Map<String, Integer> lanes;
        final long[] cols;
        final List<TraceEvent> marks;
        final int hidden;
        final long lastStep;
        final long axisEnd;
        /** Where the lanes begin: right of the longest lane name. */
        final int left;

        private Geometry(Map<String, Integer> lanes, long[] cols, List<TraceEvent> marks, int hidden,
                long lastStep) {
            this.left = left(lanes.keySet());
            this.lanes = lanes;
            this.cols = cols;
            this.marks = marks;
            this.hidden = hidden;
            this.lastStep = lastStep;
            this.axisEnd = hidden > 0 && cols.length > 0 ? cols[cols.length - 1] : lastStep;
        }

        /** The marks drawn, in event order, with their centres in scene coordinates. */
        public List<Mark> marks() {
            List<Mark> out = new ArrayList<>(marks.size());
            for (TraceEvent e : marks) {
                out.add(new Mark(e, xOf(e.step(), cols, left), TOP + lanes.get(e.thread()) * LANE + 36));
            }
            return out;
        }

        /** The x of a step on the axis (between columns for an unmarked step). */
        public int x(long step) {
            return xOf(step, cols, left);
        }

        /** The top and bottom of the lanes. */
        public int lanesTop() {
            return TOP;
        }

        public int lanesBottom() {
            return TOP + lanes.size() * LANE;
        }
    }

    /**
     * The lanes of a trace, top to bottom: threads in order of appearance; "setup" (memslots) only when
     * it does something marked.
     */
    public static List<String> lanes(List<TraceEvent> events) {
        Map<String, Integer> lanes = new LinkedHashMap<>();
        for (TraceEvent e : events) {
            if (!e.thread().equals("setup") || MARKED.contains(e.type())) {
                lanes.putIfAbsent(e.thread(), lanes.size());
            }
        }
        return List.copyOf(lanes.keySet());
    }

    /** The geometry {@link #layout} uses for these events. */
    public static Geometry geometry(List<TraceEvent> events) {
        return geometry(events, lanes(events));
    }

    /**
     * The geometry for these events with the given lanes (e.g. a whole run's, so that a window of it
     * keeps every lane where it is); events of other threads are not drawn.
     */
    public static Geometry geometry(List<TraceEvent> events, List<String> laneOrder) {
        Map<String, Integer> lanes = new LinkedHashMap<>();
        for (String t : laneOrder) {
            lanes.putIfAbsent(t, lanes.size());
        }
        TreeSet<Long> keys = new TreeSet<>();
        List<TraceEvent> marks = new ArrayList<>();
        int hidden = 0;
        for (TraceEvent e : events) {
            if (MARKED.contains(e.type()) && lanes.containsKey(e.thread())) {
                if (keys.size() < MAX_COLUMNS || keys.contains(e.step())) {
                    keys.add(e.step());
                    marks.add(e);
                } else {
                    hidden++;
                }
            }
        }
        long lastStep = events.isEmpty() ? 0 : events.get(events.size() - 1).step();
        if (hidden == 0) {
            // the first and the last step of the drawn lanes get a column too, so that bars before the first
            // and after the last mark are not squeezed to a sliver
            for (TraceEvent e : events) {
                if (lanes.containsKey(e.thread())) {
                    keys.add(e.step());
                    break;
                }
            }
            if (!events.isEmpty()) {
                keys.add(lastStep);
            }
        }
        return new Geometry(lanes, keys.stream().mapToLong(Long::longValue).toArray(), marks, hidden, lastStep);
    }

    /** The diagram of a whole trace (the events a {@code TraceListener} saw, in order). */
    public static Scene layout(String title, List<TraceEvent> events, Theme theme) {
        return layout(title, events, theme, lanes(events));
    }

    /** {@link #layout(String, List, Theme)} with the given lanes (see {@link #geometry(List, List)}). */
    public static Scene layout(String title, List<TraceEvent> events, Theme theme, List<String> laneOrder) {
        Geometry g = geometry(events, laneOrder);
        Map<String, Integer> lanes = g.lanes;
        long[] cols = g.cols;
        List<TraceEvent> marks = g.marks;
        int hidden = g.hidden;
        long lastStep = g.lastStep;
        long axisEnd = g.axisEnd;
        int left = g.left;

        List<Bar> bars = bars(events, lanes, axisEnd);
        List<TraceEvent> violations = new ArrayList<>();
        for (TraceEvent e : marks) {
            if (e.is(EventType.VIOLATION)) {
                violations.add(e);
            }
        }
        int chartRight = left + Math.max(cols.length, 1) * COL;
        int longest = title.length() * 11;
        for (TraceEvent v : violations) {
            longest = Math.max(longest, (v.detail().length() + 40) * 7);
        }
        int width = Math.max(chartRight + 24, Math.max(longest + 32, 640));
        int lanesBottom = TOP + lanes.size() * LANE;
        long firstStep = events.isEmpty() ? 1 : Math.max(1, events.get(0).step()); // a window starts later
        String subtitle = "steps " + firstStep + "–" + lastStep + " · " + lanes.size() + (lanes.size() == 1 ? " thread · " : " threads · ")
                + cols.length + " steps drawn (root, walk, rcu and violation events; the steps between compressed)";
        width = Math.max(width, subtitle.length() * 7 + 32);
        List<LegendItem> legend = legend(bars, marks);
        int height = lanesBottom + 40 + 26 + 18 * (legendRows(legend, width) - 1 + violations.size() + (hidden > 0 ? 1
                : 0)) + 20;
        Scene s = new Scene(width, height, title + " — timeline", theme.background);
        s.text(16, 28, title, 18, theme.text, null, true);
        s.text(16, 50, subtitle, 13, theme.muted, null, false);

        // lanes: label, background stripe, and a faint centre line
        for (Map.Entry<String, Integer> lane : lanes.entrySet()) {
            int y = TOP + lane.getValue() * LANE;
            if (lane.getValue() % 2 == 1) {
                s.rect(null, 8, y, chartRight - 8 + 8, LANE, 0, theme.unlinkedFill, theme.unlinkedFill, 0, null);
            }
            s.text(NAME_X, y + LANE / 2 + 5, fit(lane.getKey(), 14, true, NAME_MAX_W), 14, theme.text, null, true);
            s.line(left, y + 36, chartRight, y + 36, theme.muted, 1, false);
        }
        // column guides and the step axis
        for (int i = 0; i < cols.length; i++) {
            int x = left + i * COL + COL / 2;
            s.line(x, TOP, x, lanesBottom, theme.unlinkedStroke, 1, false);
            s.text(x, lanesBottom + 16, Long.toString(cols[i]), 11, theme.muted, "middle", false);
            if (i > 0 && cols[i] - cols[i - 1] > 1) {
                // compressed steps between two columns
                s.text(x - COL / 2, lanesBottom + 30, "+" + (cols[i] - cols[i - 1] - 1), 9, theme.muted, "middle",
                        false);
            }
        }
        s.text(16, lanesBottom + 16, "step", 11, theme.muted, null, false);
        if (cols.length > 1 && hidden == 0 && cols[cols.length - 1] == lastStep && !marked(marks, lastStep)) {
            // the column that only carries the bars to the end: said where a mark's label would be, or it reads
            // as a mark gone missing
            s.text(left + (cols.length - 1) * COL + COL / 2, TOP + 23, "last step", 11, theme.muted, "middle", false);
        }
        // bars first, marks over them
        for (Bar b : bars) {
            int y = TOP + lanes.get(b.thread()) * LANE;
            int x1 = xOf(b.from(), cols, left);
            int x2 = Math.max(xOf(b.to(), cols, left), x1 + 4);
            String id = "bar-" + b.thread() + "-" + b.from();
            switch (b.kind()) {
                case "write" -> s.rect(id, x1, y + 28, x2 - x1, 16, 3, theme.invalidFill, theme.invalidStroke, 1,
                        null);
                case "read" -> s.rect(id, x1, y + 28, x2 - x1, 16, 3, theme.validFill, theme.validStroke, 1, null);
                case "yield" -> s.rect(id, x1, y + 30, x2 - x1, 12, 3, theme.background, theme.muted, 1, "4 3");
                default -> s.rect(id, x1, y + 46, x2 - x1, 5, 2, theme.cursor, theme.cursor, 0, null);
            }
        }
        for (TraceEvent e : marks) {
            int y = TOP + lanes.get(e.thread()) * LANE + 36;
            int x = xOf(e.step(), cols, left);
            String colour = colour(e.type(), theme);
            if (e.is(EventType.VIOLATION)) {
                s.rect("mark-" + e.step(), x - 7, y - 7, 14, 14, 2, theme.violation, theme.violation, 1, null);
                s.text(x, y + 4, "!", 11, theme.background, "middle", true);
            } else {
                s.polygon(colour, x, y - 7, x + 7, y, x, y + 7, x - 7, y);
                if (inferred(e)) {
                    // a root the importer inferred: an outline, as the views draw inferred things
                    s.polygon(theme.background, x, y - 4, x + 4, y, x, y + 4, x - 4, y);
                }
            }
            s.text(x, y - 13, label(e), 11, e.is(EventType.VIOLATION) ? theme.violation : theme.text, "middle",
                    e.is(EventType.VIOLATION) || e.is(EventType.ROOT_FREE));
        }
        // legend (what this picture holds) and notes
        int y = lanesBottom + 52;
        y = drawLegend(s, legend, y, width, theme) + 22;
        for (TraceEvent v : violations) {
            s.text(16, y, violationLine(v), 12, theme.violation, null, true);
            y += 18;
        }
        if (hidden > 0) {
            s.text(16, y, "… " + hidden + " more marked events after step " + axisEnd + " not drawn", 12,
                    theme.muted, null, false);
        }
        return s;
    }

    private static boolean marked(List<TraceEvent> marks, long step) {
        for (TraceEvent e : marks) {
            if (e.step() == step) {
                return true;
            }
        }
        return false;
    }

    /** The lock part of both timelines' legends (read, write, other lock, yielded); returns where it ends. */
    private static int lockLegend(Scene s, int y, Theme theme) {
        int x = 16;
        s.legend(x, y, theme.validFill, theme.validStroke, null, "mmu_lock read", theme.muted);
        x += 130;
        s.legend(x, y, theme.invalidFill, theme.invalidStroke, null, "mmu_lock write", theme.muted);
        x += 134;
        s.rect(null, x, y - 6, 22, 5, 2, theme.cursor, theme.cursor, 0, null);
        s.text(x + 28, y, "other lock", 11, theme.muted, null, false);
        x += 104;
        s.legend(x, y, theme.background, theme.muted, "4 3", "yielded", theme.muted);
        return x + 84;
    }

    /** A violation under a timeline: {@code violation 3 (name) at step 48: detail}. */
    private static String violationLine(TraceEvent v) {
        String inv = v.invariant() == null ? "violation" : "violation " + v.invariant().number() + " ("
                + v.invariant().word() + ")";
        return inv + " at step " + v.step() + ": " + v.detail();
    }

    /** Width of a timeline page: the exported picture is this wide, whatever the run's length. */
    public static final int PAGE_WIDTH = 1200;
    /** At most this many rows of a page; a longer run gets a finer scale instead of more rows. */
    public static final int PAGE_MAX_ROWS = 8;
    /** Pixels a step gets when the run fits in {@link #PAGE_MAX_ROWS} rows at this scale. */
    static final double STEP_PX = 14;
    /** At most this many lanes on a page; the others are counted in a note. */
    public static final int PAGE_MAX_LANES = 24;
    /** Marks closer than this many pixels in one lane are drawn as one (their labels said once)... */
    static final int MARK_PX = 3;
    /**
     * ...or farther apart when a page would hold more marks than this: the spacing grows so that a page
     * has at most about this many marks (and labels), whatever the run's length.
     */
    public static final int PAGE_MAX_MARKS = 2000;

    /**
     * The run as a page of {@link #PAGE_WIDTH} pixels, for documents: the steps on a linear scale (a
     * bar's length is the number of steps a lock was held or a walk yielded), wrapped into rows of
     * equal spans, each row with the lane names and an axis of round step numbers. A long run keeps at
     * most {@link #PAGE_MAX_ROWS} rows and a finer scale; marks that fall on the same pixels are drawn
     * once and labels that would overlap are left out (counted in a note); violations are always drawn.
     *
     * @param totalSteps the run's length, for "steps 20–59 of 85" (negative: not known)
     */
    public static Scene page(String title, List<TraceEvent> events, Theme theme, List<String> laneOrder,
            long totalSteps) {
        Map<String, Integer> lanes = new LinkedHashMap<>();
        int lanesLeftOut = 0;
        for (String t : laneOrder) {
            if (lanes.containsKey(t)) {
                continue;
            }
            if (lanes.size() < PAGE_MAX_LANES) {
                lanes.put(t, lanes.size());
            } else {
                lanesLeftOut++;
            }
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        for (TraceEvent e : events) {
            first = Math.min(first, e.step());
            last = Math.max(last, e.step());
        }
        if (events.isEmpty()) {
            first = 0;
        }
        first = Math.max(first, events.isEmpty() ? 0 : Math.min(1, last)); // step 0 is before any event
        long span = last - first + 1;
        int chartLeft = left(lanes.keySet());
        int chartW = PAGE_WIDTH - chartLeft - 24;
        int laneRows = Math.max(lanes.size(), 1);
        int rowH = laneRows * LANE + 44;
        int headerH = TOP;
        int footerRoom = 140;
        int maxRows = Math.max(1, Math.min(PAGE_MAX_ROWS, (Scene.MAX_SIDE - headerH - footerRoom) / rowH));
        long perRowAtScale = Math.max(1, (long) Math.floor(chartW / STEP_PX));
        int rows = (int) Math.max(1, Math.min(maxRows, (span + perRowAtScale - 1) / perRowAtScale));
        long perRow = (span + rows - 1) / rows;
        double px = chartW / (double) perRow;
        long tick = tick(px);
        int markPx = Math.max(MARK_PX, (int) Math.ceil((double) laneRows * rows * chartW / PAGE_MAX_MARKS));

        List<TraceEvent> violations = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.is(EventType.VIOLATION) && lanes.containsKey(e.thread())) {
                violations.add(e);
            }
        }
        int shownViolations = Math.min(violations.size(), 8);
        String scale = px >= 1 ? String.format(java.util.Locale.ROOT, "1 step = %.1f px", px)
                : String.format(java.util.Locale.ROOT, "1 px = %.1f steps", 1 / px);
        String subtitle = "steps " + first + "–" + last + (totalSteps >= 0 ? " of " + totalSteps : "") + " · "
                + lanes.size() + (lanes.size() == 1 ? " thread" : " threads") + " · " + scale
                + " · bars: a lock held, a walk yielded, for that many steps" + (rows > 1 ? " · " + rows + " rows" : "");
        int notes = (lanesLeftOut > 0 ? 1 : 0) + 1;
        int height = headerH + rows * rowH + 40 + 18 * (shownViolations + (violations.size() > shownViolations ? 1 : 0)
                + notes) + 16;
        int width = Math.max(PAGE_WIDTH, Math.min(Scene.MAX_SIDE, subtitle.length() * 7 + 32));
        Scene s = new Scene(width, height, title + " — timeline", theme.background);
        s.text(16, 28, Scene.clip(title, 150), 18, theme.text, null, true);
        s.text(16, 50, subtitle, 13, theme.muted, null, false);

        // rows: lane stripes and names, the axis with round step numbers
        for (int r = 0; r < rows; r++) {
            int top = headerH + r * rowH;
            long from = first + r * perRow;
            long to = Math.min(last, from + perRow - 1);
            int bottom = top + laneRows * LANE;
            for (Map.Entry<String, Integer> lane : lanes.entrySet()) {
                int y = top + lane.getValue() * LANE;
                if (lane.getValue() % 2 == 1) {
                    s.rect(null, 8, y, chartLeft + chartW - 8 + 8, LANE, 0, theme.unlinkedFill, theme.unlinkedFill, 0,
                            null);
                }
                s.text(NAME_X, y + LANE / 2 + 5, fit(lane.getKey(), 14, true, NAME_MAX_W), 14, theme.text, null,
                        true);
                s.line(chartLeft, y + 36, chartLeft + chartW, y + 36, theme.muted, 1, false);
            }
            s.line(chartLeft, bottom, chartLeft + chartW, bottom, theme.muted, 1, false);
            s.text(16, bottom + 16, "step", 11, theme.muted, null, false);
            for (long t = (from + tick - 1) / tick * tick; t <= to; t += tick) {
                int x = pageX(t, from, px, chartLeft);
                s.line(x, top, x, bottom, theme.unlinkedStroke, 1, false);
                s.text(x, bottom + 16, Long.toString(t), 11, theme.muted, "middle", false);
            }
        }
        // bars, cut at row ends, and merged where they would touch on the page
        long end = last;
        List<Bar> bars = bars(events, lanes, end);
        Map<String, int[]> open = new LinkedHashMap<>(); // lane, kind, row -> x1, x2 of the bar being merged
        List<Object[]> rects = new ArrayList<>();
        for (Bar b : bars) {
            long from = Math.max(b.from(), first);
            long to = Math.min(b.to(), last);
            for (long rs = first + (from - first) / perRow * perRow; rs <= to; rs += perRow) {
                long a = Math.max(from, rs);
                long z = Math.min(to, rs + perRow - 1);
                int row = (int) ((rs - first) / perRow);
                int x1 = pageX(a, rs, px, chartLeft);
                int x2 = Math.max(pageX(z, rs, px, chartLeft) + (z < to ? (int) Math.ceil(px / 2) : 0), x1 + 3);
                String key = b.thread() + "\u0000" + b.kind() + "\u0000" + row;
                int[] cur = open.get(key);
                if (cur != null && x1 <= cur[1] + 1) {
                    cur[1] = Math.max(cur[1], x2);
                } else {
                    int[] next = { x1, x2, row, lanes.get(b.thread()) };
                    open.put(key, next);
                    rects.add(new Object[] { b, next });
                }
            }
        }
        for (Object[] o : rects) {
            Bar b = (Bar) o[0];
            int[] xr = (int[]) o[1];
            int y = headerH + xr[2] * rowH + xr[3] * LANE;
            String id = "bar-" + b.thread() + "-" + b.from() + "-" + xr[2];
            int w = xr[1] - xr[0];
            switch (b.kind()) {
                case "write" -> s.rect(id, xr[0], y + 28, w, 16, 3, theme.invalidFill, theme.invalidStroke, 1, null);
                case "read" -> s.rect(id, xr[0], y + 28, w, 16, 3, theme.validFill, theme.validStroke, 1, null);
                case "yield" -> s.rect(id, xr[0], y + 30, w, 12, 3, theme.background, theme.muted, 1, "4 3");
                default -> s.rect(id, xr[0], y + 46, w, 5, 2, theme.cursor, theme.cursor, 0, null);
            }
        }
        // marks over the bars: one per few pixels of a lane, labels where they fit on one of two levels
        Map<String, Integer> lastMark = new LinkedHashMap<>();
        Map<String, int[]> labelEnds = new LinkedHashMap<>();
        int merged = 0;
        int unlabelled = 0;
        for (TraceEvent e : events) {
            if (!MARKED.contains(e.type()) || !lanes.containsKey(e.thread())) {
                continue;
            }
            int row = (int) ((e.step() - first) / perRow);
            long rs = first + row * perRow;
            int x = pageX(e.step(), rs, px, chartLeft);
            int y = headerH + row * rowH + lanes.get(e.thread()) * LANE + 36;
            String laneKey = e.thread() + "\u0000" + row;
            boolean violation = e.is(EventType.VIOLATION);
            Integer prev = lastMark.get(laneKey);
            if (!violation && prev != null && x - prev < markPx) {
                merged++;
                continue;
            }
            lastMark.put(laneKey, x);
            if (violation) {
                s.rect("mark-" + e.step(), x - 7, y - 7, 14, 14, 2, theme.violation, theme.violation, 1, null);
                s.text(x, y + 4, "!", 11, theme.background, "middle", true);
            } else {
                s.polygon(colour(e.type(), theme), x, y - 7, x + 7, y, x, y + 7, x - 7, y);
            }
            String label = label(e);
            int half = (int) Math.ceil(label.length() * 6.5 / 2);
            int[] ends = labelEnds.computeIfAbsent(laneKey, k -> new int[] { Integer.MIN_VALUE, Integer.MIN_VALUE });
            int lx = Math.min(Math.max(chartLeft + half, x), chartLeft + chartW + 20 - half); // kept on the page
            int level = lx - half > ends[0] + 4 ? 0 : lx - half > ends[1] + 4 ? 1 : violation ? 1 : -1;
            if (level < 0) {
                unlabelled++;
                continue;
            }
            ends[level] = lx + half;
            s.text(lx, y - 13 - 12 * level, label, 11,
                    violation ? theme.violation : theme.text, "middle", violation || e.is(EventType.ROOT_FREE));
        }
        // legend and notes
        int y = headerH + rows * rowH + 24;
        int x = lockLegend(s, y, theme);
        s.polygon(theme.validStroke, x + 6, y - 11, x + 12, y - 5, x + 6, y + 1, x, y - 5);
        s.text(x + 18, y, "root created", 11, theme.muted, null, false);
        x += 104;
        s.polygon(theme.invalidStroke, x + 6, y - 11, x + 12, y - 5, x + 6, y + 1, x, y - 5);
        s.text(x + 18, y, "invalidated or unlinked", 11, theme.muted, null, false);
        x += 164;
        s.polygon(theme.freedFill, x + 6, y - 11, x + 12, y - 5, x + 6, y + 1, x, y - 5);
        s.text(x + 18, y, "freed", 11, theme.muted, null, false);
        x += 64;
        s.polygon(theme.cursor, x + 6, y - 11, x + 12, y - 5, x + 6, y + 1, x, y - 5);
        s.text(x + 18, y, "walk", 11, theme.muted, null, false);
        x += 60;
        s.rect(null, x, y - 11, 12, 12, 2, theme.violation, theme.violation, 1, null);
        s.text(x + 18, y, "violation", 11, theme.muted, null, false);
        y += 22;
        for (TraceEvent v : violations.subList(0, shownViolations)) {
            s.text(16, y, Scene.clip(violationLine(v), 150), 12, theme.violation, null, true);
            y += 18;
        }
        if (violations.size() > shownViolations) {
            s.text(16, y, "+" + Scene.count(violations.size() - shownViolations) + " more violations", 12,
                    theme.violation, null, true);
            y += 18;
        }
        if (lanesLeftOut > 0) {
            s.text(16, y, "+" + Scene.count(lanesLeftOut) + " more threads not drawn", 12, theme.muted, null, false);
            y += 18;
        }
        String crowd = merged + unlabelled == 0 ? "every root, walk, rcu and violation event drawn and labelled"
                : Scene.count(merged) + " marks drawn as one with a neighbour, " + Scene.count(unlabelled)
                        + " labels left out where marks crowd (a window, --steps A..B, shows them)";
        s.text(16, y, crowd, 11, theme.muted, null, false);
        return s;
    }

    /** x of a step on a page row starting at {@code rowStart}: the centre of the step's slot. */
    private static int pageX(long step, long rowStart, double px, int left) {
        return left + (int) Math.round((step - rowStart + 0.5) * px);
    }

    /** A round tick interval (1, 2, 5 × 10^k steps) at least 56 pixels apart. */
    static long tick(double px) {
        long t = 1;
        while (true) {
            for (long m : new long[] { 1, 2, 5 }) {
                if (t * m * px >= 56) {
                    return t * m;
                }
            }
            t *= 10;
        }
    }

    /** Lock holds (per lock name) and yields (walk.yield to the next event of the thread's walk). */
    private static List<Bar> bars(List<TraceEvent> events, Map<String, Integer> lanes, long end) {
        List<Bar> bars = new ArrayList<>();
        Map<String, TraceEvent> open = new LinkedHashMap<>();
        for (TraceEvent e : events) {
            if (!lanes.containsKey(e.thread()) || e.step() > end) {
                continue;
            }
            if (e.is(EventType.LOCK_ACQUIRE) || e.is(EventType.LOCK_RELEASE)) {
                String lock = lockName(e.detail());
                String key = e.thread() + "\u0000" + lock;
                if (e.is(EventType.LOCK_ACQUIRE)) {
                    open.putIfAbsent(key, e);
                } else {
                    TraceEvent a = open.remove(key);
                    if (a != null) {
                        bars.add(new Bar(e.thread(), a.step(), e.step(), kind(a.detail()), lock));
                    }
                }
            } else if (e.is(EventType.WALK_YIELD)) {
                open.putIfAbsent(e.thread() + "\u0000yield", e);
            } else if (e.is(EventType.WALK_RESUME) || e.is(EventType.WALK_RESTART) || e.is(EventType.WALK_END)
                    || e.is(EventType.LOCK_ACQUIRE)) {
                TraceEvent y = open.remove(e.thread() + "\u0000yield");
                if (y != null) {
                    bars.add(new Bar(e.thread(), y.step(), e.step(), "yield", "yield"));
                }
            }
        }
        // still held or yielded at the end of the trace (or of the drawn part)
        for (TraceEvent a : open.values()) {
            String kind = a.is(EventType.WALK_YIELD) ? "yield" : kind(a.detail());
            bars.add(new Bar(a.thread(), a.step(), end, kind, kind));
        }
        bars.sort((p, q) -> p.kind().equals("other") == q.kind().equals("other") ? Long.compare(p.from(), q.from())
                : p.kind().equals("other") ? 1 : -1);
        return bars;
    }

    private static String lockName(String detail) {
        if (detail == null || detail.isBlank()) {
            return "lock";
        }
        int sp = detail.indexOf(' ');
        return sp < 0 ? detail : detail.substring(0, sp);
    }

    private static String kind(String detail) {
        if (detail != null && detail.startsWith("mmu_lock")) {
            return detail.endsWith("write") ? "write" : "read";
        }
        return "other";
    }

    /** x of a step: marked steps at their column's centre, others between their neighbours. */
    static int xOf(long step, long[] cols, int left) {
        if (cols.length == 0) {
            return left + COL / 2;
        }
        int i = java.util.Arrays.binarySearch(cols, step);
        if (i >= 0) {
            return left + i * COL + COL / 2;
        }
        int next = -i - 1;
        if (next == 0) {
            return left + 4;
        }
        if (next == cols.length) {
            return left + cols.length * COL - 4;
        }
        long a = cols[next - 1];
        long b = cols[next];
        int xa = left + (next - 1) * COL + COL / 2;
        return xa + (int) ((step - a) * COL / (b - a));
    }

    /** A root the trace importer inferred (no root record named it): its create says so. */
    /** {@code create A}, or {@code A from line 19} for a root an imported window starts with (see below). */
    private static String createLabel(TraceEvent e, String root) {
        String line = createdEarlier(e);
        return line == null ? "create" + root : e.root() + " from " + line;
    }

    /**
     * Where a root an imported window starts with was made ({@code line 19}), when that is before the window: the
     * import shows it at the window's first step, and "create" there would say it was made then. Null otherwise.
     */
    private static String createdEarlier(TraceEvent e) {
        String d = e.detail();
        int w = d == null ? -1 : d.indexOf(" (before the window)");
        int l = w < 0 ? -1 : d.lastIndexOf("line ", w);
        return l < 0 ? null : d.substring(l, w);
    }

    private static boolean inferred(TraceEvent e) {
        return e.is(EventType.ROOT_CREATE) && e.detail() != null && e.detail().startsWith("inferred");
    }

    /** One entry of a timeline's legend: how its swatch is drawn, and its words. */
    private record LegendItem(String kind, String label) {
        int width() {
            return 28 + textWidth(label, 11, false) + 18;
        }
    }

    /**
     * The legend of {@link #layout}: only what the picture holds (an imported trace has no lock bars and no
     * violations; a run without a yield has no yield bar), in a fixed order.
     */
    private static List<LegendItem> legend(List<Bar> bars, List<TraceEvent> marks) {
        Set<String> has = new java.util.HashSet<>();
        for (Bar b : bars) {
            has.add(b.kind());
        }
        for (TraceEvent e : marks) {
            has.add(switch (e.type()) {
                case ROOT_CREATE -> inferred(e) ? "inferred" : "create";
                case ROOT_INVALIDATE, ROOT_UNLINK -> "invalidate";
                case ROOT_FREE -> "free";
                case RCU_SYNC -> "rcu";
                case VIOLATION -> "violation";
                case WALK_YIELD -> "yield"; // its mark starts the yield bar the legend explains
                default -> "walk";
            });
        }
        List<LegendItem> out = new ArrayList<>();
        String[][] all = { { "read", "mmu_lock read" }, { "write", "mmu_lock write" }, { "other", "other lock" },
                { "yield", "yielded" }, { "create", "root created" }, { "inferred", "root inferred" },
                { "invalidate", "invalidated or unlinked" }, { "free", "freed" }, { "walk", "walk" },
                { "rcu", "rcu sync" }, { "violation", "violation" } };
        for (String[] k : all) {
            if (has.contains(k[0])) {
                out.add(new LegendItem(k[0], k[1]));
            }
        }
        return out;
    }

    private static int legendRows(List<LegendItem> legend, int width) {
        int rows = 1;
        int x = NAME_X;
        for (LegendItem item : legend) {
            if (x > NAME_X && x + item.width() - 18 > width - 8) {
                rows++;
                x = NAME_X;
            }
            x += item.width();
        }
        return rows;
    }

    /** Draws the legend from baseline {@code y}, wrapping at the page's width; returns the last row's baseline. */
    private static int drawLegend(Scene s, List<LegendItem> legend, int y, int width, Theme theme) {
        int x = NAME_X;
        for (LegendItem item : legend) {
            if (x > NAME_X && x + item.width() - 18 > width - 8) {
                y += 18;
                x = NAME_X;
            }
            switch (item.kind()) {
                case "read" -> s.legend(x, y, theme.validFill, theme.validStroke, null, item.label(), theme.muted);
                case "write" -> s.legend(x, y, theme.invalidFill, theme.invalidStroke, null, item.label(),
                        theme.muted);
                case "yield" -> s.legend(x, y, theme.background, theme.muted, "4 3", item.label(), theme.muted);
                case "other" -> s.rect(null, x, y - 6, 22, 5, 2, theme.cursor, theme.cursor, 0, null);
                case "violation" -> s.rect(null, x + 5, y - 11, 12, 12, 2, theme.violation, theme.violation, 1,
                        null);
                default -> {
                    String c = switch (item.kind()) {
                        case "create", "inferred" -> theme.validStroke;
                        case "invalidate" -> theme.invalidStroke;
                        case "free" -> theme.freedFill;
                        case "rcu" -> theme.unlinkedStroke;
                        default -> theme.cursor;
                    };
                    s.polygon(c, x + 11, y - 11, x + 17, y - 5, x + 11, y + 1, x + 5, y - 5);
                    if (item.kind().equals("inferred")) {
                        s.polygon(theme.background, x + 11, y - 8, x + 14, y - 5, x + 11, y - 2, x + 8, y - 5);
                    }
                }
            }
            if (!item.kind().equals("read") && !item.kind().equals("write") && !item.kind().equals("yield")) {
                s.text(x + 28, y, item.label(), 11, theme.muted, null, false);
            }
            x += item.width();
        }
        return y;
    }

    /** Advance widths of DejaVu Sans (the first font the SVG names; the others are narrower), per mille em, ' '..'~'. */
    private static final short[] ADVANCE = { 318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361,
            318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686,
            698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989,
            685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278,
            974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838 };
    private static final short[] ADVANCE_BOLD = { 348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380,
            415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774,
            762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774,
            1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
            343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838 };

    /** How wide a text is drawn (px, rounded up), so that names and labels can be kept clear of each other. */
    static int textWidth(String text, int size, boolean bold) {
        short[] adv = bold ? ADVANCE_BOLD : ADVANCE;
        long w = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            w += c >= ' ' && c <= '~' ? adv[c - ' '] : 1000; // others: as wide as the widest
        }
        return (int) Math.ceil(w * size / 1000.0);
    }

    /** {@code text}, or as much of it as fits in {@code maxW} pixels followed by "…". */
    static String fit(String text, int size, boolean bold, int maxW) {
        if (textWidth(text, size, bold) <= maxW) {
            return text;
        }
        int n = text.length();
        while (n > 0 && textWidth(text.substring(0, n) + "…", size, bold) > maxW) {
            n--;
        }
        return text.substring(0, n) + "…";
    }

    /** Where the lanes begin: right of the widest name (as drawn, up to {@link #NAME_MAX_W}), at least {@link #LEFT}. */
    static int left(java.util.Collection<String> names) {
        int w = 0;
        for (String n : names) {
            w = Math.max(w, textWidth(fit(n, 14, true, NAME_MAX_W), 14, true));
        }
        return Math.max(LEFT, NAME_X + w + 14);
    }

    private static String colour(EventType t, Theme theme) {
        return switch (t) {
            case ROOT_CREATE -> theme.validStroke;
            case ROOT_INVALIDATE, ROOT_UNLINK -> theme.invalidStroke;
            case ROOT_FREE -> theme.freedFill;
            case WALK_VISIT, WALK_START, WALK_END, WALK_RESTART -> theme.cursor;
            case RCU_SYNC -> theme.unlinkedStroke;
            default -> theme.muted;
        };
    }

    static String label(TraceEvent e) {
        String root = e.root() == null ? "" : " " + e.root();
        return switch (e.type()) {
            case ROOT_CREATE -> createLabel(e, root);
            case ROOT_INVALIDATE -> "inval" + root;
            case ROOT_UNLINK -> "unlink" + root;
            case ROOT_FREE -> "free" + root;
            case WALK_START -> "walk";
            case WALK_VISIT -> "visit" + root;
            case WALK_YIELD -> "yield" + root;
            case WALK_RESTART -> "restart";
            case WALK_END -> "end";
            case RCU_SYNC -> "rcu sync";
            case VIOLATION -> e.invariant() == null ? "violation" : "violation " + e.invariant().number();
            default -> e.type().id();
        };
    }
}
