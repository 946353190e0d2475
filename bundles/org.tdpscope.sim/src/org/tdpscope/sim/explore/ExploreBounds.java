/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.util.Set;

/**
 * How far the {@link Explorer} goes.
 *
 * @param maxDepth      schedule steps per run (one step = one thread to its next interleaving point)
 * @param maxYields     walk yields per run; runs that would yield more are cut
 * @param maxVisits     node visits per worker before giving up (the result is then marked truncated)
 * @param repeating     threads whose program repeats forever (an invalidation storm, a vCPU that keeps
 *                      reloading): their operations are unrolled {@code unroll} times, their position is
 *                      hashed modulo the program length, and runs end when every other thread is done
 * @param unroll        how many times a repeating program is unrolled in the simulated (and replayed) scenario
 * @param stateHashing  skip states already explored (exact state hash)
 * @param partialOrder  sleep sets over the independence rule {@code Simulation.commute}
 * @param workers       worker threads; the tree is split at {@code splitDepth}, the workers take the subtrees from
 *                      a queue and share the visited states; results depend on the bounds only, never on timing
 * @param splitDepth    depth at which subtrees are handed to the workers
 * @param maxInvalidations invalidation operations started per run (see {@link #withMaxInvalidations})
 */
public record ExploreBounds(int maxDepth, int maxYields, long maxVisits, Set<String> repeating, int unroll,
        boolean stateHashing, boolean partialOrder, int workers, int splitDepth, int maxInvalidations) {

    public ExploreBounds {
        repeating = Set.copyOf(repeating);
        if (maxDepth < 1 || maxYields < 0 || maxVisits < 1 || unroll < 1 || workers < 1 || splitDepth < 0
                || maxInvalidations < 0) {
            throw new IllegalArgumentException("bad exploration bounds");
        }
    }

    /**
     * Depth 64, 32 yields, 50 M visits per worker, no repeating thread, hashing and POR on, 2 workers taking
     * the subtrees below depth 3 (dozens of them, so neither worker waits on one big one), no invalidation bound.
     */
    public static ExploreBounds defaults() {
        return new ExploreBounds(64, 32, 50_000_000L, Set.of(), 64, true, true, 2, 3, Integer.MAX_VALUE);
    }

    public ExploreBounds withMaxDepth(int d) {
        return new ExploreBounds(d, maxYields, maxVisits, repeating, unroll, stateHashing, partialOrder, workers,
                splitDepth, maxInvalidations);
    }

    public ExploreBounds withMaxYields(int y) {
        return new ExploreBounds(maxDepth, y, maxVisits, repeating, unroll, stateHashing, partialOrder, workers,
                splitDepth, maxInvalidations);
    }

    public ExploreBounds withMaxVisits(long v) {
        return new ExploreBounds(maxDepth, maxYields, v, repeating, unroll, stateHashing, partialOrder, workers,
                splitDepth, maxInvalidations);
    }

    public ExploreBounds withRepeating(String... threads) {
        return new ExploreBounds(maxDepth, maxYields, maxVisits, Set.of(threads), unroll, stateHashing, partialOrder,
                workers, splitDepth, maxInvalidations);
    }

    public ExploreBounds withReductions(boolean hashing, boolean por) {
        return new ExploreBounds(maxDepth, maxYields, maxVisits, repeating, unroll, hashing, por, workers,
                splitDepth, maxInvalidations);
    }

    public ExploreBounds withWorkers(int w) {
        return new ExploreBounds(maxDepth, maxYields, maxVisits, repeating, unroll, stateHashing, partialOrder, w,
                splitDepth, maxInvalidations);
    }

    public ExploreBounds withSplitDepth(int d) {
        return new ExploreBounds(maxDepth, maxYields, maxVisits, repeating, unroll, stateHashing, partialOrder,
                workers, d, maxInvalidations);
    }

    /**
     * At most {@code n} invalidation operations (fast zap, memslot delete/move, mmu_notifier unmap) start in one
     * interleaving; a thread whose next operation would exceed that stops there (the rest of its program is not
     * run). Meant for repeating invalidators: {@code repeat Z} with {@code invalidations 3}.
     */
    public ExploreBounds withMaxInvalidations(int n) {
        return new ExploreBounds(maxDepth, maxYields, maxVisits, repeating, unroll, stateHashing, partialOrder, workers,
                splitDepth, n);
    }
}
