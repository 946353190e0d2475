/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain data for drawing the root list at one step: what the Roots view and the SVG exporter both
 * draw, so the picture in the IDE and in a document are the same drawing. Roots on
 * {@code tdp_mmu_roots} come first (head to tail), then delisted, unlinked and freed ones.
 *
 * @param step     the step this describes
 * @param policy   the run's policy
 * @param roots    every root ever created, in drawing order
 * @param threads  each thread's name and what it is doing
 * @param lastEvent the event that made this step, or null before the first
 */
public record RootListSnapshot(long step, Policy policy, List<Box> roots, List<ThreadState> threads,
        TraceEvent lastEvent) {

    /** One root as drawn. {@code cursors} names the walkers standing on it. */
    public record Box(String name, String role, int refcount, boolean invalid, Root.State state, boolean listed,
            List<String> cursors, boolean violated) {
    }

    /** A thread as drawn in a legend or timeline row. */
    public record ThreadState(String name, Scenario.ThreadKind kind, String where, boolean yielded, boolean done) {
    }

    /** Takes the picture of a simulation as it stands (after {@link Simulation#runTo}). */
    public static RootListSnapshot of(Simulation sim, TraceEvent lastEvent) {
        Kvm kvm = sim.kvm();
        List<Root> order = new ArrayList<>(kvm.listedRoots());
        int listed = order.size();
        order.addAll(kvm.delistedRoots());
        for (Root r : kvm.allRoots()) {
            if (!order.contains(r)) {
                order.add(r);
            }
        }
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            Root r = order.get(i);
            List<String> cursors = new ArrayList<>();
            for (SimThread t : sim.threads()) {
                if (t.walkRoot() == r) {
                    cursors.add(t.name());
                }
            }
            boolean violated = false;
            for (TraceEvent v : kvm.violations()) {
                violated |= r.name().equals(v.root());
            }
            boxes.add(new Box(r.name(), r.role().name(), r.refcount(), r.invalid(), r.state(), i < listed,
                    List.copyOf(cursors), violated));
        }
        List<ThreadState> threads = new ArrayList<>();
        for (SimThread t : sim.threads()) {
            threads.add(new ThreadState(t.name(), t.kind(), t.where(), t.yielded(), t.finished()));
        }
        return new RootListSnapshot(kvm.step(), sim.policy(), List.copyOf(boxes), List.copyOf(threads), lastEvent);
    }

    /** Replays {@code scenario} under {@code policy} to {@code step} and takes the picture there. */
    public static RootListSnapshot at(Scenario scenario, Policy policy, long step) {
        TraceEvent[] last = new TraceEvent[1];
        Simulation sim = new Simulation(scenario, policy, e -> last[0] = e);
        sim.runTo(step);
        return of(sim, last[0]);
    }
}
