/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.EventType;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.trace.TraceReader;
import org.tdpscope.trace.TraceReconstruction;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;

/**
 * What the two timelines of an imported trace draw: names that stay in their column, tick labels inside
 * the page, spans said exactly, inferred roots marked as inferred, and legends that name only what is drawn.
 */
class TimelinePicturesTest {

    private static final String LONG_TASK = "qemu-system-x86";
    private static final String OVER_CAP = "a-worker-thread-whose-name-goes-on-and-on-well-beyond-any-column";

    /** A tracefs line. */
    private static String line(String task, int pid, double s, String event) {
        return String.format(java.util.Locale.ROOT, " %s-%d [000] ....  %.6f: %s%n", task, pid, s, event);
    }

    /** A fault in as 0 from 10.000001 to 10.000014 s (a root inferred at the first line), and a long task name. */
    private static String trace() {
        StringBuilder t = new StringBuilder("# tracer: nop\n#\n");
        t.append(line("vcpu", 1, 10.000001, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 18af606907"));
        t.append(line("vcpu", 1, 10.000002, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 3 old_spte 0 new_spte 18af605907"));
        t.append(line(LONG_TASK, 1695082, 10.000005, "kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 1 used_pages 4"));
        t.append(line(OVER_CAP, 7, 10.000009, "kvm_mmu_spte_requested: gfn 10 pfn 1980dc3 level 1"));
        t.append(line("vcpu", 1, 10.000014, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 2 old_spte 0 new_spte 18af604907"));
        return t.toString();
    }

    private static TraceTimeline timeline(String text) throws IOException {
        TraceTimeline tl = new TraceTimeline();
        TraceReader r = TraceReader.of(text);
        for (org.tdpscope.trace.TraceEvent e; (e = r.next()) != null;) {
            tl.add(e);
        }
        tl.finish();
        return tl;
    }

    private static List<Scene.Text> texts(Scene s) {
        List<Scene.Text> out = new ArrayList<>();
        for (Scene.Shape sh : s.shapes()) {
            if (sh instanceof Scene.Text t) {
                out.add(t);
            }
        }
        return out;
    }

    /** The left and right end of a text as drawn. */
    private static int[] extent(Scene.Text t) {
        int w = TimelineDiagram.textWidth(t.text(), t.size(), t.bold());
        return switch (t.anchor()) {
        case "end" -> new int[] { t.x() - w, t.x() };
        case "middle" -> new int[] { t.x() - w / 2, t.x() + w / 2 };
        default -> new int[] { t.x(), t.x() + w };
        };
    }

    /** The separator between names and marks: the one vertical line from the top of the lanes. */
    private static int separator(Scene s) {
        return s.shapes().stream().filter(sh -> sh instanceof Scene.Line l && l.x1() == l.x2() && l.y1() == 58
                && Theme.LIGHT.muted.equals(l.stroke())).map(sh -> ((Scene.Line) sh).x1()).findFirst().orElseThrow();
    }

    private static int firstMarkX(Scene s) {
        return s.shapes().stream().filter(sh -> sh instanceof Scene.Rect r && r.y() > 58 && r.y() < 58 + 3 * 18
                && r.h() == 18 - 6).mapToInt(sh -> ((Scene.Rect) sh).x()).min().orElseThrow(); // marks, not the legend
    }

    @Test
    void laneNamesAndCountsStayLeftOfTheMarks() throws IOException {
        TraceTimeline tl = timeline(trace());
        Scene s = TraceTimelineDiagram.layout("t.txt", tl, Grouping.TASK, tl.firstNs(), tl.lastNs() + 1, Theme.LIGHT);
        int sep = separator(s);
        int marks = firstMarkX(s);
        assertTrue(sep < marks, sep + " < " + marks);
        int names = 0;
        for (Scene.Text t : texts(s)) {
            if (t.y() > 58 && t.y() < 58 + 3 * 18 && t.x() < sep) {
                names++;
                assertTrue(extent(t)[1] <= sep - 4, "'" + t.text() + "' ends at " + extent(t)[1] + ", the plot at "
                        + sep);
            }
        }
        assertEquals(6, names, "a name and a count per lane");
        List<String> shown = texts(s).stream().map(Scene.Text::text).toList();
        assertTrue(shown.contains(LONG_TASK + "-1695082"), "a name that fits is drawn whole: " + shown);
        String cut = shown.stream().filter(n -> n.startsWith("a-worker")).findFirst().orElseThrow();
        assertTrue(cut.endsWith("…") && cut.length() < OVER_CAP.length(), "a name past the cap ends in …: " + cut);
        assertTrue(TimelineDiagram.textWidth(cut, 11, false) <= TraceTimelineDiagram.NAME_MAX_W);
    }

    @Test
    void everyTickLabelIsInsideThePage() throws IOException {
        TraceTimeline tl = timeline(trace());
        Scene s = TraceTimelineDiagram.layout("t.txt", tl, Grouping.TASK, tl.firstNs(), tl.lastNs() + 1, Theme.LIGHT);
        List<Scene.Text> ticks = texts(s).stream().filter(t -> t.y() == 58 - 8).toList();
        assertTrue(ticks.size() >= 5, ticks.toString());
        assertTrue(ticks.stream().anyMatch(t -> t.text().equals("10.000014")), "the last tick is labelled: " + ticks);
        int end = Integer.MIN_VALUE;
        for (Scene.Text t : ticks) {
            int[] e = extent(t);
            assertTrue(e[0] >= 0 && e[1] <= s.width(), t + " runs off the page (" + e[0] + ".." + e[1] + ")");
            assertTrue(e[0] > end, t + " overlaps the label before it");
            end = e[1];
        }
    }

    @Test
    void theSpanIsSaidExactly() throws IOException {
        String t = "# tracer: nop\n" + line("vcpu", 1, 1.000000, "kvm_mmu_spte_requested: gfn 10 pfn 1 level 1")
                + line("vcpu", 1, 1.000559, "kvm_mmu_spte_requested: gfn 11 pfn 2 level 1");
        TraceTimeline tl = timeline(t);
        Scene s = TraceTimelineDiagram.layout("t.txt", tl, Grouping.TASK, tl.firstNs(), tl.lastNs() + 1, Theme.LIGHT);
        String header = texts(s).get(1).text();
        assertTrue(header.startsWith("1.000000 .. 1.000559 s (559 µs), 2 events"), header);

        TraceTimeline one = timeline("# tracer: nop\n" + line("vcpu", 1, 2.5, "kvm_mmu_spte_requested: gfn 10 pfn 1 "
                + "level 1"));
        String single = texts(TraceTimelineDiagram.layout("t.txt", one, Grouping.TASK, one.firstNs(), one.lastNs() + 1,
                Theme.LIGHT)).get(1).text();
        assertTrue(single.startsWith("2.500000 s, a single event, lanes per task"), single);
        assertFalse(single.contains("1 ns"), single);

        assertEquals("559 µs", TraceTimelineDiagram.duration(559_000));
        assertEquals("13 µs", TraceTimelineDiagram.duration(13_000));
        assertEquals("3.140123 ms", TraceTimelineDiagram.duration(3_140_123));
        assertEquals("2 s", TraceTimelineDiagram.duration(2_000_000_000));
        assertEquals("999 ns", TraceTimelineDiagram.duration(999));
    }

    @Test
    void anInferredRootIsMarkedDashedAndTheLegendNamesOnlyWhatIsDrawn() throws IOException {
        String text = trace();
        TraceTimeline tl = timeline(text);
        TraceReconstruction rec = TraceReconstruction.read(TraceReader.of(text));
        assertEquals(1, rec.roots().size());
        assertTrue(rec.roots().get(0).inferred());
        Scene s = TraceTimelineDiagram.layout("t.txt", tl, Grouping.TASK, tl.firstNs(), tl.lastNs() + 1, Theme.LIGHT,
                rec.roots());
        Scene.Rect root = s.shapes().stream().filter(sh -> sh instanceof Scene.Rect r && "inferred-root-0".equals(
                r.id())).map(sh -> (Scene.Rect) sh).findFirst().orElseThrow();
        assertEquals("3 2", root.dash(), "drawn dashed, as inferred things are");
        assertEquals(firstMarkX(s), root.x() + 3, "round the mark of the line that made it");
        List<String> legend = texts(s).stream().map(Scene.Text::text).toList();
        assertTrue(legend.contains("root, inferred"), legend.toString());
        assertFalse(legend.contains("root"), "no record names a root: no exact root mark, no entry for one");
        assertFalse(legend.contains("mmio") || legend.contains("split"), legend.toString());
        assertTrue(legend.contains("spte set") && legend.contains("fast zap") && legend.contains("page fault"));

        Scene without = TraceTimelineDiagram.layout("t.txt", tl, Grouping.TASK, tl.firstNs(), tl.lastNs() + 1,
                Theme.LIGHT);
        assertFalse(texts(without).stream().anyMatch(t -> t.text().startsWith("root")), "nothing of roots drawn");
    }

    /** Events as the importer hands them to the step timeline: an inferred root on a vCPU task with a long name. */
    private static List<TraceEvent> imported() {
        return List.of(new TraceEvent(1, "CPU 0/KVM-2001", EventType.ROOT_CREATE, "A", -1, -1, -1, 0, 0,
                "inferred root, as 0, 10.000001 s, line 1", null),
                new TraceEvent(2, "CPU 0/KVM-2001", EventType.SPTE_SET, "A", -1, 0, 4, 0, 0x18af606907L,
                        "10.000001 s, line 1", null),
                new TraceEvent(3, "qemu-system-x86-2000", EventType.VCPU_RELOAD_REQUEST, null, -1, -1, -1, 0, 0,
                        "kvm_mmu_zap_all_fast", null),
                new TraceEvent(4, OVER_CAP + "-9", EventType.WALK_START, null, -1, -1, -1, 0, 0, "unmap", null));
    }

    @Test
    void theStepTimelineKeepsNamesClearOfThePlotAndListsOnlyWhatAnImportHas() {
        List<TraceEvent> events = imported();
        TimelineDiagram.Geometry g = TimelineDiagram.geometry(events);
        Scene s = TimelineDiagram.layout("t.txt (imported)", events, Theme.LIGHT);
        int left = g.left;
        assertTrue(left > TimelineDiagram.LEFT, "the long names widen the column");
        List<Scene.Text> names = texts(s).stream().filter(t -> t.bold() && t.size() == 14).toList();
        assertEquals(3, names.size(), names.toString());
        for (Scene.Text t : names) {
            assertTrue(extent(t)[1] <= left - 8, t.text() + " ends at " + extent(t)[1] + ", the lanes at " + left);
        }
        assertTrue(names.get(2).text().endsWith("…"), names.get(2).text());
        // and clear of the first column's labels
        Scene.Text create = texts(s).stream().filter(t -> t.text().equals("create A")).findFirst().orElseThrow();
        assertTrue(extent(names.get(0))[1] < extent(create)[0], "'create A' is not drawn over the lane's name");
        assertEquals(g.x(1), create.x(), "the marks use the geometry's column");

        List<String> shown = texts(s).stream().map(Scene.Text::text).toList();
        assertTrue(shown.contains("root inferred") && shown.contains("walk"), shown.toString());
        for (String never : List.of("mmu_lock read", "mmu_lock write", "other lock", "yielded", "violation",
                "root created")) {
            assertFalse(shown.contains(never), "an import has no " + never + ": " + shown);
        }
    }

    private static TraceEvent ev(long step, String thread, EventType type, String root, String detail) {
        return new TraceEvent(step, thread, type, root, -1, -1, -1, 0, 0, detail, null);
    }

    /** A short simulated run with every kind of bar and mark: its legend names them all, on the page. */
    @Test
    void aRunWithEverythingHasEveryLegendEntryInsideThePicture() {
        List<TraceEvent> events = List.of(ev(1, "v0", EventType.LOCK_ACQUIRE, null, "mmu_lock read"),
                ev(2, "v0", EventType.ROOT_CREATE, "A", "role default"),
                ev(3, "v0", EventType.LOCK_RELEASE, null, "mmu_lock read"),
                ev(4, "W", EventType.LOCK_ACQUIRE, null, "mmu_lock write"),
                ev(5, "W", EventType.ROOT_INVALIDATE, "A", null),
                ev(6, "W", EventType.LOCK_RELEASE, null, "mmu_lock write"),
                ev(7, "W", EventType.LOCK_ACQUIRE, null, "slots_lock"),
                ev(8, "W", EventType.LOCK_RELEASE, null, "slots_lock"), ev(9, "W", EventType.WALK_START, null, null),
                ev(10, "W", EventType.WALK_YIELD, "A", null), ev(11, "W", EventType.WALK_RESUME, "A", null),
                ev(12, "W", EventType.WALK_END, null, null), ev(13, "rcu", EventType.RCU_SYNC, null, null),
                ev(14, "rcu", EventType.ROOT_FREE, "A", null),
                ev(15, "v1", EventType.ROOT_CREATE, "B", "inferred root, as 0"),
                ev(16, "W", EventType.VIOLATION, "A", "W resumes in root A freed at step 14"));
        Scene s = TimelineDiagram.layout("t", events, Theme.LIGHT);
        List<String> shown = texts(s).stream().map(Scene.Text::text).toList();
        List<String> all = List.of("mmu_lock read", "mmu_lock write", "other lock", "yielded", "root created",
                "root inferred", "invalidated or unlinked", "freed", "walk", "rcu sync", "violation");
        assertTrue(shown.containsAll(all), shown.toString());
        for (Scene.Text t : texts(s)) {
            if (all.contains(t.text())) {
                assertTrue(extent(t)[1] <= s.width() - 4, t + " runs off the picture, " + s.width() + " wide");
            }
            assertTrue(t.y() <= s.height() - 4, t + " is below the picture, " + s.height() + " high");
        }
    }

    @Test
    void thePageTimelineKeepsLongNamesInTheirColumn() {
        List<TraceEvent> events = imported();
        Scene page = TimelineDiagram.page("t", events, Theme.LIGHT, TimelineDiagram.lanes(events), 4);
        int left = TimelineDiagram.left(TimelineDiagram.lanes(events));
        int laneLine = page.shapes().stream().filter(sh -> sh instanceof Scene.Line l && l.y1() == l.y2()
                && l.y1() == TimelineDiagram.TOP + 36).mapToInt(sh -> ((Scene.Line) sh).x1()).min().orElseThrow();
        assertEquals(left, laneLine);
        for (Scene.Text t : texts(page).stream().filter(t -> t.bold() && t.size() == 14).toList()) {
            assertTrue(extent(t)[1] <= left - 8, t.text() + " ends at " + extent(t)[1] + ", the lanes at " + left);
        }
    }
}
