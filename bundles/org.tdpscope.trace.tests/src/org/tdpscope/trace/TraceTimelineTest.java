/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.trace.TraceTimeline.Mark;

/** The columns behind the Trace view's timeline: lanes, time order, searches, marks. */
class TraceTimelineTest {

    private static TraceEvent event(String comm, int pid, int cpu, long ts, long line, Payload p) {
        return new TraceEvent(new Prefix(comm, pid, pid, cpu, "....", ts, line, Prefix.Shape.TRACEFS, List.of()),
                "kvm_tdp_mmu_spte_changed", p);
    }

    @Test
    void lanesPerTaskInFirstSeenOrderAndPerCpuInCpuOrder() {
        TraceTimeline t = new TraceTimeline();
        t.add(event("vmm", 2, 7, 100, 1, new Payload.MmuZapAllFast(1, 2)));
        t.add(event("vmm", 1, 3, 200, 2, new Payload.KvmPageFault(0, 0L, 0, 0)));
        t.add(event("vmm", 2, 3, 150, 3, new Payload.TdpMmuSpteChanged(0, 1, 1, 0, 0x600001980dc3b77L)));
        t.finish();
        assertEquals(List.of("vmm-2", "vmm-1"), List.of(t.laneName(Grouping.TASK, 0), t.laneName(Grouping.TASK, 1)));
        assertEquals(List.of("CPU 3", "CPU 7"), List.of(t.laneName(Grouping.CPU, 0), t.laneName(Grouping.CPU, 1)));
        // a lane whose timestamps go backwards in file order is sorted by time (ties would keep file order)
        assertEquals(2, t.event(Grouping.TASK, 0, 1), "vmm-2's events: line 1 (100 ns), then line 3 (150 ns)");
        assertEquals(100, t.timestampNs(t.event(Grouping.TASK, 0, 0)));
        assertEquals(150, t.timestampNs(t.event(Grouping.TASK, 0, 1)));
        assertEquals(150, t.timestampNs(t.event(Grouping.CPU, 0, 0)), "CPU 3: 150 before 200");
        assertEquals(7, t.cpuOf(0));
        assertEquals(Mark.FAST_ZAP, t.mark(0));
        assertEquals(Mark.PAGE_FAULT, t.mark(1));
        assertEquals(Mark.SPTE_SET, t.mark(2));
        assertEquals(1, t.eventAtLine(2));
        assertEquals(-1, t.eventAtLine(0));
        assertEquals(100, t.firstNs());
        assertEquals(200, t.lastNs());
    }

    @Test
    void gallopingSearchAgreesWithBinarySearch() {
        Random r = new Random(3);
        TraceTimeline t = new TraceTimeline();
        long ts = 0;
        for (int i = 0; i < 20_000; i++) {
            ts += r.nextInt(4) == 0 ? 0 : r.nextInt(1000); // repeated timestamps too
            t.add(event("vcpu", r.nextInt(3), r.nextInt(2), ts, i + 1, new Payload.MmuZapAllFast(0, 0)));
        }
        t.finish();
        for (Grouping g : Grouping.values()) {
            for (int lane = 0; lane < t.laneCount(g); lane++) {
                int from = 0;
                for (long ns = -5; ns < ts + 2000; ns += 1 + r.nextInt(3000)) {
                    int want = t.lowerBound(g, lane, ns);
                    int got = t.lowerBoundFrom(g, lane, from, ns);
                    assertEquals(want, got, "lane " + lane + " at " + ns);
                    from = got;
                }
            }
        }
    }

    /** The kinds of any run of a lane's events, from the block summaries, are those of the events one by one. */
    @Test
    void theKindsOfAnyRunOfEventsAreThoseOfItsEvents() {
        Random r = new Random(7);
        TraceTimeline t = new TraceTimeline();
        Payload[] kinds = { new Payload.MmuZapAllFast(0, 0), new Payload.KvmPageFault(0, 0L, 0, 0),
                new Payload.TdpMmuSpteChanged(0, 1, 1, 0, 0x600001980dc3b77L),
                new Payload.TdpMmuSpteChanged(0, 1, 1, 0x1, Sptes.FROZEN) };
        for (int i = 0; i < 300_000; i++) {
            // mostly frozen SPTEs, a rare other kind: what a column of a zap storm holds
            Payload p = r.nextInt(500) == 0 ? kinds[r.nextInt(3)] : kinds[3];
            t.add(event("vcpu", r.nextInt(2), 0, i, i + 1, p));
        }
        t.finish();
        for (int trial = 0; trial < 2000; trial++) {
            Grouping g = Grouping.values()[r.nextInt(2)];
            int lane = r.nextInt(t.laneCount(g));
            int n = t.laneSize(g, lane);
            int from = r.nextInt(n);
            int to = from + 1 + (trial % 3 == 0 ? r.nextInt(n - from) : r.nextInt(Math.min(n - from, 300)));
            int want = 0;
            for (int k = from; k < to; k++) {
                want |= 1 << t.mark(t.event(g, lane, k)).ordinal();
            }
            assertEquals(want, t.kinds(g, lane, from, to), g + " lane " + lane + " [" + from + ", " + to + ")");
        }
    }

    @Test
    void frozenAndZappedSptesHaveTheirOwnMarks() {
        assertEquals(Mark.FROZEN, TraceTimeline.markOf(new Payload.TdpMmuSpteChanged(0, 1, 1, 0x1, Sptes.FROZEN)));
        assertEquals(Mark.SPTE_ZAP, TraceTimeline.markOf(new Payload.TdpMmuSpteChanged(0, 1, 1, 0x600001980dc3b77L, 0)));
        assertTrue(Mark.FAST_ZAP.ordinal() > Mark.SPTE_SET.ordinal(), "a fast zap wins a shared pixel");
    }
}
