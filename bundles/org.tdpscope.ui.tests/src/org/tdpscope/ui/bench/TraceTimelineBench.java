/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.tdpscope.trace.Payload;
import org.tdpscope.trace.Prefix;
import org.tdpscope.trace.TraceEvent;
import org.tdpscope.trace.TraceTimeline;
import org.tdpscope.trace.TraceTimeline.Grouping;
import org.tdpscope.ui.TraceTimelineCanvas;

/**
 * Benchmark harness (not a test): the Trace view's timeline over an import of N events (default 10 M:
 * 16 vCPU tasks on 8 CPUs, SPTE changes, faults, a fast zap every 100 k events). Prints the columns'
 * heap, the time to sort the lanes, and the UI thread's time per frame (paint, measured inside the
 * canvas) at fit, while panning a zoomed window across the whole trace, and while zooming from the whole
 * trace down to microseconds and back, per task and per CPU, against a 16.7 ms frame budget.
 * Run: {@code releng/bench ui} (or {@code ... TraceTimelineBench 10000000} with a display).
 */
public final class TraceTimelineBench {

    private TraceTimelineBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        long t0 = System.nanoTime();
        TraceTimeline tl = new TraceTimeline();
        Payload spte = new Payload.TdpMmuSpteChanged(0, 0x1000, 1, 0, 0x600001980dc3b77L);
        Payload zap = new Payload.TdpMmuSpteChanged(0, 0x1000, 1, 0x600001980dc3b77L, 0);
        Payload fault = new Payload.KvmPageFault(0, 0L, 0x1000, 0x784);
        Payload fast = new Payload.MmuZapAllFast(1, 4);
        long ts = 136_276_000_000_000L;
        String[] comms = new String[16];
        for (int i = 0; i < comms.length; i++) {
            comms[i] = "CPU " + i + "/KVM";
        }
        for (int i = 0; i < n; i++) {
            int task = (i / 64) % 16;
            ts += 150 + (i % 7) * 20;
            Payload p = i % 100_000 == 99_999 ? fast : i % 5 == 0 ? fault : i % 11 == 0 ? zap : spte;
            tl.add(new TraceEvent(new Prefix(comms[task], 4000 + task, 4000, task / 2, "...1.", ts, i + 1L,
                    Prefix.Shape.TRACEFS, List.of()), "kvm_tdp_mmu_spte_changed", p));
        }
        long built = System.nanoTime() - t0;
        t0 = System.nanoTime();
        tl.finish();
        long sorted = System.nanoTime() - t0;
        System.out.printf(Locale.ROOT, "trace timeline: %,d events, %.1f MB of columns (%.1f bytes/event), "
                + "built in %.2f s, lanes sorted in %.2f s%n", tl.size(), tl.bytes() / 1e6, tl.bytes() / (double) tl
                        .size(), built / 1e9, sorted / 1e9);

        Display display = Display.getDefault();
        Shell shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1600, 900);
        TraceTimelineCanvas canvas = new TraceTimelineCanvas(shell);
        shell.open();
        canvas.setTimeline(tl);
        for (Grouping g : Grouping.values()) {
            canvas.setGrouping(g);
            canvas.fit();
            long fit = frame(display, canvas);
            // pan a window of 1/1000 of the trace across the whole of it, 200 steps
            long span = (tl.lastNs() - tl.firstNs()) / 1000;
            long[] pans = new long[200];
            for (int i = 0; i < pans.length; i++) {
                long start = tl.firstNs() + (tl.lastNs() - tl.firstNs()) / pans.length * i;
                canvas.setWindow(start, start + span);
                pans[i] = frame(display, canvas);
            }
            // zoom from the whole trace to 1 µs wide and back
            canvas.fit();
            long[] zooms = new long[120];
            for (int i = 0; i < zooms.length; i++) {
                canvas.zoom(i < 60 ? 0.7 : 1 / 0.7, 800);
                zooms[i] = frame(display, canvas);
            }
            System.out.printf(Locale.ROOT, "trace timeline per %s (%d lanes): fit %.2f ms; pan median %.2f ms, max %.2f ms; "
                    + "zoom median %.2f ms, max %.2f ms (budget 16.7 ms)%n", g.name().toLowerCase(Locale.ROOT), tl
                            .laneCount(g), fit / 1e6, median(pans) / 1e6, max(pans) / 1e6, median(zooms) / 1e6,
                    max(zooms) / 1e6);
        }
        shell.dispose();
        display.dispose();
    }

    /** UI-thread time of the next paint (the canvas measures itself). */
    private static long frame(Display display, TraceTimelineCanvas c) {
        long before = c.paints();
        c.redraw();
        long end = System.nanoTime() + 10_000_000_000L;
        while (c.paints() == before && System.nanoTime() < end) {
            if (!display.readAndDispatch()) {
                display.sleep();
            }
        }
        return c.lastPaintNanos();
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static long max(long[] a) {
        return Arrays.stream(a).max().orElse(0);
    }
}
