/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * Deliberately broken variants of kernel code, so a scenario can show what an invariant catches.
 * All false is the kernel's behaviour.
 *
 * @param noRootRef          a reference-free root iterator: no get/put around each root (use-after-free)
 * @param putPrevFirst       put {@code prev} before pinning {@code next} (invariant 2)
 * @param yieldWithoutProgress yield even when the walk has not advanced since the last yield (invariant 8)
 * @param yieldWithoutFlush  drop the lock with a TLB flush still pending (invariant 8)
 * @param faultIgnoresInvalidRoot a vCPU fault that does not check for an obsolete root (invariant 3)
 */
public record Variants(boolean noRootRef, boolean putPrevFirst, boolean yieldWithoutProgress, boolean yieldWithoutFlush,
        boolean faultIgnoresInvalidRoot) {

    public static final Variants KERNEL = new Variants(false, false, false, false, false);

    public boolean any() {
        return noRootRef || putPrevFirst || yieldWithoutProgress || yieldWithoutFlush || faultIgnoresInvalidRoot;
    }
}
