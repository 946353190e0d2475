/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;

import org.eclipse.jface.action.Action;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.ui.part.ViewPart;

/** The Roots view: the root list head to tail at the current step of a scenario's run. */
public final class RootsView extends ViewPart {

    public static final String ID = "org.tdpscope.ui.roots";

    private RootsPanel panel;

    @Override
    public void createPartControl(Composite parent) {
        panel = new RootsPanel(parent, SWT.NONE);
        Action open = new Action("Open Scenario...") {
            @Override
            public void run() {
                FileDialog d = new FileDialog(parent.getShell(), SWT.OPEN);
                d.setFilterExtensions(new String[] { "*.tdp", "*" });
                String f = d.open();
                if (f != null) {
                    panel.openInBackground(Path.of(f));
                }
            }
        };
        open.setToolTipText("Open a .tdp scenario and run it");
        Action export = new ExportDiagramAction(parent::getShell, panel::scene, "the root list at this step");
        getViewSite().getActionBars().getToolBarManager().add(open);
        getViewSite().getActionBars().getToolBarManager().add(export);
        getViewSite().getActionBars().getMenuManager().add(open);
        getViewSite().getActionBars().getMenuManager().add(export);
        String initial = System.getProperty("tdpscope.open");
        if (initial != null) {
            panel.openInBackground(Path.of(initial));
        }
    }

    public RootsPanel panel() {
        return panel;
    }

    @Override
    public void setFocus() {
        panel.setFocus();
    }
}
