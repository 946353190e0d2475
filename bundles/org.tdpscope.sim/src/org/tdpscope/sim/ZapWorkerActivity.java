/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.List;

import org.tdpscope.sim.mmu.SpteOp;

/**
 * One work item of the per-VM zap workqueue of v5.18 to v6.5 (22b94c4b63eb): take the next queued
 * root, zap it under mmu_lock held for read (yielding as its queuer asked), then put the reference
 * the queue owned. The worker thread runs one of these per queued root.
 */
final class ZapWorkerActivity implements Activity {

    private Root root;
    private RootWalk walk;

    @Override
    public ZapWorkerActivity copy(Fork f) {
        ZapWorkerActivity c = new ZapWorkerActivity();
        c.root = f.root(root);
        c.walk = walk == null ? null : walk.copy(f);
        return c;
    }

    RootWalk walk() {
        return walk;
    }

    void fingerprint(Fingerprint f) {
        f.root(root);
        if (walk != null) {
            walk.fingerprint(f);
        }
    }

    @Override
    public String where() {
        return walk != null ? walk.where() : "zap worker, idle";
    }

    @Override
    public Status step(Kvm kvm) {
        if (walk == null) {
            if (kvm.zapQueue.isEmpty()) {
                return Status.DONE;
            }
            root = kvm.zapQueue.remove(0);
            YieldSpec y = kvm.zapQueueYields.remove(0);
            kvm.zapWorkInFlight++;
            // the fixed-root walk puts the root after zapping it: the reference the work item owned
            walk = new RootWalk("zap worker: root " + root.name(), SpteOp.ZAP, 0, kvm.zapEnd(), false, true, y,
                    Variants.KERNEL, false, false, List.of(root));
        }
        Status s = walk.step(kvm);
        if (s == Status.DONE) {
            kvm.zapWorkInFlight--;
        }
        return s;
    }
}
