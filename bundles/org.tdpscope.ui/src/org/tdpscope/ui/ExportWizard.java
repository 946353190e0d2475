/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IExportWizard;
import org.eclipse.ui.IPathEditorInput;
import org.eclipse.ui.IURIEditorInput;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.export.RunExport;

/**
 * File &gt; Export &gt; TDP Scope &gt; Diagrams of a Scenario Run: the diagrams of a whole run, as
 * {@code tdpscope export} writes them (the same {@link RunExport}, so the same bytes). The export
 * runs as a Job while the wizard waits; every file is rendered before the first is written, each is
 * written atomically, and a failure (a bad script, a diagram with nothing to draw, an unwritable
 * directory) keeps the wizard open with the reason and leaves no file half-written.
 */
public final class ExportWizard extends Wizard implements IExportWizard {

    public static final String ID = "org.tdpscope.ui.exportWizard";

    private ExportWizardPage page;
    private String initialScenario;
    private volatile List<Path> written = List.of();

    public ExportWizard() {
        setWindowTitle("Export Diagrams");
        setNeedsProgressMonitor(true);
    }

    /**
     * The default scenario: the active editor's file, else the Roots view's, else the one the workbench
     * was started on.
     */
    @Override
    public void init(IWorkbench workbench, IStructuredSelection selection) {
        initialScenario = activeEditorFile(workbench);
        if (initialScenario == null) {
            initialScenario = rootsViewFile(workbench);
        }
        if (initialScenario == null) {
            initialScenario = System.getProperty("tdpscope.open");
        }
    }

    /** The file of the run the Roots view shows, if it came from a file. */
    private static String rootsViewFile(IWorkbench workbench) {
        IWorkbenchWindow window = workbench == null ? null : workbench.getActiveWorkbenchWindow();
        IWorkbenchPage p = window == null ? null : window.getActivePage();
        if (p != null && p.findView(RootsView.ID) instanceof RootsView v && v.panel() != null) {
            Path f = v.panel().scenarioFile();
            return f == null ? null : f.toString();
        }
        return null;
    }

    private static String activeEditorFile(IWorkbench workbench) {
        IWorkbenchWindow window = workbench == null ? null : workbench.getActiveWorkbenchWindow();
        IWorkbenchPage p = window == null ? null : window.getActivePage();
        IEditorPart editor = p == null ? null : p.getActiveEditor();
        IEditorInput input = editor == null ? null : editor.getEditorInput();
        if (input instanceof IPathEditorInput pathInput) {
            return pathInput.getPath().toOSString(); // a workspace file
        }
        if (input instanceof IURIEditorInput uriInput && uriInput.getURI() != null
                && "file".equals(uriInput.getURI().getScheme())) {
            return Path.of(uriInput.getURI()).toString(); // File > Open File...
        }
        return null;
    }

    @Override
    public void addPages() {
        Path dir = initialScenario == null ? null : Path.of(initialScenario).toAbsolutePath().getParent();
        page = new ExportWizardPage(initialScenario, dir == null ? null : dir.resolve("diagrams").toString());
        addPage(page);
    }

    @Override
    public boolean performFinish() {
        Path file = page.scenarioFile();
        Path dir = page.targetDirectory();
        RunExport.Choices choices = page.choices();
        Job job = Job.create("Export diagrams of " + file.getFileName(), monitor -> {
            monitor.beginTask("Rendering the diagrams of " + file.getFileName(), IProgressMonitor.UNKNOWN);
            try {
                return export(file, dir, choices);
            } finally {
                monitor.done();
            }
        });
        job.setUser(false);
        job.schedule();
        try {
            getContainer().run(true, false, monitor -> {
                monitor.beginTask("Exporting " + file.getFileName() + " into " + dir, IProgressMonitor.UNKNOWN);
                job.join();
                monitor.done();
            });
        } catch (InvocationTargetException e) {
            page.setErrorMessage("Export failed: " + e.getCause());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            page.setErrorMessage("Export interrupted");
            return false;
        }
        IStatus result = job.getResult();
        if (result == null || !result.isOK()) {
            page.setErrorMessage(result == null ? "Export did not finish" : result.getMessage());
            return false;
        }
        return true;
    }

    /** Loads, renders everything, then writes; the status says what went wrong in the user's terms. */
    private IStatus export(Path file, Path dir, RunExport.Choices choices) {
        LoadedScenario loaded = TdpScenarios.create().load(file);
        if (loaded.hasErrors()) {
            return error(loaded.errorText());
        }
        RunExport.Result r = RunExport.documents(RunExport.baseName(file.getFileName().toString()), loaded.name(), loaded.scenario(), choices);
        if (!r.problems().isEmpty()) {
            return error(String.join("\n", r.problems()));
        }
        try {
            written = RunExport.write(dir, r.documents());
        } catch (IOException e) {
            return error(e.getMessage());
        }
        return Status.OK_STATUS;
    }

    private static IStatus error(String message) {
        return new Status(IStatus.ERROR, "org.tdpscope.ui", message);
    }

    /** The files the last finished export wrote. */
    public List<Path> written() {
        return written;
    }

    ExportWizardPage page() {
        return page;
    }
}
