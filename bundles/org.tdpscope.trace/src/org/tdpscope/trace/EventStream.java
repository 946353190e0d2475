/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.Closeable;
import java.io.IOException;

/** The events of a trace in file order, with the diagnostics of the lines read so far. */
public interface EventStream extends Closeable {

    /** The next event, or null at the end of the input. */
    TraceEvent next() throws IOException;

    /** Line counters and the problems met so far. */
    TraceDiagnostics diagnostics();
}
