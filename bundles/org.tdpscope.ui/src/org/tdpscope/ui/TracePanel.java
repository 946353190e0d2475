/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeColumn;
import org.eclipse.swt.widgets.TreeItem;
import org.tdpscope.trace.ImportedTrace;
import org.tdpscope.trace.InferredRoot;
import org.tdpscope.trace.PageTable;
import org.tdpscope.trace.Sptes;
import org.tdpscope.trace.TraceReconstruction;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;

/**
 * An imported trace in the workbench: the timeline on the trace's real time axis (lanes per task or per
 * CPU), the roots (inferred, or exact from a capture's root records) by generation, the reconstructed
 * page tables with "who set this SPTE?" going to the trace line, and the text of the selected line.
 */
public final class TracePanel extends Composite {

    private final Label summary;
    private final Combo lanes;
    private final TraceTimelineCanvas canvas;
    private final Table roots;
    private final Tree tables;
    private final Text detail;
    private ImportedTrace trace;

    public TracePanel(Composite parent, int style) {
        super(parent, style);
        setLayout(new GridLayout(1, false));
        Composite bar = new Composite(this, SWT.NONE);
        bar.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        GridLayout barLayout = new GridLayout(6, false);
        barLayout.marginHeight = 0;
        bar.setLayout(barLayout);
        summary = new Label(bar, SWT.NONE);
        summary.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        summary.setText("No trace: File › Open Trace… imports a kvmmmu trace (tracefs, trace-cmd, perf script, mail)");
        new Label(bar, SWT.NONE).setText("Lanes:");
        lanes = new Combo(bar, SWT.READ_ONLY);
        lanes.setItems("per task", "per CPU");
        lanes.select(0);
        lanes.setToolTipText("One lane per task (comm-pid) or per CPU");
        Button fit = button(bar, "Fit", "The whole trace (Home)");
        Button in = button(bar, "+", "Zoom in (Ctrl+wheel, +)");
        Button out = button(bar, "−", "Zoom out (Ctrl+wheel, -)");

        SashForm main = new SashForm(this, SWT.VERTICAL);
        main.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        canvas = new TraceTimelineCanvas(main);
        SashForm lower = new SashForm(main, SWT.HORIZONTAL);
        roots = new Table(lower, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
        roots.setHeaderVisible(true);
        roots.setLinesVisible(true);
        for (String c : new String[] { "Root", "How known", "as", "Level", "Gen", "hpa / sp", "Line", "Invalidated",
                "Freed", "Tables" }) {
            TableColumn col = new TableColumn(roots, SWT.LEFT);
            col.setText(c);
            col.setWidth(c.equals("How known") || c.equals("hpa / sp") ? 110 : 70);
        }
        tables = new Tree(lower, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
        tables.setHeaderVisible(true);
        for (String c : new String[] { "Page table / SPTE", "gfn", "Value", "Set at line" }) {
            TreeColumn col = new TreeColumn(tables, SWT.LEFT);
            col.setText(c);
            col.setWidth(c.startsWith("Page") ? 260 : 130);
        }
        lower.setWeights(45, 55);
        main.setWeights(55, 45);
        detail = new Text(this, SWT.BORDER | SWT.READ_ONLY | SWT.SINGLE);
        detail.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));

        lanes.addListener(SWT.Selection, e -> canvas.setGrouping(lanes.getSelectionIndex() == 0 ? Grouping.TASK
                : Grouping.CPU));
        fit.addListener(SWT.Selection, e -> canvas.fit());
        in.addListener(SWT.Selection, e -> canvas.zoom(0.5, TraceTimelineCanvas.NAME_W + canvas.getClientArea().width
                / 2));
        out.addListener(SWT.Selection, e -> canvas.zoom(2, TraceTimelineCanvas.NAME_W + canvas.getClientArea().width
                / 2));
        canvas.onSelect(this::showEvent);
        roots.addListener(SWT.Selection, e -> {
            if (roots.getSelectionCount() == 1 && roots.getSelection()[0].getData() instanceof InferredRoot r) {
                goToLine(r.line());
                selectRootTable(r);
            }
        });
        tables.addListener(SWT.Expand, e -> fillChildren((TreeItem) e.item));
        tables.addListener(SWT.Selection, e -> {
            if (e.item instanceof TreeItem it && it.getData("line") instanceof Long line && line > 0) {
                detail.setText("line " + line + ": " + trace.lineText(line));
            }
        });
        tables.addListener(SWT.DefaultSelection, e -> { // "who set this SPTE?": the timeline goes to its line
            if (e.item instanceof TreeItem it && it.getData("line") instanceof Long line && line > 0) {
                goToLine(line);
            }
        });
    }

    private static Button button(Composite bar, String text, String tip) {
        Button b = new Button(bar, SWT.PUSH);
        b.setText(text);
        b.setToolTipText(tip);
        return b;
    }

    /** Shows an import (null clears). */
    public void show(ImportedTrace t) {
        this.trace = t;
        canvas.setTimeline(t == null ? null : t.timeline());
        roots.removeAll();
        tables.removeAll();
        detail.setText("");
        if (t == null) {
            return;
        }
        TraceReconstruction rec = t.reconstruction();
        TraceTimeline tl = t.timeline();
        String lines = String.format(Locale.ROOT, "%,d lines, %,d events", t.diagnostics().lines(), t.diagnostics()
                .events());
        summary.setText(t.file().getFileName() + ": " + lines + ", " + tl.laneCount(Grouping.TASK) + " tasks, "
                + tl.laneCount(Grouping.CPU) + " CPUs, " + rec.roots().size() + " root(s), " + rec.fastZaps().size()
                + " fast zap(s), " + TraceTimelineCanvas.duration(tl.lastNs() - tl.firstNs())
                + (t.stoppedAtLine() > 0 ? "; CANCELLED at line " + t.stoppedAtLine() + " (partial)" : "")
                + (tl.dropped() > 0 ? String.format(Locale.ROOT, "; %,d events past the timeline's limit not drawn",
                        tl.dropped()) : "")
                + (t.diagnostics().unparsedLines() + t.diagnostics().unknownEvents() > 0
                        ? "; " + t.diagnostics().summary() : ""));
        summary.getParent().layout();
        for (InferredRoot r : rec.roots()) {
            TableItem it = new TableItem(roots, SWT.NONE);
            it.setData(r);
            it.setText(new String[] { org.tdpscope.sim.Root.nameOf(r.id()), r.exact() ? "exact (root record)"
                    : "inferred", String.valueOf(r.asId()), String.valueOf(r.level()), r.gen() < 0 ? "?"
                            : String.valueOf(r.gen()), r.hpa() != -1 ? "0x" + Long.toHexString(r.hpa())
                                    : r.sp() != 0 ? "sp 0x" + Long.toHexString(r.sp()) : "?",
                    String.valueOf(r.line()), r.invalidatedLine() == 0 ? "" : String.valueOf(r.invalidatedLine()),
                    r.freedLine() == 0 ? "" : String.valueOf(r.freedLine()), r.table() == null ? "" : "yes" });
            if (r.table() != null) {
                TreeItem root = new TreeItem(tables, SWT.NONE);
                root.setData(r.table());
                root.setData("line", r.line());
                root.setText(new String[] { "root " + org.tdpscope.sim.Root.nameOf(r.id()) + (r.exact() ? ""
                        : " (inferred)") + ": " + r.table().label(), "", "", String.valueOf(r.line()) });
                new TreeItem(root, SWT.NONE); // expanded on demand
            }
        }
    }

    private void selectRootTable(InferredRoot r) {
        for (TreeItem it : tables.getItems()) {
            if (it.getData() == r.table()) {
                tables.setSelection(it);
                tables.showItem(it);
                return;
            }
        }
    }

    /** Fills a table's item with its child tables and traced SPTEs, once. */
    private void fillChildren(TreeItem item) {
        if (!(item.getData() instanceof PageTable t) || item.getData("filled") != null) {
            return;
        }
        item.setData("filled", Boolean.TRUE);
        for (TreeItem old : item.getItems()) {
            old.dispose();
        }
        Map<Integer, PageTable> children = trace.reconstruction().children(t);
        for (int i = 0; i < 512; i++) {
            PageTable child = children.get(i);
            if (!t.traced(i) && child == null) {
                continue;
            }
            TreeItem e = new TreeItem(item, SWT.NONE);
            long spte = t.spte(i);
            long line = t.setBy(i);
            e.setData("line", line);
            String kind = t.traced(i) ? Sptes.kind(spte, t.level()).toString().toLowerCase(Locale.ROOT) : "table";
            e.setText(new String[] { "[" + i + "] " + kind, "0x" + Long.toHexString(t.gfnOf(i)), t.traced(i) ? "0x"
                    + Long.toHexString(spte) : "", line > 0 ? String.valueOf(line) : "" });
            if (child != null) {
                e.setData(child);
                new TreeItem(e, SWT.NONE);
            }
        }
    }

    private void goToLine(long line) {
        int ev = trace.timeline().eventAtLine(line);
        if (ev >= 0) {
            canvas.select(ev, true);
        } else {
            detail.setText("line " + line + ": " + trace.lineText(line));
        }
    }

    private void showEvent(int ev) {
        if (trace == null || ev < 0) {
            return;
        }
        TraceTimeline tl = trace.timeline();
        long line = tl.line(ev);
        detail.setText(String.format(Locale.ROOT, "line %d · %.6f s · CPU %d · %s · %s", line, tl.timestampNs(ev) / 1e9,
                tl.cpuOf(ev), tl.taskOf(ev), trace.lineText(line).strip()));
    }

    /** The timeline's window as a document's picture (what Export Diagram… writes). */
    public org.tdpscope.export.Scene forExport() {
        if (trace == null) {
            return org.tdpscope.export.Scene.message("No trace: File › Open Trace… imports one",
                    org.tdpscope.export.Theme.LIGHT);
        }
        return org.tdpscope.export.TraceTimelineDiagram.layout(trace.file().getFileName().toString(), trace
                .timeline(), canvas.grouping(), canvas.viewStart(), canvas.viewEnd(), org.tdpscope.export.Theme.LIGHT,
                trace.reconstruction().roots());
    }

    public ImportedTrace trace() {
        return trace;
    }

    public TraceTimelineCanvas canvas() {
        return canvas;
    }

    public Table rootsTable() {
        return roots;
    }

    public Tree tablesTree() {
        return tables;
    }

    public String detailText() {
        return detail.getText();
    }

    public String summaryText() {
        return summary.getText();
    }

    /** For tests: the Root items in the roots table, in order. */
    List<String> rootNames() {
        return java.util.Arrays.stream(roots.getItems()).map(i -> i.getText(0)).toList();
    }
}
