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

import java.util.List;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tdpscope.export.Scene;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.ui.testing.Screens;

/**
 * The Walk panel under a Roots panel in a real shell, wired as the Walk view wires it (the canvas in
 * its body, redrawn from {@link WalkPanel#follow} at each step): its buttons step the lit reference
 * of the 2-D grid, or the visited root of a walker, and the assertions are on the pixels drawn.
 */
class WalkViewTest {

    private Display display;
    private Shell shell;
    private RootsPanel roots;
    private WalkPanel walk;
    private SceneCanvas canvas;
    private final Consumer<RootsPanel> follow = p -> canvas.setScene(walk.follow(p));

    @BeforeEach
    void open() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1300, 1000);
        SashForm sash = new SashForm(shell, SWT.VERTICAL);
        roots = new RootsPanel(sash, SWT.NONE);
        roots.setAnimated(false);
        walk = new WalkPanel(sash, SWT.NONE);
        canvas = new SceneCanvas(walk.body(), SWT.NONE);
        walk.setCanvas(canvas);
        sash.setWeights(new int[] { 25, 75 });
        RunSelection.listen(follow);
        shell.open();
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        RunSelection.unlisten(follow);
        shell.dispose();
    }

    private void press(int button) {
        Button b = walk.buttons()[button];
        b.notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
    }

    private static final int FIRST = 0;
    private static final int BACK = 1;
    private static final int FORWARD = 2;
    private static final int LAST = 3;

    private long firstStep(String type) {
        for (TraceEvent e : roots.events()) {
            if (e.type().id().equals(type)) {
                return e.step();
            }
        }
        throw new AssertionError("no " + type + " in the run");
    }

    private Scene.Rect cell(int k) {
        for (Scene.Shape s : canvas.scene().shapes()) {
            if (s instanceof Scene.Rect r && ("ref-" + k).equals(r.id())) {
                return r;
            }
        }
        throw new AssertionError("reference " + k + " is not drawn");
    }

    /** A pixel inside cell k, below its text (the cell's fill shows there). */
    private static RGB inside(ImageData img, Scene.Rect r) {
        return Screens.pixel(img, r.x() + r.w() - 10, r.y() + r.h() - 6);
    }

    @Test
    void theButtonsLightTheReferencesInOrder() throws Exception {
        assertTrue(roots.open(Screens.example("two-d-walk.tdp")), roots.statusText());
        long access = firstStep("access");
        roots.goTo(access);
        Screens.settle(display);
        int n = walk.lit();
        assertTrue(n >= 2, "a walk of several references at step " + access + ": " + walk.positionText());
        assertEquals("reference " + n + " / " + n, walk.positionText(), "a new step shows the whole walk");
        assertEquals("v0", walk.subjectCombo().getText());
        String background = canvas.scene().background();
        Scene.Rect lastCell = cell(n);
        Scene.Rect firstCell = cell(1);
        Scene.Rect second = cell(2);
        String litFill = lastCell.fill();
        assertNotEquals(background, litFill);
        ImageData allLit = Screens.capture(canvas, "walk-all-lit");
        assertEquals(Screens.rgb(litFill), inside(allLit, lastCell), "the last reference is drawn lit");
        assertEquals(Screens.rgb(second.fill()), inside(allLit, second));

        press(BACK);
        assertEquals("reference " + (n - 1) + " / " + n, walk.positionText());
        assertEquals(background, cell(n).fill(), "reference " + n + " is not lit any more");
        ImageData back = Screens.capture(canvas, "walk-back");
        assertEquals(Screens.rgb(background), inside(back, lastCell), "its cell is drawn empty");
        assertEquals(inside(allLit, firstCell), inside(back, firstCell), "reference 1 stays lit");
        assertFalse(java.util.Arrays.equals(allLit.data, back.data));

        press(FORWARD);
        assertEquals("reference " + n + " / " + n, walk.positionText());
        assertArrayEquals(allLit.data, Screens.capture(canvas, "walk-forward").data, "> gives back the whole walk");

        press(FIRST);
        assertEquals("reference 1 / " + n, walk.positionText());
        ImageData one = Screens.capture(canvas, "walk-first");
        panelShot("walk-panel-first");
        assertEquals(inside(allLit, firstCell), inside(one, firstCell), "reference 1 lit");
        assertEquals(Screens.rgb(background), inside(one, second), "reference 2 not yet");
        assertFalse(walk.buttons()[BACK].isEnabled(), "nothing before the first reference");

        press(FORWARD);
        assertEquals("reference 2 / " + n, walk.positionText());
        assertEquals(inside(allLit, second), inside(Screens.capture(canvas, "walk-second"), second),
                "reference 2 now lit");

        press(LAST);
        assertEquals("reference " + n + " / " + n, walk.positionText());
        assertArrayEquals(allLit.data, Screens.capture(canvas, "walk-last").data, "|< then >| gives the whole walk");
        assertFalse(walk.buttons()[FORWARD].isEnabled(), "nothing after the last reference");

        // another step: the whole walk again
        press(FIRST);
        roots.stepForward();
        Screens.settle(display);
        assertEquals(walk.lit(), canvas.scene().shapes().stream()
                .filter(s -> s instanceof Scene.Rect r && r.id() != null && r.id().startsWith("ref-")
                        && !background.equals(r.fill()))
                .count(), "every reference lit at the next step");
        assertTrue(walk.positionText().matches("reference ([0-9]+) / \\1"), walk.positionText());
        panelShot("walk-panel-next-step");
    }

    @Test
    void aWalkerIsSteppedRootByRoot() throws Exception {
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        long end = firstStep("walk.end");
        roots.goTo(end);
        Screens.settle(display);
        TraceEvent endEvent = roots.events().get((int) end - 1);
        List<String> items = List.of(walk.subjectCombo().getItems());
        int index = items.indexOf(endEvent.thread());
        assertTrue(index >= 0, endEvent.thread() + " is offered: " + items);
        walk.subjectCombo().select(index);
        walk.subjectCombo().notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
        // the walk's end says which roots it visited, "visited [A, B]": the picture draws them in that order
        String detail = endEvent.detail();
        List<String> visited = List.of(detail.substring(detail.indexOf('[') + 1, detail.indexOf(']')).split(", "));
        int n = visited.size();
        assertEquals("root " + n + " / " + n, walk.positionText());
        ImageData whole = Screens.capture(canvas, "walk-roots-all");
        int lastX = -1;
        for (String root : visited) {
            Scene.Rect box = rootBox(root);
            assertTrue(box.x() > lastX, "visits left to right in the walk's order: " + visited);
            lastX = box.x();
            assertEquals(Screens.rgb(box.fill()), insideBox(whole, box), root + " is drawn in its state's colour");
            assertNotEquals(Screens.rgb(canvasBackground()), insideBox(whole, box));
        }
        assertEquals(rootBox(visited.get(n - 1)).x() + rootBoxWidth() / 2, cursorX(), "the cursor on the last visit");
        assertTrue(text().startsWith(roots.scenarioName()), text());
        press(FIRST);
        assertEquals("root 1 / " + n, walk.positionText());
        ImageData first = Screens.capture(canvas, "walk-roots-first");
        assertEquals(rootBox(visited.get(0)).x() + rootBoxWidth() / 2, cursorX(), "the cursor on the first visit");
        for (int k = 2; k <= n; k++) {
            Scene.Rect later = visit(k);
            assertEquals(Screens.rgb(canvasBackground()), insideBox(first, later), "visit " + k + " only outlined");
        }
        if (n > 1) {
            press(FORWARD);
            assertEquals(rootBox(visited.get(1)).x() + rootBoxWidth() / 2, cursorX(), "the cursor moved on");
        }
        press(LAST);
        assertArrayEquals(whole.data, Screens.capture(canvas, "walk-roots-last").data, "|< then >| gives it all");
        assertTrue(walk.buttons()[FIRST].isEnabled() == n > 1 && !walk.buttons()[LAST].isEnabled());
        panelShot("walk-panel-roots");
    }

    /** A walker's earlier walks are offered too: "W" is its last walk, "W · walk 1" the one before. */
    @Test
    void aWalkersEarlierWalksCanBeChosen(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // the seed with a second operation for W: an aging walk after the write-protect walk
        String seed = java.nio.file.Files.readString(Screens.example("seed-terminate.tdp"));
        String op = "yield after gfn 0x10 in root B";
        assertTrue(seed.contains(op));
        java.nio.file.Path twoWalks = dir.resolve("two-walks.tdp");
        java.nio.file.Files.writeString(twoWalks, seed.replace(op,
                op + "; age gfn 0x0 .. 0x100 on valid roots, mmu_lock shared, never yield"));
        assertTrue(roots.open(twoWalks), roots.statusText());
        roots.setPolicy(org.tdpscope.sim.Policy.FIFO);
        roots.goTo(roots.totalSteps());
        Screens.settle(display);
        List<String> items = List.of(walk.subjectCombo().getItems());
        assertTrue(items.indexOf("W") >= 0 && items.indexOf("W · walk 1") == items.indexOf("W") + 1, items.toString());
        walk.subjectCombo().select(items.indexOf("W · walk 1"));
        walk.subjectCombo().notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
        // under fifo the write-protect walk visits A, B, C, D (the seed's expectation); the aging walk C, D
        assertTrue(text().startsWith(roots.scenarioName()), text());
        assertTrue(canvas.scene().shapes().stream().anyMatch(x -> x instanceof Scene.Text t
                && t.text().startsWith("W · walk 1 · policy fifo")), "the first walk's subtitle");
        assertEquals("root 4 / 4", walk.positionText());
        int x = -1;
        for (String r : List.of("A", "B", "C", "D")) {
            assertTrue(rootBox(r).x() > x, "A, B, C, D in order");
            x = rootBox(r).x();
        }
        walk.subjectCombo().select(items.indexOf("W"));
        walk.subjectCombo().notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
        assertEquals("root 2 / 2", walk.positionText());
        assertTrue(rootBox("C").x() < rootBox("D").x());
        Screens.capture(canvas, "walk-roots-second-walk");
    }

    /**
     * A pixel inside a root box clear of its text and of the cross a freed root gets: near the top,
     * three quarters across.
     */
    private static RGB insideBox(ImageData img, Scene.Rect r) {
        return Screens.pixel(img, r.x() + r.w() * 3 / 4 + 4, r.y() + 8);
    }

    private Scene.Rect rootBox(String root) {
        return rect("root-" + root);
    }

    private Scene.Rect visit(int k) {
        return rect("visit-" + k);
    }

    private Scene.Rect rect(String id) {
        for (Scene.Shape s : canvas.scene().shapes()) {
            if (s instanceof Scene.Rect r && id.equals(r.id())) {
                return r;
            }
        }
        throw new AssertionError(id + " is not drawn");
    }

    private int rootBoxWidth() {
        return canvas.scene().shapes().stream().filter(s -> s instanceof Scene.Rect r && r.id() != null
                && r.id().startsWith("root-")).map(s -> ((Scene.Rect) s).w()).findFirst().orElseThrow();
    }

    private String canvasBackground() {
        return canvas.scene().background();
    }

    /** The x of the walker's cursor, the one triangle in the picture. */
    private int cursorX() {
        List<Scene.Polygon> cursors = canvas.scene().shapes().stream().filter(s -> s instanceof Scene.Polygon)
                .map(s -> (Scene.Polygon) s).toList();
        assertEquals(1, cursors.size(), "one cursor");
        int[] p = cursors.get(0).points();
        return p[4]; // the tip
    }

    /** The controls and the picture, once GTK's fade of enabled/disabled buttons has ended. */
    private void panelShot(String name) throws Exception {
        Screens.pumpFor(display, 400);
        Screens.capture(walk, name);
    }

    private String text() {
        for (Scene.Shape s : canvas.scene().shapes()) {
            if (s instanceof Scene.Text t) {
                return t.text();
            }
        }
        throw new AssertionError("no text drawn");
    }
}
