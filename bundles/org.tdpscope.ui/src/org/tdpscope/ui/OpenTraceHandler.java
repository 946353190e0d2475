/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.handlers.HandlerUtil;
import org.tdpscope.trace.ImportedTrace;

/**
 * File › Open Trace…: imports a kvmmmu trace as a background job (progress by bytes read, cancel keeps
 * what was read) and shows it in the Trace view; a cancelled import does not replace a complete one shown
 * there, the view says where it stopped instead ({@link TracePanel#offer}).
 */
public final class OpenTraceHandler extends AbstractHandler {

    @Override
    public Object execute(ExecutionEvent event) {
        Shell shell = HandlerUtil.getActiveShell(event);
        FileDialog d = new FileDialog(shell, SWT.OPEN);
        d.setText("Open Trace");
        d.setFilterNames(new String[] { "Traces (*.txt, *.trace, *.dat, *.log)", "All files" });
        d.setFilterExtensions(new String[] { "*.txt;*.trace;*.dat;*.log", "*" });
        String chosen = d.open();
        if (chosen != null) {
            open(Path.of(chosen));
        }
        return null;
    }

    /** Imports {@code file} in a job and shows it in the Trace view; returns the job (tests join it). */
    public static Job open(Path file) {
        Job job = new Job("Importing trace " + file.getFileName()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                long size;
                try {
                    size = Files.size(file);
                } catch (IOException e) {
                    report("Cannot open " + file + ": " + e.getMessage());
                    return Status.OK_STATUS;
                }
                int total = (int) Math.max(1, size >> 20); // ticks of 1 MiB
                monitor.beginTask("Importing " + file.getFileName(), total);
                int[] done = { 0 };
                ImportedTrace t;
                try {
                    t = ImportedTrace.read(file, (bytes, events) -> {
                        int mib = (int) Math.min(total, bytes >> 20);
                        if (mib > done[0]) {
                            monitor.worked(mib - done[0]);
                            done[0] = mib;
                        }
                        monitor.subTask(String.format(java.util.Locale.ROOT, "%,d events", events));
                        return !monitor.isCanceled();
                    });
                } catch (IOException e) {
                    report(e.getMessage());
                    return Status.OK_STATUS;
                } catch (OutOfMemoryError e) {
                    report("The import of " + file.getFileName() + " ran out of memory: a larger Java heap (-Xmx) "
                            + "is needed for it");
                    return Status.OK_STATUS;
                } catch (RuntimeException e) { // said in a sentence, never as a stack trace
                    report("The import of " + file.getFileName() + " failed: " + (e.getMessage() != null ? e
                            .getMessage() : e.getClass().getSimpleName()));
                    return Status.OK_STATUS;
                } finally {
                    monitor.done();
                }
                Display.getDefault().asyncExec(() -> show(t));
                return Status.OK_STATUS;
            }
        };
        job.setUser(true);
        job.schedule();
        return job;
    }

    private static void show(ImportedTrace t) {
        if (!PlatformUI.isWorkbenchRunning()) {
            return;
        }
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        try {
            TraceView view = (TraceView) page.showView(TraceView.ID);
            view.show(t);
        } catch (PartInitException e) {
            MessageDialog.openError(page.getWorkbenchWindow().getShell(), "Open Trace", "Cannot show the Trace view: "
                    + e.getMessage());
        }
    }

    private static void report(String message) {
        Display.getDefault().asyncExec(() -> MessageDialog.openError(Display.getDefault().getActiveShell(),
                "Open Trace", message));
    }
}
