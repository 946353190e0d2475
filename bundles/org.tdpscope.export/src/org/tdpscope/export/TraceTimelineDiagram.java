/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.Locale;

import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.trace.TraceTimeline.Mark;

/**
 * An imported trace's timeline on its real time axis, for a document: a fixed page width, one lane per
 * task or per CPU with its name, ticks of 1, 2 or 5 × 10^k ns labelled in the trace's seconds, and one
 * mark per pixel column where the lane had events, coloured by the most telling of them, with a legend.
 * A mark's position is its time: the horizontal axis is a clock, not a step count. The lanes drawn are
 * bounded ({@link #MAX_LANES}); the others are counted under the drawing.
 */
public final class TraceTimelineDiagram {

    /** Width of the page, whatever the trace's length. */
    public static final int WIDTH = 1200;
    public static final int MAX_LANES = 64;
    private static final int NAME_W = 190;
    /** Room between the name column and the first mark, so a mark at the window's start is seen whole. */
    private static final int PAD = 8;
    private static final int TOP = 58;
    private static final int LANE_H = 18;

    private TraceTimelineDiagram() {
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
        case PAGE -> "#6464dc";
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
        tl.finish();
        int lanes = Math.min(MAX_LANES, tl.laneCount(g));
        int plotW = WIDTH - NAME_W - 20 - PAD;
        int height = TOP + lanes * LANE_H + 70;
        Scene s = new Scene(WIDTH, height, title, theme.background);
        long span = Math.max(1, endNs - startNs);
        double nsPx = span / (double) plotW;
        s.text(12, 20, Scene.clip(title, 140), 14, theme.text, null, true);
        s.text(12, 38, String.format(Locale.ROOT, "%.6f .. %.6f s (%s), %s events, lanes per %s%s", startNs / 1e9,
                endNs / 1e9, duration(span), Scene.count(tl.size()), g == Grouping.TASK ? "task" : "CPU",
                tl.laneCount(g) > lanes ? ", first " + lanes + " of " + tl.laneCount(g) + " lanes" : ""), 11,
                theme.muted, null, false);
        // ticks
        long step = tickStep(nsPx * 120);
        int decimals = Math.max(0, Math.min(9, 9 - (int) Math.floor(Math.log10(step))));
        for (long t = Math.floorDiv(startNs, step) * step; t < endNs; t += step) {
            int x = NAME_W + PAD + (int) ((t - startNs) / nsPx);
            if (x < NAME_W + PAD) {
                continue;
            }
            s.line(x, TOP - 6, x, TOP + lanes * LANE_H, theme.unlinkedFill, 1, false);
            s.text(x + 2, TOP - 8, String.format(Locale.ROOT, "%." + decimals + "f", t / 1e9), 10, theme.muted, null,
                    false);
        }
        for (int lane = 0; lane < lanes; lane++) {
            int y = TOP + lane * LANE_H;
            s.text(12, y + 13, Scene.clip(tl.laneName(g, lane), 24) + "  " + Scene.count(tl.laneSize(g, lane)), 11,
                    theme.text, null, false);
            int[] run = { -1, 0, -1 }; // x, width, mark: adjacent columns of one mark are one rectangle
            tl.columns(g, lane, startNs, nsPx, plotW, (x, count, m) -> {
                if (run[2] == m.ordinal() && run[0] + run[1] == x) {
                    run[1]++;
                } else {
                    mark(s, run, y);
                    run[0] = x;
                    run[1] = 1;
                    run[2] = m.ordinal();
                }
            });
            mark(s, run, y);
        }
        s.line(NAME_W, TOP, NAME_W, TOP + lanes * LANE_H, theme.muted, 1, false);
        int ly = TOP + lanes * LANE_H + 24;
        int lx = 12;
        s.text(lx, ly + 9, "scale: " + duration(step) + " between ticks", 11, theme.muted, null, false);
        lx += 190;
        for (Mark m : Mark.values()) {
            String name = m.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            if (lx + 16 + name.length() * 7 > WIDTH) {
                ly += 18;
                lx = 202;
            }
            s.rect(null, lx, ly, 10, 10, 0, colour(m), colour(m), 0, null);
            s.text(lx + 14, ly + 9, name, 11, theme.text, null, false);
            lx += 14 + name.length() * 7 + 14;
        }
        return s;
    }

    private static void mark(Scene s, int[] run, int y) {
        if (run[2] >= 0) {
            String c = colour(Mark.of(run[2]));
            s.rect(null, NAME_W + PAD + run[0], y + 3, Math.max(2, run[1]), LANE_H - 6, 0, c, c, 0, null);
        }
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

    /** A duration in the unit that reads best (ns, µs, ms, s). */
    public static String duration(long ns) {
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return trim(ns / 1e3) + " µs";
        }
        if (ns < 1_000_000_000) {
            return trim(ns / 1e6) + " ms";
        }
        return trim(ns / 1e9) + " s";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
