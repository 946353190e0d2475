/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.Kvm;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.mmu.MemRef;
import org.tdpscope.sim.mmu.TwoDResult;

/**
 * The timeline, 2-D walk, page-table and animated diagrams on the bundled examples: golden SVG
 * files, PNG pixels, determinism and the dark theme.
 */
class NewDiagramsTest {

    static List<String> examples() throws Exception {
        return Golden.exampleNames();
    }

    private static Policy policy(LoadedScenario s) {
        return s.policies().isEmpty() ? Policy.CONTINUE : s.policies().get(0);
    }

    private static List<TraceEvent> trace(LoadedScenario s) {
        List<TraceEvent> events = new ArrayList<>();
        Simulation.run(s.scenario(), policy(s), events);
        return events;
    }

    private static Kvm kvm(LoadedScenario s) {
        RunResult run = new Simulation(s.scenario(), policy(s), e -> { }).run();
        return run.kvm();
    }

    static Scene timeline(String example, Theme theme) {
        LoadedScenario s = Golden.example(example);
        return TimelineDiagram.layout(s.name(), trace(s), theme);
    }

    static Scene tables(String example, Theme theme) {
        LoadedScenario s = Golden.example(example);
        Kvm kvm = kvm(s);
        return PageTableDiagram.layout(s.name(), "TDP tables, gfn 0x0..0x1000", PageTableDiagram.tdp(kvm, 0, 0x1000,
                PageTableDiagram.DEFAULT_MAX_TABLES), theme);
    }

    private static Set<String> ids(String svg) {
        Set<String> ids = new HashSet<>();
        Matcher m = Pattern.compile(" id=\"([^\"]+)\"").matcher(svg);
        while (m.find()) {
            assertTrue(ids.add(m.group(1)), "duplicate id " + m.group(1));
        }
        return ids;
    }

    @ParameterizedTest
    @MethodSource("examples")
    void timelineMatchesItsGoldenFile(String example) throws Exception {
        String svg = SvgRenderer.render(timeline(example, Theme.LIGHT));
        Golden.check(example + ".timeline", svg);
        assertEquals(svg, SvgRenderer.render(timeline(example, Theme.LIGHT)), "deterministic");
        ids(svg);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void tablesMatchTheirGoldenFile(String example) throws Exception {
        String svg = SvgRenderer.render(tables(example, Theme.LIGHT));
        Golden.check(example + ".tables", svg);
        assertEquals(svg, SvgRenderer.render(tables(example, Theme.LIGHT)), "deterministic");
        ids(svg);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void animatedRootListMatchesItsGoldenFile(String example) throws Exception {
        LoadedScenario s = Golden.example(example);
        String svg = AnimatedRootList.svg(s.name(), s.scenario(), policy(s), Theme.LIGHT);
        Golden.check(example + ".animated", svg);
        assertEquals(svg, AnimatedRootList.svg(s.name(), s.scenario(), policy(s), Theme.LIGHT));
        Set<String> ids = ids(svg);
        int frames = AnimatedRootList.frames(s.name(), s.scenario(), policy(s), Theme.LIGHT).size();
        assertTrue(frames > 1, "several frames");
        assertTrue(ids.contains("frame-1") && ids.contains("frame-" + frames));
        assertEquals(frames, svg.split("<animate ", -1).length - 1, "one animate per frame");
        assertTrue(svg.contains("<g id=\"frame-" + frames + "\" visibility=\"visible\">"),
                "without SMIL the last frame shows");
    }

    @Test
    void timelineHasLanesLockBarsYieldsAndMarks() {
        LoadedScenario s = Golden.example("seed-terminate");
        List<TraceEvent> events = trace(s);
        String svg = SvgRenderer.render(TimelineDiagram.layout(s.name(), events, Theme.LIGHT));
        for (String lane : List.of("v0", "v1", "W", "Z")) {
            assertTrue(svg.contains("font-weight=\"bold\">" + lane + "</text>"), "lane " + lane);
        }
        assertFalse(svg.contains(">setup</text>"), "setup only makes memslots: no lane");
        assertTrue(svg.contains(">create A</text>") && svg.contains(">inval B</text>"), "root marks");
        assertTrue(svg.contains(">visit B</text>") && svg.contains(">yield B</text>"), "walk marks");
        assertTrue(svg.contains("fill=\"" + Theme.LIGHT.invalidFill + "\""), "a write lock bar");
        assertTrue(svg.contains("fill=\"" + Theme.LIGHT.validFill + "\""), "a read lock bar");
        assertTrue(svg.contains("stroke-dasharray=\"4 3\""), "a yield bar");
        // compression: far fewer columns than steps
        long steps = events.get(events.size() - 1).step();
        long columns = events.stream().filter(e -> TimelineDiagram.MARKED.contains(e.type()))
                .map(TraceEvent::step).distinct().count();
        assertTrue(columns < steps / 2, columns + " columns for " + steps + " steps");
        assertTrue(TimelineDiagram.layout(s.name(), events, Theme.LIGHT).width() < 200 + steps * TimelineDiagram.COL);
    }

    /** A window of a run drawn with the run's lanes keeps every thread's lane where the whole run has it. */
    @Test
    void aWindowKeepsTheRunsLanes() {
        LoadedScenario s = Golden.example("seed-terminate");
        List<TraceEvent> events = trace(s);
        List<String> lanes = TimelineDiagram.lanes(events);
        assertEquals(List.of("v0", "v1", "W", "Z", "rcu"), lanes);
        List<TraceEvent> tail = events.subList(events.size() - 10, events.size());
        assertFalse(TimelineDiagram.lanes(tail).equals(lanes), "the tail alone has fewer threads or another order");
        TimelineDiagram.Geometry g = TimelineDiagram.geometry(tail, lanes);
        assertEquals(lanes, List.copyOf(g.lanes.keySet()));
        assertEquals(TimelineDiagram.geometry(events).lanesBottom(), g.lanesBottom());
    }

    @Test
    void timelineShowsViolations() {
        LoadedScenario s = Golden.example("use-after-free");
        List<TraceEvent> events = trace(s);
        String svg = SvgRenderer.render(TimelineDiagram.layout(s.name(), events, Theme.LIGHT));
        boolean any = events.stream().anyMatch(e -> e.is(org.tdpscope.sim.EventType.VIOLATION));
        assertEquals(any, svg.contains(">violation "), "violations drawn iff there are some");
    }

    @Test
    void walkGridNumbersEveryReference() throws Exception {
        LoadedScenario s = Golden.example("two-d-walk");
        Kvm kvm = kvm(s);
        TwoDResult walk = kvm.lastWalk("v0");
        assertNotNull(walk, "two-d-walk makes a 2-D walk");
        String svg = TwoDWalkDiagram.svg(s.name(), "v0", walk, Theme.LIGHT);
        Golden.check("two-d-walk.walk", svg);
        Set<String> ids = ids(svg);
        for (MemRef m : walk.refs()) {
            assertTrue(ids.contains("ref-" + m.index()), "cell " + m.index());
            assertTrue(svg.contains(">gpa 0x" + Long.toHexString(m.gpa()) + "</text>"));
        }
        assertEquals(walk.refs().size(), ids.stream().filter(i -> i.startsWith("ref-")).count());
        assertEquals(svg, TwoDWalkDiagram.svg(s.name(), "v0", kvm(s).lastWalk("v0"), Theme.LIGHT));
    }

    @Test
    void aHugeGuestPageMakesAShorterWalk() throws Exception {
        String text = Files.readString(Golden.EXAMPLES.resolve("two-d-walk.tdp"));
        String only2m = text.replace("access gva 0x7f0000001000 write user\n      access gva 0x400000 fetch",
                "access gva 0x7f0000001000 write user");
        LoadedScenario huge = Golden.load(only2m, "huge.tdp");
        TwoDResult big = kvm(huge).lastWalk("v0");
        TwoDResult small = kvm(Golden.example("two-d-walk")).lastWalk("v0");
        assertTrue(big.refs().size() < small.refs().size(), big.refs().size() + " vs " + small.refs().size());
        String svg = TwoDWalkDiagram.svg("huge", "v0", big, Theme.LIGHT);
        Golden.check("two-d-walk.walk-2m", svg);
        assertFalse(svg.contains("id=\"ref-" + small.refs().size() + "\""));
    }

    @Test
    void tablesAreLaidOutByElkAndCapped() throws Exception {
        LoadedScenario s = Golden.example("two-d-walk");
        Kvm kvm = kvm(s);
        PageTableDiagram.Forest all = PageTableDiagram.tdp(kvm, 0, 0x1000, 500);
        assertTrue(all.tables().size() >= 3, "root, L3 and L2 tables (2M leaves): " + all.tables().size());
        assertEquals(0, all.hidden());
        Scene scene = PageTableDiagram.layout("t", "s", all, Theme.LIGHT);
        Set<Integer> xs = new HashSet<>();
        for (Scene.Shape sh : scene.shapes()) {
            if (sh instanceof Scene.Rect r && r.id() != null && r.id().startsWith("t-")) {
                xs.add(r.x());
            }
        }
        assertTrue(xs.size() >= 3, "one layer per level: " + xs);
        String svg = SvgRenderer.render(scene);
        assertTrue(svg.contains("marker-end=\"url(#arrow)\""), "edges drawn");
        assertTrue(svg.matches("(?s).*gfn 0x200 2M 0x[0-9a-f]+ R[W-][X-] [A-][D-].*"), "2M leaves summarised");

        PageTableDiagram.Forest capped = PageTableDiagram.tdp(kvm, 0, 0x1000, 2);
        assertEquals(2, capped.tables().size());
        assertEquals(all.tables().size() - 2, capped.hidden());
        assertTrue(PageTableDiagram.svg("t", "s", capped, Theme.LIGHT)
                .contains("… " + capped.hidden() + " more tables not drawn"));
    }

    @Test
    void syntheticForestOf500TablesFitsThePictureWithItsUpperLevelsAndAGridPerL2() {
        PageTableDiagram.Forest f = org.tdpscope.export.bench.ExportBench.forest(500);
        Scene s = PageTableDiagram.layout("bench", "500 tables", f, Theme.LIGHT);
        // within the declared limit, so the PNG shows all of it (it cuts what lies beyond)
        assertTrue(s.width() <= Scene.MAX_SIDE && s.height() <= Scene.MAX_SIDE, s.width() + " x " + s.height());
        Map<String, Scene.Rect> rects = new HashMap<>();
        for (Scene.Shape sh : s.shapes()) {
            if (sh instanceof Scene.Rect r && r.id() != null) {
                rects.put(r.id(), r);
            }
        }
        // the root, the L3 and every L2 are drawn; of the L1 tables, what fits, and the rest is counted
        assertTrue(rects.containsKey("t-A-root") && rects.containsKey("t-A-l3"), rects.keySet().toString());
        long l2 = f.tables().stream().filter(t -> t.id().startsWith("t-A-l2-")).count();
        long l1 = rects.keySet().stream().filter(id -> id.startsWith("t-A-l1-")).count();
        assertEquals(l2, rects.keySet().stream().filter(id -> id.startsWith("t-A-l2-")).count());
        assertTrue(l1 >= 100, "the grids hold a hundred tables at least: " + l1);
        String svg = SvgRenderer.render(s);
        assertTrue(svg.contains("… " + (500 - 2 - l2 - l1) + " more tables not drawn"), "the rest counted");
        // each L2's tables in a frame to its right, in rows, in gfn order (left to right, then down)
        Scene.Rect frame = rects.get("grid-t-A-l2-0");
        assertNotNull(frame, "the first L2's tables are in a grid");
        Scene.Rect parent = rects.get("t-A-l2-0");
        assertTrue(frame.x() > parent.x() + parent.w(), "the grid lies right of its table");
        Scene.Rect first = rects.get("t-A-l1-0");
        Scene.Rect second = rects.get("t-A-l1-1");
        assertTrue(first.x() >= frame.x() && first.y() >= frame.y() && first.x() + first.w() <= frame.x() + frame.w()
                && first.y() + first.h() <= frame.y() + frame.h(), "a table lies inside its frame");
        assertEquals(first.y(), second.y(), "the second table beside the first");
        assertTrue(second.x() > first.x() + first.w());
        Set<Integer> rows = new HashSet<>();
        for (Map.Entry<String, Scene.Rect> e : rects.entrySet()) {
            if (e.getKey().matches("t-A-l1-([0-9]|[1-5][0-9]|6[0-3])")) {
                rows.add(e.getValue().y());
            }
        }
        assertTrue(rows.size() >= 2, "the grid wraps into rows: " + rows);
        assertTrue(svg.contains(">64 tables below A · L2 · hpfn 0x800, in gfn order<")
                || svg.matches("(?s).*>[0-9]+ of 64 tables below A · L2 · hpfn 0x800, in gfn order<.*"),
                "the frame says what it holds");
    }

    @Test
    void aFewChildTablesStayAColumnWithAnEdgeEach() {
        PageTableDiagram.Forest f = org.tdpscope.export.bench.ExportBench.forest(2 + 1 + PageTableDiagram.GRID_MIN - 1);
        Scene s = PageTableDiagram.layout("small", "a few tables", f, Theme.LIGHT);
        assertTrue(s.shapes().stream().noneMatch(sh -> sh instanceof Scene.Rect r && r.id() != null
                && r.id().startsWith("grid-")), "no grid below " + PageTableDiagram.GRID_MIN + " children");
        long arrows = s.shapes().stream().filter(sh -> sh instanceof Scene.Line l && l.arrow()).count();
        assertEquals(f.tables().size() - 1, arrows, "one edge per child table");
    }

    @Test
    void pngOfTheTimelineHasTheSceneColours() throws Exception {
        for (Theme theme : Theme.values()) {
            Scene scene = timeline("seed-terminate", theme);
            byte[] png = PngRenderer.png(scene, 1);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(scene.width(), img.getWidth());
            assertEquals(Integer.parseInt(theme.background.substring(1), 16), img.getRGB(2, 2) & 0xffffff);
            // the middle of the first write-lock bar
            Scene.Rect bar = null;
            for (Scene.Shape sh : scene.shapes()) {
                if (sh instanceof Scene.Rect r && r.id() != null && r.id().startsWith("bar-")
                        && r.fill().equals(theme.invalidFill) && r.w() > 10) {
                    bar = r;
                    break;
                }
            }
            assertNotNull(bar);
            assertEquals(Integer.parseInt(theme.invalidFill.substring(1), 16),
                    img.getRGB(bar.x() + bar.w() / 2, bar.y() + bar.h() / 2 + 5) & 0xffffff, "write bar fill");
            Path shots = Path.of("target/screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("timeline-" + theme.name().toLowerCase() + ".png"), png);
        }
    }

    @Test
    void darkThemeGoldenFiles() throws Exception {
        String svg = SvgRenderer.render(timeline("seed-terminate", Theme.DARK));
        Golden.check("seed-terminate.timeline.dark", svg);
        assertTrue(svg.contains("<rect width=\"100%\" height=\"100%\" fill=\"" + Theme.DARK.background + "\"/>"));
        assertFalse(svg.contains(Theme.LIGHT.validFill));
        Golden.check("two-d-walk.tables.dark", SvgRenderer.render(tables("two-d-walk", Theme.DARK)));
    }
}
