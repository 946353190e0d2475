/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tdpscope.export.Scene;
import org.tdpscope.export.TimelineDiagram;
import org.tdpscope.sim.EventType;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.ui.testing.Screens;

/**
 * The Timeline panel beside a Roots panel in a real shell: clicking an event mark moves the
 * current step, the Roots panel then draws exactly that step's picture, and the timeline draws the
 * current-step line at the mark.
 */
class TimelinePanelTest {

    private Display display;
    private Shell shell;
    private RootsPanel roots;
    private TimelinePanel timeline;

    @BeforeEach
    void open() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1100, 900);
        SashForm sash = new SashForm(shell, SWT.VERTICAL);
        roots = new RootsPanel(sash, SWT.NONE);
        timeline = new TimelinePanel(sash, SWT.NONE);
        shell.open();
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        shell.dispose();
    }

    private void endAnimation() {
        Screens.pumpUntil(display, () -> !roots.canvas().animating(), 5000, "the animation to end");
    }

    private void clickAt(int sceneX, int sceneY) {
        Event e = new Event();
        e.button = 1;
        e.x = sceneX - timeline.canvas().origin().x;
        e.y = sceneY - timeline.canvas().origin().y;
        timeline.canvas().notifyListeners(SWT.MouseDown, e);
        Screens.settle(display);
    }

    private TimelineDiagram.Mark mark(EventType type) {
        for (TimelineDiagram.Mark m : timeline.marks()) {
            if (m.event().is(type)) {
                return m;
            }
        }
        throw new AssertionError("no " + type + " mark among " + timeline.marks());
    }

    @Test
    void clickingAMarkMovesTheCurrentStepAndEveryViewFollows() throws Exception {
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        roots.setPolicy(Policy.TERMINATE);
        roots.goTo(roots.totalSteps());
        endAnimation();
        Screens.capture(timeline.canvas(), "timeline-at-end");
        List<Long> heard = new ArrayList<>();
        java.util.function.Consumer<RootsPanel> listener = p -> heard.add(p.step());
        RunSelection.listen(listener);
        try {
            TimelineDiagram.Mark inval = mark(EventType.ROOT_INVALIDATE);
            timeline.canvas().reveal(inval.x(), inval.y());
            Screens.settle(display);
            clickAt(inval.x() + 3, inval.y() - 2); // near the centre, as a hand clicks
            long step = inval.event().step();
            assertEquals(step, roots.step(), "the click moved the current step to the mark's event");
            assertEquals(step, heard.get(heard.size() - 1), "the other views heard of it");
            endAnimation();
            ImageData clicked = Screens.capture(roots.canvas(), "timeline-click-roots");
            ImageData line = Screens.capture(timeline.canvas(), "timeline-click-line");
            assertTrue(RootsControlsTest.lineAt(line, inval.x() - timeline.canvas().origin().x, 72),
                    "the current-step line is drawn at the mark");

            // the Roots picture is exactly that step's picture, however one gets there
            roots.goTo(1);
            endAnimation();
            roots.goTo(step);
            endAnimation();
            assertArrayEquals(clicked.data, Screens.capture(roots.canvas(), "timeline-goto-roots").data);

            // a click away from every mark leaves the step alone
            clickAt(inval.x() + TimelinePanel.HIT + 30, inval.y() + 20);
            assertEquals(step, roots.step());

            // another mark, another step
            TimelineDiagram.Mark yield = mark(EventType.WALK_YIELD);
            timeline.canvas().reveal(yield.x(), yield.y());
            Screens.settle(display);
            clickAt(yield.x(), yield.y());
            assertEquals(yield.event().step(), roots.step());
            assertNotEquals(step, roots.step());
            endAnimation();
            assertFalse(java.util.Arrays.equals(clicked.data, Screens.capture(roots.canvas(), "timeline-yield").data),
                    "a different step, a different picture");
        } finally {
            RunSelection.unlisten(listener);
        }
    }

    @Test
    void theMarksAreWhereTheDiagramDrawsThem() {
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        Scene scene = timeline.canvas().scene();
        List<int[]> diamonds = new ArrayList<>();
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Polygon p && p.points().length == 8) {
                // a diamond: top, right, bottom, left; its centre is (top x, right y)
                diamonds.add(new int[] { p.points()[0], p.points()[3] });
            }
        }
        int matched = 0;
        for (TimelineDiagram.Mark m : timeline.marks()) {
            if (!m.event().is(EventType.VIOLATION)) {
                assertTrue(diamonds.stream().anyMatch(d -> d[0] == m.x() && d[1] == m.y()),
                        "a diamond is drawn at " + m);
                matched++;
            }
        }
        assertTrue(matched > 5, "the seed has many marks: " + matched);
    }

    /** The view's Export Diagram writes the whole run's timeline, the same SVG as tdpscope export draws. */
    @Test
    void exportWritesTheWholeRunsTimeline(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        roots.goTo(3); // the export is of the whole run, wherever the step is
        java.nio.file.Path svg = dir.resolve("timeline.svg");
        assertEquals(texts(timeline.wholeRun()), texts(timeline.forExport()), "a short run exports all of it");
        ExportDiagramAction.write(timeline.forExport(), svg);
        List<TraceEvent> all = RootsPanel.runAll(roots.scenario(), roots.policy(), null).events();
        String want = org.tdpscope.export.SvgRenderer.render(TimelineDiagram.layout(
                roots.scenarioName() + " — kernel " + roots.kernel().word() + ", policy " + roots.policy().word(), all,
                org.tdpscope.export.Theme.LIGHT));
        assertEquals(want, java.nio.file.Files.readString(svg));
        java.nio.file.Path png = dir.resolve("timeline.png");
        ExportDiagramAction.write(timeline.wholeRun(), png);
        assertEquals(0x89, java.nio.file.Files.readAllBytes(png)[0] & 0xff, "a PNG");
    }

    @Test
    void aLongRunIsShownThroughAWindowThatTheSliderMoves() {
        List<TraceEvent> run = org.tdpscope.ui.bench.UiBench.syntheticRun(20_000);
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        timeline.showRun(roots, run, 5_000);
        assertEquals(5_000 - TimelinePanel.WINDOW / 2 - 1, timeline.windowStart(), "the window holds the step");
        Scene first = timeline.canvas().scene();
        timeline.slider().setSelection(15_000);
        timeline.slider().notifyListeners(SWT.Selection, new Event());
        assertEquals(15_000, timeline.windowStart());
        Scene later = timeline.canvas().scene();
        assertNotEquals(texts(first), texts(later));
        // the step axis of the window: only steps of events 15,001 to 15,400 are drawn
        List<Long> axis = new ArrayList<>();
        for (String t : texts(later)) {
            if (t.matches("[0-9]+")) {
                axis.add(Long.parseLong(t));
            }
        }
        assertTrue(axis.size() > 10, "columns: " + axis);
        assertTrue(axis.stream().allMatch(s -> s >= 15_001 && s <= 15_000 + TimelinePanel.WINDOW), "columns: " + axis);
        assertEquals(texts(later), texts(timeline.forExport()), "a long run exports the window shown");
    }

    private static List<String> texts(Scene scene) {
        List<String> out = new ArrayList<>();
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Text t) {
                out.add(t.text());
            }
        }
        return out;
    }
}
