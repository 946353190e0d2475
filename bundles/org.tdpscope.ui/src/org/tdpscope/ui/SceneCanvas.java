/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.ScrollBar;
import org.tdpscope.export.Scene;

/**
 * Draws an export {@link Scene} with SWT, so what the view shows is the diagram the exporter
 * writes. The canvas is the viewport: it scrolls itself and draws only the shapes that meet the
 * visible area (a 1,000-root list is 144,000 px wide, beyond what an X11 window may be). A new
 * scene can come in as a transition from the previous one (driven by a display timer: boxes change
 * colour and place progressively, new shapes fade in, vanished ones fade out) and boxes can flash. Colours and fonts are made once per value and disposed with the canvas.
 */
public final class SceneCanvas extends Canvas {

    /** How long a transition between two scenes takes. */
    static final int TRANSITION_MS = 250;
    /** A flash: this many on/off pulses of this length. */
    static final int FLASH_PULSES = 3;
    static final int FLASH_MS = 300;
    private static final int FRAME_MS = 16;

    private Scene scene;
    private Scene.Shape[] shapes = new Scene.Shape[0];
    private final Map<String, Color> colours = new HashMap<>();
    private final Map<Integer, Font> fonts = new HashMap<>();
    /** The scroll position, in control pixels (the scene scaled by the zoom). */
    private int originX;
    private int originY;
    /** Control pixels per scene pixel. */
    private double zoom = 1;
    /** Whether the zoom follows the size: the whole scene shown, never enlarged (until the user zooms). */
    private boolean autoFit;
    /** Scene x under which text stays put when scrolling sideways (a timeline's lane names); 0: none. */
    private int pinnedWidth;
    private int pinnedTop;
    private int pinnedBottom;
    // per paint: the offset shapes are drawn with and the visible part of the scene (scene pixels)
    private int ox;
    private int oy;
    private int cullLeft;
    private int cullTop;
    private int cullRight;
    private int cullBottom;

    // transition: boxes (rects with an id) in both scenes change colour and place progressively; other
    // shapes only in the new scene fade in, those only in the old one fade out
    private Scene.Shape[] fromShapes;
    private Scene fromScene;
    private Set<Object> fromKeys = Set.of();
    private Set<Object> toKeys = Set.of();
    private Map<String, Scene.Rect> fromBoxes = Map.of();
    private Map<String, Scene.Rect> toBoxes = Map.of();
    private long transitionStart;
    private double progress = 1;

    // flash: boxes (rect ids) pulsing in their stroke colour
    private Set<String> flashIds = Set.of();
    private long flashStart;
    private boolean flashOn;

    private Consumer<GC> overlay;
    private long lastPaintNs;
    private long paints;
    private final Runnable tick = this::tick;
    private boolean ticking;

    public SceneCanvas(Composite parent, int style) {
        super(parent, style | SWT.DOUBLE_BUFFERED | SWT.NO_BACKGROUND | SWT.H_SCROLL | SWT.V_SCROLL);
        addPaintListener(e -> paint(e.gc));
        addListener(SWT.Resize, e -> {
            if (autoFit) {
                fitNow();
            }
            updateBars();
        });
        addListener(SWT.MouseWheel, e -> {
            if ((e.stateMask & SWT.MOD1) != 0 && e.count != 0) {
                e.doit = false; // Ctrl+wheel zooms about the pointer instead of scrolling
                zoomAt(zoom * (e.count > 0 ? ZOOM_STEP : 1 / ZOOM_STEP), e.x, e.y);
            }
        });
        addListener(SWT.KeyDown, e -> {
            if ((e.stateMask & SWT.MOD1) == 0) {
                return;
            }
            Rectangle a = getClientArea();
            if (e.character == '+' || e.character == '=') {
                zoomAt(zoom * ZOOM_STEP, a.width / 2, a.height / 2);
            } else if (e.character == '-') {
                zoomAt(zoom / ZOOM_STEP, a.width / 2, a.height / 2);
            } else if (e.character == '0') {
                setZoom(1);
            }
        });
        getHorizontalBar().addListener(SWT.Selection, e -> scrollTo(getHorizontalBar().getSelection(), originY));
        getVerticalBar().addListener(SWT.Selection, e -> scrollTo(originX, getVerticalBar().getSelection()));
        addDisposeListener(e -> {
            colours.values().forEach(Color::dispose);
            fonts.values().forEach(Font::dispose);
        });
        updateBars();
    }

    /** Shows a scene at once (no transition). */
    public void setScene(Scene scene) {
        setScene(scene, false);
    }

    /**
     * Shows a scene; with {@code animate} and a scene shown before, it fades in over
     * {@link #TRANSITION_MS}: new boxes appear, recoloured boxes change colour progressively.
     */
    public void setScene(Scene next, boolean animate) {
        if (animate && scene != null && next != null) {
            fromScene = progress < 1 ? fromScene : scene; // a step during a transition: go on from where it started
            fromShapes = fromScene.shapes().toArray(new Scene.Shape[0]);
            transitionStart = System.nanoTime();
            progress = 0;
            startTicking();
        } else {
            endTransition();
        }
        this.scene = next;
        this.shapes = next == null ? new Scene.Shape[0] : next.shapes().toArray(new Scene.Shape[0]);
        if (autoFit) {
            fitNow();
        }
        if (fromShapes != null) {
            fromKeys = keys(fromShapes);
            toKeys = keys(shapes);
            fromBoxes = boxes(fromShapes);
            toBoxes = boxes(shapes);
        }
        updateBars();
        redraw();
    }

    /** Pulses the boxes with these rect ids in their stroke colour, {@link #FLASH_PULSES} times. */
    public void flash(Set<String> rectIds) {
        flashIds = Set.copyOf(rectIds);
        if (!flashIds.isEmpty()) {
            flashStart = System.nanoTime();
            flashOn = true;
            startTicking();
            redraw();
        }
    }

    /** Something drawn over the scene in scene coordinates (e.g. the timeline's current step). */
    public void setOverlay(Consumer<GC> overlay) {
        this.overlay = overlay;
        redraw();
    }

    public Scene scene() {
        return scene;
    }

    /** True while a transition or a flash runs. */
    public boolean animating() {
        return progress < 1 || !flashIds.isEmpty();
    }

    /** The transition's progress, 0 to 1 (1 when none runs). */
    public double progress() {
        return progress;
    }

    /** Holds a transition at a fraction (for tests and the benchmark: a deterministic mid-frame). */
    public void holdTransitionAt(double fraction) {
        progress = fraction;
        transitionStart = Long.MIN_VALUE; // the timer leaves a held transition alone
        redraw();
    }

    /** Holds a running flash in its lit phase (for tests: a deterministic frame). */
    void holdFlash() {
        flashStart = Long.MIN_VALUE;
        flashOn = true;
        redraw();
    }

    /** Ends a running transition and flash: the final picture at once. */
    public void finishAnimation() {
        endTransition();
        flashIds = Set.of();
        redraw();
    }

    /** Control coordinates to scene coordinates. */
    public Point toScene(int x, int y) {
        return new Point((int) Math.floor((x + originX) / zoom), (int) Math.floor((y + originY) / zoom));
    }

    /** Scene coordinates to control coordinates. */
    public Point toControl(int x, int y) {
        return new Point((int) Math.round(x * zoom) - originX, (int) Math.round(y * zoom) - originY);
    }

    /** Zoom steps: Ctrl+wheel and Ctrl+plus/minus multiply or divide by this. */
    public static final double ZOOM_STEP = 1.25;
    public static final double MIN_ZOOM = 0.1;
    public static final double MAX_ZOOM = 8;
    /** Fitting never shrinks below this: text stays readable, the rest scrolls. */
    public static final double MIN_FIT = 0.45;

    public double zoom() {
        return zoom;
    }

    /** Sets the zoom (1 = 100 %), keeping the centre of the view in place; the user's zoom ends fitting. */
    public void setZoom(double z) {
        Rectangle a = getClientArea();
        autoFit = false;
        zoomAt(z, a.width / 2, a.height / 2);
    }

    /** Zooms keeping the scene point under control point (x, y) where it is. */
    public void zoomAt(double z, int x, int y) {
        autoFit = false;
        applyZoom(z, x, y);
    }

    private void applyZoom(double z, int x, int y) {
        double next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
        double sx = (x + originX) / zoom;
        double sy = (y + originY) / zoom;
        zoom = next;
        updateBars();
        scrollTo((int) Math.round(sx * zoom) - x, (int) Math.round(sy * zoom) - y);
        notifyZoom();
    }

    /** Fits the scene to the view (never enlarging it) and keeps fitting as the view or scene changes. */
    public void fit() {
        autoFit = true;
        fitNow();
        updateBars();
        redraw();
    }

    /** Whether the zoom follows the view's size. */
    public boolean fitting() {
        return autoFit;
    }

    /** Turns fitting on or off without the user's say (a view's default). */
    public void setFitting(boolean on) {
        if (on) {
            fit();
        } else {
            autoFit = false;
        }
    }

    private void fitNow() {
        Rectangle a = getClientArea();
        if (scene == null || a.width <= 0 || a.height <= 0 || scene.width() <= 0 || scene.height() <= 0) {
            return;
        }
        double z = Math.min(1, Math.max(MIN_FIT, Math.min(a.width / (double) scene.width(),
                a.height / (double) scene.height())));
        if (z != zoom) {
            zoom = z;
            originX = 0;
            originY = 0;
            notifyZoom();
        }
    }

    private final List<Runnable> zoomListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Hears each change of zoom (the views' zoom label). */
    public void addZoomListener(Runnable r) {
        zoomListeners.add(r);
    }

    private void notifyZoom() {
        zoomListeners.forEach(Runnable::run);
    }

    /**
     * Keeps the text left of scene x {@code width} and between scene y {@code top} and {@code bottom} in
     * place when scrolling sideways (a width of 0: none).
     */
    public void setPinned(int width, int top, int bottom) {
        pinnedWidth = width;
        pinnedTop = top;
        pinnedBottom = bottom;
        redraw();
    }

    public int pinnedWidth() {
        return pinnedWidth;
    }

    private int viewWidth() {
        return scene == null ? 0 : (int) Math.ceil(scene.width() * zoom);
    }

    private int viewHeight() {
        return scene == null ? 0 : (int) Math.ceil(scene.height() * zoom);
    }

    public Point origin() {
        return new Point(originX, originY);
    }

    /** Scrolls so that the scene point is visible, with some room around it. */
    public void reveal(int sceneX, int sceneY) {
        int x = (int) Math.round(sceneX * zoom);
        int y = (int) Math.round(sceneY * zoom);
        Rectangle area = getClientArea();
        int nx = originX;
        int ny = originY;
        if (x < originX + 40 || x > originX + area.width - 40) {
            nx = x - area.width / 2;
        }
        if (y < originY || y > originY + area.height) {
            ny = y - area.height / 2;
        }
        scrollTo(nx, ny);
    }

    public void scrollTo(int x, int y) {
        Rectangle area = getClientArea();
        int w = viewWidth();
        int h = viewHeight();
        originX = Math.max(0, Math.min(x, w - area.width));
        originY = Math.max(0, Math.min(y, h - area.height));
        getHorizontalBar().setSelection(originX);
        getVerticalBar().setSelection(originY);
        redraw();
    }

    @Override
    public Point computeSize(int wHint, int hHint, boolean changed) {
        // a viewport: it asks for the scene's size up to a screenful and scrolls the rest
        int w = scene == null ? 400 : Math.min(viewWidth(), 1200);
        int h = scene == null ? 200 : Math.min(viewHeight(), 800);
        return new Point(wHint == SWT.DEFAULT ? w : wHint, hHint == SWT.DEFAULT ? h : hHint);
    }

    private void updateBars() {
        Rectangle area = getClientArea();
        bar(getHorizontalBar(), viewWidth(), area.width);
        bar(getVerticalBar(), viewHeight(), area.height);
        int w = viewWidth();
        int h = viewHeight();
        originX = Math.max(0, Math.min(originX, w - area.width));
        originY = Math.max(0, Math.min(originY, h - area.height));
    }

    private static void bar(ScrollBar bar, int total, int visible) {
        if (bar == null) {
            return;
        }
        bar.setVisible(total > visible);
        bar.setValues(bar.getSelection(), 0, Math.max(total, 1), Math.max(1, Math.min(visible, total)), 20,
                Math.max(1, visible - 20));
    }

    private void startTicking() {
        if (!ticking) {
            ticking = true;
            getDisplay().timerExec(FRAME_MS, tick);
        }
    }

    private void tick() {
        ticking = false;
        if (isDisposed()) {
            return;
        }
        long now = System.nanoTime();
        if (progress < 1 && transitionStart != Long.MIN_VALUE) {
            progress = Math.min(1, (now - transitionStart) / (TRANSITION_MS * 1e6));
            if (progress >= 1) {
                endTransition();
            }
        }
        if (!flashIds.isEmpty() && flashStart != Long.MIN_VALUE) {
            long pulse = (now - flashStart) / (FLASH_MS * 1_000_000L);
            flashOn = pulse % 2 == 0;
            if (pulse >= 2L * FLASH_PULSES) {
                flashIds = Set.of();
            }
        }
        redraw();
        if ((progress < 1 && transitionStart != Long.MIN_VALUE) || (!flashIds.isEmpty() && flashStart != Long.MIN_VALUE)) {
            startTicking();
        }
    }

    private void endTransition() {
        progress = 1;
        fromShapes = null;
        fromScene = null;
        fromKeys = Set.of();
        toKeys = Set.of();
        fromBoxes = Map.of();
        toBoxes = Map.of();
    }

    /** Shapes as comparable values (a polygon's points are an array: compared by content). */
    private static Object key(Scene.Shape s) {
        return s instanceof Scene.Polygon p ? p.fill() + java.util.Arrays.toString(p.points()) : s;
    }

    private static Set<Object> keys(Scene.Shape[] list) {
        Set<Object> out = new java.util.HashSet<>();
        for (Scene.Shape s : list) {
            out.add(key(s));
        }
        return out;
    }

    private static Map<String, Scene.Rect> boxes(Scene.Shape[] list) {
        Map<String, Scene.Rect> out = new HashMap<>();
        for (Scene.Shape s : list) {
            if (s instanceof Scene.Rect r && r.id() != null) {
                out.put(r.id(), r);
            }
        }
        return out;
    }

    private void paint(GC gc) {
        long t0 = System.nanoTime();
        try {
            paintScene(gc);
        } finally {
            lastPaintNs = System.nanoTime() - t0;
            paints++;
        }
    }

    /** How long the last paint took, in nanoseconds (for the benchmark's frame times). */
    public long lastPaintNanos() {
        return lastPaintNs;
    }

    /** How many times the canvas has painted. */
    public long paints() {
        return paints;
    }

    private void paintScene(GC gc) {
        Rectangle area = getClientArea();
        if (scene == null) {
            gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_BACKGROUND));
            gc.fillRectangle(area);
            return;
        }
        gc.setBackground(colour(scene.background()));
        gc.fillRectangle(area);
        org.eclipse.swt.graphics.Transform scaled = null;
        if (zoom != 1) {
            // scaled: draw in scene coordinates through a transform, cull in scene coordinates
            scaled = new org.eclipse.swt.graphics.Transform(getDisplay());
            scaled.translate(-originX, -originY);
            scaled.scale((float) zoom, (float) zoom);
            gc.setTransform(scaled);
            ox = 0;
            oy = 0;
            cullLeft = (int) Math.floor(originX / zoom);
            cullTop = (int) Math.floor(originY / zoom);
            cullRight = (int) Math.ceil((originX + area.width) / zoom);
            cullBottom = (int) Math.ceil((originY + area.height) / zoom);
        } else {
            ox = -originX;
            oy = -originY;
            cullLeft = originX;
            cullTop = originY;
            cullRight = originX + area.width;
            cullBottom = originY + area.height;
        }
        if (progress < 1 && fromShapes != null) {
            paintTransition(gc, area);
        } else {
            draw(gc, scene, shapes, area);
        }
        if (!flashIds.isEmpty() && flashOn) {
            gc.setAlpha(110);
            for (Scene.Shape s : shapes) {
                if (s instanceof Scene.Rect r && r.id() != null && flashIds.contains(r.id())) {
                    gc.setBackground(colour(r.stroke()));
                    gc.fillRoundRectangle(r.x() + ox - 6, r.y() + oy - 6, r.w() + 12, r.h() + 12,
                            2 * r.radius() + 8, 2 * r.radius() + 8);
                }
            }
            gc.setAlpha(255);
        }
        if (scaled != null) {
            gc.setTransform(null);
            scaled.dispose();
        }
        if (overlay != null) {
            var t = new org.eclipse.swt.graphics.Transform(getDisplay());
            t.translate(-originX, -originY);
            t.scale((float) zoom, (float) zoom);
            gc.setTransform(t);
            overlay.accept(gc);
            gc.setTransform(null);
            t.dispose();
        }
        if (pinnedWidth > 0 && originX > 0) {
            paintPinned(gc, area);
        }
    }

    /**
     * A frame between the old scene and the new: the new scene's shapes, boxes in both at colours and
     * places between the two, shapes new at this step faded in, and over them the old step's shapes
     * that are gone, fading out. Drawn from the shapes each frame (blending two whole-window images
     * is slow on X11: it reads the pixels back from the server).
     */
    private void paintTransition(GC gc, Rectangle area) {
        double p = progress;
        int in = (int) Math.round(255 * p);
        gc.setAntialias(SWT.ON);
        gc.setTextAntialias(SWT.ON);
        for (Scene.Shape s : shapes) {
            Scene.Rect before = s instanceof Scene.Rect r && r.id() != null ? fromBoxes.get(r.id()) : null;
            if (before != null) {
                Scene.Rect r = (Scene.Rect) s;
                drawShape(gc, new Scene.Rect(r.id(), mix(before.x(), r.x(), p), mix(before.y(), r.y(), p),
                        mix(before.w(), r.w(), p), mix(before.h(), r.h(), p), r.radius(), mix(before.fill(), r.fill(), p),
                        mix(before.stroke(), r.stroke(), p), p < 0.5 ? before.strokeWidth() : r.strokeWidth(),
                        p < 0.5 ? before.dash() : r.dash()), area);
            } else if (fromKeys.contains(key(s))) {
                drawShape(gc, s, area);
            } else {
                gc.setAlpha(in);
                drawShape(gc, s, area);
                gc.setAlpha(255);
            }
        }
        gc.setAlpha(255 - in);
        for (Scene.Shape s : fromShapes) {
            boolean movedBox = s instanceof Scene.Rect r && r.id() != null && toBoxes.containsKey(r.id());
            if (!movedBox && !toKeys.contains(key(s))) {
                drawShape(gc, s, area);
            }
        }
        gc.setAlpha(255);
    }

    private static int mix(int a, int b, double p) {
        return (int) Math.round(a + (b - a) * p);
    }

    /** A colour between two #rrggbb colours. */
    static String mix(String a, String b, double p) {
        if (a.equals(b)) {
            return a;
        }
        int x = Integer.parseInt(a.substring(1), 16);
        int y = Integer.parseInt(b.substring(1), 16);
        int r = mix((x >> 16) & 0xff, (y >> 16) & 0xff, p);
        int g = mix((x >> 8) & 0xff, (y >> 8) & 0xff, p);
        int bl = mix(x & 0xff, y & 0xff, p);
        return String.format("#%02x%02x%02x", r, g, bl);
    }

    /** Draws the shapes that meet the visible area, shifted by the origin. */
    private void draw(GC gc, Scene s, Scene.Shape[] list, Rectangle area) {
        gc.setAntialias(SWT.ON);
        gc.setTextAntialias(SWT.ON);
        for (Scene.Shape shape : list) {
            drawShape(gc, shape, area);
        }
    }

    /**
     * The pinned column: the text left of {@link #pinnedWidth} drawn again at the left edge over a band
     * of background, so lane names stay in view while the chart scrolls under them.
     */
    private void paintPinned(GC gc, Rectangle area) {
        int band = (int) Math.round(pinnedWidth * zoom);
        gc.setBackground(colour(scene.background()));
        int top = (int) Math.round(pinnedTop * zoom) - originY;
        int bottom = (int) Math.round(pinnedBottom * zoom) - originY;
        gc.fillRectangle(0, top, band, bottom - top);
        gc.setForeground(colour("#d0d7de"));
        gc.drawLine(band - 1, top, band - 1, bottom);
        var t = new org.eclipse.swt.graphics.Transform(getDisplay());
        t.translate(0, -originY);
        t.scale((float) zoom, (float) zoom);
        gc.setTransform(t);
        ox = 0;
        oy = 0;
        cullLeft = 0;
        cullRight = pinnedWidth;
        for (Scene.Shape shape : shapes) {
            if (shape instanceof Scene.Text text && text.x() < pinnedWidth && "start".equals(text.anchor())
                    && text.y() >= pinnedTop && text.y() <= pinnedBottom) {
                drawShape(gc, shape, area);
            }
        }
        gc.setTransform(null);
        t.dispose();
    }

    /** One shape, unless it is outside the visible area. */
    private void drawShape(GC gc, Scene.Shape shape, Rectangle area) {
        int left = cullLeft;
        int top = cullTop;
        int right = cullRight;
        int bottom = cullBottom;
        if (shape instanceof Scene.Rect r) {
            if (r.x() > right || r.x() + r.w() < left || r.y() > bottom || r.y() + r.h() < top) {
                return;
            }
            gc.setBackground(colour(r.fill()));
            gc.fillRoundRectangle(r.x() + ox, r.y() + oy, r.w(), r.h(), 2 * r.radius(), 2 * r.radius());
            if (r.strokeWidth() > 0) {
                gc.setForeground(colour(r.stroke()));
                gc.setLineWidth(r.strokeWidth());
                gc.setLineStyle(r.dash() == null ? SWT.LINE_SOLID : SWT.LINE_DASH);
                gc.drawRoundRectangle(r.x() + ox, r.y() + oy, r.w(), r.h(), 2 * r.radius(), 2 * r.radius());
                gc.setLineStyle(SWT.LINE_SOLID);
            }
        } else if (shape instanceof Scene.Line l) {
            if (Math.max(l.x1(), l.x2()) < left - 10 || Math.min(l.x1(), l.x2()) > right + 10
                    || Math.max(l.y1(), l.y2()) < top - 10 || Math.min(l.y1(), l.y2()) > bottom + 10) {
                return;
            }
            gc.setForeground(colour(l.stroke()));
            gc.setLineWidth(l.width());
            gc.drawLine(l.x1() + ox, l.y1() + oy, l.x2() + ox, l.y2() + oy);
            if (l.arrow()) {
                arrowHead(gc, l, ox, oy);
            }
        } else if (shape instanceof Scene.Text t) {
            // not measured before culling: a generous bound of one size per character either side
            int reach = t.text().length() * t.size();
            if (t.x() + reach < left || t.x() - reach > right || t.y() - t.size() > bottom || t.y() + t.size() < top) {
                return;
            }
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
            gc.drawText(t.text(), x + ox, y + oy, true);
        } else if (shape instanceof Scene.Polygon p) {
            int[] pts = p.points();
            int minX = Integer.MAX_VALUE;
            int maxX = Integer.MIN_VALUE;
            for (int i = 0; i < pts.length; i += 2) {
                minX = Math.min(minX, pts[i]);
                maxX = Math.max(maxX, pts[i]);
            }
            if (maxX < left || minX > right) {
                return;
            }
            int[] shifted = new int[pts.length];
            for (int i = 0; i < pts.length; i += 2) {
                shifted[i] = pts[i] + ox;
                shifted[i + 1] = pts[i + 1] + oy;
            }
            gc.setBackground(colour(p.fill()));
            gc.fillPolygon(shifted);
        }
    }

    private void arrowHead(GC gc, Scene.Line l, int ox, int oy) {
        double angle = Math.atan2(l.y2() - l.y1(), l.x2() - l.x1());
        int size = 8;
        int x1 = (int) Math.round(l.x2() - size * Math.cos(angle - Math.PI / 7));
        int y1 = (int) Math.round(l.y2() - size * Math.sin(angle - Math.PI / 7));
        int x2 = (int) Math.round(l.x2() - size * Math.cos(angle + Math.PI / 7));
        int y2 = (int) Math.round(l.y2() - size * Math.sin(angle + Math.PI / 7));
        gc.setBackground(colour(l.stroke()));
        gc.fillPolygon(new int[] { l.x2() + ox, l.y2() + oy, x1 + ox, y1 + oy, x2 + ox, y2 + oy });
    }

    /** A colour of the canvas (made once, disposed with it), for overlays. */
    Color colour(String hex) {
        if (colours.size() > 2048) {
            // transitions mix colours: keep the cache bounded over a long session
            colours.values().forEach(Color::dispose);
            colours.clear();
        }
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

    /** The shapes of the scene shown (one copy, made when the scene came in). */
    List<Scene.Shape> shapes() {
        return List.of(shapes);
    }
}
