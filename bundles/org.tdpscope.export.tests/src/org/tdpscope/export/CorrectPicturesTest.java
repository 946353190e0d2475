/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.export.RunExport.Choices;
import org.tdpscope.export.RunExport.Diagram;
import org.tdpscope.export.RunExport.Document;
import org.tdpscope.export.RunExport.Result;
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
 * Pictures that say what they show: the step each diagram stands at, colours of that step, a legend
 * wherever colour means something, freed roots readable in both themes, a timeline page of fixed
 * width, out-of-range steps refused. The pictures are also written to {@code target/screenshots} for
 * a look.
 */
class CorrectPicturesTest {

    static final Path SHOTS = Path.of("target/screenshots");

    private static Result export(String example, Choices c) {
        LoadedScenario s = Golden.example(example);
        return RunExport.documents(example, s.name(), s.scenario(), c);
    }

    private static Choices choices(List<Diagram> d, Policy p, Theme theme, boolean png, Long step) {
        return new Choices(d, List.of(p), theme, true, png, step, null, null);
    }

    private static String svg(Result r, String name) {
        for (Document d : r.documents()) {
            if (d.name().equals(name)) {
                return new String(d.bytes(), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(name + " not among " + r.documents().stream().map(Document::name).toList()
                + " " + r.problems());
    }

    private static BufferedImage png(Result r, String name) throws IOException {
        for (Document d : r.documents()) {
            if (d.name().equals(name)) {
                Files.createDirectories(SHOTS);
                Files.write(SHOTS.resolve(name), d.bytes());
                return ImageIO.read(new ByteArrayInputStream(d.bytes()));
            }
        }
        throw new AssertionError(name + " not among " + r.documents().stream().map(Document::name).toList());
    }

    private static long steps(String example, Policy p) {
        List<TraceEvent> events = new ArrayList<>();
        Simulation.run(Golden.example(example).scenario(), p, events);
        return events.get(events.size() - 1).step();
    }

    @Test
    void everyDiagramSaysItsStepAndStepZeroIsStepZero() {
        long total = steps("use-after-free", Policy.CONTINUE);
        Result end = export("use-after-free", choices(List.of(Diagram.ROOTS, Diagram.WALK, Diagram.TABLES),
                Policy.CONTINUE, Theme.LIGHT, false, null));
        String endLabel = "step " + total + " of " + total + " (end of run)";
        assertTrue(svg(end, "use-after-free.continue.roots.svg").contains(endLabel));
        assertTrue(svg(end, "use-after-free.continue.walk.W.roots.svg").contains(endLabel));
        assertTrue(svg(end, "use-after-free.continue.tables.svg").contains(endLabel));

        Result mid = export("use-after-free", choices(List.of(Diagram.ROOTS, Diagram.TABLES), Policy.CONTINUE,
                Theme.LIGHT, false, 12L));
        assertTrue(svg(mid, "use-after-free.continue.roots.step12.svg").contains("step 12 of " + total + " ·"));
        assertTrue(svg(mid, "use-after-free.continue.tables.step12.svg").contains("step 12 of " + total + "<"));

        Result zero = export("use-after-free", choices(List.of(Diagram.ROOTS), Policy.CONTINUE, Theme.LIGHT, false,
                0L));
        String z = svg(zero, "use-after-free.continue.roots.step0.svg");
        assertTrue(z.contains("step 0 of " + total + " (before the first event)"), z);
        assertFalse(z.contains("step 1 of"), "step 0 is not labelled step 1");
    }

    @Test
    void aStepPastTheEndIsAnErrorNotAPictureOfTheEnd() {
        long total = steps("use-after-free", Policy.CONTINUE);
        Result r = export("use-after-free", choices(List.of(Diagram.ROOTS), Policy.CONTINUE, Theme.LIGHT, true, 999L));
        assertEquals(List.of(), r.documents());
        assertEquals(List.of("--step 999 is past the end of the run: under kernel v5.16, policy continue it has "
                + total + " steps (0 to " + total + ")"), r.problems());
        Result last = export("use-after-free", choices(List.of(Diagram.ROOTS), Policy.CONTINUE, Theme.LIGHT, false,
                total));
        assertEquals(List.of(), last.problems(), "the last step itself is a step of the run");
    }

    @Test
    void everyColouredDiagramHasALegend() {
        Result r = export("two-d-walk", new Choices(List.of(Diagram.values()), List.of(Policy.CONTINUE), Theme.LIGHT,
                true, false, null, null, null));
        Map<String, String> legends = new LinkedHashMap<>();
        legends.put("two-d-walk.policies.svg", ">final list, at the end of the run:<");
        legends.put("two-d-walk.continue.roots.svg", ">a walker stands here<");
        legends.put("two-d-walk.continue.timeline.svg", ">mmu_lock write<");
        legends.put("two-d-walk.continue.walk.v0.svg", ">EPT entry read<");
        legends.put("two-d-walk.continue.tables.svg", ">top-level table<");
        legends.put("two-d-walk.continue.tables.guest-v0.svg", ">lower-level table<");
        legends.put("two-d-walk.continue.animated.svg", ">a walker stands here<");
        legends.forEach((name, legend) -> assertTrue(svg(r, name).contains(legend), name + " has no legend"));
        String uaf = svg(export("use-after-free", choices(List.of(Diagram.WALK), Policy.CONTINUE, Theme.LIGHT, false,
                null)), "use-after-free.continue.walk.W.roots.svg");
        assertTrue(uaf.contains(">the walker is here<") && uaf.contains(">freed<"), "the root walk's legend");
    }

    /** W walks A to its end; then A is zapped, unlinked and freed: at the end W stands nowhere. */
    private static Scenario walkThenFree() {
        Scenario s = new Scenario();
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.vcpu("v0", RootRole.DEFAULT);
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false));
        s.thread("W", ThreadKind.WALKER, new Op.Walk(SpteOp.WRPROT, 0, 0x100, true, true, YieldSpec.NEVER,
                Variants.KERNEL, false));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("W")).step(ScheduleStep.toEnd("Z"));
        s.step(ScheduleStep.action("v0", new Op.Reload())).step(ScheduleStep.toEnd("v0"));
        return s;
    }

    @Test
    void aRootFreedAfterTheWalkLeftItIsNotUnderTheWalkersCursor() {
        Scenario s = walkThenFree();
        TraceEvent[] last = new TraceEvent[1];
        Simulation sim = new Simulation(s, Policy.CONTINUE, e -> last[0] = e);
        RunResult run = sim.run();
        assertTrue(run.kvm().root("A").freed(), "A is freed at the end");
        assertEquals(List.of("A"), sim.thread("W").walks().get(0));
        RootListSnapshot snap = RootListSnapshot.of(sim, last[0]);
        Scene walk = RootWalkDiagram.layout("t", "W", 1, List.of("A"), 1, snap, Theme.LIGHT, run.steps());
        List<Scene.Polygon> marks = walk.shapes().stream().filter(x -> x instanceof Scene.Polygon)
                .map(x -> (Scene.Polygon) x).toList();
        assertEquals(1, marks.size());
        assertEquals(Theme.LIGHT.muted, marks.get(0).fill(), "a hollow mark of the visit, not the cursor");
        List<String> texts = walk.shapes().stream().filter(x -> x instanceof Scene.Text)
                .map(x -> ((Scene.Text) x).text()).toList();
        assertTrue(texts.contains("visit 1") && !texts.contains("W"), texts.toString());

        // the policies diagram: the walk's visit drawn plain, not in the freed colour of the end of the run
        Map<Policy, RunResult> runs = new LinkedHashMap<>();
        runs.put(Policy.CONTINUE, run);
        Scene policies = PolicyComparisonDiagram.layout("t", runs, Theme.LIGHT);
        Scene.Rect visit = policies.shapes().stream().filter(x -> x instanceof Scene.Rect r
                && "walk-continue-W-0".equals(r.id())).map(x -> (Scene.Rect) x).findFirst().orElseThrow();
        assertEquals(Theme.LIGHT.background, visit.fill());
        assertEquals(Theme.LIGHT.muted, visit.stroke());
    }

    /** The pixels of the freed root A's name plate at the end of the use-after-free run. */
    private static int[] namePlate(BufferedImage img, Scene scene, String root, int scale) {
        Scene.Rect box = scene.shapes().stream().filter(x -> x instanceof Scene.Rect r && ("root-" + root)
                .equals(r.id())).map(x -> (Scene.Rect) x).findFirst().orElseThrow();
        // the plate behind the name: the middle half of the box's width, its top 9..33 px
        int x0 = (box.x() + box.w() / 4) * scale;
        int x1 = (box.x() + 3 * box.w() / 4) * scale;
        int y0 = (box.y() + 11) * scale;
        int y1 = (box.y() + 31) * scale;
        return img.getRGB(x0, y0, x1 - x0, y1 - y0, null, 0, x1 - x0);
    }

    private static double luminance(int rgb) {
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = ((rgb >> (16 - 8 * i)) & 0xff) / 255.0;
            c[i] = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    private static double contrast(int a, int b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    @Test
    void freedRootsAreReadableInBothThemesAndTheirNameIsNotCrossedOut() throws IOException {
        for (Theme theme : Theme.values()) {
            Result r = export("use-after-free", choices(List.of(Diagram.ROOTS), Policy.CONTINUE, theme, true, null));
            BufferedImage img = png(r, "use-after-free.continue.roots.png");
            Files.move(SHOTS.resolve("use-after-free.continue.roots.png"),
                    SHOTS.resolve("use-after-free.continue.roots." + theme.name().toLowerCase() + ".png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            LoadedScenario s = Golden.example("use-after-free");
            TraceEvent[] last = new TraceEvent[1];
            Simulation sim = new Simulation(s.scenario(), Policy.CONTINUE, e -> last[0] = e);
            RunResult run = sim.run();
            Scene scene = RootListDiagram.layout(s.name(), RootListSnapshot.of(sim, last[0]), run.violations(), theme,
                    run.steps());
            assertEquals(scene.width() * 2, img.getWidth(), "the PNG is the scene at twice its size");
            int fill = Integer.parseInt(theme.freedFill.substring(1), 16);
            int red = Integer.parseInt(theme.violation.substring(1), 16);
            double best = 0;
            int redPixels = 0;
            for (int px : namePlate(img, scene, "A", 2)) {
                best = Math.max(best, contrast(px & 0xffffff, fill));
                redPixels += (px & 0xffffff) == red ? 1 : 0;
            }
            assertTrue(best >= 4.5, theme + ": the name of a freed root has contrast " + best + " on its fill");
            assertEquals(0, redPixels, theme + ": the red X does not cross the name");
            assertTrue(contrast(Integer.parseInt(theme.freedText.substring(1), 16), fill) >= 4.5, theme.name());
        }
    }

    @Test
    void theTimelinePageHasAFixedWidthAndBarsAsLongAsTheirSteps() throws IOException {
        for (String example : Golden.exampleNames()) {
            LoadedScenario s = Golden.example(example);
            Policy p = s.policies().isEmpty() ? Policy.CONTINUE : s.policies().get(0);
            Result r = RunExport.documents(example, s.name(), s.scenario(), choices(List.of(Diagram.TIMELINE), p,
                    Theme.LIGHT, true, null));
            BufferedImage img = png(r, example + "." + p.word() + ".timeline.png");
            assertEquals(2 * TimelineDiagram.PAGE_WIDTH, img.getWidth(), example);
        }
        // bars: a lock held from step a to step b is (b - a) steps of the scale long
        LoadedScenario s = Golden.example("seed-terminate");
        List<TraceEvent> events = new ArrayList<>();
        Simulation.run(s.scenario(), Policy.FIFO, events);
        long total = events.get(events.size() - 1).step();
        Scene page = TimelineDiagram.page("t", events, Theme.LIGHT, TimelineDiagram.lanes(events), total);
        assertEquals(TimelineDiagram.PAGE_WIDTH, page.width());
        String svg = SvgRenderer.render(page);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("1 step = ([0-9.]+) px").matcher(svg);
        assertTrue(m.find(), "the subtitle gives the scale");
        double px = Double.parseDouble(m.group(1));
        int checked = 0;
        for (int i = 0; i < events.size(); i++) {
            TraceEvent a = events.get(i);
            if (!a.type().id().equals("lock.acquire") || !a.detail().startsWith("mmu_lock")) {
                continue;
            }
            for (int j = i + 1; j < events.size(); j++) {
                TraceEvent e = events.get(j);
                if (e.thread().equals(a.thread()) && e.type().id().equals("lock.release")
                        && e.detail().startsWith("mmu_lock")) {
                    String prefix = "bar-" + a.thread() + "-" + a.step() + "-";
                    List<Scene.Rect> parts = page.shapes().stream().filter(x -> x instanceof Scene.Rect r
                            && r.id() != null && r.id().startsWith(prefix)).map(x -> (Scene.Rect) x).toList();
                    if (parts.size() == 1) { // not cut at the end of a row
                        long held = e.step() - a.step();
                        assertEquals(Math.max(held * px, 3), parts.get(0).w(), 2, a + " held " + held + " steps");
                        checked++;
                    }
                    break;
                }
            }
        }
        assertTrue(checked >= 3, checked + " bars checked");
    }

    /** Golden files of the pictures this class is about, exported as {@code tdpscope export} writes them. */
    @Test
    void goldenFiles() throws IOException {
        Golden.check("use-after-free.roots", svg(export("use-after-free", choices(List.of(Diagram.ROOTS),
                Policy.CONTINUE, Theme.LIGHT, false, null)), "use-after-free.continue.roots.svg"));
        Golden.check("use-after-free.roots.dark", svg(export("use-after-free", choices(List.of(Diagram.ROOTS),
                Policy.CONTINUE, Theme.DARK, false, null)), "use-after-free.continue.roots.svg"));
        Golden.check("use-after-free.roots.step0", svg(export("use-after-free", choices(List.of(Diagram.ROOTS),
                Policy.CONTINUE, Theme.LIGHT, false, 0L)), "use-after-free.continue.roots.step0.svg"));
        Golden.check("use-after-free.walk.W.roots", svg(export("use-after-free", choices(List.of(Diagram.WALK),
                Policy.CONTINUE, Theme.LIGHT, false, null)), "use-after-free.continue.walk.W.roots.svg"));
        Golden.check("stale-spte-fifo.policies", svg(export("stale-spte-fifo", new Choices(List.of(Diagram.POLICIES),
                List.of(Policy.values()), Theme.LIGHT, true, false, null, null, null)), "stale-spte-fifo.policies.svg"));
        Golden.check("seed-terminate.timeline-page", svg(export("seed-terminate", choices(List.of(Diagram.TIMELINE),
                Policy.FIFO, Theme.LIGHT, false, null)), "seed-terminate.fifo.timeline.svg"));
        Golden.check("seed-terminate.timeline-page.dark", svg(export("seed-terminate", choices(List.of(
                Diagram.TIMELINE), Policy.FIFO, Theme.DARK, false, null)), "seed-terminate.fifo.timeline.svg"));
    }
}
