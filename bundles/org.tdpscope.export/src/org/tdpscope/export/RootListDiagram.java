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

    private RootListDiagram() {
    }

    /** The diagram as SVG text. */
    public static String svg(String title, RootListSnapshot snap, List<TraceEvent> violations, Theme theme) {
        return SvgRenderer.render(layout(title, snap, violations, theme));
    }

    /** The diagram as shapes, for any renderer (SVG here, SWT in the workbench). */
    public static Scene layout(String title, RootListSnapshot snap, List<TraceEvent> violations, Theme theme) {
        List<Box> listed = new ArrayList<>();
        List<Box> others = new ArrayList<>();
        for (Box b : snap.roots()) {
            (b.listed() ? listed : others).add(b);
        }
        int columns = Math.max(Math.max(listed.size(), others.size()), 1);
        int longest = title.length() * 11;
        for (RootListSnapshot.ThreadState t : snap.threads()) {
            longest = Math.max(longest, (t.name().length() + t.where().length() + 2) * 7);
        }
        for (TraceEvent v : violations) {
            longest = Math.max(longest, (v.detail().length() + 50) * 7);
        }
        // Text is not measured (no fonts headless): a generous 7 px per character at 12 px.
        int width = Math.max(LEFT + columns * (BOX_W + GAP) + 60, longest + 32);
        int height = ROW2 + BOX_H + 60 + 18 * violations.size() + 18 * snap.threads().size();
        String head = title + " — " + snap.rulesTitle() + ", step " + snap.step();
        Scene svg = new Scene(width, height, head, theme.background);
        svg.text(16, 28, title, 18, theme.text, null, true);
        TraceEvent last = snap.lastEvent();
        svg.text(16, 50, "kernel " + snap.kernel().word() + " · policy " + snap.policy().word() + " · step " + snap.step()
                + (last == null ? "" : " · " + last.thread() + " " + last.type().id()
                        + (last.root() != null ? " " + last.root() : "")), 13, theme.muted, null, false);

        svg.text(16, ROW1 + BOX_H / 2 + 5, "tdp_mmu_roots", 13, theme.text, null, true);
        int x = LEFT;
        int prevRight = LEFT - 12;
        for (Box b : listed) {
            svg.line(prevRight, ROW1 + BOX_H / 2, x - 2, ROW1 + BOX_H / 2, theme.muted, 2, true);
            drawBox(svg, b, x, ROW1, theme);
            prevRight = x + BOX_W + 2;
            x += BOX_W + GAP;
        }
        if (listed.isEmpty()) {
            svg.text(LEFT, ROW1 + BOX_H / 2 + 5, "(empty)", 13, theme.muted, null, false);
        }
        pairMirrors(svg, listed, ROW1, theme);
        if (!others.isEmpty()) {
            svg.text(16, ROW2 + BOX_H / 2 + 5, "off the list", 13, theme.text, null, true);
            x = LEFT;
            for (Box b : others) {
                drawBox(svg, b, x, ROW2, theme);
                x += BOX_W + GAP;
            }
        }
        int y = ROW2 + BOX_H + 40;
        for (RootListSnapshot.ThreadState t : snap.threads()) {
            svg.text(16, y, t.name() + ": " + t.where(), 12, t.done() ? theme.muted : theme.text, null, false);
            y += 18;
        }
        for (TraceEvent v : violations) {
            svg.text(16, y, "violation " + v.invariant().number() + " (" + v.invariant().word() + ") at step "
                    + v.step() + ": " + v.detail(), 12, theme.violation, null, true);
            y += 18;
        }
        return svg;
    }

    /**
     * A TDX mirror root and its direct sibling (the same vCPU's) as a pair: a bracket under both boxes,
     * labelled, so the two trees of one vCPU read as one.
     */
    private static void pairMirrors(Scene svg, List<Box> row, int y, Theme theme) {
        for (int i = 0; i < row.size(); i++) {
            Box m = row.get(i);
            if (m.mirrorOf() == null) {
                continue;
            }
            for (int j = 0; j < row.size(); j++) {
                if (row.get(j).name().equals(m.mirrorOf())) {
                    int x1 = LEFT + i * (BOX_W + GAP) + BOX_W / 2;
                    int x2 = LEFT + j * (BOX_W + GAP) + BOX_W / 2;
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
        if (b.state() == Root.State.FREED) {
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
        String text = b.state() == Root.State.FREED ? theme.background : theme.text;
        svg.text(x + BOX_W / 2, y + 28, b.name(), 22, text, "middle", true);
        String role = b.mirror() ? b.role().substring(0, b.role().length() - "/mirror".length()) : b.role();
        svg.text(x + BOX_W / 2, y + 47, "rc " + b.refcount() + " · " + role, 12, text, "middle", false);
        svg.text(x + BOX_W / 2, y + 63, b.mirror() ? status + " · mirror" : status, 11, text, "middle", false);
        if (b.state() == Root.State.FREED) {
            svg.line(x + 6, y + 6, x + BOX_W - 6, y + BOX_H - 6, theme.violation, 2, false);
            svg.line(x + BOX_W - 6, y + 6, x + 6, y + BOX_H - 6, theme.violation, 2, false);
        }
        int cy = y - 10;
        for (String c : b.cursors()) {
            int cx = x + BOX_W / 2;
            svg.polygon(theme.cursor, cx - 7, cy - 10, cx + 7, cy - 10, cx, cy);
            svg.text(cx, cy - 14, c, 13, theme.cursor, "middle", true);
            cy -= 28;
        }
    }
}
