/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;
import org.tdpscope.export.RunExport.Choices;
import org.tdpscope.export.RunExport.Diagram;
import org.tdpscope.export.RunExport.Document;
import org.tdpscope.export.RunExport.Result;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * Runs with thousands of roots (issue: exports with many roots ran out of memory, overflowed an
 * array size or the GIF's width): the drawings keep the roots that matter (live, recent, in a
 * violation), count the rest, and stay within {@link Scene#MAX_SIDE}; bounds are checked on sizes and
 * element counts, not on time.
 */
class ManyRootsTest {

    /**
     * The use-after-free of the examples, then {@code n} rounds of fast zap, reload and grace period:
     * a walker without a reference yields in A, A is freed in the first round, {@code n} roots are
     * created and freed after it, and W resumes in A at the end (a use after free of the oldest root).
     */
    static Scenario manyRoots(int n) {
        Scenario s = new Scenario();
        s.name = "many roots";
        s.kernel = Era.V5_16.rules();
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x40000, false, true));
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false));
        s.thread("W", ThreadKind.WALKER, new Op.Walk(SpteOp.CLEAR_DIRTY, 0, 0x100, true, true, YieldSpec.afterGfn(0x10),
                new Variants(true, false, false, false, false, false, false), false));
        Op[] zaps = new Op[n];
        java.util.Arrays.fill(zaps, new Op.FastZap(true, YieldSpec.NEVER));
        s.thread("Z", ThreadKind.INVALIDATOR, zaps);
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.untilYield("W"));
        for (int i = 0; i < n; i++) {
            s.step(ScheduleStep.ops("Z", 1)).step(ScheduleStep.action("v0", new Op.Reload()))
                    .step(ScheduleStep.gracePeriod());
        }
        s.step(ScheduleStep.toEnd("W"));
        return s;
    }

    private static int count(Scene s, Class<?> kind) {
        return (int) s.shapes().stream().filter(kind::isInstance).count();
    }

    private static boolean hasRoot(Scene s, String name) {
        return s.shapes().stream().anyMatch(x -> x instanceof Scene.Rect r && ("root-" + name).equals(r.id()));
    }

    private static String texts(Scene s) {
        StringBuilder sb = new StringBuilder();
        s.shapes().stream().filter(x -> x instanceof Scene.Text).forEach(x -> sb.append(((Scene.Text) x).text())
                .append('\n'));
        return sb.toString();
    }

    /** What {@code tdpscope run --svg --png} draws: the roots at the end of each run and the policies compared. */
    private static void runSvgPng(int n, List<Policy> policies) throws Exception {
        Scenario s = manyRoots(n);
        Map<Policy, RunResult> runs = new LinkedHashMap<>();
        for (Policy p : policies) {
            TraceEvent[] last = new TraceEvent[1];
            Simulation sim = new Simulation(s, p, e -> last[0] = e);
            RunResult run = sim.run();
            assertTrue(run.kvm().allRoots().size() > n, run.kvm().allRoots().size() + " roots");
            assertTrue(run.violations().stream().anyMatch(v -> "A".equals(v.root())), "W's use after free of A");
            runs.put(p, run);
            Scene roots = RootListDiagram.layout("many roots", RootListSnapshot.of(sim, last[0]), run.violations(),
                    Theme.LIGHT, run.steps());
            assertTrue(roots.width() <= Scene.MAX_SIDE && roots.height() <= Scene.MAX_SIDE,
                    roots.width() + "×" + roots.height());
            assertTrue(roots.size() < 400, roots.size() + " shapes");
            assertTrue(hasRoot(roots, "A"), "the root in the violation is drawn, the oldest of all");
            String listed = run.kvm().listedRoots().get(0).name();
            assertTrue(hasRoot(roots, listed), "the live root " + listed + " is drawn");
            String youngestFreed = run.kvm().allRoots().get(run.kvm().allRoots().size() - 2).name();
            assertTrue(hasRoot(roots, youngestFreed), "the most recent freed root " + youngestFreed + " is drawn");
            int drawn = (int) roots.shapes().stream().filter(x -> x instanceof Scene.Rect r && r.id() != null
                    && r.id().startsWith("root-")).count();
            assertEquals(RootListDiagram.MAX_ROOTS_PER_ROW + 1, drawn, "a row of off-list roots and the live one");
            int notDrawn = run.kvm().allRoots().size() - drawn;
            assertTrue(texts(roots).contains("+" + String.format(java.util.Locale.ROOT, "%,d", notDrawn)
                    + " freed roots not drawn (of "), texts(roots));
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(PngRenderer.png(roots, 2)));
            assertEquals(2 * roots.width(), png.getWidth());
            if (n == 3000) {
                Files.createDirectories(CorrectPicturesTest.SHOTS);
                Files.write(CorrectPicturesTest.SHOTS.resolve("many-roots-" + n + "." + p.word() + ".roots.png"),
                        PngRenderer.png(roots, 2));
            }
        }
        Scene compared = PolicyComparisonDiagram.layout("many roots", runs, Theme.LIGHT);
        assertTrue(compared.width() <= Scene.MAX_SIDE && compared.height() <= Scene.MAX_SIDE,
                compared.width() + "×" + compared.height());
        assertTrue(compared.size() < 400, compared.size() + " shapes");
        assertTrue(texts(compared).contains("earlier walks not drawn"), texts(compared));
        PngRenderer.png(compared, 2);
    }

    @Test
    void threeThousandRoots() throws Exception {
        runSvgPng(3000, List.of(Policy.CONTINUE, Policy.FIFO));
    }

    @Test
    void fifteenThousandRoots() throws Exception {
        runSvgPng(15_000, List.of(Policy.CONTINUE));
    }

    /** {@code export --diagram animated --png} with 300 and 600 roots: a GIF within the limits, the run covered. */
    @Test
    void animatedWithHundredsOfRoots() throws Exception {
        for (int n : List.of(300, 600)) {
            Scenario s = manyRoots(n);
            Result r = RunExport.documents("many", "many roots", s, new Choices(List.of(Diagram.ANIMATED),
                    List.of(Policy.CONTINUE), Theme.LIGHT, true, true, null, null, null));
            assertEquals(List.of(), r.problems());
            Document gif = r.documents().get(1);
            assertEquals("many.continue.animated.gif", gif.name());
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif.bytes()))) {
                reader.setInput(in);
                int frames = reader.getNumImages(true);
                assertTrue(frames > 50 && frames <= AnimatedRootList.MAX_FRAMES, frames + " frames");
                assertTrue(reader.getWidth(0) <= Scene.MAX_SIDE && reader.getHeight(0) <= Scene.MAX_SIDE,
                        reader.getWidth(0) + "×" + reader.getHeight(0));
            } finally {
                reader.dispose();
            }
            String svg = new String(r.documents().get(0).bytes(), StandardCharsets.UTF_8);
            int elements = svg.split("\n").length;
            assertTrue(elements < AnimatedRootList.MAX_FRAMES * 150, elements + " lines of SVG");
            // the frames cover the whole run: the last one is the end, with W's use after free of A
            String lastFrame = svg.substring(svg.lastIndexOf("<g id=\"frame-"));
            assertTrue(lastFrame.contains("(end of run)") && lastFrame.contains("id=\"frame-"
                    + AnimatedRootList.frameSteps(events(s)).size() + "-root-A\""), "the last frame shows A");
            if (n == 300) {
                Files.createDirectories(CorrectPicturesTest.SHOTS);
                Files.write(CorrectPicturesTest.SHOTS.resolve("many-roots-300.animated.gif"), gif.bytes());
            }
        }
    }

    private static List<TraceEvent> events(Scenario s) {
        List<TraceEvent> events = new java.util.ArrayList<>();
        Simulation.run(s, Policy.CONTINUE, events);
        return events;
    }

    /** The timeline of a 3,000-root run: one page of fixed width, a bounded number of marks. */
    @Test
    void timelinePageOfALongRun() throws Exception {
        Scenario s = manyRoots(3000);
        Result r = RunExport.documents("many", "many roots", s, new Choices(List.of(Diagram.TIMELINE),
                List.of(Policy.CONTINUE), Theme.LIGHT, true, true, null, null, null));
        assertEquals(List.of(), r.problems());
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(r.documents().get(1).bytes()));
        assertEquals(2 * TimelineDiagram.PAGE_WIDTH, png.getWidth());
        assertTrue(png.getHeight() <= 2 * Scene.MAX_SIDE, png.getHeight() + " px high");
        String svg = new String(r.documents().get(0).bytes(), StandardCharsets.UTF_8);
        int polygons = svg.split("<polygon", -1).length - 1;
        assertTrue(polygons <= TimelineDiagram.PAGE_MAX_MARKS + 20, polygons + " marks");
        assertTrue(svg.contains(TimelineDiagram.PAGE_MAX_ROWS + " rows"), "wrapped into rows");
        assertTrue(svg.contains("use-after-free") || svg.contains(">!</text>"), "the violation is drawn");
        Files.createDirectories(CorrectPicturesTest.SHOTS);
        Files.write(CorrectPicturesTest.SHOTS.resolve("many-roots-3000.timeline.png"), r.documents().get(1).bytes());
    }
}
