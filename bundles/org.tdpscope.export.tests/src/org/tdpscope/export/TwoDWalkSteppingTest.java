/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.mmu.MemRef;
import org.tdpscope.sim.mmu.TwoDResult;

/** The 2-D walk grid stepped to one reference: what is lit, what is only outlined, and the caption. */
class TwoDWalkSteppingTest {

    private static final Pattern REF = Pattern.compile("<rect id=\"ref-([0-9]+)\"[^>]* fill=\"([^\"]+)\"[^>]*/>");

    private final LoadedScenario scenario = Golden.example("two-d-walk");
    private final TwoDResult walk = new Simulation(scenario.scenario(),
            scenario.policies().isEmpty() ? Policy.CONTINUE : scenario.policies().get(0), e -> {
            }).run().kvm().lastWalk("v0");

    @Test
    void allLitIsTheOldDrawingWithTheCurrentReferenceFramedAndCaptioned() {
        int n = walk.refs().size();
        assertEquals(19, n, "4 guest levels × (4 EPT + 1), then the data gpa's EPT walk ends at a 2M leaf (L2)");
        Scene old = TwoDWalkDiagram.layout(scenario.name(), "v0", walk, Theme.LIGHT);
        Scene all = TwoDWalkDiagram.layout(scenario.name(), "v0", walk, Theme.LIGHT, n);
        assertEquals(old.width(), all.width());
        assertEquals(old.height(), all.height());
        List<Scene.Shape> shapes = all.shapes();
        assertEquals(old.shapes(), shapes.subList(0, old.shapes().size()), "every cell as before");
        List<Scene.Shape> extra = shapes.subList(old.shapes().size(), shapes.size());
        assertEquals(5, extra.size(), "a frame of four lines and a caption: " + extra);
        MemRef lastRef = walk.refs().get(n - 1);
        Scene.Text caption = (Scene.Text) extra.get(4);
        assertEquals(0, lastRef.guestLevel());
        assertEquals("reference 19 / 19: data × EPT L2, gpa 0x"
                + Long.toHexString(lastRef.gpa()) + " → hpa 0x" + Long.toHexString(lastRef.hpa()) + ", entry 0x"
                + Long.toHexString(lastRef.value()), caption.text());
        // beyond N (and below 1) is clamped
        assertEquals(shapes, TwoDWalkDiagram.layout(scenario.name(), "v0", walk, Theme.LIGHT, 99).shapes());
        assertEquals(TwoDWalkDiagram.layout(scenario.name(), "v0", walk, Theme.LIGHT, 1).shapes(),
                TwoDWalkDiagram.layout(scenario.name(), "v0", walk, Theme.LIGHT, 0).shapes());
    }

    @Test
    void steppedToTheFirstReferenceOnlyItIsLit() {
        int n = walk.refs().size();
        String all = SvgRenderer.render(TwoDWalkDiagram.layout(scenario.name(), "v0", walk, Theme.LIGHT, n));
        String one = SvgRenderer.render(TwoDWalkDiagram.layout(scenario.name(), "v0", walk, Theme.LIGHT, 1));
        Map<Integer, String> litFills = fills(all);
        Map<Integer, String> oneFills = fills(one);
        assertEquals(n, litFills.size());
        assertEquals(n, oneFills.size(), "every reference keeps its cell (and id)");
        assertEquals(litFills.get(1), oneFills.get(1), "reference 1 is drawn lit");
        assertTrue(one.contains("id=\"ref-1\"") && !rectOf(one, 1).contains("stroke-dasharray"));
        for (int k = 2; k <= n; k++) {
            assertEquals("#ffffff", oneFills.get(k), "reference " + k + " not lit: background fill");
            assertTrue(rectOf(one, k).contains("stroke-dasharray=\"6 3\""), "and only outlined: " + rectOf(one, k));
            assertTrue(!"#ffffff".equals(litFills.get(k)), "reference " + k + " is lit in the whole walk");
        }
        // the addresses and entries are written only in the lit cell
        MemRef first = walk.refs().get(0);
        assertEquals(1, count(one, ">gpa 0x"), "one cell shows its gpa");
        assertEquals(n, count(all, ">gpa 0x"));
        assertTrue(one.contains(">reference 1 / " + n + ": guest L4 × EPT L4, gpa 0x" + Long.toHexString(first.gpa())
                + " → hpa 0x" + Long.toHexString(first.hpa()) + ", entry 0x" + Long.toHexString(first.value())
                + "</text>"), "the caption names reference 1");
        assertEquals(4, first.guestLevel());
        assertEquals(4, first.eptLevel());
    }

    private static Map<Integer, String> fills(String svg) {
        Map<Integer, String> out = new HashMap<>();
        Matcher m = REF.matcher(svg);
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        return out;
    }

    private static String rectOf(String svg, int k) {
        int at = svg.indexOf("<rect id=\"ref-" + k + "\"");
        return svg.substring(at, svg.indexOf("/>", at));
    }

    private static int count(String text, String what) {
        List<Integer> at = new ArrayList<>();
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            at.add(i);
        }
        return at.size();
    }
}
