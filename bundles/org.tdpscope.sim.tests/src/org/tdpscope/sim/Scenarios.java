/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.mmu.SpteOp;

/** Small scenario builders shared by the simulator tests. */
final class Scenarios {

    private Scenarios() {
    }

    /** One 4K-only memslot (dirty logging keeps every leaf 4K) of 4096 pages at gfn 0. */
    static Scenario base() {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        return s;
    }

    static Op.Walk walk(SpteOp op, long start, long end, YieldSpec y) {
        return new Op.Walk(op, start, end, true, true, y, Variants.KERNEL, false);
    }

    static Op.Walk walk(SpteOp op, long start, long end, YieldSpec y, Variants v) {
        return new Op.Walk(op, start, end, true, true, y, v, false);
    }

    static Op.Fault write(long gfn) {
        return new Op.Fault(gfn, true, false);
    }

    /** The root-life events of a run as "event root rc" words, e.g. "root.get B 2". */
    static List<String> rootEvents(List<TraceEvent> events) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.type().id().startsWith("root.")) {
                out.add(e.type().id() + " " + e.root() + " " + e.rc() + (e.is(EventType.ROOT_FREE) || e.is(EventType.ROOT_UNLINK) ? " " + e.thread() : ""));
            }
        }
        return out;
    }

    static List<String> violations(RunResult r) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : r.violations()) {
            out.add(e.invariant().word() + (e.root() != null ? " " + e.root() : ""));
        }
        return out;
    }
}
