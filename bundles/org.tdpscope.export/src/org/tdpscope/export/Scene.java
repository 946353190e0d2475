/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.List;

/**
 * A laid-out diagram as plain shapes in pixel coordinates. The SVG writer and the workbench's
 * canvas both draw a Scene, so the picture in a document and the one on screen are the same.
 */
public final class Scene {

    /** A shape of the scene, drawn in insertion order. */
    public sealed interface Shape permits Rect, Line, Text, Polygon {
    }

    /** A box; {@code id} (nullable) becomes a stable SVG id; {@code dash} is an SVG dash array or null. */
    public record Rect(String id, int x, int y, int w, int h, int radius, String fill, String stroke, int strokeWidth,
            String dash) implements Shape {
    }

    public record Line(int x1, int y1, int x2, int y2, String stroke, int width, boolean arrow) implements Shape {
    }

    /** Text at a baseline; {@code anchor} is {@code start}, {@code middle} or {@code end}. */
    public record Text(int x, int y, String text, int size, String fill, String anchor, boolean bold)
            implements Shape {
    }

    /** A filled polygon, points as x0,y0,x1,y1,... */
    public record Polygon(int[] points, String fill) implements Shape {
    }

    /**
     * The declared limit of an exported picture: at most this many pixels a side (before a PNG's
     * scale). The diagrams of documents keep within it by drawing what matters and summarizing the
     * rest; the PNG and GIF writers cut what lies beyond as a last guard, so no input makes an image
     * the size of its data (a run with 15,000 roots included).
     */
    public static final int MAX_SIDE = 4096;

    private final int width;
    private final int height;
    private final String title;
    private final String background;
    private final List<Shape> shapes = new ArrayList<>();

    public Scene(int width, int height, String title, String background) {
        this.width = Math.max(1, width);
        this.height = Math.max(1, height);
        this.title = title;
        this.background = background;
    }

    /** A scene that only says something, e.g. why a view has no diagram to show. */
    public static Scene message(String text, Theme theme) {
        Scene s = new Scene(Math.max(320, text.length() * 8 + 32), 48, text, theme.background);
        s.text(16, 30, text, 13, theme.muted, null, false);
        return s;
    }

    /**
     * Which step a drawing shows, in the words every diagram uses: {@code step 12 of 85}, {@code step 0
     * of 85 (before the first event)}, {@code step 85 of 85 (end of run)}; without a known total
     * ({@code total < 0}) just {@code step 12}.
     */
    public static String stepLabel(long step, long total) {
        if (total < 0) {
            return "step " + step;
        }
        String label = "step " + step + " of " + total;
        if (step == 0) {
            return label + " (before the first event)";
        }
        return step >= total ? label + " (end of run)" : label;
    }

    /** {@code n} with thousands separated by commas, as counts in a picture read: 2,940. */
    static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    /** {@code text} cut to {@code max} characters with "…", so one long detail cannot widen a picture without bound. */
    static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** The number of shapes (elements of the SVG), without copying them. */
    public int size() {
        return shapes.size();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public String title() {
        return title;
    }

    public String background() {
        return background;
    }

    public List<Shape> shapes() {
        return List.copyOf(shapes);
    }

    Scene add(Shape s) {
        shapes.add(s);
        return this;
    }

    Scene rect(String id, int x, int y, int w, int h, int radius, String fill, String stroke, int strokeWidth,
            String dash) {
        return add(new Rect(id, x, y, w, h, radius, fill, stroke, strokeWidth, dash));
    }

    Scene line(int x1, int y1, int x2, int y2, String stroke, int width, boolean arrow) {
        return add(new Line(x1, y1, x2, y2, stroke, width, arrow));
    }

    Scene text(int x, int y, String text, int size, String fill, String anchor, boolean bold) {
        return add(new Text(x, y, text, size, fill, anchor == null ? "start" : anchor, bold));
    }

    /** A legend entry on baseline {@code y}: a 22×12 swatch drawn like the boxes it explains, then its label. */
    Scene legend(int x, int y, String fill, String stroke, String dash, String label, String labelFill) {
        return rect(null, x, y - 10, 22, 12, 3, fill, stroke, 1, dash)
                .text(x + 28, y, label, 11, labelFill, null, false);
    }

    Scene polygon(String fill, int... points) {
        return add(new Polygon(points.clone(), fill));
    }
}
