/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.Locale;

/**
 * The invariants of DOMAIN §3, plus "a root walked twice", checked at every step. A broken one
 * becomes a {@code violation} event; it never stops the simulator.
 */
public enum Invariant {
    USE_AFTER_FREE(1, "use-after-free", "no walker touches a root after its RCU-deferred free"),
    REFCOUNT(2, "refcount", "get never succeeds on a refcount of 0; next is referenced before prev is put"),
    SPTE_IN_INVALID_ROOT(3, "spte-in-invalid-root", "no SPTE is installed into an invalid root"),
    FAST_ZAP_LEFTOVER(4, "fast-zap-leftover", "when fast zap returns, no invalidated root has a present SPTE"),
    NOTIFIER_LEFTOVER(5, "notifier-leftover", "when an mmu_notifier unmap returns, no live root maps the range"),
    MISSED_ROOT(6, "missed-root", "a state-change walk visits every root valid at its start, or that root became invalid; no stale SPTE is left"),
    LIVELOCK(7, "livelock", "every walk terminates"),
    BAD_YIELD(8, "bad-yield", "a yield happens only after progress, and a pending TLB flush is done before it"),
    ROOT_WALKED_TWICE(9, "root-walked-twice", "a walk visits each root at most once"),
    LOCK_DISCIPLINE(10, "lock-discipline", "every primitive runs with the mmu_lock mode its era asserts (lockdep)");

    private final int number;
    private final String word;
    private final String rule;

    Invariant(int number, String word, String rule) {
        this.number = number;
        this.word = word;
        this.rule = rule;
    }

    public int number() {
        return number;
    }

    /** The scenario/trace word, e.g. {@code use-after-free}. */
    public String word() {
        return word;
    }

    public String rule() {
        return rule;
    }

    public static Invariant fromWord(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        for (Invariant i : values()) {
            if (i.word.equals(w)) {
                return i;
            }
        }
        return null;
    }
}
