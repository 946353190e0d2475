/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.part.ViewPart;

/**
 * Timeline: one lane per thread, lock holds and yields as bars, events as marks, the current step
 * as a line; clicking a mark moves the current step.
 */
public final class TimelineView extends ViewPart {

    public static final String ID = "org.tdpscope.ui.timeline";

    private TimelinePanel panel;

    @Override
    public void createPartControl(Composite parent) {
        panel = new TimelinePanel(parent, SWT.NONE);
        ExportDiagramAction export = new ExportDiagramAction(parent::getShell, panel::forExport,
                "the timeline (the whole run, or the window shown of a long one)", () -> LiveScenario.get().file(),
                "timeline");
        CopyAsText copy = new CopyAsText(panel::rootsPanel);
        getViewSite().getActionBars().getToolBarManager().add(export);
        getViewSite().getActionBars().getToolBarManager().add(copy);
        getViewSite().getActionBars().getMenuManager().add(export);
        getViewSite().getActionBars().getMenuManager().add(copy);
        // Ctrl+C and Edit › Copy while the view is active
        getViewSite().getActionBars().setGlobalActionHandler(ActionFactory.COPY.getId(), copy);
        ZoomActions.add(getViewSite().getActionBars(), panel::canvas);
    }

    public TimelinePanel panel() {
        return panel;
    }

    @Override
    public void setFocus() {
        panel.setFocus();
    }
}
