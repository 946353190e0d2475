/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.tdpscope.export.Scene;

/**
 * Draws an export {@link Scene} with SWT, so what the view shows is the diagram the exporter
 * writes. Colours and fonts are made once per value and disposed with the canvas.
 */
public final class SceneCanvas extends Canvas {

    private Scene scene;
    private final Map<String, Color> colours = new HashMap<>();
    private final Map<Integer, Font> fonts = new HashMap<>();

    public SceneCanvas(Composite parent, int style) {
        super(parent, style | SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND);
        addPaintListener(e -> paint(e.gc));
        addDisposeListener(e -> {
            colours.values().forEach(Color::dispose);
            fonts.values().forEach(Font::dispose);
        });
    }

    public void setScene(Scene scene) {
        this.scene = scene;
        redraw();
    }

    public Scene scene() {
        return scene;
    }

    @Override
    public Point computeSize(int wHint, int hHint, boolean changed) {
        return scene == null ? new Point(400, 200) : new Point(scene.width(), scene.height());
    }

    private void paint(GC gc) {
        gc.setAntialias(SWT.ON);
        gc.setTextAntialias(SWT.ON);
        var area = getClientArea();
        gc.setBackground(scene == null ? getDisplay().getSystemColor(SWT.COLOR_WIDGET_BACKGROUND)
                : colour(scene.background()));
        gc.fillRectangle(area);
        if (scene == null) {
            return;
        }
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Rect r) {
                gc.setBackground(colour(r.fill()));
                gc.fillRoundRectangle(r.x(), r.y(), r.w(), r.h(), 2 * r.radius(), 2 * r.radius());
                gc.setForeground(colour(r.stroke()));
                gc.setLineWidth(r.strokeWidth());
                gc.setLineStyle(r.dash() == null ? SWT.LINE_SOLID : SWT.LINE_DASH);
                gc.drawRoundRectangle(r.x(), r.y(), r.w(), r.h(), 2 * r.radius(), 2 * r.radius());
                gc.setLineStyle(SWT.LINE_SOLID);
            } else if (s instanceof Scene.Line l) {
                gc.setForeground(colour(l.stroke()));
                gc.setLineWidth(l.width());
                gc.drawLine(l.x1(), l.y1(), l.x2(), l.y2());
                if (l.arrow()) {
                    arrowHead(gc, l);
                }
            } else if (s instanceof Scene.Text t) {
                gc.setFont(font(t.size(), t.bold()));
                gc.setForeground(colour(t.fill()));
                Point extent = gc.textExtent(t.text());
                int x = switch (t.anchor()) {
                    case "middle" -> t.x() - extent.x / 2;
                    case "end" -> t.x() - extent.x;
                    default -> t.x();
                };
                // Scene y is a baseline (as in SVG); SWT draws from the top of the line.
                int y = t.y() - gc.getFontMetrics().getAscent();
                gc.drawText(t.text(), x, y, true);
            } else if (s instanceof Scene.Polygon p) {
                gc.setBackground(colour(p.fill()));
                gc.fillPolygon(p.points());
            }
        }
    }

    private void arrowHead(GC gc, Scene.Line l) {
        double angle = Math.atan2(l.y2() - l.y1(), l.x2() - l.x1());
        int size = 8;
        int x1 = (int) Math.round(l.x2() - size * Math.cos(angle - Math.PI / 7));
        int y1 = (int) Math.round(l.y2() - size * Math.sin(angle - Math.PI / 7));
        int x2 = (int) Math.round(l.x2() - size * Math.cos(angle + Math.PI / 7));
        int y2 = (int) Math.round(l.y2() - size * Math.sin(angle + Math.PI / 7));
        gc.setBackground(colour(l.stroke()));
        gc.fillPolygon(new int[] { l.x2(), l.y2(), x1, y1, x2, y2 });
    }

    private Color colour(String hex) {
        return colours.computeIfAbsent(hex, h -> {
            int rgb = Integer.parseInt(h.substring(1), 16);
            return new Color(getDisplay(), (rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff);
        });
    }

    private Font font(int size, boolean bold) {
        // Scene sizes are CSS pixels; SWT wants points at the display's DPI.
        int key = size * 2 + (bold ? 1 : 0);
        return fonts.computeIfAbsent(key, k -> {
            int dpi = getDisplay().getDPI().y;
            int points = Math.max(6, Math.round(size * 72f / Math.max(72, dpi)));
            FontData fd = new FontData("DejaVu Sans", points, bold ? SWT.BOLD : SWT.NORMAL);
            return new Font(getDisplay(), fd);
        });
    }
}
