/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.sim.Scenarios.base;
import static org.tdpscope.sim.Scenarios.rootEvents;
import static org.tdpscope.sim.Scenarios.walk;
import static org.tdpscope.sim.Scenarios.write;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.mmu.SpteOp;

/** The worked examples of DOMAIN §6, as exact root-event traces. */
class WorkedExamplesTest {

    @Test
    void creationAndReuse() {
        for (Policy p : Policy.values()) {
            Scenario s = base();
            s.vcpu("v0", RootRole.of("r1")).vcpu("v1", RootRole.of("r1")).vcpu("v2", RootRole.of("r2"));
            s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot());
            s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot());
            s.thread("v2", ThreadKind.VCPU, new Op.LoadRoot());
            List<TraceEvent> ev = new ArrayList<>();
            RunResult r = Simulation.run(s, p, ev);
            assertNull(r.error());
            assertEquals(List.of("root.create A 1", "root.reuse A 2", "root.create B 1"), rootEvents(ev), p.word());
            assertEquals(p == Policy.FIFO ? List.of("A", "B") : List.of("B", "A"), r.simulation().listedRootNames(),
                    p.word());
        }
    }

    /** Three vCPUs of three roles make C, B, A (rc 1 each); a walker then visits them. */
    private static Scenario threeRoots() {
        Scenario s = base();
        s.vcpu("v0", RootRole.of("r0")).vcpu("v1", RootRole.of("r1")).vcpu("v2", RootRole.of("r2"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("v2", ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("W", ThreadKind.WALKER, walk(SpteOp.AGE, 0, 0x1000, YieldSpec.NEVER));
        return s;
    }

    @Test
    void walkWithoutInterference() {
        List<TraceEvent> ev = new ArrayList<>();
        RunResult r = Simulation.run(threeRoots(), Policy.CONTINUE, ev);
        List<String> walk = rootEvents(ev).subList(3, rootEvents(ev).size());
        assertEquals(List.of("root.get C 2", "root.get B 2", "root.put C 1", "root.get A 2", "root.put B 1",
                "root.put A 1"), walk);
        assertEquals(List.of("C", "B", "A"), r.lastWalk("W"));
        assertTrue(r.violations().isEmpty());
    }

    @Test
    void fifoWalksOldestFirst() {
        RunResult r = Simulation.run(threeRoots(), Policy.FIFO, new ArrayList<>());
        assertEquals(List.of("A", "B", "C"), r.lastWalk("W"));
    }

    /**
     * Fast zap with A (rc 2: v0, v1) and B (rc 1: v2). The zapper yields while zapping A; v0 and v1
     * reload (A drops to 1, C is created and shared); the zapper then puts A and frees it; v2
     * reloads, frees B and creates D. Final list [D, C].
     */
    @Test
    void fastZapAndReload() {
        Scenario s = base();
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.DEFAULT).vcpu("v2", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10), write(0x200));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("v2", ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.afterGfn(0x10).inRoot("A")));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.toEnd("v2"));
        s.step(ScheduleStep.untilYield("Z"));
        s.step(ScheduleStep.action("v0", new Op.Reload())).step(ScheduleStep.action("v1", new Op.Reload()));
        s.step(ScheduleStep.toEnd("Z"));
        s.step(ScheduleStep.action("v2", new Op.Reload()));
        List<TraceEvent> ev = new ArrayList<>();
        RunResult r = Simulation.run(s, Policy.CONTINUE, ev);
        assertNull(r.error());
        // The list is [B, A]: fast zap invalidates and then zaps head to tail, so B comes first.
        assertEquals(List.of(
                "root.create A 1", "root.reuse A 2", "root.create B 1",
                "root.get B 2", "root.invalidate B 2", "root.get A 3", "root.invalidate A 3",
                "root.put B 1", // B zapped, the zapper's reference dropped; then it yields in A
                "root.put A 2", "root.create C 1", // v0 reloads
                "root.put A 1", "root.reuse C 2",  // v1 reloads
                "root.put A 0", "root.unlink A 0 Z", // the zapper drops A's last reference...
                "root.free A 0 rcu",                 // ...and A is freed after the grace period
                "root.put B 0", "root.unlink B 0 v2", "root.create D 1", // v2 reloads: it frees B
                "root.free B 0 rcu"), rootEvents(ev));
        assertEquals(List.of("D", "C"), r.simulation().listedRootNames());
        assertEquals("Z", r.kvm().root("A").lastPutBy());
        assertEquals("v2", r.kvm().root("B").lastPutBy());
        assertTrue(r.violations().isEmpty(), r.violations().toString());
    }

    /**
     * terminate when the precondition holds: [C, B, A], the walker yields in B, a fast zap runs: the
     * walk ends after B, and nothing is missed because A and C are invalid.
     */
    @Test
    void terminateWithPreconditionHeld() {
        Scenario s = base();
        s.vcpu("v0", RootRole.of("r0")).vcpu("v1", RootRole.of("r1")).vcpu("v2", RootRole.of("r2"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), write(0x10), write(0x20));
        s.thread("v2", ThreadKind.VCPU, new Op.LoadRoot());
        s.thread("W", ThreadKind.WALKER, walk(SpteOp.WRPROT, 0, 0x1000, YieldSpec.afterGfn(0x10).inRoot("B")));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.toEnd("v2"));
        s.step(ScheduleStep.untilYield("W")).step(ScheduleStep.toEnd("Z")).step(ScheduleStep.toEnd("W"));
        RunResult t = Simulation.run(s, Policy.TERMINATE, new ArrayList<>());
        assertEquals(List.of("C", "B"), t.lastWalk("W"));
        assertTrue(t.violations().isEmpty(), t.violations().toString());
        RunResult c = Simulation.run(s, Policy.CONTINUE, new ArrayList<>());
        assertEquals(List.of("C", "B"), c.lastWalk("W"), "A is invalid: the valid-only walk skips it");
        RunResult rs = Simulation.run(s, Policy.RESTART, new ArrayList<>());
        assertEquals(List.of("C", "B"), rs.lastWalk("W"), "restart finds an empty list: every root was delisted");
    }
}
