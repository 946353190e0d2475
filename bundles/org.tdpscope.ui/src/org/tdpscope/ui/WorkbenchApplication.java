/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.runtime.Platform;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.jface.action.GroupMarker;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchActionConstants;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.application.ActionBarAdvisor;
import org.eclipse.ui.application.IActionBarConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;
import org.eclipse.ui.ide.IDE;
import org.osgi.framework.FrameworkUtil;

/** The workbench application ({@code ./tdpscope ide}). */
public final class WorkbenchApplication implements IApplication {

    @Override
    public Object start(IApplicationContext context) {
        Display display = PlatformUI.createDisplay();
        try {
            int code = PlatformUI.createAndRunWorkbench(display, new Advisor());
            return code == PlatformUI.RETURN_RESTART ? IApplication.EXIT_RESTART : IApplication.EXIT_OK;
        } finally {
            display.dispose();
        }
    }

    @Override
    public void stop() {
        if (!PlatformUI.isWorkbenchRunning()) {
            return;
        }
        IWorkbench workbench = PlatformUI.getWorkbench();
        Display display = workbench.getDisplay();
        display.syncExec(() -> {
            if (!display.isDisposed()) {
                workbench.close();
            }
        });
    }

    private static final class Advisor extends WorkbenchAdvisor {
        @Override
        public String getInitialWindowPerspectiveId() {
            return TdpPerspective.ID;
        }

        @Override
        public WorkbenchWindowAdvisor createWorkbenchWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
            return new WorkbenchWindowAdvisor(configurer) {
                @Override
                public ActionBarAdvisor createActionBarAdvisor(IActionBarConfigurer bars) {
                    return new MenuBar(bars);
                }

                @Override
                public void preWindowOpen() {
                    configurer.setTitle("TDP Scope");
                    configurer.setInitialSize(new org.eclipse.swt.graphics.Point(1200, 800));
                    configurer.setShowStatusLine(true);
                }
            };
        }
    }

    /** File (Open Example, Export..., contributed additions, Exit) in the window's menu bar. */
    private static final class MenuBar extends ActionBarAdvisor {
        private final IWorkbenchWindow window;

        MenuBar(IActionBarConfigurer bars) {
            super(bars);
            window = bars.getWindowConfigurer().getWindow();
        }

        @Override
        protected void makeActions(IWorkbenchWindow w) {
            register(ActionFactory.EXPORT.create(w)); // the export wizards (org.eclipse.ui.exportWizards)
            register(ActionFactory.QUIT.create(w));
        }

        @Override
        protected void fillMenuBar(IMenuManager bar) {
            MenuManager file = new MenuManager("&File", IWorkbenchActionConstants.M_FILE);
            bar.add(file);
            ExampleScenarios.addMenu(file, examplesFolder(), WorkbenchApplication::openExample,
                    message -> MessageDialog.openError(window.getShell(), "Open Example", message));
            file.add(new Separator());
            file.add(getAction(ActionFactory.EXPORT.getId()));
            file.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
            file.add(new Separator());
            file.add(getAction(ActionFactory.QUIT.getId()));
            bar.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
        }
    }

    /** Where examples are written for editing: this bundle's state folder in the workspace. */
    static Path examplesFolder() {
        return Path.of(Platform.getStateLocation(FrameworkUtil.getBundle(WorkbenchApplication.class)).toOSString(),
                "examples");
    }

    /** Opens a scenario file in the scenario editor and runs it in the Roots view. */
    static void openExample(Path file) {
        IWorkbenchWindow w = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        IWorkbenchPage page = w == null ? null : w.getActivePage();
        if (page == null) {
            return;
        }
        try {
            IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(file.toUri()));
            RootsView roots = (RootsView) page.showView(RootsView.ID);
            roots.panel().openInBackground(file);
        } catch (PartInitException e) {
            MessageDialog.openError(w.getShell(), "Open Example", "Cannot open " + file + ": " + e.getMessage());
        }
    }
}
