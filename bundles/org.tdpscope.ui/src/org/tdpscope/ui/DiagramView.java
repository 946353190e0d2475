/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;

/**
 * A view that draws one export diagram of the run and step the Roots view shows: the view holds no
 * simulation logic, the diagram comes from the export bundle as a {@link Scene}.
 */
public abstract class DiagramView extends ViewPart {

    private SceneCanvas canvas;
    private final Consumer<RootsPanel> follow = this::show;

    /** The diagram for the panel's current run and step; a hint scene when there is nothing to draw. */
    protected abstract Scene diagram(RootsPanel panel);

    @Override
    public void createPartControl(Composite parent) {
        canvas = new SceneCanvas(parent, SWT.NONE); // scrolls itself
        ExportDiagramAction export = new ExportDiagramAction(parent::getShell, canvas::scene,
                "this view's diagram at this step", () -> LiveScenario.get().file(), kind());
        getViewSite().getActionBars().getToolBarManager().add(export);
        getViewSite().getActionBars().getMenuManager().add(export);
        ZoomActions.add(getViewSite().getActionBars(), this::canvas);
        canvas.setFitting(true); // the whole drawing at first; zooming takes over
        RunSelection.listen(follow);
    }

    private void show(RootsPanel panel) {
        if (canvas == null || canvas.isDisposed() || panel.simulationAtStep() == null) {
            return;
        }
        canvas.setScene(diagram(panel));
    }

    /** The diagram's word in an exported file's name ({@code scenario-KIND.svg}). */
    protected String kind() {
        return "diagram";
    }

    /** The canvas the diagram is drawn on (a subclass with controls of its own redraws it). */
    protected SceneCanvas canvas() {
        return canvas;
    }

    /** A one-line scene that says why there is no diagram. */
    protected static Scene hint(String text) {
        return Scene.message(text, Theme.LIGHT);
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }

    @Override
    public void dispose() {
        RunSelection.unlisten(follow);
        super.dispose();
    }
}
