/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/**
 * Renders a {@link Scene} to PNG with Java2D, headless (no display, no SWT): the same drawing as
 * the SVG, for documents and mail that take no SVG. {@code scale} 2 gives a sharp image for
 * high-density screens.
 */
public final class PngRenderer {

    static {
        // A server has no display; Java2D must not try to open one.
        System.setProperty("java.awt.headless", "true");
    }

    /**
     * The declared limit of a PNG: at most this many pixels (64 MB as RGB). A larger {@code scale} is
     * lowered until the image fits; {@link Scene#MAX_SIDE} keeps scale 1 within it.
     */
    public static final long MAX_PIXELS = (long) Scene.MAX_SIDE * Scene.MAX_SIDE;

    private PngRenderer() {
    }

    /** {@code scale}, lowered (to 1 at least) until the scene's image has at most {@link #MAX_PIXELS} pixels. */
    static int fit(Scene scene, int scale) {
        int s = Math.max(1, scale);
        long w = Math.min(scene.width(), Scene.MAX_SIDE);
        long h = Math.min(scene.height(), Scene.MAX_SIDE);
        while (s > 1 && w * s * h * s > MAX_PIXELS) {
            s--;
        }
        return s;
    }

    public static BufferedImage image(Scene scene, int wantedScale) {
        int scale = fit(scene, wantedScale);
        // beyond the declared limit the picture is cut, never allocated at its full size
        int w = Math.min(scene.width(), Scene.MAX_SIDE);
        int h = Math.min(scene.height(), Scene.MAX_SIDE);
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(scale, scale);
            g.setColor(colour(scene.background()));
            g.fillRect(0, 0, scene.width(), scene.height());
            for (Scene.Shape s : scene.shapes()) {
                draw(g, s);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    public static byte[] png(Scene scene, int scale) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image(scene, scale), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to grow
        }
        return out.toByteArray();
    }

    private static void draw(Graphics2D g, Scene.Shape s) {
        if (s instanceof Scene.Rect r) {
            RoundRectangle2D box = new RoundRectangle2D.Double(r.x(), r.y(), r.w(), r.h(), 2.0 * r.radius(),
                    2.0 * r.radius());
            g.setColor(colour(r.fill()));
            g.fill(box);
            g.setColor(colour(r.stroke()));
            g.setStroke(stroke(r.strokeWidth(), r.dash()));
            g.draw(box);
        } else if (s instanceof Scene.Line l) {
            g.setColor(colour(l.stroke()));
            g.setStroke(new BasicStroke(l.width()));
            g.drawLine(l.x1(), l.y1(), l.x2(), l.y2());
            if (l.arrow()) {
                double angle = Math.atan2(l.y2() - l.y1(), l.x2() - l.x1());
                Path2D head = new Path2D.Double();
                head.moveTo(l.x2(), l.y2());
                head.lineTo(l.x2() - 8 * Math.cos(angle - Math.PI / 7), l.y2() - 8 * Math.sin(angle - Math.PI / 7));
                head.lineTo(l.x2() - 8 * Math.cos(angle + Math.PI / 7), l.y2() - 8 * Math.sin(angle + Math.PI / 7));
                head.closePath();
                g.fill(head);
            }
        } else if (s instanceof Scene.Text t) {
            g.setFont(new Font("DejaVu Sans", t.bold() ? Font.BOLD : Font.PLAIN, t.size()));
            g.setColor(colour(t.fill()));
            FontMetrics fm = g.getFontMetrics();
            int w = fm.stringWidth(t.text());
            int x = switch (t.anchor()) {
                case "middle" -> t.x() - w / 2;
                case "end" -> t.x() - w;
                default -> t.x();
            };
            g.drawString(t.text(), x, t.y()); // Scene y is a baseline, as in Java2D
        } else if (s instanceof Scene.Polygon p) {
            int n = p.points().length / 2;
            int[] xs = new int[n];
            int[] ys = new int[n];
            for (int i = 0; i < n; i++) {
                xs[i] = p.points()[2 * i];
                ys[i] = p.points()[2 * i + 1];
            }
            g.setColor(colour(p.fill()));
            g.fillPolygon(xs, ys, n);
        }
    }

    private static BasicStroke stroke(int width, String dash) {
        if (dash == null) {
            return new BasicStroke(width);
        }
        String[] parts = dash.trim().split("[ ,]+");
        float[] pattern = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            pattern[i] = Float.parseFloat(parts[i]);
        }
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, pattern, 0f);
    }

    static Color colour(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }
}
