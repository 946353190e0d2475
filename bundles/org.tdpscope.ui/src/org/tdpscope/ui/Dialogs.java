/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.IPath;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.ide.IDE;

/** The file dialogs and editor opening the views and menus share: titled, starting in a sensible folder. */
final class Dialogs {

    private Dialogs() {
    }

    /**
     * Where file dialogs start when nothing better is known: the examples project if it exists, else
     * the workspace folder; null outside a workspace.
     */
    static Path defaultFolder() {
        try {
            var root = ResourcesPlugin.getWorkspace().getRoot();
            var examples = root.getProject(ExamplesProject.NAME);
            if (examples.exists() && examples.getLocation() != null) {
                return examples.getLocation().toFile().toPath();
            }
            return root.getLocation() == null ? null : root.getLocation().toFile().toPath();
        } catch (IllegalStateException e) {
            return null; // no workspace (a test shell)
        }
    }

    /** Asks for a scenario file to open; starts beside {@code near} (the scenario shown), if any. */
    static Path openScenario(Shell shell, Path near) {
        FileDialog d = new FileDialog(shell, SWT.OPEN);
        d.setText("Open Scenario");
        d.setFilterExtensions(new String[] { "*.tdp", "*" });
        d.setFilterNames(new String[] { "Scenarios (*.tdp)", "All files" });
        Path dir = near != null && near.toAbsolutePath().getParent() != null ? near.toAbsolutePath().getParent()
                : defaultFolder();
        if (dir != null) {
            d.setFilterPath(dir.toString());
        }
        String f = d.open();
        return f == null ? null : Path.of(f);
    }

    /**
     * Opens a file in its editor (a workspace file as a resource, so its problems reach the Problems
     * view); the editor becoming active runs it in the views.
     */
    static void openInEditor(IWorkbenchPage page, Path file) {
        try {
            IFile inWorkspace = workspaceFile(file);
            if (inWorkspace != null) {
                IDE.openEditor(page, inWorkspace, true);
            } else {
                IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(file.toUri()));
            }
        } catch (PartInitException | RuntimeException e) {
            MessageDialog.openError(page.getWorkbenchWindow().getShell(), "Open Scenario",
                    "Cannot open " + file + ": " + e.getMessage());
        }
    }

    /** The workspace file at a local path, or null when it is not in an open project. */
    static IFile workspaceFile(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            IFile[] found = ResourcesPlugin.getWorkspace().getRoot()
                    .findFilesForLocationURI(file.toAbsolutePath().toUri());
            for (IFile f : found) {
                if (f.getProject().isOpen()) {
                    return f;
                }
            }
            return null;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    static IPath location(IFile f) {
        return f.getLocation();
    }
}
