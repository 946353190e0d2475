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
        int n = visits.size();
        int lit = Math.max(Math.min(litUpTo, n), Math.min(1, n));
        int pitch = RootListDiagram.BOX_W + RootListDiagram.GAP;
        int left = RootListDiagram.LEFT;
        String where = "";
        for (RootListSnapshot.ThreadState t : snap.threads()) {
            if (t.name().equals(walker)) {
                where = walker + ": " + t.where();
            }
        }
        String subtitle = walker + " · walk " + walkNumber + " · policy " + snap.policy().word() + " · step "
                + snap.step() + (n == 0 ? " · no root visited yet" : " · root " + lit + " / " + n);
        StringBuilder list = new StringBuilder("tdp_mmu_roots now: ");
        List<String> off = new ArrayList<>();
        int listed = 0;
        for (Box b : snap.roots()) {
            if (b.listed()) {
                list.append(listed++ > 0 ? " → " : "").append(b.name());
            } else {
                off.add(b.name());
            }
        }
        if (listed == 0) {
            list.append("(empty)");
        }
        if (!off.isEmpty()) {
            list.append("   off the list: ").append(String.join(", ", off));
        }
        // Text is not measured (no fonts headless): a generous 7 px per character at 12 px.
        int width = Math.max(left + Math.max(n, 1) * pitch + 60,
                Math.max(title.length() * 11, Math.max(Math.max(subtitle.length(), where.length()), list.length()) * 7)
                        + 32);
        int listY = TOP + RootListDiagram.BOX_H + 64;
        Scene scene = new Scene(width, listY + 76, title + " — " + walker + ", walk " + walkNumber, theme.background);
        scene.text(16, 28, title, 18, theme.text, null, true);
        scene.text(16, 50, subtitle, 13, theme.muted, null, false);

        Map<String, Box> boxes = new HashMap<>();
        for (Box b : snap.roots()) {
            boxes.put(b.name(), b);
        }
        scene.text(16, TOP + RootListDiagram.BOX_H / 2 + 5, "visited", 13, theme.text, null, true);
        if (n == 0) {
            scene.text(left, TOP + RootListDiagram.BOX_H / 2 + 5, "(no root yet)", 13, theme.muted, null, false);
        }
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = visits.get(i);
            int x = left + i * pitch;
            int first = seen.indexOf(name);
            seen.add(name);
            if (i > 0) {
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
                scene.polygon(theme.cursor, cx - 7, TOP - 54, cx + 7, TOP - 54, cx, TOP - 44);
                scene.text(cx, TOP - 60, walker, 13, theme.cursor, "middle", true);
            }
        }

        scene.text(16, listY, list.toString(), 12, theme.text, null, false);
        scene.text(16, listY + 20, where, 12, theme.muted, null, false);
        return scene;
    }
}
