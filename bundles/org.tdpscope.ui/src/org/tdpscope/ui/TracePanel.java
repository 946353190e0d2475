/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Link;
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
import org.tdpscope.trace.TraceDiagnostics;
import org.tdpscope.trace.TraceReconstruction;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;

/**
 * An imported trace in the workbench: the timeline on the trace's real time axis (lanes per task or per
 * CPU), the roots (inferred, or exact from a capture's root records) by generation, the reconstructed
 * page tables with "who set this SPTE?" going to the trace line, and the text of the selected line. Tables
 * under no root the trace showed are kept under a "?" node, as the command line's import keeps them. What
 * the reader could not use is said with its line numbers, as {@code tdpscope import} says it.
 */
public final class TracePanel extends Composite {

    /** Issues of one kind listed at most (as the command line's import lists them); the rest are counted. */
    static final int SHOWN = 5;
    /** Characters of a line's text shown in a listed issue. */
    private static final int TEXT_SHOWN = 160;
    /** Tables listed under the "?" node at most. */
    static final int MAX_UNROOTED = 10_000;
    /** The "?" node's text: tables the trace shows no top-level SPTE above. */
    static final String NO_ROOT = org.tdpscope.export.PageTableDiagram.NO_ROOT;

    private final Label summary;
    private String summaryFull = "";
    private final Link notice;
    private final Link issuesLink;
    private final Text issues;
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
        GridLayout barLayout = new GridLayout(7, false);
        barLayout.marginHeight = 0;
        bar.setLayout(barLayout);
        summary = new Label(bar, SWT.NONE);
        // as wide as the bar leaves it, never pushing the controls out: the text is elided, whole in the tooltip
        GridData summaryData = new GridData(SWT.FILL, SWT.CENTER, true, false);
        summaryData.widthHint = 60;
        summary.setLayoutData(summaryData);
        summary.addListener(SWT.Resize, e -> elideSummary());
        issuesLink = new Link(bar, SWT.NONE);
        GridData linkData = new GridData(SWT.RIGHT, SWT.CENTER, false, false);
        linkData.exclude = true;
        issuesLink.setLayoutData(linkData);
        issuesLink.setVisible(false);
        new Label(bar, SWT.NONE).setText("Lanes:");
        lanes = new Combo(bar, SWT.READ_ONLY);
        lanes.setItems("per task", "per CPU");
        lanes.select(0);
        lanes.setToolTipText("One lane per task (comm-pid) or per CPU");
        Button fit = button(bar, "Fit", "The whole trace (Home)");
        Button in = button(bar, "+", "Zoom in (Ctrl+wheel, +)");
        Button out = button(bar, "−", "Zoom out (Ctrl+wheel, -)");
        // in a narrow view (two traces side by side) the summary takes a row of its own: beside it, the
        // controls ran off the view's edge
        bar.addListener(SWT.Resize, e -> {
            int controls = 0;
            for (Control c : bar.getChildren()) {
                if (c != summary && c.getVisible()) {
                    controls += c.computeSize(SWT.DEFAULT, SWT.DEFAULT).x + barLayout.horizontalSpacing;
                }
            }
            int span = bar.getClientArea().width - 2 * barLayout.marginWidth - controls < 120 ? 7 : 1;
            if (summaryData.horizontalSpan != span) {
                summaryData.horizontalSpan = span;
                getDisplay().asyncExec(() -> {
                    if (!isDisposed()) {
                        layout(true, true);
                    }
                });
            }
        });
        // what the reader could not use, with line numbers: opened and closed by the link in the bar
        issues = new Text(this, SWT.BORDER | SWT.READ_ONLY | SWT.MULTI | SWT.V_SCROLL | SWT.H_SCROLL);
        GridData issuesData = new GridData(SWT.FILL, SWT.CENTER, true, false);
        issuesData.heightHint = 7 * issues.getLineHeight();
        issuesData.exclude = true;
        issues.setLayoutData(issuesData);
        issues.setVisible(false);
        issuesLink.addListener(SWT.Selection, e -> showIssues(!issues.getVisible()));
        // a cancelled re-import that did not replace the complete one shown says so here, until dismissed
        notice = new Link(this, SWT.WRAP);
        GridData noticeData = new GridData(SWT.FILL, SWT.CENTER, true, false);
        noticeData.exclude = true;
        notice.setLayoutData(noticeData);
        notice.setVisible(false);
        notice.addListener(SWT.Selection, e -> setNotice(null));
        setSummary("No trace: File › Open Trace… imports a kvmmmu trace (tracefs, trace-cmd, perf script, mail)");

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
        // the selected record, wrapped lines joined, with its stack trace: several lines, so in the sash
        // (the user can make it taller) and scrollable
        detail = new Text(main, SWT.BORDER | SWT.READ_ONLY | SWT.MULTI | SWT.WRAP | SWT.V_SCROLL);
        // GTK keeps the wrap of a wider size when the view shrinks (a restored view cut its record's first line)
        int[] wrappedAt = { -1 }; // only a new width: a sash dragged up and down keeps the scroll position
        detail.addListener(SWT.Resize, e -> {
            String text = detail.getText();
            int width = detail.getSize().x;
            if (!text.isEmpty() && width != wrappedAt[0]) {
                detail.setText(text);
            }
            wrappedAt[0] = width;
        });
        main.setWeights(48, 34, 18);

        lanes.addListener(SWT.Selection, e -> canvas.setGrouping(lanes.getSelectionIndex() == 0 ? Grouping.TASK
                : Grouping.CPU));
        fit.addListener(SWT.Selection, e -> canvas.fit());
        in.addListener(SWT.Selection, e -> canvas.zoom(0.5, canvas.nameWidth() + canvas.getClientArea().width
                / 2));
        out.addListener(SWT.Selection, e -> canvas.zoom(2, canvas.nameWidth() + canvas.getClientArea().width
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
            if (e.item instanceof TreeItem it && it.getData("unrooted") instanceof List<?> list) {
                detail.setText(String.format(Locale.ROOT, "No root seen above %,d table(s): the trace shows no "
                        + "top-level SPTE over them (the capture starts below the top level, or the SPTEs above them "
                        + "were not traced)", list.size()));
            } else if (e.item instanceof TreeItem it && it.getData("line") instanceof Long line && line > 0) {
                detail.setText(recordText(line, whenAndWhere(line)));
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

    /**
     * Shows a finished import, as File › Open Trace… hands it over, unless it was cancelled while a complete
     * import is shown: a partial import must not replace a complete one (the user cancelled; nobody asked
     * to lose what was shown), so that one stays and the bar says where the import stopped. Returns whether
     * {@code t} is now shown.
     */
    public boolean offer(ImportedTrace t) {
        if (t != null && t.stoppedAtLine() > 0 && trace != null && trace.stoppedAtLine() == 0) {
            setNotice(String.format(Locale.ROOT, "The import of %s was cancelled at line %,d (%,d events read); "
                    + "still showing the complete import of %s. <a>Dismiss</a>", linkText(t), t.stoppedAtLine(),
                    eventsRead(t), linkText(trace)));
            return false;
        }
        show(t);
        return true;
    }

    /** {@code 1 task}, {@code 2 tasks}. */
    private static String count(long n, String what) {
        return String.format(Locale.ROOT, "%,d %s%s", n, what, n == 1 ? "" : "s");
    }

    /** A file's name as a Link shows it ('&' is a mnemonic there). */
    private static String linkText(ImportedTrace t) {
        return t.file().getFileName().toString().replace("&", "&&");
    }

    /** Events the import handed on: on the timeline, and past its limit. */
    private static long eventsRead(ImportedTrace t) {
        return t.timeline().size() + t.timeline().dropped();
    }

    /** Says {@code text} in the note above the timeline, with a link that dismisses it. */
    public void say(String text) {
        setNotice(text.replace("&", "&&") + " <a>Dismiss</a>");
    }

    /** The note above the timeline (null or empty hides it). */
    private void setNotice(String text) {
        boolean on = text != null && !text.isEmpty();
        notice.setText(on ? text : "");
        notice.setVisible(on);
        ((GridData) notice.getLayoutData()).exclude = !on;
        layout(true);
    }

    /** Shows an import (null clears). */
    public void show(ImportedTrace t) {
        this.trace = t;
        setNotice(null);
        canvas.setTimeline(t == null ? null : t.timeline(), t == null ? List.of() : t.reconstruction().roots());
        roots.removeAll();
        tables.removeAll();
        detail.setText("");
        if (t == null) {
            setSummary("No trace: File › Open Trace… imports a kvmmmu trace (tracefs, trace-cmd, perf script, mail)");
            setIssues(List.of(), "", null);
            return;
        }
        TraceReconstruction rec = t.reconstruction();
        TraceTimeline tl = t.timeline();
        TraceDiagnostics d = t.diagnostics();
        // a cancelled import counts from where it stopped: the reader's counters of a parallel read lag
        // behind (a block's lines are added when the whole block is handed on), so they would disagree
        String lines = t.stoppedAtLine() > 0 ? String.format(Locale.ROOT, "import CANCELLED at line %,d, "
                + "partial: lines 1–%,d read, %,d events read", t.stoppedAtLine(), t.stoppedAtLine(), eventsRead(t))
                : count(d.lines(), "line") + ", " + count(d.events(), "event");
        setSummary(t.file().getFileName() + ": " + lines + ", " + count(tl.laneCount(Grouping.TASK), "task") + ", "
                + count(tl.laneCount(Grouping.CPU), "CPU") + ", " + count(rec.roots().size(), "root") + ", "
                + count(rec.fastZaps().size(), "fast zap") + ", " + (tl.size() == 0 ? "no time span" : TraceTimelineCanvas.duration(tl.lastNs()
                        - tl.firstNs()))
                + (tl.dropped() > 0 ? String.format(Locale.ROOT, "; %,d events past the timeline's limit not drawn",
                        tl.dropped()) : ""));
        List<String> found = issueLines(d);
        setIssues(found, issueCounts(d), t.stoppedAtLine() > 0 ? "the reader's counters when the import was "
                + "cancelled (a parallel read adds a block's only once the whole block is handed on): " + d.summary()
                : d.summary());
        if (tl.size() == 0) { // nothing to draw: the canvas says why, and the first lines it could not read
            List<String> why = new ArrayList<>();
            why.add(emptyReason(t));
            why.addAll(found);
            canvas.setMessage(why);
        }
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
                // short enough for the column: the table's address in the Value column
                PageTable top = r.table();
                root.setText(new String[] { "root " + org.tdpscope.sim.Root.nameOf(r.id()) + (r.exact() ? ""
                        : " (inferred)") + ": level " + top.level() + ", as " + top.asId(), "0x" + Long.toHexString(
                                top.baseGfn()), top.hpaKnown() ? "table " + Long.toHexString(top.hpa())
                                        : "address not traced", String.valueOf(r.line()) });
                new TreeItem(root, SWT.NONE); // expanded on demand
            }
        }
        // tables under no root the trace showed (a capture that starts below the top level), as the command
        // line's --xmi keeps them under a root named "?": so "who set this SPTE?" works for them too
        List<PageTable> unrooted = rec.unrootedTables();
        if (!unrooted.isEmpty()) {
            TreeItem none = new TreeItem(tables, SWT.NONE);
            none.setData("unrooted", unrooted);
            none.setText(new String[] { NO_ROOT, "", "", "" });
            new TreeItem(none, SWT.NONE); // expanded on demand
        }
    }

    /** A table's row: what it is, its first gfn, and the line that first showed it. */
    private static void tableRow(TreeItem it, PageTable p) {
        it.setData(p);
        it.setData("line", p.firstLine());
        String state = p.state() == PageTable.State.LIVE ? "" : ", " + p.state().toString().toLowerCase(Locale.ROOT);
        it.setText(new String[] { p.label() + ": level " + p.level() + ", as " + p.asId() + state, "0x" + Long
                .toHexString(p.baseGfn()), "", p.firstLine() > 0 ? String.valueOf(p.firstLine()) : "" });
        new TreeItem(it, SWT.NONE); // expanded on demand
    }

    /** The first unparsed lines, unknown events and warnings with their line numbers, as the CLI lists them. */
    static List<String> issueLines(TraceDiagnostics d) {
        List<String> out = new ArrayList<>();
        for (TraceDiagnostics.Issue i : first(d.unparsed())) {
            out.add("unparsed line " + i.line() + ": " + i.message() + (i.text().isEmpty() ? "" : ": " + clip(i
                    .text())));
        }
        more(out, d.unparsedLines(), "unparsed lines");
        for (TraceDiagnostics.Issue i : first(d.unknown())) {
            out.add("unknown event at line " + i.line() + ": " + clip(i.text()));
        }
        more(out, d.unknownEvents(), "unknown events");
        for (TraceDiagnostics.Issue i : first(d.warnings())) {
            out.add("warning at line " + i.line() + ": " + i.message());
        }
        more(out, d.warningCount(), "warnings");
        if (d.gaps() > 0) {
            out.add(String.format(Locale.ROOT, "%,d gap%s (-- or ... lines of a mail or grep copy): events there are "
                    + "missing", d.gaps(), d.gaps() == 1 ? "" : "s"));
            for (long g : d.gapLines()) {
                out.add("gap at line " + g);
            }
            if (d.gaps() > d.gapLines().size()) {
                out.add(String.format(Locale.ROOT, "… and %,d more gaps", d.gaps() - d.gapLines().size()));
            }
        }
        return out;
    }

    /** "3 unparsed lines, 1 gap": what the bar's link says, empty when the reader used every line. */
    static String issueCounts(TraceDiagnostics d) {
        List<String> parts = new ArrayList<>();
        count(parts, d.unparsedLines(), "unparsed line");
        count(parts, d.unknownEvents(), "unknown event");
        count(parts, d.warningCount(), "warning");
        count(parts, d.gaps(), "gap");
        return String.join(", ", parts);
    }

    private static void count(List<String> parts, long n, String what) {
        if (n > 0) {
            parts.add(count(n, what));
        }
    }

    /** Why an import has nothing to draw, as the command line says it. */
    private static String emptyReason(ImportedTrace t) {
        TraceDiagnostics d = t.diagnostics();
        String name = t.file().getFileName().toString();
        if (d.lines() == 0) {
            return name + ": empty, nothing to import";
        }
        if (d.events() == 0 && d.unparsedLines() > 0) {
            return String.format(Locale.ROOT, "%s: no kvm or kvmmmu event in %,d lines (%,d unparsed): not a trace "
                    + "this reader knows (tracefs, trace-cmd report, perf script text)", name, d.lines(), d
                            .unparsedLines());
        }
        if (d.events() == 0) {
            return String.format(Locale.ROOT, "%s: no kvm or kvmmmu event in %,d lines", name, d.lines());
        }
        return String.format(Locale.ROOT, "%s: %,d events, none with a time the timeline can draw", name, d.events());
    }

    private static <T> List<T> first(List<T> list) {
        return list.size() <= SHOWN ? list : list.subList(0, SHOWN);
    }

    private static void more(List<String> out, long total, String what) {
        if (total > SHOWN) {
            out.add(String.format(Locale.ROOT, "... and %,d more %s (the first %d are shown)", total - SHOWN, what,
                    SHOWN));
        }
    }

    /** A line's text as listed: at most {@link #TEXT_SHOWN} characters, bytes no charset decoded shown as '?'. */
    private static String clip(String text) {
        String t = text.length() <= TEXT_SHOWN ? text : text.substring(0, TEXT_SHOWN) + "…";
        return t.replace('\uFFFD', '?');
    }

    /** The bar's link to the issues, and their list; the link is hidden when there is none. */
    private void setIssues(List<String> found, String counts, String counters) {
        boolean any = !found.isEmpty();
        issuesLink.setText(any ? "<a>" + counts.replace("&", "&&") + "</a>" : "");
        issuesLink.setToolTipText(any ? String.join("\n", found) + "\n\nClick to show or hide the list" : null);
        issuesLink.setVisible(any);
        ((GridData) issuesLink.getLayoutData()).exclude = !any;
        issues.setText(any ? String.join("\n", found) + (counters == null ? "" : "\n" + counters) : "");
        showIssues(false);
        issuesLink.getParent().layout(true);
    }

    /** Opens or closes the list of issues under the bar. */
    void showIssues(boolean show) {
        boolean on = show && issuesLink.getVisible();
        issues.setVisible(on);
        ((GridData) issues.getLayoutData()).exclude = !on;
        layout(true);
    }

    private void setSummary(String text) {
        summaryFull = text;
        summary.setToolTipText(text);
        elideSummary();
    }

    /** The summary cut with "…" to the width it has; the tooltip has all of it. */
    private void elideSummary() {
        int width = summary.getSize().x;
        if (width <= 0) {
            summary.setText(summaryFull);
            return;
        }
        GC gc = new GC(summary);
        try {
            String t = summaryFull;
            if (gc.textExtent(t).x > width) {
                int lo = 0;
                int hi = t.length();
                while (lo < hi) { // the longest prefix that fits with the ellipsis
                    int mid = (lo + hi + 1) >>> 1;
                    if (gc.textExtent(t.substring(0, mid) + "…").x <= width) {
                        lo = mid;
                    } else {
                        hi = mid - 1;
                    }
                }
                t = t.substring(0, lo) + "…";
            }
            if (!t.equals(summary.getText())) {
                summary.setText(t);
            }
        } finally {
            gc.dispose();
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
        if (item.getData("filled") != null) {
            return;
        }
        if (item.getData("unrooted") instanceof List<?> list) {
            item.setData("filled", Boolean.TRUE);
            for (TreeItem old : item.getItems()) {
                old.dispose();
            }
            int n = 0;
            for (Object o : list) {
                if (n++ == MAX_UNROOTED) {
                    new TreeItem(item, SWT.NONE).setText(String.format(Locale.ROOT, "… and %,d more tables", list
                            .size() - MAX_UNROOTED));
                    break;
                }
                tableRow(new TreeItem(item, SWT.NONE), (PageTable) o);
            }
            return;
        }
        if (!(item.getData() instanceof PageTable t)) {
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
            Sptes.Kind k = t.traced(i) ? Sptes.kind(spte, t.level()) : Sptes.Kind.TABLE;
            String kind = k.toString().toLowerCase(Locale.ROOT);
            if (k == Sptes.Kind.LEAF) { // its size and bits, read as the trace's paging (EPT or NPT)
                kind += " " + Sptes.sizeName(t.level()) + " " + trace.reconstruction().paging().readAs().permissions(
                        spte);
            }
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
            detail.setText(recordText(line, null));
        }
    }

    /** "136276.020299 s · CPU 31" for a record on the timeline, as a click on it says; null for another line. */
    private String whenAndWhere(long line) {
        TraceTimeline tl = trace.timeline();
        int ev = tl.eventAtLine(line);
        if (ev < 0 || tl.line(ev) != line) {
            return null;
        }
        return String.format(Locale.ROOT, "%.6f s · CPU %d", tl.timestampNs(ev) / 1e9, tl.cpuOf(ev));
    }

    private void showEvent(int ev) {
        if (trace == null || ev < 0) {
            return;
        }
        TraceTimeline tl = trace.timeline();
        long line = tl.line(ev);
        // the task is the record's first word: not said twice
        detail.setText(recordText(line, whenAndWhere(line)));
    }

    /**
     * The record at {@code line} as the detail area shows it: "line N · {@code where} · text" with the lines
     * a mail wrapped it over joined as the reader joined them, then its stack trace, one frame a line, so
     * the path that reached the tracepoint is seen. The timeline keeps only line numbers: the record is
     * read again from the file.
     */
    String recordText(long line, String where) {
        ImportedTrace.Record r = trace.record(line);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "line %,d · ", line));
        if (where != null) {
            b.append(where).append(" · ");
        }
        b.append(r.text());
        if (r.joined() > 1) {
            b.append(String.format(Locale.ROOT, "%n(lines %d–%d: a record wrapped over %d lines, joined as the "
                    + "reader read it)", line, line + r.joined() - 1, r.joined()));
        }
        if (!r.stack().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%n<stack trace>, %d frame%s, innermost first (lines %d–%d):",
                    r.stack().size(), r.stack().size() == 1 ? "" : "s", line + r.joined(), r.lastLine()));
            for (String f : r.stack()) {
                b.append(System.lineSeparator()).append(" => ").append(f);
            }
        }
        return b.toString();
    }

    /** The timeline's window as a document's picture (what Export Diagram… writes). */
    public org.tdpscope.export.Scene forExport() {
        if (trace == null) {
            return org.tdpscope.export.Scene.message("No trace: File › Open Trace… imports one",
                    org.tdpscope.export.Theme.LIGHT);
        }
        if (trace.timeline().size() == 0) { // no axis of 1 ns around nothing: the reason, as the view says it
            return org.tdpscope.export.Scene.message(canvas.message().get(0), org.tdpscope.export.Theme.LIGHT);
        }
        return org.tdpscope.export.TraceTimelineDiagram.layout(trace.file().getFileName().toString(), trace
                .timeline(), canvas.grouping(), canvas.viewStart(), canvas.viewEnd(), org.tdpscope.export.Theme.LIGHT,
                trace.reconstruction().roots());
    }

    /**
     * The page tables reconstructed from the trace as a document's picture (what Export Page Tables… writes):
     * the tree this view shows, each traced SPTE with the line that set it, tables under no root below "?".
     */
    public org.tdpscope.export.Scene pageTablesForExport() {
        if (trace == null) {
            return org.tdpscope.export.Scene.message("No trace: File › Open Trace… imports one",
                    org.tdpscope.export.Theme.LIGHT);
        }
        if (!org.tdpscope.export.PageTableDiagram.hasTraceTables(trace.reconstruction())) {
            return org.tdpscope.export.Scene.message(trace.file().getFileName() + ": no page table: the trace shows "
                    + "no SPTE (kvm_tdp_mmu_spte_changed, kvm_mmu_set_spte) nor kvm_mmu_get_page",
                    org.tdpscope.export.Theme.LIGHT);
        }
        String title = trace.file().getFileName() + (trace.stoppedAtLine() > 0 ? String.format(Locale.ROOT,
                " (imported; cancelled at line %,d: the tables of lines before it)", trace.stoppedAtLine())
                : " (imported)");
        return org.tdpscope.export.PageTableDiagram.traceLayout(title, trace.reconstruction(),
                org.tdpscope.export.PageTableDiagram.DEFAULT_MAX_TABLES, org.tdpscope.export.Theme.LIGHT);
    }

    /** The trace shown has page tables to export. */
    public boolean hasPageTables() {
        return trace != null && org.tdpscope.export.PageTableDiagram.hasTraceTables(trace.reconstruction());
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

    /** The whole summary (the bar shows it elided to its width, with all of it in the tooltip). */
    public String summaryText() {
        return summaryFull;
    }

    /** The note above the timeline (an import not shown, a trace not read again), empty when hidden. */
    String noticeText() {
        return notice.getVisible() ? notice.getText() : "";
    }

    /** The summary as the bar shows it. */
    String summaryShown() {
        return summary.getText();
    }

    /** What the issues link says ("3 unparsed lines, 1 gap"), empty when hidden. */
    String issuesLinkText() {
        return issuesLink.getVisible() ? issuesLink.getText() : "";
    }

    String issuesLinkToolTip() {
        return issuesLink.getToolTipText();
    }

    Link issuesLink() {
        return issuesLink;
    }

    /** The list of issues under the bar, or null while it is closed. */
    String issuesShown() {
        return issues.getVisible() ? issues.getText() : null;
    }

    Label summaryLabel() {
        return summary;
    }

    /** For tests: the Root items in the roots table, in order. */
    List<String> rootNames() {
        return java.util.Arrays.stream(roots.getItems()).map(i -> i.getText(0)).toList();
    }
}
