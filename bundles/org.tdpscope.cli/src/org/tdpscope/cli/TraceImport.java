/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.IOException;
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

    TraceImport(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Also saves the import as a model run (XMI) at {@code file}: its events, inferred roots and tables. */
    TraceImport xmi(Path file) {
        this.xmi = file;
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
     * as the simulator's timeline draws a run, one lane per task; {@code jsonl} (may be null) gets the
     * events the views know in the simulator's JSON Lines trace format.
     */
    int run(Path file, Path scenario, Window window, Path svgDir, Path jsonl) throws IOException {
        if (!Files.isRegularFile(file)) {
            err.println("tdpscope: " + file + ": no such file");
            return Main.BAD_INPUT;
        }
        org.tdpscope.trace.TraceSource source;
        try {
            source = org.tdpscope.trace.TraceSource.open(file);
        } catch (IOException e) {
            err.println("tdpscope: " + e.getMessage());
            return Main.BAD_INPUT;
        }
        Skeleton skeleton = scenario == null ? null : new Skeleton(window);
        AsRun asRun = svgDir == null && jsonl == null && xmi == null ? null : new AsRun(window);
        if (asRun != null && xmi != null) {
            asRun.all = new ArrayList<>();
        }
        org.tdpscope.trace.TraceTimeline timeline = svgDir == null ? null : new org.tdpscope.trace.TraceTimeline();
        if (asRun != null) {
            asRun.timeline = timeline;
        }
        TraceDiagnostics[] diagHolder = new TraceDiagnostics[1];
        TraceReconstruction[] recHolder = new TraceReconstruction[1];
        // every file of the import is replaced together, or none (the old ones kept)
        try (org.tdpscope.model.io.AtomicFiles.Batch files = new org.tdpscope.model.io.AtomicFiles.Batch()) {
            if (jsonl != null) {
                files.stage(jsonl, o -> {
                    java.io.Writer jsonOut = new java.io.BufferedWriter(new java.io.OutputStreamWriter(o,
                            StandardCharsets.UTF_8), 1 << 16);
                    jsonOut.write(org.tdpscope.model.io.TraceJsonl.header(file.getFileName().toString(), "imported",
                            "-"));
                    jsonOut.write('\n');
                    try {
                        read(source, skeleton, asRun, jsonOut, diagHolder, recHolder);
                    } catch (java.io.UncheckedIOException x) {
                        throw x.getCause();
                    }
                    jsonOut.flush();
                });
            } else {
                read(source, skeleton, asRun, null, diagHolder, recHolder);
            }
            finish(source);
            print(file, recHolder[0], diagHolder[0]);
            List<String> written = new ArrayList<>();
            if (jsonl != null) {
                written.add("trace: " + jsonl + " (" + asRun.converted + " events the views know)");
            }
            if (skeleton != null) {
                byte[] text = skeleton.text(file, recHolder[0]).getBytes(StandardCharsets.UTF_8);
                files.stage(scenario, o -> o.write(text));
                written.add("scenario: " + scenario);
            }
            if (svgDir != null) {
                String name = file.getFileName().toString();
                String base = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
                Path svg = svgDir.resolve(base + ".timeline.svg");
                String title = file.getFileName() + (window == null ? "" : ", lines " + window.from() + ".."
                        + window.to()) + (asRun.drawn.size() < asRun.converted ? ", first " + asRun.drawn.size()
                                + " events" : "") + " (imported; roots inferred)";
                byte[] text = org.tdpscope.export.SvgRenderer.render(org.tdpscope.export.TimelineDiagram.layout(
                        title, asRun.drawn, org.tdpscope.export.Theme.LIGHT)).getBytes(StandardCharsets.UTF_8);
                files.stage(svg, o -> o.write(text));
                written.add("diagram: " + svg);
                // the same events on the trace's own clock: a mark's position is its time
                Path real = svgDir.resolve(base + ".trace-timeline.svg");
                timeline.finish();
                byte[] realText = org.tdpscope.export.SvgRenderer.render(org.tdpscope.export.TraceTimelineDiagram
                        .layout(file.getFileName() + (window == null ? "" : ", lines " + window.from() + ".."
                                + window.to()), timeline, org.tdpscope.trace.TraceTimeline.Grouping.TASK, timeline
                                        .firstNs(), timeline.lastNs() + 1, org.tdpscope.export.Theme.LIGHT))
                        .getBytes(StandardCharsets.UTF_8);
                files.stage(real, o -> o.write(realText));
                written.add("diagram: " + real + " (real time axis)");
            }
            if (xmi != null) {
                if (asRun.converted > MAX_XMI_EVENTS) {
                    err.println(String.format(Locale.ROOT, "tdpscope: %s: not written: %,d events is more than an XMI "
                            + "run holds (%,d); choose a part of the trace with --window A..B", xmi, asRun.converted,
                            MAX_XMI_EVENTS));
                    return Main.BAD_INPUT;
                }
                org.tdpscope.model.Run run = TraceRunProjection.project(file, recHolder[0], asRun.all, true);
                files.stage(xmi, o -> org.tdpscope.model.io.RunStore.saveXmi(run, o));
                written.add("run: " + xmi + " (" + asRun.all.size() + " events, " + recHolder[0].roots().size()
                        + " root(s))");
            }
            files.commit();
            for (String w : written) {
                out.println(w);
            }
        }
        return Main.OK;
    }

    /** Reads the whole trace into the reconstruction (and the skeleton, and the JSON Lines writer). */
    private static void read(org.tdpscope.trace.TraceSource source, Skeleton skeleton, AsRun asRun,
            java.io.Writer jsonOut, TraceDiagnostics[] diagOut, TraceReconstruction[] recOut) throws IOException {
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
                if (skeleton != null) {
                    skeleton.accept(e);
                }
                if (asRun != null) {
                    asRun.convert(e, rec);
                }
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

    private void print(Path file, TraceReconstruction rec, TraceDiagnostics d) {
        out.println("== " + file.getFileName() + ": " + String.format(Locale.ROOT, "%,d lines, %,d events", d.lines(),
                d.events()));
        out.println("  " + d.summary());
        for (TraceDiagnostics.Issue i : first(d.unparsed(), 5)) {
            out.println("  unparsed line " + i.line() + ": " + i.message() + ": " + i.text());
        }
        for (TraceDiagnostics.Issue i : first(d.unknown(), 5)) {
            out.println("  unknown event at line " + i.line() + ": " + i.text());
        }
        for (TraceDiagnostics.Issue i : first(d.warnings(), 5)) {
            out.println("  warning at line " + i.line() + ": " + i.message());
        }
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
        for (TraceReconstruction.FastZap z : rec.fastZaps()) {
            out.println("  fast zap at line " + z.line() + ": mmu_valid_gen " + z.gen() + ", " + z.rootsInvalidated()
                    + " root(s) invalidated");
        }
        out.println(String.format(Locale.ROOT, "  faults %,d, fast page faults %,d, MMIO SPTEs %,d, huge-page splits %,d"
                + ", notifier unmaps %,d", rec.pageFaults() + rec.spteRequests(), rec.fastPageFaults(),
                rec.mmioSptes().size(), rec.splitCount(), rec.unmaps()));
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
            while (rootsSeen < rec.roots().size()) { // a root the last record made the importer infer
                InferredRoot r = rec.roots().get(rootsSeen++);
                add(new org.tdpscope.sim.TraceEvent(converted + 1, thread, org.tdpscope.sim.EventType.ROOT_CREATE,
                        org.tdpscope.sim.Root.nameOf(r.id()), -1, -1, -1, 0, 0, "inferred root, as " + r.asId() + ", "
                                + at, null));
            }
            long step = converted + 1;
            if (e.payload() instanceof Payload.TdpMmuSpteChanged c) {
                String root = rootOf(rec, c.asId(), c.gfn(), c.level());
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
            }
            if (s != null) {
                add(s);
            }
            return s;
        }

        private int rootsSeen;
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

        /** The name of the inferred root whose tree holds the SPTE, or null when the trace does not tell. */
        private static String rootOf(TraceReconstruction rec, int as, long gfn, int level) {
            TraceReconstruction.SpteRef ref = rec.spte(as, gfn, level);
            PageTable t = ref == null ? null : ref.table();
            for (int guard = 0; t != null && guard < 8; guard++) {
                if (t.root() != null) {
                    return org.tdpscope.sim.Root.nameOf(t.root().id());
                }
                t = t.parent();
            }
            return null;
        }
    }

    /**
     * The faults and fast zaps of a window of the trace, in trace order, as a scenario: one vCPU per
     * vCPU task, a memslot around the gfns touched, an explicit schedule. What a trace cannot tell
     * (roles beyond the address space, memslot bounds, which root a fault used) is said in the file.
     */
    static final class Skeleton {
        private final Window window;
        private final Map<String, String> vcpus = new LinkedHashMap<>();
        private final List<String[]> steps = new ArrayList<>(); // thread, op
        private final TreeSet<Long> gfns = new TreeSet<>();
        private boolean smm;
        private int zaps;
        private long lastLine;

        Skeleton(Window window) {
            this.window = window;
        }

        void accept(TraceEvent e) {
            long line = e.prefix().line();
            if (window != null && !window.contains(line)) {
                return;
            }
            lastLine = line;
            String task = e.prefix().comm() + "-" + e.prefix().pid();
            if (e.payload() instanceof Payload.MmuSetSpte s && s.level() >= 1) {
                String v = vcpus.computeIfAbsent(task, t -> "v" + vcpus.size());
                gfns.add(s.gfn());
                steps.add(new String[] { v, "fault gfn 0x" + Long.toHexString(s.gfn()) + (s.writable() ? " write"
                        : s.executable() ? " exec" : " read") });
            } else if (e.payload() instanceof Payload.MmuZapAllFast) {
                zaps++;
                steps.add(new String[] { "Z", "fast zap" });
            } else if (e.payload() instanceof Payload.TdpMmuSpteChanged c && c.asId() == 1) {
                smm = true;
            }
        }

        String text(Path source, TraceReconstruction rec) {
            StringBuilder sb = new StringBuilder();
            sb.append("// Imported from ").append(source.getFileName()).append(window == null ? ""
                    : ", lines " + window.from() + ".." + window.to()).append(" by tdpscope import.\n");
            sb.append("// Not in the trace, so guessed: the memslot (one slot around the gfns faulted), the vCPUs' roles\n");
            sb.append("// (default; the trace shows ").append(smm ? "SMM SPTEs too" : "no SMM SPTE")
                    .append("), which root each fault used, the kernel era\n");
            sb.append("// (set it with 'kernel ...'), and every walker: a trace names no root and no walk.\n");
            sb.append("scenario \"imported: ").append(source.getFileName().toString().replace("\"", "'")).append("\" {\n");
            sb.append("  vm {\n");
            long lo = gfns.isEmpty() ? 0 : gfns.first() & ~0x1ffL;
            long hi = gfns.isEmpty() ? 0x200 : (gfns.last() | 0x1ffL) + 1;
            sb.append("    memslot 0: gfn 0x").append(Long.toHexString(lo)).append(" .. 0x").append(Long.toHexString(hi))
                    .append(" dirty-logging   // 4K leaves, as the trace's installs\n");
            for (String v : vcpus.values()) {
                sb.append("    vcpu ").append(v).append(" role default\n");
            }
            if (vcpus.isEmpty()) {
                sb.append("    vcpu v0 role default   // the window shows no fault\n");
            }
            sb.append("  }\n  threads {\n");
            Map<String, List<String>> programs = new LinkedHashMap<>();
            for (String v : vcpus.values()) {
                programs.put(v, new ArrayList<>(List.of("load root")));
            }
            for (String[] s : steps) {
                programs.computeIfAbsent(s[0], k -> new ArrayList<>()).add(s[1]);
            }
            for (Map.Entry<String, List<String>> p : programs.entrySet()) {
                if (p.getKey().equals("Z")) {
                    sb.append("    invalidator Z: ").append(String.join("; ", p.getValue())).append('\n');
                } else {
                    sb.append("    vcpu ").append(p.getKey()).append(": ").append(String.join("; ", p.getValue()))
                            .append('\n');
                }
            }
            sb.append("  }\n  schedule {\n");
            for (String v : vcpus.values()) {
                sb.append("    ").append(v).append(" 1 op   // load root\n");
            }
            for (String[] s : steps) {
                sb.append("    ").append(s[0]).append(" 1 op   // ").append(s[1]).append('\n');
            }
            sb.append("  }\n");
            sb.append("  // the trace: ").append(rec.roots().size()).append(" root(s) inferred, ").append(zaps)
                    .append(" fast zap(s) in the window, last line ").append(lastLine).append('\n');
            sb.append("}\n");
            return sb.toString();
        }
    }
}
