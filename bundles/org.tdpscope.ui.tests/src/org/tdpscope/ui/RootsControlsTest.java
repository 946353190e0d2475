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

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tdpscope.export.Scene;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.ui.testing.Screens;

/**
 * The Roots panel's animation, violation flash and list, and its controls (play, pause, speed, go
 * to step), driven with SWT events in a real shell; the assertions are on the pixels drawn.
 */
class RootsControlsTest {

    private Display display;
    private Shell shell;
    private RootsPanel panel;

    @BeforeEach
    void open() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1000, 700);
        panel = new RootsPanel(shell, SWT.NONE);
        shell.open();
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        panel.setPlaying(false);
        shell.dispose();
    }

    private void endAnimation() {
        Screens.pumpUntil(display, () -> !panel.canvas().animating(), 5000, "the animation to end");
    }

    private Scene.Rect box(String root) {
        for (Scene.Shape s : panel.scene().shapes()) {
            if (s instanceof Scene.Rect r && ("root-" + root).equals(r.id())) {
                return r;
            }
        }
        throw new AssertionError("root " + root + " is not drawn");
    }

    private long first(String event) {
        for (TraceEvent e : panel.events()) {
            if (e.type().id().equals(event)) {
                return e.step();
            }
        }
        throw new AssertionError(event);
    }

    private static void click(org.eclipse.swt.widgets.Widget w, int type) {
        w.notifyListeners(type, new Event());
    }

    private static boolean between(int a, int m, int b) {
        return Math.min(a, b) <= m && m <= Math.max(a, b);
    }

    @Test
    void anInvalidationAnimatesTheBoxColourAndEndsOnTheStepsPicture() throws Exception {
        assertTrue(panel.open(Screens.example("seed-terminate.tdp")), panel.statusText());
        panel.setPolicy(Policy.CONTINUE);
        long invalidated = first("root.invalidate");
        String root = panel.events().get((int) invalidated - 1).root();
        panel.goTo(invalidated - 1);
        endAnimation();
        Scene.Rect r = box(root);
        ImageData before = Screens.capture(panel.canvas(), "anim-0-before");

        panel.goTo(invalidated);
        assertTrue(panel.canvas().animating(), "the step starts a transition");
        panel.canvas().holdTransitionAt(0.5);
        Screens.settle(display);
        ImageData mid = Screens.capture(panel.canvas(), "anim-1-mid");
        panel.canvas().finishAnimation();
        Screens.settle(display);
        ImageData after = Screens.capture(panel.canvas(), "anim-2-after");

        RGB a = Screens.pixel(before, r.x() + 5, r.y() + 14);
        RGB m = Screens.pixel(mid, r.x() + 5, r.y() + 14);
        RGB b = Screens.pixel(after, r.x() + 5, r.y() + 14);
        assertNotEquals(a, b, "the invalidated box changed colour");
        assertNotEquals(a, m, "mid-frame differs from the first frame");
        assertNotEquals(b, m, "mid-frame differs from the last frame");
        assertTrue(between(a.red, m.red, b.red) && between(a.green, m.green, b.green)
                && between(a.blue, m.blue, b.blue), "mid colour " + m + " lies between " + a + " and " + b);

        // the timer drives a real transition to the same end frame
        panel.goTo(invalidated - 1);
        endAnimation();
        panel.goTo(invalidated);
        long t0 = System.nanoTime();
        endAnimation();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= SceneCanvas.TRANSITION_MS - 30, "the transition takes its time: " + ms + " ms");
        assertArrayEquals(after.data, Screens.capture(panel.canvas(), "anim-3-timer-end").data);
    }

    @Test
    void aViolationFlashesAndIsListedAndSelectingItGoesToItsStep() throws Exception {
        assertTrue(panel.open(Screens.example("use-after-free.tdp")), panel.statusText());
        assertEquals(1, panel.violations().size(), "the run's one violation is listed");
        assertEquals(1, panel.violationTable().getItemCount());
        assertTrue(panel.violationTable().getVisible(), "the list is shown");
        TraceEvent v = panel.violations().get(0);
        assertEquals(Long.toString(v.step()), panel.violationTable().getItem(0).getText(0));
        assertEquals(v.invariant().number() + " " + v.invariant().word(),
                panel.violationTable().getItem(0).getText(2));

        panel.goTo(0);
        endAnimation();
        panel.violationTable().setSelection(0);
        click(panel.violationTable(), SWT.Selection);
        assertEquals(v.step(), panel.step(), "selecting the row goes to the violation's step");
        endAnimation();
        ImageData still = Screens.capture(panel.canvas(), "violation-still");

        panel.goTo(v.step() - 1);
        endAnimation();
        panel.stepForward();
        panel.canvas().holdFlash();
        panel.canvas().holdTransitionAt(1);
        Screens.settle(display);
        ImageData flashing = Screens.capture(panel.canvas(), "violation-flash");
        Scene.Rect r = box(v.root());
        RGB calm = Screens.pixel(still, r.x() + 5, r.y() + 14);
        RGB lit = Screens.pixel(flashing, r.x() + 5, r.y() + 14);
        assertNotEquals(calm, lit, "the violated root's box flashes");
        RGB halo = Screens.pixel(flashing, r.x() - 3, r.y() + r.h() / 2);
        assertTrue(halo.red > halo.green + 40, "a red halo around the box: " + halo);
        panel.canvas().finishAnimation();
        Screens.settle(display);
        assertArrayEquals(still.data, Screens.capture(panel.canvas(), "violation-after-flash").data,
                "the flash ends on the step's picture");
    }

    @Test
    void goToStepTakesATypedNumberAndExplainsBadOnes() {
        assertTrue(panel.open(Screens.example("seed-terminate.tdp")), panel.statusText());
        assertFalse(panel.violationTable().getVisible(), "no violation: no list taking room from the picture");
        panel.stepField().setText("12");
        click(panel.stepField(), SWT.DefaultSelection);
        assertEquals(12, panel.step());
        panel.stepField().setText("twelve");
        click(panel.stepField(), SWT.DefaultSelection);
        assertEquals(12, panel.step(), "a bad number does not move");
        assertEquals("not a step number: 'twelve' (0 to " + panel.totalSteps() + ")", panel.statusText());
        panel.stepField().setText("100000");
        click(panel.stepField(), SWT.DefaultSelection);
        assertEquals("no step 100000: this run has steps 0 to " + panel.totalSteps(), panel.statusText());
        assertEquals(12, panel.step());
    }

    @Test
    void playRunsThroughTheStepsAtTheChosenSpeedAndPauseStops() throws Exception {
        assertTrue(panel.open(Screens.example("seed-terminate.tdp")), panel.statusText());
        TimelinePanel timeline = new TimelinePanel(shell, SWT.NONE);
        shell.setLayout(new org.eclipse.swt.layout.GridLayout(1, false));
        panel.setLayoutData(new org.eclipse.swt.layout.GridData(SWT.FILL, SWT.FILL, true, true));
        timeline.setLayoutData(new org.eclipse.swt.layout.GridData(SWT.FILL, SWT.FILL, true, true));
        shell.layout(true, true);
        panel.goTo(0);
        endAnimation();
        ImageData start = Screens.capture(panel.canvas(), "play-0-start");
        panel.setSpeed(30);
        click(panel.playButton(), SWT.Selection);
        assertTrue(panel.playing());
        assertEquals("Pause", panel.playButton().getText());
        long t0 = System.nanoTime();
        Screens.pumpUntil(display, () -> panel.step() >= 10, 5000, "ten steps played");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds >= 9 / 30.0 - 0.05, "not faster than 30 steps/s: " + seconds + " s");
        click(panel.playButton(), SWT.Selection);
        assertFalse(panel.playing());
        long paused = panel.step();
        Screens.pumpFor(display, 300);
        assertEquals(paused, panel.step(), "pause stops");
        assertEquals(Long.toString(paused), panel.stepField().getText(), "the step field follows");
        endAnimation();
        ImageData now = Screens.capture(panel.canvas(), "play-1-paused");
        assertFalse(java.util.Arrays.equals(start.data, now.data), "the picture moved on");
        Screens.settle(display);
        ImageData line = Screens.capture(timeline.canvas(), "play-2-timeline");
        int x = timeline.xOf(paused) - timeline.canvas().origin().x;
        assertTrue(lineAt(line, x, 72), "the timeline's current-step line is at step " + paused);

        // playing from the last step starts over, and playing stops at the end
        panel.goTo(panel.totalSteps());
        panel.setSpeed(30);
        panel.setAnimated(false);
        click(panel.playButton(), SWT.Selection);
        assertTrue(panel.step() <= 1, "started over");
        Screens.pumpUntil(display, () -> !panel.playing(), 20_000, "playing to the end");
        assertEquals(panel.totalSteps(), panel.step());
        assertEquals("Play", panel.playButton().getText());
    }

    @Test
    void switchingThePolicyReplaysInAJobAndShowsTheResultOnTheUiThread() throws Exception {
        assertTrue(panel.open(Screens.example("seed-terminate.tdp")), panel.statusText());
        panel.setPolicy(Policy.CONTINUE);
        panel.goTo(panel.totalSteps());
        endAnimation();
        ImageData continued = Screens.capture(panel.canvas(), "job-0-continue");

        org.eclipse.core.runtime.jobs.Job job = panel.replay(Policy.FIFO);
        assertTrue(panel.running());
        assertEquals(Policy.CONTINUE, panel.policy(), "the shown run stays until the new one is complete");
        Screens.pumpUntil(display, () -> !panel.running(), 20_000, "the replay job");
        assertTrue(job.getResult().isOK(), job.getResult().toString());
        assertEquals(Policy.FIFO, panel.policy());
        endAnimation();
        ImageData fromJob = Screens.capture(panel.canvas(), "job-1-fifo");
        assertFalse(java.util.Arrays.equals(continued.data, fromJob.data), "another policy, another picture");
        panel.setPolicy(Policy.FIFO); // the same replay on the UI thread
        endAnimation();
        assertArrayEquals(fromJob.data, Screens.capture(panel.canvas(), "job-2-fifo-sync").data,
                "the job's run is the run");

        // cancelled: the previous run stays on screen and the status says so
        var jobs = org.eclipse.core.runtime.jobs.Job.getJobManager();
        jobs.suspend(); // the job must not finish before the cancel
        try {
            panel.replay(Policy.RESTART).cancel();
        } finally {
            jobs.resume();
        }
        Screens.pumpUntil(display, () -> !panel.running(), 20_000, "the cancelled job to end");
        assertEquals(Policy.FIFO, panel.policy());
        assertEquals("run under restart cancelled; still showing fifo", panel.statusText());

        // a cancel during the run stops the simulation at the next event
        var monitor = new org.eclipse.core.runtime.NullProgressMonitor();
        monitor.setCanceled(true);
        org.junit.jupiter.api.Assertions.assertThrows(org.eclipse.core.runtime.OperationCanceledException.class,
                () -> RootsPanel.runAll(panel.scenario(), Policy.RESTART, monitor));
    }

    /**
     * The era switch beside the policy switch: the scenario's own era is selected on open; choosing another
     * (a selection event on the combo, as a click does) replays the run under that era's rules, and the
     * picture's title says which era it shows.
     */
    @Test
    void theEraSwitchReplaysUnderTheChosenEra() throws Exception {
        assertTrue(panel.open(Screens.example("seed-terminate.tdp")), panel.statusText());
        endAnimation();
        assertEquals("kernel v5.16", panel.kernelCombo().getText(), "the scenario says v5.16");
        assertTrue(panel.scene().title().contains("kernel v5.16, policy continue"), panel.scene().title());
        assertTrue(panel.events().stream().noneMatch(e -> "kworker".equals(e.thread())));
        ImageData v516 = Screens.capture(panel.canvas(), "era-0-v5.16");

        panel.kernelCombo().select(org.tdpscope.sim.Era.V5_18.ordinal());
        click(panel.kernelCombo(), SWT.Selection);
        Screens.pumpUntil(display, () -> !panel.running(), 20_000, "the replay under v5.18");
        endAnimation();
        assertEquals(org.tdpscope.sim.Era.V5_18, panel.kernel().era());
        assertTrue(panel.scene().title().contains("kernel v5.18"), panel.scene().title());
        assertTrue(panel.events().stream().anyMatch(e -> "kworker".equals(e.thread())),
                "v5.18 zaps invalidated roots in the worker");
        assertFalse(java.util.Arrays.equals(v516.data, Screens.capture(panel.canvas(), "era-1-v5.18").data),
                "another era, another picture");
    }

    static boolean lineAt(ImageData img, int x, int y) {
        RGB purple = Screens.rgb(TimelinePanel.CURRENT);
        for (int dx = -1; dx <= 1; dx++) {
            if (x + dx >= 0 && x + dx < img.width && Screens.pixel(img, x + dx, y).equals(purple)) {
                return true;
            }
        }
        return false;
    }
}
