/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TreeItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.export.TraceTimelineDiagram;
import org.tdpscope.trace.ImportedTrace;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.trace.TraceTimeline.Mark;
import org.tdpscope.ui.testing.Screens;

/**
 * An imported trace in the Trace panel, in a real shell at the workbench's default size: lanes per task
 * and per CPU on the trace's time axis, marks in their colours, zoom, a click showing the event's line,
 * the inferred root, and "who set this SPTE?" going from the page-table tree to the timeline; tables under
 * no root in the tree, a window that stays within the trace, a new view fitted, bad input explained with
 * line numbers, and a summary that fits a narrow view.
 */
class TracePanelTest {

    /** The real captures live with the trace reader's tests (Tycho and jt run tests in the bundle folder). */
    private static final Path CAPTURES = Path.of("../org.tdpscope.trace.tests/resources").toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;
    private Display display;
    private Shell shell;
    private TracePanel panel;
    private ImportedTrace trace;

    /** Two vCPU tasks on two CPUs building a root's tables, a notifier zap, then a fast zap. */
    private Path writeTrace() throws Exception {
        StringBuilder b = new StringBuilder("# tracer: nop\n#\n");
        long ts = 136_276_018_621L; // µs
        String[] task = { "vmm-36697   [031]", "vmm-36698   [003]" };
        line(b, task[0], ts, "kvm_mmu_get_page", "sp gen 0 gfn 0 l4 8-byte q0 direct wux !nxe ad root 0 sync new");
        for (int i = 0; i < 40; i++) {
            String t = task[i % 2];
            ts += 37;
            line(b, t, ts, "kvm_page_fault", String.format(Locale.ROOT, "vcpu %d rip 0x0 address 0x%016x error_code 0x784",
                    i % 2, i * 0x1000L));
            if (i == 0) {
                line(b, t, ts + 1, "kvm_tdp_mmu_spte_changed", "as id 0 gfn 0 level 4 old_spte 0 new_spte 18af606907");
                line(b, t, ts + 2, "kvm_tdp_mmu_spte_changed", "as id 0 gfn 0 level 3 old_spte 0 new_spte 18af605907");
                line(b, t, ts + 3, "kvm_tdp_mmu_spte_changed", "as id 0 gfn 0 level 2 old_spte 0 new_spte 18af604907");
            }
            line(b, t, ts + 5, "kvm_tdp_mmu_spte_changed", String.format(Locale.ROOT,
                    "as id 0 gfn %x level 1 old_spte 0 new_spte 6000019%05xb77", i, 0x80dc3 + i));
        }
        ts += 500;
        line(b, task[0], ts, "kvm_unmap_hva_range", "mmu notifier unmap range: 0x0070f1aac05000 -- 0x0070f1aac06000");
        line(b, task[0], ts + 3, "kvm_tdp_mmu_spte_changed", "as id 0 gfn 7 level 1 old_spte 60000198"
                + "0dcab77 new_spte 0");
        line(b, task[1], ts + 900, "kvm_mmu_zap_all_fast", "kvm-mmu-valid-gen 1 used_pages 4");
        Path f = dir.resolve("two-vcpus.txt");
        Files.writeString(f, b, StandardCharsets.UTF_8);
        return f;
    }

    private static void line(StringBuilder b, String task, long us, String event, String payload) {
        b.append(String.format(Locale.ROOT, "%20s ...1. %d.%06d: %s: %s%n", task, us / 1_000_000, us % 1_000_000, event,
                payload));
    }

    @BeforeEach
    void open() throws Exception {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1194, 771); // the workbench's default window
        panel = new TracePanel(shell, SWT.NONE);
        shell.open();
        trace = ImportedTrace.read(writeTrace(), null);
        panel.show(trace);
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        shell.dispose();
    }

    @Test
    void lanesPerTaskAndPerCpuOnTheTimeAxis() throws Exception {
        TraceTimeline tl = trace.timeline();
        assertEquals(2, tl.laneCount(Grouping.TASK));
        assertEquals("vmm-36697", tl.laneName(Grouping.TASK, 0));
        assertEquals(2, tl.laneCount(Grouping.CPU));
        assertEquals("CPU 3", tl.laneName(Grouping.CPU, 0), "CPU lanes in CPU order");
        assertTrue(panel.summaryText().contains("2 tasks, 2 CPUs"), panel.summaryText());
        ImageData img = Screens.capture(panel.canvas(), "trace-timeline");
        // SPTE installs are drawn in green, the fast zap in red, on the lanes right of the name column
        int green = countRight(img, Screens.rgb("#289646"));
        int red = countRight(img, Screens.rgb("#d71e1e"));
        assertTrue(green > 20, "SPTE installs drawn: " + green);
        assertTrue(red > 4, "the fast zap drawn: " + red);
        panel.canvas().setGrouping(Grouping.CPU);
        Screens.settle(display);
        ImageData cpu = Screens.capture(panel.canvas(), "trace-timeline-cpu");
        assertTrue(countRight(cpu, Screens.rgb("#289646")) > 20);
    }

    private int countRight(ImageData img, RGB want) {
        int n = 0;
        for (int y = TraceTimelineCanvas.AXIS_H; y < img.height - TraceTimelineCanvas.LEGEND_H; y++) {
            for (int x = panel.canvas().nameWidth(); x < img.width; x++) {
                RGB p = Screens.pixel(img, x, y);
                if (Math.abs(p.red - want.red) + Math.abs(p.green - want.green) + Math.abs(p.blue - want.blue) < 12) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void zoomKeepsThePointUnderTheMouseAndFitShowsAll() {
        TraceTimelineCanvas c = panel.canvas();
        long span = c.viewEnd() - c.viewStart();
        int x = panel.canvas().nameWidth() + 300;
        long before = c.viewStart() + (long) ((x - panel.canvas().nameWidth()) * (double) span
                / (c.getClientArea().width - panel.canvas().nameWidth()));
        Event wheel = new Event();
        wheel.x = x;
        wheel.count = 3;
        wheel.stateMask = SWT.MOD1;
        c.notifyListeners(SWT.MouseVerticalWheel, wheel);
        long zoomed = c.viewEnd() - c.viewStart();
        assertEquals(span * 0.8, zoomed, span * 0.01, "Ctrl+wheel zooms in by a fifth");
        long after = c.viewStart() + (long) ((x - panel.canvas().nameWidth()) * (double) zoomed
                / (c.getClientArea().width - panel.canvas().nameWidth()));
        assertEquals(before, after, zoomed / 500.0, "the time under the pointer stays put");
        c.fit();
        assertTrue(c.viewStart() <= trace.timeline().firstNs() && c.viewEnd() >= trace.timeline().lastNs());
    }

    /**
     * The time axis in the default window, in a narrow one and zoomed in: labels neither meet nor leave the
     * canvas, the scale is in the legend (in the axis it ran over the labels), and a trace of short task
     * names leaves the name column narrow (it took 210 of the view's 450 pixels beside the Roots view).
     */
    @Test
    void theTimeAxisLabelsNeitherMeetNorRunOffAndTheNameColumnFitsItsNames() throws Exception {
        TraceTimelineCanvas c = panel.canvas();
        org.eclipse.swt.graphics.GC gc = new org.eclipse.swt.graphics.GC(c);
        int longest = gc.textExtent("vmm-36697  " + trace.timeline().laneSize(Grouping.TASK, 0)).x;
        gc.dispose();
        assertTrue(c.nameWidth() < TraceTimelineCanvas.NAME_MAX_W && c.nameWidth() >= longest, "name column "
                + c.nameWidth() + " for a label of " + longest);
        for (int width : new int[] { 1194, 450 }) {
            shell.setSize(width, 771);
            for (int zoom = 0; zoom < 4; zoom++) {
                Screens.settle(display);
                Screens.capture(c, "trace-axis-" + width + "-" + zoom);
                java.util.List<org.eclipse.swt.graphics.Rectangle> labels = c.tickLabels();
                String where = width + " px, zoom " + zoom + ": " + labels;
                // two at least where the plot has room for three labels; in a narrow view one may be all
                assertTrue(labels.size() >= (width > 1000 ? 2 : 1), "labelled ticks, " + where);
                for (int i = 0; i < labels.size(); i++) {
                    org.eclipse.swt.graphics.Rectangle r = labels.get(i);
                    assertTrue(r.x >= c.nameWidth() && r.x + r.width <= c.getClientArea().width, "on the canvas, "
                            + where);
                    assertTrue(r.y + r.height <= TraceTimelineCanvas.AXIS_H, "above the lanes, " + where);
                    if (i > 0) {
                        assertTrue(labels.get(i - 1).x + labels.get(i - 1).width < r.x, "apart, " + where);
                    }
                }
                assertTrue(c.scale().startsWith("scale: "), c.scale());
                c.zoom(0.1, c.nameWidth() + 40);
            }
            c.fit();
        }
    }

    /**
     * A trace the workbench cannot read again when it starts is said in its view, a name with '&' shown as
     * it is (a Link takes '&' for a mnemonic), and a click on Dismiss hides the note.
     */
    @Test
    void aProblemIsSaidInTheViewAndDismissed() {
        panel.say("Cannot open /captures/a&b.txt: no such file");
        Screens.settle(display);
        assertEquals("Cannot open /captures/a&&b.txt: no such file <a>Dismiss</a>", panel.noticeText());
        org.eclipse.swt.widgets.Link notice = null;
        for (var child : panel.getChildren()) {
            if (child instanceof org.eclipse.swt.widgets.Link l && l.getText().contains("Dismiss")) {
                notice = l;
            }
        }
        assertNotNull(notice, "the note is a link above the timeline");
        assertTrue(notice.isVisible() && notice.getSize().y > 0, "shown");
        notice.notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
        assertEquals("", panel.noticeText(), "dismissed");
    }

    /**
     * A short, narrow canvas (a Trace view stacked below another): the lanes come before the legend, whose
     * rows that do not fit end in "+N more", and a lane name cut short keeps its pid rather than its count.
     */
    @Test
    void aShortViewShowsItsLanesAndCutsTheLegendShort() throws Exception {
        Shell small = new Shell(display);
        small.setLayout(new FillLayout());
        TraceTimelineCanvas c = new TraceTimelineCanvas(small);
        small.setSize(420, 134);
        small.open();
        c.setTimeline(trace.timeline(), trace.reconstruction().roots());
        Screens.pumpFor(display, 300); // the legend's height settles in a second frame
        Screens.capture(c, "trace-timeline-short");
        int lanesBottom = TraceTimelineCanvas.AXIS_H + 2 * TraceTimelineCanvas.LANE_H;
        assertTrue(lanesBottom <= c.getClientArea().height - c.legendHeight(), "both lanes above the legend: "
                + lanesBottom + " > " + c.getClientArea().height + " - " + c.legendHeight());
        int kinds = trace.timeline().kinds(Grouping.TASK, 0, 0, trace.timeline().laneSize(Grouping.TASK, 0))
                | trace.timeline().kinds(Grouping.TASK, 1, 0, trace.timeline().laneSize(Grouping.TASK, 1));
        assertTrue(c.legend().size() < TraceTimelineDiagram.stripes(kinds).length, "some of the legend left out: "
                + c.legend());
        small.dispose();
    }

    /** Two traces side by side leave each view narrow: the summary takes a row of its own, the controls stay in. */
    @Test
    void inANarrowViewTheControlsStayInTheView() throws Exception {
        shell.setSize(380, 771);
        shell.layout(true, true);
        Screens.pumpFor(display, 300);
        Screens.capture(panel, "trace-panel-narrow");
        org.eclipse.swt.widgets.Button zoomOut = zoomOut();
        int right = zoomOut.getBounds().x + zoomOut.getBounds().width;
        assertTrue(right <= zoomOut.getParent().getClientArea().width, "the last control within the view: " + right
                + " > " + zoomOut.getParent().getClientArea().width);
        assertTrue(panel.summaryLabel().getBounds().y + panel.summaryLabel().getBounds().height <= zoomOut.getBounds().y,
                "the summary on a row above the controls");
        shell.setSize(1194, 771);
        shell.layout(true, true);
        Screens.pumpUntil(display, () -> Math.abs(panel.summaryLabel().getBounds().y - zoomOut.getBounds().y) < 10,
                3000, "the summary back beside the controls");
    }

    /** The bar's zoom-out button (the bar is the panel's first child). */
    private org.eclipse.swt.widgets.Button zoomOut() {
        for (var c : ((org.eclipse.swt.widgets.Composite) panel.getChildren()[0]).getChildren()) {
            if (c instanceof org.eclipse.swt.widgets.Button b && b.getText().equals("−")) {
                return b;
            }
        }
        throw new AssertionError("no zoom-out button");
    }

    @Test
    void aClickShowsTheEventsLine() {
        TraceTimelineCanvas c = panel.canvas();
        TraceTimeline tl = trace.timeline();
        int ev = tl.event(Grouping.TASK, 1, 3); // an event of the second task
        double nsPx = (c.viewEnd() - c.viewStart()) / (double) (c.getClientArea().width - panel.canvas().nameWidth());
        Event e = new Event();
        e.button = 1;
        e.x = panel.canvas().nameWidth() + (int) Math.round((tl.timestampNs(ev) - c.viewStart()) / nsPx);
        e.y = TraceTimelineCanvas.AXIS_H + TraceTimelineCanvas.LANE_H + TraceTimelineCanvas.LANE_H / 2;
        c.notifyListeners(SWT.MouseDown, e);
        c.notifyListeners(SWT.MouseUp, e);
        assertTrue(c.selected() >= 0, "an event under the click");
        assertEquals("vmm-36698", tl.taskOf(c.selected()));
        String detail = panel.detailText();
        assertTrue(detail.startsWith("line " + tl.line(c.selected()) + " · "), detail);
        assertTrue(detail.contains("vmm-36698") && detail.contains(": kvm_"), "the raw trace line: " + detail);
    }

    @Test
    void whoSetThisSpteGoesToItsLine() {
        assertEquals(java.util.List.of("A"), panel.rootNames(), "one root inferred");
        TreeItem root = panel.tablesTree().getItem(0);
        // short, so the column shows it whole; the table's address in the Value column
        assertEquals("root A (inferred): level 4, as 0", root.getText(0));
        assertEquals("address not traced", root.getText(2));
        Event expand = new Event();
        expand.item = root;
        panel.tablesTree().notifyListeners(SWT.Expand, expand);
        root.setExpanded(true);
        // root (level 4) -> level 3 -> level 2 -> level 1 table with the leaves
        TreeItem item = root;
        for (int level = 4; level > 1; level--) {
            TreeItem child = item.getItem(0);
            Event ex = new Event();
            ex.item = child;
            panel.tablesTree().notifyListeners(SWT.Expand, ex);
            item = child;
        }
        TreeItem leaf = null;
        for (TreeItem it : item.getItems()) {
            if (it.getText(1).equals("0x3")) {
                leaf = it;
            }
        }
        assertTrue(leaf != null, "the SPTE of gfn 3 is in the tree");
        long line = Long.parseLong(leaf.getText(3));
        Event open = new Event();
        open.item = leaf;
        panel.tablesTree().notifyListeners(SWT.DefaultSelection, open);
        int ev = panel.canvas().selected();
        assertEquals(line, trace.timeline().line(ev), "the timeline selects the event of that line");
        assertTrue(panel.detailText().contains("gfn 3 level 1"), panel.detailText());
    }

    // ---- tables under no root ------------------------------------------------------------------

    private TreeItem expand(TreeItem item) {
        Event ex = new Event();
        ex.item = item;
        panel.tablesTree().notifyListeners(SWT.Expand, ex);
        item.setExpanded(true);
        return item;
    }

    private TreeItem noRootNode() {
        for (TreeItem it : panel.tablesTree().getItems()) {
            if (it.getText(0).startsWith("? (no root seen")) {
                return it;
            }
        }
        return null;
    }

    @Test
    void tablesUnderNoRootAreInTheTreeAndSayWhoSetTheirSptes() throws Exception {
        // capture 07 starts below the top level: the CLI counts "2 seen, 1 present leaves", the 2 MB SPTE at gfn
        // 0x800 in the table at 10052fa5000 (kvm_mmu_set_spte ... at 10052fa5020)
        ImportedTrace t = ImportedTrace.read(CAPTURES.resolve(
                "07-lkml-2022-06-30-annapurve-tdp-hugepage-collapse-wrapped.txt"), null);
        panel.show(t);
        Screens.settle(display);
        assertTrue(panel.rootNames().isEmpty(), "no root inferred in 07");
        TreeItem none = noRootNode();
        assertNotNull(none, "a \"?\" node holds the tables no root was seen above");
        expand(none);
        // the zapped level-1 table hung below it until the huge SPTE replaced it: gone from the tree, as from --xmi
        assertEquals(1, none.getItemCount(), "the table not zapped");
        TreeItem level2 = none.getItem(0);
        assertTrue(level2.getText(0).contains("table 10052fa5000"), level2.getText(0));
        assertTrue(level2.getText(0).contains("level 2"), level2.getText(0));
        expand(level2);
        TreeItem huge = null;
        for (TreeItem it : level2.getItems()) {
            if (it.getText(1).equals("0x800")) {
                huge = it;
            }
        }
        assertNotNull(huge, "the 2 MB SPTE of gfn 0x800");
        assertEquals("0x100b4a00ea7", huge.getText(2));
        long line = Long.parseLong(huge.getText(3));
        // the mail wrapped each record over two lines: the SPTE's value is on the second
        assertTrue(t.lineText(line).contains("kvm_tdp_mmu_spte_changed") && t.lineText(line + 1).contains(
                "new_spte 100b4a00ea7"), t.lineText(line) + " / " + t.lineText(line + 1));
        Event open = new Event();
        open.item = huge;
        panel.tablesTree().notifyListeners(SWT.DefaultSelection, open);
        assertEquals(line, t.timeline().line(panel.canvas().selected()), "who set this SPTE? goes to its line");
        panel.tablesTree().setSelection(huge);
        Screens.capture(panel, "trace-panel-07-no-root");

        ImportedTrace t14 = ImportedTrace.read(CAPTURES.resolve("14-martins3-tdp-get-page-stacktrace.txt"), null);
        panel.show(t14);
        Screens.settle(display);
        TreeItem none14 = noRootNode();
        assertNotNull(none14, "capture 14's table (1 seen) is in the tree");
        expand(none14);
        assertEquals(1, none14.getItemCount());
        assertTrue(none14.getItem(0).getText(0).contains("level 1"), none14.getItem(0).getText(0));
    }

    @Test
    void aTraceWithARootHasNoQuestionMarkNode() {
        assertEquals(null, noRootNode(), "every table of the two-vCPU trace is under root A");
    }

    // ---- the window stays within the trace -----------------------------------------------------

    private void key(int code, int times) {
        for (int i = 0; i < times; i++) {
            Event e = new Event();
            e.keyCode = code;
            e.character = (char) code;
            panel.canvas().notifyListeners(SWT.KeyDown, e);
        }
    }

    private void wheel(int type, int count, int stateMask, int times) {
        for (int i = 0; i < times; i++) {
            Event e = new Event();
            e.x = panel.canvas().nameWidth() + 100;
            e.count = count;
            e.stateMask = stateMask;
            panel.canvas().notifyListeners(type, e);
        }
    }

    @Test
    void panningStopsAtTheFirstAndLastEventsAndZoomOutAtTheWholeTrace() {
        TraceTimelineCanvas c = panel.canvas();
        TraceTimeline tl = trace.timeline();
        long first = tl.firstNs();
        long last = tl.lastNs();
        long span = last - first;
        long fitted = c.viewEnd() - c.viewStart();
        assertTrue(c.viewStart() <= first && c.viewEnd() >= last && fitted < span * 1.1, "fitted at first");
        key('+', 3);
        long zoomed = c.viewEnd() - c.viewStart();
        assertEquals(fitted / 8.0, zoomed, fitted / 100.0);
        // Left, Shift+wheel and the horizontal wheel all stop where the first event is in view
        key(SWT.ARROW_LEFT, 50);
        assertTrue(c.viewStart() <= first, "the first event is in view");
        assertTrue(c.viewStart() >= first - span / 20, "not panned before the first event: " + (first - c
                .viewStart()) + " ns before it");
        assertEquals(zoomed, c.viewEnd() - c.viewStart(), "panning keeps the zoom");
        long start = c.viewStart();
        wheel(SWT.MouseVerticalWheel, 3, SWT.SHIFT, 30);
        assertEquals(start, c.viewStart(), "Shift+wheel left stops at the start too");
        wheel(SWT.MouseHorizontalWheel, 3, 0, 30);
        assertEquals(start, c.viewStart(), "the horizontal wheel stops at the start too");
        // a drag far to the right (pulling the view left) stops there as well
        Event down = new Event();
        down.button = 1;
        down.x = panel.canvas().nameWidth() + 10;
        down.y = TraceTimelineCanvas.AXIS_H + 5;
        c.notifyListeners(SWT.MouseDown, down);
        Event move = new Event();
        move.x = panel.canvas().nameWidth() + 900;
        move.y = down.y;
        c.notifyListeners(SWT.MouseMove, move);
        c.notifyListeners(SWT.MouseUp, move);
        assertEquals(start, c.viewStart(), "dragging stops at the start");
        // the scroll bar reaches the same start and end, no further
        org.eclipse.swt.widgets.ScrollBar bar = c.getHorizontalBar();
        bar.setSelection(bar.getMaximum());
        bar.notifyListeners(SWT.Selection, new Event());
        long barEnd = c.viewEnd();
        assertTrue(barEnd >= last && barEnd <= last + span / 20, "the bar's end shows the last event");
        bar.setSelection(0);
        bar.notifyListeners(SWT.Selection, new Event());
        assertEquals(start, c.viewStart(), zoomed / 500.0, "the bar's start is where panning stops");
        key(SWT.ARROW_RIGHT, 100);
        assertEquals(barEnd, c.viewEnd(), zoomed / 500.0, "panning right stops where the bar ends");
        assertTrue(c.viewEnd() >= last, "the last event is in view");
        assertTrue(c.viewEnd() <= last + span / 20, "not panned past the last event: " + (c.viewEnd() - last)
                + " ns past it");
        assertEquals(zoomed, c.viewEnd() - c.viewStart(), "panning keeps the zoom");
        // zooming out (-, Ctrl+wheel) stops at the whole trace
        key('-', 20);
        assertEquals(fitted, c.viewEnd() - c.viewStart(), "zoom out stops at Fit");
        assertTrue(c.viewStart() <= first && c.viewEnd() >= last);
        wheel(SWT.MouseVerticalWheel, -3, SWT.MOD1, 20);
        assertEquals(fitted, c.viewEnd() - c.viewStart(), "Ctrl+wheel out stops at Fit");
        assertTrue(c.fitted());
    }

    // ---- a new view is fitted ------------------------------------------------------------------

    @Test
    void aTraceShownBeforeTheViewIsLaidOutIsFitted() throws Exception {
        // File › Open Trace… with no Trace view: the view is created and shown the import before its first layout
        Shell fresh = new Shell(display);
        try {
            fresh.setLayout(new FillLayout());
            TracePanel p = new TracePanel(fresh, SWT.NONE);
            p.show(trace);
            fresh.setSize(1194, 771);
            fresh.open();
            Screens.settle(display);
            TraceTimelineCanvas c = p.canvas();
            TraceTimeline tl = trace.timeline();
            long span = tl.lastNs() - tl.firstNs();
            assertTrue(c.viewStart() <= tl.firstNs() && c.viewEnd() >= tl.lastNs(), "the whole trace in view");
            assertTrue(c.viewEnd() - c.viewStart() < span * 1.1, "fitted, not " + (c.viewEnd() - c.viewStart())
                    + " ns for " + span + " ns of events");
            long start = c.viewStart();
            long end = c.viewEnd();
            c.fit();
            assertEquals(start, c.viewStart(), "fitted at the view's real width, as Fit does");
            assertEquals(end, c.viewEnd());
            // and it stays fitted when the view is resized (maximized, say)
            fresh.setSize(1500, 900);
            Screens.settle(display);
            start = c.viewStart();
            end = c.viewEnd();
            c.fit();
            assertEquals(start, c.viewStart(), "still fitted after a resize");
            assertEquals(end, c.viewEnd());
        } finally {
            fresh.dispose();
        }
    }

    // ---- inferred roots dashed -----------------------------------------------------------------

    @Test
    void anInferredRootIsDrawnDashedAndTheLegendSaysSo() throws Exception {
        TraceTimelineCanvas c = panel.canvas();
        assertTrue(c.legend().contains("root, inferred"), "legend: " + c.legend());
        assertFalse(c.legend().contains("root"), "no solid root mark: no root record in the trace");
        ImageData img = Screens.capture(c, "trace-timeline-inferred-root");
        RGB root = Screens.rgb(TraceTimelineDiagram.colour(Mark.ROOT));
        // the root's box is in the lanes, in the root colour, with gaps between its dashes
        int bestCol = -1;
        int best = 0;
        int total = 0;
        for (int x = panel.canvas().nameWidth(); x < img.width; x++) {
            int n = 0;
            for (int y = TraceTimelineCanvas.AXIS_H + 1; y < TraceTimelineCanvas.AXIS_H + 2
                    * TraceTimelineCanvas.LANE_H; y++) {
                RGB p = Screens.pixel(img, x, y);
                if (Math.abs(p.red - root.red) + Math.abs(p.green - root.green) + Math.abs(p.blue - root.blue) < 30) {
                    n++;
                }
            }
            total += n;
            if (n > best) {
                best = n;
                bestCol = x;
            }
        }
        assertTrue(total > 10, "the inferred root drawn: " + total + " pixels");
        assertTrue(best >= 4 && best < TraceTimelineCanvas.LANE_H - 5, "a dashed side at x " + bestCol + ": " + best
                + " pixels");
    }

    // ---- bad input explained -------------------------------------------------------------------

    @Test
    void anEmptyImportSaysWhyWithTheFirstUnparsedLines() throws Exception {
        byte[] elf = new byte[4096];
        for (int i = 0; i < elf.length; i++) {
            elf[i] = (byte) (i * 31 + 7);
        }
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        Path bin = dir.resolve("ls.bin");
        Files.write(bin, elf);
        panel.show(ImportedTrace.read(bin, null));
        Screens.settle(display);
        String said = String.join("\n", panel.canvas().message());
        assertTrue(said.contains("ls.bin: no kvm or kvmmmu event in"), said);
        assertTrue(said.contains("unparsed line 1: binary data"), said);
        assertTrue(said.contains("unparsed line 2: "), said);
        assertFalse(said.contains("Exception") || said.contains("\tat "), "no stack trace: " + said);
        Screens.capture(panel, "trace-panel-binary");

        Path empty = dir.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        panel.show(ImportedTrace.read(empty, null));
        Screens.settle(display);
        assertEquals("empty.txt: empty, nothing to import", panel.canvas().message().get(0));
        assertEquals("", panel.issuesLinkText(), "nothing to list");
        // its export says the same, not an axis of 1 ns around nothing
        String svg = org.tdpscope.export.SvgRenderer.render(panel.forExport());
        assertTrue(svg.contains("empty.txt: empty, nothing to import"), svg);
        assertFalse(svg.contains(" ns"), svg);
    }

    @Test
    void unparsedLinesAreListedWithTheirLineNumbers() throws Exception {
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(writeTrace()));
        lines.add(20, "this is garbage not a trace line");
        lines.add(30, "\u0001\u0002ELF\u0000\u0000 binary");
        lines.add(40, "--");
        Path f = dir.resolve("mixed.txt");
        Files.write(f, lines);
        ImportedTrace t = ImportedTrace.read(f, null);
        panel.show(t);
        Screens.settle(display);
        assertTrue(t.diagnostics().unparsedLines() >= 2, t.diagnostics().summary());
        String link = panel.issuesLinkText();
        assertTrue(link.contains(t.diagnostics().unparsedLines() + " unparsed lines"), link);
        assertTrue(link.contains("1 gap"), link);
        String tip = panel.issuesLinkToolTip();
        assertTrue(tip.contains("unparsed line 21: ") && tip.contains("this is garbage"), tip);
        assertTrue(tip.contains("unparsed line 31: "), tip);
        assertEquals(null, panel.issuesShown(), "the list is closed at first");
        panel.issuesLink().notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
        String shown = panel.issuesShown();
        assertNotNull(shown, "a click on the link opens the list");
        assertTrue(shown.contains("unparsed line 21: ") && shown.contains("1 gap"), shown);
        Screens.capture(panel, "trace-panel-issues");
        panel.issuesLink().notifyListeners(SWT.Selection, new Event());
        assertEquals(null, panel.issuesShown(), "a second click closes it");
    }

    // ---- the summary in a narrow view ----------------------------------------------------------

    @Test
    void theSummaryIsElidedInAHalfWidthViewWithAllOfItInTheTooltip() throws Exception {
        shell.setSize(597, 771);
        shell.layout(true, true);
        Screens.settle(display);
        String shown = panel.summaryShown();
        assertTrue(shown.endsWith("…"), shown);
        assertTrue(panel.summaryText().startsWith(shown.substring(0, shown.length() - 1)), shown);
        assertEquals(panel.summaryText(), panel.summaryLabel().getToolTipText());
        var label = panel.summaryLabel();
        int right = label.getBounds().x + label.getBounds().width;
        for (var sibling : label.getParent().getChildren()) {
            if (sibling instanceof org.eclipse.swt.widgets.Label l && "Lanes:".equals(l.getText())) {
                assertTrue(right <= l.getBounds().x, "the summary ends before \"Lanes:\": " + right + " > " + l
                        .getBounds().x);
            }
        }
        Screens.capture(panel, "trace-panel-half-width");
        // the legend wraps rather than run off the edge: the inferred root's entry is drawn in the narrow view
        TraceTimelineCanvas c = panel.canvas();
        Screens.settle(display);
        assertTrue(c.legend().contains(TraceTimelineCanvas.INFERRED_ROOT), "legend: " + c.legend());
        ImageData img = Screens.capture(c, "trace-timeline-half-width");
        RGB root = Screens.rgb(TraceTimelineDiagram.colour(Mark.ROOT));
        int inLegend = 0;
        // its box is in the legend's rows, under the two lanes, within the canvas
        assertTrue(TraceTimelineCanvas.AXIS_H + 2 * TraceTimelineCanvas.LANE_H < img.height - 3
                * TraceTimelineCanvas.LEGEND_H, "the legend's rows are below the lanes");
        for (int y = img.height - 3 * TraceTimelineCanvas.LEGEND_H; y < img.height; y++) {
            for (int x = c.nameWidth(); x < img.width; x++) {
                RGB px = Screens.pixel(img, x, y);
                if (Math.abs(px.red - root.red) + Math.abs(px.green - root.green) + Math.abs(px.blue - root.blue) < 30) {
                    inLegend++;
                }
            }
        }
        assertTrue(inLegend > 10, "the dashed box of \"root, inferred\" in the legend: " + inLegend);
        shell.setSize(1194, 771);
        shell.layout(true, true);
        // the window manager's configure events may come after the queue ran dry once
        Screens.pumpUntil(display, () -> panel.summaryText().equals(panel.summaryShown()), 3000,
                "the whole summary again when there is room (shown: " + panel.summaryShown() + ")");
    }

    // ---- the selected record whole: stack trace, mail-wrapped lines ------------------------------

    /** Selects the event of {@code line} on the timeline, as a click on it does. */
    private String select(ImportedTrace t, long line) {
        int ev = t.timeline().eventAtLine(line);
        assertTrue(ev >= 0, "an event at line " + line);
        panel.canvas().select(ev, true);
        Screens.settle(display);
        return panel.detailText();
    }

    @Test
    void theSelectedEventsStackTraceIsShown() throws Exception {
        // capture 14: kvm_mmu_get_page at line 2, its <stack trace> of 11 frames on lines 3-14
        ImportedTrace t = ImportedTrace.read(CAPTURES.resolve("14-martins3-tdp-get-page-stacktrace.txt"), null);
        panel.show(t);
        Screens.settle(display);
        String detail = select(t, 2);
        assertTrue(detail.startsWith("line 2 · "), detail);
        assertTrue(detail.contains("kvm_mmu_get_page: sp gen 0 gfn 14b600 l1"), detail);
        assertTrue(detail.contains("<stack trace>, 11 frames, innermost first (lines 3–14)"), detail);
        String[] lines = detail.split("\\R");
        assertEquals(" => trace_event_raw_event_kvm_mmu_get_page", lines[2], detail);
        assertEquals(" => tdp_mmu_init_sp", lines[3], "one frame a line: " + detail);
        assertEquals(" => entry_SYSCALL_64_after_hwframe", lines[lines.length - 1], detail);
        Screens.capture(panel, "trace-panel-14-stack");
        // the same record from the page-table tree ("who set this SPTE?" has no timestamp to add)
        assertTrue(panel.recordText(2, null).contains(" => kvm_tdp_mmu_map"), panel.recordText(2, null));
    }

    @Test
    void aMailWrappedRecordIsShownWhole() throws Exception {
        // capture 07: the mail wrapped every record after its first word; line 6 + 7 are one record
        ImportedTrace t = ImportedTrace.read(CAPTURES.resolve(
                "07-lkml-2022-06-30-annapurve-tdp-hugepage-collapse-wrapped.txt"), null);
        panel.show(t);
        Screens.settle(display);
        String detail = select(t, 6);
        assertTrue(detail.startsWith("line 6 · "), detail);
        assertTrue(detail.contains("kvm_tdp_mmu_spte_changed: as id 0 gfn 800 level 2 old_spte 100b1b16827 "
                + "new_spte 100b4a00ea7"), "the continuation joined: " + detail);
        assertTrue(detail.contains("lines 6–7: a record wrapped over 2 lines"), detail);
        assertFalse(detail.contains("<stack trace>"), detail);
        Screens.capture(panel, "trace-panel-07-wrapped");
    }

    // ---- a cancelled import -----------------------------------------------------------------------

    /**
     * A trace large enough that ImportedTrace asks whether to go on (every 16,384 events) and is read on
     * several cores (16 MiB and more), as a real re-import is: answering no cancels it there.
     */
    private ImportedTrace cancelledImport() throws Exception {
        Path f = dir.resolve("big.txt");
        StringBuilder b = new StringBuilder("# tracer: nop\n");
        long us = 5_000_000;
        for (int i = 0; i < 190_000; i++) {
            us += 3;
            line(b, "vmm-4100    [00" + (i % 4) + "]", us, "kvm_tdp_mmu_spte_changed", String.format(Locale.ROOT,
                    "as id 0 gfn %x level 1 old_spte 0 new_spte 6000019%05xb77", i, i & 0xfffff));
        }
        Files.writeString(f, b, StandardCharsets.UTF_8);
        assertTrue(Files.size(f) > 16 << 20, "read in parallel: " + Files.size(f));
        ImportedTrace t = ImportedTrace.read(f, (bytes, events) -> false);
        assertTrue(t.stoppedAtLine() > 0, "cancelled");
        return t;
    }

    @Test
    void aCancelledImportDoesNotReplaceACompleteOne() throws Exception {
        String before = panel.summaryText();
        ImportedTrace partial = cancelledImport();
        assertFalse(panel.offer(partial), "the complete import stays");
        assertEquals(trace, panel.trace());
        assertEquals(before, panel.summaryText());
        String note = panel.noticeText();
        assertTrue(note.contains(String.format(Locale.ROOT, "The import of big.txt was cancelled at line %,d (16,384 "
                + "events read)", partial.stoppedAtLine())), note);
        assertTrue(note.contains("still showing the complete import of two-vcpus.txt"), note);
        Screens.settle(display);
        Screens.capture(panel, "trace-panel-cancel-kept");
        // a complete import replaces it, and the note goes
        assertTrue(panel.offer(trace));
        assertEquals("", panel.noticeText());
    }

    @Test
    void aCancelledImportIsShownWhenNothingCompleteIsAndItsNumbersAgree() throws Exception {
        ImportedTrace partial = cancelledImport();
        panel.show(null);
        assertTrue(panel.offer(partial), "nothing complete shown: the partial import is");
        assertEquals(partial, panel.trace());
        String s = panel.summaryText();
        long at = partial.stoppedAtLine();
        // the event the import stopped at is the 16,384th, one line each after the header line
        assertEquals(16_385, at);
        assertTrue(s.contains(String.format(Locale.ROOT, "import CANCELLED at line %,d, partial: lines 1–%,d read, "
                + "16,384 events read", at, at)), s);
        assertEquals(16_384, partial.timeline().size());
        Screens.capture(panel, "trace-panel-cancel-partial");
        // another cancelled import replaces a partial one (nothing complete is lost)
        ImportedTrace again = cancelledImport();
        assertTrue(panel.offer(again));
        assertEquals(again, panel.trace());
        assertEquals("", panel.noticeText());
    }

    // ---- the reconstructed page tables as a picture ---------------------------------------------

    @Test
    void thePageTablesAreExportedAsTheTreeShowsThem() throws Exception {
        assertTrue(panel.hasPageTables());
        org.tdpscope.export.Scene s = panel.pageTablesForExport();
        String svg = org.tdpscope.export.SvgRenderer.render(s);
        // root A (inferred) -> level 3 -> level 2 -> the level-1 table of the leaves, as whoSetThisSpteGoesToItsLine
        assertTrue(svg.contains("root A (inferred) · L4"), "the root is said to be inferred");
        assertTrue(svg.contains("A · L3 · hpa 0x18af606000") && svg.contains("A · L2 · hpa 0x18af605000") && svg
                .contains("A · L1 · hpa 0x18af604000"), "the tables below it");
        // the 40 leaves: the first eight, and the rest counted
        assertTrue(svg.contains("[  3] gfn 0x3 4K 0x19") && svg.contains("… 32 more entries"), "entries capped");
        Path out = dir.resolve("two-vcpus-page-tables.svg");
        ExportDiagramAction.write(s, out);
        assertEquals(svg, Files.readString(out, StandardCharsets.UTF_8));
        Path png = dir.resolve("two-vcpus-page-tables.png");
        ExportDiagramAction.write(s, png);
        byte[] b = Files.readAllBytes(png);
        assertTrue(b.length > 1000 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', "a PNG");
        // named as the command line names it (NAME.page-tables.svg), beside the file when its folder is writable
        String[] proposed = ExportDiagramAction.defaultFile(dir.resolve("two-vcpus.tdp"), "page-tables");
        assertEquals("two-vcpus.page-tables.svg", proposed[1]);
        assertEquals(dir.toAbsolutePath().toString(), proposed[0]);
        assertEquals("capture.page-tables.svg", ExportDiagramAction.defaultFile(dir.resolve("capture.txt"),
                "page-tables")[1], "a trace's extension is dropped too");

        // capture 07: its table is under "?", as the tree keeps it
        panel.show(ImportedTrace.read(CAPTURES.resolve(
                "07-lkml-2022-06-30-annapurve-tdp-hugepage-collapse-wrapped.txt"), null));
        String svg07 = org.tdpscope.export.SvgRenderer.render(panel.pageTablesForExport());
        assertTrue(svg07.contains("? (no root seen)") && svg07.contains("? · L2 · hpa 0x10052fa5000"), "under ?");
        assertTrue(svg07.contains("gfn 0x800 2M"), "the 2 MB SPTE of gfn 0x800");
    }

    @Test
    void aTraceWithNoTableHasNoPageTablesToExport() throws Exception {
        Path f = dir.resolve("faults.txt");
        Files.writeString(f, "# tracer: nop\n             vmm-36697   [031] ..... 136276.020264: kvm_page_fault: "
                + "vcpu 0 rip 0x0 address 0x0000000000000000 error_code 0x784\n", StandardCharsets.UTF_8);
        panel.show(ImportedTrace.read(f, null));
        assertFalse(panel.hasPageTables());
        String svg = org.tdpscope.export.SvgRenderer.render(panel.pageTablesForExport());
        assertTrue(svg.contains("no page table"), svg);
        panel.show(null);
        assertFalse(panel.hasPageTables());
    }
}
