/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.SimThread;
import org.tdpscope.sim.TraceEvent;

/**
 * The same scenario under several policies, one lane per policy: the roots each walk visited in
 * order, the final root list, and the violations. This is the picture for a cover letter that argues
 * for one policy. Only the final list is coloured by state, the state at the end of the run that the
 * lane says; a walk's visits are drawn plain (the walk's order is what a row tells), outlined in red
 * where the visit is in a violation, so a root freed after a walk left it does not read as a use
 * after free. Long runs are bounded: the last {@value #MAX_WALK_ROWS} walks of a thread, at most
 * {@value #MAX_BOXES} roots a row, {@value #MAX_VIOLATIONS} violations a lane, each with a count of
 * the rest.
 */
public final class PolicyComparisonDiagram {

    static final int LEFT = 130;
    static final int BOX_W = 44;
    static final int BOX_H = 30;
    static final int GAP = 18;
    static final int ROW = 40;
    static final int MAX_WALK_ROWS = 6;
    static final int MAX_BOXES = 16;
    static final int MAX_VIOLATIONS = 6;
    static final int LEGEND_W = 16 + 900;

    private PolicyComparisonDiagram() {
    }

    public static String svg(String title, Map<Policy, RunResult> runs, Theme theme) {
        return SvgRenderer.render(layout(title, runs, theme));
    }

    /** A walk row: the thread, which of its walks, the roots visited. */
    private record Walk(String thread, int number, List<String> visits) {
    }

    /** One lane per run, in the map's order. */
    public static Scene layout(String title, Map<Policy, RunResult> runs, Theme theme) {
        record Lane(Policy policy, RunResult run, List<Walk> walks, int walksLeftOut, List<TraceEvent> violations) {
        }
        List<Lane> lanes = new ArrayList<>();
        int widest = 0;
        int longestText = Scene.clip(title, 150).length() * 11;
        for (Map.Entry<Policy, RunResult> e : runs.entrySet()) {
            RunResult run = e.getValue();
            List<Walk> walks = new ArrayList<>();
            int leftOut = 0;
            for (SimThread t : run.simulation().threads()) {
                List<List<String>> all = t.walks();
                int from = Math.max(0, all.size() - MAX_WALK_ROWS);
                leftOut += from;
                for (int k = from; k < all.size(); k++) {
                    walks.add(new Walk(t.name(), k + 1, all.get(k)));
                    widest = Math.max(widest, Math.min(all.get(k).size(), MAX_BOXES + 1));
                }
            }
            widest = Math.max(widest, Math.min(run.kvm().listedRoots().size(), MAX_BOXES + 1));
            for (TraceEvent v : run.violations()) {
                // text is not measured headless: about 8 px a character in bold 12 px
                longestText = Math.max(longestText, LEFT + Math.min(v.invariant().word().length()
                        + v.detail().length() + 16, 150) * 8);
            }
            lanes.add(new Lane(e.getKey(), run, walks, leftOut, run.violations()));
        }
        int laneHeights = 0;
        for (Lane l : lanes) {
            laneHeights += laneHeight(l.walks().size(), l.walksLeftOut(), l.violations().size());
        }
        int width = Math.max(Math.max(LEFT + 90 + widest * (BOX_W + GAP) + 40, longestText + 40), LEGEND_W);
        Scene scene = new Scene(width, 70 + laneHeights + 34, title + " — policies compared, each at the end of its run",
                theme.background);
        scene.text(16, 28, Scene.clip(title, 150), 18, theme.text, null, true);
        scene.text(16, 50, "the same scenario and schedule under " + lanes.size() + (lanes.size() == 1 ? " policy"
                : " policies") + ", each at the end of its run", 13, theme.muted, null, false);
        int y = 70;
        for (Lane lane : lanes) {
            int h = laneHeight(lane.walks().size(), lane.walksLeftOut(), lane.violations().size());
            scene.rect("lane-" + lane.policy().word(), 8, y, width - 16, h - 8, 6, theme.background, theme.muted, 1,
                    null);
            scene.text(20, y + 26, lane.policy().word(), 16, theme.text, null, true);
            long steps = lane.run().steps();
            scene.text(20, y + 44, Scene.count(steps) + " steps", 11, theme.muted, null, false);
            int row = y + 12;
            if (lane.walksLeftOut() > 0) {
                scene.text(LEFT, row + 14, "… " + Scene.count(lane.walksLeftOut()) + " earlier walks not drawn", 12,
                        theme.muted, null, false);
                row += 22;
            }
            for (Walk walk : lane.walks()) {
                boolean several = walk.number() > 1 || walkCount(lane.run(), walk.thread()) > 1;
                scene.text(LEFT, row + BOX_H / 2 + 5, Scene.clip(walk.thread(), 6) + (several ? " walk "
                        + Scene.count(walk.number()) : " visited"), 12, theme.muted, null, false);
                Set<String> inViolation = new HashSet<>();
                for (TraceEvent v : lane.violations()) {
                    if (walk.thread().equals(v.thread()) && v.root() != null) {
                        inViolation.add(v.root());
                    }
                }
                String id = "walk-" + lane.policy().word() + "-" + walk.thread()
                        + (walk.number() == 1 ? "" : "." + walk.number());
                drawVisits(scene, walk.visits(), inViolation, LEFT + 90, row, theme, id);
                row += ROW;
            }
            scene.text(LEFT, row + BOX_H / 2 + 5, "final list", 12, theme.muted, null, false);
            List<String> listed = new ArrayList<>();
            for (Root r : lane.run().kvm().listedRoots()) {
                listed.add(r.name());
            }
            drawRoots(scene, lane.run(), listed, LEFT + 90, row, theme, "list-" + lane.policy().word());
            row += ROW;
            if (lane.violations().isEmpty()) {
                scene.text(LEFT, row + 12, "no violation", 12, theme.validStroke, null, true);
                row += 20;
            }
            int shown = Math.min(lane.violations().size(), MAX_VIOLATIONS);
            for (TraceEvent v : lane.violations().subList(0, shown)) {
                scene.text(LEFT, row + 12, Scene.clip(v.invariant().word() + " at step " + v.step() + ": "
                        + v.detail(), 150), 12, theme.violation, null, true);
                row += 20;
            }
            if (lane.violations().size() > shown) {
                scene.text(LEFT, row + 12, "+" + Scene.count(lane.violations().size() - shown) + " more violations",
                        12, theme.violation, null, true);
            }
            y += h;
        }
        legend(scene, 16, y + 20, theme);
        return scene;
    }

    private static int walkCount(RunResult run, String thread) {
        for (SimThread t : run.simulation().threads()) {
            if (t.name().equals(thread)) {
                return t.walks().size();
            }
        }
        return 0;
    }

    private static int laneHeight(int walks, int walksLeftOut, int violations) {
        int v = Math.min(violations, MAX_VIOLATIONS) + (violations > MAX_VIOLATIONS ? 1 : 0);
        return 12 + (walksLeftOut > 0 ? 22 : 0) + (walks + 1) * ROW + Math.max(1, v) * 20 + 16;
    }

    /** The colours of the final list (the state at the end of the run) and the marks of the walk rows. */
    private static void legend(Scene s, int x, int y, Theme theme) {
        s.text(x, y, "final list, at the end of the run:", 11, theme.muted, null, true);
        x += 216;
        s.legend(x, y, theme.validFill, theme.validStroke, null, "valid", theme.muted);
        x += 70;
        s.legend(x, y, theme.invalidFill, theme.invalidStroke, null, "invalid", theme.muted);
        x += 80;
        s.text(x, y, "walks:", 11, theme.muted, null, true);
        x += 46;
        s.legend(x, y, theme.background, theme.muted, null, "a root visited, in order", theme.muted);
        x += 178;
        s.rect(null, x, y - 10, 22, 12, 3, theme.background, theme.violation, 3, null);
        s.text(x + 28, y, "the visit is in a violation", 11, theme.muted, null, false);
        x += 190;
        s.legend(x, y, theme.background, theme.muted, "3 3", "roots left out", theme.muted);
    }

    /** A walk's visits, plain boxes in order (red outline: in a violation), bounded with a count of the rest. */
    private static void drawVisits(Scene scene, List<String> names, Set<String> inViolation, int x0, int y,
            Theme theme, String idPrefix) {
        int x = x0;
        int n = names.size();
        int head = n <= MAX_BOXES ? n : MAX_BOXES / 2;
        int tailFrom = n <= MAX_BOXES ? n : n - (MAX_BOXES - head);
        for (int i = 0; i < n; i++) {
            if (i == head && head < tailFrom) {
                x = more(scene, tailFrom - head, x, y, theme);
                i = tailFrom - 1;
                continue;
            }
            if (i > 0) {
                scene.line(x - GAP + 2, y + BOX_H / 2, x - 3, y + BOX_H / 2, theme.muted, 2, true);
            }
            boolean bad = inViolation.contains(names.get(i));
            scene.rect(idPrefix + "-" + i, x, y, BOX_W, BOX_H, 6, theme.background, bad ? theme.violation : theme.muted,
                    bad ? 3 : 1, null);
            scene.text(x + BOX_W / 2, y + BOX_H / 2 + 6, Scene.clip(names.get(i), 4), 15, theme.text, "middle", true);
            x += BOX_W + GAP;
        }
        if (names.isEmpty()) {
            scene.text(x0, y + BOX_H / 2 + 5, "(none)", 12, theme.muted, null, false);
        }
    }

    /** The final list in the roots' state at the end of the run, bounded as the walks are. */
    private static void drawRoots(Scene scene, RunResult run, List<String> names, int x0, int y, Theme theme,
            String idPrefix) {
        int x = x0;
        int n = names.size();
        int head = n <= MAX_BOXES ? n : MAX_BOXES / 2;
        int tailFrom = n <= MAX_BOXES ? n : n - (MAX_BOXES - head);
        for (int i = 0; i < n; i++) {
            if (i == head && head < tailFrom) {
                x = more(scene, tailFrom - head, x, y, theme);
                i = tailFrom - 1;
                continue;
            }
            Root r = run.kvm().root(names.get(i));
            String fill = r == null ? theme.unlinkedFill
                    : r.freed() ? theme.freedFill : r.invalid() ? theme.invalidFill : theme.validFill;
            String stroke = r == null ? theme.unlinkedStroke
                    : r.freed() ? theme.freedFill : r.invalid() ? theme.invalidStroke : theme.validStroke;
            if (i > 0) {
                scene.line(x - GAP + 2, y + BOX_H / 2, x - 3, y + BOX_H / 2, theme.muted, 2, true);
            }
            scene.rect(idPrefix + "-" + i, x, y, BOX_W, BOX_H, 6, fill, stroke, 2, null);
            scene.text(x + BOX_W / 2, y + BOX_H / 2 + 6, Scene.clip(names.get(i), 4), 15,
                    r != null && r.freed() ? theme.freedText : theme.text, "middle", true);
            x += BOX_W + GAP;
        }
        if (names.isEmpty()) {
            scene.text(x0, y + BOX_H / 2 + 5, "(none)", 12, theme.muted, null, false);
        }
    }

    /** The mark for {@code count} roots of a row left out; returns the x after it. */
    private static int more(Scene scene, int count, int x, int y, Theme theme) {
        scene.line(x - GAP + 2, y + BOX_H / 2, x - 3, y + BOX_H / 2, theme.muted, 2, false);
        int w = 56;
        scene.rect(null, x, y, w, BOX_H, 6, theme.background, theme.muted, 1, "3 3");
        scene.text(x + w / 2, y + BOX_H / 2 + 5, "+" + Scene.count(count), 12, theme.muted, "middle", false);
        return x + w + GAP;
    }
}
