/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * The SPTE operations {@link TdpMmu#run} applies over a gfn range, one iterator position at a time.
 * <ul>
 * <li>ZAP: clear present SPTEs. A leaf overlapping the range is cleared whole (a huge page cannot be split by a
 * zap); a non-leaf whose span lies inside the range is cleared and its tables torn down; otherwise step down.
 * Non-present entries (including MMIO SPTEs) are left alone, as KVM does (generations invalidate MMIO).</li>
 * <li>WRPROT: clear W of writable leaves, keeping HOST_WRITABLE and MMU_WRITABLE. This is KVM's dirty-logging
 * write protection: the fast page fault path may restore W on the next write (and mark the page dirty).</li>
 * <li>CLEAR_DIRTY: with A/D on, clear D of dirty leaves; with A/D off, write-protect writable leaves (as above).</li>
 * <li>AGE: with A/D on, clear A of accessed leaves; with A/D off, access-track present leaves (clear R/W/X, save
 * R/X). Leaves found young are counted in {@link TdpIter#youngCount()}.</li>
 * <li>ZAP_COLLAPSIBLE: clear a non-leaf at level 2 (or 3) whose whole 2M (1G) range could now be mapped by one huge
 * leaf (one slot, matching host alignment, not dirty-logging); the next fault installs the huge page. This zaps the
 * parent table as later kernels do, rather than v5.16's per-4K-leaf zap.</li>
 * </ul>
 */
public enum SpteOp {
    ZAP, WRPROT, CLEAR_DIRTY, AGE, ZAP_COLLAPSIBLE
}
