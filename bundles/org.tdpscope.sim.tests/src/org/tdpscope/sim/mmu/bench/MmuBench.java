/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu.bench;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.tdpscope.sim.mmu.Access;
import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.FaultResult;
import org.tdpscope.sim.mmu.GuestPageTableBuilder;
import org.tdpscope.sim.mmu.HostMemory;
import org.tdpscope.sim.mmu.Memslots;
import org.tdpscope.sim.mmu.Progress;
import org.tdpscope.sim.mmu.SpteObserver;
import org.tdpscope.sim.mmu.SpteOp;
import org.tdpscope.sim.mmu.TdpIter;
import org.tdpscope.sim.mmu.TdpMmu;
import org.tdpscope.sim.mmu.TwoDResult;
import org.tdpscope.sim.mmu.TwoDimensionalWalk;

/**
 * Benchmark harness for the MMU layer (no JMH): warm up, time several rounds, print the median.
 * Run with e.g. {@code java -Xmx2g -XX:+UseTransparentHugePages -cp <classes> org.tdpscope.sim.mmu.bench.MmuBench
 * [translate|populate|all|<pages>]} (huge pages spare the host TLB on the random table accesses).
 */
public final class MmuBench {
    private static final int WARMUP_ROUNDS = 3;
    private static final int ROUNDS = 7;
    private static final int QUERIES = 1 << 20;

    private MmuBench() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        System.out.println("TDP Scope MMU bench, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB");
        if (what.matches("\\d+")) {
            translate(Integer.parseInt(what), 3);
        }
        if (what.equals("all") || what.equals("translate")) {
            translate(4096, 1);
            translate(65536, 2);
        }
        if (what.equals("all") || what.equals("populate")) {
            populate(16L << 20);
        }
    }

    /** 2-D translations (4-level guest over 4-level EPT, 4K everywhere, no TLB) at random mapped gvas. */
    static void translate(int pages, long seed) {
        gc();
        HostMemory mem = new HostMemory();
        Memslots slots = new Memslots(mem);
        long poolPages = 3L * pages + 64; // PDPTs + PDs + PTs, worst case
        long slotPages = poolPages + pages + 1024;
        slots.add(0, 0, slotPages, false);
        slots.setDirtyLogging(0, true); // 4K EPT leaves, so each EPT translation is 4 references
        TdpMmu mmu = new TdpMmu(mem, slots, 4, true, SpteObserver.NONE);
        long root = mmu.allocRoot();
        GuestPageTableBuilder b = new GuestPageTableBuilder(slots, 4, 0x1000, poolPages);
        long dataBase = (poolPages + 1) << 12;
        Random rnd = new Random(seed);
        long[] gvas = new long[pages];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < pages;) {
            long v = rnd.nextLong() & 0x0000_ffff_ffff_f000L;
            if ((v & (1L << 47)) != 0) {
                v |= 0xffff_0000_0000_0000L; // upper canonical half
            }
            if (seen.add(v)) {
                gvas[i] = v;
                b.map(v, dataBase + ((long) i << 12), 4096, 4096, true, false, true, false);
                i++;
            }
        }
        CpuRegs regs = CpuRegs.longMode(b.cr3(), false);
        TwoDimensionalWalk w = new TwoDimensionalWalk(mmu);
        long t0 = System.nanoTime();
        for (long gva : gvas) {
            for (int k = 0;; k++) {
                TwoDResult r = w.translate(root, regs, gva, Access.READ, false);
                if (r.kind() == TwoDResult.Kind.OK) {
                    break;
                }
                if (r.kind() != TwoDResult.Kind.EPT_VIOLATION || k > 40) {
                    throw new IllegalStateException("setup: " + r);
                }
                mmu.handleEptViolation(root, r.faultGpa(), (r.eptAccess() & 2) != 0, false);
            }
        }
        long setupMs = (System.nanoTime() - t0) / 1_000_000;
        long[] q = new long[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            q[i] = gvas[rnd.nextInt(pages)] | (rnd.nextInt(4096) & ~7);
        }
        double[] rates = new double[ROUNDS];
        long refs = 0;
        long allocBefore = allocatedBytes();
        for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
            long sum = 0;
            long start = System.nanoTime();
            for (int i = 0; i < QUERIES; i++) {
                TwoDResult r = w.translate(root, regs, q[i], Access.READ, false);
                sum += r.references() + (r.hpa() & 1);
            }
            long ns = System.nanoTime() - start;
            if (round >= 0) {
                rates[round] = QUERIES * 1e9 / ns;
            }
            refs = sum;
        }
        double allocPerTranslation = (double) (allocatedBytes() - allocBefore) / ((WARMUP_ROUNDS + ROUNDS) * QUERIES);
        if (refs != 24L * QUERIES) {
            throw new IllegalStateException("expected 24 references per translation, got " + (double) refs / QUERIES);
        }
        Arrays.sort(rates);
        System.out.printf("2-D translate 4/4, %,d mapped 4K pages (%,d guest table pages, %,d host pages "
                + "materialized, setup %d ms): median %.2f M translations/s (min %.2f, max %.2f), 24 refs each, "
                + "%.3f bytes allocated per translation%n", pages, b.tablePagesUsed(), mem.materializedPages(), setupMs,
                rates[ROUNDS / 2] / 1e6, rates[0] / 1e6, rates[ROUNDS - 1] / 1e6, allocPerTranslation);
    }

    /** Populate a guest through the fault path, 4K leaves (dirty logging), then walk it with WRPROT and ZAP. */
    static void populate(long npages) {
        gc();
        long heapBefore = usedHeap();
        HostMemory mem = new HostMemory();
        Memslots slots = new Memslots(mem);
        slots.add(0, 0, npages, false);
        slots.setDirtyLogging(0, true);
        TdpMmu mmu = new TdpMmu(mem, slots, 4, true, SpteObserver.NONE);
        long root = mmu.allocRoot();
        long t0 = System.nanoTime();
        for (long gfn = 0; gfn < npages; gfn++) {
            FaultResult r = mmu.handleEptViolation(root, gfn << 12, true, false);
            if (r.kind() != FaultResult.Kind.INSTALLED) {
                throw new IllegalStateException(r.toString());
            }
        }
        long populateNs = System.nanoTime() - t0;
        gc();
        long heap = usedHeap() - heapBefore;
        long leaves = mmu.countPresentLeaves(root);
        if (leaves != npages) {
            throw new IllegalStateException("leaves " + leaves);
        }
        System.out.printf("populate %d GiB (%,d 4K leaves) via handleEptViolation: %.2f s (%.1f M faults/s); "
                + "heap after GC %,d MiB; %,d table pages%n", npages >> 18, npages, populateNs / 1e9,
                npages * 1e3 / populateNs, heap >> 20, mmu.tablesAllocated());

        t0 = System.nanoTime();
        TdpIter it = mmu.iter(root, 0, npages);
        if (mmu.run(it, SpteOp.WRPROT, null) != Progress.DONE) {
            throw new IllegalStateException();
        }
        System.out.printf("WRPROT over the slot: %.2f s, %,d positions, %,d SPTE changes%n",
                (System.nanoTime() - t0) / 1e9, it.positionsVisited(), it.spteChanges());
        t0 = System.nanoTime();
        it = mmu.iter(root, 0, mmu.gfnLimit());
        mmu.run(it, SpteOp.ZAP, null);
        System.out.printf("ZAP all: %.2f s, %,d table pages freed, %,d pages still materialized%n",
                (System.nanoTime() - t0) / 1e9, mmu.tablesFreed(), mem.materializedPages());
    }

    /** Bytes allocated by this thread so far (HotSpot), -1 if unavailable. */
    private static long allocatedBytes() {
        java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
        if (t instanceof com.sun.management.ThreadMXBean) {
            return ((com.sun.management.ThreadMXBean) t).getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    private static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
