/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Same scenario, same bytes; stepping back is replaying to the earlier step. */
class DeterminismTest {

    private static String trace(Scenario s, Policy p) {
        StringWriter w = new StringWriter();
        new Simulation(s, p, new JsonlTraceWriter(w)).run();
        return w.toString();
    }

    @Test
    void twoRunsGiveTheSameBytes() {
        for (Policy p : Policy.values()) {
            String a = trace(InvariantsTest.staleSpte(false), p);
            String b = trace(InvariantsTest.staleSpte(false), p);
            assertFalse(a.isEmpty());
            assertEquals(a, b, p.word());
        }
    }

    @Test
    void jsonLinesCarryStepThreadEventAndFields() {
        String[] lines = trace(InvariantsTest.staleSpte(false), Policy.TERMINATE).split("\n");
        assertTrue(lines[0].startsWith("{\"step\":1,\"thread\":\"setup\",\"event\":\"memslot\""), lines[0]);
        boolean sawGet = false;
        for (String l : lines) {
            assertTrue(l.startsWith("{") && l.endsWith("}"), l);
            if (l.contains("\"event\":\"root.get\"")) {
                sawGet = true;
                assertTrue(l.matches(".*\"root\":\"[A-Z]+\",\"rc\":[0-9]+.*"), l);
            }
        }
        assertTrue(sawGet);
    }

    /** The observable state at a step: root list, refcounts, states, violations so far. */
    private static String stateAt(Scenario s, Policy p, long step) {
        RunResult r = new Simulation(s, p, e -> { }).runTo(step);
        StringBuilder sb = new StringBuilder("step " + r.steps() + ":");
        for (Root root : r.kvm().allRoots()) {
            sb.append(' ').append(root.name()).append('/').append(root.refcount()).append('/').append(root.state())
                    .append(root.invalid() ? "/invalid" : "").append("/spte=")
                    .append(root.freed() ? 0 : r.kvm().mmu().countPresentLeaves(root.hpfn()));
        }
        sb.append(" list=").append(r.simulation().listedRootNames()).append(" violations=")
                .append(r.violations().size());
        return sb.toString();
    }

    @Test
    void stepBackThenForwardGivesTheSameState() {
        Scenario s = InvariantsTest.staleSpte(false);
        List<TraceEvent> all = new ArrayList<>();
        Simulation.run(s, Policy.CONTINUE, all);
        for (long step = 1; step <= all.size(); step += 7) {
            String forward = stateAt(InvariantsTest.staleSpte(false), Policy.CONTINUE, step);
            String back = stateAt(InvariantsTest.staleSpte(false), Policy.CONTINUE, Math.min(all.size(), step + 5));
            String again = stateAt(InvariantsTest.staleSpte(false), Policy.CONTINUE, step);
            assertEquals(forward, again, "state at step " + step + " after stepping forward then back");
            assertTrue(forward.startsWith("step " + step + ":"), forward);
            assertTrue(back.length() > 0);
        }
    }
}
