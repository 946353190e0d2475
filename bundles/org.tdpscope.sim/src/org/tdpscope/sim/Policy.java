/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a yield-safe root walk and the root list behave (DOMAIN §2): three independent knobs (where
 * new roots are inserted, whether invalidation takes roots off {@code tdp_mmu_roots}, what
 * {@code next(prev)} does when {@code prev} turned invalid while the walker yielded). The four
 * historic choices are presets; any other combination is a hybrid that no kernel had, named by
 * its preset plus the knobs that differ ({@code restart+keep-listed}).
 */
public final class Policy {

    /** What {@code tdp_mmu_next_root} does with a {@code prev} that is now invalid. */
    public enum AfterInvalidPrev {
        GO_ON("go-on"), RESTART("restart"), TERMINATE("terminate");

        private final String word;

        AfterInvalidPrev(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** Mainline: insert at head; invalid roots stay listed until the last put; no check after a yield. */
    public static final Policy CONTINUE = new Policy("continue", false, false, AfterInvalidPrev.GO_ON);
    /** v1 patch 15: insert at head; invalidation moves roots to a private list; restart from the head. */
    public static final Policy RESTART = new Policy("restart", false, true, AfterInvalidPrev.RESTART);
    /** v1 patch 17 (the seed): as {@link #RESTART}, but the walk ends instead. */
    public static final Policy TERMINATE = new Policy("terminate", false, true, AfterInvalidPrev.TERMINATE);
    /** The reviewer's proposal: insert at the tail so roots made during a walk are met; invalid roots stay listed. */
    public static final Policy FIFO = new Policy("fifo", true, false, AfterInvalidPrev.GO_ON);

    private static final Policy[] PRESETS = { CONTINUE, RESTART, TERMINATE, FIFO };

    /** The knob words a scenario may add after a preset: {@code policy restart keep-listed}. */
    public static final List<String> KNOBS = List.of("head", "tail", "delist", "keep-listed", "go-on", "restart",
            "terminate");

    private final String word;
    private final boolean insertAtTail;
    private final boolean invalidationDelists;
    private final AfterInvalidPrev afterInvalidPrev;

    private Policy(String word, boolean insertAtTail, boolean invalidationDelists, AfterInvalidPrev afterInvalidPrev) {
        this.word = word;
        this.insertAtTail = insertAtTail;
        this.invalidationDelists = invalidationDelists;
        this.afterInvalidPrev = afterInvalidPrev;
    }

    /** The four presets, in their historic order. */
    public static Policy[] values() {
        return PRESETS.clone();
    }

    /** The policy with these knobs: a preset when one matches, else a hybrid named after {@code base}. */
    public static Policy of(Policy base, boolean insertAtTail, boolean invalidationDelists, AfterInvalidPrev after) {
        for (Policy p : PRESETS) {
            if (p.insertAtTail == insertAtTail && p.invalidationDelists == invalidationDelists
                    && p.afterInvalidPrev == after) {
                return p;
            }
        }
        Policy b = base.preset();
        List<String> diff = new ArrayList<>();
        if (after != b.afterInvalidPrev) {
            diff.add(after.word());
        }
        if (invalidationDelists != b.invalidationDelists) {
            diff.add(invalidationDelists ? "delist" : "keep-listed");
        }
        if (insertAtTail != b.insertAtTail) {
            diff.add(insertAtTail ? "tail" : "head");
        }
        return new Policy(b.word + "+" + String.join("+", diff), insertAtTail, invalidationDelists, after);
    }

    /** This policy with one knob set ({@link #KNOBS}); null for a word that is no knob. */
    public Policy withKnob(String knob) {
        return switch (knob) {
            case "head" -> of(this, false, invalidationDelists, afterInvalidPrev);
            case "tail" -> of(this, true, invalidationDelists, afterInvalidPrev);
            case "delist" -> of(this, insertAtTail, true, afterInvalidPrev);
            case "keep-listed" -> of(this, insertAtTail, false, afterInvalidPrev);
            case "go-on" -> of(this, insertAtTail, invalidationDelists, AfterInvalidPrev.GO_ON);
            case "restart" -> of(this, insertAtTail, invalidationDelists, AfterInvalidPrev.RESTART);
            case "terminate" -> of(this, insertAtTail, invalidationDelists, AfterInvalidPrev.TERMINATE);
            default -> null;
        };
    }

    /** The preset this policy starts from (itself for a preset). */
    public Policy preset() {
        String base = word.contains("+") ? word.substring(0, word.indexOf('+')) : word;
        return fromWord(base);
    }

    /** Not one of the four presets: a combination no kernel or posted patch had. */
    public boolean hybrid() {
        return word.contains("+");
    }

    /**
     * Why a hybrid is odd, for validation; null when nothing is. Delisting without a check of an
     * invalid prev follows prev's next pointer into the private list of invalid roots; restarting
     * while invalid roots stay listed meets them again and again.
     */
    public String oddity() {
        if (invalidationDelists && afterInvalidPrev == AfterInvalidPrev.GO_ON) {
            return "invalid roots are delisted but a walk goes on from an invalid prev: its next pointer leads into "
                    + "the private list of invalid roots (patches 15 and 17 paired delisting with the prev check)";
        }
        if (!invalidationDelists && afterInvalidPrev == AfterInvalidPrev.RESTART) {
            return "restart with invalid roots kept listed: a restarted walk meets the invalid roots again, and a "
                    + "root that stays invalid makes every walk restart until the livelock bound";
        }
        if (hybrid()) {
            return "no kernel or posted patch combined these knobs";
        }
        return null;
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

    /** The word used in scenarios, traces and file names: {@code continue}, ..., or {@code restart+keep-listed}. */
    public String word() {
        return word;
    }

    /** The preset's constant name ({@code CONTINUE}), or the word of a hybrid upper-cased. */
    public String name() {
        return word.toUpperCase(Locale.ROOT);
    }

    /** Parses a preset word or a hybrid's word ({@code restart+keep-listed}); null when it names no policy. */
    public static Policy fromWord(String word) {
        if (word == null) {
            return null;
        }
        String[] parts = word.split("\\+");
        Policy p = null;
        for (Policy q : PRESETS) {
            if (q.word.equals(parts[0])) {
                p = q;
            }
        }
        for (int i = 1; p != null && i < parts.length; i++) {
            p = p.withKnob(parts[i]);
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Policy p && p.insertAtTail == insertAtTail && p.invalidationDelists == invalidationDelists
                && p.afterInvalidPrev == afterInvalidPrev;
    }

    @Override
    public int hashCode() {
        return (insertAtTail ? 1 : 0) + (invalidationDelists ? 2 : 0) + 4 * afterInvalidPrev.ordinal();
    }

    @Override
    public String toString() {
        return name();
    }
}
