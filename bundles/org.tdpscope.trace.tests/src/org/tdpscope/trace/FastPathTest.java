/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The shortcuts of the byte reader give what the full scan gives: a line whose head (task, CPU, flags)
 * was seen before but whose rest differs, event counts per lane in their order of appearance, CPU numbers
 * beyond the lane array.
 */
class FastPathTest {

    private static List<TraceEvent> read(String text) throws IOException {
        try (TraceReader r = TraceReader.of(text)) {
            return r.readAll();
        }
    }

    @Test
    void aKnownHeadFollowedBySomethingElse() throws IOException {
        String noFlags = "       trace-cmd-1234  [001] ";
        List<TraceEvent> events = read(noFlags + "1234.000001: kvm_entry: vcpu 0\n"
                + noFlags + "1234.000002: kvm_entry: vcpu 1\n"
                // the same bytes up to here, then flags: not the head seen before
                + noFlags + "d..1 1234.000003: kvm_entry: vcpu 2\n"
                + noFlags + "1234.000004: kvm_entry: vcpu 3\n"
                // the same head, then a <stack trace> marker and its line
                + noFlags + "1234.000005: <stack trace>\n => vcpu_enter_guest\n"
                // the same head, then a perf-style name
                + noFlags + "1234.000006: kvm:kvm_entry: vcpu 4\n");
        assertEquals(5, events.size());
        assertEquals(List.of("", "", "d..1", "", ""), events.stream().map(e -> e.prefix().flags()).toList());
        assertEquals(List.of(Prefix.Shape.TRACE_CMD, Prefix.Shape.TRACE_CMD, Prefix.Shape.TRACEFS,
                Prefix.Shape.TRACE_CMD, Prefix.Shape.PERF_SCRIPT), events.stream().map(e -> e.prefix().shape()).toList());
        assertEquals(List.of("vcpu_enter_guest"), events.get(3).prefix().stack());
        assertEquals(List.of(1_234_000_001_000L, 1_234_000_002_000L, 1_234_000_003_000L, 1_234_000_004_000L,
                1_234_000_006_000L), events.stream().map(TraceEvent::timestampNs).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 7L), events.stream().map(TraceEvent::line).toList());
    }

    @Test
    void timestampsOfEveryLength() throws IOException {
        String head = "           vmm-4242    [003] ...1. ";
        StringBuilder b = new StringBuilder();
        String[] stamps = { "0.1", "1.123456789", "1234567890.000001", "123456789.12345678", "7.0000001" };
        for (String ts : stamps) {
            b.append(head).append(ts).append(": kvm_entry: vcpu 0\n");
        }
        b.append(head).append("123456789012.000001: kvm_entry: vcpu 0\n"); // 12 digits of seconds: no timestamp
        b.append(head).append("1.1234567890: kvm_entry: vcpu 0\n"); // 10 digits of fraction: no timestamp
        TraceReader r = TraceReader.of(b.toString());
        List<TraceEvent> events = r.readAll();
        assertEquals(List.of(100_000_000L, 1_123_456_789L, 1_234_567_890_000_001_000L, 123_456_789_123_456_780L,
                7_000_000_100L), events.stream().map(TraceEvent::timestampNs).toList());
        assertEquals(2, r.diagnostics().unparsedLines());
    }

    @Test
    void laneCountsAndFarCpus() throws IOException {
        String text = "  a-1 [000] ...1. 1.000001: kvm_entry: vcpu 0\n"
                + "  a-1 [70000] ...1. 1.000002: kvm_exit: vcpu 0 reason HLT rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 "
                + "error_code 0x0\n"
                + "  a-1 [003] ...1. 1.000003: kvm_entry: vcpu 0\n"
                + "  b-2 [003] ...1. 1.000004: kvm_exit: vcpu 1 reason HLT rip 0x1 info1 0x0 info2 0x0 intr_info 0x0 "
                + "error_code 0x0\n"
                + "  b-2 [003] ...1. 1.000005: kvm_entry: vcpu 1\n"
                + "  a-1 [70000] ...1. 1.000006: kvm_entry: vcpu 0\n";
        TraceReconstruction r;
        try (TraceReader reader = TraceReader.of(text)) {
            r = TraceReconstruction.read(reader);
        }
        assertEquals(List.of(0, 3, 70000), List.copyOf(r.cpuLanes().keySet()));
        assertEquals(Map.of("kvm_exit", 1L, "kvm_entry", 1L), r.cpuLanes().get(70000).counts());
        assertEquals(List.of("kvm_exit", "kvm_entry"), List.copyOf(r.cpuLanes().get(70000).counts().keySet()));
        assertEquals(List.of("kvm_entry", "kvm_exit"), List.copyOf(r.cpuLanes().get(3).counts().keySet()));
        assertEquals(List.of(2L, 1L), List.copyOf(r.cpuLanes().get(3).counts().values()));
        assertEquals(List.of("a-1", "b-2"), List.copyOf(r.cpuLanes().get(3).partners()));
        assertEquals(List.of("CPU 0", "CPU 70000", "CPU 3"), List.copyOf(r.taskLanes().get(1).partners()));
        assertEquals(List.of("kvm_entry", "kvm_exit"), List.copyOf(r.eventCounts().keySet()));
        assertEquals(List.of(4L, 2L), List.copyOf(r.eventCounts().values()));
    }
}
