/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;

import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.jface.action.Action;
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
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.actions.ContributionItemFactory;
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
        public void initialize(org.eclipse.ui.application.IWorkbenchConfigurer configurer) {
            // the workspace's images and adapters (Project Explorer icons, resource labels)
            org.eclipse.ui.ide.IDE.registerAdapters();
        }

        @Override
        public org.eclipse.core.runtime.IAdaptable getDefaultPageInput() {
            return ResourcesPlugin.getWorkspace().getRoot(); // the Project Explorer shows the workspace
        }

        @Override
        public boolean preShutdown() {
            try {
                ResourcesPlugin.getWorkspace().save(true, null); // markers and projects survive a restart
            } catch (org.eclipse.core.runtime.CoreException e) {
                org.eclipse.core.runtime.ILog.of(WorkbenchApplication.class).error("cannot save the workspace", e);
            }
            return true;
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
                    configurer.setShowProgressIndicator(true);
                }

                @Override
                public void postWindowOpen() {
                    IWorkbenchWindow w = configurer.getWindow();
                    for (IWorkbenchPage page : w.getPages()) {
                        page.hideActionSet(LINE_DELIMITERS); // a text editor's menu, not a scenario tool's
                        page.hideActionSet(OPEN_FILES); // File › Open File... is ours (titled, runs the scenario)
                    }
                    EditorFollower.install(w); // the views follow the active editor from now on
                }
            };
        }
    }

    /** The editors' "Convert Line Delimiters To" File submenu. */
    static final String LINE_DELIMITERS = "org.eclipse.ui.edit.text.actionSet.convertLineDelimitersTo";
    /** The IDE's own File › Open File... (untitled dialog), replaced by ours. */
    static final String OPEN_FILES = "org.eclipse.ui.actionSet.openFiles";

    /**
     * File (New, Open File..., Open Example, Save, Export..., Exit), Edit (Undo ... Find), Window (Show View,
     * Reset Perspective, Preferences) and Help (About). The File menu keeps a group {@code open.ext} after
     * the opening entries for further Open actions (menuContribution {@code menu:file?after=open.ext}).
     */
    private static final class MenuBar extends ActionBarAdvisor {
        private final IWorkbenchWindow window;

        MenuBar(IActionBarConfigurer bars) {
            super(bars);
            window = bars.getWindowConfigurer().getWindow();
        }

        @Override
        protected void makeActions(IWorkbenchWindow w) {
            for (ActionFactory f : new ActionFactory[] { ActionFactory.EXPORT, ActionFactory.QUIT,
                    ActionFactory.SAVE, ActionFactory.SAVE_AS, ActionFactory.SAVE_ALL, ActionFactory.CLOSE,
                    ActionFactory.CLOSE_ALL, ActionFactory.REFRESH, ActionFactory.UNDO, ActionFactory.REDO,
                    ActionFactory.CUT, ActionFactory.COPY, ActionFactory.PASTE, ActionFactory.DELETE,
                    ActionFactory.SELECT_ALL, ActionFactory.FIND, ActionFactory.RESET_PERSPECTIVE,
                    ActionFactory.PREFERENCES, ActionFactory.NEW_WIZARD_DROP_DOWN, ActionFactory.RENAME }) {
                register(f.create(w));
            }
        }

        @Override
        protected void fillMenuBar(IMenuManager bar) {
            MenuManager file = new MenuManager("&File", IWorkbenchActionConstants.M_FILE);
            bar.add(file);
            file.add(new GroupMarker(IWorkbenchActionConstants.FILE_START));
            MenuManager newMenu = new MenuManager("&New", ActionFactory.NEW.getId());
            newMenu.add(ContributionItemFactory.NEW_WIZARD_SHORTLIST.create(window)); // TDP Scope Scenario, Other...
            file.add(newMenu);
            file.add(new Action("&Open File...") {
                @Override
                public void run() {
                    Path f = Dialogs.openScenario(window.getShell(), LiveScenario.get().file());
                    if (f != null && window.getActivePage() != null) {
                        Dialogs.openInEditor(window.getActivePage(), f);
                    }
                }
            });
            ExampleScenarios.addMenu(file, WorkbenchApplication::openExample,
                    message -> MessageDialog.openError(window.getShell(), "Open Example", message));
            file.add(new GroupMarker(IWorkbenchActionConstants.OPEN_EXT));
            file.add(new Separator());
            file.add(getAction(ActionFactory.CLOSE.getId()));
            file.add(getAction(ActionFactory.CLOSE_ALL.getId()));
            file.add(new GroupMarker(IWorkbenchActionConstants.CLOSE_EXT));
            file.add(new Separator());
            file.add(getAction(ActionFactory.SAVE.getId()));
            file.add(getAction(ActionFactory.SAVE_AS.getId()));
            file.add(getAction(ActionFactory.SAVE_ALL.getId()));
            file.add(new GroupMarker(IWorkbenchActionConstants.SAVE_EXT));
            file.add(new Separator());
            file.add(getAction(ActionFactory.RENAME.getId()));
            file.add(getAction(ActionFactory.REFRESH.getId()));
            file.add(new Separator());
            file.add(getAction(ActionFactory.EXPORT.getId()));
            file.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
            file.add(new Separator());
            file.add(getAction(ActionFactory.QUIT.getId()));
            file.add(new GroupMarker(IWorkbenchActionConstants.FILE_END));

            MenuManager edit = new MenuManager("&Edit", IWorkbenchActionConstants.M_EDIT);
            bar.add(edit);
            // the groups the text editors contribute to (Find Next, Incremental Find, ...) must exist
            edit.add(new GroupMarker(IWorkbenchActionConstants.EDIT_START));
            edit.add(getAction(ActionFactory.UNDO.getId()));
            edit.add(getAction(ActionFactory.REDO.getId()));
            edit.add(new GroupMarker(IWorkbenchActionConstants.UNDO_EXT));
            edit.add(new Separator());
            edit.add(getAction(ActionFactory.CUT.getId()));
            edit.add(getAction(ActionFactory.COPY.getId()));
            edit.add(getAction(ActionFactory.PASTE.getId()));
            edit.add(new GroupMarker(IWorkbenchActionConstants.CUT_EXT));
            edit.add(new Separator());
            edit.add(getAction(ActionFactory.DELETE.getId()));
            edit.add(getAction(ActionFactory.SELECT_ALL.getId()));
            edit.add(new Separator());
            edit.add(getAction(ActionFactory.FIND.getId()));
            edit.add(new GroupMarker(IWorkbenchActionConstants.FIND_EXT));
            edit.add(new Separator());
            edit.add(new GroupMarker(IWorkbenchActionConstants.ADD_EXT));
            edit.add(new GroupMarker(IWorkbenchActionConstants.EDIT_END));
            edit.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));

            bar.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));

            MenuManager win = new MenuManager("&Window", IWorkbenchActionConstants.M_WINDOW);
            bar.add(win);
            MenuManager showView = new MenuManager("Show &View", "showView");
            showView.add(ContributionItemFactory.VIEWS_SHORTLIST.create(window));
            win.add(showView);
            win.add(getAction(ActionFactory.RESET_PERSPECTIVE.getId()));
            win.add(new Separator());
            win.add(getAction(ActionFactory.PREFERENCES.getId()));

            MenuManager help = new MenuManager("&Help", IWorkbenchActionConstants.M_HELP);
            bar.add(help);
            help.add(new Action("&About TDP Scope") {
                @Override
                public void run() {
                    MessageDialog.openInformation(window.getShell(), "About TDP Scope", aboutText());
                }
            });
        }
    }

    /** The About box's text: the product and its version (this bundle's, as built). */
    static String aboutText() {
        var bundle = FrameworkUtil.getBundle(WorkbenchApplication.class);
        String version = bundle == null ? "(development)" : bundle.getVersion().toString();
        return "TDP Scope " + version + "\n\nA simulator and visualiser of the KVM TDP MMU's root list, its walkers"
                + " and their races.\nEclipse Public License 2.0.\nJava " + System.getProperty("java.version");
    }

    static void openNewScenarioWizard(IWorkbenchWindow window) {
        NewScenarioWizard wizard = new NewScenarioWizard();
        var sel = window.getSelectionService().getSelection();
        wizard.init(window.getWorkbench(),
                sel instanceof org.eclipse.jface.viewers.IStructuredSelection s ? s : null);
        new org.eclipse.jface.wizard.WizardDialog(window.getShell(), wizard).open();
    }

    /**
     * Opens an example: copied (once) into the "TDP Scope Examples" workspace project and opened in the
     * editor; the editor becoming active runs it in the views.
     */
    static void openExample(String name) {
        IWorkbenchWindow w = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        IWorkbenchPage page = w == null ? null : w.getActivePage();
        if (page == null) {
            return;
        }
        try {
            IDE.openEditor(page, ExamplesProject.example(name), true);
        } catch (org.eclipse.core.runtime.CoreException | java.io.IOException e) {
            MessageDialog.openError(w.getShell(), "Open Example", "Cannot open the example " + name + ": "
                    + e.getMessage());
        }
    }
}
