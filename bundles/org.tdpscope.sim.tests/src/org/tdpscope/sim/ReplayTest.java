/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Standing at a step through {@link Replay}'s checkpoints is the same as replaying from the start. */
class ReplayTest {

    private static final Map<String, Integer> NONE = Map.of();

    @Test
    void everyStepFromCheckpointsEqualsAFreshReplay() {
        List<Scenario> scenarios = List.of(InvariantsTest.staleSpte(false), InvariantsTest.invalidationStorm(3),
                InvariantsTest.walkerYieldsDuringFastZap(new Variants(true, false, false, false, false)));
        for (Scenario s : scenarios) {
            for (Policy p : Policy.values()) {
                List<TraceEvent> all = new ArrayList<>();
                Replay replay = new Replay(s, p, all::add, 8);
                assertTrue(replay.checkpoints() > 2, "checkpoints: " + replay.checkpoints());
                long end = all.size();
                // forwards, backwards and jumping about, one fresh run per step to compare with
                List<Long> steps = new ArrayList<>();
                for (long k = 0; k <= end + 1; k++) {
                    steps.add(k);
                }
                for (long k = end; k >= 0; k -= 3) {
                    steps.add(k);
                }
                for (long k : steps) {
                    List<TraceEvent> tail = new ArrayList<>();
                    Simulation at = replay.at(k, tail::add);
                    Simulation fresh = new Simulation(s, p, e -> {
                    });
                    fresh.runTo(k);
                    String where = p.word() + " step " + k + "/" + end;
                    assertEquals(fresh.kvm().step(), at.kvm().step(), where);
                    assertEquals(fresh.fingerprint(false, NONE), at.fingerprint(false, NONE), where);
                    assertEquals(RootListSnapshot.of(fresh, null), RootListSnapshot.of(at, null), where);
                    assertEquals(fresh.kvm().violations(), at.kvm().violations(), where);
                    // the events the replay told from its checkpoint on are the run's own
                    long first = at.kvm().step() - tail.size();
                    assertEquals(all.subList((int) first, (int) at.kvm().step()), tail, where);
                }
            }
        }
    }

    /** A long run keeps at most MAX_CHECKPOINTS checkpoints, spread over the whole run, and stays exact. */
    @Test
    void longRunsThinTheirCheckpoints() {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x10000, false, true));
        s.vcpu("v0", RootRole.DEFAULT);
        List<Op> ops = new ArrayList<>();
        ops.add(new Op.LoadRoot());
        for (int i = 0; i < 3000; i++) {
            ops.add(new Op.Fault(i, true, false));
        }
        s.thread("v0", Scenario.ThreadKind.VCPU, ops.toArray(new Op[0]));
        List<TraceEvent> all = new ArrayList<>();
        Replay replay = new Replay(s, Policy.CONTINUE, all::add, 0);
        assertTrue(replay.checkpoints() <= Replay.MAX_CHECKPOINTS && replay.checkpoints() > Replay.MAX_CHECKPOINTS / 2,
                "checkpoints: " + replay.checkpoints());
        for (long k = all.size(); k > 0; k -= 997) {
            Simulation fresh = new Simulation(s, Policy.CONTINUE, e -> {
            });
            fresh.runTo(k);
            assertEquals(fresh.fingerprint(false, NONE), replay.at(k, e -> {
            }).fingerprint(false, NONE), "step " + k);
        }
    }
}
