/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.List;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Slider;
import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;
import org.tdpscope.export.TimelineDiagram;
import org.tdpscope.sim.TraceEvent;

/**
 * The Timeline view's content: the export's timeline of the Roots panel's run, one lane per
 * thread, with the current step drawn as a line; clicking an event mark moves the current step
 * (every view follows). A long run is shown through a window of {@link #WINDOW} events that the
 * slider moves over the whole run, so only the visible part is laid out and drawn: a million-event
 * run scrolls as fast as a short one.
 */
public final class TimelinePanel extends Composite {

    /** Events laid out at once; the diagram draws at most 160 marked steps of them anyway. */
    public static final int WINDOW = 400;
    /** How close to a mark's centre a click must be, in pixels. */
    static final int HIT = 10;

    private final SceneCanvas canvas;
    private final Slider slider;
    private final Label where;
    private final Consumer<RootsPanel> follow = this::follow;
    private RootsPanel panel;
    private List<TraceEvent> run = List.of();
    private List<String> lanes = List.of();
    private int from = -1;
    private long current;
    private TimelineDiagram.Geometry geometry;

    public TimelinePanel(Composite parent, int style) {
        super(parent, style);
        setLayout(new GridLayout(2, false));
        slider = new Slider(this, SWT.HORIZONTAL);
        slider.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        slider.addListener(SWT.Selection, e -> showWindow(slider.getSelection()));
        where = new Label(this, SWT.NONE);
        GridData label = new GridData(SWT.RIGHT, SWT.CENTER, false, false);
        label.widthHint = 220;
        where.setLayoutData(label);
        canvas = new SceneCanvas(this, SWT.NONE);
        canvas.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1));
        canvas.setScene(Scene.message("open a scenario in the Roots view to see its timeline", Theme.LIGHT));
        canvas.addListener(SWT.MouseDown, this::clicked);
        canvas.setOverlay(this::drawCurrentStep);
        CopyAsText.install(canvas, this::rootsPanel);
        RunSelection.listen(follow);
        addDisposeListener(e -> RunSelection.unlisten(follow));
    }

    /** Follows a Roots panel's run and step: a new run resets the window, a step outside it moves it. */
    void follow(RootsPanel p) {
        if (isDisposed() || p.isDisposed()) {
            return;
        }
        showRun(p, p.events(), p.step());
    }

    /**
     * Shows a run (the panel's, or any trace: the benchmark gives a million events) at a step; clicks
     * on marks move {@code p}'s step.
     */
    public void showRun(RootsPanel p, List<TraceEvent> events, long step) {
        panel = p;
        current = step;
        if (events != run) {
            run = events;
            lanes = TimelineDiagram.lanes(run); // the whole run's: a window keeps every lane in its place
            from = -1;
            slider.setValues(0, 0, Math.max(run.size(), 1), Math.min(WINDOW, Math.max(run.size(), 1)), 20, WINDOW);
        }
        if (run.isEmpty()) {
            canvas.setScene(Scene.message("step 0: nothing has happened yet", Theme.LIGHT));
            geometry = null;
            return;
        }
        int index = (int) Math.max(0, Math.min(step - 1, run.size() - 1));
        if (from < 0 || index < from || index >= from + WINDOW) {
            showWindow(Math.max(0, Math.min(index - WINDOW / 2, run.size() - WINDOW)));
        }
        canvas.reveal(geometry.x(Math.max(step, 1)), canvas.toScene(0, 0).y);
        updateWhere();
        canvas.redraw();
    }

    private String title() {
        return panel == null || panel.scenarioName() == null ? "run"
                : panel.scenarioName() + " — kernel " + panel.kernel().word() + ", policy " + panel.policy().word();
    }

    /** The timeline of the whole run shown, or null before one is. */
    Scene wholeRun() {
        if (run.isEmpty()) {
            return null;
        }
        return TimelineDiagram.layout(title(), run, Theme.LIGHT);
    }

    /**
     * What Export Diagram writes: the whole run when it fits one window, else the window on screen
     * (the whole of a million events would be an SVG nobody can open); null before a run is shown.
     */
    Scene forExport() {
        if (run.isEmpty()) {
            return null;
        }
        return run.size() <= WINDOW ? wholeRun() : canvas.scene();
    }

    /** Lays out the events from index {@code first} on (a window of the run) and shows them. */
    public void showWindow(int first) {
        if (run.isEmpty()) {
            return;
        }
        from = Math.max(0, Math.min(first, Math.max(0, run.size() - WINDOW)));
        List<TraceEvent> window = run.subList(from, Math.min(run.size(), from + WINDOW));
        geometry = TimelineDiagram.geometry(window, lanes);
        canvas.setScene(TimelineDiagram.layout(title(), window, Theme.LIGHT, lanes));
        // the lane names stay in view while the chart scrolls under them (Trace Compass's name column)
        int firstMark = geometry.x(window.get(0).step());
        canvas.setPinned(Math.max(0, firstMark - 40), geometry.lanesTop(), geometry.lanesBottom());
        slider.setSelection(from);
        updateWhere();
    }

    private void updateWhere() {
        where.setText("events " + (from + 1) + "–" + Math.min(run.size(), from + WINDOW) + " of " + run.size());
    }

    private void clicked(Event e) {
        if (e.button != 1 || geometry == null || panel == null || panel.isDisposed()) {
            return;
        }
        Point p = canvas.toScene(e.x, e.y);
        TimelineDiagram.Mark hit = markAt(p.x, p.y);
        if (hit != null) {
            panel.goTo(hit.event().step());
        }
    }

    /** The mark nearest to a scene point within {@link #HIT} pixels, or null. */
    TimelineDiagram.Mark markAt(int x, int y) {
        TimelineDiagram.Mark best = null;
        int bestD = HIT * HIT + 1;
        for (TimelineDiagram.Mark m : geometry.marks()) {
            int dx = m.x() - x;
            int dy = m.y() - y;
            int d = dx * dx + dy * dy;
            if (d < bestD) {
                best = m;
                bestD = d;
            }
        }
        return best;
    }

    private void drawCurrentStep(GC gc) {
        if (geometry == null || run.isEmpty()) {
            return;
        }
        long step = current;
        if (step < run.get(from).step() || step > run.get(Math.min(run.size(), from + WINDOW) - 1).step()) {
            return;
        }
        int x = geometry.x(step);
        gc.setForeground(canvas.colour(CURRENT));
        gc.setLineWidth(2);
        gc.drawLine(x, geometry.lanesTop() - 8, x, geometry.lanesBottom());
        gc.setLineWidth(1);
    }

    /** The colour of the current-step line (the theme's cursor purple). */
    static final String CURRENT = "#8250df";

    /** The marks of the window shown, in scene coordinates. */
    List<TimelineDiagram.Mark> marks() {
        return geometry == null ? List.of() : geometry.marks();
    }

    /** The x of a step in the window shown. */
    int xOf(long step) {
        return geometry.x(step);
    }

    public int windowStart() {
        return from;
    }

    /** The Roots panel whose run is shown, or null before one is. */
    public RootsPanel rootsPanel() {
        return panel;
    }

    public SceneCanvas canvas() {
        return canvas;
    }

    public Slider slider() {
        return slider;
    }
}
