/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.quickfix;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import org.tdpscope.dsl.api.Spelling;

/** The words nearest to a misspelt one, by edit distance. */
public final class Nearest {

    /** At most this many suggestions, so a menu stays short. */
    public static final int MAX = 3;

    private Nearest() {
    }

    /**
     * The candidates at the smallest edit distance from {@code word} (letters compared without case),
     * at most {@link #MAX}, ties in the order of {@code tieBreak} and then of {@code candidates};
     * never {@code word} itself.
     */
    public static List<String> to(String word, Collection<String> candidates, Comparator<String> tieBreak) {
        if (word == null || word.isEmpty()) {
            return List.of();
        }
        List<String> distinct = new ArrayList<>();
        for (String c : new LinkedHashSet<>(candidates)) {
            if (c != null && !c.isEmpty() && !c.equals(word)) {
                distinct.add(c);
            }
        }
        if (distinct.isEmpty()) {
            return List.of();
        }
        String w = word.toLowerCase(Locale.ROOT);
        int best = Integer.MAX_VALUE;
        for (String c : distinct) {
            best = Math.min(best, distance(w, c.toLowerCase(Locale.ROOT)));
        }
        List<String> out = new ArrayList<>();
        for (String c : distinct) {
            if (distance(w, c.toLowerCase(Locale.ROOT)) == best) {
                out.add(c);
            }
        }
        if (tieBreak != null) {
            out.sort(tieBreak); // stable: equal ones keep the candidates' order
        }
        return out.size() > MAX ? List.copyOf(out.subList(0, MAX)) : List.copyOf(out);
    }

    public static List<String> to(String word, Collection<String> candidates) {
        return to(word, candidates, null);
    }

    /** The distance the suggestions use: {@link Spelling#distance}. */
    public static int distance(String a, String b) {
        return Spelling.distance(a, b);
    }
}
