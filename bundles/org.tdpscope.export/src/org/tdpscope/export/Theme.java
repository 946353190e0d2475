/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

/** Colours of a diagram; light for documents, dark for slides and dark-mode pages. */
public enum Theme {
    LIGHT("#ffffff", "#1f2328", "#57606a", "#d0e4ff", "#1f6feb", "#ffe2b8", "#bc4c00", "#eaeef2", "#8c959f",
            "#6e7781", "#ffffff", "#cf222e", "#8250df"),
    DARK("#0d1117", "#e6edf3", "#8d96a0", "#12305c", "#4493f8", "#4a2c0a", "#f0883e", "#21262d", "#6e7681",
            "#484f58", "#e6edf3", "#f85149", "#a371f7");

    final String background;
    final String text;
    final String muted;
    final String validFill;
    final String validStroke;
    final String invalidFill;
    final String invalidStroke;
    final String unlinkedFill;
    final String unlinkedStroke;
    final String freedFill;
    /** Text on a freed root's fill: light on grey in both themes (contrast at least 4.5:1). */
    final String freedText;
    final String violation;
    final String cursor;

    Theme(String background, String text, String muted, String validFill, String validStroke, String invalidFill,
            String invalidStroke, String unlinkedFill, String unlinkedStroke, String freedFill, String freedText,
            String violation, String cursor) {
        this.background = background;
        this.text = text;
        this.muted = muted;
        this.validFill = validFill;
        this.validStroke = validStroke;
        this.invalidFill = invalidFill;
        this.invalidStroke = invalidStroke;
        this.unlinkedFill = unlinkedFill;
        this.unlinkedStroke = unlinkedStroke;
        this.freedFill = freedFill;
        this.freedText = freedText;
        this.violation = violation;
        this.cursor = cursor;
    }
}
