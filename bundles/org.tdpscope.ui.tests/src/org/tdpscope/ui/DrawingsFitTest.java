/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.FillLayout;
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
 * Drawings that fit: at the size the Roots view has in the default window (1194×771, the perspective's
 * ratios) the use-after-free example's freed root A and root B are whole on screen; Ctrl+wheel zooms about
 * the pointer, Fit and 100 % do what they say; the Timeline keeps its lane names in view when scrolled;
 * the arrow keys and Home/End step the Roots view.
 */
class DrawingsFitTest {

    /**
     * The Roots view's panel in the default 1194×771 window: the editor area is 82 % of the width (the
     * Project Explorer and Outline take 18 %), the Roots view 55 % of that; 60 % of the height below the
     * menu, tool and status bars (about 90 px), less its tab and toolbar (about 34 px).
     */
    static final int ROOTS_W = (int) (1194 * 0.82 * 0.55);
    static final int ROOTS_H = (int) ((771 - 90) * 0.6) - 34;

    private Display display;
    private Shell shell;

    @BeforeEach
    void open() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
    }

    @AfterEach
    void close() {
        shell.dispose();
    }

    private RootsPanel roots(int w, int h) {
        RootsPanel roots = new RootsPanel(shell, SWT.NONE);
        roots.setAnimated(false);
        shell.open();
        shell.setSize(w, h);
        Rectangle c = shell.getClientArea();
        shell.setSize(w + (w - c.width), h + (h - c.height)); // the panel gets w × h
        Screens.settle(display);
        return roots;
    }

    private static Scene.Rect box(Scene scene, String root) {
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Rect r && ("root-" + root).equals(r.id())) {
                return r;
            }
        }
        return null;
    }

    /** The box is wholly inside the canvas and painted in its fill colour at its centre. */
    private static void assertWhole(SceneCanvas canvas, ImageData shot, Scene.Rect r) {
        Point tl = canvas.toControl(r.x(), r.y());
        Point br = canvas.toControl(r.x() + r.w(), r.y() + r.h());
        Rectangle area = canvas.getClientArea();
        assertTrue(tl.x >= 0 && tl.y >= 0 && br.x <= area.width && br.y <= area.height,
                r.id() + " wholly visible: " + tl + "-" + br + " in " + area);
        Point mid = canvas.toControl(r.x() + r.w() / 12, r.y() + r.h() / 2); // inside, clear of text and a cross
        RGB want = Screens.rgb(r.fill());
        RGB got = Screens.pixel(shot, mid.x, mid.y);
        assertTrue(Math.abs(got.red - want.red) < 12 && Math.abs(got.green - want.green) < 12
                && Math.abs(got.blue - want.blue) < 12, r.id() + " painted " + want + " at " + mid + ": " + got);
    }

    @Test
    void atTheDefaultWindowSizeTheFreedRootAAndRootBAreWhole() throws Exception {
        RootsPanel roots = roots(ROOTS_W, ROOTS_H);
        assertTrue(roots.open(Screens.example("use-after-free.tdp")), roots.statusText());
        TraceEvent v = roots.violations().get(0);
        roots.goTo(v.step());
        Screens.settle(display);
        Scene scene = roots.scene();
        Scene.Rect a = box(scene, "A");
        Scene.Rect b = box(scene, "B");
        assertNotNull(a, "A is drawn at the violation");
        assertNotNull(b, "B is drawn at the violation");
        SceneCanvas canvas = roots.canvas();
        Rectangle area = canvas.getClientArea();
        boolean clippedAt100 = scene.width() > area.width || scene.height() > area.height;

        canvas.setFitting(true); // as the Roots view starts
        Screens.settle(display);
        ImageData fitted = Screens.capture(canvas, "fit-uaf-default-size");
        Screens.capture(roots, "fit-uaf-default-size-panel");
        assertWhole(canvas, fitted, a);
        assertWhole(canvas, fitted, b);
        assertTrue(canvas.zoom() <= 1, "never enlarged");
        assertEquals(ROOTS_W, roots.getSize().x);
        System.out.printf("Roots view %d×%d: drawing %d×%d, fitted at %s (at 100 %% it %s)%n", area.width,
                area.height, scene.width(), scene.height(), ZoomActions.percent(canvas.zoom()),
                clippedAt100 ? "would be clipped" : "fits too");

        // stepping keeps fitting: the drawing of another step fits as well
        roots.goTo(0);
        Screens.settle(display);
        assertTrue(canvas.fitting());
    }

    /**
     * The Page tables view's picture of twelve L1 tables below one L2 (4K faults in twelve 2 MiB regions): the L1
     * tables in rows in a frame, the whole wider than tall; at the Roots view's default size, fitted (at the
     * readable minimum here), the root, the L2 and the frame's caption are on screen, the rest of the grid a
     * scroll away. As one column the twelve made a picture taller than wide, fitted with the root a sliver.
     */
    @Test
    void thePageTablesPictureShowsItsRootAndItsGridOfL1TablesWhole() throws Exception {
        StringBuilder faults = new StringBuilder("load root");
        for (int region = 0; region < 12; region++) {
            faults.append("; fault gfn 0x").append(Integer.toHexString(region * 0x200 + 0x10)).append(" write");
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("twelve-tables", ".tdp");
        java.nio.file.Files.writeString(file, "scenario \"twelve page tables\" {\n  vm {\n"
                + "    memslot 0: gfn 0x0 .. 0x2000 dirty-logging\n    vcpu v0\n  }\n"
                + "  threads {\n    vcpu v0: " + faults + "\n  }\n}\n");
        try {
            RootsPanel roots = roots(ROOTS_W, ROOTS_H);
            assertTrue(roots.open(file), roots.statusText());
            roots.goTo(roots.totalSteps());
            Screens.settle(display);
            Scene scene = PageTablesView.scene(roots);
            Scene.Rect root = null;
            Scene.Rect frame = null;
            Scene.Rect l2 = null;
            Scene.Rect firstL1 = null;
            Scene.Rect lastL1 = null;
            for (Scene.Shape sh : scene.shapes()) {
                if (sh instanceof Scene.Rect r && r.id() != null) {
                    if (r.id().startsWith("grid-")) {
                        frame = r;
                    } else if (root == null && r.id().startsWith("t-")) {
                        root = r; // breadth first: the root's table comes first
                    }
                }
                if (sh instanceof Scene.Text t && t.text().contains(" · L2 · ")) {
                    l2 = rectAt(scene, t.x(), t.y());
                }
                if (sh instanceof Scene.Text t && t.text().contains(" · L1 · ")) {
                    lastL1 = rectAt(scene, t.x(), t.y());
                    if (firstL1 == null) {
                        firstL1 = lastL1;
                    }
                }
            }
            assertNotNull(frame, "the L1 tables are in a frame");
            assertNotNull(l2, "the L2 is drawn");
            assertTrue(scene.shapes().stream().anyMatch(sh -> sh instanceof Scene.Text t
                    && t.text().startsWith("12 tables below ")), "the frame says what it holds");
            assertTrue(scene.width() > scene.height(), "wider than tall: " + scene.width() + "×" + scene.height());
            // the Page tables view's picture tab, at the size the Roots view has (the view stacks with it)
            roots.dispose();
            SceneCanvas canvas = new SceneCanvas(shell, SWT.NONE);
            shell.layout();
            canvas.setScene(scene);
            canvas.setFitting(true);
            Screens.settle(display);
            ImageData shot = Screens.capture(canvas, "page-tables-twelve-l1");
            assertWhole(canvas, shot, root);
            assertWhole(canvas, shot, l2);
            // the frame's caption line, and its first table
            Point tl = canvas.toControl(frame.x(), frame.y());
            Point captionEnd = canvas.toControl(frame.x() + frame.w() / 2, frame.y() + 24);
            Rectangle area = canvas.getClientArea();
            assertTrue(tl.x >= 0 && tl.y >= 0 && captionEnd.x <= area.width && captionEnd.y <= area.height,
                    "the frame's caption on screen: " + tl + "-" + captionEnd + " in " + area);
            assertWhole(canvas, shot, firstL1);
            assertTrue(lastL1.y() > firstL1.y() && lastL1.x() < firstL1.x() + 2 * firstL1.w() + 40,
                    "rows of at most two below the first: " + firstL1 + " .. " + lastL1);
            assertTrue(canvas.zoom() >= SceneCanvas.MIN_FIT, "fitted at a readable size: " + ZoomActions.percent(
                    canvas.zoom()));
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** The table whose heading is drawn at (x, y). */
    private static Scene.Rect rectAt(Scene scene, int x, int y) {
        for (Scene.Shape sh : scene.shapes()) {
            if (sh instanceof Scene.Rect r && r.id() != null && r.id().startsWith("t-") && x == r.x() + 8
                    && y == r.y() + 16) {
                return r;
            }
        }
        return null;
    }

    @Test
    void ctrlWheelZoomsAboutThePointerAndFitAnd100Percent() throws Exception {
        RootsPanel roots = roots(ROOTS_W, ROOTS_H);
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        SceneCanvas canvas = roots.canvas();
        canvas.setZoom(2); // larger than the view: the zoom can keep the point under the pointer
        Screens.settle(display);
        ImageData at100 = Screens.capture(canvas, "zoom-200");
        Point under = canvas.toScene(200, 120);

        Event wheel = new Event();
        wheel.x = 200;
        wheel.y = 120;
        wheel.count = 3;
        wheel.stateMask = SWT.MOD1;
        long t0 = System.nanoTime();
        canvas.notifyListeners(SWT.MouseWheel, wheel);
        canvas.update();
        long zoomMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(2 * SceneCanvas.ZOOM_STEP, canvas.zoom(), 1e-9, "Ctrl+wheel up zooms in a step");
        Point still = canvas.toScene(200, 120);
        assertTrue(Math.abs(still.x - under.x) <= 1 && Math.abs(still.y - under.y) <= 1,
                "the point under the pointer stays: " + under + " -> " + still);
        Screens.settle(display);
        ImageData zoomed = Screens.capture(canvas, "zoom-250");
        assertTrue(!java.util.Arrays.equals(at100.data, zoomed.data), "drawn larger");

        Event plain = new Event();
        plain.count = -3;
        plain.x = 10;
        plain.y = 10;
        canvas.notifyListeners(SWT.MouseWheel, plain);
        assertEquals(2 * SceneCanvas.ZOOM_STEP, canvas.zoom(), 1e-9, "the wheel alone scrolls, it does not zoom");

        canvas.fit();
        Screens.settle(display);
        Scene scene = canvas.scene();
        Rectangle area = canvas.getClientArea();
        assertTrue(Math.round(scene.width() * canvas.zoom()) <= area.width + 1
                || canvas.zoom() == SceneCanvas.MIN_FIT, "Fit: the width fits (or the readable minimum)");
        canvas.setZoom(1);
        Screens.settle(display);
        assertEquals(1, canvas.zoom(), 1e-9);
        System.out.printf("UI thread: a Ctrl+wheel zoom with its repaint %d ms%n", zoomMs);
    }

    @Test
    void theArrowKeysAndHomeEndStepTheRootsView() {
        RootsPanel roots = roots(ROOTS_W, ROOTS_H);
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        roots.setFocus();
        Screens.settle(display);
        assertTrue(roots.canvas().isFocusControl(), "the drawing has the focus, not the policy switch");
        int total = roots.totalSteps();
        key(roots, SWT.HOME);
        assertEquals(0, roots.step());
        assertTrue(roots.statusText().startsWith("step 0 / "), roots.statusText());
        key(roots, SWT.ARROW_RIGHT);
        key(roots, SWT.ARROW_RIGHT);
        assertEquals(2, roots.step());
        key(roots, SWT.ARROW_LEFT);
        assertEquals(1, roots.step());
        key(roots, SWT.END);
        assertEquals(total, roots.step());
        key(roots, SWT.ARROW_RIGHT);
        assertEquals(total, roots.step(), "no step after the last");
    }

    private void key(RootsPanel roots, int code) {
        Event e = new Event();
        e.keyCode = code;
        e.doit = true;
        roots.canvas().notifyListeners(SWT.KeyDown, e);
        Screens.settle(display);
    }

    @Test
    void theTimelineKeepsItsLaneNamesInViewWhenScrolled() throws Exception {
        shell.setLayout(new org.eclipse.swt.layout.FillLayout(SWT.VERTICAL));
        RootsPanel roots = new RootsPanel(shell, SWT.NONE);
        roots.setAnimated(false);
        TimelinePanel timeline = new TimelinePanel(shell, SWT.NONE);
        shell.setSize(600, 700);
        shell.open();
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        roots.goTo(roots.totalSteps());
        Screens.settle(display);
        SceneCanvas canvas = timeline.canvas();
        assertTrue(canvas.pinnedWidth() > 0);
        canvas.scrollTo(10_000, 0); // far right
        Screens.settle(display);
        assertTrue(canvas.origin().x > 0, "scrolled");
        ImageData shot = Screens.capture(canvas, "timeline-pinned-names");
        int dark = 0;
        for (int y = 76; y < Math.min(shot.height, 76 + 4 * 58); y++) {
            for (int x = 0; x < canvas.pinnedWidth(); x++) {
                RGB c = Screens.pixel(shot, x, y);
                if (c.red + c.green + c.blue < 200) {
                    dark++;
                }
            }
        }
        assertTrue(dark > 150, "lane names drawn in the fixed column: " + dark + " dark pixels");
    }
}
