/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import org.eclipse.jface.text.TextAttribute;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.RGB;

/** The editor's colours (SWT colours made without a device need no disposal). */
public final class TdpColors {

    public static final RGB KEYWORD = new RGB(127, 0, 85);
    public static final RGB COMMENT = new RGB(63, 127, 95);
    public static final RGB STRING = new RGB(42, 0, 255);
    public static final RGB NUMBER = new RGB(170, 85, 0);
    /** Thread, vCPU and walker names (semantic highlighting). */
    public static final RGB ACTOR = new RGB(0, 110, 160);
    /** Root names A, B, C (semantic highlighting). */
    public static final RGB ROOT = new RGB(180, 0, 0);

    private TdpColors() {
    }

    public static Color color(RGB rgb) {
        return new Color(rgb);
    }

    public static TextAttribute keyword() {
        return new TextAttribute(color(KEYWORD), null, SWT.BOLD);
    }

    public static TextAttribute comment() {
        return new TextAttribute(color(COMMENT), null, SWT.ITALIC);
    }

    public static TextAttribute string() {
        return new TextAttribute(color(STRING));
    }

    public static TextAttribute number() {
        return new TextAttribute(color(NUMBER));
    }
}
