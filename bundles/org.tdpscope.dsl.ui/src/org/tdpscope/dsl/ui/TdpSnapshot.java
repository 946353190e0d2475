/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.ide.highlighting.TdpSemanticHighlightingCalculator;

/**
 * What one background reconcile learned about a text: its problems, its semantic highlighting
 * and its outline. Immutable; computed off the UI thread.
 */
public record TdpSnapshot(String text, List<Diagnostic> diagnostics, List<Highlight> highlights,
        OutlineNode outline, List<ExpectationMarks.Mark> expectations) {

    /** A semantically highlighted range and the calculator's style id. */
    public record Highlight(int offset, int length, String style) {
    }

    /** Parses, validates and analyses {@code text}. */
    public static TdpSnapshot compute(String text, String fileName) {
        TdpLanguage lang = TdpLanguage.get();
        var loaded = lang.scenarios().load(text, fileName);
        List<Diagnostic> diags = loaded.diagnostics();
        // a script that loads is run as a test runner would: each expectation ok or failed, per era and policy
        List<ExpectationMarks.Mark> marks = ExpectationMarks.of(loaded);
        XtextResource r = lang.parse(text);
        List<Highlight> hl = new ArrayList<>();
        try {
            ISemanticHighlightingCalculator calc = lang.injector().getInstance(ISemanticHighlightingCalculator.class);
            calc.provideHighlightingFor(r, (offset, length, ids) -> {
                for (String id : ids) {
                    if (TdpSemanticHighlightingCalculator.ACTOR.equals(id)
                            || TdpSemanticHighlightingCalculator.ROOT.equals(id)) {
                        hl.add(new Highlight(offset, length, id));
                        return;
                    }
                }
            }, CancelIndicator.NullImpl);
        } catch (RuntimeException e) {
            // a half-typed scenario: highlight what was found
        }
        EObject root = r.getContents().isEmpty() ? null : r.getContents().get(0);
        OutlineNode outline = root == null ? null : OutlineNode.build(root);
        return new TdpSnapshot(text, diags, List.copyOf(hl), outline, marks);
    }

    /** The problems and the failed expectations (as warnings), for the ruler and the Problems view. */
    public List<Diagnostic> problems(String fileName) {
        List<Diagnostic> out = new ArrayList<>(diagnostics);
        for (ExpectationMarks.Mark m : expectations) {
            if (!m.holds()) {
                out.add(m.asWarning(fileName));
            }
        }
        return out;
    }
}
