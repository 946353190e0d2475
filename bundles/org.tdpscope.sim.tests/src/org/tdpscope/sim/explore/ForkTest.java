/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.SimThread;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.Variants;

/**
 * {@link Simulation#fork}: a fork taken between any two steps produces, step for step, the same
 * events and states as the original, and the two never affect each other.
 */
class ForkTest {

    private static final Map<String, Integer> NO_PERIODS = Map.of();

    static List<Scenario> scenarios() {
        Variants noRef = new Variants(true, false, false, false, false);
        return List.of(ExplorerTest.staleSpte(false), ExplorerTest.walkerDuringFastZap(Variants.KERNEL),
                ExplorerTest.walkerDuringFastZap(noRef), ExplorerTest.invalidationStorm());
    }

    /** Random schedules; at every step a fork is taken and both are driven to the end by the same choices. */
    @Test
    void forkFollowsTheOriginalEventForEvent() {
        Random rnd = new Random(42);
        int compared = 0;
        for (Scenario s : scenarios()) {
            for (Policy p : Policy.values()) {
                for (int run = 0; run < 6; run++) {
                    List<TraceEvent> a = new ArrayList<>();
                    Simulation sim = new Simulation(s, p, a::add);
                    sim.start();
                    List<String> names = new ArrayList<>();
                    for (SimThread t : sim.threads()) {
                        names.add(t.name());
                    }
                    List<String> choices = new ArrayList<>();
                    for (int d = 0; d < 40; d++) {
                        List<String> enabled = new ArrayList<>();
                        for (String n : names) {
                            if (sim.canStep(n)) {
                                enabled.add(n);
                            }
                        }
                        if (enabled.isEmpty()) {
                            break;
                        }
                        choices.add(enabled.get(rnd.nextInt(enabled.size())));
                        sim.stepOnce(choices.get(d));
                    }
                    // replay the same choices, forking at each point and checking the fork against the rest
                    for (int at = 0; at <= choices.size(); at += 3) {
                        List<TraceEvent> orig = new ArrayList<>();
                        Simulation o = new Simulation(s, p, orig::add);
                        o.start();
                        for (int k = 0; k < at; k++) {
                            o.stepOnce(choices.get(k));
                        }
                        List<TraceEvent> forked = new ArrayList<>();
                        Simulation f = o.fork(forked::add);
                        assertEquals(o.fingerprint(false, NO_PERIODS), f.fingerprint(false, NO_PERIODS));
                        int before = orig.size();
                        for (int k = at; k < choices.size(); k++) {
                            o.stepOnce(choices.get(k));
                            f.stepOnce(choices.get(k));
                            assertEquals(o.fingerprint(false, NO_PERIODS), f.fingerprint(false, NO_PERIODS),
                                    s + " " + p + " step " + k);
                            assertEquals(o.fingerprint(true, NO_PERIODS), f.fingerprint(true, NO_PERIODS));
                        }
                        assertEquals(orig.subList(before, orig.size()), forked, p + " fork at " + at);
                        assertEquals(o.kvm().violations(), f.kvm().violations());
                        assertEquals(o.listedRootNames(), f.listedRootNames());
                        assertEquals(o.kvm().memslots().memory().useAfterFreeAccesses(),
                                f.kvm().memslots().memory().useAfterFreeAccesses());
                        compared++;
                    }
                }
            }
        }
        assertFalse(compared < 100, "compared " + compared);
    }

    /** Stepping a fork leaves the original exactly as it was (and the other way round). */
    @Test
    void forksAreIndependent() {
        Scenario s = ExplorerTest.walkerDuringFastZap(Variants.KERNEL);
        for (Policy p : Policy.values()) {
            Simulation o = new Simulation(s, p, e -> {
            });
            o.start();
            o.stepOnce("v0");
            o.stepOnce("v0");
            o.stepOnce("W"); // W yields inside v0's root after gfn 0x10, holding a reference and an iterator
            assertTrue(o.thread("W").yielded(), p.word());
            long before = o.fingerprint(false, NO_PERIODS);
            List<String> rootsBefore = o.listedRootNames();
            Simulation f = o.fork(e -> {
            });
            f.stepOnce("Z");
            f.stepOnce("v1");
            f.stepOnce("W");
            assertFalse(before == f.fingerprint(false, NO_PERIODS));
            assertEquals(before, o.fingerprint(false, NO_PERIODS), p.word());
            assertEquals(rootsBefore, o.listedRootNames());
            // the original goes on as if the fork never happened: same as a fresh run of the same steps
            List<TraceEvent> x = new ArrayList<>();
            List<TraceEvent> y = new ArrayList<>();
            Simulation fresh = new Simulation(s, p, x::add);
            fresh.start();
            fresh.stepOnce("v0");
            fresh.stepOnce("v0");
            fresh.stepOnce("W");
            Simulation o2 = o.fork(y::add);
            for (String t : List.of("W", "Z", "v1", "W")) {
                if (fresh.canStep(t)) {
                    int mark = x.size();
                    fresh.stepOnce(t);
                    o2.stepOnce(t);
                    assertEquals(x.subList(mark, x.size()), y.subList(y.size() - (x.size() - mark), y.size()));
                }
            }
            assertEquals(fresh.fingerprint(false, NO_PERIODS), o2.fingerprint(false, NO_PERIODS));
        }
    }
}
