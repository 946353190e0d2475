/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.trace.Payload;
import org.tdpscope.trace.Prefix;
import org.tdpscope.trace.TraceEvent;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.trace.TraceTimeline.Mark;

/** An imported trace's timeline for a document: a page width, marks placed by their time, a legend. */
class TraceTimelineDiagramTest {

    private static TraceEvent at(String task, long ns, Payload p) {
        return new TraceEvent(new Prefix(task, 1, 1, 0, "....", ns, ns, Prefix.Shape.TRACEFS, List.of()),
                "kvm_tdp_mmu_spte_changed", p);
    }

    @Test
    void marksSitAtTheirTimeOnAFixedPage() {
        TraceTimeline tl = new TraceTimeline();
        tl.add(at("vcpu", 1_000_000, new Payload.TdpMmuSpteChanged(0, 1, 1, 0, 0x600001980dc3b77L)));
        tl.add(at("vcpu", 1_100_000, new Payload.MmuZapAllFast(1, 4)));
        tl.add(at("vcpu", 2_000_000, new Payload.TdpMmuSpteChanged(0, 1, 1, 0x600001980dc3b77L, 0)));
        Scene s = TraceTimelineDiagram.layout("t.txt", tl, Grouping.TASK, 1_000_000, 2_000_001, Theme.LIGHT);
        assertEquals(TraceTimelineDiagram.WIDTH, s.width(), "a page width, whatever the trace's length");
        List<Scene.Rect> set = marks(s, Mark.SPTE_SET);
        List<Scene.Rect> zap = marks(s, Mark.FAST_ZAP);
        List<Scene.Rect> gone = marks(s, Mark.SPTE_ZAP);
        assertEquals(2, set.size(), "one mark and its legend box");
        Scene.Rect first = set.get(0);
        Scene.Rect last = gone.get(0);
        Scene.Rect middle = zap.get(0);
        // 0.1 ms of a 1 ms window is a tenth of the plot's width: positions are times, not event counts
        double tenth = (middle.x() - first.x()) / (double) (last.x() - first.x());
        assertEquals(0.1, tenth, 0.01);
        assertTrue(s.shapes().stream().anyMatch(sh -> sh instanceof Scene.Text t && t.text().equals("fast zap")),
                "a legend names every colour");
        assertTrue(s.shapes().stream().anyMatch(sh -> sh instanceof Scene.Text t && t.text().startsWith("scale: ")),
                "the scale is said");
        // a zoomed window counts the events it draws, beside the trace's
        Scene zoomed = TraceTimelineDiagram.layout("t.txt", tl, Grouping.TASK, 1_000_000, 1_500_000, Theme.LIGHT);
        assertTrue(zoomed.shapes().stream().anyMatch(sh -> sh instanceof Scene.Text t && t.text().contains(
                ", 2 of 3 events")), "the window's events counted");
    }

    /**
     * A huge page installed among a table's 512 frozen SPTEs, in one pixel column (capture 07 fitted): both
     * are drawn, one stripe each, and both are in the legend; the entries and exits around them are not.
     */
    @Test
    void kindsSharingAPixelAreDrawnAsStripes() {
        TraceTimeline tl = new TraceTimeline();
        tl.add(at("vcpu", 1_000_000, new Payload.KvmEntry(0, 0L, false, null, Payload.EntryText.KERNEL)));
        for (int i = 0; i < 512; i++) {
            tl.add(at("vcpu", 1_000_001 + i, new Payload.TdpMmuSpteChanged(0, 0x800 + i, 1, 0x1003eb27e67L,
                    org.tdpscope.trace.Sptes.FROZEN)));
        }
        tl.add(at("vcpu", 1_000_600, new Payload.TdpMmuSpteChanged(0, 0x800, 2, 0x100b1b16827L, 0x100b4a00ea7L)));
        tl.add(at("vcpu", 2_000_000, new Payload.KvmEntry(0, 0L, false, null, Payload.EntryText.KERNEL)));
        Scene s = TraceTimelineDiagram.layout("t.txt", tl, Grouping.TASK, 1_000_000, 2_000_001, Theme.LIGHT);
        List<Scene.Rect> set = marks(s, Mark.SPTE_SET);
        List<Scene.Rect> frozen = marks(s, Mark.FROZEN);
        assertEquals(2, set.size(), "the install's stripe and its legend box: " + set);
        assertEquals(2, frozen.size(), "the frozen SPTEs' stripe and its legend box: " + frozen);
        Scene.Rect a = set.get(0);
        Scene.Rect b = frozen.get(0);
        assertEquals(a.x(), b.x(), "one column");
        assertTrue(a.y() + a.h() <= b.y() || b.y() + b.h() <= a.y(), "stripes one above the other");
        assertTrue(marks(s, Mark.ENTRY_EXIT).size() >= 2, "the lone entry at the end is still drawn");
    }

    private static List<Scene.Rect> marks(Scene s, Mark m) {
        String c = TraceTimelineDiagram.colour(m);
        return s.shapes().stream().filter(sh -> sh instanceof Scene.Rect r && c.equals(r.fill())).map(
                sh -> (Scene.Rect) sh).toList();
    }
}
