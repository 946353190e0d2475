/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A run that can be stood at any step, forwards or backwards, without replaying it from the start:
 * the first pass keeps checkpoints (copy-on-write forks, {@link Simulation#fork}) at boundaries
 * between schedule steps and between the steps of a thread running to its end, at least
 * {@code interval} events apart, and {@link #at} goes on from the
 * last checkpoint before the step wanted. Checkpoints cost only the pages the run changed
 * after them.
 */
public final class Replay {

    private static final TraceListener QUIET = e -> {
    };

    /** A fork standing between two units of the run, after {@code events} events. */
    private record Checkpoint(long events, Simulation sim) {
    }

    /** Beyond this many checkpoints every other one goes and the interval doubles: memory stays bounded. */
    static final int MAX_CHECKPOINTS = 1024;

    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private final RunResult result;
    private long interval;

    /**
     * Runs {@code scenario} under {@code policy} to its end, telling {@code listener} every event, and
     * keeps a checkpoint at most every {@code interval} events (0: at every boundary); a long run
     * thins them out to at most {@value #MAX_CHECKPOINTS}.
     */
    public Replay(Scenario scenario, Policy policy, TraceListener listener, long interval) {
        this.interval = interval;
        Simulation sim = new Simulation(scenario, policy, listener);
        result = sim.runTo(Long.MAX_VALUE, this::checkpoint);
    }

    /** Checkpoints every 64 events or so. */
    public Replay(Scenario scenario, Policy policy, TraceListener listener) {
        this(scenario, policy, listener, 64);
    }

    private void checkpoint(Simulation sim) {
        long events = sim.kvm().step();
        if (checkpoints.isEmpty() || events - checkpoints.get(checkpoints.size() - 1).events() >= interval) {
            checkpoints.add(new Checkpoint(events, sim.fork(QUIET)));
            if (checkpoints.size() > MAX_CHECKPOINTS) {
                for (int i = checkpoints.size() - 1; i > 0; i -= 2) {
                    checkpoints.remove(i);
                }
                interval = Math.max(1, interval) * 2;
            }
        }
    }

    /** The whole run's result (the simulation at its end). */
    public RunResult result() {
        return result;
    }

    public int checkpoints() {
        return checkpoints.size();
    }

    /**
     * A new simulation standing right after event {@code step} (0: before the first event; past the
     * end: at the end), as {@code new Simulation(...).runTo(step)} would leave it. Events from the
     * checkpoint on go to {@code listener}; the ones before it were told in the first pass.
     */
    public Simulation at(long step, TraceListener listener) {
        Checkpoint from = null;
        for (Checkpoint c : checkpoints) {
            if (c.events() >= step) {
                break; // stopping at event `step` itself leaves its unit mid-way: start before that unit
            }
            from = c;
        }
        if (from == null) {
            // before the first unit: inside the set-up (memslot events); it is short
            Simulation sim = new Simulation(result.simulation().scenario(), result.simulation().policy(), listener);
            sim.runTo(step);
            return sim;
        }
        Simulation sim = from.sim().fork(listener);
        sim.resumeTo(step);
        return sim;
    }
}
