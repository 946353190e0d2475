/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.eclipse.emf.common.util.URI;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.SemanticTokensRangeParams;
import org.eclipse.lsp4j.SemanticTokensWithRegistrationOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.SignatureHelpOptions;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.xtext.ide.server.LanguageServerImpl;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.validation.Issue;
import org.tdpscope.dsl.ide.semantictokens.TdpSemanticTokens;
import org.tdpscope.dsl.ide.symbols.TdpDocumentSymbols;
import org.tdpscope.dsl.validation.TdpIssueCodes;

/**
 * Xtext's language server with what editors need from it:
 * <ul>
 * <li>{@code initialize} works without a workspace: {@code rootUri} null and no folders (a single
 * file outside a project), and with {@code workspaceFolders} sent by a client that did not
 * declare the capability. Xtext 2.37 then initializes its workspace from a null URI and fails.
 * Here the folders are taken from {@code workspaceFolders}, else {@code rootUri}, else
 * {@code rootPath}; a file in none of them belongs to the project of loose files
 * ({@link LooseFilesWorkspaceConfigFactory});</li>
 * <li>document symbols as a tree (scenario, its sections, their elements) with symbol kinds that
 * say what each is ({@link TdpDocumentSymbols});</li>
 * <li>diagnostics with the short issue codes the command line prints ({@code unknown-name},
 * {@code syntax}, ...), not Xtext's qualified ones, and source {@code tdpscope};</li>
 * <li>no signature help advertised (the language has no calls to help with);</li>
 * <li>semantic tokens, full and for a range, with standard token types
 * ({@link TdpSemanticTokens}) and the legend that says so;</li>
 * <li>an unknown request answered with "method not found", not an internal error.</li>
 * </ul>
 */
public class TdpServerImpl extends LanguageServerImpl {

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        InitializeParams p = params == null ? new InitializeParams() : params;
        p.setWorkspaceFolders(workspaceFolders(p));
        return super.initialize(p);
    }

    /** The client's folders: {@code workspaceFolders}, else {@code rootUri}, else {@code rootPath}; file URIs only. */
    static List<WorkspaceFolder> workspaceFolders(InitializeParams p) {
        List<WorkspaceFolder> result = new ArrayList<>();
        if (p.getWorkspaceFolders() != null) {
            for (WorkspaceFolder f : p.getWorkspaceFolders()) {
                if (f != null) {
                    add(result, f.getUri(), f.getName());
                }
            }
        }
        if (result.isEmpty()) {
            add(result, p.getRootUri(), null);
        }
        if (result.isEmpty() && p.getRootPath() != null && !p.getRootPath().isBlank()) {
            try {
                add(result, URI.createFileURI(new java.io.File(p.getRootPath()).getAbsolutePath()).toString(), null);
            } catch (IllegalArgumentException e) {
                // no usable path
            }
        }
        return result;
    }

    private static void add(List<WorkspaceFolder> folders, String uri, String name) {
        if (uri == null || uri.isBlank()) {
            return;
        }
        URI u;
        try {
            u = URI.createURI(uri);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!u.isFile()) {
            return; // Xtext scans folders through java.io.File
        }
        String n = name;
        if (n == null || n.isBlank()) {
            String last = u.hasTrailingPathSeparator() && u.segmentCount() > 1 ? u.segment(u.segmentCount() - 2)
                    : u.lastSegment();
            n = last == null || last.isEmpty() ? uri : last;
        }
        folders.add(new WorkspaceFolder(uri, n));
    }

    /** Always true: {@link #initialize} hands Xtext the folders it worked out, whatever the client declared. */
    @Override
    protected boolean clientSupportsWorkspaceFolders() {
        return true;
    }

    @Override
    protected ServerCapabilities createServerCapabilities(InitializeParams params) {
        ServerCapabilities c = super.createServerCapabilities(params);
        c.setSignatureHelpProvider((SignatureHelpOptions) null);
        SemanticTokensWithRegistrationOptions tokens = new SemanticTokensWithRegistrationOptions(
                TdpSemanticTokens.legend());
        tokens.setFull(true);
        tokens.setRange(true);
        c.setSemanticTokensProvider(tokens);
        return c;
    }

    @Override
    protected SemanticTokens semanticTokensFull(SemanticTokensParams params, CancelIndicator cancel) {
        URI uri = getURI(params.getTextDocument());
        TdpSemanticTokens tokens = getService(uri, TdpSemanticTokens.class);
        if (tokens == null) {
            return new SemanticTokens(List.of());
        }
        return getWorkspaceManager().doRead(uri, (document, resource) -> tokens.full(text(resource), resource, cancel));
    }

    @Override
    public CompletableFuture<SemanticTokens> semanticTokensRange(SemanticTokensRangeParams params) {
        return getRequestManager().runRead(cancel -> {
            URI uri = getURI(params.getTextDocument());
            TdpSemanticTokens tokens = getService(uri, TdpSemanticTokens.class);
            if (tokens == null || params.getRange() == null) {
                return new SemanticTokens(List.of());
            }
            return getWorkspaceManager().doRead(uri,
                    (document, resource) -> tokens.range(text(resource), resource, params.getRange(), cancel));
        });
    }

    /** The text the resource was parsed from: the tokens' offsets are into it. */
    private static String text(XtextResource resource) {
        return resource == null || resource.getParseResult() == null ? ""
                : resource.getParseResult().getRootNode().getText();
    }

    @Override
    protected Diagnostic toDiagnostic(Issue issue) {
        Diagnostic d = super.toDiagnostic(issue);
        d.setCode(TdpIssueCodes.external(issue.getCode()));
        d.setSource("tdpscope");
        d.setData(null);
        return d;
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(
            DocumentSymbolParams params) {
        return getRequestManager().runRead(cancel -> {
            URI uri = getURI(params.getTextDocument());
            boolean tree = isHierarchicalDocumentSymbolSupport();
            return getWorkspaceManager().doRead(uri, (document, resource) -> TdpDocumentSymbols.symbols(document,
                    resource, params.getTextDocument().getUri(), tree));
        });
    }

    @Override
    public CompletableFuture<?> request(String method, Object parameter) {
        if (!getExtensionProviders().containsKey(method)) {
            throw new ResponseErrorException(new ResponseError(ResponseErrorCode.MethodNotFound,
                    "unknown method '" + method + "'", null));
        }
        return super.request(method, parameter);
    }
}
