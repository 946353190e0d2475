/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;

class PolicyComparisonDiagramTest {

    /** Dirty logging enabled with the flag set after the walk, while a fast zap makes v0 build C. */
    private static Scenario staleSpte() {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false));
        s.thread("D", ThreadKind.INVALIDATOR,
                new Op.DirtyLogEnable(0, false, true, YieldSpec.ALWAYS.inRoot("B"), Variants.KERNEL));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(false, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.untilYield("D"));
        s.step(ScheduleStep.toEnd("Z")).step(ScheduleStep.action("v0", new Op.Reload()));
        s.step(ScheduleStep.action("v0", new Op.Fault(0x400, true, false))).step(ScheduleStep.toEnd("D"));
        return s;
    }

    private static Map<Policy, RunResult> runs() {
        Map<Policy, RunResult> runs = new LinkedHashMap<>();
        for (Policy p : Policy.values()) {
            runs.put(p, Simulation.run(staleSpte(), p, new ArrayList<>()));
        }
        return runs;
    }

    private static List<Scene.Text> texts(Scene scene) {
        List<Scene.Text> out = new ArrayList<>();
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Text t) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void oneLanePerPolicyWithItsWalkAndViolations() {
        Scene scene = PolicyComparisonDiagram.layout("stale SPTE", runs(), Theme.LIGHT);
        List<String> lanes = new ArrayList<>();
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Rect r && r.id() != null && r.id().startsWith("lane-")) {
                lanes.add(r.id());
            }
        }
        assertEquals(List.of("lane-continue", "lane-restart", "lane-terminate", "lane-fifo"), lanes);
        // terminate misses the new root C: a stale-SPTE finding in its lane, drawn in the violation colour
        boolean terminateViolation = false;
        int noViolation = 0;
        for (Scene.Text t : texts(scene)) {
            terminateViolation |= t.text().startsWith("missed-root") && t.fill().equals(Theme.LIGHT.violation);
            noViolation += t.text().equals("no violation") ? 1 : 0;
        }
        assertTrue(terminateViolation);
        assertEquals(2, noViolation, "restart and fifo keep every invariant");
        // fifo's walk: A, B and then the new root C behind them
        List<String> fifoWalk = new ArrayList<>();
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Rect r && r.id() != null && r.id().startsWith("walk-fifo-D-")) {
                fifoWalk.add(r.id());
            }
        }
        assertEquals(3, fifoWalk.size());
    }

    @Test
    void deterministicSvg() {
        assertEquals(PolicyComparisonDiagram.svg("x", runs(), Theme.DARK),
                PolicyComparisonDiagram.svg("x", runs(), Theme.DARK));
    }
}
