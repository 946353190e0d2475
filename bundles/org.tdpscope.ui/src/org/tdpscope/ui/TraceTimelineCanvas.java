/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.ScrollBar;
import org.tdpscope.export.TraceTimelineDiagram;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.trace.TraceTimeline.Mark;

/**
 * An imported trace on its real time axis, Trace Compass style: a fixed column of lane names (tasks or
 * CPUs), a time scale in the trace's own seconds, and one mark per event coloured by what it was. Each
 * pixel column is found by binary search in each lane, so a frame costs width × lanes × log(events)
 * whatever the zoom: a 10 M-event trace scrolls and zooms as fast as a small one. Ctrl+wheel (or +/-)
 * zooms around the pointer, Shift+wheel, dragging and the arrow keys pan, the wheel scrolls lanes, Home
 * fits the whole trace; a click selects the nearest event.
 */
public final class TraceTimelineCanvas extends Canvas {

    static final int NAME_W = 210;
    static final int AXIS_H = 30;
    static final int LANE_H = 20;
    static final int LEGEND_H = 22;

    private TraceTimeline timeline;
    private Grouping grouping = Grouping.TASK;
    private long viewStart;
    private long viewEnd = 1;
    private int firstLane;
    private int selected = -1;
    private IntConsumer onSelect = e -> { };
    private int dragX = -1;
    private long dragStart;
    private boolean dragged;
    private long lastPaintNanos;
    private long paints;
    private final Map<Mark, Color> colours = new EnumMap<>(Mark.class);

    public TraceTimelineCanvas(Composite parent) {
        super(parent, SWT.DOUBLE_BUFFERED | SWT.H_SCROLL | SWT.V_SCROLL | SWT.NO_BACKGROUND);
        for (Mark m : Mark.values()) { // the colours of the exported diagram
            int rgb = Integer.parseInt(TraceTimelineDiagram.colour(m).substring(1), 16);
            colours.put(m, new Color(getDisplay(), new RGB(rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff)));
        }
        addListener(SWT.Paint, e -> paint(e.gc));
        addListener(SWT.Resize, e -> updateScrollBars());
        addListener(SWT.MouseVerticalWheel, this::wheel);
        addListener(SWT.MouseHorizontalWheel, e -> pan(-e.count * widthNs() / 20));
        addListener(SWT.MouseDown, e -> {
            if (e.button == 1 && e.x >= NAME_W) {
                dragX = e.x;
                dragStart = viewStart;
                dragged = false;
            }
        });
        addListener(SWT.MouseMove, e -> {
            if (dragX >= 0 && Math.abs(e.x - dragX) > 3) {
                dragged = true;
                long span = widthNs();
                setWindow(dragStart - (long) ((e.x - dragX) * nsPerPixel()), dragStart - (long) ((e.x - dragX)
                        * nsPerPixel()) + span);
            }
        });
        addListener(SWT.MouseUp, e -> {
            if (dragX >= 0 && !dragged) {
                select(eventAt(e.x, e.y), false);
            }
            dragX = -1;
        });
        addListener(SWT.KeyDown, this::key);
        getHorizontalBar().addListener(SWT.Selection, e -> {
            if (timeline == null) {
                return;
            }
            long span = widthNs();
            long start = timeline.firstNs() + (long) ((double) getHorizontalBar().getSelection() / 10_000
                    * (timeline.lastNs() - timeline.firstNs() + 1));
            viewStart = start;
            viewEnd = start + span;
            redraw();
        });
        getVerticalBar().addListener(SWT.Selection, e -> {
            firstLane = getVerticalBar().getSelection();
            redraw();
        });
        addListener(SWT.Dispose, e -> colours.values().forEach(Color::dispose));
    }

    /** Shows a timeline (null clears), fitted to its whole span. */
    public void setTimeline(TraceTimeline t) {
        this.timeline = t;
        selected = -1;
        firstLane = 0;
        fit();
    }

    public void setGrouping(Grouping g) {
        grouping = g;
        firstLane = 0;
        updateScrollBars();
        redraw();
    }

    public Grouping grouping() {
        return grouping;
    }

    public void onSelect(IntConsumer listener) {
        onSelect = listener;
    }

    /** The selected event (an index of the timeline), -1 if none. */
    public int selected() {
        return selected;
    }

    /** Selects an event, and when asked scrolls so it is in view (keeping the zoom). */
    public void select(int event, boolean reveal) {
        selected = event;
        if (event >= 0 && reveal && timeline != null) {
            long t = timeline.timestampNs(event);
            if (t < viewStart || t >= viewEnd) {
                long span = widthNs();
                setWindow(t - span / 2, t - span / 2 + span);
            }
            int lane = laneOf(event);
            int visible = visibleLanes();
            if (lane < firstLane || lane >= firstLane + visible) {
                firstLane = Math.max(0, lane - visible / 2);
                updateScrollBars();
            }
        }
        redraw();
        onSelect.accept(event);
    }

    private int laneOf(int event) {
        if (grouping == Grouping.TASK) {
            String task = timeline.taskOf(event);
            for (int l = 0; l < timeline.laneCount(grouping); l++) {
                if (timeline.laneName(grouping, l).equals(task)) {
                    return l;
                }
            }
        } else {
            String cpu = "CPU " + timeline.cpuOf(event);
            for (int l = 0; l < timeline.laneCount(grouping); l++) {
                if (timeline.laneName(grouping, l).equals(cpu)) {
                    return l;
                }
            }
        }
        return 0;
    }

    /** The whole trace in the window. */
    public void fit() {
        if (timeline == null || timeline.size() == 0) {
            viewStart = 0;
            viewEnd = 1;
        } else {
            // a margin of 2 % and 6 pixels, so the first and last marks are drawn whole
            long span = Math.max(1, timeline.lastNs() - timeline.firstNs());
            long margin = span / 50 + span * 6 / plotWidth() + 1;
            viewStart = timeline.firstNs() - margin;
            viewEnd = timeline.lastNs() + margin;
        }
        updateScrollBars();
        redraw();
    }

    /** Zooms by {@code factor} (< 1 zooms in) around the time at pixel {@code x} of the canvas. */
    public void zoom(double factor, int x) {
        long at = timeAt(Math.max(NAME_W, x));
        double span = Math.max(1000, Math.min(widthNs() * factor, 4e15)); // 1 µs wide at most zoomed in
        double left = (at - viewStart) / (double) widthNs();
        long start = at - (long) (span * left);
        setWindow(start, start + (long) span);
    }

    public long viewStart() {
        return viewStart;
    }

    public long viewEnd() {
        return viewEnd;
    }

    /** Frames painted so far (for the UI benchmark). */
    public long paints() {
        return paints;
    }

    /** Nanoseconds the last frame took to draw (for the UI benchmark). */
    public long lastPaintNanos() {
        return lastPaintNanos;
    }

    /** Shows the time window [start, end) in nanoseconds of the trace's clock. */
    public void setWindow(long start, long end) {
        viewStart = start;
        viewEnd = Math.max(start + 1, end);
        updateScrollBars();
        redraw();
    }

    private void pan(long ns) {
        setWindow(viewStart + ns, viewEnd + ns);
    }

    private long widthNs() {
        return viewEnd - viewStart;
    }

    private int plotWidth() {
        return Math.max(1, getClientArea().width - NAME_W);
    }

    private double nsPerPixel() {
        return widthNs() / (double) plotWidth();
    }

    private long timeAt(int x) {
        return viewStart + (long) ((x - NAME_W) * nsPerPixel());
    }

    private int visibleLanes() {
        return Math.max(1, (getClientArea().height - AXIS_H - LEGEND_H) / LANE_H);
    }

    private void wheel(Event e) {
        if ((e.stateMask & SWT.MOD1) != 0) {
            zoom(e.count > 0 ? 0.8 : 1.25, e.x);
        } else if ((e.stateMask & SWT.SHIFT) != 0) {
            pan(-e.count * widthNs() / 20);
        } else {
            scrollLanes(-e.count);
        }
        e.doit = false;
    }

    private void scrollLanes(int by) {
        if (timeline == null) {
            return;
        }
        int max = Math.max(0, timeline.laneCount(grouping) - visibleLanes());
        firstLane = Math.max(0, Math.min(max, firstLane + by));
        updateScrollBars();
        redraw();
    }

    private void key(Event e) {
        switch (e.keyCode) {
        case '+', '=', SWT.KEYPAD_ADD -> zoom(0.5, NAME_W + plotWidth() / 2);
        case '-', SWT.KEYPAD_SUBTRACT -> zoom(2, NAME_W + plotWidth() / 2);
        case SWT.ARROW_LEFT -> pan(-widthNs() / 10);
        case SWT.ARROW_RIGHT -> pan(widthNs() / 10);
        case SWT.ARROW_UP -> scrollLanes(-1);
        case SWT.ARROW_DOWN -> scrollLanes(1);
        case SWT.HOME -> fit();
        default -> {
            return;
        }
        }
        e.doit = false;
    }

    private void updateScrollBars() {
        if (isDisposed()) {
            return;
        }
        ScrollBar h = getHorizontalBar();
        ScrollBar v = getVerticalBar();
        if (timeline == null || timeline.size() == 0) {
            h.setEnabled(false);
            v.setEnabled(false);
            return;
        }
        double total = timeline.lastNs() - timeline.firstNs() + 1;
        int thumb = (int) Math.max(1, Math.min(10_000, widthNs() / total * 10_000));
        int sel = (int) Math.max(0, Math.min(10_000 - thumb, (viewStart - timeline.firstNs()) / total * 10_000));
        h.setEnabled(thumb < 10_000);
        h.setValues(sel, 0, 10_000, thumb, Math.max(1, thumb / 10), thumb);
        int lanes = timeline.laneCount(grouping);
        int visible = visibleLanes();
        v.setEnabled(lanes > visible);
        v.setValues(Math.min(firstLane, Math.max(0, lanes - visible)), 0, Math.max(lanes, 1), Math.min(visible,
                Math.max(lanes, 1)), 1, visible);
    }

    /** The event nearest to (x, y) within 4 pixels, or -1. */
    int eventAt(int x, int y) {
        if (timeline == null || x < NAME_W || y < AXIS_H) {
            return -1;
        }
        int lane = firstLane + (y - AXIS_H) / LANE_H;
        if (lane >= timeline.laneCount(grouping)) {
            return -1;
        }
        long t = timeAt(x);
        int k = timeline.lowerBound(grouping, lane, t);
        int best = -1;
        double bestPx = 4.5;
        for (int c = Math.max(0, k - 1); c <= k && c < timeline.laneSize(grouping, lane); c++) {
            int ev = timeline.event(grouping, lane, c);
            double px = Math.abs(timeline.timestampNs(ev) - t) / nsPerPixel();
            if (px < bestPx) {
                bestPx = px;
                best = ev;
            }
        }
        return best;
    }

    private void paint(GC gc) {
        long t0 = System.nanoTime();
        Rectangle area = getClientArea();
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
        if (timeline == null || timeline.size() == 0) {
            gc.drawText(timeline == null ? "No trace: File › Open Trace… imports a kvmmmu trace"
                    : "The trace has no event", NAME_W / 4, AXIS_H, true);
            return;
        }
        int plotW = plotWidth();
        double nsPx = nsPerPixel();
        int lanes = timeline.laneCount(grouping);
        int visible = Math.min(visibleLanes(), lanes - firstLane);
        Color grid = new Color(getDisplay(), 235, 235, 240);
        Color band = new Color(getDisplay(), 248, 248, 252);
        try {
            // lanes: alternate bands, then the marks of every pixel column
            // the lanes are drawn into one image: thousands of GC rectangles would cost more than the search
            if (visible > 0) {
                ImageData img = new ImageData(plotW, visible * LANE_H, 24, new PaletteData(0xFF0000, 0xFF00, 0xFF));
                Pixels px = new Pixels(img);
                for (int i = 0; i < visible; i++) {
                    int lane = firstLane + i;
                    px.fill(0, i * LANE_H, plotW, LANE_H, lane % 2 == 1 ? band.getRGB() : WHITE);
                    drawLane(px, lane, i * LANE_H, plotW, nsPx);
                }
                Image image = new Image(getDisplay(), img);
                gc.drawImage(image, NAME_W, AXIS_H);
                image.dispose();
            }
            // time axis with ticks of 1, 2 or 5 × 10^k ns, labelled in the trace's seconds
            gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
            gc.fillRectangle(NAME_W, 0, plotW, AXIS_H);
            long step = tickStep(nsPx * 110);
            int decimals = Math.max(0, Math.min(9, 9 - (int) Math.floor(Math.log10(step))));
            long first = Math.floorDiv(viewStart, step) * step;
            gc.setForeground(grid);
            for (long t = first; t < viewEnd; t += step) {
                int x = NAME_W + (int) ((t - viewStart) / nsPx);
                if (x >= NAME_W) {
                    gc.drawLine(x, AXIS_H - 4, x, AXIS_H + visible * LANE_H);
                }
            }
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
            for (long t = first; t < viewEnd; t += step) {
                int x = NAME_W + (int) ((t - viewStart) / nsPx);
                if (x >= NAME_W) {
                    gc.drawLine(x, AXIS_H - 6, x, AXIS_H);
                    gc.drawText(String.format(Locale.ROOT, "%." + decimals + "f", t / 1e9), x + 2, 2, true);
                }
            }
            gc.drawText("scale: " + duration(step) + " per tick, window " + duration(widthNs()), NAME_W + 4,
                    AXIS_H - 15, true);
            gc.drawLine(NAME_W, AXIS_H, area.width, AXIS_H);
            // the fixed name column, drawn last so it covers nothing it should not
            gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_BACKGROUND));
            gc.fillRectangle(0, 0, NAME_W, area.height);
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
            gc.drawText(grouping == Grouping.TASK ? "task (comm-pid)" : "CPU", 6, 8, true);
            for (int i = 0; i < visible; i++) {
                int lane = firstLane + i;
                String name = timeline.laneName(grouping, lane);
                String label = fit(gc, name + "  " + String.format(Locale.ROOT, "%,d", timeline.laneSize(grouping,
                        lane)), NAME_W - 10);
                gc.drawText(label, 6, AXIS_H + i * LANE_H + 3, true);
            }
            gc.drawLine(NAME_W - 1, 0, NAME_W - 1, area.height);
            // the selected event
            if (selected >= 0) {
                long t = timeline.timestampNs(selected);
                int x = NAME_W + (int) ((t - viewStart) / nsPx);
                if (x >= NAME_W && x < area.width) {
                    gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_RED));
                    gc.setLineWidth(1);
                    gc.drawLine(x, AXIS_H, x, AXIS_H + visible * LANE_H);
                }
            }
            legend(gc, area);
        } finally {
            grid.dispose();
            band.dispose();
        }
        lastPaintNanos = System.nanoTime() - t0;
        paints++;
    }

    private void drawLane(Pixels px, int lane, int y, int plotW, double nsPx) {
        // adjacent columns of one mark and height become one rectangle
        int[] run = { -1, 0, 0, -1 }; // x, width, height, mark
        timeline.columns(grouping, lane, viewStart, nsPx, plotW, (x, count, m) -> {
            int h = count == 1 ? LANE_H - 8 : Math.min(LANE_H - 4, LANE_H - 8 + 2 * (int) Math.log10(count) + 2);
            if (run[3] == m.ordinal() && run[2] == h && run[0] + run[1] == x) {
                run[1]++;
            } else {
                flush(px, run, y);
                run[0] = x;
                run[1] = 1;
                run[2] = h;
                run[3] = m.ordinal();
            }
        });
        flush(px, run, y);
    }

    private void flush(Pixels px, int[] run, int y) {
        if (run[3] < 0) {
            return;
        }
        px.fill(run[0], y + (LANE_H - run[2]) / 2, Math.max(run[1], 2), run[2], colours.get(Mark.of(run[3])).getRGB());
    }

    private static final RGB WHITE = new RGB(255, 255, 255);

    /** Direct writes into a 24-bit image's bytes (red, green, blue per pixel). */
    private static final class Pixels {
        private final byte[] data;
        private final int stride;
        private final int width;
        private final int height;

        Pixels(ImageData img) {
            data = img.data;
            stride = img.bytesPerLine;
            width = img.width;
            height = img.height;
        }

        void fill(int x, int y, int w, int h, RGB c) {
            int x1 = Math.min(width, x + w);
            int y1 = Math.min(height, y + h);
            byte r = (byte) c.red;
            byte g = (byte) c.green;
            byte b = (byte) c.blue;
            for (int row = Math.max(0, y); row < y1; row++) {
                int o = row * stride + Math.max(0, x) * 3;
                for (int col = Math.max(0, x); col < x1; col++) {
                    data[o++] = r;
                    data[o++] = g;
                    data[o++] = b;
                }
            }
        }
    }

    private void legend(GC gc, Rectangle area) {
        int y = area.height - LEGEND_H + 4;
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(NAME_W, area.height - LEGEND_H, area.width - NAME_W, LEGEND_H);
        int x = NAME_W + 6;
        for (Mark m : Mark.values()) {
            gc.setBackground(colours.get(m));
            gc.fillRectangle(x, y + 3, 10, 10);
            String name = m.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
            gc.drawText(name, x + 13, y, true);
            x += 13 + gc.textExtent(name).x + 12;
        }
    }

    private static String fit(GC gc, String s, int width) {
        if (gc.textExtent(s).x <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && gc.textExtent(t + "…").x > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    static long tickStep(double ns) {
        return TraceTimelineDiagram.tickStep(ns);
    }

    static String duration(long ns) {
        return TraceTimelineDiagram.duration(ns);
    }

    @Override
    public Point computeSize(int wHint, int hHint, boolean changed) {
        return new Point(wHint == SWT.DEFAULT ? 800 : wHint, hHint == SWT.DEFAULT ? 300 : hHint);
    }
}
