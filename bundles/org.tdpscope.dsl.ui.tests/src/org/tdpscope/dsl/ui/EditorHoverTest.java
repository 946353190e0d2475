/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.text.Document;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.source.AnnotationModel;
import org.eclipse.jface.text.source.SourceViewer;
import org.eclipse.jface.text.source.VerticalRuler;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
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
import org.tdpscope.ui.testing.Screens;

/**
 * The editor's hover as the user meets it: the real pointer (XTest events under Xvfb) rests on a name, the
 * hover shell opens with a visible border around a light background (pixels read back from the screen),
 * and it closes when the pointer leaves the word and when Escape is pressed in the editor.
 */
class EditorHoverTest {

    static final Path EXAMPLE = Screens.example("use-after-free.tdp");

    private Display display;
    private Shell shell;
    private SourceViewer viewer;
    private TdpSourceViewerConfiguration config;

    @BeforeEach
    void open() throws Exception {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setBounds(40, 40, 900, 700);
        viewer = new SourceViewer(shell, new VerticalRuler(16), SWT.MULTI | SWT.V_SCROLL | SWT.H_SCROLL);
        config = new TdpSourceViewerConfiguration(null);
        viewer.configure(config);
        IDocument doc = new Document(Files.readString(EXAMPLE));
        TdpPartitions.install(doc);
        viewer.setDocument(doc, new AnnotationModel());
        shell.open();
        shell.forceActive();
        Screens.pumpUntil(display, () -> config.model().latest() != null, 60_000, "the first reconcile");
    }

    @AfterEach
    void close() {
        viewer.unconfigure();
        shell.dispose();
    }

    private void pointerTo(Point p) {
        Event e = new Event();
        e.type = SWT.MouseMove;
        e.x = p.x;
        e.y = p.y;
        assertTrue(display.post(e), "XTest pointer motion");
        Screens.pumpFor(display, 50);
    }

    private List<Shell> hovers() {
        List<Shell> out = new ArrayList<>();
        for (Shell s : display.getShells()) {
            if (s != shell && !s.isDisposed() && s.isVisible()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The screen around {@code r} (with {@code m} pixels more on each side), saved for a look. */
    private ImageData screen(Rectangle r, int m, String name) throws Exception {
        Image img = new Image(display, r.width + 2 * m, r.height + 2 * m);
        GC gc = new GC(display);
        try {
            gc.copyArea(img, r.x - m, r.y - m);
        } finally {
            gc.dispose();
        }
        ImageData data = img.getImageData();
        img.dispose();
        Files.createDirectories(Screens.SHOTS);
        ImageLoader l = new ImageLoader();
        l.data = new ImageData[] { data };
        l.save(Screens.SHOTS.resolve(name + ".png").toString(), SWT.IMAGE_PNG);
        return data;
    }

    private static int distance(RGB a, RGB b) {
        return Math.abs(a.red - b.red) + Math.abs(a.green - b.green) + Math.abs(a.blue - b.blue);
    }

    /** Rests the pointer on the word at {@code offset} (coming from beside it) until the hover opens. */
    private Shell hoverOn(Point on) {
        pointerTo(new Point(on.x + 40, on.y + 30)); // elsewhere, then resting on the word
        pointerTo(on);
        Screens.pumpUntil(display, () -> !hovers().isEmpty(), 10_000, "the hover to open");
        Screens.pumpFor(display, 300); // painted
        return hovers().get(0);
    }

    @Test
    void theHoverHasABorderAndGoesAway() throws Exception {
        StyledText text = viewer.getTextWidget();
        int offset = viewer.getDocument().get().indexOf("W until yield");
        Point word = text.toDisplay(text.getLocationAtOffset(offset));
        Point on = new Point(word.x + 3, word.y + text.getLineHeight() / 2);
        Shell hover = hoverOn(on);
        Rectangle b = hover.getBounds();
        int m = 6;
        ImageData shot = screen(b, m, "editor-hover");
        // the content's background just inside the border (clear of the text, which starts further in)
        RGB inside = Screens.pixel(shot, m + 1 + TdpTextHover.BORDER, m + b.height / 2);
        RGB light = TdpTextHover.HOVER_BACKGROUND.getRGB();
        assertTrue(distance(inside, light) < 12, "the hover's light background: " + inside);
        // all round, a line darker than both the content and the editor around it
        List<String> weak = new ArrayList<>();
        RGB editor = Screens.pixel(shot, 1, 1);
        for (int i = 4; i < b.width - 4; i += 7) {
            for (int[] at : new int[][] { { m + i, m + 1 }, { m + i, m + b.height - 2 } }) {
                RGB edge = Screens.pixel(shot, at[0], at[1]);
                if (distance(edge, inside) < 150 || distance(edge, editor) < 150) {
                    weak.add(at[0] + "," + at[1] + "=" + edge);
                }
            }
        }
        for (int j = 3; j < b.height - 3; j += 3) {
            for (int[] at : new int[][] { { m + 1, m + j }, { m + b.width - 2, m + j } }) {
                RGB edge = Screens.pixel(shot, at[0], at[1]);
                if (distance(edge, inside) < 150 || distance(edge, editor) < 150) {
                    weak.add(at[0] + "," + at[1] + "=" + edge);
                }
            }
        }
        assertTrue(weak.isEmpty(), "a visible border all round " + b + " (inside " + inside + ", editor " + editor
                + "): " + weak);

        // the pointer leaves the word: the hover closes
        pointerTo(new Point(on.x + 300, on.y + 200));
        Screens.pumpUntil(display, () -> hovers().isEmpty(), 5_000, "the hover to close when the pointer leaves");

        // Escape closes it too
        hoverOn(on);
        // the key as the editor's text widget gets it (without a window manager Xvfb's keyboard focus is
        // not reliably on the test shell, so the key is not sent through XTest)
        Event esc = new Event();
        esc.keyCode = SWT.ESC;
        esc.character = SWT.ESC;
        text.notifyListeners(SWT.KeyDown, esc);
        Screens.pumpUntil(display, () -> hovers().isEmpty(), 5_000, "the hover to close on Escape");
    }
}
