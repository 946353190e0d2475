/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import java.nio.file.Path;

/**
 * A run or trace file that cannot be loaded: truncated, of another version, malformed or hostile.
 * {@link #getMessage()} names the file and, where known, the line and column:
 * {@code /path/run.tdprun:3:17: the file ends inside the XML document (truncated?)}.
 */
public class ModelLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Path file;
    private final int line;
    private final int column;
    private final String reason;

    public ModelLoadException(Path file, int line, int column, String reason) {
        this(file, line, column, reason, null);
    }

    public ModelLoadException(Path file, int line, int column, String reason, Throwable cause) {
        super(format(file, line, column, reason), cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    private static String format(Path file, int line, int column, String reason) {
        StringBuilder b = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        return b.append(": ").append(reason).toString();
    }

    /** The file that failed to load. */
    public Path file() {
        return file;
    }

    /** 1-based line, or -1 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column, or -1 when unknown. */
    public int column() {
        return column;
    }

    /** The reason alone, without file and position. */
    public String reason() {
        return reason;
    }
}
