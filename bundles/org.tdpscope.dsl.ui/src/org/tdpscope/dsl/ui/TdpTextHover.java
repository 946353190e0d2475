/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.Iterator;

import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextHover;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.Region;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.ISourceViewer;

/** Hover: the problem under the mouse, or the declaration of the name under it. */
public final class TdpTextHover implements ITextHover {

    @Override
    public String getHoverInfo(ITextViewer viewer, IRegion region) {
        String problem = problemAt(viewer, region.getOffset());
        if (problem != null) {
            return problem;
        }
        if (viewer.getDocument() == null) {
            return null;
        }
        TdpNavigation.Target t = TdpNavigation.find(viewer.getDocument().get(), region.getOffset());
        return t == null ? null : "line " + t.line() + ": " + t.text();
    }

    private static String problemAt(ITextViewer viewer, int offset) {
        if (!(viewer instanceof ISourceViewer sv) || sv.getAnnotationModel() == null) {
            return null;
        }
        Iterator<Annotation> it = sv.getAnnotationModel().getAnnotationIterator();
        while (it.hasNext()) {
            Annotation a = it.next();
            if (a instanceof TdpProblems.ProblemAnnotation) {
                Position p = sv.getAnnotationModel().getPosition(a);
                if (p != null && p.includes(offset)) {
                    return a.getText();
                }
            }
        }
        return null;
    }

    @Override
    public IRegion getHoverRegion(ITextViewer viewer, int offset) {
        return new Region(offset, 0);
    }
}
