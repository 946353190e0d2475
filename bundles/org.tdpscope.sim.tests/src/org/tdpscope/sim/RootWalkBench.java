/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.Locale;

import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * Benchmark harness (not a test): 1,000 roots of 10,000 4K SPTEs each, then a yield-safe
 * write-protect walk over every root (yielding every 512 gfns, as a contended lock would make it)
 * followed by a fast zap. Prints the median of several rounds. Target: walk plus fast zap < 1 s.
 *
 * <p>Run: {@code java -cp <sim classes>:<test classes> org.tdpscope.sim.RootWalkBench [roots] [sptes]}
 */
public final class RootWalkBench {

    private RootWalkBench() {
    }

    public static void main(String[] args) {
        int roots = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int sptes = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = 5;
        long[] walkNs = new long[rounds];
        long[] zapNs = new long[rounds];
        long[] events = new long[1];
        for (int round = 0; round < rounds; round++) {
            Kvm kvm = new Kvm(Policy.CONTINUE, Era.V5_16.rules(), Scenario.VmType.DEFAULT, 46, 4, true, e -> events[0]++);
            kvm.slots.add(0, 0, 1L << 24, false);
            kvm.slots.setDirtyLogging(0, true); // every leaf 4K
            long setup = System.nanoTime();
            for (int r = 0; r < roots; r++) {
                Vcpu v = new Vcpu("v" + r, RootRole.of("r" + r), new CpuRegs());
                kvm.vcpus.put(v.name(), v);
                kvm.current = v.name();
                Root root = kvm.loadRoot(v);
                for (int g = 0; g < sptes; g++) {
                    kvm.mmu.handleEptViolation(root.hpfn(), (long) g << 12, true, false);
                }
            }
            setup = System.nanoTime() - setup;
            events[0] = 0;
            kvm.current = "W";
            RootWalk walk = new RootWalk("bench", SpteOp.WRPROT, 0, sptes, true, true, YieldSpec.every(512),
                    Variants.KERNEL, true, false, null);
            long t0 = System.nanoTime();
            while (walk.step(kvm) != Activity.Status.DONE) {
                // resume after each yield
            }
            long t1 = System.nanoTime();
            kvm.current = "Z";
            InvalidatorActivity zap = new InvalidatorActivity(new Op.FastZap(true, YieldSpec.NEVER));
            while (zap.step(kvm) != Activity.Status.DONE) {
                // no yields requested
            }
            long t2 = System.nanoTime();
            walkNs[round] = t1 - t0;
            zapNs[round] = t2 - t1;
            System.out.printf(Locale.ROOT, "round %d: setup %.2f s, walk %.3f s (%d visits), fast zap %.3f s, %d events%n",
                    round, setup / 1e9, walkNs[round] / 1e9, walk.visited().size(), zapNs[round] / 1e9, events[0]);
        }
        java.util.Arrays.sort(walkNs);
        java.util.Arrays.sort(zapNs);
        System.out.printf(Locale.ROOT, "median over %d rounds, %d roots x %d SPTEs: walk %.3f s + fast zap %.3f s = %.3f s%n",
                rounds, roots, sptes, walkNs[rounds / 2] / 1e9, zapNs[rounds / 2] / 1e9,
                (walkNs[rounds / 2] + zapNs[rounds / 2]) / 1e9);
    }
}
