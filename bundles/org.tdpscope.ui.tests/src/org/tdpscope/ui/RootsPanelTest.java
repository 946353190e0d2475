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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.export.Scene;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.ui.testing.Screens;

/**
 * Opens the Roots panel in a real SWT shell (under Xvfb in CI), runs the seed example and checks
 * what is drawn: the invalidated roots change colour, the walker's cursor is drawn, and stepping
 * back restores the earlier picture. Screenshots go to target/screenshots.
 */
class RootsPanelTest {

    static final Path EXAMPLE = Screens.example("seed-terminate.tdp");

    private Display display;
    private Shell shell;
    private RootsPanel panel;

    @BeforeEach
    void open() {
        display = Display.getDefault(); // fails with "No more handles" without a display: never skipped
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1000, 700);
        panel = new RootsPanel(shell, SWT.NONE);
        shell.open();
        settle();
    }

    @AfterEach
    void close() {
        shell.dispose();
    }

    /** Lets layout, paint and any step animation finish: the pictures compared are end frames. */
    private void settle() {
        Screens.settle(display);
        Screens.pumpUntil(display, () -> !panel.canvas().animating(), 5000, "the animation to end");
    }

    private ImageData capture(String name) throws Exception {
        return Screens.capture(panel.canvas(), name);
    }

    /** The colour inside a root's box, away from its border and its text. */
    private RGB fillOf(ImageData img, String root) {
        for (Scene.Shape s : panel.scene().shapes()) {
            if (s instanceof Scene.Rect r && ("root-" + root).equals(r.id())) {
                int pixel = img.getPixel(r.x() + 5, r.y() + 14);
                return img.palette.getRGB(pixel);
            }
        }
        throw new AssertionError("root " + root + " is not drawn");
    }

    private static RGB rgb(String hex) {
        return Screens.rgb(hex);
    }

    private String fillColourInScene(String root) {
        for (Scene.Shape s : panel.scene().shapes()) {
            if (s instanceof Scene.Rect r && ("root-" + root).equals(r.id())) {
                return r.fill();
            }
        }
        throw new AssertionError(root);
    }

    private long firstStep(String event, String root) {
        for (TraceEvent e : panel.events()) {
            if (e.type().id().equals(event) && (root == null || root.equals(e.root()))) {
                return e.step();
            }
        }
        throw new AssertionError(event + " " + root);
    }

    @Test
    void fastZapRecoloursRootsAndStepBackRestoresThePicture() throws Exception {
        assertTrue(panel.open(EXAMPLE), panel.statusText());
        panel.setPolicy(Policy.CONTINUE);
        long yielded = firstStep("walk.yield", null);
        long invalidated = firstStep("root.invalidate", null);
        assertTrue(yielded < invalidated);

        panel.goTo(invalidated - 1);
        settle();
        ImageData before = capture("roots-before-fast-zap");
        String root = panel.events().get((int) invalidated - 1).root();
        RGB validColour = fillOf(before, root);
        assertEquals(rgb(fillColourInScene(root)), validColour, "drawn colour is the scene's fill");

        panel.goTo(invalidated);
        settle();
        ImageData after = capture("roots-after-invalidate");
        RGB invalidColour = fillOf(after, root);
        assertNotEquals(validColour, invalidColour, "the invalidated root changed colour");
        assertEquals(rgb(fillColourInScene(root)), invalidColour);

        panel.stepBack();
        settle();
        ImageData back = capture("roots-stepped-back");
        assertEquals(invalidated - 1, panel.step());
        assertArrayEquals(before.data, back.data, "step back restores the earlier picture");
    }

    @Test
    void theWalkerCursorIsDrawnWhileItHoldsARoot() throws Exception {
        assertTrue(panel.open(EXAMPLE), panel.statusText());
        panel.setPolicy(Policy.TERMINATE);
        panel.goTo(firstStep("walk.yield", null));
        settle();
        ImageData img = capture("roots-walker-yielded");
        int cursorPixels = 0;
        RGB cursor = null;
        for (Scene.Shape s : panel.scene().shapes()) {
            if (s instanceof Scene.Polygon p) {
                cursor = rgb(p.fill());
                int cx = p.points()[4];
                int cy = p.points()[5] - 4;
                for (int dx = -2; dx <= 2; dx++) {
                    if (img.palette.getRGB(img.getPixel(cx + dx, cy)).equals(cursor)) {
                        cursorPixels++;
                    }
                }
            }
        }
        assertTrue(cursor != null, "a cursor is in the scene");
        assertTrue(cursorPixels >= 3, "the cursor's triangle is painted");
        panel.goTo(panel.totalSteps());
        settle();
        boolean anyCursor = panel.scene().shapes().stream().anyMatch(s -> s instanceof Scene.Polygon);
        assertTrue(!anyCursor, "no cursor once the walk ended");
    }

    @Test
    void exportWritesTheDrawingOnScreen(@TempDir Path dir) throws Exception {
        assertTrue(panel.open(EXAMPLE), panel.statusText());
        panel.setPolicy(Policy.FIFO);
        panel.goTo(firstStep("walk.yield", null));
        Path svg = dir.resolve("roots.svg");
        Path png = dir.resolve("roots.png");
        panel.exportTo(svg);
        panel.exportTo(png);
        String text = Files.readString(svg);
        assertTrue(text.startsWith("<?xml") && text.contains("id=\"root-B\""), "the SVG has the root boxes");
        assertTrue(text.contains("policy fifo · step " + panel.step()), "and says which step it shows");
        ImageData data = new ImageLoader().load(png.toString())[0];
        assertEquals(panel.scene().width() * 2, data.width, "PNG at twice the size, from the same drawing");
    }

    @Test
    void followingViewsDrawTheirDiagramsAtTheCurrentStep() throws Exception {
        List<Long> seen = new ArrayList<>();
        java.util.function.Consumer<RootsPanel> listener = p -> seen.add(p.step());
        RunSelection.listen(listener);
        try {
            assertTrue(panel.open(EXAMPLE), panel.statusText());
            panel.setPolicy(Policy.TERMINATE);
            long yielded = firstStep("walk.yield", null);
            panel.goTo(yielded);
            assertEquals(yielded, seen.get(seen.size() - 1), "the views hear of each step");
            Scene tables = PageTablesView.scene(panel);
            assertTrue(texts(tables).stream().anyMatch(t -> t.contains("B")), "root B's tree: " + texts(tables));
            Scene walk = WalkView.scene(panel);
            // the seed makes no 2-D walk: the Walk view shows the yielded walker's pass over the roots
            assertTrue(texts(walk).stream().anyMatch(t -> t.matches("\\S+ · walk 1 · policy terminate · step "
                    + yielded + " · root \\d+ / \\d+")), "the walker's pass: " + texts(walk));
        } finally {
            RunSelection.unlisten(listener);
        }
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

    /**
     * Closing the Roots view while its step field has the focus: SWT hands the focus up from the field as it goes,
     * to the panel, which gave it to its drawing, already gone ("Widget is disposed" from the view's disposal).
     */
    @Test
    void aPanelDisposedWithTheFocusInsideGoesQuietly() throws Exception {
        assertTrue(panel.open(EXAMPLE), panel.statusText());
        settle();
        org.eclipse.swt.widgets.Composite part = new org.eclipse.swt.widgets.Composite(shell, SWT.NONE);
        part.setLayout(new FillLayout());
        RootsPanel inView = new RootsPanel(part, SWT.NONE);
        shell.layout(true, true);
        assertTrue(inView.open(EXAMPLE), inView.statusText());
        settle();
        assertTrue(inView.stepField().forceFocus(), "the step field takes the focus");
        settle();
        part.dispose(); // as the workbench disposes a closed view's composite
        settle();
        assertTrue(inView.isDisposed());
        assertFalse(panel.isDisposed(), "the other panel stays");
    }

    @Test
    void aBadScenarioShowsPositionedErrors() throws Exception {
        Path bad = Files.createTempFile("bad", ".tdp");
        Files.writeString(bad, "scenario \"x\" { vm { memslot 0: gfn 0x0 .. } }");
        try {
            assertTrue(!panel.open(bad));
            assertTrue(panel.statusText().matches("(?s).*bad[0-9]*\\.tdp:[0-9]+:[0-9]+: error: .*"),
                    panel.statusText());
        } finally {
            Files.delete(bad);
        }
    }
}
