/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.TabFolder;
import org.eclipse.swt.widgets.TabItem;
import org.eclipse.ui.part.ViewPart;
import org.tdpscope.export.PageTableDiagram;
import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;

/**
 * Page tables at the current step: guest and TDP tables as a lazily expanded tree, and beside it
 * the TDP trees of the live roots laid out by ELK (drawn only when that tab is shown).
 */
public final class PageTablesView extends ViewPart {

    public static final String ID = "org.tdpscope.ui.tables";

    /** Views are for looking: a screenful of tables, the exporter draws up to 500. */
    static final int MAX_TABLES = 120;

    private TabFolder tabs;
    private PageTablesPanel tree;
    private SceneCanvas picture;
    private RootsPanel last;
    private final Consumer<RootsPanel> follow = p -> {
        last = p;
        drawPicture();
    };

    @Override
    public void createPartControl(Composite parent) {
        tabs = new TabFolder(parent, SWT.BOTTOM);
        TabItem treeTab = new TabItem(tabs, SWT.NONE);
        treeTab.setText("Tree");
        tree = new PageTablesPanel(tabs, SWT.NONE);
        treeTab.setControl(tree);
        TabItem pictureTab = new TabItem(tabs, SWT.NONE);
        pictureTab.setText("Diagram");
        picture = new SceneCanvas(tabs, SWT.NONE);
        pictureTab.setControl(picture);
        tabs.addListener(SWT.Selection, e -> drawPicture());
        ExportDiagramAction export = new ExportDiagramAction(parent::getShell,
                () -> last == null || last.isDisposed() || last.simulationAtStep() == null ? null : scene(last),
                "the TDP page-table diagram at this step", () -> LiveScenario.get().file(), "tables");
        getViewSite().getActionBars().getToolBarManager().add(export);
        getViewSite().getActionBars().getMenuManager().add(export);
        ZoomActions.add(getViewSite().getActionBars(), () -> picture);
        picture.setFitting(true);
        RunSelection.listen(follow);
    }

    private void drawPicture() {
        if (picture == null || picture.isDisposed() || tabs.getSelectionIndex() != 1 || last == null
                || last.isDisposed() || last.simulationAtStep() == null) {
            return;
        }
        picture.setScene(scene(last));
    }

    static Scene scene(RootsPanel panel) {
        var kvm = panel.simulationAtStep().kvm();
        if (kvm.allRoots().stream().allMatch(r -> r.freed())) {
            return Scene.message("no live TDP root at step " + panel.step(), Theme.LIGHT);
        }
        var forest = PageTableDiagram.tdp(kvm, 0, kvm.mmu().gfnLimit(), MAX_TABLES);
        return PageTableDiagram.layout(panel.scenarioName(), "TDP page tables at step " + panel.step(), forest,
                Theme.LIGHT);
    }

    @Override
    public void setFocus() {
        tabs.setFocus();
    }

    @Override
    public void dispose() {
        RunSelection.unlisten(follow);
        super.dispose();
    }
}
