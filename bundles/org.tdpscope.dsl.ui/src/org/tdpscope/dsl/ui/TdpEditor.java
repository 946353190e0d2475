/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IFileEditorInput;
import org.eclipse.ui.editors.text.ForwardingDocumentProvider;
import org.eclipse.ui.editors.text.TextEditor;
import org.eclipse.ui.editors.text.TextFileDocumentProvider;
import org.eclipse.ui.views.contentoutline.IContentOutlinePage;

/** The {@code .tdp} scenario editor. */
public class TdpEditor extends TextEditor {

    public static final String ID = "org.tdpscope.dsl.ui.editor";
    public static final String CONTEXT = "org.tdpscope.dsl.ui.editorScope";
    public static final String FORMAT_COMMAND = "org.tdpscope.dsl.ui.format";
    public static final String OPEN_DECLARATION_COMMAND = "org.tdpscope.dsl.ui.openDeclaration";

    private TdpSourceViewerConfiguration configuration;
    private TdpOutlinePage outline;

    @Override
    protected void initializeEditor() {
        super.initializeEditor();
        configuration = new TdpSourceViewerConfiguration(getPreferenceStore());
        setSourceViewerConfiguration(configuration);
        setDocumentProvider(new ForwardingDocumentProvider(TdpPartitions.PARTITIONING, new TdpPartitions(),
                new TextFileDocumentProvider()));
    }

    @Override
    protected void initializeKeyBindingScopes() {
        setKeyBindingScopes(new String[] { CONTEXT });
    }

    public TdpDocumentModel model() {
        return configuration.model();
    }

    @Override
    protected void doSetInput(IEditorInput input) throws CoreException {
        super.doSetInput(input);
        if (input instanceof IFileEditorInput f) {
            configuration.model().setFile(f.getFile(), f.getFile().getFullPath().toString());
        } else {
            configuration.model().setFile(null, input == null ? null : input.getName());
        }
    }

    @Override
    protected void createActions() {
        super.createActions();
        Action format = new Action("Format") {
            @Override
            public void run() {
                ISourceViewer v = getSourceViewer();
                if (v != null && isEditable()) {
                    TdpFormatting.format(v);
                }
            }
        };
        format.setActionDefinitionId(FORMAT_COMMAND);
        setAction("Format", format);
        Action open = new Action("Open Declaration") {
            @Override
            public void run() {
                ISourceViewer v = getSourceViewer();
                if (v == null || v.getDocument() == null) {
                    return;
                }
                TdpNavigation.Target t = TdpNavigation.find(v.getDocument().get(), v.getSelectedRange().x);
                if (t != null) {
                    selectAndReveal(t.declaration().getOffset(), t.declaration().getLength());
                }
            }
        };
        open.setActionDefinitionId(OPEN_DECLARATION_COMMAND);
        setAction("OpenDeclaration", open);
    }

    @Override
    public <T> T getAdapter(Class<T> adapter) {
        if (IContentOutlinePage.class.equals(adapter)) {
            if (outline == null) {
                outline = new TdpOutlinePage(this);
            }
            return adapter.cast(outline);
        }
        return super.getAdapter(adapter);
    }

    @Override
    public void dispose() {
        if (outline != null) {
            outline.dispose();
            outline = null;
        }
        super.dispose();
    }
}
