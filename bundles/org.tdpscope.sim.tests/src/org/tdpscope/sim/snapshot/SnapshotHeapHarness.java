/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.snapshot;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.model.HostTablePage;
import org.tdpscope.model.Root;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.Simulation;

/**
 * Heap cost of projections (not a test: run by hand). Prints the retained heap of projecting one
 * 512-entry table page and the root list of a machine with 1,000 roots, measured as the used-heap
 * difference after full GCs, averaged over many projections kept alive at once.
 *
 * <pre>java -cp ... org.tdpscope.sim.snapshot.SnapshotHeapHarness</pre>
 */
public final class SnapshotHeapHarness {

    private SnapshotHeapHarness() {
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    public static void main(String[] args) {
        // one page: a root with SPTEs in a page table, projected N times by N projectors
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.vcpu("v0", RootRole.DEFAULT);
        List<Op> faults = new ArrayList<>();
        faults.add(new Op.LoadRoot());
        for (int g = 0; g < 512; g++) {
            faults.add(new Op.Fault(g, true, false));
        }
        s.threads.add(new Scenario.ThreadSpec("v0", ThreadKind.VCPU, faults));
        RunResult r = Simulation.run(s, Policy.CONTINUE, new ArrayList<>());
        int n = 200;
        List<HostTablePage> keep = new ArrayList<>(n);
        new SnapshotProjector(r).projectTablePage("A", 1, 0); // warm up classes
        long before = used();
        for (int i = 0; i < n; i++) {
            keep.add(new SnapshotProjector(r).projectTablePage("A", 1, 0));
        }
        long after = used();
        long present = keep.get(0).getEntries().stream().filter(e -> e.isPresent()).count();
        System.out.printf("one 512-entry page (%d present SPTEs): %,d bytes retained per page (%d pages kept)%n",
                present, (after - before) / n, keep.size());

        // 1,000 roots: 1,000 vCPUs with distinct roles
        Scenario many = new Scenario();
        many.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        many.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, false));
        for (int i = 0; i < 1000; i++) {
            String v = "v" + i;
            many.vcpu(v, RootRole.of("role" + i));
            many.threads.add(new Scenario.ThreadSpec(v, ThreadKind.VCPU, List.of(new Op.LoadRoot())));
        }
        RunResult big = Simulation.run(many, Policy.CONTINUE, new ArrayList<>());
        int m = 20;
        List<List<Root>> lists = new ArrayList<>(m);
        new SnapshotProjector(big).projectRootList();
        before = used();
        for (int i = 0; i < m; i++) {
            lists.add(new SnapshotProjector(big).projectRootList());
        }
        after = used();
        System.out.printf("root list of %d roots (machine with %d vCPUs and %d memslot): %,d bytes retained per"
                + " projection (%d kept), %,d bytes per root%n", lists.get(0).size(), 1000, 1,
                (after - before) / m, lists.size(), (after - before) / m / lists.get(0).size());
    }
}
