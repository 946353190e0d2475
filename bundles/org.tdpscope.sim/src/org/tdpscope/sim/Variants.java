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
        boolean faultIgnoresInvalidRoot, boolean freeRootsUnderWriteLock, boolean shadowReclaimUnderReadLock) {

    public static final Variants KERNEL = new Variants(false, false, false, false, false, false, false);

    public Variants(boolean noRootRef, boolean putPrevFirst, boolean yieldWithoutProgress, boolean yieldWithoutFlush,
            boolean faultIgnoresInvalidRoot) {
        this(noRootRef, putPrevFirst, yieldWithoutProgress, yieldWithoutFlush, faultIgnoresInvalidRoot, false, false);
    }

    /**
     * vCPU: {@code kvm_mmu_free_roots} takes mmu_lock for write (as when a zeroed root role made it miss the
     * TDP MMU, fixed by 1bc26cb90902); from v6.9 the TDP MMU asserts the read lock there.
     */
    public Variants withFreeRootsUnderWriteLock() {
        return new Variants(noRootRef, putPrevFirst, yieldWithoutProgress, yieldWithoutFlush, faultIgnoresInvalidRoot,
                true, shadowReclaimUnderReadLock);
    }

    /** vCPU: the TDP fault path reclaims shadow pages, which needs the write lock, under the read lock (fixed by 47b0c2e4c220). */
    public Variants withShadowReclaimUnderReadLock() {
        return new Variants(noRootRef, putPrevFirst, yieldWithoutProgress, yieldWithoutFlush, faultIgnoresInvalidRoot,
                freeRootsUnderWriteLock, true);
    }

    public Variants withFaultIgnoresInvalidRoot() {
        return new Variants(noRootRef, putPrevFirst, yieldWithoutProgress, yieldWithoutFlush, true,
                freeRootsUnderWriteLock, shadowReclaimUnderReadLock);
    }

    public boolean any() {
        return noRootRef || putPrevFirst || yieldWithoutProgress || yieldWithoutFlush || faultIgnoresInvalidRoot
                || freeRootsUnderWriteLock || shadowReclaimUnderReadLock;
    }
}
