/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.tdpscope.trace.KernelTraceFormat;
import org.tdpscope.trace.MmuPage;
import org.tdpscope.trace.Payload;
import org.tdpscope.trace.Payload.*;
import org.tdpscope.trace.Prefix;
import org.tdpscope.trace.TraceEvent;
import org.tdpscope.trace.TraceReader;
import org.tdpscope.trace.TraceReconstruction;

/**
 * Benchmark (not a test): generates a tracefs {@code trace} file of the given size in the shapes of
 * FORMATS.md (EPT faults building tables, mmu_notifier zaps, huge-page collapses with frozen-SPTE
 * storms, splits, fast zaps with new roots and root teardown, stack traces), then times, in the same
 * run, {@code grep -c kvm_tdp_mmu_spte_changed} on it and a full import (reader plus reconstruction),
 * and prints both times, their ratio and the heap the import used.
 *
 * <p>Run: {@code java -cp <trace classes>:<test classes> org.tdpscope.trace.bench.TraceBench 1G [file] [--keep]
 * [--reuse] [--runs N]} (size with K, M or G suffix; default file in java.io.tmpdir, deleted afterwards unless
 * --keep; --reuse times an existing file instead of writing it again, which takes longer than the import,
 * and implies --keep; with N > 1 the import is repeated and the ratio is also given for the fastest, JIT-warm
 * run; --generate-only writes the file, keeps it and stops, so that a script can flush it to disk before any
 * timing: the kernel writes a new file's pages back about 30 s after they were written, which fell in the
 * middle of the timed rounds).
 * The guest is 1 GiB and host page-table pages are reused, so the reconstruction's state stays bounded.
 */
public final class TraceBench {

    private static final long GIB_GFNS = 1L << 18; // 1 GiB guest
    /** What {@code tdpscope import} does: a large text file is parsed on several cores; --sequential: one. */
    private static boolean PARALLEL = true;

    private TraceBench() {
    }

    public static void main(String[] args) throws Exception {
        long size = args.length > 0 ? parseSize(args[0]) : 100L << 20;
        Path file = args.length > 1 && !args[1].startsWith("--") ? Path.of(args[1])
                : Path.of(System.getProperty("java.io.tmpdir"), "tdpscope-bench-trace.txt");
        boolean reuse = List.of(args).contains("--reuse") && Files.isRegularFile(file);
        boolean keep = reuse || List.of(args).contains("--keep");
        PARALLEL = !List.of(args).contains("--sequential");
        int runs = List.of(args).indexOf("--runs") >= 0 ? Integer.parseInt(args[List.of(args).indexOf("--runs") + 1])
                : 1;

        if (reuse) {
            System.out.printf(Locale.ROOT, "reusing %s: %,d bytes (not written again)%n", file, Files.size(file));
        } else {
            long t0 = System.nanoTime();
            long[] written = new Generator(new Random(15)).write(file, size);
            double genS = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "generated %s: %,d bytes, %,d lines, %,d events (%,d "
                    + "kvm_tdp_mmu_spte_changed) in %.1f s%n", file, Files.size(file), written[0], written[1],
                    written[2], genS);
            if (List.of(args).contains("--generate-only")) {
                return;
            }
        }
        System.out.println("import: " + (PARALLEL ? "parallel (" + Runtime.getRuntime().availableProcessors()
                + " cores), as tdpscope import" : "sequential"));

        Grep g1 = grep(file);
        Import imp = importFile(file);
        Import best = imp;
        for (int i = 1; i < runs; i++) {
            Import again = importFile(file);
            System.out.printf(Locale.ROOT, "import run %d: %.2f s%n", i + 1, again.seconds);
            if (again.seconds < best.seconds) {
                best = again;
            }
        }
        Grep g2 = grep(file);
        double grepS = (g1.seconds + g2.seconds) / 2;
        System.out.printf(Locale.ROOT, "grep -c kvm_tdp_mmu_spte_changed: %d  (%.2f s, %.2f s; mean %.2f s)%n", g1.count,
                g1.seconds, g2.seconds, grepS);
        System.out.printf(Locale.ROOT, "import (TraceReader + TraceReconstruction): %.2f s, %.0f MB/s, %,d events, "
                + "%,d spte_changed, %,d unparsed, %,d unknown, %,d warnings%n", imp.seconds,
                Files.size(file) / 1e6 / imp.seconds, imp.events, imp.spteChanged, imp.unparsed, imp.unknown,
                imp.warnings);
        System.out.printf(Locale.ROOT, "ratio import / grep: %.2f (first import, JIT cold)%n", imp.seconds / grepS);
        if (runs > 1) {
            System.out.printf(Locale.ROOT, "ratio import / grep: %.2f (fastest of %d imports: %.2f s, %.0f MB/s)%n",
                    best.seconds / grepS, runs, best.seconds, Files.size(file) / 1e6 / best.seconds);
        }
        System.out.printf(Locale.ROOT, "heap: max -Xmx %d MB, peak used during import %d MB (sum of pool peaks), "
                + "retained after import %d MB; tables %d (%d retired), roots %d%n",
                Runtime.getRuntime().maxMemory() >> 20, imp.peakHeap >> 20, imp.retainedHeap >> 20, imp.tables,
                imp.retired, imp.roots);
        if (g1.count != imp.spteChanged) {
            System.out.println("MISMATCH: grep counted " + g1.count + " lines, the import " + imp.spteChanged
                    + " events");
        }
        if (!keep) {
            Files.deleteIfExists(file);
        }
    }

    private static long parseSize(String s) {
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long mul = unit == 'K' ? 1L << 10 : unit == 'M' ? 1L << 20 : unit == 'G' ? 1L << 30 : 1;
        return (long) (Double.parseDouble(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1)) * mul);
    }

    private record Grep(long count, double seconds) {
    }

    private static Grep grep(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("grep", "-c", "kvm_tdp_mmu_spte_changed", file.toString());
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        p.waitFor();
        double s = (System.nanoTime() - t0) / 1e9;
        return new Grep(Long.parseLong(out), s);
    }

    private record Import(double seconds, long events, long spteChanged, long unparsed, long unknown, long warnings,
            long peakHeap, long retainedHeap, int tables, long retired, int roots) {
    }

    private static Import importFile(Path file) throws IOException {
        System.gc();
        List<MemoryPoolMXBean> heap = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
                heap.add(pool);
            }
        }
        long t0 = System.nanoTime();
        TraceReconstruction r;
        long events;
        long unparsed;
        long unknown;
        long warnings;
        try (org.tdpscope.trace.TraceSource source = org.tdpscope.trace.TraceSource.open(file);
                org.tdpscope.trace.EventStream reader = PARALLEL ? source.events() : source.reader()) {
            r = TraceReconstruction.read(reader);
            events = reader.diagnostics().events();
            unparsed = reader.diagnostics().unparsedLines();
            unknown = reader.diagnostics().unknownEvents();
            warnings = reader.diagnostics().warningCount();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.gc();
        long retained = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        return new Import(s, events, r.spteChanges(), unparsed, unknown, warnings, peak, retained, r.tables().size(),
                r.retiredTables(), r.roots().size());
    }

    /** A small EPT guest whose MMU activity is printed as the kernel would trace it. */
    private static final class Generator {
        private final Random rnd;
        private Writer out;
        private long lines;
        private long events;
        private long spteChanged;
        private long ts = 136_276_000_000_000L;
        private int cpu;
        private long gen;

        // host page-table pages: a free list, as the kernel's page allocator would reuse them
        private long nextHpa = 0x18af600000L;
        private final ArrayDeque<Long> freePages = new ArrayDeque<>();
        // the current root's tree for a 1 GiB guest: PML4[0] -> PDPT[0] -> one PD -> PTs per 2 MiB
        private long pdpt;
        private long pd;
        private final long[] pt = new long[512]; // 0 = no PT (absent or huge)
        private final boolean[] huge = new boolean[512];
        private final BitSet present = new BitSet((int) GIB_GFNS);
        private final long[] pfn = new long[(int) GIB_GFNS];

        Generator(Random rnd) {
            this.rnd = rnd;
            for (int i = 0; i < pfn.length; i++) {
                pfn[i] = 0x1980000L + i * 7L % 0x7fffff;
            }
        }

        long[] write(Path file, long size) throws IOException {
            try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 20)) {
                out = w;
                header();
                newRoot();
                long faults = 0;
                while (bytes < size) {
                    fault();
                    faults++;
                    if (faults % 150 == 0) {
                        notifierUnmap();
                    }
                    if (faults % 4000 == 0) {
                        collapse();
                    }
                    if (faults % 3000 == 1500) {
                        split();
                    }
                    if (faults % 100_000 == 0) {
                        fastZap();
                    }
                }
            }
            return new long[] { lines, events, spteChanged };
        }

        private long bytes;

        private void header() throws IOException {
            String h = "# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:4\n#\n"
                    + "#                                _-----=> irqs-off/BH-disabled\n"
                    + "#                               / _----=> need-resched\n"
                    + "#                              | / _---=> hardirq/softirq\n"
                    + "#                              || / _--=> preempt-depth\n"
                    + "#                              ||| / _-=> migrate-disable\n"
                    + "#                              |||| /     delay\n"
                    + "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
                    + "#              | |         |   |||||     |         |\n";
            out.write(h);
            bytes += h.length();
            lines += 12;
        }

        private void emit(String name, Payload p, String flags, List<String> stack) throws IOException {
            ts += (1 + rnd.nextInt(40)) * 1000L; // microsecond clock, as the captures have
            TraceEvent e = new TraceEvent(new Prefix("CPU " + cpu + "/KVM", 36697 + cpu, -1, cpu, flags, ts, 0,
                    Prefix.Shape.TRACEFS, stack), name, p);
            String s = KernelTraceFormat.text(e);
            out.write(s);
            bytes += s.length();
            lines += stack.isEmpty() ? 1 : 2 + stack.size();
            events++;
        }

        private void emit(String name, Payload p) throws IOException {
            emit(name, p, "...1.", List.of());
        }

        private void changed(long gfn, int level, long old, long neu) throws IOException {
            emit("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, gfn, level, old, neu));
            spteChanged++;
        }

        private long allocPage() {
            Long p = freePages.poll();
            if (p != null) {
                return p;
            }
            long hpa = nextHpa;
            nextHpa += 0x1000;
            return hpa;
        }

        private static long table(long hpa) {
            return hpa | 0x907;
        }

        private long leaf(long gfn) {
            return 0x600000000000b77L | pfn[(int) gfn] << 12;
        }

        private long hugeLeaf(int region) {
            return 0x600000000000bf3L | (pfn[region << 9] & ~0x1ffL) << 12;
        }

        private MmuPage page(long gfn, int level) {
            return new MmuPage(MmuPage.Text.KERNEL, gen, gfn, level, 0, 8, 0, true, "wux", false, false, true, true,
                    false, false, false, false, false, 0, false);
        }

        private void newRoot() throws IOException {
            emit("kvm_mmu_get_page", new MmuGetPage(page(0, 4), true), "...1.",
                    List.of("trace_event_raw_event_kvm_mmu_get_page", "tdp_mmu_init_sp",
                            "kvm_tdp_mmu_get_vcpu_root_hpa", "kvm_mmu_load", "vcpu_enter_guest"));
            pdpt = allocPage();
            emit("kvm_mmu_get_page", new MmuGetPage(page(0, 3), true));
            changed(0, 4, 0, table(pdpt));
            pd = allocPage();
            emit("kvm_mmu_get_page", new MmuGetPage(page(0, 2), true));
            changed(0, 3, 0, table(pd));
        }

        private void fault() throws IOException {
            cpu = rnd.nextInt(4);
            long gfn = rnd.nextInt((int) GIB_GFNS);
            int region = (int) (gfn >>> 9);
            emit("kvm_exit", new KvmExit(cpu, "EPT_VIOLATION", 0xffffffff81000000L + rnd.nextInt(1 << 20), null, 0x783,
                    gfn << 12, 0L, 0L, Payload.ExitText.KERNEL), "d..1.", List.of());
            emit("kvm_page_fault", new KvmPageFault(cpu, 0xffffffff81000000L, gfn << 12, 0x783), ".....", List.of());
            emit("kvm_mmu_spte_requested", new MmuSpteRequested(gfn, pfn[(int) gfn], 1));
            if (huge[region] || present.get((int) gfn)) {
                emit("fast_page_fault", new FastPageFault(cpu, gfn << 12, "P|W", "00000000aa55aa55", leaf(gfn),
                        leaf(gfn), true, false));
            } else {
                if (pt[region] == 0) {
                    pt[region] = allocPage();
                    emit("kvm_mmu_get_page", new MmuGetPage(page((long) region << 9, 1), true));
                    changed((long) region << 9, 2, 0, table(pt[region]));
                }
                changed(gfn, 1, 0, leaf(gfn));
                emit("kvm_mmu_set_spte", new MmuSetSpte(gfn, leaf(gfn), "rwxu", 1, pt[region] + (gfn & 511) * 8));
                present.set((int) gfn);
            }
            emit("kvm_entry", new KvmEntry(cpu, 0xffffffff81000000L, false, null, Payload.EntryText.KERNEL), "d..1.",
                    List.of());
        }

        private void notifierUnmap() throws IOException {
            int g = present.nextSetBit(rnd.nextInt((int) GIB_GFNS));
            if (g < 0) {
                return;
            }
            long hva = 0x70f100000000L + ((long) g << 12);
            emit("kvm_unmap_hva_range", new KvmUnmapHvaRange(hva, hva + 0x1000), ".....", List.of());
            changed(g, 1, leaf(g), 0);
            present.clear(g);
        }

        /** khugepaged collapse: the PDE becomes a 2M leaf and the old PT is frozen entry by entry. */
        private void collapse() throws IOException {
            int region = rnd.nextInt(512);
            if (pt[region] == 0) {
                return;
            }
            long base = (long) region << 9;
            changed(base, 2, table(pt[region]), hugeLeaf(region));
            emit("kvm_mmu_prepare_zap_page", new MmuPrepareZapPage(page(base, 1)));
            for (int i = 0; i < 512; i++) {
                int g = (int) base + i;
                changed(g, 1, present.get(g) ? leaf(g) : 0, 0x5a0);
                present.clear(g);
            }
            emit("kvm_mmu_set_spte", new MmuSetSpte(base, hugeLeaf(region), "rwxu", 2, pd + region * 8L));
            freePages.add(pt[region]);
            pt[region] = 0;
            huge[region] = true;
        }

        /** Eager split of a 2M leaf: a new PT, fully populated without per-entry events. */
        private void split() throws IOException {
            int region = rnd.nextInt(512);
            if (!huge[region]) {
                return;
            }
            long base = (long) region << 9;
            emit("kvm_mmu_split_huge_page", new MmuSplitHugePage(base, hugeLeaf(region), 2, 0));
            pt[region] = allocPage();
            emit("kvm_mmu_get_page", new MmuGetPage(page(base, 1), true));
            changed(base, 2, hugeLeaf(region), table(pt[region]));
            huge[region] = false;
            present.set((int) base, (int) base + 512);
        }

        /** kvm_mmu_zap_all_fast, a new root, then the old root torn down with frozen-SPTE storms. */
        private void fastZap() throws IOException {
            gen ^= 1;
            emit("kvm_mmu_zap_all_fast", new MmuZapAllFast(gen, 0), ".....", List.of());
            long oldPdpt = pdpt;
            long oldPd = pd;
            long[] oldPt = pt.clone();
            boolean[] oldHuge = huge.clone();
            BitSet oldPresent = (BitSet) present.clone();
            java.util.Arrays.fill(pt, 0);
            java.util.Arrays.fill(huge, false);
            present.clear();
            newRoot();
            // tdp_mmu_zap_root: level-3 entries first, then the freed tables' entries are frozen
            changed(0, 4, table(oldPdpt), 0);
            changed(0, 3, table(oldPd), 0x5a0);
            for (int r = 0; r < 512; r++) {
                long base = (long) r << 9;
                if (oldPt[r] != 0) {
                    changed(base, 2, table(oldPt[r]), 0x5a0);
                    for (int i = 0; i < 512; i++) {
                        int g = (int) base + i;
                        changed(g, 1, oldPresent.get(g) ? leaf(g) : 0, 0x5a0);
                    }
                    freePages.add(oldPt[r]);
                } else {
                    changed(base, 2, oldHuge[r] ? hugeLeaf(r) : 0, 0x5a0);
                }
            }
            freePages.add(oldPd);
            freePages.add(oldPdpt);
        }
    }
}
