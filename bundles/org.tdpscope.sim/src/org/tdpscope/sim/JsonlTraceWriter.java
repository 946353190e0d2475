/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

import org.tdpscope.model.io.TraceJsonl;

/**
 * Streams events as JSON Lines: one object per line with {@code step}, {@code thread},
 * {@code event} and the event's own fields. Field order is fixed, numbers in gfn/SPTE fields are
 * hex strings (as a kernel developer reads them), so equal runs give byte-identical files.
 */
public final class JsonlTraceWriter implements TraceListener {

    private final Writer out;
    private final StringBuilder line = new StringBuilder(160);

    public JsonlTraceWriter(Writer out) {
        this.out = out;
    }

    @Override
    public void onEvent(TraceEvent e) {
        line.setLength(0);
        format(e, line);
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** One event as a JSON object (no newline), in the format the model's {@link TraceJsonl} reads. */
    public static void format(TraceEvent e, StringBuilder sb) {
        TraceJsonl.formatLine(sb, e.step(), e.thread(), e.type().id(), e.root(), e.rc(), e.gfn(), e.level(),
                e.oldSpte(), e.newSpte(), e.invariant() == null ? 0 : e.invariant().number(),
                e.invariant() == null ? null : e.invariant().word(), e.detail());
    }
}
