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
    /** The workspace's projects and files (plugin.xml: a common navigator). */
    public static final String PROJECT_EXPLORER = "org.tdpscope.ui.projects";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        String editor = layout.getEditorArea();
        layout.setEditorAreaVisible(true);
        IFolderLayout left = layout.createFolder("org.tdpscope.ui.left", IPageLayout.LEFT, 0.18f, editor);
        left.addView(PROJECT_EXPLORER);
        layout.addView(IPageLayout.ID_OUTLINE, IPageLayout.BOTTOM, 0.5f, "org.tdpscope.ui.left");
        // The Roots view, and where an imported trace opens: a trace has lanes and a time axis that want the width
        // (in the small stack below it showed one lane and one row of tables).
        IFolderLayout right = layout.createFolder("org.tdpscope.ui.right", IPageLayout.RIGHT, 0.45f, editor);
        right.addView(RootsView.ID);
        right.addPlaceholder(TraceView.ID);
        right.addPlaceholder(TraceView.ID + ":*"); // a trace more: a Trace view of its own, a tab of the same stack
        layout.addView(IPageLayout.ID_PROBLEM_VIEW, IPageLayout.BOTTOM, 0.75f, editor);
        // Below the Roots view, the views that follow its run and step.
        IFolderLayout below = layout.createFolder("org.tdpscope.ui.below", IPageLayout.BOTTOM, 0.6f,
                "org.tdpscope.ui.right");
        below.addView(TimelineView.ID);
        below.addView(WalkView.ID);
        below.addView(PageTablesView.ID);
        below.addView(ExplorerView.ID);
        for (String v : new String[] { PROJECT_EXPLORER, RootsView.ID, TimelineView.ID, WalkView.ID,
                PageTablesView.ID, ExplorerView.ID, TraceView.ID, IPageLayout.ID_OUTLINE,
                IPageLayout.ID_PROBLEM_VIEW }) {
            layout.addShowViewShortcut(v); // Window › Show View
        }
        layout.addNewWizardShortcut(NewScenarioWizard.ID); // File › New
    }
}
