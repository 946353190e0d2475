/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tdpscope.trace.Payload.*;

/** Bad input is counted, with line numbers, and never thrown; the good records around it still import. */
class BadInputTest {

    private static final String GOOD = "  qemu-1  [000] .... 1.000001: kvm_fpu: load\n";

    private TraceDiagnostics diag;

    private List<TraceEvent> read(InputStream in) throws IOException {
        try (TraceReader r = TraceReader.of(in)) {
            List<TraceEvent> events = r.readAll();
            diag = r.diagnostics();
            return events;
        }
    }

    private List<TraceEvent> read(String text) throws IOException {
        return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void binaryGarbageIsCountedNotFatal() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(GOOD.getBytes(StandardCharsets.US_ASCII));
        byte[] junk = new byte[4096];
        new Random(15).nextBytes(junk);
        out.writeBytes(junk);
        out.writeBytes(("\n  qemu-1  [000] .... 1.000002: kvm_tdp_mmu_spte_changed: as id 0 gfn 1 level 1 "
                + "old_spte 0 new_spte 5a0\n").getBytes(StandardCharsets.US_ASCII));
        List<TraceEvent> e = read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(2, e.size());
        assertEquals(new KvmFpu(true), e.get(0).payload());
        assertEquals(new TdpMmuSpteChanged(0, 1, 1, 0, Sptes.FROZEN), e.get(1).payload());
        assertTrue(diag.unparsedLines() > 0);
        assertEquals(diag.lines(), diag.events() + diag.unparsedLines() + diag.blankLines() + diag.headerLines()
                + diag.gaps() + diag.stackLines() + diag.continuationLines());
        assertTrue(diag.unparsed().stream().allMatch(i -> i.line() >= 2 && i.line() < e.get(1).line()));
        assertTrue(diag.unparsed().stream().allMatch(i -> i.text().chars().noneMatch(c -> c < 0x20 && c != '\t')));
    }

    @Test
    void malformedUtf8IsReplaced() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("  qemu".getBytes(StandardCharsets.US_ASCII));
        out.write(0xff); // not UTF-8: becomes U+FFFD in the comm, the record is still good
        out.writeBytes("-1  [000] .... 1.000001: kvm_fpu: load\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] { (byte) 0xc3, (byte) 0x28, (byte) 0xa0, (byte) 0xa1, '\n' });
        List<TraceEvent> e = read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(1, e.size());
        assertEquals("qemu\uFFFD", e.get(0).prefix().comm());
        assertEquals(1, diag.unparsedLines());
        assertEquals(2, diag.unparsed().get(0).line());
    }

    @Test
    void truncatedLines() throws IOException {
        List<TraceEvent> e = read(GOOD
                + "  qemu-1  [00\n" // cut inside the prefix: not a continuation of the good record
                + "  qemu-1  [000] .... 1.000003: kvm_tdp_mmu_spte_changed: as id 0 gfn 1 lev\n"
                + "  qemu-1  [000] .... 1.000004: kvm_mmu_set_spte: gfn 1 spte\n");
        assertEquals(1, e.size());
        assertEquals(new KvmFpu(true), e.get(0).payload());
        assertEquals(3, diag.unparsedLines());
        assertEquals(List.of(2L, 3L, 4L), diag.unparsed().stream().map(TraceDiagnostics.Issue::line).toList());
        assertTrue(diag.unparsed().get(1).message().contains("kvm_tdp_mmu_spte_changed"));
        assertEquals(0, diag.continuationLines());
    }

    @Test
    void timestampsGoingBackwardsAreKeptInFileOrder() throws IOException {
        List<TraceEvent> e = read("""
                  qemu-1  [000] .... 2.000000: kvm_fpu: load
                  qemu-1  [001] .... 1.000000: kvm_fpu: unload
                  qemu-1  [000] .... 3.000000: kvm_fpu: load
                """);
        assertEquals(3, e.size());
        assertEquals(1, diag.backwardsTimestamps());
        assertEquals(1, diag.warningCount());
        TraceDiagnostics.Issue w = diag.warnings().get(0);
        assertEquals(2, w.line());
        assertTrue(w.message().contains("1000000000 ns"), w.message());
        assertTrue(w.message().contains("line 1"), w.message());
    }

    @Test
    void unknownEventsAreKeptAndCounted() throws IOException {
        List<TraceEvent> e = read(GOOD
                + "  qemu-1  [000] .... 1.000002: kvm_msr: msr_write 1b = 0xfee00900\n"
                + "  qemu-1  [000] .... 1.000003: kvm_msr: msr_read 10 = 0x1234\n"
                + "  qemu-1  [000] .... 1.000004: sched_switch: prev_comm=qemu prev_pid=1 ==> next_comm=swapper/0\n");
        assertEquals(4, e.size());
        assertEquals(new Unknown("msr_write 1b = 0xfee00900"), e.get(1).payload());
        assertEquals(3, diag.unknownEvents());
        assertEquals(1, diag.events());
        assertEquals(2L, diag.unknownEventNames().get("kvm_msr"));
        assertEquals(1L, diag.unknownEventNames().get("sched_switch"));
        assertEquals(2, diag.unknown().get(0).line());
        assertEquals("kvm_msr: msr_write 1b = 0xfee00900", diag.unknown().get(0).text());

        TraceReconstruction r = new TraceReconstruction();
        e.forEach(r::accept);
        assertEquals(4, r.cpuLanes().get(0).events());
        assertEquals(2L, r.eventCounts().get("kvm_msr"));
    }

    @Test
    void knownEventWithAForeignTextIsUnparsed() throws IOException {
        List<TraceEvent> e = read("  qemu-1  [000] .... 1.0: kvm_mmu_set_spte: gfn zz spte 0 (rwx) level 1 at 0\n"
                + "  qemu-1  [000] .... 1.1: kvm_tdp_mmu_spte_changed: as id 0 gfn 1 level 1 old_spte "
                + "123456789abcdef01 new_spte 0\n");
        assertTrue(e.isEmpty());
        assertEquals(2, diag.unparsedLines());
        assertTrue(diag.unparsed().get(0).message().contains("kvm_mmu_set_spte"));
    }

    @Test
    void linesThatMatchNothing() throws IOException {
        List<TraceEvent> e = read("""
                Hi all, here is the trace:
                 => orphan_stack_line
                  qemu-1  [000] .... 1.0: <stack trace>
                  qemu-1  [000] .... 1.000001: kvm_fpu: load
                Thanks,
                Jan
                And a function-tracer line:
                          <idle>-0     [001] d..1. 2.000000: tick_nohz_idle_enter <-do_idle
                """);
        assertEquals(1, e.size());
        // lines 5-8 are first taken as the wrapped rest of kvm_fpu, then rejected: the record parses alone
        assertEquals(7, diag.unparsedLines());
        assertEquals(List.of(1L, 2L, 3L, 5L, 6L, 7L, 8L),
                diag.unparsed().stream().map(TraceDiagnostics.Issue::line).sorted().toList());
        assertEquals(0, diag.continuationLines());
    }

    @Test
    void overlongLineIsCutAndCounted() throws IOException {
        StringBuilder b = new StringBuilder(GOOD);
        b.append("x".repeat(3 * TraceReader.MAX_LINE + 17)).append('\n').append(GOOD);
        List<TraceEvent> e = read(b.toString());
        assertEquals(2, e.size());
        assertEquals(1, diag.unparsedLines());
        assertEquals(2, diag.unparsed().get(0).line());
        assertTrue(diag.unparsed().get(0).text().length() <= TraceDiagnostics.MAX_TEXT + 1);
        assertEquals(3, e.get(1).line());
    }

    @Test
    void newlineFreeBinaryFileIsStreamed() throws IOException {
        // 8 MiB without a newline: read block by block, never held whole
        InputStream zeros = new InputStream() {
            private long left = 8L << 20;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
        List<TraceEvent> e = read(zeros);
        assertTrue(e.isEmpty());
        assertEquals(1, diag.lines());
        assertEquals(1, diag.unparsedLines());
    }

    @Test
    void emptyInput() throws IOException {
        try (TraceReader r = TraceReader.of("")) {
            assertNull(r.next());
            assertNull(r.next());
            assertEquals(0, r.diagnostics().lines());
        }
    }

    @Test
    void manyProblemsKeepBoundedText() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < TraceDiagnostics.MAX_KEPT + 500; i++) {
            b.append("garbage ").append(i).append('\n');
        }
        read(b.toString());
        assertEquals(TraceDiagnostics.MAX_KEPT + 500, diag.unparsedLines());
        assertEquals(TraceDiagnostics.MAX_KEPT, diag.unparsed().size());
    }

    @Test
    void oddValuesDoNotBreakTheReconstruction() throws IOException {
        List<TraceEvent> e = read("""
                  qemu-1  [000] .... 1.0: kvm_tdp_mmu_spte_changed: as id 0 gfn 1 level 9 old_spte 0 new_spte 1
                  qemu-1  [000] .... 1.1: kvm_tdp_mmu_spte_changed: as id 99 gfn 1 level 1 old_spte 0 new_spte 1
                  qemu-1  [000] .... 1.2: kvm_mmu_set_spte: gfn 1 spte 1 (rwx) level 0 at 0
                  qemu-1  [000] .... 1.3: kvm_tdp_mmu_spte_changed: as id 0 gfn 5 level 1 old_spte 77 new_spte 0
                """);
        TraceReconstruction r = new TraceReconstruction(diag);
        e.forEach(r::accept);
        assertEquals(4, e.size());
        assertEquals(3, diag.warningCount()); // levels 9 and 0, as id 99
        assertEquals(List.of(1L, 2L, 3L), diag.warnings().stream().map(TraceDiagnostics.Issue::line).toList());
        assertEquals(0, r.spteMismatches()); // gfn 5's old value was never traced: nothing to compare
        assertEquals(0, r.spte(0, 5, 1).value());
    }
}
