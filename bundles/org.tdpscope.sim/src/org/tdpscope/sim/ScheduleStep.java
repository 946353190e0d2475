/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * One line of an explicit schedule. {@code line} is the scenario's source line (0 when built in
 * code), so a step that cannot be taken is reported where it was written.
 *
 * @param thread the thread to run (or the vCPU to act), null for {@link Kind#GRACE_PERIOD}
 * @param kind   how far to run it
 * @param action for {@link Kind#ACTION}: the operation the vCPU does on the spot
 * @param count  for {@link Kind#OPS}: how many operations to complete
 */
public record ScheduleStep(String thread, Kind kind, Op action, int count, int line) {

    public enum Kind {
        /** Run the thread until its program ends. */
        TO_END,
        /** Run the thread until it yields inside a walk. */
        UNTIL_YIELD,
        /** Run the thread until it has completed {@code count} more operations. */
        OPS,
        /** The vCPU does {@code action} now. */
        ACTION,
        /** Let an RCU grace period elapse (callbacks run). */
        GRACE_PERIOD,
        /** Run the thread until it yields or stops between two roots of a read-lock walk (v6.9+). */
        UNTIL_NEXT_ROOT
    }

    public static ScheduleStep untilNextRoot(String thread) {
        return new ScheduleStep(thread, Kind.UNTIL_NEXT_ROOT, null, 0, 0);
    }

    public static ScheduleStep toEnd(String thread) {
        return new ScheduleStep(thread, Kind.TO_END, null, 0, 0);
    }

    public static ScheduleStep untilYield(String thread) {
        return new ScheduleStep(thread, Kind.UNTIL_YIELD, null, 0, 0);
    }

    public static ScheduleStep ops(String thread, int count) {
        return new ScheduleStep(thread, Kind.OPS, null, count, 0);
    }

    public static ScheduleStep action(String vcpu, Op op) {
        return new ScheduleStep(vcpu, Kind.ACTION, op, 0, 0);
    }

    public static ScheduleStep gracePeriod() {
        return new ScheduleStep(null, Kind.GRACE_PERIOD, null, 0, 0);
    }

    /** The step as the scenario language writes it, e.g. {@code W until yield} or {@code v0 reload}. */
    public String script() {
        return switch (kind) {
            case TO_END -> thread + " to end";
            case UNTIL_YIELD -> thread + " until yield";
            case OPS -> thread + " " + count + (count == 1 ? " op" : " ops");
            case ACTION -> thread + " " + action.describe();
            case GRACE_PERIOD -> "grace period";
            case UNTIL_NEXT_ROOT -> thread + " until next root";
        };
    }

    public ScheduleStep at(int sourceLine) {
        return new ScheduleStep(thread, kind, action, count, sourceLine);
    }
}
