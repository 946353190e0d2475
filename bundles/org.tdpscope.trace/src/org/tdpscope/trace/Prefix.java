/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.util.List;

/**
 * The part of a trace line before the event payload, common to every event, plus the stack lines
 * of a {@code <stack trace>} record that followed the event.
 *
 * @param comm        task name ({@code current->comm}, may contain spaces and dashes)
 * @param pid         task pid
 * @param tgid        thread-group id when the {@code (tgid)} column was printed and known, else -1
 * @param cpu         CPU the event was recorded on
 * @param flags       latency flags column ({@code d..1.}, {@code ....}), "" when absent
 * @param timestampNs trace clock in nanoseconds
 * @param line        1-based line number of the record's first physical line
 * @param shape       the text shape the line was read from (and is printed back in)
 * @param stack       functions of the attached {@code <stack trace>}, innermost first; empty if none
 */
public record Prefix(String comm, int pid, int tgid, int cpu, String flags, long timestampNs, long line,
        Shape shape, List<String> stack) {

    /** Text shapes of one record. */
    public enum Shape {
        /** {@code /sys/kernel/tracing/trace} or {@code trace_pipe}: comm-pid, [cpu], flags, ts. */
        TRACEFS,
        /** {@code trace-cmd report}: no flags column, event name padded to 22 columns. */
        TRACE_CMD,
        /** {@code perf script}: {@code comm pid [cpu] ts: system:event: payload}. */
        PERF_SCRIPT
    }

    /** Whether a {@code <stack trace>} came with the event (no call through List). */
    public boolean hasStack() {
        return stack != NO_STACK;
    }

    private static final List<String> NO_STACK = List.of();

    public Prefix {
        // most events come with the shared empty list, taken as it is: the client compiler, which imports
        // run on, would not inline the call through the List interface made for each of them
        if (stack != NO_STACK) {
            stack = stack.isEmpty() ? NO_STACK : List.copyOf(stack);
        }
    }

    /** The same prefix at another line number (round trips compare events without their lines). */
    public Prefix withLine(long newLine) {
        return new Prefix(comm, pid, tgid, cpu, flags, timestampNs, newLine, shape, stack);
    }

    /** {@code comm-pid}, the key of a task lane. */
    public String task() {
        return comm + "-" + pid;
    }
}
