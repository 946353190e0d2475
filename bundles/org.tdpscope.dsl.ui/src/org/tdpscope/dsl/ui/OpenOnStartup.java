/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.runtime.ILog;
import org.eclipse.ui.IStartup;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;

/**
 * Opens the scenario named by the system property {@code tdpscope.open} (as {@code ./tdpscope ide}
 * passes it) in the scenario editor once the workbench window is up.
 */
public final class OpenOnStartup implements IStartup {

    public static final String PROPERTY = "tdpscope.open";

    @Override
    public void earlyStartup() {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank() || !file.endsWith(".tdp") || !Files.isRegularFile(Path.of(file))) {
            return;
        }
        IWorkbench wb = PlatformUI.getWorkbench();
        wb.getDisplay().asyncExec(() -> {
            IWorkbenchWindow w = wb.getActiveWorkbenchWindow();
            if (w == null && wb.getWorkbenchWindowCount() > 0) {
                w = wb.getWorkbenchWindows()[0];
            }
            IWorkbenchPage page = w == null ? null : w.getActivePage();
            if (page == null) {
                return;
            }
            try {
                IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(Path.of(file).toUri()));
            } catch (PartInitException | RuntimeException e) {
                ILog.of(OpenOnStartup.class).error("cannot open " + file + " in the scenario editor", e);
            }
        });
    }
}
