/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.tdpscope.export.RootListDiagram;
import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;
import org.tdpscope.sim.EventType;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.ui.SceneCanvas;
import org.tdpscope.ui.TimelinePanel;

/**
 * Benchmark harness (not a test) for the workbench's drawing, in a real SWT shell:
 * <ul>
 * <li>{@code roots}: the Roots view's canvas with 1,000 roots; each step invalidates or frees a root
 * (a new Scene built from a snapshot) and animates to it; a frame is the time from asking for it to
 * the end of {@code Display.readAndDispatch} having painted it, Scene build included on the first
 * frame of a step. Target: >= 60 frames/s, i.e. every frame <= 16.7 ms.</li>
 * <li>{@code timeline}: the Timeline panel over a 1,000,000-event run, scrolled from start to end with
 * its slider; each scroll lays out and draws only the window shown. Reported: per-scroll time (the
 * UI thread is busy that long) against the same 16.7 ms.</li>
 * </ul>
 * Run: {@code releng/bench ui} (needs a display; the script uses Xvfb when there is none).
 */
public final class UiBench {

    private UiBench() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        Display display = Display.getDefault();
        Shell shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1600, 900);
        shell.open();
        try {
            if (what.equals("all") || what.equals("roots")) {
                roots(display, shell, 1000, 40);
            }
            if (what.equals("all") || what.equals("timeline")) {
                timeline(display, shell, 1_000_000, 300);
            }
        } finally {
            shell.dispose();
            display.dispose();
        }
    }

    /** A snapshot of {@code n} roots where the first {@code changed} are invalid and every 7th of those freed. */
    static RootListSnapshot snapshot(int n, int changed, long step) {
        List<RootListSnapshot.Box> boxes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean invalid = i < changed;
            boolean freed = invalid && i % 7 == 0;
            boxes.add(new RootListSnapshot.Box("R" + i, "role" + i, freed ? 0 : 1 + i % 3, invalid,
                    freed ? Root.State.FREED : Root.State.LISTED, !freed, i == changed ? List.of("W") : List.of(),
                    false));
        }
        return new RootListSnapshot(step, Policy.CONTINUE, boxes, List.of(), null);
    }

    private static void roots(Display display, Shell shell, int n, int steps) {
        SceneCanvas canvas = new SceneCanvas(shell, SWT.NONE);
        shell.layout(true, true);
        canvas.setScene(RootListDiagram.layout("bench", snapshot(n, 0, 0), List.of(), Theme.LIGHT));
        waitForPaint(display, canvas, canvas.paints());
        List<Long> costs = new ArrayList<>(); // UI-thread time of a frame: paint, plus the Scene build on a step's first
        List<Long> intervals = new ArrayList<>(); // wall time between two frames of a transition
        long[] builds = new long[steps];
        int[] framesPerStep = new int[steps];
        long wall0 = System.nanoTime();
        for (int s = 1; s <= steps; s++) {
            long t0 = System.nanoTime();
            Scene scene = RootListDiagram.layout("bench", snapshot(n, s * (n / steps), s), List.of(), Theme.LIGHT);
            builds[s - 1] = System.nanoTime() - t0;
            // follow the change along the list, as a user scrolling to it would
            canvas.setScene(scene, true);
            canvas.scrollTo(s * (n / steps) * 144 - 400, 0);
            long seen = canvas.paints();
            long last = 0;
            boolean first = true;
            // until the transition is over and its last frame painted
            long deadline = Long.MAX_VALUE;
            while (System.nanoTime() < deadline) {
                if (!display.readAndDispatch()) {
                    if (canvas.animating()) {
                        display.sleep();
                    } else if (deadline == Long.MAX_VALUE) {
                        deadline = System.nanoTime() + 100_000_000L; // the final frame is at most one paint away
                    } else {
                        Thread.onSpinWait();
                    }
                }
                if (canvas.paints() != seen) {
                    long now = System.nanoTime();
                    seen = canvas.paints();
                    costs.add(canvas.lastPaintNanos() + (first ? builds[s - 1] : 0));
                    if (!first) {
                        intervals.add(now - last);
                    }
                    last = now;
                    first = false;
                    framesPerStep[s - 1]++;
                }
            }
        }
        double seconds = (System.nanoTime() - wall0) / 1e9;
        Arrays.sort(builds);
        long[] c = costs.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] iv = intervals.stream().mapToLong(Long::longValue).sorted().toArray();
        int frames = Arrays.stream(framesPerStep).sum();
        System.out.printf(Locale.ROOT,
                "roots: %d roots (%d shapes), %d animated steps of %d ms, %d frames painted%n", n,
                canvas.scene().shapes().size(), steps, 250, frames);
        System.out.printf(Locale.ROOT,
                "roots: UI-thread time per frame (paint; + Scene build on a step's first frame): median %.2f ms, "
                        + "p95 %.2f ms, max %.2f ms (budget 16.7 ms); Scene build median %.2f ms%n",
                ms(c[c.length / 2]), ms(c[(int) (c.length * 0.95)]), ms(c[c.length - 1]), ms(builds[steps / 2]));
        System.out.printf(Locale.ROOT,
                "roots: frame interval during transitions median %.1f ms, p95 %.1f ms (%.0f frames/s achieved, "
                        + "timer period 16 ms); %.1f frames per transition; wall %.2f s%n",
                ms(iv[iv.length / 2]), ms(iv[(int) (iv.length * 0.95)]), 1000 / ms(iv[iv.length / 2]),
                frames / (double) steps, seconds);
        canvas.dispose();
    }

    private static void waitForPaint(Display display, SceneCanvas canvas, long before) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (canvas.paints() == before && System.nanoTime() < end) {
            if (!display.readAndDispatch()) {
                display.sleep();
            }
        }
    }

    /**
     * A run of {@code n} events: a walker visiting and yielding, vCPUs faulting under the read lock,
     * an invalidator zapping under the write lock, with SPTE changes between the marks.
     */
    public static List<TraceEvent> syntheticRun(int n) {
        List<TraceEvent> out = new ArrayList<>(n);
        long step = 0;
        int root = 0;
        while (out.size() < n) {
            int phase = (int) (step % 12);
            String thread;
            EventType type;
            String detail = null;
            String r = "R" + (root % 50);
            switch (phase) {
                case 0 -> { thread = "W"; type = EventType.LOCK_ACQUIRE; detail = "mmu_lock read"; }
                case 1 -> { thread = "W"; type = EventType.WALK_VISIT; }
                case 2, 3 -> { thread = "W"; type = EventType.SPTE_WRPROT; }
                case 4 -> { thread = "W"; type = EventType.WALK_YIELD; }
                case 5 -> { thread = "W"; type = EventType.LOCK_RELEASE; detail = "mmu_lock read"; }
                case 6 -> { thread = "Z"; type = EventType.LOCK_ACQUIRE; detail = "mmu_lock write"; }
                case 7 -> { thread = "Z"; type = EventType.ROOT_INVALIDATE; }
                case 8 -> { thread = "Z"; type = EventType.LOCK_RELEASE; detail = "mmu_lock write"; }
                case 9 -> { thread = "v0"; type = EventType.ROOT_CREATE; r = "R" + ((root + 1) % 50); }
                case 10 -> { thread = "W"; type = EventType.WALK_RESUME; }
                default -> { thread = "v0"; type = EventType.SPTE_SET; root++; }
            }
            step++;
            out.add(new TraceEvent(step, thread, type, r, 1, step & 0xfffff, 1, 0, 0, detail, null));
        }
        return out;
    }

    private static void timeline(Display display, Shell shell, int n, int scrolls) {
        long g0 = System.nanoTime();
        List<TraceEvent> run = syntheticRun(n);
        long generated = System.nanoTime() - g0;
        TimelinePanel panel = new TimelinePanel(shell, SWT.NONE);
        shell.layout(true, true);
        long t0 = System.nanoTime();
        long painted = panel.canvas().paints();
        panel.showRun(null, run, 1);
        waitForPaint(display, panel.canvas(), painted);
        long open = System.nanoTime() - t0;
        // two passes start to end: the first warms the JIT up (its worst case is reported too)
        long coldMax = 0;
        long[] busy = new long[scrolls];
        long[] latency = new long[scrolls];
        for (int pass = 0; pass < 2; pass++) {
            int max = panel.slider().getMaximum() - panel.slider().getThumb();
            for (int i = 0; i < scrolls; i++) {
                int at = (int) ((long) max * i / (scrolls - 1));
                long before = panel.canvas().paints();
                long s0 = System.nanoTime();
                panel.slider().setSelection(at);
                panel.slider().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
                long layout = System.nanoTime() - s0; // the window's Scene, built on the UI thread
                waitForPaint(display, panel.canvas(), before); // the new window is on screen
                latency[i] = System.nanoTime() - s0;
                busy[i] = layout + panel.canvas().lastPaintNanos();
                if (pass == 0) {
                    coldMax = Math.max(coldMax, busy[i]);
                }
            }
        }
        Arrays.sort(busy);
        Arrays.sort(latency);
        System.out.printf(Locale.ROOT,
                "timeline: %,d events (generated in %.0f ms), shown at step 1 in %.1f ms; %d scrolls start to end "
                        + "(%d-event windows)%n", run.size(), ms(generated), ms(open), scrolls, TimelinePanel.WINDOW);
        System.out.printf(Locale.ROOT,
                "timeline: UI-thread time per scroll (window layout + paint): median %.2f ms, p95 %.2f ms, max %.2f ms "
                        + "warm, %.2f ms cold (budget 16.7 ms)%n",
                ms(busy[scrolls / 2]), ms(busy[(int) (scrolls * 0.95)]), ms(busy[scrolls - 1]), ms(coldMax));
        System.out.printf(Locale.ROOT,
                "timeline: slider moved to window on screen (incl. waiting for GTK's next frame): median %.1f ms, "
                        + "p95 %.1f ms%n", ms(latency[scrolls / 2]), ms(latency[(int) (scrolls * 0.95)]));
        panel.dispose();
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
