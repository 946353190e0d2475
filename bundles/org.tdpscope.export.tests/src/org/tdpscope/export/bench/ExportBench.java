/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export.bench;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.export.PageTableDiagram;
import org.tdpscope.export.SvgRenderer;
import org.tdpscope.export.Theme;

/**
 * Benchmark harness (a {@code main}, not a timed test): export of an N-node page-table diagram,
 * ELK layout plus SVG, as {@code tdpscope export --diagram tables} does it. The forest is a
 * 4-level TDP tree of N tables (1 root, a few L3 and L2 tables, the rest L1 tables with 8 4K
 * leaves each, as the diagram shows them). Prints the first (cold) time and the median of warm runs.
 * <p>
 * {@code releng/bench export}, or {@code java -cp ... org.tdpscope.export.bench.ExportBench [N] [RUNS] [OUT.svg]}.
 */
public final class ExportBench {

    private ExportBench() {
    }

    /** A synthetic forest of {@code n} tables shaped like a populated TDP root. */
    public static PageTableDiagram.Forest forest(int n) {
        List<PageTableDiagram.Table> tables = new ArrayList<>();
        int l1 = Math.max(1, n - 1 - 1 - (n + 63) / 64);
        int l2 = Math.max(1, (l1 + 63) / 64);
        List<String> l3Children = new ArrayList<>();
        List<PageTableDiagram.Table> l2s = new ArrayList<>();
        List<PageTableDiagram.Table> l1s = new ArrayList<>();
        for (int j = 0; j < l2; j++) {
            List<String> kids = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            lines.add(String.format("gfn 0x%x+0x40000", j * 0x40000L));
            for (int k = j * 64; k < Math.min(l1, (j + 1) * 64); k++) {
                String id = "t-A-l1-" + k;
                kids.add(id);
                if (lines.size() < 9) {
                    lines.add(String.format("[%3d] gfn 0x%x → L1 0x%x", k % 512, k * 512L, 0x1000L + k));
                }
                List<String> leaves = new ArrayList<>();
                leaves.add(String.format("gfn 0x%x+0x200", k * 512L));
                for (int e = 0; e < 8; e++) {
                    leaves.add(String.format("[%3d] gfn 0x%x 4K 0x%x RWX AD", e, k * 512L + e, 0x100000L + k * 512L + e));
                }
                leaves.add("… 504 more entries");
                l1s.add(new PageTableDiagram.Table(id, "A · L1 · hpfn 0x" + Long.toHexString(0x1000L + k), leaves,
                        List.of(), false));
            }
            String id = "t-A-l2-" + j;
            l3Children.add(id);
            l2s.add(new PageTableDiagram.Table(id, "A · L2 · hpfn 0x" + Long.toHexString(0x800L + j), lines, kids,
                    false));
        }
        tables.add(new PageTableDiagram.Table("t-A-root", "root A · L4 · hpfn 0x1",
                List.of("gfn 0x0+0x8000000000", "[  0] gfn 0x0 → L3 0x2"), List.of("t-A-l3"), true));
        List<String> l3Lines = new ArrayList<>();
        l3Lines.add("gfn 0x0+0x8000000");
        for (int j = 0; j < Math.min(8, l2); j++) {
            l3Lines.add(String.format("[%3d] gfn 0x%x → L2 0x%x", j, j * 0x40000L, 0x800L + j));
        }
        tables.add(new PageTableDiagram.Table("t-A-l3", "A · L3 · hpfn 0x2", l3Lines, l3Children, false));
        tables.addAll(l2s);
        tables.addAll(l1s);
        while (tables.size() > n) {
            tables.remove(tables.size() - 1);
        }
        return new PageTableDiagram.Forest(tables, 0);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        PageTableDiagram.Forest f = forest(n);
        long s0 = System.nanoTime();
        PageTableDiagram.svg("start-up", "1 table", forest(1), Theme.LIGHT);
        long startup = System.nanoTime() - s0;
        long t0 = System.nanoTime();
        String svg = PageTableDiagram.svg("bench", n + " tables", f, Theme.LIGHT);
        long cold = System.nanoTime() - t0;
        long[] warm = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            String again = PageTableDiagram.svg("bench", n + " tables", f, Theme.LIGHT);
            warm[i] = System.nanoTime() - t;
            if (!again.equals(svg)) {
                throw new IllegalStateException("not deterministic");
            }
        }
        java.util.Arrays.sort(warm);
        System.out.printf("  ELK start-up (class loading, first 1-table layout in a fresh JVM): %d ms%n",
                startup / 1_000_000);
        // the picture keeps within Scene.MAX_SIDE: it draws the tables that fit (the layout is tried again with
        // fewer until they do), so say how many
        int drawn = svg.split("<rect id=\"t-", -1).length - 1;
        System.out.printf("  page-table diagram, %d tables (%d drawn, the rest counted): ELK layout + SVG first %d ms,"
                + " warm median %d ms (%d runs), %,d bytes of SVG%n", f.tables().size(), drawn, cold / 1_000_000,
                warm[runs / 2] / 1_000_000, runs, svg.length());
        if (args.length > 2) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(args[2]), svg);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
