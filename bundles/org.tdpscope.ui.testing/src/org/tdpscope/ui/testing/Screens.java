/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;

/**
 * What the SWT tests share: running the event loop, capturing a control as drawn, sampling pixels. Paths are
 * relative to the test bundle's folder, where Tycho runs its tests.
 */
public final class Screens {

    public static final Path SHOTS = Path.of("target/screenshots");
    public static final Path EXAMPLES = Path.of("../../examples").toAbsolutePath().normalize();

    private Screens() {
    }

    public static Path example(String name) {
        return EXAMPLES.resolve(name);
    }

    /** Runs the event loop until nothing is pending. */
    public static void settle(Display display) {
        for (int i = 0; i < 200 && display.readAndDispatch(); i++) {
            // let layout and paint happen
        }
    }

    /** Runs the event loop (timers included) until the condition holds; fails after {@code ms}. */
    public static void pumpUntil(Display display, BooleanSupplier done, long ms, String what) {
        long end = System.currentTimeMillis() + ms;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            dispatchOrNap(display);
        }
        settle(display);
    }

    /** Runs the event loop for a while, timers included. */
    public static void pumpFor(Display display, long ms) {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            dispatchOrNap(display);
        }
    }

    /** Handles one event, or sleeps a moment when there is none (timers and other threads' work go on). */
    private static void dispatchOrNap(Display display) {
        if (!display.readAndDispatch()) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The control as it paints itself, saved as target/screenshots/NAME.png. */
    public static ImageData capture(Control control, String name) throws Exception {
        var size = control.getSize();
        Image image = new Image(control.getDisplay(), size.x, size.y);
        GC gc = new GC(image);
        try {
            control.print(gc);
        } finally {
            gc.dispose();
        }
        ImageData data = image.getImageData();
        image.dispose();
        Files.createDirectories(SHOTS);
        ImageLoader loader = new ImageLoader();
        loader.data = new ImageData[] { data };
        loader.save(SHOTS.resolve(name + ".png").toString(), SWT.IMAGE_PNG);
        return data;
    }

    public static RGB pixel(ImageData img, int x, int y) {
        return img.palette.getRGB(img.getPixel(x, y));
    }

    public static RGB rgb(String hex) {
        int v = Integer.parseInt(hex.substring(1), 16);
        return new RGB((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
    }

    /** Pixels of the image within {@code tolerance} of the colour in each channel (text is anti-aliased). */
    public static int count(ImageData img, RGB want, int tolerance) {
        int n = 0;
        for (int y = 0; y < img.height; y++) {
            for (int x = 0; x < img.width; x++) {
                RGB c = pixel(img, x, y);
                if (Math.abs(c.red - want.red) <= tolerance && Math.abs(c.green - want.green) <= tolerance
                        && Math.abs(c.blue - want.blue) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }
}
