/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.Root;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RootListSnapshot.Box;
import org.tdpscope.sim.TraceEvent;

/**
 * The root list at one step as SVG: {@code tdp_mmu_roots} head to tail, each root a box with its
 * name, role and refcount; invalid, delisted, unlinked and freed roots drawn differently; the
 * walkers' cursors above the roots they stand on; violations outlined and listed.
 */
public final class RootListDiagram {

    static final int BOX_W = 104;
    static final int BOX_H = 72;
    static final int GAP = 40;
    static final int LEFT = 150;
    static final int ROW1 = 124;
    static final int ROW2 = 274;
    /** Width of the mark standing for roots of a row left out ("⋯ +12"). */
    static final int MORE_W = 64;
    /**
     * At most this many roots drawn a row: the ones that matter (in a violation or under a walker's
     * cursor, then live ones, then the most recently created) in the row's order; the others are
     * counted where they are left out and summarized under the drawing.
     */
    public static final int MAX_ROOTS_PER_ROW = 12;
    /** At most this many threads and violations listed under the drawing; the rest are counted. */
    static final int MAX_LINES = 12;
    /** Longest line of text, in characters, before it is cut with "…". */
    static final int MAX_CHARS = 150;

    private RootListDiagram() {
    }

    /** The diagram as SVG text. */
    public static String svg(String title, RootListSnapshot snap, List<TraceEvent> violations, Theme theme) {
        return SvgRenderer.render(layout(title, snap, violations, theme));
    }

    /** The diagram as shapes, for any renderer (SVG here, SWT in the workbench). */
    public static Scene layout(String title, RootListSnapshot snap, List<TraceEvent> violations, Theme theme) {
        return layout(title, snap, violations, theme, -1);
    }

    /**
     * The diagram at {@code snap}'s step of a run of {@code totalSteps} steps (negative when not known),
     * so the picture says "step 12 of 85".
     */
    public static Scene layout(String title, RootListSnapshot snap, List<TraceEvent> violations, Theme theme,
            long totalSteps) {
        List<Box> listed = new ArrayList<>();
        List<Box> others = new ArrayList<>();
        for (Box b : snap.roots()) {
            (b.listed() ? listed : others).add(b);
        }
        List<Slot> row1 = pick(listed, MAX_ROOTS_PER_ROW);
        List<Slot> row2 = pick(others, MAX_ROOTS_PER_ROW);
        String notDrawn = notDrawn(listed, others, row1, row2);
        List<String> threadLines = new ArrayList<>();
        for (RootListSnapshot.ThreadState t : snap.threads()) {
            threadLines.add(Scene.clip(t.name() + ": " + t.where(), MAX_CHARS));
        }
        List<String> violationLines = new ArrayList<>();
        for (TraceEvent v : violations) {
            violationLines.add(Scene.clip("violation " + v.invariant().number() + " (" + v.invariant().word()
                    + ") at step " + v.step() + ": " + v.detail(), MAX_CHARS));
        }
        int shownThreads = Math.min(threadLines.size(), MAX_LINES);
        int shownViolations = Math.min(violationLines.size(), MAX_LINES);
        int lines = shownThreads + (threadLines.size() > shownThreads ? 1 : 0) + shownViolations
                + (violationLines.size() > shownViolations ? 1 : 0) + (notDrawn == null ? 0 : 1);
        TraceEvent last = snap.lastEvent();
        String subtitle = Scene.clip("kernel " + snap.kernel().word() + " · policy " + snap.policy().word() + " · "
                + Scene.stepLabel(snap.step(), totalSteps) + (last == null ? "" : " · " + last.thread() + " "
                        + last.type().id() + (last.root() != null ? " " + last.root() : "")), MAX_CHARS);
        int longest = Math.max(Scene.clip(title, MAX_CHARS).length() * 11, subtitle.length() * 7);
        for (String l : threadLines.subList(0, shownThreads)) {
            longest = Math.max(longest, l.length() * 7);
        }
        for (String l : violationLines.subList(0, shownViolations)) {
            longest = Math.max(longest, l.length() * 8);
        }
        // Text is not measured (no fonts headless): a generous 7 px per character at 12 px.
        int width = Math.max(Math.max(rowWidth(row1), rowWidth(row2)) + 60, Math.max(longest + 32, LEGEND_W));
        int legendY = ROW2 + BOX_H + 40 + 18 * lines + 10;
        int height = legendY + 30;
        String head = title + " — " + snap.rulesTitle() + ", " + Scene.stepLabel(snap.step(), totalSteps);
        Scene svg = new Scene(width, height, head, theme.background);
        svg.text(16, 28, Scene.clip(title, MAX_CHARS), 18, theme.text, null, true);
        svg.text(16, 50, subtitle, 13, theme.muted, null, false);

        svg.text(16, ROW1 + BOX_H / 2 + 5, "tdp_mmu_roots", 13, theme.text, null, true);
        int x = LEFT;
        int prevRight = LEFT - 12;
        List<Box> drawn1 = new ArrayList<>();
        List<Integer> xs1 = new ArrayList<>();
        for (Slot slot : row1) {
            if (slot.box() == null) {
                svg.line(prevRight, ROW1 + BOX_H / 2, x - 2, ROW1 + BOX_H / 2, theme.muted, 2, false);
                drawMore(svg, slot.skipped(), x, ROW1, theme);
                prevRight = x + MORE_W + 2;
                x += MORE_W + GAP;
                continue;
            }
            svg.line(prevRight, ROW1 + BOX_H / 2, x - 2, ROW1 + BOX_H / 2, theme.muted, 2, true);
            drawBox(svg, slot.box(), x, ROW1, theme);
            drawn1.add(slot.box());
            xs1.add(x);
            prevRight = x + BOX_W + 2;
            x += BOX_W + GAP;
        }
        if (listed.isEmpty()) {
            svg.text(LEFT, ROW1 + BOX_H / 2 + 5, "(empty)", 13, theme.muted, null, false);
        }
        pairMirrors(svg, drawn1, xs1, ROW1, theme);
        if (!others.isEmpty()) {
            svg.text(16, ROW2 + BOX_H / 2 + 5, "off the list", 13, theme.text, null, true);
            x = LEFT;
            for (Slot slot : row2) {
                if (slot.box() == null) {
                    drawMore(svg, slot.skipped(), x, ROW2, theme);
                    x += MORE_W + GAP;
                } else {
                    drawBox(svg, slot.box(), x, ROW2, theme);
                    x += BOX_W + GAP;
                }
            }
        }
        int y = ROW2 + BOX_H + 40;
        if (notDrawn != null) {
            svg.text(16, y, notDrawn, 12, theme.muted, null, false);
            y += 18;
        }
        for (int i = 0; i < shownThreads; i++) {
            RootListSnapshot.ThreadState t = snap.threads().get(i);
            svg.text(16, y, threadLines.get(i), 12, t.done() ? theme.muted : theme.text, null, false);
            y += 18;
        }
        if (threadLines.size() > shownThreads) {
            svg.text(16, y, "+" + Scene.count(threadLines.size() - shownThreads) + " more threads not listed", 12,
                    theme.muted, null, false);
            y += 18;
        }
        for (int i = 0; i < shownViolations; i++) {
            svg.text(16, y, violationLines.get(i), 12, theme.violation, null, true);
            y += 18;
        }
        if (violationLines.size() > shownViolations) {
            svg.text(16, y, "+" + Scene.count(violationLines.size() - shownViolations) + " more violations", 12,
                    theme.violation, null, true);
        }
        legend(svg, 16, legendY, theme);
        return svg;
    }

    /** A root drawn, or (box null) the mark for {@code skipped} roots of the row left out there. */
    record Slot(Box box, int skipped) {
    }

    /**
     * The roots of a row to draw, at most {@code cap}, in the row's order, with a {@link Slot} counting
     * the roots left out wherever some are. Kept first: roots in a violation or under a cursor, then
     * live (not freed) ones, then the most recently created.
     */
    static List<Slot> pick(List<Box> row, int cap) {
        if (row.size() <= cap) {
            List<Slot> all = new ArrayList<>(row.size());
            for (Box b : row) {
                all.add(new Slot(b, 0));
            }
            return all;
        }
        Integer[] order = new Integer[row.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int ra = rank(row.get(a));
            int rb = rank(row.get(b));
            return ra != rb ? Integer.compare(ra, rb) : -compareAge(row.get(a).name(), row.get(b).name());
        });
        boolean[] keep = new boolean[row.size()];
        for (int i = 0; i < cap; i++) {
            keep[order[i]] = true;
        }
        List<Slot> out = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < row.size(); i++) {
            if (keep[i]) {
                if (skipped > 0) {
                    out.add(new Slot(null, skipped));
                    skipped = 0;
                }
                out.add(new Slot(row.get(i), 0));
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            out.add(new Slot(null, skipped));
        }
        return out;
    }

    private static int rank(Box b) {
        if (b.violated() || !b.cursors().isEmpty()) {
            return 0;
        }
        return b.state() == Root.State.FREED ? 2 : 1;
    }

    /** Creation order of root names (A … Z, AA, …): a longer name is younger, then by letters. */
    static int compareAge(String a, String b) {
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    private static int rowWidth(List<Slot> row) {
        int w = LEFT;
        for (Slot s : row) {
            w += (s.box() == null ? MORE_W : BOX_W) + GAP;
        }
        return w;
    }

    /** "+2,940 freed roots not drawn (…)", or null when every root is drawn. */
    private static String notDrawn(List<Box> listed, List<Box> others, List<Slot> row1, List<Slot> row2) {
        int freed = 0;
        int live = 0;
        java.util.Set<Box> drawn = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Slot s : row1) {
            if (s.box() != null) {
                drawn.add(s.box());
            }
        }
        for (Slot s : row2) {
            if (s.box() != null) {
                drawn.add(s.box());
            }
        }
        for (List<Box> row : List.of(listed, others)) {
            for (Box b : row) {
                if (!drawn.contains(b)) {
                    if (b.state() == Root.State.FREED) {
                        freed++;
                    } else {
                        live++;
                    }
                }
            }
        }
        if (freed + live == 0) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (freed > 0) {
            parts.add("+" + Scene.count(freed) + " freed root" + (freed == 1 ? "" : "s"));
        }
        if (live > 0) {
            parts.add("+" + Scene.count(live) + " live root" + (live == 1 ? "" : "s"));
        }
        return String.join(", ", parts) + " not drawn (of " + Scene.count(listed.size() + others.size())
                + "; drawn: roots in a violation or under a walker, live ones, the most recent; at most "
                + MAX_ROOTS_PER_ROW + " a row)";
    }

    /** The mark of roots left out of a row: a dashed box saying how many. */
    private static void drawMore(Scene svg, int skipped, int x, int y, Theme theme) {
        svg.rect(null, x, y + 12, MORE_W, BOX_H - 24, 6, theme.background, theme.muted, 1, "3 3");
        svg.text(x + MORE_W / 2, y + BOX_H / 2 - 2, "⋯", 14, theme.muted, "middle", true);
        svg.text(x + MORE_W / 2, y + BOX_H / 2 + 14, "+" + Scene.count(skipped), 11, theme.muted, "middle", false);
    }

    /** Width the legend needs. */
    static final int LEGEND_W = 16 + 7 * 118;

    /** What the colours and marks mean, on one line at baseline {@code y}. */
    static void legend(Scene svg, int x, int y, Theme theme) {
        svg.legend(x, y, theme.validFill, theme.validStroke, null, "valid", theme.muted);
        x += 92;
        svg.legend(x, y, theme.invalidFill, theme.invalidStroke, null, "invalid", theme.muted);
        x += 98;
        svg.legend(x, y, theme.invalidFill, theme.invalidStroke, "6 4", "invalid, delisted", theme.muted);
        x += 150;
        svg.legend(x, y, theme.unlinkedFill, theme.unlinkedStroke, "6 4", "unlinked", theme.muted);
        x += 106;
        svg.legend(x, y, theme.freedFill, theme.freedFill, null, "freed", theme.muted);
        svg.line(x + 13, y - 9, x + 19, y - 3, theme.violation, 2, false);
        svg.line(x + 19, y - 9, x + 13, y - 3, theme.violation, 2, false);
        x += 88;
        svg.rect(null, x, y - 10, 22, 12, 3, theme.background, theme.violation, 3, null);
        svg.text(x + 28, y, "in a violation", 11, theme.muted, null, false);
        x += 126;
        // a glyph, not a polygon: the polygons of a drawing are its cursors
        svg.text(x + 11, y, "▼", 12, theme.cursor, "middle", true);
        svg.text(x + 28, y, "a walker stands here", 11, theme.muted, null, false);
    }

    /**
     * A TDX mirror root and its direct sibling (the same vCPU's) as a pair: a bracket under both boxes,
     * labelled, so the two trees of one vCPU read as one.
     */
    private static void pairMirrors(Scene svg, List<Box> row, List<Integer> xs, int y, Theme theme) {
        for (int i = 0; i < row.size(); i++) {
            Box m = row.get(i);
            if (m.mirrorOf() == null) {
                continue;
            }
            for (int j = 0; j < row.size(); j++) {
                if (row.get(j).name().equals(m.mirrorOf())) {
                    int x1 = xs.get(i) + BOX_W / 2;
                    int x2 = xs.get(j) + BOX_W / 2;
                    int by = y + BOX_H + 10;
                    svg.line(x1, y + BOX_H + 2, x1, by, theme.muted, 2, false);
                    svg.line(x2, y + BOX_H + 2, x2, by, theme.muted, 2, false);
                    svg.line(Math.min(x1, x2), by, Math.max(x1, x2), by, theme.muted, 2, false);
                    svg.text((x1 + x2) / 2, by + 14, m.name() + " mirrors " + m.mirrorOf() + " (S-EPT)", 11,
                            theme.muted, "middle", false);
                }
            }
        }
    }

    /** One root's box (and the cursors of the walkers on it) at x, y, in the colours of its state. */
    static void drawBox(Scene svg, Box b, int x, int y, Theme theme) {
        String fill;
        String stroke;
        String dash = null;
        String status;
        boolean freed = b.state() == Root.State.FREED;
        if (freed) {
            fill = theme.freedFill;
            stroke = theme.freedFill;
            status = "freed";
        } else if (b.state() == Root.State.UNLINKED) {
            fill = theme.unlinkedFill;
            stroke = theme.unlinkedStroke;
            dash = "6 4";
            status = "unlinked";
        } else if (b.invalid()) {
            fill = theme.invalidFill;
            stroke = theme.invalidStroke;
            dash = b.state() == Root.State.DELISTED ? "6 4" : null;
            status = b.state() == Root.State.DELISTED ? "invalid, delisted" : "invalid";
        } else {
            fill = theme.validFill;
            stroke = theme.validStroke;
            status = "valid";
        }
        svg.rect("root-" + b.name(), x, y, BOX_W, BOX_H, 8, fill, b.violated() ? theme.violation : stroke,
                b.violated() ? 4 : 2, dash);
        if (freed) {
            // a red X in the corner, clear of the words: the box says freed, its name stays readable
            int cx = x + BOX_W - 16;
            int cy = y + 12;
            svg.line(cx - 6, cy - 6, cx + 6, cy + 6, theme.violation, 3, false);
            svg.line(cx + 6, cy - 6, cx - 6, cy + 6, theme.violation, 3, false);
        }
        String text = freed ? theme.freedText : theme.text;
        svg.text(x + BOX_W / 2, y + 28, Scene.clip(b.name(), 8), 22, text, "middle", true);
        String role = b.mirror() ? b.role().substring(0, b.role().length() - "/mirror".length()) : b.role();
        svg.text(x + BOX_W / 2, y + 47, Scene.clip("rc " + b.refcount() + " · " + role, 16), 12, text, "middle",
                false);
        svg.text(x + BOX_W / 2, y + 63, b.mirror() ? status + " · mirror" : status, 11, text, "middle", false);
        int cy = y - 10;
        for (String c : b.cursors()) {
            int cx = x + BOX_W / 2;
            svg.polygon(theme.cursor, cx - 7, cy - 10, cx + 7, cy - 10, cx, cy);
            svg.text(cx, cy - 14, c, 13, theme.cursor, "middle", true);
            cy -= 28;
        }
    }
}
