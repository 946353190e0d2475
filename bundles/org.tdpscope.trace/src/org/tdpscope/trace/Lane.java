/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
    private final int index; // among the lanes of its kind, for the partner set below
    private final List<String> names; // the reconstruction's event names, by id
    private long firstNs = Long.MAX_VALUE;
    private long lastNs = Long.MIN_VALUE;
    private long firstLine;
    private long lastLine;
    private long events;
    private long migrations;
    private int lastCpu = -1;
    // events per name id, and the ids in the order this lane first saw them (what counts() lists)
    private long[] counts = new long[16];
    private int[] order = new int[8];
    private int names0;
    private final Set<String> partners = new LinkedHashSet<>();
    private final BitSet partnerSeen = new BitSet(); // by the partner lane's index: no hashing per event
    private Lane lastPartner;

    /** {@code names} lists the event names by the ids {@link #add} is given. */
    Lane(Kind kind, String label, int index, List<String> names) {
        this.kind = kind;
        this.label = label;
        this.index = index;
        this.names = names;
    }

    void add(TraceEvent e, int nameId, Lane partner) {
        long ts = e.timestampNs();
        firstNs = Math.min(firstNs, ts);
        lastNs = Math.max(lastNs, ts);
        long line = e.line();
        if (firstLine == 0) {
            firstLine = line;
        }
        lastLine = line;
        events++;
        if (nameId >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(nameId + 1, 2 * counts.length));
        }
        if (counts[nameId]++ == 0) {
            if (names0 == order.length) {
                order = Arrays.copyOf(order, 2 * order.length);
            }
            order[names0++] = nameId;
        }
        if (partner != lastPartner) {
            lastPartner = partner;
            if (!partnerSeen.get(partner.index) && partners.size() < MAX_PARTNERS) {
                partnerSeen.set(partner.index);
                partners.add(partner.label);
            }
        }
        if (kind == Kind.TASK) {
            int cpu = e.cpu();
            if (lastCpu >= 0 && lastCpu != cpu) {
                migrations++;
            }
            lastCpu = cpu;
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
        for (int k = 0; k < names0; k++) {
            m.put(names.get(order[k]), counts[order[k]]);
        }
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
