/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.scoping;

import java.util.List;
import java.util.stream.Collectors;

import org.eclipse.emf.ecore.EClass;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.diagnostics.Diagnostic;
import org.eclipse.xtext.diagnostics.DiagnosticMessage;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.linking.impl.LinkingDiagnosticMessageProvider;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.TdpPackage;

/** "no vCPU named 'v9' (known: v0, v1)" rather than Xtext's "Couldn't resolve reference to ...". */
public class TdpLinkingDiagnosticMessageProvider extends LinkingDiagnosticMessageProvider {

    @Override
    public DiagnosticMessage getUnresolvedProxyMessage(ILinkingDiagnosticContext context) {
        EClass type = context.getReference().getEReferenceType();
        Model model = EcoreUtil2.getContainerOfType(context.getContext(), Model.class);
        String what;
        List<String> known = List.of();
        if (type == TdpPackage.Literals.VCPU) {
            what = "vCPU";
            if (model != null) {
                known = TdpScopeProvider.vcpus(model).stream().map(Actor::getName).collect(Collectors.toList());
            }
        } else if (type == TdpPackage.Literals.MEMSLOT) {
            what = "memslot";
            if (model != null) {
                known = TdpScopeProvider.memslots(model).stream().map(Memslot::getName).collect(Collectors.toList());
            }
        } else if (type == TdpPackage.Literals.ACTOR) {
            what = "thread or vCPU";
            if (model != null) {
                known = TdpScopeProvider.actors(model).stream().map(Actor::getName).collect(Collectors.toList());
            }
        } else {
            return super.getUnresolvedProxyMessage(context);
        }
        String msg = "no " + what + " named '" + context.getLinkText() + "'"
                + (known.isEmpty() ? "" : " (known: " + String.join(", ", known) + ")");
        return new DiagnosticMessage(msg, Severity.ERROR, Diagnostic.LINKING_DIAGNOSTIC);
    }
}
