/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.interpreter;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;

/** Source positions of parsed objects (1-based; 1:1 when unknown). */
public final class Positions {

    private Positions() {
    }

    public static int line(EObject o) {
        INode n = o == null ? null : NodeModelUtils.findActualNodeFor(o);
        return n == null ? 1 : Math.max(1, n.getStartLine());
    }

    public static int column(EObject o) {
        INode n = o == null ? null : NodeModelUtils.findActualNodeFor(o);
        if (n == null) {
            return 1;
        }
        return Math.max(1, NodeModelUtils.getLineAndColumn(n, n.getOffset()).getColumn());
    }

    /** The source words of {@code o}, whitespace and comments collapsed to single spaces. */
    public static String text(EObject o) {
        INode n = o == null ? null : NodeModelUtils.findActualNodeFor(o);
        return n == null ? "" : NodeModelUtils.getTokenText(n);
    }
}
