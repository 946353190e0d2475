/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

/**
 * Progress and cancellation for a long exploration (an IDE job, a CLI with Ctrl-C). Called from the
 * worker threads, so implementations must be thread-safe; {@link #cancelled} is polled often.
 */
public interface ExploreMonitor {

    ExploreMonitor NONE = new ExploreMonitor() {
    };

    /** Roughly every few thousand node visits of one worker: its visits and distinct states so far. */
    default void progress(int worker, long visits, long distinctStates) {
    }

    /** {@link #progress(int, long, long)} with the depth (schedule steps from the start) of the worker's current node. */
    default void progress(int worker, long visits, long distinctStates, int depth) {
        progress(worker, visits, distinctStates);
    }

    default boolean cancelled() {
        return false;
    }
}
