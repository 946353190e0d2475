/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

/**
 * One trace record: where and when ({@link Prefix}), the tracepoint name as printed, and the typed
 * payload ({@link Payload.Unknown} for tracepoints this reader does not know).
 */
public record TraceEvent(Prefix prefix, String name, Payload payload) {

    /** Line number of the record's first physical line. */
    public long line() {
        return prefix.line();
    }

    public long timestampNs() {
        return prefix.timestampNs();
    }

    public int cpu() {
        return prefix.cpu();
    }

    /** The same event at another line number. */
    public TraceEvent withLine(long line) {
        return new TraceEvent(prefix.withLine(line), name, payload);
    }

    /**
     * Trace system of the event ({@code kvmmmu} for mmutrace.h, {@code tdpscope} for the root records of
     * docs/capture, else {@code kvm}), for perf's text.
     */
    public String system() {
        return EventParser.system(name);
    }
}
