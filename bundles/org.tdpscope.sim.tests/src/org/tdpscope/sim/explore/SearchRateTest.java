/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SearchRateTest {

    private static final long S = 1_000_000_000L;

    /**
     * A search that warms up (slow, then fast) and then slows down: the progress line's rate is the last window's,
     * the average is the whole search's.
     */
    @Test
    void recentRateFollowsTheSearchAndTheAverageSpansIt() {
        long t0 = 5 * S;
        SearchRate r = new SearchRate(t0);
        assertEquals(20_000, r.recent(10_000, t0 + S / 2), 1e-6, "in the first second: the average");
        assertEquals(10_000, r.recent(10_000, t0 + S), 1e-6, "the first second: 10,000 states");
        assertEquals(10_000, r.recent(60_000, t0 + S + S / 2), 1e-6, "within a window: the last one's rate");
        assertEquals(200_000, r.recent(210_000, t0 + 2 * S), 1e-6, "warm: 200,000 states in the second window");
        assertEquals(105_000, r.average(210_000, t0 + 2 * S), 1e-6);
        assertEquals(20_000, r.recent(270_000, t0 + 5 * S), 1e-6, "a long window (a sparse line): 60,000 in 3 s");
        assertEquals(54_000, r.average(270_000, t0 + 5 * S), 1e-6);
        assertEquals(5.0, r.seconds(t0 + 5 * S), 1e-9);
    }
}
