/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record read again for the views by its first line: the lines a mail wrapped it over joined, its
 * {@code <stack trace>} frames, and the same line numbers as the import for LF, CRLF and CR files.
 */
class ImportedTraceRecordTest {

    @TempDir
    Path dir;

    private static Path capture(String name) {
        for (String d : List.of("resources", "bundles/org.tdpscope.trace.tests/resources")) {
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("capture " + name + " not found under ./resources");
    }

    @Test
    void theStackTraceOfAnEventComesWithIt() throws Exception {
        ImportedTrace t = ImportedTrace.read(capture(Captures.GET_PAGE_STACK), null);
        // line 1 is the source comment; the event is line 2, its <stack trace> lines 3-14
        ImportedTrace.Record r = t.record(2);
        assertTrue(r.text().contains("kvm_mmu_get_page: sp gen 0 gfn 14b600 l1"), r.text());
        assertEquals(1, r.joined());
        assertEquals(11, r.stack().size(), r.stack().toString());
        assertEquals("trace_event_raw_event_kvm_mmu_get_page", r.stack().get(0));
        assertEquals("tdp_mmu_init_sp", r.stack().get(1));
        assertEquals("entry_SYSCALL_64_after_hwframe", r.stack().get(10));
        assertEquals(14, r.lastLine(), "the marker and its 11 frames");
    }

    @Test
    void aMailWrappedRecordIsJoinedAsTheReaderJoinedIt() throws Exception {
        ImportedTrace t = ImportedTrace.read(capture(Captures.HUGEPAGE_WRAPPED), null);
        ImportedTrace.Record r = t.record(6);
        assertEquals(2, r.joined());
        assertEquals(7, r.lastLine());
        assertEquals("VCPU-0-61883   [078] ..... 72276.127008: kvm_tdp_mmu_spte_changed: as id 0 gfn 800 level 2 "
                + "old_spte 100b1b16827 new_spte 100b4a00ea7", r.text());
        assertTrue(r.stack().isEmpty());
        // the line of a gap marker starts no record: it comes alone
        ImportedTrace.Record gap = t.record(18);
        assertEquals("....", gap.text());
        assertEquals(1, gap.joined());
        assertTrue(t.record(99).text().startsWith("(no line 99"), t.record(99).text());
    }

    /** Far lines, looked up in any order, in files ending their lines in CRLF and in CR. */
    @Test
    void farLinesOfCrlfAndCrFilesAreTheImportsLines() throws Exception {
        for (String eol : List.of("\r\n", "\r", "\n")) {
            StringBuilder b = new StringBuilder();
            int n = 200_000;
            for (int i = 1; i <= n; i++) {
                b.append(String.format(Locale.ROOT, " vmm-1 [001] ...1. %d.%06d: kvm_mmu_spte_requested: gfn %x pfn 1"
                        + " level 1", 100 + i / 1_000_000, i % 1_000_000, i)).append(eol);
            }
            Path f = dir.resolve("far.txt");
            Files.writeString(f, b, StandardCharsets.UTF_8);
            ImportedTrace t = ImportedTrace.read(f, null);
            for (int line : new int[] { 150_001, 70_000, 65_537, 1, 131_073, 200_000, 65_536 }) {
                ImportedTrace.Record r = t.record(line);
                assertTrue(r.text().contains(String.format(Locale.ROOT, ": gfn %x pfn", line)), eol.length() + " "
                        + line + ": " + r.text());
                int ev = t.timeline().eventAtLine(line);
                assertEquals(line, t.timeline().line(ev), "the import's line numbers");
            }
            assertTrue(t.record(n + 1).text().startsWith("(no line"), t.record(n + 1).text());
        }
    }

    /**
     * A click on a record near the end of a large trace reads on from where the import's block began, not
     * the whole file up to it (on the UI thread, a 1 GiB trace's first click took seconds).
     */
    @Test
    void aFarRecordOfALargeImportIsFoundWithoutReadingUpToIt() throws Exception {
        StringBuilder b = new StringBuilder();
        int n = 400_000; // about 34 MB: read in parallel, in blocks
        for (int i = 1; i <= n; i++) {
            b.append(String.format(Locale.ROOT, " vmm-1 [001] ...1. %d.%06d: kvm_mmu_spte_requested: gfn %x pfn 1"
                    + " level 1\n", 100 + i / 1_000_000, i % 1_000_000, i));
        }
        Path f = dir.resolve("large.txt");
        Files.writeString(f, b, StandardCharsets.UTF_8);
        assertTrue(Files.size(f) >= TraceSource.PARALLEL_FROM, "large enough to be read in parallel");
        ImportedTrace t = ImportedTrace.read(f, null);
        for (int line : new int[] { n, n / 2 + 7, 3, n - 1 }) {
            ImportedTrace.Record r = t.record(line);
            assertTrue(r.text().contains(String.format(Locale.ROOT, ": gfn %x pfn", line)), line + ": " + r.text());
            assertTrue(t.lastLookupBytes <= 2 * ParallelTraceReader.BLOCK, line + ": read " + t.lastLookupBytes
                    + " bytes to find it");
        }
    }
}
