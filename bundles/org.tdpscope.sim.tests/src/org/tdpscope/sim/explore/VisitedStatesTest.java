/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Policy;

/** The compact visited set: the same answers in both record layouts, growth, and bit-state hashing past its budget. */
class VisitedStatesTest {

    /** 4 threads pack depth, yields, sleep set and path order in one long; 31 threads need two. */
    @Test
    void packedAndWideRecordsAnswerAlike() {
        VisitedStates narrow = new VisitedStates(4, 64, 32, Long.MAX_VALUE);
        VisitedStates wide = new VisitedStates(31, 64, 32, Long.MAX_VALUE);
        int bits = VisitedStates.choiceBits(4);
        assertEquals(2, bits);
        Random rnd = new Random(7);
        Set<Long> distinct = new HashSet<>();
        int pruned = 0;
        for (int i = 0; i < 200_000; i++) {
            long state = rnd.nextInt(20_000) * 0x9E3779B97F4A7C15L; // revisits, key 0 included
            distinct.add(state);
            int depth = rnd.nextInt(65);
            int yields = rnd.nextInt(40);
            long sleep = rnd.nextInt(16);
            long order = 0;
            for (int k = 0; k < VisitedStates.ORDER_CHOICES; k++) {
                order = order << bits | rnd.nextInt(4);
            }
            boolean a = narrow.visit(state, depth, yields, sleep, order, true);
            boolean b = wide.visit(state, depth, yields, sleep, order, true);
            assertEquals(a, b, "visit " + i);
            pruned += a ? 1 : 0;
        }
        assertEquals(distinct.size(), narrow.size());
        assertEquals(narrow.size(), wide.size());
        assertTrue(pruned > 1000 && pruned < 199_000, "pruned " + pruned);
        assertEquals(-1, narrow.degradedAt());
    }

    /**
     * Seven threads split at depth 3: 12-byte slots keeping the three choices above the split answer as the 16-byte
     * slots with all twelve whenever paths differ above the split (below it one worker searches in path order).
     */
    @Test
    void compactRecordsKeepTheChoicesAboveTheSplit() {
        VisitedStates compact = new VisitedStates(7, 64, 32, Long.MAX_VALUE, 3);
        VisitedStates full = new VisitedStates(7, 64, 32, Long.MAX_VALUE);
        int bits = VisitedStates.choiceBits(7);
        Random rnd = new Random(11);
        int pruned = 0;
        for (int i = 0; i < 300_000; i++) {
            long state = rnd.nextInt(100_000) * 0x9E3779B97F4A7C15L;
            int depth = 3 + rnd.nextInt(62);
            int yields = rnd.nextInt(34);
            long sleep = rnd.nextInt(128);
            long order = 0;
            for (int k = 0; k < VisitedStates.ORDER_CHOICES; k++) {
                order = order << bits | (k < 3 ? rnd.nextInt(7) : 0);
            }
            boolean a = compact.visit(state, depth, yields, sleep, order, true);
            assertEquals(full.visit(state, depth, yields, sleep, order, true), a, "visit " + i);
            pruned += a ? 1 : 0;
        }
        assertEquals(full.size(), compact.size());
        assertTrue(pruned > 1000, "pruned " + pruned);
        // same depth, same choices above the split, a later path below it: pruned (one worker got there in order)
        long first = 0b001_010_011L << 9 * bits;
        assertFalse(compact.visit(77, 20, 0, 0, first, true));
        assertTrue(compact.visit(77, 20, 0, 0, first | 5, true));
        assertTrue(compact.tableBytes() * 4 <= full.tableBytes() * 3,
                compact.tableBytes() + " vs " + full.tableBytes());
    }

    /** The pruning rule itself: deeper, more yields, larger sleep set, later path at equal depth. */
    @Test
    void pruningRule() {
        VisitedStates v = new VisitedStates(7, 64, 32, Long.MAX_VALUE);
        assertFalse(v.visit(42, 5, 1, 0b10, 100, true));
        assertTrue(v.visit(42, 6, 1, 0b10, 0, true)); // deeper
        assertTrue(v.visit(42, 5, 1, 0b11, 100, true)); // same depth, same order, larger sleep set
        assertFalse(v.visit(42, 5, 0, 0b10, 100, true)); // fewer yields: explore again
        assertFalse(v.visit(42, 5, 0, 0b10, 99, true)); // an earlier path at the same depth
        assertTrue(v.visit(42, 5, 0, 0b10, 99, true));
        assertFalse(v.visit(42, 4, 0, 0, 1L << 35, true)); // shallower, whatever the order
        assertFalse(v.visit(42, 4, 0, 0, 0, false)); // no hashing: never skipped
        assertEquals(1, v.size());
    }

    /** Past the budget new states go to a bit array: no error, the figure says so, known states stay exact. */
    @Test
    void degradesToBitStateHashing() {
        VisitedStates v = new VisitedStates(7, 64, 32, 64 * 1024 * 16 + 64 * 2048 * 16); // room for one doubling
        Set<Long> seen = new HashSet<>();
        for (long s = 1; s <= 500_000; s++) {
            boolean skip = v.visit(s * 0x9E3779B97F4A7C15L, 10, 0, 0, 0, true);
            if (!skip) {
                seen.add(s);
            }
        }
        assertTrue(v.degradedAt() > 0 && v.degradedAt() < 500_000, "degraded at " + v.degradedAt());
        assertTrue(v.bitStateBytes() > 0);
        // a few new states taken for old ones (shared bits) is the price; nearly all are new
        assertTrue(seen.size() > 490_000, "new " + seen.size());
        assertEquals(seen.size(), v.size());
        // a state held exactly before the switch is still pruned by the exact rule
        assertTrue(v.visit(1 * 0x9E3779B97F4A7C15L, 10, 0, 0, 0, true));
        assertFalse(v.visit(1 * 0x9E3779B97F4A7C15L, 9, 0, 0, 0, true));
    }

    /**
     * The budget is used, not half of it: tables grow to their share of a budget that is no power of two and fill to
     * 7/8 there, so the states held exactly are near 7/8 of the budget's slots (a doubling-only table stops at 3/8).
     */
    @Test
    void fillsItsBudgetBeforeDegrading() {
        long slots = 64 * 3000;
        VisitedStates v = new VisitedStates(7, 64, 32, slots * 16);
        for (long s = 1; s <= 400_000; s++) {
            v.visit(s * 0x9E3779B97F4A7C15L, 10, 0, 0, 0, true);
        }
        assertTrue(v.degradedAt() > slots * 3 / 4, "degraded at " + v.degradedAt() + " of " + slots + " slots");
        assertTrue(v.tableBytes() <= slots * 16, "tables " + v.tableBytes());
        for (long s = 1; s <= 1000; s++) { // held exactly before the switch, still found
            assertTrue(v.visit(s * 0x9E3779B97F4A7C15L, 10, 0, 0, 0, true));
        }
    }

    /** An exploration past its visited-set budget finishes, says it degraded, and finds only real outcomes. */
    @Test
    void explorationDegradesInsteadOfRunningOutOfMemory() {
        ExploreBounds b = ExploreBounds.defaults();
        ExploreResult exact = new Explorer().explore(ExploreBench.scenario(1), Policy.CONTINUE, b, null, null);
        assertFalse(exact.stats().degraded());
        ExploreResult small = new Explorer().explore(ExploreBench.scenario(1), Policy.CONTINUE, b, null, null,
                64 * 64 * 16); // 64 slots a stripe, no growth
        assertTrue(small.stats().degraded(), small.stats().toString());
        assertTrue(small.stats().bitStateFrom() < exact.stats().distinctStates());
        Set<Outcome.Key> all = new HashSet<>();
        for (Outcome o : exact.outcomes()) {
            all.add(o.key());
        }
        for (Outcome o : small.outcomes()) {
            assertTrue(all.contains(o.key()), o.toString());
        }
    }

    /**
     * The default budget is a share of the old generation, where the tables end up, and never more than 68% of the
     * heap: a budget past the old generation would fail at the last growth with the heap full of garbage instead of
     * degrading in time.
     */
    @Test
    void theDefaultBudgetFitsTheOldGeneration() {
        long max = Runtime.getRuntime().maxMemory();
        long old = VisitedStates.oldGenerationMax();
        long budget = VisitedStates.defaultBudget();
        assertTrue(budget > 0 && budget <= max / 100 * 68, budget + " of " + max);
        if (old > 0) {
            assertTrue(budget <= old / 10 * 8, budget + " of an old generation of " + old);
        }
    }
}
