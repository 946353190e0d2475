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
 * @param kernel   the era whose rules the run follows
 * @param roots    every root ever created, in drawing order
 * @param threads  each thread's name and what it is doing
 * @param lastEvent the event that made this step, or null before the first
 */
public record RootListSnapshot(long step, Policy policy, KernelRules kernel, List<Box> roots,
        List<ThreadState> threads, TraceEvent lastEvent) {

    public RootListSnapshot(long step, Policy policy, List<Box> roots, List<ThreadState> threads, TraceEvent lastEvent) {
        this(step, policy, Era.MAINLINE.rules(), roots, threads, lastEvent);
    }

    /** {@code kernel v5.16, policy continue}: what a picture's title says about the rules it shows. */
    public String rulesTitle() {
        return "kernel " + kernel.word() + ", policy " + policy.word();
    }

    /**
     * One root as drawn. {@code cursors} names the walkers standing on it; {@code mirrorOf} is, for a TDX
     * mirror root, the direct root of the same vCPU (drawn as a pair), else null.
     */
    public record Box(String name, String role, int refcount, boolean invalid, Root.State state, boolean listed,
            List<String> cursors, boolean violated, String mirrorOf) {

        public Box(String name, String role, int refcount, boolean invalid, Root.State state, boolean listed,
                List<String> cursors, boolean violated) {
            this(name, role, refcount, invalid, state, listed, cursors, violated, null);
        }

        public boolean mirror() {
            return role.endsWith("/mirror");
        }
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
            String mirrorOf = null;
            for (Vcpu v : kvm.vcpus()) {
                if (r.mirror() && v.mirrorRoot() == r && v.root() != null) {
                    mirrorOf = v.root().name();
                }
            }
            boxes.add(new Box(r.name(), r.role().name(), r.refcount(), r.invalid(), r.state(), i < listed,
                    List.copyOf(cursors), violated, mirrorOf));
        }
        List<ThreadState> threads = new ArrayList<>();
        for (SimThread t : sim.threads()) {
            threads.add(new ThreadState(t.name(), t.kind(), t.where(), t.yielded(), t.finished()));
        }
        return new RootListSnapshot(kvm.step(), sim.policy(), kvm.rules(), List.copyOf(boxes), List.copyOf(threads),
                lastEvent);
    }

    /** Replays {@code scenario} under {@code policy} to {@code step} and takes the picture there. */
    public static RootListSnapshot at(Scenario scenario, Policy policy, long step) {
        TraceEvent[] last = new TraceEvent[1];
        Simulation sim = new Simulation(scenario, policy, e -> last[0] = e);
        sim.runTo(step);
        return of(sim, last[0]);
    }
}
