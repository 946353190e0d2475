/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.EventType;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleException;
import org.tdpscope.sim.SimThread;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.TraceListener;

/**
 * What the explorer's shortcuts must not change: both fingerprints from one pass equal the two computed apart, and a
 * run that reports no events (and skips non-present entries in walks that cannot yield) ends in the same state, with
 * the same walks, positions processed and violations, as one that reports every event and iterator position.
 */
class OnePassFingerprintTest {

    private static List<Scenario> scenarios() {
        Scenario s = ExplorerTest.walkerDuringFastZap(ExplorerTest.NO_REF);
        s.iteratorEvents = true;
        return List.of(ExploreBench.scale7(), ExploreBench.scenario(3), s, ExplorerTest.invalidationStorm());
    }

    @Test
    void bothFingerprintsInOnePass() {
        Random rnd = new Random(7);
        long[] fp = new long[2];
        for (Scenario sc : scenarios()) {
            Scenario base = sc.copy();
            base.schedule = null;
            for (Policy p : Policy.values()) {
                for (int run = 0; run < 20; run++) {
                    Simulation sim = new Simulation(base, p, TraceListener.NONE);
                    sim.start();
                    for (int d = 0; d < 30; d++) {
                        for (Map<String, Integer> periods : List.of(Map.<String, Integer>of(), Map.of("Z", 1, "v0", 2))) {
                            sim.fingerprints(periods, fp);
                            assertEquals(sim.fingerprint(true, periods), fp[0]);
                            assertEquals(sim.fingerprint(false, periods), fp[1]);
                        }
                        List<String> enabled = enabled(sim);
                        if (enabled.isEmpty()) {
                            break;
                        }
                        if (rnd.nextInt(3) == 0) {
                            sim = sim.fork(TraceListener.NONE);
                        }
                        try {
                            sim.stepOnce(enabled.get(rnd.nextInt(enabled.size())));
                        } catch (ScheduleException e) {
                            break; // a step that blocks midway: this run ends here
                        }
                    }
                }
            }
        }
    }

    @Test
    void quietRunsEndWhereReportingRunsEnd() {
        Random rnd = new Random(11);
        for (Scenario sc : scenarios()) {
            for (Policy p : Policy.values()) {
                for (int run = 0; run < 20; run++) {
                    Scenario loud = sc.copy();
                    loud.schedule = null;
                    loud.iteratorEvents = true;
                    Scenario quiet = sc.copy();
                    quiet.schedule = null;
                    quiet.iteratorEvents = false;
                    List<TraceEvent> events = new ArrayList<>();
                    Simulation a = new Simulation(loud, p, events::add);
                    Simulation b = new Simulation(quiet, p, TraceListener.NONE);
                    a.start();
                    b.start();
                    for (int d = 0; d < 30; d++) {
                        List<String> enabled = enabled(a);
                        assertEquals(enabled, enabled(b));
                        if (enabled.isEmpty()) {
                            break;
                        }
                        String t = enabled.get(rnd.nextInt(enabled.size()));
                        String ra, rb;
                        try {
                            ra = a.stepOnce(t).toString();
                        } catch (ScheduleException e) {
                            ra = e.getMessage();
                        }
                        try {
                            rb = b.stepOnce(t).toString();
                        } catch (ScheduleException e) {
                            rb = e.getMessage();
                        }
                        assertEquals(ra, rb);
                        assertEquals(a.fingerprint(false, Map.of()), b.fingerprint(false, Map.of()));
                        assertEquals(a.kvm().step(), b.kvm().step(), "the same events, counted");
                    }
                    for (SimThread x : a.threads()) {
                        SimThread y = b.thread(x.name());
                        assertEquals(x.walks(), y.walks());
                        assertEquals(x.lastWalkProcessed(), y.lastWalkProcessed(), x.name());
                    }
                    assertEquals(a.kvm().violations(), b.kvm().violations());
                    assertEquals(a.kvm().step(), events.stream().filter(e -> e.type() != EventType.WALK_ITER).count());
                }
            }
        }
    }

    private static List<String> enabled(Simulation sim) {
        List<String> out = new ArrayList<>();
        for (SimThread t : sim.threads()) {
            if (sim.canStep(t.name())) {
                out.add(t.name());
            }
        }
        return out;
    }
}
