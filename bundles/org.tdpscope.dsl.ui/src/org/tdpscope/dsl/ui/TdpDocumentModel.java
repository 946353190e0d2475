/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.eclipse.core.resources.IFile;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.reconciler.DirtyRegion;
import org.eclipse.jface.text.reconciler.IReconcilingStrategy;
import org.eclipse.jface.text.reconciler.IReconcilingStrategyExtension;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.swt.custom.StyledText;

/**
 * The editor's view of its text, kept up to date by the reconciler: each change is re-parsed and
 * re-validated on the reconciler's background thread, then problems (annotations or markers),
 * semantic highlighting and the outline are updated on the UI thread.
 */
public final class TdpDocumentModel implements IReconcilingStrategy, IReconcilingStrategyExtension {

    private final List<Consumer<TdpSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final TdpSemanticHighlighter highlighter = new TdpSemanticHighlighter();
    private volatile ISourceViewer viewer;
    private volatile IDocument document;
    private volatile IFile file;
    private volatile String fileName = "<scenario>";
    private volatile TdpSnapshot latest;

    /** Binds the model to the viewer it reconciles (called by the configuration). */
    void install(ISourceViewer v) {
        this.viewer = v;
        highlighter.install(v);
    }

    /** The workspace file of the editor input (problems become markers), or null (annotations). */
    public void setFile(IFile f, String name) {
        this.file = f;
        this.fileName = name == null ? "<scenario>" : name;
    }

    public IFile file() {
        return file;
    }

    public TdpSnapshot latest() {
        return latest;
    }

    /** Called on the UI thread after each reconcile. */
    public void addListener(Consumer<TdpSnapshot> l) {
        listeners.add(l);
    }

    public void removeListener(Consumer<TdpSnapshot> l) {
        listeners.remove(l);
    }

    @Override
    public void setDocument(IDocument d) {
        this.document = d;
    }

    @Override
    public void setProgressMonitor(IProgressMonitor monitor) {
    }

    @Override
    public void initialReconcile() {
        reconcileNow();
    }

    @Override
    public void reconcile(DirtyRegion dirtyRegion, IRegion subRegion) {
        reconcileNow();
    }

    @Override
    public void reconcile(IRegion partition) {
        reconcileNow();
    }

    /** Analyses the current text (any thread but the UI thread) and publishes the result. */
    public void reconcileNow() {
        IDocument d = document;
        ISourceViewer v = viewer;
        if (d == null || v == null) {
            return;
        }
        TdpSnapshot s = TdpSnapshot.compute(d.get(), fileName);
        StyledText w = v.getTextWidget();
        if (w == null || w.isDisposed()) {
            return;
        }
        w.getDisplay().asyncExec(() -> publish(v, d, s));
    }

    private void publish(ISourceViewer v, IDocument d, TdpSnapshot s) {
        StyledText w = v.getTextWidget();
        if (w == null || w.isDisposed() || v.getDocument() != d || !d.get().equals(s.text())) {
            return; // stale: a newer reconcile follows
        }
        latest = s;
        IFile f = file;
        if (f != null && f.exists()) {
            TdpProblems.toMarkers(f, d, s.problems(fileName));
        } else {
            TdpProblems.toAnnotations(v.getAnnotationModel(), d, s.problems(fileName));
        }
        TdpProblems.toExpectationAnnotations(v.getAnnotationModel(), d, s.expectations());
        highlighter.update(s);
        for (Consumer<TdpSnapshot> l : listeners) {
            l.accept(s);
        }
    }
}
