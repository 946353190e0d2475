/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.ITextHover;
import org.eclipse.jface.text.contentassist.ContentAssistant;
import org.eclipse.jface.text.contentassist.IContentAssistant;
import org.eclipse.jface.text.hyperlink.IHyperlinkDetector;
import org.eclipse.jface.text.hyperlink.URLHyperlinkDetector;
import org.eclipse.jface.text.presentation.IPresentationReconciler;
import org.eclipse.jface.text.presentation.PresentationReconciler;
import org.eclipse.jface.text.reconciler.IReconciler;
import org.eclipse.jface.text.reconciler.MonoReconciler;
import org.eclipse.jface.text.rules.DefaultDamagerRepairer;
import org.eclipse.jface.text.rules.RuleBasedScanner;
import org.eclipse.jface.text.rules.Token;
import org.eclipse.jface.text.source.DefaultAnnotationHover;
import org.eclipse.jface.text.source.IAnnotationHover;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.ui.editors.text.TextSourceViewerConfiguration;

/**
 * How a scenario is shown and edited: syntax colouring by partition (keywords from the grammar),
 * a background reconciler for validation, semantic highlighting and outline, content assist,
 * hover and hyperlinks to declarations. Usable on a bare {@code SourceViewer} (tests) as well as
 * in {@link TdpEditor}.
 */
public class TdpSourceViewerConfiguration extends TextSourceViewerConfiguration {

    /** Reconciler delay after the last keystroke, in milliseconds. */
    public static final int RECONCILE_DELAY = 300;

    private final TdpDocumentModel model = new TdpDocumentModel();

    public TdpSourceViewerConfiguration(IPreferenceStore store) {
        super(store);
    }

    public TdpDocumentModel model() {
        return model;
    }

    @Override
    public String getConfiguredDocumentPartitioning(ISourceViewer sourceViewer) {
        return TdpPartitions.PARTITIONING;
    }

    @Override
    public String[] getConfiguredContentTypes(ISourceViewer sourceViewer) {
        return TdpPartitions.TYPES.clone();
    }

    @Override
    public IPresentationReconciler getPresentationReconciler(ISourceViewer sourceViewer) {
        PresentationReconciler r = new PresentationReconciler();
        r.setDocumentPartitioning(TdpPartitions.PARTITIONING);
        DefaultDamagerRepairer code = new DefaultDamagerRepairer(new TdpCodeScanner(TdpLanguage.get().keywords()));
        r.setDamager(code, IDocument.DEFAULT_CONTENT_TYPE);
        r.setRepairer(code, IDocument.DEFAULT_CONTENT_TYPE);
        DefaultDamagerRepairer comment = new DefaultDamagerRepairer(single(new Token(TdpColors.comment())));
        r.setDamager(comment, TdpPartitions.COMMENT);
        r.setRepairer(comment, TdpPartitions.COMMENT);
        DefaultDamagerRepairer string = new DefaultDamagerRepairer(single(new Token(TdpColors.string())));
        r.setDamager(string, TdpPartitions.STRING);
        r.setRepairer(string, TdpPartitions.STRING);
        return r;
    }

    private static RuleBasedScanner single(Token token) {
        RuleBasedScanner s = new RuleBasedScanner();
        s.setDefaultReturnToken(token);
        return s;
    }

    @Override
    public IReconciler getReconciler(ISourceViewer sourceViewer) {
        model.install(sourceViewer);
        MonoReconciler r = new MonoReconciler(model, false);
        r.setDelay(RECONCILE_DELAY);
        return r;
    }

    @Override
    public IContentAssistant getContentAssistant(ISourceViewer sourceViewer) {
        ContentAssistant a = new ContentAssistant();
        a.setDocumentPartitioning(TdpPartitions.PARTITIONING);
        a.setContentAssistProcessor(new TdpContentAssistProcessor(), IDocument.DEFAULT_CONTENT_TYPE);
        a.enableAutoInsert(true);
        a.setInformationControlCreator(getInformationControlCreator(sourceViewer));
        return a;
    }

    @Override
    public ITextHover getTextHover(ISourceViewer sourceViewer, String contentType) {
        return new TdpTextHover();
    }

    @Override
    public IAnnotationHover getAnnotationHover(ISourceViewer sourceViewer) {
        return new DefaultAnnotationHover();
    }

    @Override
    public IHyperlinkDetector[] getHyperlinkDetectors(ISourceViewer sourceViewer) {
        return new IHyperlinkDetector[] { new TdpHyperlinkDetector(), new URLHyperlinkDetector() };
    }

    @Override
    public int getTabWidth(ISourceViewer sourceViewer) {
        return 2;
    }
}
