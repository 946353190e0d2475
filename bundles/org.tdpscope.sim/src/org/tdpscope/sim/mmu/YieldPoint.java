/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * The kernel's cond_resched point inside an SPTE walk. {@link TdpMmu#run} asks at <em>every</em> position, before
 * processing it; the decider is responsible for the kernel rule "only after forward progress"
 * ({@link TdpIter#progressSinceYield()}), so a deliberately broken decider can ignore it to demonstrate invariant 8.
 * {@link #kernel} builds a rule-abiding decider.
 */
@FunctionalInterface
public interface YieldPoint {
    boolean shouldYield(TdpIter it);

    /** Never yield (age/test_age walks, or callers that may not sleep). */
    YieldPoint NEVER = it -> false;

    /** Yield when {@code wantsResched} says so, but only after forward progress, as tdp_mmu_iter_cond_resched. */
    static YieldPoint kernel(YieldPoint wantsResched) {
        return it -> it.progressSinceYield() && wantsResched.shouldYield(it);
    }
}
