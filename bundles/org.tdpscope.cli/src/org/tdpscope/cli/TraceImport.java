/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import org.tdpscope.trace.TraceReader;
import org.tdpscope.trace.TraceReconstruction;

/**
 * {@code tdpscope import}: reads a real KVM MMU trace (tracefs text, {@code trace-cmd report} text,
 * {@code perf script}, a mail-wrapped copy, or a {@code trace.dat} through {@code trace-cmd}),
 * streaming it, and prints what it shows: lanes, inferred roots, page tables and SPTEs, fast zaps;
 * optionally writes a scenario skeleton that replays the faults and zaps of a window of the trace.
 */
final class TraceImport {

    /** The first bytes of a binary {@code trace.dat}. */
    private static final byte[] DAT_MAGIC = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

    private final PrintStream out;
    private final PrintStream err;

    TraceImport(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
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
        Process report = null;
        InputStream in;
        if (isTraceDat(file)) {
            report = traceCmdReport(file);
            if (report == null) {
                return Main.BAD_INPUT;
            }
            in = report.getInputStream();
        } else {
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        }
        TraceDiagnostics diag;
        TraceReconstruction rec;
        Skeleton skeleton = scenario == null ? null : new Skeleton(window);
        AsRun asRun = svgDir == null && jsonl == null ? null : new AsRun(window);
        java.io.Writer jsonOut = null;
        Path jsonTmp = null;
        if (jsonl != null) {
            Path dir = jsonl.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            jsonTmp = Files.createTempFile(dir, "." + jsonl.getFileName(), ".tmp");
            jsonOut = Files.newBufferedWriter(jsonTmp, StandardCharsets.UTF_8);
            jsonOut.write(org.tdpscope.model.io.TraceJsonl.header(file.getFileName().toString(), "imported", "-"));
            jsonOut.write('\n');
        }
        try (TraceReader reader = TraceReader.of(in)) {
            diag = reader.diagnostics();
            rec = new TraceReconstruction(diag);
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
            if (jsonOut != null) {
                jsonOut.close();
                Files.move(jsonTmp, jsonl, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                jsonTmp = null;
            }
        } finally {
            if (jsonTmp != null) {
                try {
                    jsonOut.close();
                } catch (IOException ignored) {
                    // already failing
                }
                Files.deleteIfExists(jsonTmp);
            }
        }
        if (report != null) {
            try {
                if (report.waitFor() != 0) {
                    err.println("tdpscope: trace-cmd report ended with status " + report.exitValue());
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
        }
        print(file, rec, diag);
        if (skeleton != null) {
            Main.writeText(scenario, skeleton.text(file, rec));
            out.println("scenario: " + scenario);
        }
        if (jsonl != null) {
            out.println("trace: " + jsonl + " (" + asRun.converted + " events the views know)");
        }
        if (svgDir != null) {
            String name = file.getFileName().toString();
            String base = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
            Path svg = svgDir.resolve(base + ".timeline.svg");
            String title = file.getFileName() + (window == null ? "" : ", lines " + window.from() + ".." + window.to())
                    + (asRun.drawn.size() < asRun.converted ? ", first " + asRun.drawn.size() + " events" : "")
                    + " (imported; roots inferred)";
            Main.writeText(svg, org.tdpscope.export.SvgRenderer.render(org.tdpscope.export.TimelineDiagram.layout(
                    title, asRun.drawn, org.tdpscope.export.Theme.LIGHT)));
            out.println("diagram: " + svg);
        }
        return Main.OK;
    }

    private static boolean isTraceDat(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(DAT_MAGIC.length);
            return java.util.Arrays.equals(head, DAT_MAGIC);
        }
    }

    /** {@code trace-cmd report -i FILE}, or null (after saying why) when trace-cmd is not installed. */
    private Process traceCmdReport(Path file) throws IOException {
        try {
            return new ProcessBuilder("trace-cmd", "report", "-i", file.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            err.println("tdpscope: " + file + " is a binary trace.dat; reading it needs trace-cmd (Debian package "
                    + "trace-cmd), which is not installed. Install it, or run 'trace-cmd report -i " + file.getFileName()
                    + " > trace.txt' where it is and import the text.");
            return null;
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

        org.tdpscope.sim.TraceEvent convert(TraceEvent e, TraceReconstruction rec) {
            if (window != null && !window.contains(e.prefix().line())) {
                return null;
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

        private void add(org.tdpscope.sim.TraceEvent s) {
            sink.accept(s);
            converted++;
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
