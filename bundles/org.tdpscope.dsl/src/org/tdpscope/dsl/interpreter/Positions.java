/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.interpreter;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.tdpscope.dsl.tdp.Invalidator;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.Walker;

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

    /**
     * Whether {@code feature} of {@code o} was written in the source: an optional number may be written as 0, which
     * EMF cannot tell from its default. Without a node model (built in code), whether it is set.
     */
    public static boolean written(EObject o, String feature) {
        var f = o.eClass().getEStructuralFeature(feature);
        if (NodeModelUtils.getNode(o) == null) {
            return o.eIsSet(f);
        }
        return !NodeModelUtils.findNodesForFeature(o, f).isEmpty();
    }

    /**
     * The operation {@code index} of the program of thread {@code thread} (a vCPU thread goes by its vCPU's name), as
     * the interpreter numbers them (one simulator operation per written one), or null.
     */
    public static EObject opAt(Model m, String thread, int index) {
        if (m == null || m.getThreads() == null || thread == null || index < 0) {
            return null;
        }
        for (ThreadDecl t : m.getThreads().getThreads()) {
            java.util.List<? extends EObject> ops = null;
            if (t instanceof VcpuThread v && v.getVcpu() != null && thread.equals(v.getVcpu().getName())) {
                ops = v.getOps();
            } else if (t instanceof Walker w && thread.equals(w.getName())) {
                ops = w.getWalks();
            } else if (t instanceof Invalidator inv && thread.equals(inv.getName())) {
                ops = inv.getOps();
            }
            if (ops != null) {
                return index < ops.size() ? ops.get(index) : null;
            }
        }
        return null;
    }
}
