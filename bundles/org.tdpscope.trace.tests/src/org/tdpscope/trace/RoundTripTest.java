/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpscope.trace.Payload.*;

/** Print with {@link KernelTraceFormat}, read back with {@link TraceReader}: the same events and tables. */
class RoundTripTest {

    @ParameterizedTest
    @ValueSource(strings = { Captures.TDP_FAULTS_ZAP, Captures.HUGEPAGE_WRAPPED, Captures.NESTED_TRACE_CMD,
            Captures.GET_PAGE_STACK })
    void capturesSurviveAReprint(String capture) throws IOException {
        List<TraceEvent> original;
        try (TraceReader r = Captures.reader(capture)) {
            original = r.readAll();
        }
        StringBuilder printed = new StringBuilder();
        original.forEach(e -> KernelTraceFormat.write(e, printed));
        List<TraceEvent> again;
        try (TraceReader r = TraceReader.of(printed.toString())) {
            again = r.readAll();
            assertEquals(0, r.diagnostics().unparsedLines() + r.diagnostics().warningCount());
        }
        assertEquals(withoutLines(original), withoutLines(again));
    }

    @ParameterizedTest
    @ValueSource(strings = { Captures.TDP_FAULTS_ZAP, Captures.NESTED_TRACE_CMD })
    void printerReproducesTheCapturedLines(String capture) throws IOException {
        String[] lines = Captures.text(capture).split("\n");
        try (TraceReader r = Captures.reader(capture)) {
            for (TraceEvent e = r.next(); e != null; e = r.next()) {
                assertEquals(lines[(int) e.line() - 1], KernelTraceFormat.line(e), "line " + e.line());
            }
        }
    }

    @Test
    void stackCaptureFirstLineIsReproduced() throws IOException {
        String[] lines = Captures.text(Captures.GET_PAGE_STACK).split("\n");
        try (TraceReader r = Captures.reader(Captures.GET_PAGE_STACK)) {
            TraceEvent e = r.next();
            assertEquals(lines[1], KernelTraceFormat.line(e));
            String printed = KernelTraceFormat.text(e);
            assertEquals(13, printed.split("\n").length); // event, marker, 11 functions
            assertEquals(lines[3], printed.split("\n")[2]);
        }
    }

    /** A simulated run: events built as the simulator would emit them, in all three line shapes. */
    @Test
    void simulatedRunGivesTheSameTables() throws IOException {
        Sim s = new Sim();
        MmuPage root0 = new MmuPage(MmuPage.Text.KERNEL, 0, 0, 4, 0, 8, 0, true, "wux", false, false, true, true, false,
                false, false, false, false, 0, false);
        s.tracefs("kvm_page_fault", new KvmPageFault(0, 0xfff0L, 0x7000, 0x182));
        s.tracefs("kvm_mmu_get_page", new MmuGetPage(root0, true));
        s.tracefs("kvm_mmu_spte_requested", new MmuSpteRequested(7, 0x1234, 1));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0, 4, 0, 0x1000907));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0, 3, 0, 0x1001907));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0, 2, 0, 0x1002907));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 7, 1, 0, 0x600000001234b77L));
        s.tracefs("kvm_mmu_set_spte", new MmuSetSpte(7, 0x600000001234b77L, "rwxu", 1, 0x1002038));
        s.traceCmd("kvm_entry", new KvmEntry(0, 0xfff0L, false, null, EntryText.PLUGIN));
        s.traceCmd("kvm_exit", new KvmExit(null, "EPT_MISCONFIG", 0x1000, null, 0, 0, null, null, ExitText.PLUGIN));
        s.traceCmd("mark_mmio_spte", new MarkMmioSpte("00000000deadbeef", 0xfee00, 6, 0x1a2));
        s.perf("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0xfee00, 1, 0, 0x3e000000a056L));
        s.perf("handle_mmio_page_fault", new HandleMmioPageFault(0xfee00000L, 0xfee00, 6));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0x200, 2, 0, 0x6000001234a0bf3L));
        s.tracefs("kvm_mmu_split_huge_page", new MmuSplitHugePage(0x200, 0x6000001234a0bf3L, 2, 0));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0x200, 2, 0x6000001234a0bf3L, 0x1003907));
        s.tracefs("kvm_unmap_hva_range", new KvmUnmapHvaRange(0x7f0000007000L, 0x7f0000008000L));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 7, 1, 0x600000001234b77L, 0));
        s.tracefs("fast_page_fault", new FastPageFault(0, 0x7000, "P|W", "00000000aa55aa55", 0, 0, true, false));
        s.tracefs("kvm_mmu_zap_all_fast", new MmuZapAllFast(1, 0x10));
        MmuPage root1 = new MmuPage(MmuPage.Text.PLUGIN, -1, 0, 4, 0, 0, 0, true, "wux", false, true, true, null, true,
                false, false, false, false, 0, false);
        s.traceCmd("kvm_mmu_get_page", new MmuGetPage(root1, true));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0, 4, 0, 0x2000907));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0, 4, 0x1000907, 0));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0, 3, 0x1001907, 0x80000000000005a0L));
        s.tracefs("kvm_mmu_prepare_zap_page", new MmuPrepareZapPage(new MmuPage(MmuPage.Text.KERNEL, 0, 0, 2, 0, 8, 0,
                true, "wux", false, false, true, true, false, false, false, false, false, 0, false)));
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0, 2, 0x1002907, 0x80000000000005a0L));
        s.tracefs("kvm_age_hva", new KvmAgeHva(0x7f0000000000L, 0x7f0000200000L));
        s.stack = List.of("tdp_mmu_zap_root", "kvm_tdp_mmu_zap_invalidated_roots");
        s.tracefs("kvm_tdp_mmu_spte_changed", new TdpMmuSpteChanged(0, 0x200, 2, 0x1003907, 0x80000000000005a0L));

        List<TraceEvent> read;
        try (TraceReader r = TraceReader.of(s.text.toString())) {
            read = r.readAll();
            assertEquals(0, r.diagnostics().unparsedLines() + r.diagnostics().unknownEvents()
                    + r.diagnostics().warningCount(), () -> r.diagnostics().unparsed().toString());
        }
        assertEquals(s.events, read); // line numbers included: each event is where the printer put it

        TraceReconstruction simulated = new TraceReconstruction();
        s.events.forEach(simulated::accept);
        TraceReconstruction imported = new TraceReconstruction();
        read.forEach(imported::accept);
        assertEquals(snapshot(simulated), snapshot(imported));
        assertEquals(2, imported.roots().size());
        assertEquals(8, imported.tables().size());
        assertFalse(snapshot(imported).isEmpty());
    }

    /** Tables, SPTEs (with who set them), roots, zaps and counters as comparable text. */
    static List<String> snapshot(TraceReconstruction r) {
        List<String> out = new ArrayList<>();
        for (PageTable t : r.tables()) {
            out.add(t + " parent " + (t.parent() == null ? "-" : t.parent().id() + "[" + t.parentIndex() + "]")
                    + " lines " + t.firstLine() + "/" + t.createdLine() + "/" + t.linkedLine() + "/" + t.detachedLine()
                    + "/" + t.zappedLine() + "/" + t.prepareZapLine() + " page " + t.page());
            for (int i = 0; i < 512; i++) {
                if (t.traced(i)) {
                    out.add("  [" + i + "] " + Long.toHexString(t.spte(i)) + " set by " + t.setBy(i));
                }
            }
        }
        r.roots().forEach(root -> out.add(root.toString()));
        out.add(r.fastZaps() + " " + r.generations() + " " + r.mmioSptes() + " " + r.splits());
        out.add(r.eventCounts() + " faults " + r.pageFaults() + "/" + r.fastPageFaults() + " unmaps " + r.unmaps());
        r.cpuLanes().values().forEach(l -> out.add(l + " " + l.counts() + " " + l.partners()));
        r.taskLanes().values().forEach(l -> out.add(l + " " + l.counts() + " " + l.partners()));
        return out;
    }

    static List<TraceEvent> withoutLines(List<TraceEvent> events) {
        return events.stream().map(e -> e.withLine(0)).toList();
    }

    /** Emits events as a simulator would, printing each and noting the line it lands on. */
    private static final class Sim {
        final StringBuilder text = new StringBuilder();
        final List<TraceEvent> events = new ArrayList<>();
        List<String> stack = List.of();
        long line = 1;
        long ts = 5_000_000_000L;

        void tracefs(String name, Payload p) {
            emit(new Prefix("CPU 0/KVM", 4021, 4000, 3, "d..1.", ts, line, Prefix.Shape.TRACEFS, stack), name, p);
        }

        void traceCmd(String name, Payload p) {
            emit(new Prefix("CPU 1/KVM", 4022, -1, 4, "", ts, line, Prefix.Shape.TRACE_CMD, stack), name, p);
        }

        void perf(String name, Payload p) {
            emit(new Prefix("qemu-system-x86", 4000, -1, 5, "", ts, line, Prefix.Shape.PERF_SCRIPT, stack), name, p);
        }

        private void emit(Prefix prefix, String name, Payload p) {
            TraceEvent e = new TraceEvent(prefix, name, p);
            events.add(e);
            String printed = KernelTraceFormat.text(e);
            text.append(printed);
            line += printed.chars().filter(c -> c == '\n').count();
            ts += 1234; // sub-microsecond steps: the printer switches to 9 fraction digits
        }
    }
}
