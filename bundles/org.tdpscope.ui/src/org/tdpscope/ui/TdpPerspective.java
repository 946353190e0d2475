/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;

/** The TDP Scope perspective: the scenario editor, the Roots view beside it, Outline and Problems. */
public final class TdpPerspective implements IPerspectiveFactory {

    public static final String ID = "org.tdpscope.ui.perspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        String editor = layout.getEditorArea();
        layout.setEditorAreaVisible(true);
        layout.addView(IPageLayout.ID_OUTLINE, IPageLayout.LEFT, 0.18f, editor);
        layout.addView(RootsView.ID, IPageLayout.RIGHT, 0.45f, editor);
        layout.addView(IPageLayout.ID_PROBLEM_VIEW, IPageLayout.BOTTOM, 0.75f, editor);
        // Below the Roots view, the views that follow its run and step.
        IFolderLayout below = layout.createFolder("org.tdpscope.ui.below", IPageLayout.BOTTOM, 0.55f, RootsView.ID);
        below.addView(TimelineView.ID);
        below.addView(WalkView.ID);
        below.addView(PageTablesView.ID);
        below.addView(ExplorerView.ID);
    }
}
