/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.contentassist.CompletionProposal;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.contentassist.IContentAssistProcessor;
import org.eclipse.jface.text.contentassist.IContextInformation;
import org.eclipse.jface.text.contentassist.IContextInformationValidator;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.contentassist.antlr.ContentAssistContextFactory;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.TextRegion;

import com.google.inject.Injector;

/**
 * Ctrl+Space: Xtext's {@link ContentAssistContextFactory} finds what the grammar expects at the
 * caret, the language's {@link IdeContentProposalProvider} proposes keywords, names and words.
 */
public final class TdpContentAssistProcessor implements IContentAssistProcessor {

    private String error;

    /** The proposals for {@code text} at {@code offset}, as Xtext entries (usable without a viewer). */
    public static List<ContentAssistEntry> entries(String text, int offset) {
        TdpLanguage lang = TdpLanguage.get();
        Injector inj = lang.injector();
        XtextResource r = lang.parse(text);
        ContentAssistContextFactory factory = inj.getInstance(ContentAssistContextFactory.class);
        factory.setPool(lang.pool());
        ContentAssistContext[] contexts = factory.create(text, new TextRegion(offset, 0), offset, r);
        IdeContentProposalAcceptor acceptor = inj.getInstance(IdeContentProposalAcceptor.class);
        inj.getInstance(IdeContentProposalProvider.class).createProposals(Arrays.asList(contexts), acceptor);
        List<ContentAssistEntry> out = new ArrayList<>();
        acceptor.getEntries().forEach(out::add);
        return out;
    }

    @Override
    public ICompletionProposal[] computeCompletionProposals(ITextViewer viewer, int offset) {
        error = null;
        try {
            String text = viewer.getDocument().get();
            List<ICompletionProposal> out = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (ContentAssistEntry e : entries(text, offset)) {
                String proposal = e.getProposal();
                if (proposal == null || !seen.add(proposal)) {
                    continue;
                }
                String prefix = e.getPrefix() == null ? "" : e.getPrefix();
                int start = Math.max(0, offset - prefix.length());
                String label = e.getLabel() != null ? e.getLabel() : proposal;
                if (e.getDescription() != null && !e.getDescription().isEmpty()) {
                    label = label + " - " + e.getDescription();
                }
                out.add(new CompletionProposal(proposal, start, offset - start, proposal.length(), null, label, null,
                        e.getDocumentation()));
            }
            return out.toArray(new ICompletionProposal[0]);
        } catch (RuntimeException e) {
            error = "content assist failed: " + e;
            return new ICompletionProposal[0];
        }
    }

    @Override
    public IContextInformation[] computeContextInformation(ITextViewer viewer, int offset) {
        return null;
    }

    @Override
    public char[] getCompletionProposalAutoActivationCharacters() {
        return null;
    }

    @Override
    public char[] getContextInformationAutoActivationCharacters() {
        return null;
    }

    @Override
    public String getErrorMessage() {
        return error;
    }

    @Override
    public IContextInformationValidator getContextInformationValidator() {
        return null;
    }
}
