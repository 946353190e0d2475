/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.tdpscope.trace.ImportedTrace;

/** Trace: a real machine's KVM MMU trace, imported by File › Open Trace…. */
public final class TraceView extends ViewPart {

    public static final String ID = "org.tdpscope.ui.trace";

    private TracePanel panel;
    private ExportDiagramAction exportTables;

    @Override
    public void createPartControl(Composite parent) {
        panel = new TracePanel(parent, SWT.NONE);
        ExportDiagramAction export = new ExportDiagramAction(parent::getShell, panel::forExport,
                "the trace's timeline as shown (its time window and lanes)", () -> panel.trace() == null ? null
                        : panel.trace().file(), "trace-timeline");
        getViewSite().getActionBars().getToolBarManager().add(export);
        getViewSite().getActionBars().getMenuManager().add(export);
        // the reconstructed page tables, the tree of the view, as a picture of their own
        exportTables = new ExportDiagramAction(parent::getShell, panel::pageTablesForExport,
                "the page tables reconstructed from the trace (each traced SPTE with the line that set it)",
                () -> panel.trace() == null ? null : panel.trace().file(), "page-tables");
        exportTables.setText("Export Page Tables...");
        exportTables.setEnabled(panel.hasPageTables());
        getViewSite().getActionBars().getToolBarManager().add(exportTables);
        getViewSite().getActionBars().getMenuManager().add(exportTables);
    }

    /**
     * Shows an import, naming the view after its file; a cancelled one does not replace a complete import
     * shown ({@link TracePanel#offer}).
     */
    public void show(ImportedTrace trace) {
        if (panel.offer(trace)) {
            setPartName(trace == null ? "Trace" : "Trace: " + trace.file().getFileName());
            setContentDescription("");
        }
        exportTables.setEnabled(panel.hasPageTables());
    }

    public TracePanel panel() {
        return panel;
    }

    @Override
    public void setFocus() {
        panel.canvas().setFocus();
    }
}
