/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tdpscope.trace.InferredRoot;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.trace.TraceTimeline.Mark;

/**
 * An imported trace's timeline on its real time axis, for a document: a fixed page width, one lane per
 * task or per CPU with its name, ticks of 1, 2 or 5 × 10^k ns labelled in the trace's seconds, and one
 * mark per pixel column where the lane had events, coloured by the most telling of them, with a legend.
 * A mark's position is its time: the horizontal axis is a clock, not a step count. The lanes drawn are
 * bounded ({@link #MAX_LANES}); the others are counted under the drawing. The name column is as wide as
 * the longest name (up to {@link #NAME_MAX_W}, then "…"), tick labels stay on the page, a root the
 * importer inferred is a dashed box, and the legend names only the marks the window holds.
 */
public final class TraceTimelineDiagram {

    /** Width of the page, whatever the trace's length. */
    public static final int WIDTH = 1200;
    public static final int MAX_LANES = 64;
    /** Narrowest name column; it grows with the longest lane name up to {@link #NAME_MAX_W}. */
    private static final int NAME_MIN_W = 120;
    /** Widest a lane's name is drawn (px); a longer one ends in "…". */
    static final int NAME_MAX_W = 300;
    private static final int NAME_X = 12;
    /** Room between the name column and the first mark, so a mark at the window's start is seen whole. */
    private static final int PAD = 8;
    /** Room right of the plot, and the least room any text keeps from the page's edge. */
    private static final int RIGHT = 20;
    private static final int EDGE = 4;
    private static final int TOP = 58;
    private static final int LANE_H = 18;
    private static final String ROOT_DASH = "3 2";

    private TraceTimelineDiagram() {
    }

    /** A mark's name in a legend: {@code spte set}, {@code table page} (a page-table page made or zapped). */
    public static String label(Mark m) {
        return m == Mark.PAGE ? "table page" : m.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The mark a legend entry names, null for another entry (the inferred root's, the scale). */
    public static Mark ofLabel(String label) {
        for (Mark m : Mark.values()) {
            if (label(m).equals(label)) {
                return m;
            }
        }
        return null;
    }

    /** Colour of a mark, the same in both themes (they are read against the lane's background). */
    public static String colour(Mark m) {
        return switch (m) {
        case OTHER -> "#969696";
        case ENTRY_EXIT -> "#bebecd";
        case PAGE_FAULT -> "#4682c8";
        case FAST_FAULT -> "#78aae6";
        case SPTE_SET -> "#289646";
        case SPTE_ZAP -> "#dc781e";
        case FROZEN -> "#a05ac8";
        case MMIO -> "#78783c";
        case SPLIT -> "#009696";
        case PAGE -> "#8c564b"; // brown: the violet it had read as the frozen SPTEs' purple
        case UNMAP -> "#c83c82";
        case ROOT -> "#24292f";
        case FAST_ZAP -> "#d71e1e";
        };
    }

    /**
     * The window [{@code startNs}, {@code endNs}) of a finished timeline.
     *
     * @param title what the trace is (its file name)
     */
    public static Scene layout(String title, TraceTimeline tl, Grouping g, long startNs, long endNs, Theme theme) {
        return layout(title, tl, g, startNs, endNs, theme, List.of());
    }

    /**
     * {@link #layout(String, TraceTimeline, Grouping, long, long, Theme)} with the roots the importer found:
     * each root it inferred (no root record named it) gets a dashed mark where it was inferred, in the lane
     * of the record that made it; a root a record named shows as that record's (solid) root mark.
     */
    public static Scene layout(String title, TraceTimeline tl, Grouping g, long startNs, long endNs, Theme theme,
            List<InferredRoot> roots) {
        tl.finish();
        int lanes = Math.min(MAX_LANES, tl.laneCount(g));
        // the name column is as wide as the longest name and its count, so no name runs into the marks
        String[] names = new String[lanes];
        String[] counts = new String[lanes];
        int nameW = 0;
        int countW = 0;
        for (int lane = 0; lane < lanes; lane++) {
            names[lane] = TimelineDiagram.fit(tl.laneName(g, lane), 11, false, NAME_MAX_W);
            counts[lane] = Scene.count(tl.laneSize(g, lane));
            nameW = Math.max(nameW, TimelineDiagram.textWidth(names[lane], 11, false));
            countW = Math.max(countW, TimelineDiagram.textWidth(counts[lane], 11, false));
        }
        int nameCol = Math.max(NAME_MIN_W, NAME_X + nameW + 12 + countW + 8);
        int plotLeft = nameCol + PAD;
        int plotW = WIDTH - plotLeft - RIGHT;
        int height = TOP + lanes * LANE_H + 70;
        long span = Math.max(1, endNs - startNs);
        double nsPx = span / (double) plotW;

        // what is drawn: the marks per lane (adjacent columns of the same kinds are one rectangle, a stripe a kind
        // where a column holds several) and the inferred roots
        List<int[]> rects = new ArrayList<>(); // x, width, kinds, lane
        EnumSet<Mark> shown = EnumSet.noneOf(Mark.class);
        for (int lane = 0; lane < lanes; lane++) {
            int l = lane;
            int[] run = { -1, 0, 0 };
            tl.columns(g, lane, startNs, nsPx, plotW, (x, count, m, kinds) -> {
                if (run[2] == kinds && run[0] + run[1] == x) {
                    run[1]++;
                } else {
                    if (run[2] != 0) {
                        rects.add(new int[] { run[0], run[1], run[2], l });
                    }
                    run[0] = x;
                    run[1] = 1;
                    run[2] = kinds;
                }
            });
            if (run[2] != 0) {
                rects.add(new int[] { run[0], run[1], run[2], l });
            }
        }
        for (int[] r : rects) { // the legend names what is drawn: a run's stripes
            for (int k : stripes(r[2])) {
                shown.add(Mark.of(k));
            }
        }
        List<int[]> inferred = inferredRoots(tl, g, lanes, roots, startNs, nsPx, plotW); // x, lane

        // the legend, laid out first: its rows make the page taller
        List<String> legend = new ArrayList<>();
        for (Mark m : Mark.values()) {
            if (shown.contains(m)) {
                legend.add(label(m));
            }
        }
        if (!inferred.isEmpty()) {
            legend.add("root, inferred");
        }
        int legendLeft = 202;
        int[] legendX = new int[legend.size()];
        int[] legendRow = new int[legend.size()];
        int lx = legendLeft;
        int row = 0;
        for (int i = 0; i < legend.size(); i++) {
            int w = 14 + TimelineDiagram.textWidth(legend.get(i), 11, false) + 14;
            if (lx > legendLeft && lx + w - 14 > WIDTH - EDGE) {
                row++;
                lx = legendLeft;
            }
            legendX[i] = lx;
            legendRow[i] = row;
            lx += w;
        }
        height += 18 * row;

        Scene s = new Scene(WIDTH, height, title, theme.background);
        s.text(12, 20, Scene.clip(title, 140), 14, theme.text, null, true);
        long inWindow = tl.eventsBetween(startNs, endNs); // a zoomed export counts what it draws, not the whole trace
        s.text(12, 38, extent(tl, startNs, endNs) + (tl.size() == 1 ? "" : ", " + (inWindow < tl.size() ? Scene.count(inWindow)
                + " of " : "") + Scene.count(tl.size()) + " events")
                + ", lanes per " + (g == Grouping.TASK ? "task" : "CPU") + (tl.laneCount(g) > lanes ? ", first "
                        + lanes + " of " + tl.laneCount(g) + " lanes" : ""), 11, theme.muted, null, false);
        // ticks, each label right of its line, or left of it where the page ends, or left out where labels would meet
        long step = tickStep(nsPx * 120);
        int decimals = Math.max(0, Math.min(9, 9 - (int) Math.floor(Math.log10(step))));
        int labelsEnd = Integer.MIN_VALUE;
        for (long t = Math.floorDiv(startNs, step) * step; t < endNs; t += step) {
            int x = plotLeft + (int) ((t - startNs) / nsPx);
            if (x < plotLeft) {
                continue;
            }
            s.line(x, TOP - 6, x, TOP + lanes * LANE_H, theme.unlinkedFill, 1, false);
            String label = String.format(Locale.ROOT, "%." + decimals + "f", t / 1e9);
            int w = TimelineDiagram.textWidth(label, 10, false);
            if (x + 2 + w <= WIDTH - EDGE) {
                s.text(x + 2, TOP - 8, label, 10, theme.muted, null, false);
                labelsEnd = x + 2 + w;
            } else if (x - 2 - w > labelsEnd + 6) {
                s.text(x - 2, TOP - 8, label, 10, theme.muted, "end", false);
                labelsEnd = x - 2;
            }
        }
        for (int lane = 0; lane < lanes; lane++) {
            int y = TOP + lane * LANE_H;
            s.text(NAME_X, y + 13, names[lane], 11, theme.text, null, false);
            s.text(nameCol - 8, y + 13, counts[lane], 11, theme.muted, "end", false);
        }
        // an inferred root: a dashed box round the mark of the record that made the importer infer it, under it
        for (int[] r : inferred) {
            s.rect("inferred-root-" + r[2], plotLeft + r[0] - 3, TOP + r[1] * LANE_H + 1, 7, LANE_H - 2, 0,
                    theme.background, colour(Mark.ROOT), 1, ROOT_DASH);
        }
        for (int[] r : rects) {
            int[] kinds = stripes(r[2]);
            int h = LANE_H - 6;
            for (int i = 0; i < kinds.length; i++) {
                String c = colour(Mark.of(kinds[i]));
                int from = h * i / kinds.length;
                int to = h * (i + 1) / kinds.length;
                s.rect(null, plotLeft + r[0], TOP + r[3] * LANE_H + 3 + from, Math.max(2, r[1]), to - from, 0, c, c, 0,
                        null);
            }
        }
        s.line(nameCol, TOP, nameCol, TOP + lanes * LANE_H, theme.muted, 1, false);
        int ly = TOP + lanes * LANE_H + 24;
        s.text(12, ly + 9, "scale: " + duration(step) + " between ticks", 11, theme.muted, null, false);
        for (int i = 0; i < legend.size(); i++) {
            int x = legendX[i];
            int y = ly + 18 * legendRow[i];
            if (legend.get(i).equals("root, inferred")) {
                s.rect(null, x, y - 1, 8, 12, 0, theme.background, colour(Mark.ROOT), 1, ROOT_DASH);
            } else {
                String c = colour(ofLabel(legend.get(i)));
                s.rect(null, x, y, 10, 10, 0, c, c, 0, null);
            }
            s.text(x + 14, y + 9, legend.get(i), 11, theme.text, null, false);
        }
        return s;
    }

    /** Where the inferred roots of the window go: x in the plot, lane, root id. */
    private static List<int[]> inferredRoots(TraceTimeline tl, Grouping g, int lanes, List<InferredRoot> roots,
            long startNs, double nsPx, int plotW) {
        List<int[]> out = new ArrayList<>();
        if (roots == null || roots.isEmpty() || tl.size() == 0) {
            return out;
        }
        Map<String, Integer> laneOf = new HashMap<>();
        for (int lane = 0; lane < lanes; lane++) {
            laneOf.put(tl.laneName(g, lane), lane);
        }
        for (InferredRoot r : roots) {
            if (!r.inferred()) {
                continue; // a root record names it: that record's mark is drawn
            }
            int ev = tl.eventAtLine(r.line());
            if (ev < 0 || tl.line(ev) != r.line()) {
                continue; // the line that made the root is not in this timeline (another window)
            }
            Integer lane = laneOf.get(g == Grouping.TASK ? tl.taskOf(ev) : "CPU " + tl.cpuOf(ev));
            long t = tl.timestampNs(ev);
            int x = (int) Math.floor((t - startNs) / nsPx);
            if (lane != null && t >= startNs && x < plotW) {
                out.add(new int[] { x, lane, r.id() });
            }
        }
        return out;
    }

    /**
     * What the header says of the window: the times of its first and last event and the span between them
     * exactly (a window that reaches past the trace's events is said from its first event to its last), or
     * the one time of a single event.
     */
    static String extent(TraceTimeline tl, long startNs, long endNs) {
        long from = startNs;
        long to = endNs;
        if (tl.size() > 0) {
            from = Math.max(startNs, tl.firstNs());
            to = endNs > tl.lastNs() ? tl.lastNs() : endNs;
            if (to < from) {
                from = startNs;
                to = endNs;
            }
        }
        if (tl.size() == 1 && from == to) {
            return seconds(from) + " s, a single event";
        }
        if (from == to) {
            return seconds(from) + " s (one instant)";
        }
        return seconds(from) + " .. " + seconds(to) + " s (" + duration(to - from) + ")";
    }

    /** A time in seconds as traces print it: to the microsecond, or to the nanosecond when it has them. */
    static String seconds(long ns) {
        return String.format(Locale.ROOT, ns % 1000 == 0 ? "%.6f" : "%.9f", BigDecimal.valueOf(ns, 9));
    }

    /** Kinds a mark shows as stripes at most: a lane's bar is 12 to 16 pixels high. */
    public static final int STRIPES = 4;

    /**
     * The marks of {@code kinds} drawn as stripes, the highest first, at most {@link #STRIPES} of them; entries,
     * exits and other records only where nothing else is (each fault comes with them).
     */
    public static int[] stripes(int kinds) {
        int background = (1 << Mark.OTHER.ordinal()) | (1 << Mark.ENTRY_EXIT.ordinal());
        if ((kinds & ~background) != 0) {
            kinds &= ~background;
        }
        int n = Math.min(STRIPES, Integer.bitCount(kinds));
        int[] out = new int[n];
        for (int i = 0, k = kinds; i < n; i++) {
            int m = 31 - Integer.numberOfLeadingZeros(k);
            out[i] = m;
            k &= ~(1 << m);
        }
        return out;
    }

    /** The smallest 1, 2 or 5 × 10^k nanoseconds that is at least {@code ns}. */
    public static long tickStep(double ns) {
        long p = 1;
        while (p < Long.MAX_VALUE / 100) {
            for (long m : new long[] { 1, 2, 5 }) {
                if (p * m >= ns) {
                    return p * m;
                }
            }
            p *= 10;
        }
        return p;
    }

    /** A duration in the unit that reads best (ns, µs, ms, s), exactly: 559 µs, 3.140123 ms. */
    public static String duration(long ns) {
        long abs = Math.abs(ns);
        if (abs < 1_000) {
            return ns + " ns";
        }
        int scale = abs < 1_000_000 ? 3 : abs < 1_000_000_000 ? 6 : 9;
        String unit = scale == 3 ? " µs" : scale == 6 ? " ms" : " s";
        return BigDecimal.valueOf(ns, scale).stripTrailingZeros().toPlainString() + unit;
    }
}
