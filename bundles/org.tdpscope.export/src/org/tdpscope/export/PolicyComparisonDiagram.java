/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.SimThread;
import org.tdpscope.sim.TraceEvent;

/**
 * The same scenario under several policies, one lane per policy: the roots each walk visited in
 * order (coloured by how the run left them), the final root list, and the violations. This is the
 * picture for a cover letter that argues for one policy.
 */
public final class PolicyComparisonDiagram {

    static final int LEFT = 130;
    static final int BOX_W = 44;
    static final int BOX_H = 30;
    static final int GAP = 18;
    static final int ROW = 40;

    private PolicyComparisonDiagram() {
    }

    public static String svg(String title, Map<Policy, RunResult> runs, Theme theme) {
        return SvgRenderer.render(layout(title, runs, theme));
    }

    /** One lane per run, in the map's order. */
    public static Scene layout(String title, Map<Policy, RunResult> runs, Theme theme) {
        record Lane(Policy policy, RunResult run, List<String[]> walks, List<TraceEvent> violations) {
        }
        List<Lane> lanes = new ArrayList<>();
        int widest = 0;
        int longestText = title.length() * 11;
        for (Map.Entry<Policy, RunResult> e : runs.entrySet()) {
            RunResult run = e.getValue();
            List<String[]> walks = new ArrayList<>();
            for (SimThread t : run.simulation().threads()) {
                for (List<String> w : t.walks()) {
                    walks.add(new String[] { t.name(), String.join(",", w) });
                    widest = Math.max(widest, w.size());
                }
            }
            widest = Math.max(widest, run.kvm().listedRoots().size());
            for (TraceEvent v : run.violations()) {
                // text is not measured headless: about 8 px a character in bold 12 px
                longestText = Math.max(longestText, LEFT + (v.invariant().word().length() + v.detail().length() + 16) * 8);
            }
            lanes.add(new Lane(e.getKey(), run, walks, run.violations()));
        }
        int laneHeights = 0;
        for (Lane l : lanes) {
            laneHeights += laneHeight(l.walks().size(), l.violations().size());
        }
        int width = Math.max(LEFT + 90 + widest * (BOX_W + GAP) + 40, longestText + 40);
        Scene scene = new Scene(width, 70 + laneHeights, title + " — policies compared", theme.background);
        scene.text(16, 28, title, 18, theme.text, null, true);
        scene.text(16, 50, "the same scenario and schedule under " + lanes.size() + " policies", 13, theme.muted,
                null, false);
        int y = 70;
        for (Lane lane : lanes) {
            int h = laneHeight(lane.walks().size(), lane.violations().size());
            scene.rect("lane-" + lane.policy().word(), 8, y, width - 16, h - 8, 6, theme.background, theme.muted, 1,
                    null);
            scene.text(20, y + 26, lane.policy().word(), 16, theme.text, null, true);
            int row = y + 12;
            for (String[] walk : lane.walks()) {
                scene.text(LEFT, row + BOX_H / 2 + 5, walk[0] + " visited", 12, theme.muted, null, false);
                drawRoots(scene, lane.run(), walk[1].isEmpty() ? List.of() : List.of(walk[1].split(",")),
                        LEFT + 90, row, theme, "walk-" + lane.policy().word() + "-" + walk[0]);
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
            for (TraceEvent v : lane.violations()) {
                scene.text(LEFT, row + 12, v.invariant().word() + " at step " + v.step() + ": " + v.detail(), 12,
                        theme.violation, null, true);
                row += 20;
            }
            y += h;
        }
        return scene;
    }

    private static int laneHeight(int walks, int violations) {
        return 12 + (walks + 1) * ROW + Math.max(1, violations) * 20 + 16;
    }

    private static void drawRoots(Scene scene, RunResult run, List<String> names, int x0, int y, Theme theme,
            String idPrefix) {
        int x = x0;
        for (int i = 0; i < names.size(); i++) {
            Root r = run.kvm().root(names.get(i));
            String fill = r == null ? theme.unlinkedFill
                    : r.freed() ? theme.freedFill : r.invalid() ? theme.invalidFill : theme.validFill;
            String stroke = r == null ? theme.unlinkedStroke
                    : r.freed() ? theme.freedFill : r.invalid() ? theme.invalidStroke : theme.validStroke;
            if (i > 0) {
                scene.line(x - GAP + 2, y + BOX_H / 2, x - 3, y + BOX_H / 2, theme.muted, 2, true);
            }
            scene.rect(idPrefix + "-" + i, x, y, BOX_W, BOX_H, 6, fill, stroke, 2, null);
            scene.text(x + BOX_W / 2, y + BOX_H / 2 + 6, names.get(i), 15,
                    r != null && r.freed() ? theme.background : theme.text, "middle", true);
            x += BOX_W + GAP;
        }
        if (names.isEmpty()) {
            scene.text(x0, y + BOX_H / 2 + 5, "(none)", 12, theme.muted, null, false);
        }
    }
}
