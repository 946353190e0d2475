/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.highlighting;

import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.xtext.ide.editor.syntaxcoloring.DefaultSemanticHighlightingCalculator;
import org.eclipse.xtext.ide.editor.syntaxcoloring.HighlightingStyles;
import org.eclipse.xtext.ide.editor.syntaxcoloring.IHighlightedPositionAcceptor;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.util.CancelIndicator;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.FreedCheck;
import org.tdpscope.dsl.tdp.RefcountCheck;
import org.tdpscope.dsl.tdp.RepeatThreads;
import org.tdpscope.dsl.tdp.RootsCheck;
import org.tdpscope.dsl.tdp.SpteCheck;
import org.tdpscope.dsl.tdp.ThreadStep;
import org.tdpscope.dsl.tdp.ValidityCheck;
import org.tdpscope.dsl.tdp.VcpuRootCheck;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.VisitedCheck;
import org.tdpscope.dsl.tdp.YieldOption;

/**
 * Semantic styles beyond keywords: thread and vCPU names where declared and where used (as
 * "definitions"), root names A, B, C (as "numbers", like the hex values they stand beside).
 */
public class TdpSemanticHighlightingCalculator extends DefaultSemanticHighlightingCalculator {

    /** Style ids a client can map to colours. */
    public static final String ACTOR = "tdp.actor";
    public static final String ROOT = "tdp.root";

    @Override
    protected boolean highlightElement(EObject o, IHighlightedPositionAcceptor acceptor, CancelIndicator cancel) {
        if (o instanceof Actor a && a.getName() != null) {
            mark(o, "name", acceptor, ACTOR, HighlightingStyles.DEFAULT_ID);
        } else if (o instanceof VcpuThread) {
            mark(o, "vcpu", acceptor, ACTOR, HighlightingStyles.DEFAULT_ID);
        } else if (o instanceof ThreadStep) {
            mark(o, "thread", acceptor, ACTOR, HighlightingStyles.DEFAULT_ID);
        } else if (o instanceof RepeatThreads) {
            mark(o, "threads", acceptor, ACTOR, HighlightingStyles.DEFAULT_ID);
        } else if (o instanceof VisitedCheck) {
            mark(o, "thread", acceptor, ACTOR, HighlightingStyles.DEFAULT_ID);
            mark(o, "roots", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof RootsCheck) {
            mark(o, "roots", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof RefcountCheck || o instanceof ValidityCheck || o instanceof SpteCheck
                || o instanceof YieldOption) {
            mark(o, "root", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof FreedCheck) {
            mark(o, "root", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
            mark(o, "by", acceptor, ACTOR, HighlightingStyles.DEFAULT_ID);
        } else if (o instanceof VcpuRootCheck) {
            mark(o, "vcpu", acceptor, ACTOR, HighlightingStyles.DEFAULT_ID);
            mark(o, "root", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
        }
        return false;
    }

    private static void mark(EObject o, String featureName, IHighlightedPositionAcceptor acceptor, String... styles) {
        EStructuralFeature f = o.eClass().getEStructuralFeature(featureName);
        if (f == null) {
            return;
        }
        List<INode> nodes = NodeModelUtils.findNodesForFeature(o, f);
        for (INode n : nodes) {
            acceptor.addPosition(n.getOffset(), n.getLength(), styles);
        }
    }
}
