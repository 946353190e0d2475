/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.highlighting;

import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EReference;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.xtext.ide.editor.syntaxcoloring.DefaultSemanticHighlightingCalculator;
import org.eclipse.xtext.ide.editor.syntaxcoloring.HighlightingStyles;
import org.eclipse.xtext.ide.editor.syntaxcoloring.IHighlightedPositionAcceptor;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.util.CancelIndicator;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.DeleteSlot;
import org.tdpscope.dsl.tdp.EnableDirtyLog;
import org.tdpscope.dsl.tdp.Expectation;
import org.tdpscope.dsl.tdp.ExplorePolicies;
import org.tdpscope.dsl.tdp.FreedCheck;
import org.tdpscope.dsl.tdp.KernelDecl;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.MoveSlot;
import org.tdpscope.dsl.tdp.NoViolationCheck;
import org.tdpscope.dsl.tdp.PolicyDecl;
import org.tdpscope.dsl.tdp.RefcountCheck;
import org.tdpscope.dsl.tdp.RepeatThreads;
import org.tdpscope.dsl.tdp.RootsCheck;
import org.tdpscope.dsl.tdp.RuleOverride;
import org.tdpscope.dsl.tdp.SpteCheck;
import org.tdpscope.dsl.tdp.ThreadStep;
import org.tdpscope.dsl.tdp.ValidityCheck;
import org.tdpscope.dsl.tdp.Vcpu;
import org.tdpscope.dsl.tdp.VcpuRootCheck;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.ViolationCheck;
import org.tdpscope.dsl.tdp.VisitedCheck;
import org.tdpscope.dsl.tdp.YieldOption;
import org.tdpscope.model.RootRole;

/**
 * The words a scenario gives meaning to, for the workbench editor and the language server's
 * semantic tokens: thread and vCPU names where declared and where used, root names (A, B, ...),
 * memslot ids, policies, knobs, kernel eras, invariants, root roles and rule names.
 *
 * <p>Each position carries several style ids: the workbench's ({@link #ACTOR}, {@link #ROOT}, which
 * it colours), a kind ({@link #THREAD}, {@link #VCPU}, ...) that the language server turns into a
 * standard token type, {@link #DECLARATION} where a name is declared, and Xtext's default style.
 */
public class TdpSemanticHighlightingCalculator extends DefaultSemanticHighlightingCalculator {

    /** Thread and vCPU names: the workbench colours them. */
    public static final String ACTOR = "tdp.actor";
    /** Root names A, B, C: the workbench colours them. */
    public static final String ROOT = "tdp.root";

    /** A walker's or an invalidator's name, or the zap worker ({@code kworker}). */
    public static final String THREAD = "tdp.thread";
    /** A vCPU's name. */
    public static final String VCPU = "tdp.vcpu";
    /** A memslot id. */
    public static final String MEMSLOT = "tdp.memslot";
    /** A policy word: continue, restart, terminate, fifo. */
    public static final String POLICY = "tdp.policy";
    /** A policy knob: head, keep-listed, ... */
    public static final String KNOB = "tdp.knob";
    /** A kernel era: v5.16, mainline, ... */
    public static final String ERA = "tdp.era";
    /** An invariant: use-after-free, refcount, ... */
    public static final String INVARIANT = "tdp.invariant";
    /** A vCPU's root role: default, smm, guest, ... */
    public static final String ROLE = "tdp.role";
    /** A kernel rule overridden by name ({@code with fast-zap-refs none}). */
    public static final String RULE = "tdp.rule";
    /** With a name's kind: here the name is declared. */
    public static final String DECLARATION = "tdp.declaration";
    /** With {@link #THREAD}: the kernel's own thread ({@code kworker}), declared by no scenario. */
    public static final String BUILT_IN = "tdp.builtin";

    @Override
    protected boolean highlightElement(EObject o, IHighlightedPositionAcceptor acceptor, CancelIndicator cancel) {
        if (o instanceof Actor a && a.getName() != null) {
            mark(o, "name", acceptor, ACTOR, a instanceof Vcpu ? VCPU : THREAD, DECLARATION,
                    HighlightingStyles.DEFAULT_ID);
        } else if (o instanceof RootRole) {
            mark(o, "name", acceptor, ROLE);
        } else if (o instanceof Memslot) {
            mark(o, "name", acceptor, MEMSLOT, DECLARATION, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof DeleteSlot || o instanceof MoveSlot || o instanceof EnableDirtyLog) {
            mark(o, "slot", acceptor, MEMSLOT, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof VcpuThread) {
            mark(o, "vcpu", acceptor, ACTOR, VCPU, HighlightingStyles.DEFAULT_ID);
        } else if (o instanceof ThreadStep) {
            actors(o, "thread", acceptor);
            worker(o, "worker", acceptor);
        } else if (o instanceof RepeatThreads) {
            actors(o, "threads", acceptor);
        } else if (o instanceof VisitedCheck) {
            actors(o, "thread", acceptor);
            mark(o, "roots", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof RootsCheck) {
            mark(o, "roots", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof RefcountCheck || o instanceof ValidityCheck || o instanceof SpteCheck
                || o instanceof YieldOption) {
            mark(o, "root", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof FreedCheck) {
            mark(o, "root", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
            actors(o, "by", acceptor);
            worker(o, "byWorker", acceptor);
        } else if (o instanceof NoViolationCheck) {
            actors(o, "by", acceptor);
            worker(o, "byWorker", acceptor);
        } else if (o instanceof ViolationCheck) {
            mark(o, "invariant", acceptor, INVARIANT);
            actors(o, "by", acceptor);
            worker(o, "byWorker", acceptor);
        } else if (o instanceof VcpuRootCheck) {
            actors(o, "vcpu", acceptor);
            mark(o, "root", acceptor, ROOT, HighlightingStyles.NUMBER_ID);
        } else if (o instanceof PolicyDecl) {
            mark(o, "policies", acceptor, POLICY);
            mark(o, "knobs", acceptor, KNOB);
        } else if (o instanceof ExplorePolicies) {
            mark(o, "policies", acceptor, POLICY);
        } else if (o instanceof KernelDecl) {
            mark(o, "eras", acceptor, ERA);
        } else if (o instanceof RuleOverride) {
            mark(o, "rule", acceptor, RULE);
        } else if (o instanceof Expectation) {
            mark(o, "policies", acceptor, POLICY);
            mark(o, "eras", acceptor, ERA);
        }
        return false;
    }

    /**
     * References to threads and vCPUs, each typed by what it names (a name that names nothing is
     * a thread's: the schedule and the expectations mostly name threads).
     */
    private static void actors(EObject o, String featureName, IHighlightedPositionAcceptor acceptor) {
        EStructuralFeature f = o.eClass().getEStructuralFeature(featureName);
        if (!(f instanceof EReference)) {
            return;
        }
        List<INode> nodes = NodeModelUtils.findNodesForFeature(o, f);
        Object value = o.eGet(f, true);
        List<?> targets = value instanceof List<?> l ? l : value == null ? List.of() : List.of(value);
        for (int i = 0; i < nodes.size(); i++) {
            Object target = targets.size() == nodes.size() ? targets.get(i) : null;
            boolean vcpu = target instanceof Vcpu v && !v.eIsProxy();
            add(nodes.get(i), acceptor, ACTOR, vcpu ? VCPU : THREAD, HighlightingStyles.DEFAULT_ID);
        }
    }

    /** The keyword {@code kworker} where the zap worker is named. */
    private static void worker(EObject o, String flagName, IHighlightedPositionAcceptor acceptor) {
        EStructuralFeature f = o.eClass().getEStructuralFeature(flagName);
        if (f == null || !Boolean.TRUE.equals(o.eGet(f))) {
            return;
        }
        for (INode n : NodeModelUtils.findNodesForFeature(o, f)) {
            add(n, acceptor, ACTOR, THREAD, BUILT_IN, HighlightingStyles.DEFAULT_ID);
        }
    }

    private static void mark(EObject o, String featureName, IHighlightedPositionAcceptor acceptor, String... styles) {
        EStructuralFeature f = o.eClass().getEStructuralFeature(featureName);
        if (f == null) {
            return;
        }
        for (INode n : NodeModelUtils.findNodesForFeature(o, f)) {
            add(n, acceptor, styles);
        }
    }

    /** The node's text without the comments and spaces a composite node may begin or end with. */
    private static void add(INode n, IHighlightedPositionAcceptor acceptor, String... styles) {
        int start = -1;
        int end = -1;
        Iterable<ILeafNode> leaves = n instanceof ICompositeNode c ? c.getLeafNodes() : List.of((ILeafNode) n);
        for (ILeafNode leaf : leaves) {
            if (!leaf.isHidden()) {
                if (start < 0) {
                    start = leaf.getOffset();
                }
                end = leaf.getEndOffset();
            }
        }
        if (start >= 0 && end > start) {
            acceptor.addPosition(start, end - start, styles);
        }
    }
}
