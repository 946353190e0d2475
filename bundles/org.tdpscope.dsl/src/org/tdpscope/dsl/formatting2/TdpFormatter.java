/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.formatting2;

import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.formatting2.AbstractFormatter2;
import org.eclipse.xtext.formatting2.IFormattableDocument;
import org.eclipse.xtext.formatting2.regionaccess.IEObjectRegion;
import org.eclipse.xtext.formatting2.regionaccess.IHiddenRegion;
import org.eclipse.xtext.formatting2.regionaccess.ISemanticRegion;
import org.eclipse.xtext.formatting2.regionaccess.ITextRegionAccess;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.tdpscope.dsl.tdp.Expect;
import org.tdpscope.dsl.tdp.Expectation;
import org.tdpscope.dsl.tdp.Explore;
import org.tdpscope.dsl.tdp.ExploreItem;
import org.tdpscope.dsl.tdp.Mapping;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.PolicyDecl;
import org.tdpscope.dsl.tdp.KernelDecl;
import org.tdpscope.dsl.tdp.Schedule;
import org.tdpscope.dsl.tdp.Step;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.Threads;
import org.tdpscope.dsl.tdp.Vm;
import org.tdpscope.dsl.tdp.VmItem;

/**
 * The canonical layout: blocks indented, one statement a line (statements a user put on one line
 * after a {@code ;} stay together), one space between words, none before {@code , ; :} or inside
 * {@code [ ]}, blank lines between statements kept (at most one), comments kept.
 */
public class TdpFormatter extends AbstractFormatter2 {

    @Override
    public void format(Object obj, IFormattableDocument document) {
        if (obj instanceof Model m) {
            formatModel(m, document);
        } else if (obj instanceof XtextResource r) {
            _format(r, document);
        } else if (obj instanceof EObject e) {
            _format(e, document);
        }
    }

    private static boolean isStatement(EObject o) {
        return o instanceof Vm || o instanceof PolicyDecl || o instanceof KernelDecl || o instanceof Threads || o instanceof Schedule
                || o instanceof Expect || o instanceof VmItem || o instanceof Mapping || o instanceof ThreadDecl
                || o instanceof Step || o instanceof Expectation || o instanceof Explore || o instanceof ExploreItem;
    }

    private void formatModel(Model model, IFormattableDocument doc) {
        ITextRegionAccess access = getTextRegionAccess();
        Set<Integer> statementStarts = new HashSet<>();
        Set<EObject> blocks = Collections.newSetFromMap(new IdentityHashMap<>());
        blocks.add(model);
        for (Iterator<EObject> it = model.eAllContents(); it.hasNext();) {
            EObject o = it.next();
            if (isStatement(o)) {
                INode n = NodeModelUtils.findActualNodeFor(o);
                if (n != null) {
                    statementStarts.add(n.getOffset());
                }
            }
            if (o instanceof Vm || o instanceof Threads || o instanceof Schedule || o instanceof Expect
                    || o instanceof Explore) {
                blocks.add(o);
            }
        }
        for (EObject b : blocks) {
            ISemanticRegion open = access.getExtensions().regionFor(b).keyword("{");
            ISemanticRegion close = access.getExtensions().regionFor(b).keyword("}");
            if (open != null && close != null) {
                doc.interior(open, close, f -> f.indent());
            }
        }
        IEObjectRegion root = access.regionForEObject(model);
        if (root == null) {
            return;
        }
        ISemanticRegion prev = null;
        for (ISemanticRegion cur = root.getPreviousHiddenRegion().getNextSemanticRegion(); cur != null; cur = cur
                .getNextSemanticRegion()) {
            if (prev != null) {
                space(doc, prev, cur, statementStarts.contains(cur.getOffset()));
            }
            prev = cur;
        }
    }

    private static void space(IFormattableDocument doc, ISemanticRegion prev, ISemanticRegion cur, boolean statement) {
        IHiddenRegion between = cur.getPreviousHiddenRegion();
        String p = prev.getText();
        String t = cur.getText();
        boolean sameLineAfterSemicolon = ";".equals(p) && !between.isMultiline();
        if ("}".equals(t) || "{".equals(p)) {
            doc.set(between, f -> f.setNewLines(1, 1, 2));
        } else if (statement && !sameLineAfterSemicolon) {
            doc.set(between, f -> f.setNewLines(1, 1, 2));
        } else if (",".equals(t) || ";".equals(t) || ":".equals(t) || "]".equals(t) || "-level".equals(t)
                || "[".equals(p)) {
            doc.set(between, f -> f.noSpace());
        } else if ("+".equals(p) && "..".equals(textBefore(prev))) {
            doc.set(between, f -> f.noSpace());
        } else {
            doc.set(between, f -> f.oneSpace());
        }
    }

    private static String textBefore(ISemanticRegion r) {
        ISemanticRegion before = r.getPreviousSemanticRegion();
        return before == null ? null : before.getText();
    }
}
