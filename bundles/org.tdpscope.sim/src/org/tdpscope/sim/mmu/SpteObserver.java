/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * Told about every SPTE change the software MMU makes (the kernel's kvm_tdp_mmu_spte_changed tracepoint).
 * {@code gfn} is the first gfn of the SPTE's span at {@code level}. Hardware A/D updates made by
 * {@link TwoDimensionalWalk} are not reported.
 */
@FunctionalInterface
public interface SpteObserver {
    void spteChanged(long rootHpfn, long gfn, int level, long oldSpte, long newSpte, SpteChange kind);

    SpteObserver NONE = (r, g, l, o, n, k) -> {
    };
}
