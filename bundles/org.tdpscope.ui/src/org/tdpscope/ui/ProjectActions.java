/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.eclipse.core.resources.IFile;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredViewer;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.ui.IActionBars;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.actions.DeleteResourceAction;
import org.eclipse.ui.actions.RefreshAction;
import org.eclipse.ui.actions.RenameResourceAction;
import org.eclipse.ui.ide.IDE;
import org.eclipse.ui.navigator.CommonActionProvider;
import org.eclipse.ui.navigator.ICommonActionConstants;
import org.eclipse.ui.navigator.ICommonActionExtensionSite;
import org.eclipse.ui.navigator.ICommonViewerWorkbenchSite;

/**
 * The Project Explorer's actions on workspace files: open (double click, Enter), New Scenario, rename
 * (F2), delete, refresh.
 */
public final class ProjectActions extends CommonActionProvider {

    private Action open;
    private RenameResourceAction rename;
    private DeleteResourceAction delete;
    private RefreshAction refresh;
    private Action newScenario;

    @Override
    public void init(ICommonActionExtensionSite site) {
        if (!(site.getViewSite() instanceof ICommonViewerWorkbenchSite ws)) {
            return;
        }
        StructuredViewer viewer = site.getStructuredViewer();
        IWorkbenchPage page = ws.getPage();
        open = new Action("&Open") {
            @Override
            public void run() {
                if (viewer.getStructuredSelection().getFirstElement() instanceof IFile f) {
                    try {
                        IDE.openEditor(page, f, true);
                    } catch (PartInitException e) {
                        org.eclipse.jface.dialogs.MessageDialog.openError(ws.getShell(), "Open",
                                "Cannot open " + f.getFullPath() + ": " + e.getMessage());
                    }
                }
            }
        };
        rename = viewer.getControl() instanceof Tree tree ? new RenameResourceAction(ws::getShell, tree)
                : new RenameResourceAction(ws::getShell);
        rename.setActionDefinitionId("org.eclipse.ui.edit.rename");
        delete = new DeleteResourceAction(ws::getShell);
        delete.setActionDefinitionId("org.eclipse.ui.edit.delete");
        refresh = new RefreshAction(ws::getShell);
        newScenario = new Action("New &Scenario...") {
            @Override
            public void run() {
                WorkbenchApplication.openNewScenarioWizard(page.getWorkbenchWindow());
            }
        };
    }

    private void update() {
        if (open == null) {
            return;
        }
        IStructuredSelection sel = (IStructuredSelection) getContext().getSelection();
        open.setEnabled(sel.getFirstElement() instanceof IFile);
        rename.selectionChanged(sel);
        delete.selectionChanged(sel);
        refresh.selectionChanged(sel);
    }

    @Override
    public void fillContextMenu(IMenuManager menu) {
        if (open == null) {
            return;
        }
        update();
        menu.add(open);
        menu.add(newScenario);
        menu.add(new org.eclipse.jface.action.Separator());
        menu.add(rename);
        menu.add(delete);
        menu.add(refresh);
    }

    @Override
    public void fillActionBars(IActionBars bars) {
        if (open == null) {
            return;
        }
        update();
        bars.setGlobalActionHandler(ICommonActionConstants.OPEN, open);
        bars.setGlobalActionHandler(ActionFactory.RENAME.getId(), rename);
        bars.setGlobalActionHandler(ActionFactory.DELETE.getId(), delete);
        bars.setGlobalActionHandler(ActionFactory.REFRESH.getId(), refresh);
    }
}
