/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.Locale;

/**
 * How a yield-safe root walk and the root list behave (DOMAIN §2): where new roots are inserted,
 * whether invalidation takes roots off {@code tdp_mmu_roots}, and what {@code next(prev)} does when
 * {@code prev} turned invalid while the walker had yielded.
 */
public enum Policy {
    /** Mainline: insert at head; invalid roots stay listed until the last put; no check after a yield. */
    CONTINUE(false, false, AfterInvalidPrev.GO_ON),
    /** v1 patch 15: insert at head; invalidation moves roots to a private list; restart from the head. */
    RESTART(false, true, AfterInvalidPrev.RESTART),
    /** v1 patch 17 (the seed): as {@link #RESTART}, but the walk ends instead. */
    TERMINATE(false, true, AfterInvalidPrev.TERMINATE),
    /** The reviewer's proposal: insert at the tail so roots made during a walk are met; invalid roots stay listed. */
    FIFO(true, false, AfterInvalidPrev.GO_ON);

    /** What {@code tdp_mmu_next_root} does with a {@code prev} that is now invalid. */
    public enum AfterInvalidPrev { GO_ON, RESTART, TERMINATE }

    private final boolean insertAtTail;
    private final boolean invalidationDelists;
    private final AfterInvalidPrev afterInvalidPrev;

    Policy(boolean insertAtTail, boolean invalidationDelists, AfterInvalidPrev afterInvalidPrev) {
        this.insertAtTail = insertAtTail;
        this.invalidationDelists = invalidationDelists;
        this.afterInvalidPrev = afterInvalidPrev;
    }

    public boolean insertAtTail() {
        return insertAtTail;
    }

    /** Invalidation moves roots off the list (to a private list of invalid roots). */
    public boolean invalidationDelists() {
        return invalidationDelists;
    }

    public AfterInvalidPrev afterInvalidPrev() {
        return afterInvalidPrev;
    }

    /** The word used in scenarios and traces: {@code continue}, {@code restart}, {@code terminate}, {@code fifo}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a scenario word; null when it names no policy. */
    public static Policy fromWord(String word) {
        for (Policy p : values()) {
            if (p.word().equals(word)) {
                return p;
            }
        }
        return null;
    }
}
