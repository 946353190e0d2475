/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;
import java.util.function.Consumer;

import org.eclipse.jface.action.Action;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.part.ViewPart;

/** The Roots view: the root list head to tail at the current step of a scenario's run. */
public final class RootsView extends ViewPart {

    public static final String ID = "org.tdpscope.ui.roots";

    private RootsPanel panel;
    /** Every scenario the active editor shows is run here (a save or a pause in typing re-runs it). */
    private final Consumer<LiveScenario.Source> follow = source -> {
        if (panel != null && !panel.isDisposed()) {
            panel.follow(source);
        }
    };

    @Override
    public void createPartControl(Composite parent) {
        panel = new RootsPanel(parent, SWT.NONE);
        Action open = new Action("Open Scenario...") {
            @Override
            public void run() {
                Path f = Dialogs.openScenario(parent.getShell(), LiveScenario.get().file());
                if (f != null) {
                    Dialogs.openInEditor(getSite().getPage(), f);
                }
            }
        };
        open.setToolTipText("Open a .tdp scenario in the editor and run it");
        Action export = new ExportDiagramAction(parent::getShell, panel::scene, "the root list at this step",
                () -> LiveScenario.get().file(), "roots");
        Action copy = new CopyAsText(() -> panel);
        getViewSite().getActionBars().getToolBarManager().add(open);
        getViewSite().getActionBars().getToolBarManager().add(export);
        getViewSite().getActionBars().getToolBarManager().add(copy);
        getViewSite().getActionBars().getMenuManager().add(open);
        getViewSite().getActionBars().getMenuManager().add(export);
        getViewSite().getActionBars().getMenuManager().add(copy);
        // Ctrl+C and Edit › Copy while the view is active
        getViewSite().getActionBars().setGlobalActionHandler(ActionFactory.COPY.getId(), copy);
        ZoomActions.add(getViewSite().getActionBars(), panel::canvas);
        panel.canvas().setFitting(true); // the whole list at the default size: no root cut off
        EditorFollower.install(getSite().getWorkbenchWindow());
        LiveScenario.get().listen(follow);
    }

    @Override
    public void dispose() {
        LiveScenario.get().unlisten(follow);
        super.dispose();
    }

    public RootsPanel panel() {
        return panel;
    }

    @Override
    public void setFocus() {
        panel.setFocus();
    }
}
