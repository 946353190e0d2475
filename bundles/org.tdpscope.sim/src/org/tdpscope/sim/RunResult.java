/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.List;

/**
 * How a run ended: complete or stopped at a step, with the schedule error if one step could not be
 * taken. The simulation itself stays readable (roots, SPTEs, threads) for expectations and views.
 */
public record RunResult(Simulation simulation, boolean complete, ScheduleException error) {

    public Kvm kvm() {
        return simulation.kvm();
    }

    public long steps() {
        return simulation.kvm().step();
    }

    public List<TraceEvent> violations() {
        return simulation.kvm().violations();
    }

    /** The roots the last walk of {@code thread} visited, in order; empty if it walked none. */
    public List<String> lastWalk(String thread) {
        SimThread t = simulation.thread(thread);
        if (t == null || t.walks().isEmpty()) {
            return List.of();
        }
        return t.walks().get(t.walks().size() - 1);
    }
}
