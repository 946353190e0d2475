/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/** Receives each event as the simulator makes it (to a file, a view, a collector). */
@FunctionalInterface
public interface TraceListener {
    void onEvent(TraceEvent event);

    /**
     * Wants no events (the explorer's runs, replay checkpoints): a simulation reporting to it makes no event
     * objects and no detail texts, only the step numbers and the violations, which it keeps.
     */
    TraceListener NONE = e -> {
    };
}
