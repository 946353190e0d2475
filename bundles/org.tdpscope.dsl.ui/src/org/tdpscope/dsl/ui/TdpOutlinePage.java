/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.function.Consumer;

import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.views.contentoutline.ContentOutlinePage;

/** The Outline of a scenario: vm, policy, threads, schedule and expect with their elements. */
public final class TdpOutlinePage extends ContentOutlinePage {

    private final TdpEditor editor;
    private final Consumer<TdpSnapshot> listener = this::update;

    TdpOutlinePage(TdpEditor editor) {
        this.editor = editor;
    }

    @Override
    public void createControl(Composite parent) {
        super.createControl(parent);
        TreeViewer v = getTreeViewer();
        v.setContentProvider(new ITreeContentProvider() {
            @Override
            public Object[] getElements(Object input) {
                // the input is a one-element array: a record equal to its root would be its own child
                return input instanceof Object[] a ? a : new Object[0];
            }

            @Override
            public Object[] getChildren(Object e) {
                return ((OutlineNode) e).children().toArray();
            }

            @Override
            public Object getParent(Object e) {
                return null;
            }

            @Override
            public boolean hasChildren(Object e) {
                return !((OutlineNode) e).children().isEmpty();
            }
        });
        v.setLabelProvider(new LabelProvider() {
            @Override
            public String getText(Object e) {
                return ((OutlineNode) e).label();
            }
        });
        v.addSelectionChangedListener(ev -> {
            if (ev.getSelection() instanceof IStructuredSelection s && s.getFirstElement() instanceof OutlineNode n) {
                editor.selectAndReveal(n.offset(), n.length());
            }
        });
        TdpDocumentModel model = editor.model();
        model.addListener(listener);
        if (model.latest() != null) {
            update(model.latest());
        }
    }

    private void update(TdpSnapshot s) {
        TreeViewer v = getTreeViewer();
        if (v == null || v.getControl().isDisposed() || s.outline() == null) {
            return;
        }
        v.getControl().setRedraw(false);
        try {
            v.setInput(new Object[] { s.outline() });
            v.expandToLevel(2);
        } finally {
            v.getControl().setRedraw(true);
        }
    }

    @Override
    public void dispose() {
        editor.model().removeListener(listener);
        super.dispose();
    }
}
