/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EReference;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.Region;
import org.eclipse.xtext.CrossReference;
import org.eclipse.xtext.GrammarUtil;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.tdpscope.dsl.tdp.Invalidator;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Vcpu;
import org.tdpscope.dsl.tdp.Walker;

/** Go to definition and hover: which declaration a name at an offset stands for. */
public final class TdpNavigation {

    /**
     * A name in the text and the declaration it refers to.
     *
     * @param name        the name under the offset
     * @param declaration the declared name (where F3 goes)
     * @param line        1-based line of the declaration
     * @param text        the declaration's source, on one line
     */
    public record Target(IRegion name, IRegion declaration, int line, String text) {
    }

    private TdpNavigation() {
    }

    /** The declaration of the thread, vCPU or memslot name at {@code offset}, or null. */
    public static Target find(String text, int offset) {
        try {
            XtextResource r = TdpLanguage.get().parse(text);
            if (r.getParseResult() == null) {
                return null;
            }
            ICompositeNode root = r.getParseResult().getRootNode();
            ILeafNode leaf = NodeModelUtils.findLeafNodeAtOffset(root, offset);
            if (leaf == null || leaf.isHidden()) {
                if (offset > 0) {
                    leaf = NodeModelUtils.findLeafNodeAtOffset(root, offset - 1);
                }
                if (leaf == null || leaf.isHidden()) {
                    return null;
                }
            }
            IRegion nameRegion = new Region(leaf.getOffset(), leaf.getLength());
            EObject target = null;
            CrossReference ref = GrammarUtil.containingCrossReference(leaf.getGrammarElement());
            if (ref != null) {
                EObject owner = NodeModelUtils.findActualSemanticObjectFor(leaf);
                EReference feature = GrammarUtil.getReference(ref, owner.eClass());
                if (feature != null && !feature.isMany() && owner.eGet(feature, true) instanceof EObject o) {
                    target = o;
                }
            } else {
                EObject here = NodeModelUtils.findActualSemanticObjectFor(leaf);
                if (isDeclaration(here) && nameNode(here) != null && nameNode(here).getOffset() == leaf.getOffset()) {
                    target = here;
                }
            }
            if (target == null || target.eIsProxy() || !isDeclaration(target)) {
                return null;
            }
            INode name = nameNode(target);
            ICompositeNode decl = NodeModelUtils.findActualNodeFor(target);
            if (name == null || decl == null) {
                return null;
            }
            return new Target(nameRegion, new Region(name.getOffset(), name.getLength()), name.getStartLine(),
                    OutlineNode.text(target));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean isDeclaration(EObject o) {
        return o instanceof Vcpu || o instanceof Walker || o instanceof Invalidator || o instanceof Memslot;
    }

    private static INode nameNode(EObject o) {
        EStructuralFeature f = o.eClass().getEStructuralFeature("name");
        if (f == null) {
            return null;
        }
        List<INode> nodes = NodeModelUtils.findNodesForFeature(o, f);
        return nodes.isEmpty() ? null : nodes.get(0);
    }
}
