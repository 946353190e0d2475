/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.ITextViewer;

/** Format (Ctrl+Shift+F): the canonical layout of {@code TdpScenarios.format}, as one undoable edit. */
public final class TdpFormatting {

    private TdpFormatting() {
    }

    /** Formats the document; returns whether it changed (a scenario that does not parse is left alone). */
    public static boolean format(IDocument doc) {
        String text = doc.get();
        String formatted = TdpLanguage.get().scenarios().format(text);
        if (formatted.equals(text)) {
            return false;
        }
        try {
            doc.replace(0, doc.getLength(), formatted);
        } catch (BadLocationException e) {
            return false;
        }
        return true;
    }

    /** Formats the viewer's document and keeps the caret on its line. */
    public static boolean format(ITextViewer viewer) {
        IDocument doc = viewer.getDocument();
        if (doc == null) {
            return false;
        }
        int line = 0;
        try {
            line = doc.getLineOfOffset(viewer.getSelectedRange().x);
        } catch (BadLocationException e) {
            // caret outside: start of text
        }
        boolean changed = format(doc);
        if (changed) {
            try {
                int offset = doc.getLineOffset(Math.min(line, doc.getNumberOfLines() - 1));
                viewer.setSelectedRange(offset, 0);
                viewer.revealRange(offset, 0);
            } catch (BadLocationException e) {
                // keep whatever selection the edit left
            }
        }
        return changed;
    }
}
