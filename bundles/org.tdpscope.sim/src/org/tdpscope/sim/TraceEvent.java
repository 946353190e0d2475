/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * One state change of a run. Fields that do not apply hold {@code null} or {@code -1} (never
 * printed). Plain data: views, exports and the trace file all read these.
 *
 * @param step     1-based position in the run
 * @param thread   the simulated thread that made the change ({@code rcu} for grace-period work)
 * @param type     what happened
 * @param root     root name ({@code A}, {@code B}, ...) or null
 * @param rc       the root's refcount after the change, or -1
 * @param gfn      guest frame number, or -1
 * @param level    SPTE level (1 = 4K), or -1
 * @param oldSpte  SPTE value before, for {@code spte.*}
 * @param newSpte  SPTE value after, for {@code spte.*}
 * @param detail   short words for humans and for the fields that have no column (e.g. lock mode)
 * @param invariant for {@code violation}: which rule broke, else null
 */
public record TraceEvent(long step, String thread, EventType type, String root, int rc, long gfn, int level,
        long oldSpte, long newSpte, String detail, Invariant invariant) {

    public boolean is(EventType t) {
        return type == t;
    }
}
