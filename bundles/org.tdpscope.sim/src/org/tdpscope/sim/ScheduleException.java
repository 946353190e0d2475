/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/** A schedule step that cannot be taken (a thread blocks, ends before it yields, ...), with its source line. */
public final class ScheduleException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int line;

    public ScheduleException(String message, int line) {
        super(message);
        this.line = line;
    }

    /** Source line of the schedule step, 0 when unknown. */
    public int line() {
        return line;
    }

    ScheduleException at(int sourceLine) {
        return line != 0 || sourceLine == 0 ? this : new ScheduleException(getMessage(), sourceLine);
    }
}
