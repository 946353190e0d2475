/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.explore.Outcome;

/**
 * The outcomes of {@code tdpscope explore} in the kernel's words: {@code W visited [A] then [B]}
 * rather than Java collections, each outcome numbered, each shortest schedule labelled with the
 * outcome it leads to. Many bad outcomes are grouped by class (the invariants they break, or
 * livelock, deadlock, error, failed expectations) with the shortest few schedules of each class;
 * {@link #everything} lists them all (for {@code --outcomes-file}).
 */
final class ExploreReport {

    /** Up to this many bad outcomes, each is listed with its schedule; beyond, they are grouped by class. */
    static final int LIST_ALL_UP_TO = 12;
    /** Schedules (and outcome lines) shown per class when grouped. */
    static final int PER_CLASS = 3;
    /** Good outcomes listed at most. */
    static final int GOOD_SHOWN = 20;

    private ExploreReport() {
    }

    /** {@code W visited [A, B] then [B]; V visited [A]}, or {@code no walk}. */
    static String walks(Map<String, List<List<String>>> walks) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<List<String>>> w : walks.entrySet()) {
            List<String> passes = new ArrayList<>();
            for (List<String> pass : w.getValue()) {
                passes.add("[" + String.join(", ", pass) + "]");
            }
            parts.add(w.getKey() + (passes.isEmpty() ? " made no walk" : " visited " + String.join(" then ", passes)));
        }
        return parts.isEmpty() ? "no walk" : String.join("; ", parts);
    }

    /** What went wrong, for grouping: the invariants broken ({@code use-after-free + missed-root}), or the kind. */
    static String outcomeClass(Outcome o) {
        TreeSet<String> invariants = new TreeSet<>();
        for (String v : o.violations()) {
            int space = v.indexOf(' ');
            invariants.add(space < 0 ? v : v.substring(0, space));
        }
        List<String> parts = new ArrayList<>();
        if (o.kind() != Outcome.Kind.COMPLETE && o.kind() != Outcome.Kind.BOUND) {
            parts.add(kind(o));
        }
        parts.addAll(invariants);
        if (Boolean.FALSE.equals(o.expectationsHold())) {
            parts.add("expectations fail");
        }
        return parts.isEmpty() ? kind(o) : String.join(" + ", parts);
    }

    /** The outcome in a phrase: {@code missed-root B}, {@code livelock}, {@code use-after-free A, expectations fail}. */
    static String what(Outcome o) {
        List<String> parts = new ArrayList<>();
        if (o.kind() != Outcome.Kind.COMPLETE && o.kind() != Outcome.Kind.BOUND) {
            parts.add(kind(o));
        }
        parts.addAll(o.violations());
        if (Boolean.FALSE.equals(o.expectationsHold())) {
            parts.add("expectations fail");
        }
        return parts.isEmpty() ? kind(o) : String.join(", ", parts);
    }

    private static String kind(Outcome o) {
        return o.kind().name().toLowerCase(Locale.ROOT);
    }

    /** One outcome: {@code BAD  complete  x3       #2   W visited [A]; final list [B]; violations use-after-free A}. */
    static String line(int number, Outcome o) {
        return String.format(Locale.ROOT, "%-4s %-9s x%-7d #%-3d %s; final list [%s]%s%s", o.bad() ? "BAD" : "ok",
                kind(o), o.count(), number, walks(o.walks()), String.join(", ", o.finalRoots()),
                o.violations().isEmpty() ? "" : "; violations " + String.join(", ", o.violations()),
                Boolean.FALSE.equals(o.expectationsHold()) ? "; expectations fail" : "");
    }

    /** The shortest schedule to outcome {@code number}, as a schedule block's lines, labelled with the outcome. */
    static void schedule(StringBuilder out, int number, Outcome o) {
        out.append("  shortest schedule to #").append(number).append(" (").append(what(o));
        out.append("; final list [").append(String.join(", ", o.finalRoots())).append("]; ").append(o.length())
                .append(" steps; paste into a schedule block):\n");
        for (ScheduleStep step : o.kind() == Outcome.Kind.LIVELOCK ? o.stem() : o.schedule()) {
            out.append("    ").append(step.script()).append('\n');
        }
        if (o.kind() == Outcome.Kind.LIVELOCK) {
            out.append("    // then, again and again:\n");
            for (ScheduleStep step : o.cycle()) {
                out.append("    ").append(step.script()).append('\n');
            }
        }
    }

    /** Every outcome and every bad outcome's shortest schedule. */
    static void everything(StringBuilder out, List<Outcome> outcomes) {
        out.append(String.format(Locale.ROOT, "  %d distinct outcome(s), %d bad%n", outcomes.size(),
                outcomes.stream().filter(Outcome::bad).count()));
        for (int i = 0; i < outcomes.size(); i++) {
            out.append("  ").append(line(i + 1, outcomes.get(i))).append('\n');
        }
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).bad()) {
                schedule(out, i + 1, outcomes.get(i));
            }
        }
    }

    /**
     * The report on the terminal: every outcome while there are few; with many bad ones, a count per class and
     * the {@link #PER_CLASS} shortest of each (the file, when {@code --outcomes-file} is given, has the rest).
     */
    static void summary(PrintStream ps, List<Outcome> outcomes, String outcomesFile) {
        StringBuilder out = new StringBuilder();
        List<Integer> bad = new ArrayList<>();
        List<Integer> good = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            (outcomes.get(i).bad() ? bad : good).add(i);
        }
        out.append(String.format(Locale.ROOT, "  %d distinct outcome(s), %d bad%n", outcomes.size(), bad.size()));
        for (int k = 0; k < good.size() && k < GOOD_SHOWN; k++) {
            out.append("  ").append(line(good.get(k) + 1, outcomes.get(good.get(k)))).append('\n');
        }
        if (good.size() > GOOD_SHOWN) {
            out.append("  ... and ").append(good.size() - GOOD_SHOWN).append(" more good outcome(s)")
                    .append(outcomesFile == null ? " (--outcomes-file FILE lists them all)" : "").append('\n');
        }
        if (bad.size() <= LIST_ALL_UP_TO) {
            for (int i : bad) {
                out.append("  ").append(line(i + 1, outcomes.get(i))).append('\n');
            }
            for (int i : bad) {
                schedule(out, i + 1, outcomes.get(i));
            }
        } else {
            Map<String, List<Integer>> classes = new LinkedHashMap<>();
            for (int i : bad) {
                classes.computeIfAbsent(outcomeClass(outcomes.get(i)), k -> new ArrayList<>()).add(i);
            }
            out.append(String.format(Locale.ROOT, "  the %,d bad outcomes fall in %d class(es); the %d shortest"
                    + " schedules of each follow%s%n", bad.size(), classes.size(), PER_CLASS,
                    outcomesFile == null ? " (--outcomes-file FILE writes them all)" : " (all in " + outcomesFile + ")"));
            for (Map.Entry<String, List<Integer>> c : classes.entrySet()) {
                List<Integer> members = new ArrayList<>(c.getValue());
                members.sort(Comparator.comparingInt((Integer i) -> outcomes.get(i).length()).thenComparing(i -> i));
                long runs = 0;
                for (int i : members) {
                    runs += outcomes.get(i).count();
                }
                out.append(String.format(Locale.ROOT, "  class %s: %,d outcome(s), %,d run(s)%n", c.getKey(),
                        members.size(), runs));
                for (int k = 0; k < members.size() && k < PER_CLASS; k++) {
                    out.append("  ").append(line(members.get(k) + 1, outcomes.get(members.get(k)))).append('\n');
                }
                for (int k = 0; k < members.size() && k < PER_CLASS; k++) {
                    schedule(out, members.get(k) + 1, outcomes.get(members.get(k)));
                }
                if (members.size() > PER_CLASS) {
                    out.append("  ... and ").append(members.size() - PER_CLASS).append(" more of class ")
                            .append(c.getKey()).append('\n');
                }
            }
        }
        ps.print(out);
    }
}
