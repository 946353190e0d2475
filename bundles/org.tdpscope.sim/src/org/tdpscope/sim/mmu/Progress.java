/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/** Outcome of {@link TdpMmu#run}: the range is done, or the walk stopped at a resched point. */
public enum Progress {
    DONE, YIELD
}
