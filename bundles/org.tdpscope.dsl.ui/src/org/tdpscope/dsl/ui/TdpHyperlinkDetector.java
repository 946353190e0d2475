/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.hyperlink.AbstractHyperlinkDetector;
import org.eclipse.jface.text.hyperlink.IHyperlink;

/** Ctrl+click on a thread, vCPU or memslot name jumps to its declaration. */
public final class TdpHyperlinkDetector extends AbstractHyperlinkDetector {

    @Override
    public IHyperlink[] detectHyperlinks(ITextViewer viewer, IRegion region, boolean canShowMultipleHyperlinks) {
        if (viewer.getDocument() == null) {
            return null;
        }
        TdpNavigation.Target t = TdpNavigation.find(viewer.getDocument().get(), region.getOffset());
        if (t == null) {
            return null;
        }
        return new IHyperlink[] { new IHyperlink() {
            @Override
            public IRegion getHyperlinkRegion() {
                return t.name();
            }

            @Override
            public String getTypeLabel() {
                return "Declaration";
            }

            @Override
            public String getHyperlinkText() {
                return "Open Declaration: " + t.text();
            }

            @Override
            public void open() {
                reveal(viewer, t);
            }
        } };
    }

    /** Selects and reveals the declared name. */
    public static void reveal(ITextViewer viewer, TdpNavigation.Target t) {
        viewer.setSelectedRange(t.declaration().getOffset(), t.declaration().getLength());
        viewer.revealRange(t.declaration().getOffset(), t.declaration().getLength());
    }
}
