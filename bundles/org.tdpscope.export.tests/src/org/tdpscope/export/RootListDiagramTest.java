/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;
import org.tdpscope.sim.mmu.SpteOp;

class RootListDiagramTest {

    /** v0 and v1 make A and B; W write-protects and yields in B; Z fast-zaps; v0 reloads. */
    private static Scenario scenario() {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false));
        s.thread("W", ThreadKind.WALKER, new Op.Walk(SpteOp.WRPROT, 0, 0x100, true, true,
                YieldSpec.ALWAYS.inRoot("B"), Variants.KERNEL, false));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.untilYield("W"));
        s.step(ScheduleStep.toEnd("Z")).step(ScheduleStep.action("v0", new Op.Reload()));
        s.step(ScheduleStep.toEnd("W"));
        return s;
    }

    private static long stepOf(List<TraceEvent> events, String type, String root) {
        for (TraceEvent e : events) {
            if (e.type().id().equals(type) && root.equals(e.root())) {
                return e.step();
            }
        }
        throw new AssertionError(type + " " + root);
    }

    private static String fillOf(String svg, String root) {
        Matcher m = Pattern.compile("<rect id=\"root-" + root + "\"[^>]* fill=\"([^\"]+)\"").matcher(svg);
        assertTrue(m.find(), root + " not drawn");
        return m.group(1);
    }

    @Test
    void drawsRootStatesAndTheWalkerCursor() {
        List<TraceEvent> events = new ArrayList<>();
        Simulation.run(scenario(), Policy.CONTINUE, events);
        long yielded = stepOf(events, "walk.yield", "B");
        String before = RootListDiagram.svg("t", RootListSnapshot.at(scenario(), Policy.CONTINUE, yielded), List.of(),
                Theme.LIGHT);
        assertEquals(Theme.LIGHT.validFill, fillOf(before, "A"));
        assertEquals(Theme.LIGHT.validFill, fillOf(before, "B"));
        assertTrue(before.contains(">W</text>"), "the walker's cursor is drawn");

        long invalidated = stepOf(events, "root.invalidate", "A");
        String after = RootListDiagram.svg("t", RootListSnapshot.at(scenario(), Policy.CONTINUE, invalidated),
                List.of(), Theme.LIGHT);
        assertEquals(Theme.LIGHT.invalidFill, fillOf(after, "A"));
        assertEquals(Theme.LIGHT.invalidFill, fillOf(after, "B"));

        String end = RootListDiagram.svg("t", RootListSnapshot.at(scenario(), Policy.CONTINUE, Long.MAX_VALUE),
                List.of(), Theme.DARK);
        assertEquals(Theme.DARK.freedFill, fillOf(end, "A"));
        assertEquals(Theme.DARK.invalidFill, fillOf(end, "B"), "v1 has not reloaded: B is invalid but alive");
        assertEquals(Theme.DARK.validFill, fillOf(end, "C"));
        assertFalse(end.contains(">W</text>"), "the walk has ended: no cursor");
    }

    @Test
    void sameRunSameBytes() {
        for (Policy p : Policy.values()) {
            String a = RootListDiagram.svg("x", RootListSnapshot.at(scenario(), p, 40), List.of(), Theme.LIGHT);
            String b = RootListDiagram.svg("x", RootListSnapshot.at(scenario(), p, 40), List.of(), Theme.LIGHT);
            assertEquals(a, b);
        }
    }

    @Test
    void textIsEscaped() {
        String svg = RootListDiagram.svg("a <b> & \"c\"", RootListSnapshot.at(scenario(), Policy.FIFO, 5), List.of(),
                Theme.LIGHT);
        assertTrue(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;"));
    }
}
