/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.PrintStream;
import java.util.Locale;

import org.tdpscope.sim.EventType;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.TraceListener;

/**
 * Prints a run as a readable step table while it runs (no trace held in memory). By default lock
 * and per-SPTE events are counted, not printed, so the table reads like the whiteboard story;
 * {@code --all-events} prints every one.
 */
final class StepTable implements TraceListener {

    private final PrintStream out;
    private final boolean all;
    private long hiddenSpte;
    private long hiddenLock;

    StepTable(PrintStream out, boolean all) {
        this.out = out;
        this.all = all;
        out.printf("%6s  %-8s %-20s %-5s %3s  %s%n", "step", "thread", "event", "root", "rc", "detail");
    }

    @Override
    public void onEvent(TraceEvent e) {
        String id = e.type().id();
        if (!all && id.startsWith("spte.")) {
            hiddenSpte++;
            return;
        }
        if (!all && (e.type() == EventType.LOCK_ACQUIRE || e.type() == EventType.LOCK_RELEASE)) {
            hiddenLock++;
            return;
        }
        StringBuilder detail = new StringBuilder();
        if (e.gfn() >= 0) {
            detail.append("gfn 0x").append(Long.toHexString(e.gfn())).append(' ');
        }
        if (e.level() > 0 && id.startsWith("spte.")) {
            detail.append("L").append(e.level()).append(" 0x").append(Long.toHexString(e.oldSpte())).append(" -> 0x")
                    .append(Long.toHexString(e.newSpte())).append(' ');
        }
        if (e.invariant() != null) {
            detail.append("[").append(e.invariant().number()).append(' ').append(e.invariant().word()).append("] ");
        }
        if (e.detail() != null) {
            detail.append(e.detail());
        }
        out.printf(Locale.ROOT, "%6d  %-8s %-20s %-5s %3s  %s%n", e.step(), e.thread(),
                e.type() == EventType.VIOLATION ? "VIOLATION" : id, e.root() == null ? "" : e.root(),
                e.root() == null ? "" : Integer.toString(e.rc()), detail.toString().trim());
    }

    void summary() {
        if (hiddenSpte + hiddenLock > 0) {
            out.printf("        (%d SPTE and %d lock events not shown; --all-events prints them)%n", hiddenSpte,
                    hiddenLock);
        }
    }
}
