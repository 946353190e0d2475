/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;

import org.eclipse.jface.action.Action;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IPathEditorInput;
import org.eclipse.ui.IURIEditorInput;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.part.ViewPart;

/**
 * The Explorer view: every interleaving of the active editor's scenario, the distinct outcomes per
 * policy with counts, each outcome's shortest schedule opened in the Roots view or saved as a script.
 */
public final class ExplorerView extends ViewPart {

    public static final String ID = "org.tdpscope.ui.explorer";

    private ExplorerViewPanel panel;
    private Path file;

    @Override
    public void createPartControl(Composite parent) {
        panel = new ExplorerViewPanel(parent, SWT.NONE);
        panel.setRootsTarget(this::rootsPanel);
        panel.setScenarioSource(this::activeScenario);
        Action explore = new Action("Explore Active Scenario") {
            @Override
            public void run() {
                panel.exploreFromSource();
            }
        };
        explore.setToolTipText("Explore the scenario of the active .tdp editor (saved first), or the one opened here");
        Action open = new Action("Open Scenario...") {
            @Override
            public void run() {
                Path f = Dialogs.openScenario(parent.getShell(), file);
                if (f != null && panel.load(f)) {
                    file = f;
                    panel.explore();
                }
            }
        };
        open.setToolTipText("Open a .tdp scenario and explore it");
        Action save = new Action("Save Counterexample As...") {
            @Override
            public void run() {
                panel.saveAs();
            }
        };
        save.setToolTipText("Save the selected outcome's shortest schedule as a scenario script");
        for (Action a : new Action[] { explore, open, save }) {
            getViewSite().getActionBars().getToolBarManager().add(a);
            getViewSite().getActionBars().getMenuManager().add(a);
        }
        EditorFollower.install(getSite().getWorkbenchWindow());
        LiveScenario.get().listen(follow);
    }

    /**
     * The active editor's scenario is the one explored: switching to another one (or saving it) shows
     * that scenario, its results cleared, unless an exploration is running (its results then say
     * which scenario they are of).
     */
    private final java.util.function.Consumer<LiveScenario.Source> follow = source -> {
        if (panel == null || panel.isDisposed() || source.file() == null
                || source.reason() == LiveScenario.Reason.TYPED) {
            return;
        }
        boolean other = !source.file().equals(file);
        if (other || source.reason() == LiveScenario.Reason.SAVED) {
            if (panel.follow(source.file(), other)) { // not read until Explore: no parse on the UI thread
                file = source.file();
            }
        }
    };

    @Override
    public void dispose() {
        LiveScenario.get().unlisten(follow);
        super.dispose();
    }

    /**
     * The active editor's .tdp file (after asking to save unsaved changes: the explorer reads the file),
     * else the one opened here; null when the user declines to save or there is none.
     */
    private Path activeScenario() {
        IWorkbenchPage page = getSite().getPage();
        IEditorPart editor = page.getActiveEditor();
        Path editorFile = editor == null ? null : pathOf(editor.getEditorInput());
        if (editorFile != null && editorFile.toString().endsWith(".tdp")) {
            if (editor.isDirty() && !page.saveEditor(editor, true)) {
                return null;
            }
            file = editorFile;
        }
        return file;
    }

    private static Path pathOf(IEditorInput input) {
        if (input instanceof IPathEditorInput p) {
            return p.getPath().toFile().toPath();
        }
        if (input instanceof IURIEditorInput u && "file".equals(u.getURI().getScheme())) {
            return Path.of(u.getURI());
        }
        return null;
    }

    /**
     * The Roots view's panel, the view created if it is not, but not brought forward: a click on an
     * outcome leaves a maximized Explorer and the focus where they are.
     */
    private RootsPanel rootsPanel() {
        try {
            IViewPart v = getSite().getPage().findView(RootsView.ID);
            if (v == null) {
                v = getSite().getPage().showView(RootsView.ID, null, IWorkbenchPage.VIEW_CREATE);
            }
            return v instanceof RootsView r ? r.panel() : null;
        } catch (PartInitException e) {
            return null;
        }
    }

    public ExplorerViewPanel panel() {
        return panel;
    }

    @Override
    public void setFocus() {
        panel.setFocus();
    }
}
