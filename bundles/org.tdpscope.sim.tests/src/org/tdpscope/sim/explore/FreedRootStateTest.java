/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Simulation;

/**
 * A walk that yielded in a root freed under it (no reference held) reads that root's invalid flag when it goes on:
 * under the restart policy an invalid one sends it back to the head, a valid one on to the stale next root (use after
 * free). Two states that differ only there are two states, or state hashing cuts one and loses its outcomes.
 */
class FreedRootStateTest {

    private static Simulation replay(String... threads) {
        Simulation s = new Simulation(ExplorerTest.walkerDuringFastZap(ExplorerTest.NO_REF), Policy.RESTART, e -> {
        });
        s.start();
        for (String t : threads) {
            s.stepOnce(t);
        }
        return s;
    }

    @Test
    void aFreedRootsInvalidFlagIsPartOfTheState() {
        // W yielded in A; A freed by v1's reload. Zapped after W yielded (A invalid) or before A was made (valid).
        Simulation zapLate = replay("v1", "v1", "v1", "W", "Z", "v0", "v0", "v0", "v1");
        Simulation zapFirst = replay("Z", "v1", "v1", "v1", "W", "v0", "v0", "v0", "v1");
        assertNotEquals(zapLate.fingerprint(false, Map.of()), zapFirst.fingerprint(false, Map.of()));
        assertNotEquals(zapLate.fingerprint(true, Map.of()), zapFirst.fingerprint(true, Map.of()));
    }

    @Test
    void hashingLosesNoOutcome() {
        ExploreBounds b = ExploreBounds.defaults().withWorkers(1);
        ExploreResult hashed = ExplorerTest.explore(ExplorerTest.walkerDuringFastZap(ExplorerTest.NO_REF),
                Policy.RESTART, b);
        ExploreResult full = ExplorerTest.explore(ExplorerTest.walkerDuringFastZap(ExplorerTest.NO_REF),
                Policy.RESTART, b.withReductions(false, true));
        assertEquals(keys(full), keys(hashed));
        assertEquals(full.stats().distinctStates(), hashed.stats().distinctStates());
        Outcome zapFirst = null;
        for (Outcome o : hashed.outcomes()) {
            if (o.walks().equals(Map.of("W", List.of(List.of("A")))) && o.finalRoots().equals(List.of("C", "B"))
                    && o.violations().contains("use-after-free A")) {
                zapFirst = o;
            }
        }
        assertNotNull(zapFirst, hashed.outcomes().toString());
        ExplorerTest.assertReplays(hashed, zapFirst);
    }

    private static List<String> keys(ExploreResult r) {
        return r.outcomes().stream().map(o -> o + " x" + o.count() + " " + o.stem()).toList();
    }
}
