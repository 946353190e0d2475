/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Each EPT violation a guest access meets is in the trace with its exit qualification (in the fault event that
 * serves it), and a faulting access names the failed check.
 */
class EptExitTraceTest {

    @Test
    void faultEventsCarryTheQualification() {
        Scenario s = new Scenario(); // EPT A/D on, 4-level guest and EPT
        s.name = "a faulting write";
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true)); // dirty logging: 4K EPT leaves
        // a read-only guest page, at gpa 0x10000
        s.guestMappings.add(new Scenario.GuestMapping(0x400000L, 0x10000L, 0x1000, 4096, false, false, false, false));
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", Scenario.ThreadKind.VCPU, new Op.LoadRoot(), new Op.Access(0x400000L, false, false, false),
                new Op.Access(0x400000L, true, false, false));
        List<TraceEvent> events = new ArrayList<>();
        StringWriter out = new StringWriter();
        JsonlTraceWriter jsonl = new JsonlTraceWriter(out);
        new Simulation(s, Policy.CONTINUE, e -> {
            events.add(e);
            jsonl.onEvent(e);
        }).run();
        List<String> faults = events.stream().filter(e -> e.is(EventType.FAULT)).map(TraceEvent::detail).toList();
        // 4 guest table pages, then the data page: 5 EPT violations, each served by one fault
        assertEquals(5, faults.size(), faults.toString());
        // the guest PML4E's gpa, nothing in the EPT: an access to a guest paging entry, a write for EPT A/D:
        // bits 0, 1 (0x3) + no permission (not present) + bit 7 (0x80), bit 8 clear: 0x83
        assertEquals("installed write by v0, EPT violation qual=0x83: EPT PML4E not present (read/write of guest"
                + " PML4E, EPT A/D on)", faults.get(0));
        // the data gpa: a read of the final translation: bit 0 + bit 7 + bit 8 = 0x181
        assertTrue(faults.get(4).startsWith("installed read by v0, EPT violation qual=0x181: EPT "), faults.get(4));
        assertTrue(faults.get(4).endsWith(" not present (read access)"), faults.get(4));
        List<String> accesses = events.stream().filter(e -> e.is(EventType.ACCESS)).map(TraceEvent::detail).toList();
        assertTrue(accesses.get(0).startsWith("gva 0x400000 -> hpa 0x"), accesses.get(0));
        assertEquals("gva 0x400000 guest #PF error code 0x3 after 20 references: guest PTE is read-only (R/W=0):"
                + " supervisor write with CR0.WP=1", accesses.get(1));
        // the JSON Lines file has the same words, in the detail field every reader knows
        assertTrue(out.toString().contains("\"event\":\"fault\"") && out.toString().contains("qual=0x83"));
    }
}
