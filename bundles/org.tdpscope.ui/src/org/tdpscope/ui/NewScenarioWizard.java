/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.eclipse.core.resources.IContainer;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IAdaptable;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.ui.INewWizard;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.dialogs.WizardNewFileCreationPage;
import org.eclipse.ui.ide.IDE;

/**
 * File › New › TDP Scope Scenario: a {@code .tdp} file in a workspace project (a project "Scenarios"
 * is made when there is none), started from a small scenario that runs, opened in the editor.
 */
public final class NewScenarioWizard extends Wizard implements INewWizard {

    public static final String ID = "org.tdpscope.ui.newScenario";
    public static final String DEFAULT_PROJECT = "Scenarios";

    /** What a new scenario starts as: two vCPUs, a fast zap between them, one expectation; it runs. */
    static final String TEMPLATE = """
            // What happens, in a sentence or two.
            scenario "NAME" {

              vm {
                memslot 0: gfn 0x0 .. 0x40000
                vcpu v0 role default
                vcpu v1 role default
              }

              policy continue

              threads {
                vcpu v0: load root; fault gfn 0x10 write   // creates A
                invalidator Z: fast zap
                vcpu v1: load root; fault gfn 0x20 write   // creates B
              }

              schedule {
                v0 to end
                Z to end
                v1 to end
              }

              expect {
                A invalid
                no violation
              }
            }
            """;

    private IWorkbench workbench;
    private IStructuredSelection selection;
    private WizardNewFileCreationPage page;

    public NewScenarioWizard() {
        setWindowTitle("New TDP Scope Scenario");
        setNeedsProgressMonitor(false);
    }

    @Override
    public void init(IWorkbench wb, IStructuredSelection sel) {
        this.workbench = wb;
        this.selection = sel == null || sel.isEmpty() ? defaultSelection() : sel;
    }

    /** The first open project, or a new "Scenarios" project when there is none. */
    private static IStructuredSelection defaultSelection() {
        for (IProject p : ResourcesPlugin.getWorkspace().getRoot().getProjects()) {
            if (p.isOpen()) {
                return new StructuredSelection(p);
            }
        }
        try {
            IProject p = ResourcesPlugin.getWorkspace().getRoot().getProject(DEFAULT_PROJECT);
            if (!p.exists()) {
                p.create(null);
            }
            p.open(null);
            return new StructuredSelection(p);
        } catch (CoreException e) {
            return StructuredSelection.EMPTY;
        }
    }

    @Override
    public void addPages() {
        page = new WizardNewFileCreationPage("scenario", selection) {
            @Override
            protected InputStream getInitialContents() {
                String name = getFileName().replaceFirst("\\.tdp$", "").replace('"', '\'');
                return new ByteArrayInputStream(TEMPLATE.replace("NAME", name).getBytes(StandardCharsets.UTF_8));
            }
        };
        page.setTitle("TDP Scope Scenario");
        page.setDescription("A scenario script (.tdp) in a workspace project, opened in the editor and run.");
        page.setFileExtension("tdp");
        page.setFileName("scenario.tdp");
        if (selection.getFirstElement() instanceof IAdaptable a) {
            IResource r = a.getAdapter(IResource.class);
            IContainer c = r instanceof IContainer ct ? ct : r == null ? null : r.getParent();
            if (c != null) {
                page.setContainerFullPath(c.getFullPath());
            }
        }
        addPage(page);
    }

    @Override
    public boolean performFinish() {
        IFile file = page.createNewFile();
        if (file == null) {
            return false;
        }
        IWorkbenchPage p = workbench == null || workbench.getActiveWorkbenchWindow() == null ? null
                : workbench.getActiveWorkbenchWindow().getActivePage();
        if (p != null) {
            try {
                IDE.openEditor(p, file, true);
            } catch (PartInitException e) {
                MessageDialog.openError(getShell(), "New Scenario", "Cannot open " + file.getFullPath() + ": "
                        + e.getMessage());
            }
        }
        return true;
    }

    /** The file the wizard made (after finish), for tests. */
    IFile createdFile() {
        return page == null ? null : ResourcesPlugin.getWorkspace().getRoot().getFile(
                page.getContainerFullPath().append(page.getFileName()));
    }
}
