/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.tdpscope.trace.InferredRoot;
import org.tdpscope.trace.Lane;
import org.tdpscope.trace.PageTable;
import org.tdpscope.trace.Payload;
import org.tdpscope.trace.Sptes;
import org.tdpscope.trace.TraceDiagnostics;
import org.tdpscope.trace.TraceEvent;
import org.tdpscope.trace.TraceReconstruction;

/**
 * {@code tdpscope import}: reads a real KVM MMU trace (tracefs text, {@code trace-cmd report} text,
 * {@code perf script}, a mail-wrapped copy, or a {@code trace.dat} through {@code trace-cmd}),
 * streaming it, and prints what it shows: lanes, inferred roots, page tables and SPTEs, fast zaps;
 * optionally writes a scenario skeleton that replays the faults and zaps of a window of the trace.
 */
final class TraceImport {

    private final PrintStream out;
    private final PrintStream err;

    /** Events an {@code --xmi} file holds at most; a longer trace needs a {@code --window}. */
    static final int MAX_XMI_EVENTS = 1_000_000;

    private Path xmi;
    /** A PNG beside each SVG. */
    private boolean png;

    TraceImport png(boolean on) {
        this.png = on;
        return this;
    }

    /** The option whose output goes to standard output ({@code -}), or null. */
    private String toStdout;
    private OutputStream data = OutputStream.nullOutputStream();

    TraceImport(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Also saves the import as a model run (XMI) at {@code file}: its events, inferred roots and tables. */
    TraceImport xmi(Path file) {
        this.xmi = file;
        return this;
    }

    /** Writes the output of {@code option} ({@code --trace}, {@code --xmi}, {@code --scenario}) to {@code data}. */
    TraceImport toStdout(String option, OutputStream data) {
        this.toStdout = option;
        this.data = data;
        return this;
    }

    /** A window of the trace by line number, A..B with B exclusive; null for the whole trace. */
    record Window(long from, long to) {
        boolean contains(long line) {
            return line >= from && line < to;
        }
    }

    /** Events drawn in an imported timeline at most (a window of the trace draws its own). */
    static final int MAX_DRAWN = 2000;

    int run(Path file, Path scenario, Window window) throws IOException {
        return run(file, scenario, window, null, null);
    }

    /**
     * Imports {@code file}; {@code svgDir} (may be null) gets the timeline of the trace (or of the window)
     * as the simulator's timeline draws a run, one lane per task, and the page tables reconstructed from the
     * whole trace when it showed any; {@code jsonl} (may be null) gets the
     * events the views know in the simulator's JSON Lines trace format.
     */
    int run(Path file, Path scenario, Window window, Path svgDir, Path jsonl) throws IOException {
        boolean stdin = file.toString().equals(Main.STDOUT);
        Path shown = stdin ? Path.of("stdin") : file; // names the outputs and titles
        org.tdpscope.trace.TraceSource source;
        try {
            source = stdin ? org.tdpscope.trace.TraceSource.of(System.in, shown)
                    : org.tdpscope.trace.TraceSource.open(file);
        } catch (IOException e) {
            err.println("tdpscope: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        boolean traceOut = jsonl != null || "--trace".equals(toStdout);
        boolean xmiOut = xmi != null || "--xmi".equals(toStdout);
        boolean scenarioOut = scenario != null || "--scenario".equals(toStdout);
        // with data on standard output, the report goes to standard error
        PrintStream report = toStdout != null ? err : out;
        Skeleton skeleton = scenarioOut ? new Skeleton(window) : null;
        AsRun asRun = svgDir == null && !traceOut && !xmiOut ? null : new AsRun(window);
        if (asRun != null && xmiOut) {
            asRun.all = new ArrayList<>();
        }
        org.tdpscope.trace.TraceTimeline timeline = svgDir == null ? null : new org.tdpscope.trace.TraceTimeline();
        if (asRun != null) {
            asRun.timeline = timeline;
        }
        TraceDiagnostics[] diagHolder = new TraceDiagnostics[1];
        TraceReconstruction[] recHolder = new TraceReconstruction[1];
        long[] windowEvents = { 0, 0, 0 }; // events in the window, the first and the last event's line
        // every file of the import is replaced together, or none (the old ones kept)
        try (org.tdpscope.model.io.AtomicFiles.Batch files = new org.tdpscope.model.io.AtomicFiles.Batch()) {
            org.tdpscope.model.io.AtomicFiles.Content json = o -> {
                java.io.Writer jsonOut = new java.io.BufferedWriter(new java.io.OutputStreamWriter(o,
                        StandardCharsets.UTF_8), 1 << 16);
                jsonOut.write(org.tdpscope.model.io.TraceJsonl.header(shown.getFileName().toString(), "imported",
                        "-"));
                jsonOut.write('\n');
                try {
                    read(source, skeleton, asRun, jsonOut, diagHolder, recHolder, window, windowEvents);
                } catch (java.io.UncheckedIOException x) {
                    throw x.getCause();
                }
                jsonOut.flush();
            };
            if (jsonl != null) {
                files.stage(jsonl, json);
            } else if (traceOut) {
                json.writeTo(data);
            } else {
                read(source, skeleton, asRun, null, diagHolder, recHolder, window, windowEvents);
            }
            finish(source);
            TraceDiagnostics d = diagHolder[0];
            // nothing to import: one line saying why (and the lines that tell it), not a summary of zeros
            if (d.lines() == 0) {
                err.println("tdpscope: " + shown + (source.viaTraceCmd() ? ": trace-cmd report printed nothing for it: "
                        + "not a trace.dat it reads ('trace-cmd report " + shown + "' tells why)" : ": empty, nothing "
                                + "to import"));
                return Main.BAD_INPUT;
            }
            if (d.events() == 0 && d.unparsedLines() > 0) {
                err.println(String.format(Locale.ROOT, "tdpscope: %s: no kvm or kvmmmu event in %,d lines (%,d unparsed): "
                        + "not a trace this reader knows (tracefs, trace-cmd report, perf script text); nothing "
                        + "written", shown, d.lines(), d.unparsedLines()));
                for (TraceDiagnostics.Issue i : first(d.unparsed(), 3)) {
                    err.println("  unparsed line " + i.line() + ": " + i.message() + ": " + i.text());
                }
                return Main.BAD_INPUT;
            }
            print(report, shown, recHolder[0], d);
            if (window != null && window.from() > d.lines()) {
                err.println(String.format(Locale.ROOT, "tdpscope: --window %d..%d starts after the trace's last line "
                        + "(%,d); nothing written", window.from(), window.to(), d.lines()));
                return Main.BAD_INPUT;
            }
            if (window != null && windowEvents[0] == 0) {
                err.println(String.format(Locale.ROOT, "tdpscope: --window %d..%d holds no event (%s); nothing written",
                        window.from(), window.to(), windowEvents[1] == 0 ? "the trace has none" : String.format(
                                Locale.ROOT, "the trace's events are on lines %,d to %,d", windowEvents[1],
                                windowEvents[2])));
                return Main.BAD_INPUT;
            }
            if (window != null) {
                report.println(String.format(Locale.ROOT, "  window: lines %d..%d for the outputs below (the summary above "
                        + "is the whole trace's)", window.from(), window.to()));
            }
            List<String> written = new ArrayList<>();
            if (traceOut) {
                written.add("trace: " + (jsonl == null ? "standard output" : jsonl) + " (" + asRun.converted
                        + " events the views know)");
            }
            byte[] scenarioText = null;
            if (skeleton != null) {
                scenarioText = skeleton.text(shown, recHolder[0]).getBytes(StandardCharsets.UTF_8);
                if (scenario != null) {
                    byte[] text = scenarioText;
                    files.stage(scenario, o -> o.write(text));
                }
                written.add("scenario: " + (scenario == null ? "standard output" : scenario));
            }
            // an earlier import's picture this one has no counterpart for goes once this one is written: a
            // directory of pictures is one import's
            List<Path> stale = new ArrayList<>();
            List<Path> stalePng = new ArrayList<>(); // PNGs beside SVGs written without --png
            if (svgDir != null) {
                String name = shown.getFileName().toString();
                String base = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
                Path svg = svgDir.resolve(base + ".timeline.svg");
                boolean exact = recHolder[0].roots().stream().anyMatch(InferredRoot::exact);
                String title = shown.getFileName() + (window == null ? "" : ", lines " + window.from() + ".."
                        + window.to()) + (asRun.drawn.size() < asRun.converted ? ", first " + asRun.drawn.size()
                                + " events" : "") + (recHolder[0].roots().isEmpty() ? " (imported)"
                                        : exact ? " (imported; roots from root records)" : " (imported; roots inferred)");
                if (asRun.drawn.isEmpty()) { // a timeline of no step is a title and an empty grid
                    written.add("diagram: " + svg + " not drawn: none of the trace's records is one the step "
                            + "timeline draws (faults, SPTE changes, zaps, roots)");
                    stale.add(svg);
                } else {
                    stage(files, svg, org.tdpscope.export.TimelineDiagram.layout(title, asRun.drawn,
                            org.tdpscope.export.Theme.LIGHT), written, "", stalePng);
                }
                // the same events on the trace's own clock: a mark's position is its time
                Path real = svgDir.resolve(base + ".trace-timeline.svg");
                timeline.finish();
                stage(files, real, org.tdpscope.export.TraceTimelineDiagram.layout(shown.getFileName() + (window == null
                        ? "" : ", lines " + window.from() + ".." + window.to()), timeline,
                        org.tdpscope.trace.TraceTimeline.Grouping.TASK, timeline.firstNs(), timeline.lastNs() + 1,
                        org.tdpscope.export.Theme.LIGHT, recHolder[0].roots()), written, " (real time axis)", stalePng);
                // the reconstructed page tables, when the trace showed any: the reconstruction reads every line,
                // so with --window they are still the whole trace's, and the title and the report say so
                if (org.tdpscope.export.PageTableDiagram.hasTraceTables(recHolder[0])) {
                    Path tables = svgDir.resolve(base + ".page-tables.svg");
                    stage(files, tables, org.tdpscope.export.PageTableDiagram.traceLayout(shown.getFileName()
                            + (window == null ? " (imported)" : " (imported; the whole trace's tables, not only lines "
                                    + window.from() + ".." + window.to() + ")"), recHolder[0],
                            org.tdpscope.export.PageTableDiagram.DEFAULT_MAX_TABLES, org.tdpscope.export.Theme.LIGHT),
                            written, window == null ? " (reconstructed page tables)"
                                    : " (reconstructed page tables of the whole trace, not of the window)", stalePng);
                } else {
                    stale.add(svgDir.resolve(base + ".page-tables.svg"));
                }
            }
            org.tdpscope.model.Run run = null;
            if (xmiOut) {
                if (asRun.converted > MAX_XMI_EVENTS) {
                    err.println(String.format(Locale.ROOT, "tdpscope: %s: not written: %,d events is more than an XMI "
                            + "run holds (%,d); choose a part of the trace with --window A..B", xmi == null
                                    ? "--xmi -" : xmi, asRun.converted, MAX_XMI_EVENTS));
                    return Main.BAD_INPUT;
                }
                run = TraceRunProjection.project(shown, recHolder[0], asRun.all, true);
                if (xmi != null) {
                    org.tdpscope.model.Run r = run;
                    files.stage(xmi, o -> org.tdpscope.model.io.RunStore.saveXmi(r, o));
                }
                written.add("run: " + (xmi == null ? "standard output" : xmi) + " (" + asRun.all.size() + " events, "
                        + recHolder[0].roots().size() + " root(s))");
            }
            files.commit();
            List<Path> gone = new ArrayList<>(stalePng);
            for (Path svg : stale) {
                gone.add(svg);
                gone.add(Main.pngBeside(svg));
            }
            for (Path old : gone) {
                try {
                    if (Files.isRegularFile(old) && Files.deleteIfExists(old)) {
                        written.add("removed: " + old + " (an earlier import's; this one has none)");
                    }
                } catch (IOException x) {
                    written.add("kept: " + old + " (an earlier import's; cannot remove it: " + x.getMessage() + ")");
                }
            }
            if ("--scenario".equals(toStdout)) {
                data.write(scenarioText);
            } else if ("--xmi".equals(toStdout)) {
                org.tdpscope.model.io.RunStore.saveXmi(run, data);
            }
            data.flush();
            if (toStdout != null && out.checkError()) {
                return Main.OK; // standard output failed: the command says so, and reports nothing as written
            }
            for (String w : written) {
                report.println(w);
            }
        }
        return Main.OK;
    }

    /** Stages a diagram as SVG, and as PNG beside it with {@link #png}. */
    private void stage(org.tdpscope.model.io.AtomicFiles.Batch files, Path svg, org.tdpscope.export.Scene scene,
            List<String> written, String note, List<Path> stalePng) throws IOException {
        byte[] text = org.tdpscope.export.SvgRenderer.render(scene).getBytes(StandardCharsets.UTF_8);
        files.stage(svg, o -> o.write(text));
        written.add("diagram: " + svg + note);
        Path target = Main.pngBeside(svg);
        if (!png) { // an earlier import's PNG beside this SVG would show another trace
            stalePng.add(target);
        } else {
            byte[] bytes = org.tdpscope.export.PngRenderer.png(scene, 2);
            files.stage(target, o -> o.write(bytes));
            written.add("diagram: " + target + note);
        }
    }

    /** Reads the whole trace into the reconstruction (and the skeleton, and the JSON Lines writer). */
    private static void read(org.tdpscope.trace.TraceSource source, Skeleton skeleton, AsRun asRun,
            java.io.Writer jsonOut, TraceDiagnostics[] diagOut, TraceReconstruction[] recOut, Window window,
            long[] windowEvents) throws IOException {
        try (source; org.tdpscope.trace.EventStream reader = source.events()) {
            TraceDiagnostics diag = reader.diagnostics();
            TraceReconstruction rec = new TraceReconstruction(diag);
            diagOut[0] = diag;
            recOut[0] = rec;
            TraceEvent e;
            if (asRun != null && jsonOut != null) {
                java.io.Writer w = jsonOut;
                StringBuilder line = new StringBuilder(160);
                asRun.sink = s -> {
                    line.setLength(0);
                    org.tdpscope.sim.JsonlTraceWriter.format(s, line);
                    try {
                        w.append(line).append('\n');
                    } catch (IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                };
            }
            while ((e = reader.next()) != null) {
                rec.accept(e);
                long line = e.line();
                if (window == null || window.contains(line)) {
                    windowEvents[0]++;
                }
                if (windowEvents[1] == 0) {
                    windowEvents[1] = line;
                }
                windowEvents[2] = line;
                if (skeleton != null) {
                    skeleton.accept(e, rec);
                }
                if (asRun != null) {
                    asRun.convert(e, rec);
                }
            }
            if (asRun != null) {
                asRun.finish();
            }
        }
    }

    private void finish(org.tdpscope.trace.TraceSource source) {
        try {
            int status = source.waitForReport();
            if (status != 0) {
                err.println("tdpscope: trace-cmd report ended with status " + status);
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
    }

    private static void print(PrintStream out, Path file, TraceReconstruction rec, TraceDiagnostics d) {
        out.println("== " + file.getFileName() + ": " + String.format(Locale.ROOT, "%,d lines, %,d events", d.lines(),
                d.events()));
        out.println("  " + d.summary());
        for (TraceDiagnostics.Issue i : first(d.unparsed(), SHOWN)) {
            out.println("  unparsed line " + i.line() + ": " + i.message() + ": " + i.text());
        }
        more(out, d.unparsedLines(), "unparsed lines");
        for (TraceDiagnostics.Issue i : first(d.unknown(), SHOWN)) {
            out.println("  unknown event at line " + i.line() + ": " + i.text());
        }
        more(out, d.unknownEvents(), "unknown events");
        for (TraceDiagnostics.Issue i : first(d.warnings(), SHOWN)) {
            out.println("  warning at line " + i.line() + ": " + i.message());
        }
        more(out, d.warningCount(), "warnings");
        for (long g : first(d.gapLines(), SHOWN)) {
            out.println("  gap at line " + g + ": records left out of the copy");
        }
        more(out, d.gaps(), "gaps");
        out.println("  events: " + new TreeMap<>(rec.eventCounts()));
        out.println("  lanes (per task):");
        for (Lane l : rec.taskLanes().values()) {
            out.println(String.format(Locale.ROOT, "    %-24s %,9d events  %s .. %s s", l.label(), l.events(),
                    seconds(l.firstNs()), seconds(l.lastNs())));
        }
        out.println("  lanes (per CPU): " + rec.cpuLanes().size());
        out.println("  roots (inferred, since no tracepoint names a root, unless the capture has tdpscope_* root records):");
        for (InferredRoot r : rec.roots()) {
            out.println("    " + r);
        }
        if (rec.roots().isEmpty()) {
            out.println("    none: the trace shows no top-level SPTE and no root record" + (rec.tables().isEmpty() ? ""
                    : " (its tables are under no root seen)"));
        }
        long live = 0;
        long leaves = 0;
        for (PageTable t : rec.tables()) {
            if (t.state() != PageTable.State.ZAPPED) {
                live++;
                for (int i = 0; i < 512; i++) {
                    if (t.traced(i) && Sptes.isPresent(t.spte(i)) && Sptes.isLeaf(t.spte(i), t.level())) {
                        leaves++;
                    }
                }
            }
        }
        out.println(String.format(Locale.ROOT, "  page tables: %,d seen, %,d not zapped, %,d present leaves; %,d SPTE "
                + "changes, %,d installs, %,d frozen writes", rec.tables().size() + rec.retiredTables(), live, leaves,
                rec.spteChanges(), rec.setSptes(), rec.frozenWrites()));
        if (rec.presentBefore() > 0) {
            long[] r = rec.presentBeforeRange();
            out.println(String.format(Locale.ROOT, "  %,d SPTE%s already present when the trace first shows %s (gfn "
                    + "0x%x .. 0x%x, the first at line %d): mapped before the trace began", rec.presentBefore(),
                    rec.presentBefore() == 1 ? "" : "s", rec.presentBefore() == 1 ? "it" : "them", r[0], r[1], r[2]));
        }
        if (rec.spteChanges() + rec.setSptes() > 0) {
            out.println("  " + rec.paging().reading());
        }
        for (TraceReconstruction.FastZap z : rec.fastZaps()) {
            out.println("  fast zap at line " + z.line() + ": mmu_valid_gen " + z.gen() + ", " + z.rootsInvalidated()
                    + " root(s) invalidated");
        }
        // one fault traces a kvm_page_fault and a kvm_mmu_spte_requested when both are enabled: counted apart
        out.println(String.format(Locale.ROOT, "  faults: %,d kvm_page_fault, %,d kvm_mmu_spte_requested, %,d "
                + "fast_page_fault; MMIO SPTEs %,d, huge-page splits %,d, notifier unmaps %,d", rec.pageFaults(),
                rec.spteRequests(), rec.fastPageFaults(), rec.mmioSptes().size(), rec.splitCount(), rec.unmaps()));
    }

    /** Issues of one kind listed in the summary at most; the rest are counted (the JSON Lines trace has none). */
    private static final int SHOWN = 5;

    private static void more(PrintStream out, long total, String what) {
        if (total > SHOWN) {
            out.println(String.format(Locale.ROOT, "  ... and %,d more %s (the first %d are shown)", total - SHOWN, what,
                    SHOWN));
        }
    }

    private static <T> List<T> first(List<T> list, int n) {
        return list.size() <= n ? list : list.subList(0, n);
    }

    private static String seconds(long ns) {
        return ns == Long.MAX_VALUE || ns == Long.MIN_VALUE ? "?" : String.format(Locale.ROOT, "%.6f", ns / 1e9);
    }

    /**
     * Trace records as the simulator's events, so the timeline and the JSON Lines trace read an imported
     * trace as they read a run: one thread per task, a step per event in file order, roots named A, B, ...
     * in the order they were inferred. Records the views have no event for are left out.
     */
    static final class AsRun {
        private final Window window;
        final List<org.tdpscope.sim.TraceEvent> drawn = new ArrayList<>();
        long converted;

        AsRun(Window window) {
            this.window = window;
        }

        /** Every record of the window on its real time axis (for --svg), or null. */
        org.tdpscope.trace.TraceTimeline timeline;

        org.tdpscope.sim.TraceEvent convert(TraceEvent e, TraceReconstruction rec) {
            if (window != null && !window.contains(e.prefix().line())) {
                return null;
            }
            if (timeline != null) {
                timeline.add(e);
            }
            String thread = e.prefix().comm() + "-" + e.prefix().pid();
            String at = String.format(Locale.ROOT, "%.6f s, line %d", e.prefix().timestampNs() / 1e9, e.prefix().line());
            org.tdpscope.sim.TraceEvent s = null;
            if (!(e.payload() instanceof Payload.TdpMmuSpteChanged)) {
                endUnmap(thread, "before " + at);
            }
            while (rootsSeen < rec.roots().size()) { // a root the last record made the importer infer (or named)
                InferredRoot r = rec.roots().get(rootsSeen++);
                String where = r.line() == e.prefix().line() ? at : "line " + r.line() + (window != null
                        && r.line() < window.from() ? " (before the window)" : "");
                // a root a page record announced is named by the alloc record after it: said when it is
                add(new org.tdpscope.sim.TraceEvent(converted + 1, thread, org.tdpscope.sim.EventType.ROOT_CREATE,
                        org.tdpscope.sim.Root.nameOf(r.id()), -1, -1, -1, 0, 0, (r.exact()
                                ? "root (exact: a tdpscope root record), as " : "inferred root, as ") + r.asId() + ", "
                                + where, null));
                if (r.exact()) {
                    exactShown.set(rootsSeen - 1);
                }
            }
            if (rootRecord(e.payload())) { // names, references, invalidations and frees the record showed
                Payload.RootFields fields = e.payload() instanceof Payload.RootAlloc a ? a.root()
                        : e.payload() instanceof Payload.RootNext n ? n.root()
                                : e.payload() instanceof Payload.RootPut u ? u.root() : null;
                InferredRoot named = fields == null || fields.physical() == -1 ? null : rec.exactRoot(fields.physical());
                for (int i = 0; i < rootsSeen; i++) {
                    InferredRoot r = rec.roots().get(i);
                    if (r.exact() && !exactShown.get(i)) {
                        exactShown.set(i);
                        add(new org.tdpscope.sim.TraceEvent(converted + 1, thread, org.tdpscope.sim.EventType.ROOT_GET,
                                org.tdpscope.sim.Root.nameOf(r.id()), r.refcount(), -1, -1, 0, 0, "exact from here: "
                                        + (r.hpa() == -1 ? "" : "hpa 0x" + Long.toHexString(r.hpa()) + ", ")
                                        + "named by a tdpscope root record, " + at, null));
                    } else if (r == named && fields.count() != null) { // a reference taken or dropped, with its count
                        add(new org.tdpscope.sim.TraceEvent(converted + 1, thread, e.payload() instanceof Payload.RootPut
                                ? org.tdpscope.sim.EventType.ROOT_PUT : org.tdpscope.sim.EventType.ROOT_GET,
                                org.tdpscope.sim.Root.nameOf(r.id()), r.refcount(), -1, -1, 0, 0, e.name() + " count "
                                        + fields.count() + ", " + at, null));
                    }
                    if (r.invalidatedLine() != 0 && !invalidShown.get(i)) {
                        invalidShown.set(i);
                        add(new org.tdpscope.sim.TraceEvent(converted + 1, thread,
                                org.tdpscope.sim.EventType.ROOT_INVALIDATE, org.tdpscope.sim.Root.nameOf(r.id()), -1,
                                -1, -1, 0, 0, (r.exact() ? "" : "inferred: ") + "invalidated, " + at, null));
                    }
                    if (r.freed() && !freedShown.get(i)) {
                        freedShown.set(i);
                        add(new org.tdpscope.sim.TraceEvent(converted + 1, thread, org.tdpscope.sim.EventType.ROOT_FREE,
                                org.tdpscope.sim.Root.nameOf(r.id()), -1, -1, -1, 0, 0, "freed, " + at, null));
                    }
                }
            }
            long step = converted + 1;
            if (e.payload() instanceof Payload.TdpMmuSpteChanged c) {
                // the root this change was given to as it was applied; a lookup by gfn now could find a newer root
                String root = rootName(rec.lastChangedTable());
                boolean present = Sptes.isPresent(c.newSpte());
                s = new org.tdpscope.sim.TraceEvent(step, thread, present ? org.tdpscope.sim.EventType.SPTE_SET
                        : org.tdpscope.sim.EventType.SPTE_ZAP, root, -1, c.gfn(), c.level(), c.oldSpte(), c.newSpte(),
                        at, null);
            } else if (e.payload() instanceof Payload.MmuSpteRequested q) {
                s = new org.tdpscope.sim.TraceEvent(step, thread, org.tdpscope.sim.EventType.FAULT, null, -1, q.gfn(),
                        q.level(), 0, 0, "kvm_mmu_spte_requested pfn 0x" + Long.toHexString(q.pfn()) + ", " + at, null);
            } else if (e.payload() instanceof Payload.MmuZapAllFast z) {
                s = new org.tdpscope.sim.TraceEvent(step, thread, org.tdpscope.sim.EventType.VCPU_RELOAD_REQUEST,
                        null, -1, -1, -1, 0, 0, "kvm_mmu_zap_all_fast, mmu_valid_gen " + z.gen() + ", " + at, null);
            } else if (e.payload() instanceof Payload.KvmUnmapHvaRange u) {
                s = new org.tdpscope.sim.TraceEvent(step, thread, org.tdpscope.sim.EventType.WALK_START, null, -1, -1,
                        -1, 0, 0, "mmu notifier unmap hva 0x" + Long.toHexString(u.start()) + "..0x"
                                + Long.toHexString(u.end()) + ", " + at, null);
                unmapping.add(thread);
            }
            if (s != null) {
                add(s);
            }
            return s;
        }

        private int rootsSeen;
        /** Tasks in an mmu_notifier unmap: its SPTE changes follow it, the task's next other record ends it. */
        private final java.util.Set<String> unmapping = new java.util.LinkedHashSet<>();

        private void endUnmap(String thread, String at) {
            if (unmapping.remove(thread)) {
                add(new org.tdpscope.sim.TraceEvent(converted + 1, thread, org.tdpscope.sim.EventType.WALK_END, null,
                        -1, -1, -1, 0, 0, "mmu notifier unmap done, " + at, null));
            }
        }

        /** Ends what the last records left open (an unmap at the end of the trace or window). */
        void finish() {
            for (String t : List.copyOf(unmapping)) {
                endUnmap(t, "at the end");
            }
        }
        /** Where each converted event also goes (the JSON Lines file), or nowhere. */
        java.util.function.Consumer<org.tdpscope.sim.TraceEvent> sink = s -> { };

        /** Every converted event, for --xmi (null when not asked; at most MAX_XMI_EVENTS + 1 kept). */
        List<org.tdpscope.sim.TraceEvent> all;

        private void add(org.tdpscope.sim.TraceEvent s) {
            sink.accept(s);
            converted++;
            if (all != null && all.size() <= MAX_XMI_EVENTS) {
                all.add(s);
            }
            if (drawn.size() < MAX_DRAWN) {
                drawn.add(s);
            }
        }

        private final java.util.BitSet invalidShown = new java.util.BitSet();
        private final java.util.BitSet exactShown = new java.util.BitSet();
        private final java.util.BitSet freedShown = new java.util.BitSet();

        /** Records that can invalidate or free a root: a fast zap, and the capture recipe's root records. */
        private static boolean rootRecord(Payload p) {
            return p instanceof Payload.MmuZapAllFast || p instanceof Payload.RootAlloc || p instanceof Payload.RootNext
                    || p instanceof Payload.RootPut || p instanceof Payload.RootZap
                    || p instanceof Payload.RootsInvalidate || p instanceof Payload.RootsZapInvalidated
                    || p instanceof Payload.RootLoad;
        }

        /** The name of the root whose tree holds {@code t}, or null when the trace does not tell. */
        private static String rootName(PageTable t) {
            InferredRoot r = t == null ? null : t.treeRoot();
            return r == null ? null : org.tdpscope.sim.Root.nameOf(r.id());
        }
    }

    /**
     * The faults, fast zaps, mmu_notifier unmaps and other zaps of a window of the trace, in trace order, as a
     * scenario: one vCPU per task that faults, a memslot around the gfns faulted, an explicit schedule. A fault
     * is read from {@code kvm_page_fault} (the gfn and the access its error code gives), else from
     * {@code kvm_mmu_spte_requested} or {@code kvm_mmu_set_spte}; the records of one fault make one step. An
     * unmap's gfns come from the SPTEs its task zapped right after it (the trace gives host addresses). What a
     * trace cannot tell is said in the file.
     */
    static final class Skeleton {
        private final Window window;
        private final Map<String, Task> tasks = new LinkedHashMap<>();
        private final List<Step> steps = new ArrayList<>();
        private final TreeSet<Long> gfns = new TreeSet<>();
        private final List<String> guesses = new ArrayList<>();
        private int zaps;
        private int unmaps;
        private int unmapsWithoutZap;
        private int otherZaps;
        private int vcpuCount;
        private int maxLevel;
        private long lastLine;

        /** A step of the schedule: its thread, its operation, and where in the trace it came from. */
        private static final class Step {
            final String thread;
            String op;
            final String why;
            /** kvm_page_fault's error code, its access read when the trace's paging is known. */
            long errorCode;
            boolean accessPending;

            Step(String thread, String op, String why) {
                this.thread = thread;
                this.op = op;
                this.why = why;
            }
        }

        /** What one task is in the middle of, as its records arrive. */
        private static final class Task {
            String vcpu; // its vCPU thread, once it faulted
            Step fault; // the fault under way: its records after the first belong to it
            long faultGfn = -1;
            Step range; // an unmap or a zap whose SPTE changes are being gathered
            long lo = Long.MAX_VALUE;
            long hi = -1;
            boolean unmap;
            int smmChanges;
            int defaultChanges;
        }

        Skeleton(Window window) {
            this.window = window;
        }

        void accept(TraceEvent e, TraceReconstruction rec) {
            long line = e.prefix().line();
            if (window != null && !window.contains(line)) {
                return;
            }
            lastLine = line;
            String name = e.prefix().comm() + "-" + e.prefix().pid();
            Task t = tasks.computeIfAbsent(name, k -> new Task());
            Payload p = e.payload();
            // what ends a fault, an unmap's or a zap's run of SPTE changes: the vCPU entering or leaving the guest,
            // the next fault, another invalidation (the MMU's own records in between, a page zapped, do not)
            boolean fence = p instanceof Payload.KvmEntry || p instanceof Payload.KvmExit
                    || p instanceof Payload.KvmNestedVmexit || p instanceof Payload.KvmUserspaceExit
                    || p instanceof Payload.KvmPageFault || p instanceof Payload.KvmUnmapHvaRange
                    || p instanceof Payload.MmuZapAllFast;
            if (fence || p instanceof Payload.MmuSpteRequested || p instanceof Payload.MmuSetSpte) {
                closeRange(t);
            }
            if (fence) {
                t.fault = null;
            }
            if (p instanceof Payload.KvmPageFault f) {
                long ec = f.errorCode();
                // VMX traces the EPT violation's exit qualification, SVM the #NPF error code: which one is known
                // once the trace showed its paging (a fault comes before the tables it makes), so read at the end
                startFault(t, f.address() >>> 12, "", "line " + line + ": kvm_page_fault error_code 0x"
                        + Long.toHexString(ec));
                t.fault.errorCode = ec;
                t.fault.accessPending = true;
            } else if (p instanceof Payload.MmuSpteRequested q) {
                if (!partOfFault(t, q.gfn(), q.level())) {
                    startFault(t, q.gfn(), "write", "line " + line + ": kvm_mmu_spte_requested (access not traced)");
                    guess("the access of a fault traced without kvm_page_fault (write)");
                }
                t.faultGfn = q.gfn();
                maxLevel = Math.max(maxLevel, q.level());
            } else if (p instanceof Payload.MmuSetSpte s && s.level() >= 1) {
                if (!partOfFault(t, s.gfn(), s.level())) {
                    startFault(t, s.gfn(), s.writable() ? "write" : s.executable() ? "exec" : "read",
                            "line " + line + ": kvm_mmu_set_spte (access from the SPTE's permissions)");
                    guess("the access of a fault traced only by its kvm_mmu_set_spte (from the SPTE's permissions)");
                }
                maxLevel = Math.max(maxLevel, s.level());
                t.fault = null; // the install ends the fault
                t.faultGfn = -1;
            } else if (p instanceof Payload.MmuZapAllFast) {
                zaps++;
                steps.add(new Step("Z", "fast zap", "line " + line + ": kvm_mmu_zap_all_fast"));
            } else if (p instanceof Payload.KvmUnmapHvaRange u) {
                unmaps++;
                t.unmap = true;
                t.range = new Step("N", null, "line " + line + ": mmu notifier unmap hva 0x" + Long.toHexString(u.start())
                        + "..0x" + Long.toHexString(u.end()) + " (gfns from the SPTEs it zapped)");
                steps.add(t.range);
            } else if (p instanceof Payload.TdpMmuSpteChanged c) {
                changed(t, c, rec, line);
            }
        }

        private void changed(Task t, Payload.TdpMmuSpteChanged c, TraceReconstruction rec, long line) {
            if (c.asId() == 1) { // the address space of the task's changes says its vCPU's role
                t.smmChanges++;
            } else {
                t.defaultChanges++;
            }
            if (!Sptes.isPresent(c.oldSpte()) && Sptes.isPresent(c.newSpte()) && Sptes.isLeaf(c.newSpte(), c.level())) {
                maxLevel = Math.max(maxLevel, c.level()); // a leaf installed: its size, as set_spte would say
            }
            boolean zap = Sptes.isPresent(c.oldSpte()) && !Sptes.isPresent(c.newSpte()) && !Sptes.isFrozen(c.newSpte());
            if (!zap || t.fault != null) {
                if (Sptes.isPresent(c.newSpte()) && t.range != null && !t.unmap) {
                    closeRange(t); // an install ends a run of zaps
                }
                return; // a fault's own changes, an install, a frozen marker of a removed table
            }
            PageTable table = rec.lastChangedTable();
            InferredRoot root = table == null ? null : table.treeRoot();
            if (t.range == null && root != null && root.invalidatedLine() != 0) {
                return; // the teardown of a root a fast zap invalidated: the fast zap's step does it
            }
            if (t.range == null) {
                otherZaps++;
                t.unmap = false;
                t.range = new Step("K", null, "line " + line + ": SPTEs zapped with no cause traced");
                steps.add(t.range);
            }
            long base = c.gfn() & -Sptes.span(c.level());
            t.lo = Math.min(t.lo, base);
            t.hi = Math.max(t.hi, base + Sptes.span(c.level()));
        }

        /** Ends the unmap or zap {@code t} was gathering: its step gets the gfns, or goes if none was zapped. */
        private void closeRange(Task t) {
            Step r = t.range;
            if (r == null) {
                return;
            }
            t.range = null;
            if (t.hi < 0) {
                steps.remove(r);
                unmapsWithoutZap++;
            } else {
                r.op = (t.unmap ? "notifier unmap" : "zap") + " gfn 0x" + Long.toHexString(t.lo) + " .. 0x"
                        + Long.toHexString(t.hi);
            }
            t.lo = Long.MAX_VALUE;
            t.hi = -1;
        }

        /** Whether a record of {@code gfn} at {@code level} belongs to the fault {@code t} has under way. */
        private static boolean partOfFault(Task t, long gfn, int level) {
            return t.fault != null && level >= 1 && level <= 5
                    && (t.faultGfn & -Sptes.span(level)) == (gfn & -Sptes.span(level));
        }

        private void startFault(Task t, long gfn, String access, String why) {
            if (t.vcpu == null) {
                t.vcpu = "v" + vcpuCount++;
                // the vCPU loads its root when it first shows up, not before: after a fast zap it gets the new one
                steps.add(new Step(t.vcpu, "load root", why.substring(0, why.indexOf(':')) + ": the task's first fault"
                        + (window == null ? "" : " in the window")));
            }
            gfns.add(gfn);
            t.fault = new Step(t.vcpu, "fault gfn 0x" + Long.toHexString(gfn) + " " + access, why);
            t.faultGfn = gfn;
            steps.add(t.fault);
        }

        private void guess(String what) {
            if (!guesses.contains(what)) {
                guesses.add(what);
            }
        }

        String text(Path source, TraceReconstruction rec) {
            for (Task t : tasks.values()) {
                closeRange(t);
            }
            org.tdpscope.trace.Paging paging = rec.paging().paging();
            org.tdpscope.trace.Paging readAs = rec.paging().readAs();
            for (Step s : steps) {
                if (s.accessPending) {
                    s.op = s.op + readAs.access(s.errorCode);
                    s.accessPending = false;
                }
            }
            StringBuilder sb = new StringBuilder();
            sb.append("// Imported from ").append(source.getFileName()).append(window == null ? ""
                    : ", lines " + window.from() + ".." + window.to()).append(" by tdpscope import.\n");
            sb.append("// The trace: ").append(rec.roots().size()).append(" root(s) ")
                    .append(rec.roots().stream().anyMatch(InferredRoot::exact) ? "(exact or inferred)" : "inferred")
                    .append(", ").append(zaps).append(" fast zap(s), ").append(unmaps)
                    .append(" mmu_notifier unmap(s)").append(otherZaps > 0 ? ", " + otherZaps + " other zap(s)" : "")
                    .append(window == null ? "" : " in the window").append(", last line ").append(lastLine).append(".\n");
            if (paging == org.tdpscope.trace.Paging.EPT) {
                sb.append("// The host's paging: Intel EPT (").append(rec.paging().clue()).append(").\n");
            }
            sb.append("// Not in the trace, so guessed or left out:\n");
            sb.append("//   - the memslot: one slot around the gfns faulted");
            long span = maxLevel >= 2 ? Sptes.span(Math.min(maxLevel, 3)) : 512;
            if (maxLevel >= 2) {
                sb.append(", aligned for the trace's level-").append(maxLevel).append(" installs\n");
            } else if (maxLevel == 1) {
                sb.append("; dirty-logging only so the simulator maps 4K leaves, as the trace's installs\n");
            } else {
                sb.append("; the trace shows no install, so no leaf size\n");
            }
            if (paging == org.tdpscope.trace.Paging.NPT) {
                sb.append("//   - the host's paging: the trace is from AMD NPT (").append(rec.paging().clue())
                        .append(");\n//     the simulator models Intel EPT's SPTE bits; the roots, tables and their "
                                + "order carry over\n");
            } else if (paging == null && !steps.isEmpty()) {
                String why = rec.paging().reading(); // "SPTE bits read as Intel EPT, assumed: <why>"
                sb.append("//   - the host's paging (").append(why.substring(why.indexOf("assumed: ") + 9))
                        .append("): a fault's access read as on Intel EPT\n");
            }
            if (rec.presentBefore() > 0) {
                long[] r = rec.presentBeforeRange();
                sb.append(String.format(Locale.ROOT, "//   - what was mapped before the trace began: %,d SPTE%s already "
                        + "present when it first shows them\n//     (gfn 0x%x .. 0x%x, the first at line %d); the "
                        + "scenario starts from empty roots\n", rec.presentBefore(), rec.presentBefore() == 1 ? " was"
                                : "s were", r[0], r[1], r[2]));
            }
            sb.append("//   - which root each fault used, the kernel era (set it with 'kernel ...'), and the walks\n");
            sb.append("//     a trace does not show (no tracepoint names a root or a walk)\n");
            for (String g : guesses) {
                sb.append("//   - ").append(g).append('\n');
            }
            if (rec.shadowPages() > 0) { // shadow paging faults on guest virtual addresses, TDP on guest physical
                sb.append("//   - the trace shows shadow (not TDP) pages: a fault's address may be a guest virtual one, "
                        + "read here as a gfn\n");
            }
            if (unmapsWithoutZap > 0) {
                sb.append("//   - ").append(unmapsWithoutZap).append(" unmap(s) that zapped no traced SPTE (left out)\n");
            }
            if (otherZaps > 0) {
                sb.append("//   - why the SPTEs of walker K were zapped (a memslot change, a zap from userspace?): the\n")
                        .append("//     trace shows the zaps, not their cause\n");
            }
            List<String> smm = new ArrayList<>();
            for (Task t : tasks.values()) {
                if (t.vcpu != null && t.smmChanges > 0 && t.defaultChanges == 0) {
                    smm.add(t.vcpu);
                } else if (t.vcpu != null && t.smmChanges > 0) {
                    sb.append("//   - ").append(t.vcpu).append(" changed SPTEs in both address spaces: role default kept\n");
                }
            }
            sb.append("scenario \"imported: ").append(source.getFileName().toString().replace("\"", "'")).append("\" {\n");
            sb.append("  vm {\n");
            boolean fiveLevel = rec.roots().stream().anyMatch(r -> r.level() == 5);
            long lo = gfns.isEmpty() ? 0 : gfns.first() & -span;
            long hi = gfns.isEmpty() ? span : (gfns.last() & -span) + span;
            sb.append("    memslot 0: gfn 0x").append(Long.toHexString(lo)).append(" .. 0x").append(Long.toHexString(hi))
                    .append(maxLevel == 1 ? " dirty-logging" : "").append('\n');
            if (fiveLevel) {
                sb.append("    tdp 5-level   // the trace's roots are level-5 tables\n");
            }
            List<String> vcpus = new ArrayList<>();
            for (Task t : tasks.values()) {
                if (t.vcpu != null) {
                    vcpus.add(t.vcpu);
                }
            }
            for (String v : vcpus) {
                sb.append("    vcpu ").append(v).append(smm.contains(v) ? " role smm   // its SPTE changes are in as id 1"
                        : " role default").append('\n');
            }
            if (vcpus.isEmpty()) {
                sb.append("    vcpu v0 role default   // the ").append(window == null ? "trace" : "window")
                        .append(" shows no fault\n");
            }
            sb.append("  }\n  threads {\n");
            Map<String, List<String>> programs = new LinkedHashMap<>();
            for (Step s : steps) {
                programs.computeIfAbsent(s.thread, k -> new ArrayList<>()).add(s.op);
            }
            for (Map.Entry<String, List<String>> p : programs.entrySet()) {
                String kind = p.getKey().equals("Z") ? "invalidator" : p.getKey().equals("N") || p.getKey().equals("K")
                        ? "walker" : "vcpu";
                sb.append("    ").append(kind).append(' ').append(p.getKey()).append(": ")
                        .append(String.join("; ", p.getValue())).append('\n');
            }
            sb.append("  }\n  schedule {\n");
            for (Step s : steps) {
                sb.append("    ").append(s.thread).append(" 1 op   // ").append(s.op).append(", ").append(s.why)
                        .append('\n');
            }
            sb.append("  }\n}\n");
            return sb.toString();
        }
    }
}
