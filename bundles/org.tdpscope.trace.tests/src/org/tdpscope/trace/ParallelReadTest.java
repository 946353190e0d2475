/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parallel read gives exactly what a sequential read gives (the same events with the same lines, the
 * same counters, the same issues in the same order), whatever the block size: with blocks of a few
 * bytes nearly every line is a boundary.
 */
class ParallelReadTest {

    @TempDir
    Path dir;

    private record Read(List<TraceEvent> events, String summary, List<TraceDiagnostics.Issue> unparsed,
            List<TraceDiagnostics.Issue> unknown, List<TraceDiagnostics.Issue> warnings) {
    }

    private static Read drain(EventStream s) throws IOException {
        List<TraceEvent> events = new ArrayList<>();
        try (s) {
            for (TraceEvent e = s.next(); e != null; e = s.next()) {
                events.add(e);
            }
            TraceDiagnostics d = s.diagnostics();
            return new Read(events, d.summary(), d.unparsed(), d.unknown(), d.warnings());
        }
    }

    private void same(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        Read seq = drain(TraceReader.open(f));
        for (int block : new int[] { 1, 7, 64, 300, 4096, 1 << 20 }) {
            for (int threads : new int[] { 1, 2, 3 }) {
                Read par = drain(ParallelTraceReader.open(f, threads, block));
                String where = name + ", blocks of " + block + " bytes, " + threads + " threads";
                assertEquals(seq.summary(), par.summary(), where);
                assertEquals(seq.events(), par.events(), where);
                assertEquals(seq.unparsed(), par.unparsed(), where);
                assertEquals(seq.unknown(), par.unknown(), where);
                assertEquals(seq.warnings(), par.warnings(), where);
            }
        }
    }

    @Test
    void theCapturesReadTheSame() throws IOException {
        for (String c : Captures.ALL) {
            same(c, Captures.text(c));
        }
    }

    @Test
    void oddInputReadsTheSame() throws IOException {
        String base = Captures.text(Captures.TDP_FAULTS_ZAP);
        StringBuilder b = new StringBuilder();
        b.append(base);
        b.append(base.replace("\n", "\r\n")); // CRLF, and the timestamps go back to the start
        b.append("garbage that matches nothing\n\n--\n");
        b.append(Captures.text(Captures.HUGEPAGE_WRAPPED)); // mail-wrapped records and > quotes
        b.append(Captures.text(Captures.GET_PAGE_STACK)); // <stack trace> records
        b.append("   vmm-1   [001] ...1. 1.000000: kvm_no_such_event: what\n"); // an unknown event
        b.append("   vmm-1   [001] ...1. 0.500000: kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 2 used_pages 4\r");
        b.append("   vmm-1   [001] ...1. 0.600000: kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 3 used_pages 4"); // no EOL
        same("odd.txt", b.toString());
    }

    @Test
    void aLargerFileAcrossRealBlocks() throws IOException {
        String base = Captures.text(Captures.TDP_FAULTS_ZAP) + Captures.text(Captures.GET_PAGE_STACK);
        StringBuilder b = new StringBuilder();
        while (b.length() < 10 * ParallelTraceReader.BLOCK) { // ten blocks, 2.5 MiB
            b.append(base);
        }
        Path f = dir.resolve("large.txt");
        Files.writeString(f, b, StandardCharsets.UTF_8);
        Read seq = drain(TraceReader.open(f));
        Read par = drain(ParallelTraceReader.open(f, 2));
        assertTrue(seq.events().size() > 10_000, "events: " + seq.events().size());
        assertEquals(seq.summary(), par.summary());
        assertEquals(seq.events(), par.events());
        assertEquals(seq.warnings(), par.warnings());
    }

    @Test
    void qemuVcpuThreadsAndGarbage() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) { // QEMU names its vCPU threads "CPU n/KVM": comms starting with C
            b.append(String.format(java.util.Locale.ROOT, "      CPU %d/KVM-%d   [%03d] ...1. %d.%06d: "
                    + "kvm_mmu_zap_all_fast: kvm-mmu-valid-gen %d used_pages 4%n", i % 4, 4000 + i % 4, i % 4, 100
                            + i / 1000, i % 1000 * 1000, i));
            if (i % 50 == 0) { // unindented, as some copies are: a column-0 'C' line is not a cut
                b.append(String.format(java.util.Locale.ROOT, "CPU 1/KVM-4001 [001] ...1. %d.%06d: "
                        + "kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 1 used_pages 4%n", 100 + i / 1000, i % 1000 * 1000));
            }
            if (i == 150) { // garbage with no record start for far longer than a block: read on sequentially
                for (int k = 0; k < 200; k++) {
                    b.append("\u0001\u0002 binary \u0003 junk line ").append(k).append('\n');
                }
            }
        }
        same("qemu.txt", b.toString());
        Path f = dir.resolve("qemu.txt");
        Read par = drain(ParallelTraceReader.open(f, 2, 64));
        assertEquals(306, par.events().size());
        assertEquals(200, Long.parseLong(par.summary().replaceAll(".*unparsed lines (\\d+).*", "$1")));
    }

    @Test
    void emptyFile() throws IOException {
        same("empty.txt", "");
    }
}
