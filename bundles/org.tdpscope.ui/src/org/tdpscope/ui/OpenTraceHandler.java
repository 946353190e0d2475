/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IViewReference;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.handlers.HandlerUtil;
import org.tdpscope.trace.ImportedTrace;

/**
 * File › Open Trace…: imports a kvmmmu trace as a background job (progress by bytes read, cancel keeps
 * what was read) and shows it in a Trace view; a cancelled import does not replace a complete one shown
 * there, the view says where it stopped instead ({@link TracePanel#offer}). Each file has a Trace view of
 * its own, so two captures (before and after a patch, two hosts) can be set side by side: opening the file
 * a view shows imports it again there, an empty view takes the next file, and any other file opens a new
 * Trace view beside the others.
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

    /** Imports {@code file} in a job and shows it in a Trace view; returns the job (tests join it). */
    public static Job open(Path file) {
        return open(file, null);
    }

    /**
     * Imports {@code file} in a job and shows it in {@code into}, a Trace view the workbench restored with
     * the trace it showed when it closed (null: the Trace view {@link #target} chooses); a problem is then
     * said in that view, not in a dialog over a workbench that is starting.
     */
    static Job open(Path file, TraceView into) {
        Job job = new Job("Importing trace " + file.getFileName()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                long size;
                try {
                    size = Files.size(file);
                } catch (IOException e) {
                    report(into, "Cannot open " + file + ": " + (e instanceof java.nio.file.NoSuchFileException
                            ? "no such file" : e.getMessage()));
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
                    report(into, e.getMessage());
                    return Status.OK_STATUS;
                } catch (OutOfMemoryError e) {
                    report(into, "The import of " + file.getFileName() + " ran out of memory: a larger Java heap "
                            + "(-Xmx) is needed for it");
                    return Status.OK_STATUS;
                } catch (RuntimeException e) { // said in a sentence, never as a stack trace
                    report(into, "The import of " + file.getFileName() + " failed: " + (e.getMessage() != null ? e
                            .getMessage() : e.getClass().getSimpleName()));
                    return Status.OK_STATUS;
                } finally {
                    monitor.done();
                }
                Display.getDefault().asyncExec(() -> show(t, into));
                return Status.OK_STATUS;
            }
        };
        job.setUser(true);
        job.schedule();
        return job;
    }

    private static void show(ImportedTrace t, TraceView into) {
        if (into != null) { // a view closed while it imported its trace again stays closed
            if (!into.panel().isDisposed()) {
                into.show(t);
            }
            return;
        }
        if (!PlatformUI.isWorkbenchRunning()) {
            return;
        }
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        try {
            List<Shown> open = new ArrayList<>();
            for (IViewReference r : page.getViewReferences()) {
                if (!TraceView.ID.equals(r.getId())) {
                    continue;
                }
                // a view the workbench has not made yet (a tab not shown since the restart) is not made here: it
                // would import its own trace again; it counts as taken, by a file not known
                IViewPart part = r.getView(false);
                open.add(part instanceof TraceView v ? new Shown(r.getSecondaryId(), v.file(), false)
                        : new Shown(r.getSecondaryId(), null, true));
            }
            Target where = target(open, t.file());
            TraceView view = (TraceView) page.showView(TraceView.ID, where.secondaryId(), IWorkbenchPage.VIEW_ACTIVATE);
            view.show(t);
        } catch (PartInitException e) {
            MessageDialog.openError(page.getWorkbenchWindow().getShell(), "Open Trace", "Cannot show the Trace view: "
                    + e.getMessage());
        }
    }

    /**
     * An open Trace view: its secondary id (null for the first), the file it shows or is importing again
     * (null: none), and whether it is taken though its file is not known.
     */
    record Shown(String secondaryId, Path file, boolean taken) {

        Shown(String secondaryId, Path file) {
            this(secondaryId, file, false);
        }
    }

    /** The Trace view an import goes to, by its secondary id (null: the first Trace view). */
    record Target(String secondaryId) {
    }

    /**
     * Where an import of {@code file} is shown: the view that shows that file (the import replaces it), else
     * a view that shows nothing, else the first Trace view if it is not open, else a new one, numbered 2, 3, …
     * by the first number free.
     */
    static Target target(List<Shown> open, Path file) {
        Path f = file.toAbsolutePath().normalize();
        for (Shown s : open) {
            if (s.file() != null && s.file().toAbsolutePath().normalize().equals(f)) {
                return new Target(s.secondaryId());
            }
        }
        for (Shown s : open) {
            if (s.file() == null && !s.taken()) {
                return new Target(s.secondaryId());
            }
        }
        Set<String> used = new HashSet<>();
        open.forEach(s -> used.add(s.secondaryId()));
        if (!used.contains(null)) { // the first Trace view, in its place beside the Roots view
            return new Target(null);
        }
        int n = 2;
        while (used.contains(Integer.toString(n))) {
            n++;
        }
        return new Target(Integer.toString(n));
    }

    private static void report(TraceView into, String message) {
        if (into != null) {
            Display.getDefault().asyncExec(() -> {
                if (!into.panel().isDisposed()) {
                    into.panel().say(message);
                }
            });
            return;
        }
        report(message);
    }

    private static void report(String message) {
        Display.getDefault().asyncExec(() -> MessageDialog.openError(Display.getDefault().getActiveShell(),
                "Open Trace", message));
    }
}
