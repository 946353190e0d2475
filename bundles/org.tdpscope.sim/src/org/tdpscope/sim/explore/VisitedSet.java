/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

/**
 * The visited states an exploration prunes against: {@link VisitedStates} in one JVM, a set partitioned over the
 * members of a cluster ({@link SubtreeSearch}). Every implementation keeps the rule of {@link VisitedStates#visit}: a
 * visit may be skipped only when a visit that was started before it dominates it (no deeper, no more yields, a sleep
 * set no larger, at the same depth a path that comes first); the explorer's results then do not depend on which
 * dominating visit it was, nor on whether a skippable visit was in fact skipped.
 */
public interface VisitedSet {

    /**
     * Records a visit; true if the search may skip it (see {@link VisitedStates#visit}). Called by every worker
     * thread: implementations are thread-safe, and the check and the insert are one atomic step.
     */
    boolean visit(long state, int depth, int yields, long sleep, long pathOrder, boolean prune);

    /**
     * {@code n} visits at one depth (a node's children) recorded as one step where that saves work (a cluster: one
     * round trip per member); {@code skip[k]} as {@link #visit} would say for the k-th. The states are distinct.
     */
    default void visitAll(int n, long[] states, int depth, int[] yields, long[] sleeps, long[] orders, boolean prune,
            boolean[] skip) {
        for (int k = 0; k < n; k++) {
            skip[k] = visit(states[k], depth, yields[k], sleeps[k], orders[k], prune);
        }
    }

    /** True when {@link #visitAll} is worth its cost (the explorer then steps a node's children before searching). */
    default boolean batches() {
        return false;
    }

    /** Distinct states so far (for progress; may be a recent figure rather than the current one). */
    long size();

    /** Distinct states held exactly when the set degraded to bit-state hashing, or -1 (it did not). */
    default long degradedAt() {
        return -1;
    }
}
