/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.AccessRecord;
import org.tdpscope.sim.Vcpu;
import org.tdpscope.sim.mmu.EptExitQualification;
import org.tdpscope.sim.mmu.GuestPte;
import org.tdpscope.sim.mmu.MemRef;
import org.tdpscope.sim.mmu.Spte;
import org.tdpscope.sim.mmu.TwoDResult;

/**
 * A two-dimensional walk as the guest × EPT grid of the textbooks: one row per guest page-table
 * level (the guest table's gpa translated through EPT, then the guest entry read) plus a last row
 * for the data's gpa; one column per EPT level plus the guest-entry (or data) access. Each cell is
 * numbered in reference order (1…24 for 4×4 levels, 1…35 for 5×5) and shows its gpa, hpa and the
 * entry it read. A walk that ends early (a huge guest or EPT page, a fault) has fewer cells; the
 * others stay empty. A faulting walk outlines the reference whose entry failed a check in red, with
 * a banner naming the check, and says in its last line which check failed (and, for an EPT
 * violation, the exit qualification).
 */
public final class TwoDWalkDiagram {

    static final int LEFT = 120;
    static final int TOP = 104;
    static final int CELL_W = 208;
    static final int CELL_H = 86;
    static final int GAP = 8;
    static final int CHARS = 29;

    private TwoDWalkDiagram() {
    }

    public static String svg(String title, String vcpu, TwoDResult walk, Theme theme) {
        return SvgRenderer.render(layout(title, vcpu, walk, theme));
    }

    public static Scene layout(String title, String vcpu, TwoDResult walk, Theme theme) {
        return layout(title, vcpu, walk, theme, walk.refs().size(), false);
    }

    /**
     * The grid with the walk stepped to reference {@code litUpTo} (clamped to 1…N): references up to
     * it drawn as in {@link #layout(String, String, TwoDResult, Theme)}, later ones only outlined with
     * their number, the current one framed, and a caption line (between the subtitle and the column
     * heads) with its number, levels, gpa→hpa and entry. The shapes are those of the 4-argument drawing
     * with the frame and caption appended, so at {@code litUpTo = N} the cells are the same drawing.
     */
    public static Scene layout(String title, String vcpu, TwoDResult walk, Theme theme, int litUpTo) {
        return layout(title, vcpu, walk, theme, litUpTo, true);
    }

    private static Scene layout(String title, String vcpu, TwoDResult walk, Theme theme, int litUpTo,
            boolean stepping) {
        List<MemRef> refs = walk.refs();
        int lit = Math.max(Math.min(litUpTo, refs.size()), Math.min(1, refs.size()));
        int failRef = walk.ok() ? 0 : walk.failingReference(); // the reference whose entry failed a check
        int guestLevels = 0;
        int eptLevels = 0;
        for (MemRef r : refs) {
            guestLevels = Math.max(guestLevels, r.guestLevel());
            eptLevels = Math.max(eptLevels, r.eptLevel());
        }
        guestLevels = Math.max(guestLevels, 1);
        eptLevels = Math.max(eptLevels, 1);
        int rows = guestLevels + 1;
        int cols = eptLevels + 1;
        int width = Math.max(LEFT + cols * (CELL_W + GAP) + 16, title.length() * 11 + 32);
        long qual = EptExitQualification.of(walk);
        int height = TOP + rows * (CELL_H + GAP) + 70 + (qual >= 0 ? 20 : 0);
        Scene s = new Scene(width, height, title + " — 2-D walk of " + vcpu, theme.background);
        s.text(16, 28, title, 18, theme.text, null, true);
        s.text(16, 50, vcpu + ": " + walk + (walk.ok() && walk.pageSize() > 0 ? ", page " + size(walk.pageSize())
                : ""), 13, walk.ok() ? theme.muted : theme.violation, null, false);
        // column heads
        for (int c = 0; c < cols; c++) {
            int x = LEFT + c * (CELL_W + GAP) + CELL_W / 2;
            String head = c < eptLevels ? "EPT L" + (eptLevels - c) : "guest entry / data";
            s.text(x, TOP - 12, head, 13, theme.text, "middle", true);
        }
        for (int r = 0; r < rows; r++) {
            int y = TOP + r * (CELL_H + GAP) + CELL_H / 2;
            String head = r < guestLevels ? "guest L" + (guestLevels - r) : "data";
            s.text(16, y + 5, head, 13, theme.text, null, true);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                s.rect(null, LEFT + c * (CELL_W + GAP), TOP + r * (CELL_H + GAP), CELL_W, CELL_H, 6,
                        theme.background, theme.unlinkedStroke, 1, "3 3");
            }
        }
        for (int i = 0; i < refs.size(); i++) {
            MemRef m = refs.get(i);
            int row = m.guestLevel() > 0 ? guestLevels - m.guestLevel() : guestLevels;
            int col = m.eptLevel() > 0 ? eptLevels - m.eptLevel() : eptLevels;
            int x = LEFT + col * (CELL_W + GAP);
            int y = TOP + row * (CELL_H + GAP);
            if (i >= lit) {
                // not read yet at this point of the walk: where it will be, and its number, nothing more
                s.rect("ref-" + m.index(), x, y, CELL_W, CELL_H, 6, theme.background, stroke(m, theme), 1, "6 3");
                s.text(x + 10, y + 24, Integer.toString(m.index()), 20, theme.unlinkedStroke, null, true);
                continue;
            }
            boolean failed = m.index() == failRef;
            String fill = m.eptLevel() > 0 ? theme.validFill : m.guestLevel() > 0 ? theme.invalidFill
                    : theme.unlinkedFill;
            String stroke = failed ? theme.violation : stroke(m, theme);
            s.rect("ref-" + m.index(), x, y, CELL_W, CELL_H, 6, fill, stroke, failed ? 3 : 1, null);
            s.text(x + 10, y + 24, Integer.toString(m.index()), 20, theme.text, null, true);
            s.text(x + CELL_W - 8, y + 18, m.eptLevel() > 0 ? "EPT L" + m.eptLevel()
                    : m.guestLevel() > 0 ? "gPTE L" + m.guestLevel() : "data", 10, theme.muted, "end", false);
            s.text(x + 50, y + 18, "gpa 0x" + Long.toHexString(m.gpa()), 11, theme.text, null, false);
            s.text(x + 50, y + 32, "hpa 0x" + Long.toHexString(m.hpa()), 11, theme.text, null, false);
            String what = m.eptLevel() > 0 ? Spte.describe(m.value(), m.eptLevel())
                    : m.guestLevel() > 0 ? GuestPte.describe(m.value(), m.guestLevel())
                            : "value 0x" + Long.toHexString(m.value());
            int ty = y + 50;
            for (String line : wrap(what, CHARS, failed ? 1 : 2)) {
                s.text(x + 10, ty, line, 11, theme.muted, null, false);
                ty += 14;
            }
            if (failed) {
                // a banner across the cell's foot naming the check that failed
                s.rect("fail-" + m.index(), x + 3, y + CELL_H - 22, CELL_W - 6, 19, 5, theme.violation,
                        theme.violation, 1, null);
                s.text(x + CELL_W / 2, y + CELL_H - 8, Scene.clip("✗ " + walk.failedCheck(), CHARS + 1), 11,
                        theme.background, "middle", true);
            }
        }
        int y = TOP + rows * (CELL_H + GAP) + 18;
        s.text(16, y, refs.size() + " memory references" + (walk.ok() ? "" : failRef > 0
                ? "; failed at reference " + failRef + ": " + walk.reason()
                : "; the walk stopped: " + walk.reason()), 12, walk.ok() ? theme.text : theme.violation, null, true);
        if (qual >= 0) {
            y += 20;
            s.text(16, y, exitWords(walk), 12, theme.violation, null, false);
        }
        int x = 16;
        y += 24;
        s.legend(x, y, theme.validFill, theme.validStroke, null, "EPT entry read", theme.muted);
        x += 140;
        s.legend(x, y, theme.invalidFill, theme.invalidStroke, null, "guest entry read", theme.muted);
        x += 150;
        s.legend(x, y, theme.unlinkedFill, theme.unlinkedStroke, null, "data access", theme.muted);
        x += 120;
        s.legend(x, y, theme.background, theme.unlinkedStroke, "3 3", "not referenced", theme.muted);
        if (failRef > 0) {
            x += 130;
            s.legend(x, y, theme.violation, theme.violation, null, "failed check", theme.muted);
        }
        if (stepping && lit > 0) {
            MemRef m = refs.get(lit - 1);
            int cx = LEFT + (m.eptLevel() > 0 ? eptLevels - m.eptLevel() : eptLevels) * (CELL_W + GAP) - 3;
            int cy = TOP + (m.guestLevel() > 0 ? guestLevels - m.guestLevel() : guestLevels) * (CELL_H + GAP) - 3;
            // the frame as lines (no fill): it sits in the gap around the cell and leaves the cell as drawn
            s.line(cx, cy, cx + CELL_W + 6, cy, theme.cursor, 3, false);
            s.line(cx + CELL_W + 6, cy, cx + CELL_W + 6, cy + CELL_H + 6, theme.cursor, 3, false);
            s.line(cx + CELL_W + 6, cy + CELL_H + 6, cx, cy + CELL_H + 6, theme.cursor, 3, false);
            s.line(cx, cy + CELL_H + 6, cx, cy, theme.cursor, 3, false);
            s.text(16, 74, caption(m, lit, refs.size()) + (lit == failRef ? " — ✗ " + walk.failure() : ""), 12,
                    theme.cursor, null, true);
        }
        return s;
    }

    /** The caption of the current reference: "reference k / N: guest L4 × EPT L3, gpa 0x… → hpa 0x…, entry 0x…". */
    static String caption(MemRef m, int k, int n) {
        String where = m.guestLevel() > 0 ? "guest L" + m.guestLevel() : "data";
        where += m.eptLevel() > 0 ? " × EPT L" + m.eptLevel() : m.guestLevel() > 0 ? " entry read" : " access";
        return "reference " + k + " / " + n + ": " + where + ", gpa 0x" + Long.toHexString(m.gpa()) + " → hpa 0x"
                + Long.toHexString(m.hpa()) + ", " + (m.guestLevel() == 0 && m.eptLevel() == 0 ? "value" : "entry")
                + " 0x" + Long.toHexString(m.value());
    }

    /**
     * The EPT violations of {@code vcpu}'s last access, in order (KVM served each, then the guest retried; the
     * access's own outcome is {@link org.tdpscope.sim.Kvm#lastWalk}); empty if none.
     */
    public static List<TwoDResult> lastExits(Vcpu vcpu) {
        List<AccessRecord> made = vcpu.accesses();
        return made.isEmpty() ? List.of() : made.get(made.size() - 1).exits();
    }

    /** How the k-th EPT violation of a vCPU's last access is named: "v0 · EPT violation 2". */
    public static String exitName(String vcpu, int k) {
        return vcpu + " · EPT violation " + k;
    }

    /** For an EPT violation, "exit qualification 0x181: read; gpa was not present; final gpa"; else "". */
    static String exitWords(TwoDResult walk) {
        long q = EptExitQualification.of(walk);
        return q < 0 ? "" : "exit qualification 0x" + Long.toHexString(q) + ": " + EptExitQualification.describe(q);
    }

    private static String stroke(MemRef m, Theme theme) {
        return m.eptLevel() > 0 ? theme.validStroke : m.guestLevel() > 0 ? theme.invalidStroke : theme.unlinkedStroke;
    }

    private static String size(int bytes) {
        if (bytes >= 1 << 30) {
            return (bytes >>> 30) + "G";
        }
        return bytes >= 1 << 20 ? (bytes >>> 20) + "M" : (bytes >>> 10) + "K";
    }

    /** Splits at spaces into at most {@code lines} lines of {@code max} characters, the last cut with "…". */
    static List<String> wrap(String text, int max, int lines) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String word : text.split(" ")) {
            if (cur.length() > 0 && cur.length() + 1 + word.length() > max) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            if (cur.length() > 0) {
                cur.append(' ');
            }
            cur.append(word);
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        if (out.size() > lines) {
            List<String> cut = new ArrayList<>(out.subList(0, lines));
            String l = cut.get(lines - 1);
            cut.set(lines - 1, (l.length() > max - 1 ? l.substring(0, max - 1) : l) + "…");
            return cut;
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).length() > max) {
                out.set(i, out.get(i).substring(0, max - 1) + "…");
            }
        }
        return out;
    }
}
