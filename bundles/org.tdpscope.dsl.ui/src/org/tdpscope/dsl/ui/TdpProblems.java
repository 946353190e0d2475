/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.WorkspaceJob;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.IAnnotationModel;
import org.eclipse.jface.text.source.IAnnotationModelExtension;
import org.tdpscope.dsl.api.Diagnostic;

/**
 * Shows diagnostics: as annotations in the editor's ruler (files outside the workspace, tests),
 * or as problem markers on a workspace file (which the editor's marker annotation model shows in
 * the ruler and the Problems view lists).
 */
public final class TdpProblems {

    /** The marker type (a problem marker and a text marker). */
    public static final String MARKER = "org.tdpscope.dsl.ui.problem";
    public static final String ERROR = "org.eclipse.ui.workbench.texteditor.error";
    public static final String WARNING = "org.eclipse.ui.workbench.texteditor.warning";
    public static final String INFO = "org.eclipse.ui.workbench.texteditor.info";

    private TdpProblems() {
    }

    /** Our own annotations, so they can be replaced without touching anyone else's. */
    public static final class ProblemAnnotation extends Annotation {
        private final Diagnostic diagnostic;

        ProblemAnnotation(Diagnostic d) {
            super(type(d.severity()), false, d.message());
            this.diagnostic = d;
        }

        public Diagnostic diagnostic() {
            return diagnostic;
        }
    }

    static String type(Diagnostic.Severity s) {
        return switch (s) {
            case ERROR -> ERROR;
            case WARNING -> WARNING;
            default -> INFO;
        };
    }

    /** The document range of a diagnostic: from its column over the word there (at least one character). */
    public static Position position(IDocument doc, Diagnostic d) {
        try {
            int line = Math.max(0, Math.min(d.line() - 1, doc.getNumberOfLines() - 1));
            int lineOffset = doc.getLineOffset(line);
            int lineLength = doc.getLineLength(line);
            String delim = doc.getLineDelimiter(line);
            int contentLength = lineLength - (delim == null ? 0 : delim.length());
            int start = lineOffset + Math.max(0, Math.min(d.column() - 1, contentLength));
            int end = start;
            while (end < lineOffset + contentLength && !Character.isWhitespace(doc.getChar(end))) {
                end++;
            }
            if (end == start) {
                end = Math.min(doc.getLength(), start + 1);
            }
            return new Position(start, end - start);
        } catch (BadLocationException e) {
            return new Position(0, Math.min(1, doc.getLength()));
        }
    }

    /** Replaces the problem annotations in {@code model} (UI thread). */
    public static void toAnnotations(IAnnotationModel model, IDocument doc, List<Diagnostic> diags) {
        if (model == null) {
            return;
        }
        List<Annotation> old = new ArrayList<>();
        model.getAnnotationIterator().forEachRemaining(a -> {
            if (a instanceof ProblemAnnotation) {
                old.add(a);
            }
        });
        Map<Annotation, Position> added = new HashMap<>();
        for (Diagnostic d : diags) {
            added.put(new ProblemAnnotation(d), position(doc, d));
        }
        if (model instanceof IAnnotationModelExtension ext) {
            ext.replaceAnnotations(old.toArray(new Annotation[0]), added);
        } else {
            old.forEach(model::removeAnnotation);
            added.forEach(model::addAnnotation);
        }
    }

    /** An {@code expect} line that holds (failed ones are problems: warnings, markers for workspace files). */
    public static final class ExpectationAnnotation extends Annotation {
        private final ExpectationMarks.Mark mark;

        ExpectationAnnotation(ExpectationMarks.Mark mark) {
            super(INFO, false, mark.message());
            this.mark = mark;
        }

        public ExpectationMarks.Mark mark() {
            return mark;
        }
    }

    /** Replaces the "expectation holds" annotations in {@code model} (UI thread). */
    public static void toExpectationAnnotations(IAnnotationModel model, IDocument doc,
            List<ExpectationMarks.Mark> marks) {
        if (model == null) {
            return;
        }
        List<Annotation> old = new ArrayList<>();
        model.getAnnotationIterator().forEachRemaining(a -> {
            if (a instanceof ExpectationAnnotation) {
                old.add(a);
            }
        });
        Map<Annotation, Position> added = new HashMap<>();
        for (ExpectationMarks.Mark m : marks) {
            if (m.holds()) {
                added.put(new ExpectationAnnotation(m), position(doc, new Diagnostic(Diagnostic.Severity.INFO, "",
                        m.line(), m.column(), m.message(), null)));
            }
        }
        if (model instanceof IAnnotationModelExtension ext) {
            ext.replaceAnnotations(old.toArray(new Annotation[0]), added);
        } else {
            old.forEach(model::removeAnnotation);
            added.forEach(model::addAnnotation);
        }
    }

    /** Replaces the file's scenario markers, in a workspace job holding the marker rule. */
    public static void toMarkers(IFile file, IDocument doc, List<Diagnostic> diags) {
        record M(int severity, String message, int line, int start, int end) {
        }
        List<M> ms = new ArrayList<>();
        for (Diagnostic d : diags) {
            Position p = position(doc, d);
            int sev = switch (d.severity()) {
                case ERROR -> IMarker.SEVERITY_ERROR;
                case WARNING -> IMarker.SEVERITY_WARNING;
                default -> IMarker.SEVERITY_INFO;
            };
            ms.add(new M(sev, d.message(), d.line(), p.getOffset(), p.getOffset() + p.getLength()));
        }
        WorkspaceJob job = new WorkspaceJob("Updating scenario problems") {
            @Override
            public IStatus runInWorkspace(IProgressMonitor monitor) throws CoreException {
                if (!file.exists()) {
                    return Status.OK_STATUS;
                }
                file.deleteMarkers(MARKER, true, IResource.DEPTH_ZERO);
                for (M m : ms) {
                    file.createMarker(MARKER, Map.of(IMarker.SEVERITY, m.severity(), IMarker.MESSAGE, m.message(),
                            IMarker.LINE_NUMBER, m.line(), IMarker.CHAR_START, m.start(), IMarker.CHAR_END, m.end()));
                }
                return Status.OK_STATUS;
            }
        };
        job.setRule(file.getWorkspace().getRuleFactory().markerRule(file));
        job.setSystem(true);
        job.schedule();
    }
}
