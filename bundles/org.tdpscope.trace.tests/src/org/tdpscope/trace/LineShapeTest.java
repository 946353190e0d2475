/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.trace.Payload.*;

/** The line shapes of FORMATS.md section 1, one synthetic trace per shape. */
class LineShapeTest {

    private TraceDiagnostics diag;

    private List<TraceEvent> read(String text) throws IOException {
        try (TraceReader r = TraceReader.of(text)) {
            List<TraceEvent> events = r.readAll();
            diag = r.diagnostics();
            return events;
        }
    }

    private void clean() {
        assertEquals(0, diag.unparsedLines(), () -> diag.unparsed().toString());
        assertEquals(0, diag.unknownEvents(), () -> diag.unknown().toString());
        assertEquals(0, diag.warningCount(), () -> diag.warnings().toString());
    }

    @Test
    void tracefsWithHeaderAndFourCharacterFlags() throws IOException {
        List<TraceEvent> e = read("""
                # tracer: nop
                #
                # entries-in-buffer/entries-written: 2/2   #P:8
                #
                #                              _-----=> irqs-off
                #                             / _----=> need-resched
                #                            | / _---=> hardirq/softirq
                #                            || / _--=> preempt-depth
                #                            ||| /     delay
                #           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION
                #              | |       |   ||||       |         |
                       CPU 0/KVM-4021  [003] d... 51234.000100: kvm_entry: vcpu 0, rip 0xfff0
                       CPU 1/KVM-4022  [004] .N.. 51234.000200: kvm_fpu: load
                """);
        clean();
        assertEquals(11, diag.headerLines());
        assertEquals(2, e.size());
        Prefix p = e.get(0).prefix();
        assertEquals("CPU 0/KVM", p.comm()); // comm with a space and a slash
        assertEquals(4021, p.pid());
        assertEquals(3, p.cpu());
        assertEquals("d...", p.flags());
        assertEquals(51234_000100_000L, p.timestampNs());
        assertEquals(Prefix.Shape.TRACEFS, p.shape());
        assertEquals(".N..", e.get(1).prefix().flags());
        assertEquals(2, e.get(1).line() - e.get(0).line() + 1);
    }

    @Test
    void tracefsFiveCharacterFlagsTgidAndNanoseconds() throws IOException {
        List<TraceEvent> e = read("""
                     tdxvm-13694-13700   (  13694) [012] d..1. 100.000001: kvm_entry: vcpu 1, rip 0x10
                     tdxvm-13694-13701   (-------) [013] ..... 100.000002: kvm_fpu: unload
                            qemu-55      [001] ...1. 105.123456789: kvm_fpu: load
                """);
        clean();
        assertEquals("tdxvm-13694", e.get(0).prefix().comm()); // the pid is the last -<digits>
        assertEquals(13700, e.get(0).prefix().pid());
        assertEquals(13694, e.get(0).prefix().tgid());
        assertEquals(12, e.get(0).cpu());
        assertEquals("d..1.", e.get(0).prefix().flags());
        assertEquals(-1, e.get(1).prefix().tgid()); // column present, tgid not recorded
        assertEquals(105_123_456_789L, e.get(2).timestampNs());
    }

    @Test
    void traceCmdReport() throws IOException {
        List<TraceEvent> e = read("""
                version = 6
                cpus=4
                CPU 2 is empty
                CPU 3 is empty
                 qemu-system-x86-6660  [007]   398.691443: kvm_mmu_get_page:     new sp gfn 0 4 q0 direct wux pae nxe wp root 0 sync
                 qemu-system-x86-6660  [007]   398.691444: kvm_entry:            vcpu 3 rip 0xfff0
                 qemu-system-x86-6661  [001]   398.691445: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 1000907
                """);
        clean();
        assertEquals(4, diag.headerLines());
        assertEquals(3, e.size());
        assertEquals(Prefix.Shape.TRACE_CMD, e.get(0).prefix().shape());
        assertEquals("", e.get(0).prefix().flags());
        assertTrue(((MmuGetPage) e.get(0).payload()).page().looksLikeTdpRoot());
        assertEquals(new KvmEntry(3, 0xfff0L, false, null, EntryText.PLUGIN), e.get(1).payload());
        assertEquals(1, e.get(2).cpu());
    }

    @Test
    void perfScript() throws IOException {
        List<TraceEvent> e = read("""
                 qemu-system-x86  1234 [005] 100.000004: kvmmmu:kvm_mmu_spte_requested: gfn 10 pfn 20 level 1
                       CPU 1/KVM  4022 [006] 100.000005: kvm:kvm_page_fault: vcpu 1 rip 0x10 address 0x0000000000001000 error_code 0x181
                """);
        clean();
        assertEquals(2, e.size());
        Prefix p = e.get(0).prefix();
        assertEquals(Prefix.Shape.PERF_SCRIPT, p.shape());
        assertEquals("qemu-system-x86", p.comm());
        assertEquals(1234, p.pid());
        assertEquals(5, p.cpu());
        assertEquals("kvm_mmu_spte_requested", e.get(0).name());
        assertEquals(new MmuSpteRequested(0x10, 0x20, 1), e.get(0).payload());
        assertEquals("CPU 1/KVM", e.get(1).prefix().comm());
        assertEquals(new KvmPageFault(1, 0x10L, 0x1000, 0x181), e.get(1).payload());
        assertEquals("kvm", e.get(1).system());
        assertEquals("kvmmmu", e.get(0).system());
    }

    @Test
    void mailWrappedRecordsAndGaps() throws IOException {
        List<TraceEvent> e = read("""
                VCPU-0-61883   [078] ..... 72276.127008: kvm_tdp_mmu_spte_changed: as id 0
                gfn 1000 level 1 old_spte 0
                new_spte 600000000abcb77
                --
                VCPU-0-61883   [078] ..... 72276.127009:
                kvm_fpu: load
                ...
                VCPU-0-61883   [078]
                ..... 72276.127010: kvm_mmu_set_spte: gfn 1000 spte 600000000abcb77 (rwxu)
                level 1 at 2000000
                VCPU-0-61883   [078] ..... 72276.127011: kvm_page_fault:
                address 1000000 error_code 6
                """);
        clean();
        assertEquals(4, e.size());
        assertEquals(new TdpMmuSpteChanged(0, 0x1000, 1, 0, 0x600000000abcb77L), e.get(0).payload());
        assertEquals(1, e.get(0).line());
        assertEquals(new KvmFpu(true), e.get(1).payload()); // cut right after the timestamp
        assertEquals(5, e.get(1).line());
        assertEquals(new MmuSetSpte(0x1000, 0x600000000abcb77L, "rwxu", 1, 0x2000000), e.get(2).payload());
        assertEquals(8, e.get(2).line()); // cut inside the prefix, after [cpu]
        assertEquals(new KvmPageFault(null, null, 0x1000000, 6), e.get(3).payload());
        assertEquals(2, diag.gaps());
        assertEquals(6, diag.continuationLines());
    }

    @Test
    void crlfLoneCrAndMailQuoting() throws IOException {
        String text = "> # tracer: nop\r\n"
                + ">            qemu-1     [000] .... 1.000001: kvm_fpu: load\r\n"
                + "> >           qemu-1     [000] .... 1.000002: kvm_mmu_spte_requested: gfn\r\n"
                + ">> 10 pfn 20 level 1\r\n"
                + ">            qemu-1     [000] .... 1.000003: kvm_mmu_get_page: sp gen 0 gfn 0 l4 8-byte q0 direct "
                + "wux nxe ad root 0 sync new\r\n"
                + ">            qemu-1     [000] .... 1.000004: <stack trace>\r\n"
                + ">  => tdp_mmu_init_sp\r"
                + ">  => kvm_tdp_mmu_get_vcpu_root_hpa\r\n";
        List<TraceEvent> e = read(text);
        clean();
        assertEquals(3, e.size());
        assertEquals(new KvmFpu(true), e.get(0).payload());
        assertEquals(new MmuSpteRequested(0x10, 0x20, 1), e.get(1).payload());
        assertEquals(List.of("tdp_mmu_init_sp", "kvm_tdp_mmu_get_vcpu_root_hpa"), e.get(2).prefix().stack());
        assertEquals(8, diag.lines());
    }

    @Test
    void stackTracesAttachToTheEventBeforeThem() throws IOException {
        List<TraceEvent> e = read("""
                  qemu-7  [002] ...1. 10.000001: kvm_mmu_get_page: sp gen 0 gfn 0 l1 8-byte q0 direct wux nxe ad root 0 sync new
                  qemu-7  [002] ...1. 10.000002: <stack trace>
                 => trace_event_raw_event_kvm_mmu_get_page
                 => tdp_mmu_init_sp
                  qemu-7  [002] ...1. 10.000003: <user stack trace>
                 =>  <00007f00deadbeef>
                  qemu-7  [002] ...1. 10.000004: kvm_fpu: load
                  qemu-7  [002] ...1. 10.000005: kvm_fpu: unload
                 => kvm_put_guest_fpu
                """);
        clean();
        assertEquals(3, e.size());
        assertEquals(List.of("trace_event_raw_event_kvm_mmu_get_page", "tdp_mmu_init_sp", "<00007f00deadbeef>"),
                e.get(0).prefix().stack());
        assertEquals(List.of(), e.get(1).prefix().stack());
        assertEquals(List.of("kvm_put_guest_fpu"), e.get(2).prefix().stack()); // marker lost in a copy
        assertEquals(6, diag.stackLines());
    }

    @Test
    void stackTraceOfAnotherCpuIsAttachedWithAWarning() throws IOException {
        List<TraceEvent> e = read("""
                  qemu-7  [002] ...1. 10.000001: kvm_fpu: load
                  qemu-8  [003] ...1. 10.000002: <stack trace>
                 => kvm_load_guest_fpu
                """);
        assertEquals(List.of("kvm_load_guest_fpu"), e.get(0).prefix().stack());
        assertEquals(1, diag.warningCount());
        assertEquals(2, diag.warnings().get(0).line());
    }

    @Test
    void lostEventsAreWarnings() throws IOException {
        List<TraceEvent> e = read("""
                  qemu-7  [002] .... 10.000001: kvm_fpu: load
                CPU:2 [LOST 17 EVENTS]
                  qemu-7  [002] .... 10.000009: kvm_fpu: unload
                CPU:3 [5 EVENTS DROPPED]
                """);
        assertEquals(2, e.size());
        assertEquals(22, diag.lostEvents());
        assertEquals(2, diag.warningCount());
        assertEquals(2, diag.warnings().get(0).line());
        assertEquals(0, diag.unparsedLines());
    }
}
