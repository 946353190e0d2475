/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.tdpscope.dsl.tdp.Expect;
import org.tdpscope.dsl.tdp.Explore;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.Schedule;
import org.tdpscope.dsl.tdp.Threads;
import org.tdpscope.dsl.tdp.Vm;

/** One line of the outline: scenario → vm / policy / threads / schedule / explore / expect → their elements. */
public record OutlineNode(String label, String kind, int offset, int length, List<OutlineNode> children) {

    static OutlineNode build(EObject root) {
        if (!(root instanceof Model m)) {
            return node(root, "scenario", "scenario", List.of());
        }
        List<OutlineNode> sections = new ArrayList<>();
        if (m.getVm() != null) {
            sections.add(section(m.getVm(), "vm", "vm", ((Vm) m.getVm()).getItems()));
        }
        if (m.getKernel() != null) {
            sections.add(node(m.getKernel(), text(m.getKernel()), "kernel", List.of()));
        }
        if (m.getPolicy() != null) {
            sections.add(node(m.getPolicy(), text(m.getPolicy()), "policy", List.of()));
        }
        if (m.getThreads() != null) {
            sections.add(section(m.getThreads(), "threads", "threads", ((Threads) m.getThreads()).getThreads()));
        }
        if (m.getSchedule() != null) {
            sections.add(section(m.getSchedule(), "schedule", "schedule", ((Schedule) m.getSchedule()).getSteps()));
        }
        if (m.getExplore() != null) {
            sections.add(section(m.getExplore(), "explore", "explore", ((Explore) m.getExplore()).getItems()));
        }
        if (m.getExpect() != null) {
            sections.add(section(m.getExpect(), "expect", "expect", ((Expect) m.getExpect()).getItems()));
        }
        String title = m.getTitle() == null ? "scenario" : "scenario \"" + m.getTitle() + "\"";
        return node(m, title, "scenario", sections);
    }

    private static OutlineNode section(EObject o, String label, String kind, List<? extends EObject> items) {
        List<OutlineNode> children = new ArrayList<>();
        for (EObject item : items) {
            children.add(node(item, text(item), kindOf(item), List.of()));
        }
        return node(o, label, kind, children);
    }

    private static String kindOf(EObject o) {
        return o.eClass().getName().toLowerCase(java.util.Locale.ROOT);
    }

    private static OutlineNode node(EObject o, String label, String kind, List<OutlineNode> children) {
        ICompositeNode n = NodeModelUtils.findActualNodeFor(o);
        int offset = 0;
        int length = 0;
        EStructuralFeature nameFeature = o.eClass().getEStructuralFeature("name");
        if (nameFeature != null && !NodeModelUtils.findNodesForFeature(o, nameFeature).isEmpty()) {
            var nameNode = NodeModelUtils.findNodesForFeature(o, nameFeature).get(0);
            offset = nameNode.getOffset();
            length = nameNode.getLength();
        } else if (n != null) {
            offset = n.getOffset();
            length = Math.min(n.getLength(), firstLineLength(n));
        }
        return new OutlineNode(label, kind, offset, length, List.copyOf(children));
    }

    private static int firstLineLength(ICompositeNode n) {
        String t = n.getText().substring(n.getOffset() - n.getTotalOffset());
        int nl = t.indexOf('\n');
        return nl < 0 ? t.length() : nl;
    }

    /** The element's source text on one line, shortened. */
    static String text(EObject o) {
        ICompositeNode n = NodeModelUtils.findActualNodeFor(o);
        if (n == null) {
            return o.eClass().getName();
        }
        String t = NodeModelUtils.getTokenText(n).replaceAll("\\s+", " ").trim();
        if (t.endsWith(";")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        return t.length() > 70 ? t.substring(0, 67) + "..." : t;
    }
}
