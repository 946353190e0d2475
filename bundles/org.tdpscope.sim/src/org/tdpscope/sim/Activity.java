/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * A piece of a thread's work written as a resumable state machine: {@link #step} runs until the
 * next point where the kernel can interleave (a yield, a lock it cannot take, the end).
 */
interface Activity {

    enum Status {
        /** Finished. */
        DONE,
        /** Yielded inside an SPTE walk: mmu_lock dropped, will resume where it stopped. */
        YIELDED,
        /** Cannot take a lock held by another thread (or waits for the zap worker); resumable where it stopped. */
        BLOCKED,
        /**
         * Between two roots of a read-lock walk, mmu_lock still held for read: from v6.9 roots are allocated
         * and freed under the read lock, so other readers (a vCPU loading a root) may run here.
         */
        POINT
    }

    Status step(Kvm kvm);

    /** This activity, mid-way, in a forked simulation (roots, vCPUs and iterators mapped to the fork's). */
    Activity copy(Fork f);

    /** What the thread is doing, for step tables and views (e.g. "write-protect in root B at gfn 0x10"). */
    String where();
}
