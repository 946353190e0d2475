/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide;

import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.quickfix.IQuickFixProvider;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2;
import org.eclipse.xtext.ide.server.hover.IHoverService;
import org.tdpscope.dsl.ide.contentassist.TdpContentProposalProvider;
import org.tdpscope.dsl.ide.highlighting.TdpSemanticHighlightingCalculator;
import org.tdpscope.dsl.ide.hover.TdpHoverService;
import org.tdpscope.dsl.ide.quickfix.TdpCodeActionService;
import org.tdpscope.dsl.ide.quickfix.TdpQuickfixProvider;

/** Editor services of the scenario language. */
public class TdpIdeModule extends AbstractTdpIdeModule {

    public Class<? extends IdeContentProposalProvider> bindIdeContentProposalProvider() {
        return TdpContentProposalProvider.class;
    }

    public Class<? extends ISemanticHighlightingCalculator> bindISemanticHighlightingCalculator() {
        return TdpSemanticHighlightingCalculator.class;
    }

    /** Hover in the language server: what a thread does, a root's role, a keyword's meaning. */
    public Class<? extends IHoverService> bindIHoverService() {
        return TdpHoverService.class;
    }

    /** Quick fixes in the language server ({@code textDocument/codeAction}). */
    public Class<? extends ICodeActionService2> bindICodeActionService2() {
        return TdpCodeActionService.class;
    }

    public Class<? extends IQuickFixProvider> bindIQuickFixProvider() {
        return TdpQuickfixProvider.class;
    }
}
