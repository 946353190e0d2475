/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.tdpscope.export.PageTableDiagram;
import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;

/** Page tables: the TDP trees of the live roots at the current step, laid out by ELK. */
public final class PageTablesView extends DiagramView {

    public static final String ID = "org.tdpscope.ui.tables";

    /** Views are for looking: a screenful of tables, the exporter draws up to 500. */
    static final int MAX_TABLES = 120;

    @Override
    protected Scene diagram(RootsPanel panel) {
        return scene(panel);
    }

    static Scene scene(RootsPanel panel) {
        var kvm = panel.simulationAtStep().kvm();
        if (kvm.allRoots().stream().allMatch(r -> r.freed())) {
            return hint("no live TDP root at step " + panel.step());
        }
        var forest = PageTableDiagram.tdp(kvm, 0, kvm.mmu().gfnLimit(), MAX_TABLES);
        return PageTableDiagram.layout(panel.scenarioName(), "TDP page tables at step " + panel.step(), forest,
                Theme.LIGHT);
    }
}
