/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

/**
 * Distinct states per second for a progress line: over the last second or two, and since the search began. The
 * average alone misleads: a search runs slowly while the JIT compiles it, then fast, then slower again as the
 * visited states outgrow the caches, so what a user watching it wants is how fast it goes now. Thread-safe.
 */
public final class SearchRate {
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final long started;
    private long refNanos;
    private long refStates;
    private double recent = Double.NaN;

    /** Counting from {@code startedNanos} (a {@link System#nanoTime} value), with no states yet. */
    public SearchRate(long startedNanos) {
        this.started = startedNanos;
        this.refNanos = startedNanos;
    }

    /**
     * The rate over the window that ends at {@code nowNanos} ({@code states} distinct states then): the last second
     * or two once a second has passed, the average before that.
     */
    public synchronized double recent(long states, long nowNanos) {
        long dt = nowNanos - refNanos;
        if (dt >= WINDOW_NANOS) {
            recent = (states - refStates) / (dt / 1e9);
            refNanos = nowNanos;
            refStates = states;
        }
        return Double.isNaN(recent) ? average(states, nowNanos) : recent;
    }

    /** The rate since the search began. */
    public double average(long states, long nowNanos) {
        return states / Math.max(1e-3, (nowNanos - started) / 1e9);
    }

    /** Seconds since the search began. */
    public double seconds(long nowNanos) {
        return (nowNanos - started) / 1e9;
    }
}
