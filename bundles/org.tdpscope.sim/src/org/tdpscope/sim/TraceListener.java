/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/** Receives each event as the simulator makes it (to a file, a view, a collector). */
@FunctionalInterface
public interface TraceListener {
    void onEvent(TraceEvent event);
}
