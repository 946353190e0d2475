/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextPresentationListener;
import org.eclipse.jface.text.ITextViewerExtension4;
import org.eclipse.jface.text.TextPresentation;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.tdpscope.dsl.ide.highlighting.TdpSemanticHighlightingCalculator;

/**
 * Merges the ide bundle's semantic highlighting (thread, vCPU and root names) into every text
 * presentation the syntax colouring produces; a new reconcile result invalidates the presentation.
 */
final class TdpSemanticHighlighter implements ITextPresentationListener {

    private ISourceViewer viewer;
    private volatile TdpSnapshot snapshot;

    void install(ISourceViewer v) {
        if (viewer == v) {
            return;
        }
        viewer = v;
        if (v instanceof ITextViewerExtension4 e4) {
            e4.addTextPresentationListener(this);
        }
    }

    void update(TdpSnapshot s) {
        snapshot = s;
        if (viewer != null) {
            viewer.invalidateTextPresentation();
        }
    }

    @Override
    public void applyTextPresentation(TextPresentation presentation) {
        TdpSnapshot s = snapshot;
        if (s == null || viewer == null || viewer.getDocument() == null
                || !viewer.getDocument().get().equals(s.text())) {
            return; // stale positions would colour the wrong words
        }
        IRegion extent = presentation.getExtent();
        int from = extent.getOffset();
        int to = from + extent.getLength();
        for (TdpSnapshot.Highlight h : s.highlights()) {
            if (h.offset() + h.length() <= from || h.offset() >= to) {
                continue;
            }
            boolean actor = TdpSemanticHighlightingCalculator.ACTOR.equals(h.style());
            int start = Math.max(from, h.offset());
            int end = Math.min(to, h.offset() + h.length());
            StyleRange r = new StyleRange(start, end - start,
                    TdpColors.color(actor ? TdpColors.ACTOR : TdpColors.ROOT), null, actor ? SWT.NONE : SWT.BOLD);
            presentation.mergeStyleRange(r);
        }
    }
}
