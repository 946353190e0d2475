/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RootListSnapshot.Box;
import org.tdpscope.sim.Scenario;

/** A walker's pass over the roots: order, state colours, stepping, a second visit, the list beneath. */
class RootWalkDiagramTest {

    /** D and C listed (D valid, C invalid), B invalid and off the list, A freed; W stands on C now. */
    private static RootListSnapshot snapshot() {
        return new RootListSnapshot(57, Policy.RESTART, List.of(
                new Box("D", "default", 1, false, Root.State.LISTED, true, List.of(), false),
                new Box("C", "default", 2, true, Root.State.LISTED, true, List.of("W"), false),
                new Box("B", "smm", 1, true, Root.State.DELISTED, false, List.of(), false),
                new Box("A", "default", 0, true, Root.State.FREED, false, List.of(), false)),
                List.of(new RootListSnapshot.ThreadState("W", Scenario.ThreadKind.WALKER, "in C at gfn 0x10", true,
                        false)),
                null);
    }

    private static Optional<Scene.Rect> rect(Scene s, String id) {
        return s.shapes().stream().filter(x -> x instanceof Scene.Rect r && id.equals(r.id()))
                .map(x -> (Scene.Rect) x).findFirst();
    }

    private static List<String> texts(Scene s) {
        return s.shapes().stream().filter(x -> x instanceof Scene.Text).map(x -> ((Scene.Text) x).text()).toList();
    }

    private static List<Scene.Polygon> cursors(Scene s) {
        return s.shapes().stream().filter(x -> x instanceof Scene.Polygon).map(x -> (Scene.Polygon) x).toList();
    }

    @Test
    void visitsInOrderInTheirStateColours() {
        Scene s = RootWalkDiagram.layout("seed", "W", 2, List.of("A", "B", "C"), 3, snapshot(), Theme.LIGHT);
        Scene.Rect a = rect(s, "root-A").orElseThrow();
        Scene.Rect b = rect(s, "root-B").orElseThrow();
        Scene.Rect c = rect(s, "root-C").orElseThrow();
        assertTrue(a.x() < b.x() && b.x() < c.x(), "the walk's order, not the list's");
        assertEquals(Theme.LIGHT.freedFill, a.fill());
        assertEquals(Theme.LIGHT.invalidFill, b.fill());
        assertEquals("6 4", b.dash(), "delisted: dashed");
        assertEquals(Theme.LIGHT.invalidFill, c.fill());
        assertTrue(rect(s, "root-D").isEmpty(), "D was not visited");
        assertTrue(texts(s).containsAll(List.of("#1", "#2", "#3", "seed")), texts(s).toString());
        assertTrue(texts(s).contains("W · walk 2 · policy restart · step 57 · root 3 / 3"), texts(s).toString());
        assertTrue(texts(s).contains("tdp_mmu_roots now: D → C   off the list: B, A"), texts(s).toString());
        assertTrue(texts(s).contains("W: in C at gfn 0x10"), texts(s).toString());
        List<Scene.Polygon> cur = cursors(s);
        assertEquals(1, cur.size(), "only the walker's cursor of this walk, not the list's cursors");
        assertEquals(c.x() + c.w() / 2, cur.get(0).points()[4]);
        assertTrue(s.width() >= c.x() + c.w(), "everything fits");
    }

    @Test
    void steppedToTheFirstVisitTheLaterOnesAreOutlined() {
        Scene s = RootWalkDiagram.layout("seed", "W", 1, List.of("A", "B", "C"), 1, snapshot(), Theme.LIGHT);
        assertTrue(rect(s, "root-A").isPresent());
        for (int k = 2; k <= 3; k++) {
            Scene.Rect later = rect(s, "visit-" + k).orElseThrow();
            assertEquals(Theme.LIGHT.background, later.fill());
            assertEquals(Theme.LIGHT.muted, later.stroke());
        }
        assertEquals(rect(s, "root-A").get().x() + rect(s, "root-A").get().w() / 2, cursors(s).get(0).points()[4]);
        assertTrue(texts(s).contains("W · walk 1 · policy restart · step 57 · root 1 / 3"), texts(s).toString());
        // out of range clamps, as the buttons do
        assertEquals(texts(RootWalkDiagram.layout("seed", "W", 1, List.of("A", "B"), 0, snapshot(), Theme.LIGHT)),
                texts(RootWalkDiagram.layout("seed", "W", 1, List.of("A", "B"), 1, snapshot(), Theme.LIGHT)));
    }

    @Test
    void aSecondVisitIsOutlinedAsAViolation() {
        Scene s = RootWalkDiagram.layout("seed", "W", 1, List.of("C", "D", "C"), 3, snapshot(), Theme.LIGHT);
        List<Scene.Rect> cs = s.shapes().stream().filter(x -> x instanceof Scene.Rect r && "root-C".equals(r.id()))
                .map(x -> (Scene.Rect) x).toList();
        assertEquals(2, cs.size());
        assertEquals(Theme.LIGHT.violation, cs.get(1).stroke(), "the second visit");
        assertTrue(texts(s).contains("again (#1)"), texts(s).toString());
        assertTrue(SvgRenderer.render(s).contains("again (#1)"));
    }

    @Test
    void noVisitYet() {
        Scene s = RootWalkDiagram.layout("seed", "W", 1, List.of(), 5, snapshot(), Theme.DARK);
        assertTrue(texts(s).contains("(no root yet)"), texts(s).toString());
        assertTrue(texts(s).contains("W · walk 1 · policy restart · step 57 · no root visited yet"));
        assertTrue(cursors(s).isEmpty());
        assertEquals(Theme.DARK.background, s.background());
    }

    /** A walk of a hundred visits: a window of them around the one shown, the others counted on each side. */
    @Test
    void aLongWalkIsAWindowAroundTheVisitShown() {
        List<String> visits = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            visits.add(i % 2 == 0 ? "C" : "D");
        }
        Scene s = RootWalkDiagram.layout("seed", "W", 1, visits, 50, snapshot(), Theme.LIGHT, 90);
        List<String> t = texts(s);
        assertTrue(t.contains("#50") && !t.contains("#30") && !t.contains("#70"), t.toString());
        long boxes = s.shapes().stream().filter(x -> x instanceof Scene.Rect r && r.id() != null
                && (r.id().startsWith("root-") || r.id().startsWith("visit-"))).count();
        assertEquals(RootWalkDiagram.MAX_VISITS, boxes);
        assertTrue(t.contains("earlier") && t.contains("later"), t.toString());
        assertTrue(t.contains("W · walk 1 · policy restart · step 57 of 90 · root 50 / 100"), t.toString());
        assertTrue(s.width() < 2400, s.width() + " px");
    }
}
