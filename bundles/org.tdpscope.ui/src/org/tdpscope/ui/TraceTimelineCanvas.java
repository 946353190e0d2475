/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
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
import org.tdpscope.trace.InferredRoot;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.trace.TraceTimeline.Mark;

/**
 * An imported trace on its real time axis, Trace Compass style: a fixed column of lane names (tasks or
 * CPUs), a time scale in the trace's own seconds, and one mark per event coloured by what it was. Each
 * pixel column is found by binary search in each lane, so a frame costs width × lanes × log(events)
 * whatever the zoom: a 10 M-event trace scrolls and zooms as fast as a small one. Ctrl+wheel (or +/-)
 * zooms around the pointer, Shift+wheel, dragging and the arrow keys pan, the wheel scrolls lanes, Home
 * fits the whole trace; a click selects the nearest event. The window never leaves the trace: panning stops
 * at its first and last events (plus the fitted margin) and zooming out stops at the whole trace. A root the
 * importer inferred is a dashed box round the record that made it infer it, as in the exported diagram.
 */
public final class TraceTimelineCanvas extends Canvas {

    /** The name column at its widest; it is as wide as its longest name, and at most a third of the canvas. */
    static final int NAME_MAX_W = 210;
    /** The name column at its narrowest. */
    static final int NAME_MIN_W = 90;
    static final int AXIS_H = 30;
    static final int LANE_H = 20;
    static final int LEGEND_H = 22;
    /** The narrowest window (zoomed in the most), in nanoseconds. */
    static final long MIN_SPAN_NS = 1000;
    /** The legend entry of an inferred root, as the exported diagram names it. */
    static final String INFERRED_ROOT = "root, inferred";

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
    /** The window is the whole trace: it stays so when the canvas is resized (a new view is laid out later). */
    private boolean fitted = true;
    private int[] rootEvents = new int[0]; // the event that made each inferred root be inferred
    private Map<String, Integer> laneIndex; // lane name -> lane, for the current grouping
    private List<String> message = List.of();
    private List<String> legendShown = List.of();
    private int legendH = LEGEND_H; // rows of the legend as last drawn: it wraps in a narrow view
    private int namesW = NAME_MAX_W; // the widest lane name and count, measured when the lanes change
    private String scaleShown = "";
    private List<Rectangle> tickLabels = List.of(); // where the axis's labels were drawn, last frame

    public TraceTimelineCanvas(Composite parent) {
        super(parent, SWT.DOUBLE_BUFFERED | SWT.H_SCROLL | SWT.V_SCROLL | SWT.NO_BACKGROUND);
        for (Mark m : Mark.values()) { // the colours of the exported diagram
            int rgb = Integer.parseInt(TraceTimelineDiagram.colour(m).substring(1), 16);
            colours.put(m, new Color(getDisplay(), new RGB(rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff)));
        }
        addListener(SWT.Paint, e -> paint(e.gc));
        addListener(SWT.Resize, e -> {
            if (fitted) {
                fit(); // the margin is in pixels, and a view fitted before its first layout had no width
            } else if (timeline != null && timeline.size() > 0) {
                moveTo(viewStart, viewEnd);
            }
            updateScrollBars();
        });
        addListener(SWT.MouseVerticalWheel, this::wheel);
        addListener(SWT.MouseHorizontalWheel, e -> {
            pan(-e.count * widthNs() / 20);
            e.doit = false;
        });
        addListener(SWT.MouseDown, e -> {
            if (e.button == 1 && e.x >= nameWidth()) {
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
            if (timeline == null || timeline.size() == 0) {
                return;
            }
            long span = widthNs();
            long[] b = bounds(); // the bar spans the widest window
            long start = b[0] + (long) ((double) getHorizontalBar().getSelection() / 10_000 * (b[1] - b[0]));
            fitted = false;
            moveTo(start, start + span);
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
        setTimeline(t, List.of());
    }

    /**
     * Shows a timeline (null clears), fitted to its whole span, with the roots the import found: the inferred
     * ones are drawn dashed where they were inferred.
     */
    public void setTimeline(TraceTimeline t, List<InferredRoot> importRoots) {
        this.timeline = t;
        selected = -1;
        firstLane = 0;
        laneIndex = null;
        message = List.of();
        List<Integer> evs = new ArrayList<>();
        if (t != null && t.size() > 0 && importRoots != null) {
            for (InferredRoot r : importRoots) {
                int ev = r.inferred() ? t.eventAtLine(r.line()) : -1;
                if (ev >= 0 && t.line(ev) == r.line()) { // the record that made it is on the timeline
                    evs.add(ev);
                }
            }
        }
        rootEvents = evs.stream().mapToInt(Integer::intValue).toArray();
        measureNames();
        fit();
    }

    /** What the canvas says, one line each, when it has no event to draw (why the import is empty). */
    public void setMessage(List<String> lines) {
        message = lines == null ? List.of() : List.copyOf(lines);
        redraw();
    }

    /** The lines said when there is no event to draw. */
    public List<String> message() {
        if (!message.isEmpty()) {
            return message;
        }
        return List.of(timeline == null ? "No trace: File › Open Trace… imports a kvmmmu trace"
                : "The trace has no event");
    }

    /** The legend's height as last drawn (its rows wrap in a narrow view, and are cut short in a short one). */
    public int legendHeight() {
        return legendH;
    }

    /** Where the time axis's labels were drawn in the last frame. */
    public List<Rectangle> tickLabels() {
        return tickLabels;
    }

    /** The scale as last drawn under the lanes: time between ticks and the window's width. */
    public String scale() {
        return scaleShown;
    }

    /** The legend's entries as last drawn (the marks in the window, then the inferred root if one is). */
    public List<String> legend() {
        return legendShown;
    }

    public void setGrouping(Grouping g) {
        long start = viewStart;
        long end = viewEnd;
        grouping = g;
        firstLane = 0;
        laneIndex = null;
        measureNames();
        if (fitted) {
            fit();
        } else {
            moveTo(start, end); // the same window, over a plot the new names may have widened
        }
        updateScrollBars();
        redraw();
    }

    public Grouping grouping() {
        return grouping;
    }

    /**
     * The name column's width: its longest lane name and event count (the header's too), so a trace of a
     * few short task names leaves the time axis most of the view; at most a third of the canvas.
     */
    public int nameWidth() {
        int third = getClientArea().width / 3;
        return Math.max(NAME_MIN_W, Math.min(namesW, Math.max(NAME_MIN_W, third)));
    }

    /** Measures the lane labels of the current grouping (the first few thousand: a name column, not a census). */
    private void measureNames() {
        if (isDisposed()) {
            return;
        }
        GC gc = new GC(this);
        try {
            int w = gc.textExtent(header()).x;
            if (timeline != null) {
                int lanes = Math.min(timeline.laneCount(grouping), 4096);
                for (int lane = 0; lane < lanes; lane++) {
                    w = Math.max(w, gc.textExtent(laneLabel(lane)).x);
                }
            }
            namesW = Math.min(NAME_MAX_W, w + 16);
        } finally {
            gc.dispose();
        }
    }

    private String header() {
        return grouping == Grouping.TASK ? "task (comm-pid)" : "CPU";
    }

    private String laneLabel(int lane) {
        return timeline.laneName(grouping, lane) + "  " + String.format(Locale.ROOT, "%,d", timeline.laneSize(grouping,
                lane));
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
            if (t < viewStart || t >= viewEnd) {
                fit(); // not reachable at this zoom within the trace's bounds (cannot happen, but never hide it)
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
        if (laneIndex != null) {
            Integer l = laneIndex.get(grouping == Grouping.TASK ? timeline.taskOf(event) : "CPU " + timeline.cpuOf(
                    event));
            return l == null ? 0 : l;
        }
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
            long[] b = bounds();
            viewStart = b[0];
            viewEnd = b[1];
        }
        fitted = true;
        updateScrollBars();
        redraw();
    }

    /** Whether the window is the whole trace as {@link #fit()} left it (no pan or zoom since). */
    public boolean fitted() {
        return fitted;
    }

    /**
     * The widest window, [start, end): the trace's first to last event with a margin of 2 % and 6 pixels, so
     * the first and last marks are drawn whole; at least {@link #MIN_SPAN_NS} wide.
     */
    long[] bounds() {
        long first = timeline.firstNs();
        long last = timeline.lastNs();
        long span = Math.max(1, last - first);
        // before the first layout the canvas has no width: a pixel margin then would be the whole span many times
        int w = Math.max(plotWidth(), 200);
        long margin = span / 50 + span * 6 / w + 1;
        long lo = first - margin;
        long hi = last + margin;
        if (hi - lo < MIN_SPAN_NS) {
            lo = first + (last - first) / 2 - MIN_SPAN_NS / 2;
            hi = lo + MIN_SPAN_NS;
        }
        return new long[] { lo, hi };
    }

    /** Zooms by {@code factor} (< 1 zooms in) around the time at pixel {@code x} of the canvas. */
    public void zoom(double factor, int x) {
        long at = timeAt(Math.max(nameWidth(), x));
        double span = Math.max(MIN_SPAN_NS, Math.min(widthNs() * factor, 4e15)); // 1 µs wide at most zoomed in
        if (timeline != null && timeline.size() > 0) {
            long[] b = bounds();
            if (span >= b[1] - b[0]) {
                fit(); // zoomed out to the whole trace: no further
                return;
            }
        }
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

    /**
     * Shows the time window [start, end) in nanoseconds of the trace's clock, kept within the trace: a window
     * past its first or last event moves back in, one wider than the trace becomes the whole trace.
     */
    public void setWindow(long start, long end) {
        fitted = false;
        moveTo(start, end);
        updateScrollBars();
        redraw();
    }

    /** Sets the window, clamped to {@link #bounds()}. */
    private void moveTo(long start, long end) {
        long span = Math.max(1, end - start);
        if (timeline != null && timeline.size() > 0) {
            long[] b = bounds();
            if (span >= b[1] - b[0]) {
                start = b[0];
                span = b[1] - b[0];
            } else if (start < b[0]) {
                start = b[0];
            } else if (start > b[1] - span) {
                start = b[1] - span;
            }
        }
        viewStart = start;
        viewEnd = start + span;
    }

    private void pan(long ns) {
        setWindow(viewStart + ns, viewEnd + ns);
    }

    private long widthNs() {
        return viewEnd - viewStart;
    }

    private int plotWidth() {
        return Math.max(1, getClientArea().width - nameWidth());
    }

    private double nsPerPixel() {
        return widthNs() / (double) plotWidth();
    }

    private long timeAt(int x) {
        return viewStart + (long) ((x - nameWidth()) * nsPerPixel());
    }

    private int visibleLanes() {
        return Math.max(1, (getClientArea().height - AXIS_H - legendH) / LANE_H);
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
        case '+', '=', SWT.KEYPAD_ADD -> zoom(0.5, nameWidth() + plotWidth() / 2);
        case '-', SWT.KEYPAD_SUBTRACT -> zoom(2, nameWidth() + plotWidth() / 2);
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
        long[] b = bounds();
        double total = b[1] - b[0];
        int thumb = (int) Math.max(1, Math.min(10_000, widthNs() / total * 10_000));
        int sel = (int) Math.max(0, Math.min(10_000 - thumb, (viewStart - b[0]) / total * 10_000));
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
        if (timeline == null || x < nameWidth() || y < AXIS_H) {
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
        int nameW = nameWidth();
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
        if (timeline == null || timeline.size() == 0) {
            legendShown = List.of();
            int y = AXIS_H;
            int lineH = gc.getFontMetrics().getHeight() + 2;
            for (String line : message()) { // why there is nothing to draw, and the lines it could not read
                gc.drawText(fit(gc, line, Math.max(40, area.width - nameW / 4 - 8)), nameW / 4, y, true);
                y += lineH;
            }
            return;
        }
        int plotW = plotWidth();
        double nsPx = nsPerPixel();
        int lanes = timeline.laneCount(grouping);
        int visible = Math.min(visibleLanes(), lanes - firstLane);
        Color grid = new Color(getDisplay(), 235, 235, 240);
        Color band = new Color(getDisplay(), 248, 248, 252);
        EnumSet<Mark> shown = EnumSet.noneOf(Mark.class);
        try {
            // lanes: alternate bands, then the marks of every pixel column
            // the lanes are drawn into one image: thousands of GC rectangles would cost more than the search
            if (visible > 0) {
                ImageData img = new ImageData(plotW, visible * LANE_H, 24, new PaletteData(0xFF0000, 0xFF00, 0xFF));
                Pixels px = new Pixels(img);
                for (int i = 0; i < visible; i++) {
                    int lane = firstLane + i;
                    px.fill(0, i * LANE_H, plotW, LANE_H, lane % 2 == 1 ? band.getRGB() : WHITE);
                    drawLane(px, lane, i * LANE_H, plotW, nsPx, shown);
                }
                Image image = new Image(getDisplay(), img);
                gc.drawImage(image, nameW, AXIS_H);
                image.dispose();
            }
            boolean inferredShown = drawInferredRoots(gc, visible, nsPx, area);
            // time axis with ticks of 1, 2 or 5 × 10^k ns, labelled in the trace's seconds, as far apart as a
            // label is wide (a trace's clock reads 136276.020: ten digits and more)
            gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
            gc.fillRectangle(nameW, 0, plotW, AXIS_H);
            long step = tickStep(nsPx * 40);
            while (step / nsPx < gc.textExtent(tickLabel(viewEnd, step)).x + 16 && step < Long.MAX_VALUE / 100) {
                step = tickStep(step + 1.0); // the next of 1, 2, 5 × 10^k, whose label may have a decimal less
            }
            long first = Math.floorDiv(viewStart, step) * step;
            gc.setForeground(grid);
            for (long t = first; t < viewEnd; t += step) {
                int x = nameW + (int) ((t - viewStart) / nsPx);
                if (x >= nameW) {
                    gc.drawLine(x, AXIS_H - 4, x, AXIS_H + visible * LANE_H);
                }
            }
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
            // each label right of its tick, left out where it would run off the view (left of its tick it read as
            // a time between two ticks)
            int labelY = Math.max(0, AXIS_H - 6 - gc.getFontMetrics().getHeight());
            int labelsEnd = Integer.MIN_VALUE;
            List<Rectangle> labels = new ArrayList<>();
            for (long t = first; t < viewEnd; t += step) {
                int x = nameW + (int) ((t - viewStart) / nsPx);
                if (x >= nameW) {
                    gc.drawLine(x, AXIS_H - 6, x, AXIS_H);
                    String label = tickLabel(t, step);
                    int w = gc.textExtent(label).x;
                    int lx = x + 2;
                    if (lx + w <= area.width - 2 && lx > labelsEnd + 6) {
                        gc.drawText(label, lx, labelY, true);
                        labelsEnd = lx + w;
                        labels.add(new Rectangle(lx, labelY, w, gc.getFontMetrics().getHeight()));
                    }
                }
            }
            tickLabels = List.copyOf(labels);
            gc.drawLine(nameW, AXIS_H, area.width, AXIS_H);
            scaleShown = "scale: " + duration(step) + "/tick, window " + roughDuration(widthNs());
            // the fixed name column, drawn last so it covers nothing it should not
            gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WIDGET_BACKGROUND));
            gc.fillRectangle(0, 0, nameW, area.height);
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
            gc.drawText(fit(gc, header(), nameW - 10), 6, 8, true);
            for (int i = 0; i < visible; i++) {
                // the name before its count: a name cut short loses the pid that tells two vCPU threads apart
                String label = laneLabel(firstLane + i);
                if (gc.textExtent(label).x > nameW - 10) {
                    label = fit(gc, timeline.laneName(grouping, firstLane + i), nameW - 10);
                }
                gc.drawText(label, 6, AXIS_H + i * LANE_H + 3, true);
            }
            gc.drawLine(nameW - 1, 0, nameW - 1, area.height);
            // the selected event
            if (selected >= 0) {
                long t = timeline.timestampNs(selected);
                int x = nameW + (int) ((t - viewStart) / nsPx);
                if (x >= nameW && x < area.width) {
                    gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_RED));
                    gc.setLineWidth(1);
                    gc.drawLine(x, AXIS_H, x, AXIS_H + visible * LANE_H);
                }
            }
            legend(gc, area, shown, inferredShown);
        } finally {
            grid.dispose();
            band.dispose();
        }
        lastPaintNanos = System.nanoTime() - t0;
        paints++;
    }

    /**
     * The inferred roots in the window: a dashed box in the root colour round the mark of the record that made
     * the importer infer each (no tracepoint names a root); true if one was drawn.
     */
    private boolean drawInferredRoots(GC gc, int visible, double nsPx, Rectangle area) {
        if (rootEvents.length == 0 || visible <= 0) {
            return false;
        }
        if (laneIndex == null) {
            Map<String, Integer> m = new HashMap<>();
            for (int l = 0; l < timeline.laneCount(grouping); l++) {
                m.putIfAbsent(timeline.laneName(grouping, l), l);
            }
            laneIndex = m;
        }
        boolean drawn = false;
        gc.setForeground(colours.get(Mark.ROOT));
        gc.setLineWidth(1);
        gc.setLineDash(new int[] { 3, 2 });
        try {
            for (int ev : rootEvents) {
                long t = timeline.timestampNs(ev);
                if (t < viewStart || t >= viewEnd) {
                    continue;
                }
                int i = laneOf(ev) - firstLane;
                if (i < 0 || i >= visible) {
                    continue;
                }
                int x = nameWidth() + (int) Math.floor((t - viewStart) / nsPx);
                if (x >= area.width) {
                    continue;
                }
                gc.drawRectangle(x - 4, AXIS_H + i * LANE_H + 1, 9, LANE_H - 3);
                drawn = true;
            }
        } finally {
            gc.setLineStyle(SWT.LINE_SOLID);
        }
        return drawn;
    }

    private void drawLane(Pixels px, int lane, int y, int plotW, double nsPx, EnumSet<Mark> shown) {
        // adjacent columns of the same kinds and height become one rectangle
        int[] run = { -1, 0, 0, 0 }; // x, width, height, kinds
        timeline.columns(grouping, lane, viewStart, nsPx, plotW, (x, count, m, kinds) -> {
            int h = count == 1 ? LANE_H - 8 : Math.min(LANE_H - 4, LANE_H - 8 + 2 * (int) Math.log10(count) + 2);
            if (run[3] == kinds && run[2] == h && run[0] + run[1] == x) {
                run[1]++;
            } else {
                flush(px, run, y, shown);
                run[0] = x;
                run[1] = 1;
                run[2] = h;
                run[3] = kinds;
            }
        });
        flush(px, run, y, shown);
    }

    /** A run of columns: one bar, or one stripe a kind, the most telling on top (at most {@link TraceTimelineDiagram#STRIPES}). */
    private void flush(Pixels px, int[] run, int y, EnumSet<Mark> shown) {
        if (run[3] == 0) {
            return;
        }
        int[] kinds = TraceTimelineDiagram.stripes(run[3]);
        int top = y + (LANE_H - run[2]) / 2;
        for (int i = 0; i < kinds.length; i++) {
            shown.add(Mark.of(kinds[i])); // the legend names what is drawn
            int from = top + run[2] * i / kinds.length;
            int to = top + run[2] * (i + 1) / kinds.length;
            px.fill(run[0], from, Math.max(run[1], 2), to - from, colours.get(Mark.of(kinds[i])).getRGB());
        }
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

    /** The marks the window holds, as the exported diagram's legend names them, then the inferred root. */
    private void legend(GC gc, Rectangle area, EnumSet<Mark> shown, boolean inferredShown) {
        List<String> names = new ArrayList<>();
        for (Mark m : shown) {
            names.add(TraceTimelineDiagram.label(m));
        }
        if (inferredShown) {
            names.add(INFERRED_ROOT);
        }
        // the scale first, as the exported diagram has it: in the axis it ran over the tick labels
        List<String> entries = new ArrayList<>(names);
        entries.add(0, scaleShown);
        // laid out first: in a narrow view the entries wrap to more rows rather than run off the edge; in a
        // short one the lanes come first (three at least): the rows that do not fit end in "+N more"
        int lanesWanted = Math.min(timeline.laneCount(grouping), 3);
        int maxRows = Math.max(1, 1 + (area.height - AXIS_H - lanesWanted * LANE_H - LEGEND_H) / (LEGEND_H - 4));
        int[] xs;
        int[] rows;
        int row;
        int kept = entries.size();
        while (true) {
            List<String> laid = new ArrayList<>(entries.subList(0, kept));
            if (kept < entries.size()) {
                laid.add("+" + (entries.size() - kept) + " more");
            }
            xs = new int[laid.size()];
            rows = new int[laid.size()];
            int x = nameWidth() + 6;
            row = 0;
            for (int i = 0; i < laid.size(); i++) {
                int w = (i == 0 || i >= kept ? 0 : 13) + gc.textExtent(laid.get(i)).x + 12;
                if (x > nameWidth() + 6 && x + w - 12 > area.width) {
                    row++;
                    x = nameWidth() + 6;
                }
                xs[i] = x;
                rows[i] = row;
                x += w;
            }
            if (row < maxRows) {
                entries = laid;
                break;
            }
            if (kept <= 1) { // the scale alone
                entries = List.of(entries.get(0));
                xs = new int[] { nameWidth() + 6 };
                rows = new int[] { 0 };
                row = 0;
                break;
            }
            kept--;
        }
        int height = LEGEND_H + row * (LEGEND_H - 4);
        if (height != legendH) {
            legendH = height;
            getDisplay().asyncExec(() -> { // the lanes that fit above it changed
                if (!isDisposed()) {
                    updateScrollBars();
                    redraw();
                }
            });
        }
        int top = area.height - height;
        gc.setBackground(getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(nameWidth(), top, area.width - nameWidth(), height);
        gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        gc.drawText(scaleShown, xs[0], top + 4 + rows[0] * (LEGEND_H - 4), true);
        for (int i = 1; i < entries.size(); i++) {
            int y = top + 4 + rows[i] * (LEGEND_H - 4);
            if (i >= kept) { // "+N more"
                gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
                gc.drawText(entries.get(i), xs[i], y, true);
                continue;
            }
            if (entries.get(i).equals(INFERRED_ROOT)) {
                gc.setForeground(colours.get(Mark.ROOT));
                gc.setLineDash(new int[] { 3, 2 });
                gc.drawRectangle(xs[i], y + 1, 9, 13);
                gc.setLineStyle(SWT.LINE_SOLID);
            } else {
                gc.setBackground(colours.get(TraceTimelineDiagram.ofLabel(entries.get(i))));
                gc.fillRectangle(xs[i], y + 3, 10, 10);
            }
            gc.setForeground(getDisplay().getSystemColor(SWT.COLOR_BLACK));
            gc.drawText(entries.get(i), xs[i] + 13, y, true);
        }
        legendShown = List.copyOf(names.subList(0, Math.max(0, kept - 1)));
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

    /** A duration to four significant digits: a window's width, not a time to find in the trace. */
    static String roughDuration(long ns) {
        if (ns <= 0) {
            return duration(ns);
        }
        long unit = ns < 1_000 ? 1 : ns < 1_000_000 ? 1_000 : ns < 1_000_000_000 ? 1_000_000 : 1_000_000_000;
        String name = unit == 1 ? " ns" : unit == 1_000 ? " µs" : unit == 1_000_000 ? " ms" : " s";
        return new java.math.BigDecimal(ns).divide(java.math.BigDecimal.valueOf(unit)).round(new java.math.MathContext(4))
                .stripTrailingZeros().toPlainString() + name;
    }

    /** A tick's time in the trace's seconds, with as many decimals as the step between ticks needs. */
    static String tickLabel(long ns, long step) {
        int decimals = Math.max(0, Math.min(9, 9 - (int) Math.floor(Math.log10(step))));
        return String.format(Locale.ROOT, "%." + decimals + "f", ns / 1e9);
    }

    static String duration(long ns) {
        return TraceTimelineDiagram.duration(ns);
    }

    @Override
    public Point computeSize(int wHint, int hHint, boolean changed) {
        return new Point(wHint == SWT.DEFAULT ? 800 : wHint, hHint == SWT.DEFAULT ? 300 : hHint);
    }
}
