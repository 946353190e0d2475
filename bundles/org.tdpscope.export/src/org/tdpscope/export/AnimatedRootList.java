/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.tdpscope.sim.EventType;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Replay;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;

/**
 * The root list over a run as one animated SVG: a frame (a {@link RootListDiagram}) for each step
 * that changes the list or moves a walker, each in a {@code <g>} whose visibility a discrete SMIL
 * {@code <animate>} switches on for its slot of the loop. Deterministic (no clock, fixed frame
 * times). Viewers without SMIL (and rsvg-convert) show the last frame, the final state.
 */
public final class AnimatedRootList {

    /** The events that start a new frame. */
    static final Set<EventType> FRAMES = EnumSet.of(EventType.ROOT_CREATE, EventType.ROOT_REUSE, EventType.ROOT_GET,
            EventType.ROOT_PUT, EventType.ROOT_INVALIDATE, EventType.ROOT_UNLINK, EventType.ROOT_FREE,
            EventType.WALK_VISIT, EventType.WALK_YIELD, EventType.WALK_RESTART, EventType.WALK_END,
            EventType.VIOLATION);
    public static final int MAX_FRAMES = 200;
    public static final double SECONDS_PER_FRAME = 1.0;
    /** The GIF holds the final state three frame times before it loops (the SVG has no such pause). */
    public static final int GIF_LAST_FRAME_HOLD = 3;
    /** GIF frames at the diagrams' own size: a few hundred KB for a run, not megabytes. */
    public static final int GIF_SCALE = 1;

    private AnimatedRootList() {
    }

    /** Runs the scenario, then draws the root list after each frame step. */
    public static String svg(String title, Scenario scenario, Policy policy, Theme theme) {
        return svg(title + " — kernel " + scenario.kernel.word() + ", policy " + policy.word() + ", animated", frames(title, scenario, policy, theme),
                SECONDS_PER_FRAME, theme);
    }

    /**
     * The frames: the root list after each step that starts a frame, and after the last step. One run
     * with checkpoints ({@link Replay}) stands at each frame's step, so a long run is not replayed from
     * its start for every frame; each frame is a bounded {@link RootListDiagram}.
     */
    public static List<Scene> frames(String title, Scenario scenario, Policy policy, Theme theme) {
        List<TraceEvent> events = new ArrayList<>();
        Replay replay = new Replay(scenario, policy, events::add);
        long total = events.isEmpty() ? 0 : events.get(events.size() - 1).step();
        List<Scene> frames = new ArrayList<>();
        List<TraceEvent> violations = new ArrayList<>();
        int next = 0;
        for (long step : frameSteps(events)) {
            while (next < events.size() && events.get(next).step() <= step) {
                if (events.get(next).is(EventType.VIOLATION)) {
                    violations.add(events.get(next));
                }
                next++;
            }
            Simulation sim = replay.at(step, e -> { });
            frames.add(RootListDiagram.layout(title, RootListSnapshot.of(sim, next == 0 ? null : events.get(next - 1)),
                    List.copyOf(violations), theme, total));
        }
        return frames;
    }

    /**
     * The step each frame shows, in order: the steps that start a frame and the last step. A run with
     * more than {@link #MAX_FRAMES} such steps keeps every step with a violation and the last one, and
     * spreads the others evenly over the run, so the animation covers all of it.
     */
    public static List<Long> frameSteps(List<TraceEvent> events) {
        TreeSet<Long> candidates = new TreeSet<>();
        TreeSet<Long> must = new TreeSet<>();
        for (TraceEvent e : events) {
            if (FRAMES.contains(e.type())) {
                candidates.add(e.step());
                if (e.is(EventType.VIOLATION) && must.size() < MAX_FRAMES / 2) {
                    must.add(e.step());
                }
            }
        }
        if (!events.isEmpty()) {
            long last = events.get(events.size() - 1).step();
            candidates.add(last);
            must.add(last);
        }
        if (candidates.size() <= MAX_FRAMES) {
            return List.copyOf(candidates);
        }
        List<Long> all = new ArrayList<>(candidates);
        TreeSet<Long> steps = new TreeSet<>(must);
        int room = MAX_FRAMES - steps.size();
        for (int i = 0; i < room; i++) {
            steps.add(all.get((int) ((long) i * all.size() / room)));
        }
        return List.copyOf(steps);
    }

    /** The same frames as an animated GIF (see {@link AnimatedGif}), looping forever. */
    public static byte[] gif(List<Scene> frames, Theme theme) {
        int[] delays = new int[frames.size()];
        int centis = (int) Math.round(SECONDS_PER_FRAME * 100);
        java.util.Arrays.fill(delays, centis);
        delays[delays.length - 1] = centis * GIF_LAST_FRAME_HOLD;
        return AnimatedGif.gif(frames, delays, theme.background, GIF_SCALE);
    }

    /** Any frames as one looping animated SVG, {@code seconds} per frame. */
    public static String svg(String title, List<Scene> frames, double seconds, Theme theme) {
        int width = 1;
        int height = 1;
        String arrow = null;
        for (Scene f : frames) {
            width = Math.max(width, f.width());
            height = Math.max(height, f.height());
            arrow = arrow != null ? arrow : SvgRenderer.arrowColour(f);
        }
        StringBuilder sb = new StringBuilder(16384 * Math.max(1, frames.size()));
        SvgRenderer.header(sb, width, height, title, theme.background, arrow);
        int n = frames.size();
        String dur = String.format(Locale.ROOT, "%.3fs", n * seconds);
        for (int i = 0; i < n; i++) {
            String id = "frame-" + (i + 1);
            sb.append("<g id=\"").append(id).append("\" visibility=\"").append(i == n - 1 ? "visible" : "hidden")
                    .append("\">\n");
            if (n > 1) {
                String from = fraction(i, n);
                String to = fraction(i + 1, n);
                String values;
                String keyTimes;
                if (i == 0) {
                    values = "visible;hidden";
                    keyTimes = "0;" + to;
                } else if (i == n - 1) {
                    values = "hidden;visible";
                    keyTimes = "0;" + from;
                } else {
                    values = "hidden;visible;hidden";
                    keyTimes = "0;" + from + ";" + to;
                }
                sb.append("<animate attributeName=\"visibility\" calcMode=\"discrete\" values=\"").append(values)
                        .append("\" keyTimes=\"").append(keyTimes).append("\" dur=\"").append(dur)
                        .append("\" repeatCount=\"indefinite\"/>\n");
            }
            SvgRenderer.shapes(sb, frames.get(i), id + "-");
            sb.append("</g>\n");
        }
        return sb.append("</svg>\n").toString();
    }

    private static String fraction(int i, int n) {
        return String.format(Locale.ROOT, "%.4f", (double) i / n);
    }
}
