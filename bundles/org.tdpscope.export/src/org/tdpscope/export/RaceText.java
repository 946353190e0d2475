/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.TraceEvent;

/**
 * A run as the plain-text race diagram kernel developers put in commit messages and mails: one
 * column per thread (CPU0/CPU1 style), one line per event that matters to the outcome (roots made,
 * invalidated, unlinked and freed, walks and their yields, faults, reload requests), an RCU grace
 * period that frees a root across all columns, and each violation marked with "!!!". At most
 * {@link #WIDTH} columns wide, so it pastes into a commit message unchanged.
 */
public final class RaceText {

    /** The width of a commit message body. */
    public static final int WIDTH = 75;
    private static final String GAP = "  ";

    private RaceText() {
    }

    /** The diagram of a run's events under {@code title} (e.g. the scenario's name and the rules it ran under). */
    public static String of(String title, List<TraceEvent> events) {
        List<String[]> rows = new ArrayList<>(); // thread (null: across), text
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (TraceEvent e : events) {
            String text = text(e);
            if (text == null) {
                continue;
            }
            boolean across = e.thread().equals("rcu") || e.type() == org.tdpscope.sim.EventType.VIOLATION;
            if (!across) {
                columns.putIfAbsent(e.thread(), columns.size());
            }
            rows.add(new String[] { across ? null : e.thread(), text });
        }
        int n = Math.max(1, columns.size());
        int w = Math.min(30, (WIDTH - GAP.length() * (n - 1)) / n);
        StringBuilder sb = new StringBuilder();
        for (String line : wrap(title, WIDTH)) {
            sb.append(line).append('\n');
        }
        sb.append('\n');
        StringBuilder head = new StringBuilder();
        StringBuilder rule = new StringBuilder();
        for (String c : columns.keySet()) {
            cell(head, columns.get(c), w, c);
            cell(rule, columns.get(c), w, "-".repeat(w));
        }
        sb.append(head.toString().stripTrailing()).append('\n').append(rule.toString().stripTrailing()).append('\n');
        for (String[] r : rows) {
            if (r[0] == null) {
                for (String line : wrap(r[1], WIDTH)) {
                    sb.append(line).append('\n');
                }
                continue;
            }
            int col = columns.get(r[0]);
            List<String> lines = wrap(r[1], w);
            for (int i = 0; i < lines.size(); i++) {
                StringBuilder line = new StringBuilder();
                cell(line, col, w, (i == 0 ? "" : " ") + lines.get(i));
                sb.append(line.toString().stripTrailing()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Puts {@code text} into column {@code col} of {@code line} (earlier columns padded). */
    private static void cell(StringBuilder line, int col, int w, String text) {
        int at = col * (w + GAP.length());
        while (line.length() < at) {
            line.append(' ');
        }
        line.append(text.length() > w ? text.substring(0, w) : text);
    }

    /** Words of {@code text} in lines of at most {@code w} characters (a longer word is cut). */
    static List<String> wrap(String text, int w) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String word : text.split(" ")) {
            if (cur.length() > 0 && cur.length() + 1 + word.length() > w) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            if (cur.length() > 0) {
                cur.append(' ');
            }
            cur.append(word.length() > w ? word.substring(0, w) : word);
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /** What an event says in the diagram; null for the events that do not decide an outcome. */
    static String text(TraceEvent e) {
        String root = e.root();
        return switch (e.type()) {
            case ROOT_CREATE -> "new root " + root + " (rc " + e.rc() + ")";
            case ROOT_REUSE -> "reuse root " + root + " (rc " + e.rc() + ")";
            case ROOT_INVALIDATE -> "invalidate " + root;
            case ROOT_PUT -> e.rc() == 0 ? "put " + root + ": rc 0" : null;
            case ROOT_UNLINK -> "unlink " + root;
            case ROOT_FREE -> "~~~ RCU grace period: root " + root + " freed ~~~";
            case WORK_QUEUE -> "queue zap of " + root;
            case WALK_START -> shortWalk(e.detail());
            case WALK_VISIT -> "visit " + root;
            case WALK_YIELD -> "yield in " + root + (e.gfn() >= 0 ? " @0x" + Long.toHexString(e.gfn()) : "");
            case WALK_RESUME -> "resume in " + root;
            case WALK_RESTART -> "restart at head";
            case WALK_END -> "end, " + (e.detail() == null ? "" : e.detail());
            case FAULT -> "fault 0x" + Long.toHexString(e.gfn()) + (root == null ? "" : " in " + root);
            case VCPU_RELOAD_REQUEST -> "reload requested";
            case VIOLATION -> "!!! " + e.invariant().word() + ": " + e.detail();
            default -> null;
        };
    }

    /** "write-protect gfn 0x0..0x100 on valid roots shared, policy continue" becomes "write-protect 0x0..0x100". */
    private static String shortWalk(String detail) {
        if (detail == null) {
            return "";
        }
        String d = detail.contains(", policy") ? detail.substring(0, detail.indexOf(", policy")) : detail;
        d = d.replace(" gfn ", " ").replace(" on valid roots", "").replace(" on all roots", " (all roots)");
        return d.replace(" shared", "").replace(" exclusive", "");
    }
}
