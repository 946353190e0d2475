/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A timeline lane: one CPU or one task, with the real trace timestamps it spans and what happened on
 * it. A lane keeps counts, not events, so it stays small on a 10 M-event import; the views re-read the
 * events of a time window from the stream.
 */
public final class Lane {

    /** Lanes are per CPU or per task. */
    public enum Kind {
        CPU, TASK
    }

    /** Distinct partners (tasks of a CPU lane, CPUs of a task lane) remembered per lane. */
    public static final int MAX_PARTNERS = 256;

    private final Kind kind;
    private final String label;
    private long firstNs = Long.MAX_VALUE;
    private long lastNs = Long.MIN_VALUE;
    private long firstLine;
    private long lastLine;
    private long events;
    private long migrations;
    private int lastCpu = -1;
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private final Set<String> partners = new LinkedHashSet<>();
    // consecutive events mostly repeat the name and partner (the reader hands out the same strings)
    private String lastName;
    private long[] lastCount;
    private String lastPartner;

    Lane(Kind kind, String label) {
        this.kind = kind;
        this.label = label;
    }

    void add(TraceEvent e, String partner) {
        long ts = e.timestampNs();
        firstNs = Math.min(firstNs, ts);
        lastNs = Math.max(lastNs, ts);
        if (firstLine == 0) {
            firstLine = e.line();
        }
        lastLine = e.line();
        events++;
        long[] c = lastCount;
        if (e.name() != lastName) {
            c = counts.get(e.name());
            if (c == null) {
                counts.put(e.name(), c = new long[1]);
            }
            lastName = e.name();
            lastCount = c;
        }
        c[0]++;
        if (partner != lastPartner) {
            lastPartner = partner;
            if (partners.size() < MAX_PARTNERS) {
                partners.add(partner);
            }
        }
        if (kind == Kind.TASK) {
            if (lastCpu >= 0 && lastCpu != e.cpu()) {
                migrations++;
            }
            lastCpu = e.cpu();
        }
    }

    public Kind kind() {
        return kind;
    }

    /** "CPU 31" or the task's {@code comm-pid}. */
    public String label() {
        return label;
    }

    /** Earliest timestamp on the lane, ns. */
    public long firstNs() {
        return firstNs;
    }

    /** Latest timestamp on the lane, ns. */
    public long lastNs() {
        return lastNs;
    }

    public long firstLine() {
        return firstLine;
    }

    public long lastLine() {
        return lastLine;
    }

    public long events() {
        return events;
    }

    /** Events per tracepoint name. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        counts.forEach((k, v) -> m.put(k, v[0]));
        return Collections.unmodifiableMap(m);
    }

    /** Tasks seen on a CPU lane ({@code comm-pid}), or CPUs a task ran on ("CPU n"), in order of appearance. */
    public Set<String> partners() {
        return Collections.unmodifiableSet(partners);
    }

    /** Times a task lane's consecutive events were on different CPUs. */
    public long migrations() {
        return migrations;
    }

    @Override
    public String toString() {
        return label + ": " + events + " events, " + firstNs + ".." + lastNs + " ns";
    }
}
