/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

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

    /** One event as a JSON object (no newline). */
    public static void format(TraceEvent e, StringBuilder sb) {
        sb.append("{\"step\":").append(e.step());
        string(sb, "thread", e.thread());
        string(sb, "event", e.type().id());
        if (e.root() != null) {
            string(sb, "root", e.root());
            sb.append(",\"rc\":").append(e.rc());
        }
        if (e.gfn() >= 0) {
            string(sb, "gfn", "0x" + Long.toHexString(e.gfn()));
        }
        if (e.level() >= 0) {
            sb.append(",\"level\":").append(e.level());
        }
        if (e.type().id().startsWith("spte.") || e.type() == EventType.FAULT) {
            string(sb, "old", "0x" + Long.toHexString(e.oldSpte()));
            string(sb, "new", "0x" + Long.toHexString(e.newSpte()));
        }
        if (e.invariant() != null) {
            sb.append(",\"invariant\":").append(e.invariant().number());
            string(sb, "kind", e.invariant().word());
        }
        if (e.detail() != null) {
            string(sb, "detail", e.detail());
        }
        sb.append('}');
    }

    private static void string(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
