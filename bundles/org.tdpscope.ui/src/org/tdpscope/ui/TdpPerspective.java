/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/** The TDP Scope perspective: the Roots view over the whole window for now. */
public final class TdpPerspective implements IPerspectiveFactory {

    public static final String ID = "org.tdpscope.ui.perspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        layout.setEditorAreaVisible(false);
        layout.addView(RootsView.ID, IPageLayout.TOP, 0.95f, layout.getEditorArea());
    }
}
