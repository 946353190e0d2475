/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.tdpscope.trace.ImportedTrace;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.ui.testing.Screens;

/**
 * An imported trace in the Trace panel, in a real shell at the workbench's default size: lanes per task
 * and per CPU on the trace's time axis, marks in their colours, zoom, a click showing the event's line,
 * the inferred root, and "who set this SPTE?" going from the page-table tree to the timeline.
 */
class TracePanelTest {

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

    private static int countRight(ImageData img, RGB want) {
        int n = 0;
        for (int y = TraceTimelineCanvas.AXIS_H; y < img.height - TraceTimelineCanvas.LEGEND_H; y++) {
            for (int x = TraceTimelineCanvas.NAME_W; x < img.width; x++) {
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
        int x = TraceTimelineCanvas.NAME_W + 300;
        long before = c.viewStart() + (long) ((x - TraceTimelineCanvas.NAME_W) * (double) span
                / (c.getClientArea().width - TraceTimelineCanvas.NAME_W));
        Event wheel = new Event();
        wheel.x = x;
        wheel.count = 3;
        wheel.stateMask = SWT.MOD1;
        c.notifyListeners(SWT.MouseVerticalWheel, wheel);
        long zoomed = c.viewEnd() - c.viewStart();
        assertEquals(span * 0.8, zoomed, span * 0.01, "Ctrl+wheel zooms in by a fifth");
        long after = c.viewStart() + (long) ((x - TraceTimelineCanvas.NAME_W) * (double) zoomed
                / (c.getClientArea().width - TraceTimelineCanvas.NAME_W));
        assertEquals(before, after, zoomed / 500.0, "the time under the pointer stays put");
        c.fit();
        assertTrue(c.viewStart() <= trace.timeline().firstNs() && c.viewEnd() >= trace.timeline().lastNs());
    }

    @Test
    void aClickShowsTheEventsLine() {
        TraceTimelineCanvas c = panel.canvas();
        TraceTimeline tl = trace.timeline();
        int ev = tl.event(Grouping.TASK, 1, 3); // an event of the second task
        double nsPx = (c.viewEnd() - c.viewStart()) / (double) (c.getClientArea().width - TraceTimelineCanvas.NAME_W);
        Event e = new Event();
        e.button = 1;
        e.x = TraceTimelineCanvas.NAME_W + (int) Math.round((tl.timestampNs(ev) - c.viewStart()) / nsPx);
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
        assertTrue(root.getText(0).contains("(inferred)"), root.getText(0));
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
}
