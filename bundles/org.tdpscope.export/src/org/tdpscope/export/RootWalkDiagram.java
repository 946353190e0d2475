/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RootListSnapshot.Box;

/**
 * One walker's pass over {@code tdp_mmu_roots}, the way {@code for_each_tdp_mmu_root_yield_safe}
 * went: the roots in the order the walk visited them, numbered and joined by arrows, each drawn as
 * in the root list at this step (valid, invalid, delisted, freed). Stepped to visit {@code k}: the
 * k-th root stands under the walker's cursor and later visits are only outlined. A root visited a
 * second time is outlined as a violation (a walk visits each root at most once). Beneath, the list
 * as it is now, head to tail, to compare the walk's order with the list's.
 */
public final class RootWalkDiagram {

    static final int TOP = 136;
    /** At most this many visits drawn: a window around the one shown; the others are counted. */
    public static final int MAX_VISITS = 12;
    /** At most this many names in the line of the list as it is now. */
    static final int MAX_NAMES = 16;

    private RootWalkDiagram() {
    }

    /**
     * @param title      the scenario's name
     * @param walker     the walking thread
     * @param walkNumber which of its walks (1 for the first)
     * @param visits     the roots it visited, in order
     * @param litUpTo    how many visits to show as made (clamped to 1…N)
     * @param snap       the root list at the step shown
     */
    public static Scene layout(String title, String walker, int walkNumber, List<String> visits, int litUpTo,
            RootListSnapshot snap, Theme theme) {
        return layout(title, walker, walkNumber, visits, litUpTo, snap, theme, -1);
    }

    /**
     * As {@link #layout(String, String, int, List, int, RootListSnapshot, Theme)} in a run of
     * {@code totalSteps} steps (negative: not known). Roots are drawn in their state at the snapshot's
     * step. The walker's cursor is drawn only where the walker stands at that step; a visit it has
     * moved on from gets a hollow mark instead, so a root freed after the walk left it does not read as
     * a use after free.
     */
    public static Scene layout(String title, String walker, int walkNumber, List<String> visits, int litUpTo,
            RootListSnapshot snap, Theme theme, long totalSteps) {
        int n = visits.size();
        int lit = Math.max(Math.min(litUpTo, n), Math.min(1, n));
        int pitch = RootListDiagram.BOX_W + RootListDiagram.GAP;
        int left = RootListDiagram.LEFT;
        // a window of at most MAX_VISITS visits that holds the one shown
        int from = n <= MAX_VISITS ? 0 : Math.max(0, Math.min(lit - MAX_VISITS + 3, n - MAX_VISITS));
        int to = Math.min(n, from + MAX_VISITS);
        int moreW = RootListDiagram.MORE_W + RootListDiagram.GAP;
        int first0 = left + (from > 0 ? moreW : 0);
        String where = "";
        for (RootListSnapshot.ThreadState t : snap.threads()) {
            if (t.name().equals(walker)) {
                where = Scene.clip(walker + ": " + t.where(), RootListDiagram.MAX_CHARS);
            }
        }
        String subtitle = walker + " · walk " + walkNumber + " · policy " + snap.policy().word() + " · "
                + Scene.stepLabel(snap.step(), totalSteps) + (n == 0 ? " · no root visited yet"
                        : " · root " + lit + " / " + n);
        StringBuilder list = new StringBuilder("tdp_mmu_roots now: ");
        List<String> off = new ArrayList<>();
        int listed = 0;
        for (Box b : snap.roots()) {
            if (b.listed()) {
                if (listed < MAX_NAMES) {
                    list.append(listed > 0 ? " → " : "").append(b.name());
                }
                listed++;
            } else {
                off.add(b.name());
            }
        }
        if (listed > MAX_NAMES) {
            list.append(" → … (+").append(Scene.count(listed - MAX_NAMES)).append(')');
        }
        if (listed == 0) {
            list.append("(empty)");
        }
        if (!off.isEmpty()) {
            list.append("   off the list: ").append(String.join(", ", off.subList(0, Math.min(off.size(), MAX_NAMES))));
            if (off.size() > MAX_NAMES) {
                list.append(", … (+").append(Scene.count(off.size() - MAX_NAMES)).append(')');
            }
        }
        String listLine = Scene.clip(list.toString(), RootListDiagram.MAX_CHARS + 40);
        // Text is not measured (no fonts headless): a generous 7 px per character at 12 px.
        int width = Math.max(first0 + Math.max(to - from, 1) * pitch + (to < n ? moreW : 0) + 60,
                Math.max(Scene.clip(title, RootListDiagram.MAX_CHARS).length() * 11,
                        Math.max(Math.max(subtitle.length(), where.length()), listLine.length()) * 7) + 32);
        width = Math.max(width, LEGEND_W);
        int listY = TOP + RootListDiagram.BOX_H + 64;
        Scene scene = new Scene(width, listY + 76, title + " — " + walker + ", walk " + walkNumber + ", "
                + Scene.stepLabel(snap.step(), totalSteps), theme.background);
        scene.text(16, 28, Scene.clip(title, RootListDiagram.MAX_CHARS), 18, theme.text, null, true);
        scene.text(16, 50, subtitle, 13, theme.muted, null, false);

        Map<String, Box> boxes = new HashMap<>();
        for (Box b : snap.roots()) {
            boxes.put(b.name(), b);
        }
        scene.text(16, TOP + RootListDiagram.BOX_H / 2 + 5, "visited", 13, theme.text, null, true);
        if (n == 0) {
            scene.text(left, TOP + RootListDiagram.BOX_H / 2 + 5, "(no root yet)", 13, theme.muted, null, false);
        }
        if (from > 0) {
            more(scene, from, "earlier", left, theme);
        }
        Map<String, Integer> firstVisit = new HashMap<>();
        for (int i = 0; i < from; i++) {
            firstVisit.putIfAbsent(visits.get(i), i);
        }
        for (int i = from; i < to; i++) {
            String name = visits.get(i);
            int x = first0 + (i - from) * pitch;
            Integer firstAt = firstVisit.putIfAbsent(name, i);
            int first = firstAt == null ? -1 : firstAt;
            if (i > from) {
                scene.line(x - RootListDiagram.GAP + 2, TOP + RootListDiagram.BOX_H / 2, x - 2,
                        TOP + RootListDiagram.BOX_H / 2, i < lit ? theme.muted : theme.unlinkedStroke, 2, true);
            }
            scene.text(x + RootListDiagram.BOX_W / 2, TOP - 30, "#" + (i + 1), 12,
                    i < lit ? theme.text : theme.muted, "middle", i == lit - 1);
            Box b = boxes.get(name);
            if (i >= lit || b == null) {
                scene.rect("visit-" + (i + 1), x, TOP, RootListDiagram.BOX_W, RootListDiagram.BOX_H, 8,
                        theme.background, theme.muted, 1, "4 4");
                scene.text(x + RootListDiagram.BOX_W / 2, TOP + 42, name, 22, theme.muted, "middle", true);
            } else {
                // the root as the list shows it now, without the cursors of where walkers stand now
                RootListDiagram.drawBox(scene, new Box(b.name(), b.role(), b.refcount(), b.invalid(), b.state(),
                        b.listed(), List.of(), b.violated() || first >= 0), x, TOP, theme);
            }
            if (first >= 0) {
                scene.text(x + RootListDiagram.BOX_W / 2, TOP + RootListDiagram.BOX_H + 18,
                        "again (#" + (first + 1) + ")", 12, theme.violation, "middle", true);
            }
            if (i == lit - 1) {
                int cx = x + RootListDiagram.BOX_W / 2;
                if (i == n - 1 && b != null && b.cursors().contains(walker)) {
                    scene.polygon(theme.cursor, cx - 7, TOP - 54, cx + 7, TOP - 54, cx, TOP - 44);
                    scene.text(cx, TOP - 60, walker, 13, theme.cursor, "middle", true);
                } else {
                    // shown, but the walker is not there now: a muted mark, not the cursor
                    scene.polygon(theme.muted, cx - 7, TOP - 54, cx + 7, TOP - 54, cx, TOP - 44);
                    scene.text(cx, TOP - 60, "visit " + (i + 1), 12, theme.muted, "middle", false);
                }
            }
        }
        if (to < n) {
            more(scene, n - to, "later", first0 + (to - from) * pitch, theme);
        }

        scene.text(16, listY, listLine, 12, theme.text, null, false);
        scene.text(16, listY + 20, where, 12, theme.muted, null, false);
        legend(scene, 16, listY + 50, snap.step(), theme);
        return scene;
    }

    static final int LEGEND_W = 16 + 1120;

    private static void more(Scene scene, int count, String which, int x, Theme theme) {
        scene.rect(null, x, TOP + 12, RootListDiagram.MORE_W, RootListDiagram.BOX_H - 24, 6, theme.background,
                theme.muted, 1, "3 3");
        scene.text(x + RootListDiagram.MORE_W / 2, TOP + RootListDiagram.BOX_H / 2 - 2, "⋯", 14, theme.muted,
                "middle", true);
        scene.text(x + RootListDiagram.MORE_W / 2, TOP + RootListDiagram.BOX_H / 2 + 14, "+" + Scene.count(count),
                11, theme.muted, "middle", false);
        scene.text(x + RootListDiagram.MORE_W / 2, TOP - 30, which, 11, theme.muted, "middle", false);
    }

    /** The colours (each root's state at the step drawn) and the two marks above a visit. */
    private static void legend(Scene s, int x, int y, long step, Theme theme) {
        s.text(x, y, "at step " + step + ":", 11, theme.muted, null, true);
        x += 80;
        s.legend(x, y, theme.validFill, theme.validStroke, null, "valid", theme.muted);
        x += 80;
        s.legend(x, y, theme.invalidFill, theme.invalidStroke, null, "invalid", theme.muted);
        x += 86;
        s.legend(x, y, theme.unlinkedFill, theme.unlinkedStroke, "6 4", "unlinked", theme.muted);
        x += 96;
        s.legend(x, y, theme.freedFill, theme.freedFill, null, "freed", theme.muted);
        s.line(x + 13, y - 9, x + 19, y - 3, theme.violation, 2, false);
        s.line(x + 19, y - 9, x + 13, y - 3, theme.violation, 2, false);
        x += 76;
        s.rect(null, x, y - 10, 22, 12, 3, theme.background, theme.violation, 3, null);
        s.text(x + 28, y, "in a violation", 11, theme.muted, null, false);
        x += 116;
        s.legend(x, y, theme.background, theme.muted, "4 4", "not visited yet", theme.muted);
        x += 132;
        s.text(x + 11, y, "▼", 12, theme.cursor, "middle", true);
        s.text(x + 24, y, "the walker is here", 11, theme.muted, null, false);
        x += 140;
        s.text(x + 11, y, "▼", 12, theme.muted, "middle", true);
        s.text(x + 24, y, "visit shown (walker moved on)", 11, theme.muted, null, false);
    }
}
