/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;
import java.util.Map;
import java.util.WeakHashMap;

import org.eclipse.core.resources.IFile;
import org.eclipse.jface.text.IDocument;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IFileEditorInput;
import org.eclipse.ui.IPartListener2;
import org.eclipse.ui.IPathEditorInput;
import org.eclipse.ui.IPropertyListener;
import org.eclipse.ui.IURIEditorInput;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.IWorkbenchPartReference;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.texteditor.ITextEditor;

/**
 * Tells {@link LiveScenario} what the workbench's editors do: which {@code .tdp} editor is active, when
 * one is saved (dirty to clean) and when one closes. Installed once per window, by the window advisor
 * or by the first view that needs it.
 */
final class EditorFollower implements IPartListener2 {

    private static final Map<IWorkbenchWindow, EditorFollower> INSTALLED = new WeakHashMap<>();

    private final LiveScenario live;
    private final Map<IEditorPart, IPropertyListener> watched = new WeakHashMap<>();

    private EditorFollower(LiveScenario live) {
        this.live = live;
    }

    /** Follows the window's editors (once) and takes up the editor active now. */
    static void install(IWorkbenchWindow window) {
        if (window == null || INSTALLED.containsKey(window)) {
            return;
        }
        EditorFollower f = new EditorFollower(LiveScenario.get());
        INSTALLED.put(window, f);
        window.getPartService().addPartListener(f);
        IWorkbenchPage page = window.getActivePage();
        IEditorPart active = page == null ? null : page.getActiveEditor();
        if (active != null) {
            f.follow(active);
        }
    }

    @Override
    public void partActivated(IWorkbenchPartReference ref) {
        IWorkbenchPart part = ref.getPart(false);
        if (part instanceof IEditorPart e) {
            follow(e);
        }
    }

    @Override
    public void partBroughtToTop(IWorkbenchPartReference ref) {
        partActivated(ref);
    }

    @Override
    public void partClosed(IWorkbenchPartReference ref) {
        IWorkbenchPart part = ref.getPart(false);
        if (part instanceof ITextEditor e) {
            IDocument doc = document(e);
            if (doc != null) {
                live.closed(doc);
            }
            watched.remove(e);
        }
    }

    private void follow(IEditorPart part) {
        if (!(part instanceof ITextEditor editor)) {
            return;
        }
        Path file = pathOf(editor.getEditorInput());
        IDocument doc = document(editor);
        if (file == null || doc == null || !file.getFileName().toString().endsWith(".tdp")) {
            return;
        }
        watched.computeIfAbsent(editor, e -> {
            IPropertyListener l = (source, id) -> {
                if (id == IEditorPart.PROP_DIRTY && !editor.isDirty()) {
                    IDocument d = document(editor);
                    if (d != null) {
                        live.saved(d);
                    }
                }
            };
            e.addPropertyListener(l);
            return l;
        });
        live.activated(file, doc);
    }

    private static IDocument document(ITextEditor editor) {
        var provider = editor.getDocumentProvider();
        return provider == null ? null : provider.getDocument(editor.getEditorInput());
    }

    /** The local file an editor input stands for, or null. */
    static Path pathOf(IEditorInput input) {
        if (input instanceof IFileEditorInput f) {
            IFile file = f.getFile();
            return file.getLocation() == null ? null : file.getLocation().toFile().toPath();
        }
        if (input instanceof IPathEditorInput p) {
            return p.getPath().toFile().toPath();
        }
        if (input instanceof IURIEditorInput u && "file".equals(u.getURI().getScheme())) {
            return Path.of(u.getURI());
        }
        return null;
    }
}
