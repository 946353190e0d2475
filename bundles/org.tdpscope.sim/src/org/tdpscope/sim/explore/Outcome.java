/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.ScheduleStep;

/**
 * One distinct outcome of an exploration: how the run ended, the roots each walker visited, the final
 * root list, the violations; how many explored runs ended so, and the shortest schedule found that
 * leads there (replayable through {@code Simulation}: see {@link ExploreResult#replayScenario}).
 */
public final class Outcome {

    public enum Kind {
        /** Every (non-repeating) thread finished. */
        COMPLETE,
        /** A state came back on the run with a walker stepping in between and no operation finishing (invariant 7). */
        LIVELOCK,
        /** Unfinished threads, none able to step. */
        DEADLOCK,
        /** Cut by the depth or yield bound with violations already raised. */
        BOUND,
        /** A step the simulator refused (a scenario error on this interleaving, e.g. a memslot deleted twice). */
        ERROR
    }

    /** What makes outcomes equal. Walks: per walker thread, the roots each of its walks visited, in order. */
    public record Key(Kind kind, Map<String, List<List<String>>> walks, List<String> finalRoots, List<String> violations,
            Boolean expectationsHold) {
    }

    private final Key key;
    private final long count;
    private final List<ScheduleStep> stem;
    private final List<ScheduleStep> cycle;
    private final int cycleRepeats;

    Outcome(Key key, long count, List<ScheduleStep> stem, List<ScheduleStep> cycle, int cycleRepeats) {
        this.key = key;
        this.count = count;
        this.stem = List.copyOf(stem);
        this.cycle = List.copyOf(cycle);
        this.cycleRepeats = cycleRepeats;
    }

    public Key key() {
        return key;
    }

    public Kind kind() {
        return key.kind();
    }

    public Map<String, List<List<String>>> walks() {
        return key.walks();
    }

    public List<String> finalRoots() {
        return key.finalRoots();
    }

    /** "invariant root" words, sorted, e.g. {@code use-after-free B}. */
    public List<String> violations() {
        return key.violations();
    }

    /** Whether the expectations passed to the explorer held at the end; null without expectations or before the end. */
    public Boolean expectationsHold() {
        return key.expectationsHold();
    }

    /** Explored runs that ended in this outcome (with state hashing: distinct end states reached). */
    public long count() {
        return count;
    }

    /** Something is wrong: a violation, a livelock, a deadlock or failed expectations. */
    public boolean bad() {
        return !key.violations().isEmpty() || key.kind() == Kind.LIVELOCK || key.kind() == Kind.DEADLOCK
                || key.kind() == Kind.ERROR
                || Boolean.FALSE.equals(key.expectationsHold());
    }

    /** For a livelock: the steps up to the first visit of the repeating state; otherwise the whole counterexample. */
    public List<ScheduleStep> stem() {
        return stem;
    }

    /** For a livelock: the steps that lead from the state back to itself; otherwise empty. */
    public List<ScheduleStep> cycle() {
        return cycle;
    }

    /**
     * The counterexample schedule: the stem, then (livelock) the cycle repeated often enough for the
     * simulator's own restart cut-off to fire on replay.
     */
    public List<ScheduleStep> schedule() {
        List<ScheduleStep> out = new ArrayList<>(stem);
        for (int i = 0; i < cycleRepeats; i++) {
            out.addAll(cycle);
        }
        return out;
    }

    /** Steps in the shortest run found (stem plus one turn of the cycle). */
    public int length() {
        return stem.size() + cycle.size();
    }

    @Override
    public String toString() {
        return key.kind() + " x" + count + " walks " + key.walks() + " roots " + key.finalRoots() + " violations "
                + key.violations() + (key.expectationsHold() == null ? "" : " expectations " + key.expectationsHold())
                + " shortest " + length() + " steps";
    }
}
