/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import could not use, with line numbers, and how every line was classified. Bad input is
 * never fatal: each problem is counted here. The first {@link #MAX_KEPT} issues of each kind keep
 * their text so a 2 GB file full of garbage does not fill the heap; the counters are always exact.
 */
public final class TraceDiagnostics {

    /** Issues kept per kind; later ones are only counted. */
    public static final int MAX_KEPT = 1000;
    /** Characters of a line's text kept in an issue. */
    public static final int MAX_TEXT = 300;
    private static final int MAX_EVENT_NAMES = 1000;

    /** Kind of an issue. */
    public enum Kind {
        /** A line that matches no trace shape, or a known event whose payload does not match its format. */
        UNPARSED,
        /** A well-formed record of a tracepoint this reader does not know. */
        UNKNOWN_EVENT,
        /** Something odd that was still imported: timestamps going backwards, lost events, ambiguities. */
        WARNING
    }

    /** One problem: where, the (shortened) line text, and what was wrong. */
    public record Issue(Kind kind, long line, String text, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message + (text.isEmpty() ? "" : ": " + text);
        }
    }

    private final List<Issue> unparsed = new ArrayList<>();
    private final List<Issue> unknown = new ArrayList<>();
    private final List<Issue> warnings = new ArrayList<>();
    private final Map<String, Long> unknownByName = new LinkedHashMap<>();

    long lines;
    long events;
    long unknownEvents;
    long unparsedLines;
    long headerLines;
    long blankLines;
    long gaps;
    long stackLines;
    long continuationLines;
    long warningCount;
    long backwardsTimestamps;
    long lostEvents;

    /** Physical lines read. */
    public long lines() {
        return lines;
    }

    /** Records parsed into a typed payload of a known tracepoint. */
    public long events() {
        return events;
    }

    /** Well-formed records of unknown tracepoints (kept as {@link Payload.Unknown}). */
    public long unknownEvents() {
        return unknownEvents;
    }

    /** Lines that could not be used. */
    public long unparsedLines() {
        return unparsedLines;
    }

    /** {@code #} header lines and trace-cmd's {@code cpus=}, {@code CPU n is empty}, {@code version =} lines. */
    public long headerLines() {
        return headerLines;
    }

    public long blankLines() {
        return blankLines;
    }

    /** {@code --}, {@code ...} and {@code ....} gap markers of mail and grep copies. */
    public long gaps() {
        return gaps;
    }

    /** Gap markers kept by line: the first {@link #MAX_GAP_LINES}. */
    static final int MAX_GAP_LINES = 100;
    private final List<Long> gapLines = new ArrayList<>();

    /** A gap marker at {@code line}. */
    void gap(long line) {
        gaps++;
        if (gapLines.size() < MAX_GAP_LINES) {
            gapLines.add(line);
        }
    }

    /** The lines of the first gap markers, in file order. */
    public List<Long> gapLines() {
        return java.util.Collections.unmodifiableList(gapLines);
    }

    /** {@code <stack trace>} markers and their {@code =>} lines. */
    public long stackLines() {
        return stackLines;
    }

    /** Lines joined onto the record before them (mail wrapping). */
    public long continuationLines() {
        return continuationLines;
    }

    public long warningCount() {
        return warningCount;
    }

    /** Events whose timestamp is below the one before them. */
    public long backwardsTimestamps() {
        return backwardsTimestamps;
    }

    /** Sum of the {@code [LOST n EVENTS]} counts the tracer printed. */
    public long lostEvents() {
        return lostEvents;
    }

    /** The first {@link #MAX_KEPT} unparsed lines. */
    public List<Issue> unparsed() {
        return Collections.unmodifiableList(unparsed);
    }

    /** The first {@link #MAX_KEPT} records of unknown tracepoints. */
    public List<Issue> unknown() {
        return Collections.unmodifiableList(unknown);
    }

    /** The first {@link #MAX_KEPT} warnings. */
    public List<Issue> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** Unknown tracepoint names and how often each occurred. */
    public Map<String, Long> unknownEventNames() {
        return Collections.unmodifiableMap(unknownByName);
    }

    void unparsed(long line, String text, String message) {
        unparsedLines++;
        keep(unparsed, new Issue(Kind.UNPARSED, line, shorten(text), message));
    }

    void unknownEvent(long line, String name, String text) {
        unknownEvents++;
        if (unknownByName.containsKey(name) || unknownByName.size() < MAX_EVENT_NAMES) {
            unknownByName.merge(name, 1L, Long::sum);
        }
        keep(unknown, new Issue(Kind.UNKNOWN_EVENT, line, shorten(text), "unknown event " + name));
    }

    void warn(long line, String text, String message) {
        warningCount++;
        keep(warnings, new Issue(Kind.WARNING, line, shorten(text), message));
    }

    private static void keep(List<Issue> list, Issue issue) {
        if (list.size() < MAX_KEPT) {
            list.add(issue);
        }
    }

    /** Printable, bounded copy of a line: control characters become '?'. */
    static String shorten(String text) {
        int n = Math.min(text.length(), MAX_TEXT);
        StringBuilder b = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 && c != '\t' || c == 0x7f ? '?' : c);
        }
        if (text.length() > n) {
            b.append('\u2026');
        }
        return b.toString();
    }

    /** Issues kept so far in all lists (it grows whenever one of them does). */
    int keptTotal() {
        return unparsed.size() + unknown.size() + warnings.size();
    }

    /** Issues kept so far per list (unparsed, unknown, warnings): where a merge has got to. */
    int[] kept() {
        return new int[] { unparsed.size(), unknown.size(), warnings.size() };
    }

    /**
     * Appends {@code block}'s kept issues from {@code from} (advanced in place) up to {@code to}, so a
     * parallel read lists them in the order a sequential read would have met them.
     */
    void absorbIssues(TraceDiagnostics block, int[] from, int[] to) {
        for (int k = from[0]; k < to[0]; k++) {
            keep(unparsed, block.unparsed.get(k));
        }
        for (int k = from[1]; k < to[1]; k++) {
            keep(unknown, block.unknown.get(k));
        }
        for (int k = from[2]; k < to[2]; k++) {
            keep(warnings, block.warnings.get(k));
        }
        System.arraycopy(to, 0, from, 0, 3);
    }

    /** Adds a finished block's counters (its issues were absorbed as its events went by). */
    void absorbCounts(TraceDiagnostics block) {
        lines += block.lines;
        events += block.events;
        unknownEvents += block.unknownEvents;
        unparsedLines += block.unparsedLines;
        headerLines += block.headerLines;
        blankLines += block.blankLines;
        gaps += block.gaps;
        for (long g : block.gapLines) { // blocks come in file order
            if (gapLines.size() < MAX_GAP_LINES) {
                gapLines.add(g);
            }
        }
        stackLines += block.stackLines;
        continuationLines += block.continuationLines;
        warningCount += block.warningCount;
        backwardsTimestamps += block.backwardsTimestamps;
        lostEvents += block.lostEvents;
        for (Map.Entry<String, Long> e : block.unknownByName.entrySet()) {
            if (unknownByName.containsKey(e.getKey()) || unknownByName.size() < MAX_EVENT_NAMES) {
                unknownByName.merge(e.getKey(), e.getValue(), Long::sum);
            }
        }
    }

    /** One line per counter, for reports and the CLI. */
    public String summary() {
        return String.format("lines %d, events %d, unknown events %d, unparsed lines %d, header %d, blank %d, "
                + "gaps %d, stack %d, continuation %d, warnings %d (timestamps backwards %d, lost events %d)", lines,
                events, unknownEvents, unparsedLines, headerLines, blankLines, gaps, stackLines, continuationLines,
                warningCount, backwardsTimestamps, lostEvents);
    }

    @Override
    public String toString() {
        return summary();
    }
}
