/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * A schedule step that cannot be taken (a thread blocks, ends before it yields, ...), with its source line; or an
 * operation of a thread's program that cannot be done (a raw write to a table that does not exist), with the thread
 * and the operation's index, so that the scenario language can point at the operation.
 */
public final class ScheduleException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int line;
    private final String thread;
    private final int op;

    public ScheduleException(String message, int line) {
        this(message, line, null, -1);
    }

    private ScheduleException(String message, int line, String thread, int op) {
        super(message);
        this.line = line;
        this.thread = thread;
        this.op = op;
    }

    /** Source line of the schedule step, 0 when unknown. */
    public int line() {
        return line;
    }

    /** The thread whose program operation failed, or null (a schedule step, or the VM's set-up). */
    public String thread() {
        return thread;
    }

    /** The index in {@link #thread}'s program of the operation that failed, or -1. */
    public int op() {
        return op;
    }

    ScheduleException at(int sourceLine) {
        return line != 0 || sourceLine == 0 ? this : new ScheduleException(getMessage(), sourceLine, thread, op);
    }

    /** This failure, as one of operation {@code index} of {@code threadName}'s program (unless it names one). */
    ScheduleException inOp(String threadName, int index) {
        return thread != null ? this : new ScheduleException(getMessage(), line, threadName, index);
    }
}
