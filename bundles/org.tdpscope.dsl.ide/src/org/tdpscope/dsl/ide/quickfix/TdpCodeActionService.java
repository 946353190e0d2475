/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.quickfix;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.xtext.ide.editor.quickfix.DiagnosticResolution;
import org.eclipse.xtext.ide.editor.quickfix.IQuickFixProvider;
import org.eclipse.xtext.ide.server.codeActions.QuickFixCodeActionService;

import com.google.inject.Inject;

/**
 * Xtext's quick-fix code actions, in the order the provider ranks them (nearest name first, not
 * alphabetically) with the first marked preferred, so an editor's "apply the fix" takes the best
 * one; a resolution whose edit could not be made is left out rather than sent empty.
 */
public class TdpCodeActionService extends QuickFixCodeActionService {

    @Inject
    private IQuickFixProvider quickfixes;

    @Override
    protected List<Either<Command, CodeAction>> getCodeActions(Options options, Diagnostic diagnostic) {
        List<Either<Command, CodeAction>> actions = new ArrayList<>();
        for (DiagnosticResolution r : quickfixes.getResolutions(options, diagnostic)) {
            WorkspaceEdit edit = r.apply();
            if (edit == null || (edit.getChanges() == null || edit.getChanges().isEmpty())
                    && (edit.getDocumentChanges() == null || edit.getDocumentChanges().isEmpty())) {
                continue;
            }
            CodeAction a = new CodeAction(r.getLabel());
            a.setKind(CodeActionKind.QuickFix);
            a.setDiagnostics(List.of(diagnostic));
            a.setEdit(edit);
            a.setIsPreferred(actions.isEmpty() ? Boolean.TRUE : null);
            actions.add(Either.forRight(a));
        }
        return actions;
    }
}
