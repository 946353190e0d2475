/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.contentassist;

import java.util.List;

import org.eclipse.xtext.Assignment;
import org.eclipse.xtext.GrammarUtil;
import org.eclipse.xtext.ParserRule;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.ide.editor.contentassist.IIdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.tdpscope.sim.Invariant;
import org.tdpscope.sim.Policy;

/**
 * Proposes the words the grammar leaves open: policy names, invariant words, root roles, and
 * root names A, B, C for expectations; names of threads, vCPUs and memslots come from scoping.
 */
public class TdpContentProposalProvider extends IdeContentProposalProvider {

    private static final List<String> ROLES = List.of("default", "smm", "guest");
    private static final List<String> ROOTS = List.of("A", "B", "C", "D", "E", "F");

    @Override
    protected void _createProposals(Assignment assignment, ContentAssistContext context,
            IIdeContentProposalAcceptor acceptor) {
        ParserRule rule = GrammarUtil.containingParserRule(assignment);
        String r = rule == null ? "" : rule.getName();
        String f = assignment.getFeature();
        if ("policies".equals(f)) {
            for (Policy p : Policy.values()) {
                propose(p.word(), "policy", context, acceptor);
            }
            if ("PolicyDecl".equals(r)) {
                propose("compare all", "every policy side by side", context, acceptor);
            }
            return;
        }
        if ("invariant".equals(f)) {
            for (Invariant i : Invariant.values()) {
                propose(i.word(), i.rule(), context, acceptor);
            }
            return;
        }
        if ("role".equals(f) || "VcpuRole".equals(r)) {
            for (String role : ROLES) {
                propose(role, "root role", context, acceptor);
            }
            return;
        }
        if ("root".equals(f) || "roots".equals(f)) {
            for (String root : ROOTS) {
                propose(root, "root, named in creation order", context, acceptor);
            }
            return;
        }
        super._createProposals(assignment, context, acceptor);
    }

    private void propose(String word, String description, ContentAssistContext context,
            IIdeContentProposalAcceptor acceptor) {
        ContentAssistEntry e = getProposalCreator().createProposal(word, context);
        if (e != null) {
            e.setDescription(description);
            e.setKind(ContentAssistEntry.KIND_VALUE);
            acceptor.accept(e, getProposalPriorities().getDefaultPriority(e));
        }
    }
}
