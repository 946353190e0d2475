/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.jface.text.Document;
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
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.ui.testing.Screens;

/**
 * The one loop between the editor and the views, as the workbench drives it ({@link EditorFollower} tells
 * {@link LiveScenario} what the editors do; here the test does, with real documents): the active
 * scenario runs in the Roots panel and the Timeline follows; a save re-runs it keeping the step; a pause
 * in typing re-runs a script that loads and leaves the last run on screen while it does not; switching
 * to another editor switches the run. Widget state and pixels, timed on the UI thread.
 */
class LiveLoopTest {

    private Display display;
    private Shell shell;
    private RootsPanel roots;
    private TimelinePanel timeline;
    private LiveScenario live;
    private final List<LiveScenario.Source> heard = new ArrayList<>();
    private final Consumer<LiveScenario.Source> follow = s -> {
        heard.add(s);
        roots.follow(s);
    };

    @TempDir
    Path dir;

    @BeforeEach
    void open() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1100, 800);
        SashForm sash = new SashForm(shell, SWT.VERTICAL);
        roots = new RootsPanel(sash, SWT.NONE);
        roots.setAnimated(false);
        timeline = new TimelinePanel(sash, SWT.NONE);
        shell.open();
        live = new LiveScenario(display);
        live.listen(follow);
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        live.unlisten(follow);
        shell.dispose();
    }

    private Path copy(String example) throws Exception {
        Path f = dir.resolve(example);
        Files.writeString(f, Files.readString(Screens.example(example)));
        return f;
    }

    private void waitForRun() {
        Screens.pumpUntil(display, () -> !roots.running(), 60_000, "the run to be shown");
    }

    /** A fourth thread that does something visible: a vCPU making a new root. */
    private static String withThirdVcpu(String text) {
        return text.replace("    vcpu v0 role default\n", "    vcpu v0 role default\n    vcpu v2 role default\n")
                .replace("    invalidator Z: fast zap\n",
                        "    invalidator Z: fast zap\n    vcpu v2: load root; fault gfn 0x30 write\n")
                .replace("    W to end               // W resumes in A\n",
                        "    W to end               // W resumes in A\n    v2 to end\n");
    }

    @Test
    void theActiveEditorRunsASaveReRunsKeepingTheStepAndTheViewsFollow() throws Exception {
        Path uaf = copy("use-after-free.tdp");
        Document doc = new Document(Files.readString(uaf));
        long t0 = System.nanoTime();
        live.activated(uaf, doc);
        long activateMs = (System.nanoTime() - t0) / 1_000_000;
        waitForRun();
        assertEquals(uaf, roots.scenarioFile(), roots.statusText());
        int before = roots.totalSteps();
        assertTrue(before > 0);
        assertEquals(before, roots.step(), "a new scenario opens on its outcome");
        assertSame(roots.events(), timelineRun(), "the Timeline shows the same run");

        long kept = before / 2;
        roots.goTo(kept);
        String edited = withThirdVcpu(doc.get());
        assertNotEquals(doc.get(), edited, "the edit applies");
        doc.set(edited);
        Files.writeString(uaf, edited);
        t0 = System.nanoTime();
        live.saved(doc);
        long saveMs = (System.nanoTime() - t0) / 1_000_000;
        waitForRun();
        assertTrue(roots.totalSteps() > before, "the saved scenario ran: " + before + " -> " + roots.totalSteps());
        assertEquals(kept, roots.step(), "the step is kept where it still exists");
        assertTrue(roots.events().stream().anyMatch(e -> "v2".equals(e.thread())), "the new thread ran");
        assertSame(roots.events(), timelineRun(), "the Timeline re-ran too");
        assertEquals(LiveScenario.Reason.SAVED, heard.get(heard.size() - 1).reason());
        System.out.printf("UI thread: activate %d ms, save %d ms, showing the re-run %.1f ms (the run itself in a job)%n",
                activateMs, saveMs, roots.lastShowNanos() / 1e6);
    }

    private List<TraceEvent> timelineRun() throws Exception {
        var f = TimelinePanel.class.getDeclaredField("run");
        f.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<TraceEvent> run = (List<TraceEvent>) f.get(timeline);
        return run;
    }

    @Test
    void typingReRunsAfterAPauseWhenTheScriptLoadsAndKeepsTheLastRunWhenItDoesNot() throws Exception {
        Path uaf = copy("use-after-free.tdp");
        Document doc = new Document(Files.readString(uaf));
        live.activated(uaf, doc);
        waitForRun();
        int before = roots.totalSteps();
        List<TraceEvent> shown = roots.events();

        // half-typed: does not load; the last run stays, the status says why with a position
        doc.replace(doc.get().indexOf("    W to end"), 0, "    W unt\n");
        Screens.pumpFor(display, LiveScenario.TYPING_DELAY_MS + 300);
        waitForRun();
        assertEquals(LiveScenario.Reason.TYPED, heard.get(heard.size() - 1).reason(), "typing paused: heard");
        assertSame(shown, roots.events(), "the last good run stays on screen");
        assertTrue(roots.statusText().startsWith("editing: not run until the script loads ("), roots.statusText());
        assertTrue(roots.statusText().matches(".*:\\d+:\\d+: .*"), "file:line:column: " + roots.statusText());

        // typed on to a script that loads: it runs without a save
        doc.set(withThirdVcpu(Files.readString(uaf)));
        int n = heard.size();
        Screens.pumpFor(display, LiveScenario.TYPING_DELAY_MS / 2);
        assertEquals(n, heard.size(), "nothing is run before the pause");
        Screens.pumpFor(display, LiveScenario.TYPING_DELAY_MS);
        waitForRun();
        assertTrue(roots.totalSteps() > before, roots.statusText());
        assertFalse(Files.readString(uaf).contains("v2"), "nothing was saved");
    }

    @Test
    void switchingEditorsSwitchesTheRunAndBack() throws Exception {
        Path uaf = copy("use-after-free.tdp");
        Path seed = copy("seed-terminate.tdp");
        Document a = new Document(Files.readString(uaf));
        Document b = new Document(Files.readString(seed));
        live.activated(uaf, a);
        waitForRun();
        ImageData uafPicture = Screens.capture(roots.canvas(), "loop-tab-uaf");
        int uafSteps = roots.totalSteps();

        long t0 = System.nanoTime();
        live.activated(seed, b);
        long switchMs = (System.nanoTime() - t0) / 1_000_000;
        waitForRun();
        assertEquals(seed, roots.scenarioFile());
        assertNotEquals(uafSteps, roots.totalSteps());
        assertTrue(roots.scene().shapes().stream().anyMatch(s -> s instanceof org.tdpscope.export.Scene.Text t
                && t.text().contains("walker yields while all roots are invalidated")), "the seed's title is drawn");
        ImageData seedPicture = Screens.capture(roots.canvas(), "loop-tab-seed");
        assertFalse(java.util.Arrays.equals(uafPicture.data, seedPicture.data), "another picture");
        assertSame(roots.events(), timelineRun());

        live.activated(uaf, a);
        waitForRun();
        assertEquals(uaf, roots.scenarioFile());
        assertEquals(uafSteps, roots.totalSteps());
        live.activated(uaf, a); // the same editor again (a view was clicked in between): no re-run
        assertFalse(roots.running());
        System.out.printf("UI thread: tab switch %d ms, showing its run %.1f ms%n", switchMs,
                roots.lastShowNanos() / 1e6);
    }

    @Test
    void openingAFileWithoutAnEditorRunsItAndAScriptWithErrorsSaysWhere() throws Exception {
        Path seed = copy("seed-terminate.tdp");
        live.opened(seed);
        waitForRun();
        assertEquals(seed, roots.scenarioFile());
        assertTrue(roots.totalSteps() > 0);

        Path bad = dir.resolve("bad.tdp");
        Files.writeString(bad, "scenario \"x\" {\n  threads {\n    walker W: yeild\n  }\n}\n");
        live.opened(bad);
        waitForRun();
        assertEquals(seed, roots.scenarioFile(), "the last good run stays");
        assertTrue(roots.statusText().startsWith("not run: " + bad), roots.statusText());
    }

    @Test
    void explorerResultsSayWhichScenarioTheyAreOfBadOnesFirstAndFollowTheEditor() throws Exception {
        Path livelock = copy("explore-restart-livelock.tdp");
        Path uaf = copy("use-after-free.tdp");
        Shell other = new Shell(display);
        other.setLayout(new FillLayout());
        other.setSize(1000, 500);
        ExplorerViewPanel explorer = new ExplorerViewPanel(other, SWT.NONE);
        other.open();
        try {
            explorer.setScenarioSource(() -> livelock);
            assertTrue(explorer.exploreFromSource() != null, explorer.statusText());
            Screens.pumpUntil(display, () -> explorer.results() != null, 300_000, "the exploration");
            assertTrue(explorer.statusText().startsWith("explore-restart-livelock.tdp ("), explorer.statusText());
            List<ExplorerViewPanel.Row> rows = explorer.rows();
            assertTrue(rows.stream().anyMatch(r -> r.outcome().bad()) && rows.stream().anyMatch(r -> !r.outcome().bad()),
                    "good and bad outcomes: " + rows);
            int firstGood = 0;
            while (rows.get(firstGood).outcome().bad()) {
                firstGood++;
            }
            for (int i = firstGood; i < rows.size(); i++) {
                assertFalse(rows.get(i).outcome().bad(), "bad outcomes first: row " + i);
            }
            for (int i = 0; i < rows.size(); i++) {
                var item = explorer.table().getItem(i);
                var r = rows.get(i).result();
                assertEquals(ExplorerViewPanel.rowText(r.scenario().kernel, r.policy(), rows.get(i).outcome())
                        [ExplorerViewPanel.COL_KIND], item.getText(ExplorerViewPanel.COL_KIND));
                if (rows.get(i).outcome().kind() == org.tdpscope.sim.explore.Outcome.Kind.LIVELOCK) {
                    assertTrue(item.getText(ExplorerViewPanel.COL_VIOLATIONS).startsWith("livelock (restart cycle)"),
                            item.getText(ExplorerViewPanel.COL_VIOLATIONS));
                }
            }
            // the Outcome column shows "BAD complete" whole
            var gc = new org.eclipse.swt.graphics.GC(explorer.table());
            int need = gc.textExtent("BAD livelock").x + 12;
            gc.dispose();
            assertTrue(explorer.table().getColumn(ExplorerViewPanel.COL_KIND).getWidth() >= need,
                    "Outcome column wide enough for 'BAD livelock'");

            // the active editor switches to another scenario: the old results go, the status says whose turn it is
            assertTrue(explorer.follow(uaf, true));
            assertEquals(0, explorer.table().getItemCount());
            assertTrue(explorer.statusText().startsWith("use-after-free.tdp: press Explore"), explorer.statusText());
        } finally {
            other.dispose();
        }
    }

    /**
     * UI-thread times on the example with the longest run: opening (the first load builds the language
     * off the UI thread), save-and-rerun, and a Ctrl+wheel zoom with its repaint. Printed for the record;
     * the bounds are generous (a shared CI machine), the point is that the work is not on the UI thread.
     */
    @Test
    void uiThreadTimesOnTheLargestExample() throws Exception {
        Path largest = null;
        int most = -1;
        for (String name : List.of("seed-terminate.tdp", "mainline-fast-zap.tdp", "stale-spte-fifo.tdp",
                "use-after-free.tdp", "two-d-walk.tdp", "explore-restart-livelock.tdp")) {
            Path f = copy(name);
            live.opened(f);
            waitForRun();
            if (roots.totalSteps() > most) {
                most = roots.totalSteps();
                largest = f;
            }
        }
        Document doc = new Document(Files.readString(largest));
        long t0 = System.nanoTime();
        live.activated(largest, doc);
        long activate = System.nanoTime() - t0;
        waitForRun();
        long openShow = roots.lastShowNanos();
        roots.goTo(roots.totalSteps() / 2);
        doc.set(doc.get() + "\n// saved\n");
        t0 = System.nanoTime();
        live.saved(doc);
        long save = System.nanoTime() - t0;
        waitForRun();
        long saveShow = roots.lastShowNanos();
        Event wheel = new Event();
        wheel.x = 100;
        wheel.y = 100;
        wheel.count = 3;
        wheel.stateMask = SWT.MOD1;
        t0 = System.nanoTime();
        roots.canvas().notifyListeners(SWT.MouseWheel, wheel);
        roots.canvas().update(); // the repaint at the new zoom
        long zoom = System.nanoTime() - t0;
        System.out.printf("UI thread on %s (%d steps): open %.1f + %.1f ms, save-and-rerun %.1f + %.1f ms, zoom %.1f ms%n",
                largest.getFileName(), most, activate / 1e6, openShow / 1e6, save / 1e6, saveShow / 1e6, zoom / 1e6);
        assertTrue((activate + openShow) / 1e6 < 500 && (save + saveShow) / 1e6 < 500 && zoom / 1e6 < 500,
                "no UI-thread step takes half a second");
    }
}
