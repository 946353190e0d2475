/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.IMemento;
import org.eclipse.ui.IViewSite;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.part.ViewPart;
import org.tdpscope.trace.ImportedTrace;

/**
 * Trace: a real machine's KVM MMU trace, imported by File › Open Trace…. The workbench remembers the file
 * each Trace view shows and imports it again when it starts, as it reopens its editors' files.
 */
public final class TraceView extends ViewPart {

    public static final String ID = "org.tdpscope.ui.trace";
    /** The memento key of the file shown. */
    static final String FILE = "file";

    private TracePanel panel;
    private ExportDiagramAction export;
    private ExportDiagramAction exportTables;
    private Path restore; // the file this view showed when the workbench closed

    @Override
    public void init(IViewSite site, IMemento memento) throws PartInitException {
        super.init(site, memento);
        String f = memento == null ? null : memento.getString(FILE);
        if (f != null && !f.isEmpty()) {
            restore = Path.of(f);
            setPartName("Trace: " + restore.getFileName());
        }
    }

    @Override
    public void saveState(IMemento memento) {
        Path f = file(); // one still importing when the workbench closed is kept too
        if (f != null) {
            memento.putString(FILE, f.toAbsolutePath().toString());
        }
    }

    @Override
    public void createPartControl(Composite parent) {
        panel = new TracePanel(parent, SWT.NONE);
        export = new ExportDiagramAction(parent::getShell, panel::forExport,
                "the trace's timeline as shown (its time window and lanes)", () -> panel.trace() == null ? null
                        : panel.trace().file(), "trace-timeline");
        export.setEnabled(false); // an empty view has no picture to write
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
        if (restore != null) {
            OpenTraceHandler.open(restore, this);
        }
    }

    /**
     * Shows an import, naming the view after its file; a cancelled one does not replace a complete import
     * shown ({@link TracePanel#offer}).
     */
    public void show(ImportedTrace trace) {
        if (panel.offer(trace)) {
            restore = null;
            setPartName(trace == null ? "Trace" : "Trace: " + trace.file().getFileName());
            setContentDescription("");
        }
        exportTables.setEnabled(panel.hasPageTables());
        export.setEnabled(panel.trace() != null);
    }

    /** The file this view shows, or is importing again since the workbench started; null if none. */
    Path file() {
        ImportedTrace t = panel == null ? null : panel.trace();
        return t != null ? t.file() : restore;
    }

    public TracePanel panel() {
        return panel;
    }

    @Override
    public void setFocus() {
        panel.canvas().setFocus();
    }
}
