/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.api;

import java.util.Locale;

/**
 * A problem found in a scenario file, positioned like a compiler's.
 *
 * @param line   1-based line
 * @param column 1-based column
 * @param code   a stable issue code such as {@code overlapping-memslots}, {@code syntax},
 *               {@code unknown-name}, {@code dry-run} (see {@code TdpIssueCodes})
 */
public record Diagnostic(Severity severity, String file, int line, int column, String message, String code) {

    public enum Severity { ERROR, WARNING, INFO }

    /** {@code file:line:col: error: message}, as compilers print it. */
    public String format() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(Locale.ROOT) + ": " + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
