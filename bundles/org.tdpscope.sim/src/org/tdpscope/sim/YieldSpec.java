/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * When a walk takes a {@code cond_resched}-style yield inside an SPTE walk. The kernel yields when
 * {@code need_resched()} or the lock is contended; a scenario decides that instead.
 *
 * @param mode  never, once after a gfn, every N gfns, or at every opportunity
 * @param gfn   for {@link Mode#AFTER_GFN}: yield at the first opportunity past this gfn (once per walk)
 * @param every for {@link Mode#EVERY}: yield each time the walk has advanced this many gfns
 * @param root  only yield while walking this root (a name such as {@code B}), or null for any root
 */
public record YieldSpec(Mode mode, long gfn, long every, String root) {

    public enum Mode { NEVER, AFTER_GFN, EVERY, ALWAYS }

    public static final YieldSpec NEVER = new YieldSpec(Mode.NEVER, 0, 0, null);
    public static final YieldSpec ALWAYS = new YieldSpec(Mode.ALWAYS, 0, 0, null);

    public static YieldSpec afterGfn(long gfn) {
        return new YieldSpec(Mode.AFTER_GFN, gfn, 0, null);
    }

    public static YieldSpec every(long gfns) {
        return new YieldSpec(Mode.EVERY, 0, gfns, null);
    }

    /** The same rule, restricted to one root. */
    public YieldSpec inRoot(String rootName) {
        return new YieldSpec(mode, gfn, every, rootName);
    }
}
