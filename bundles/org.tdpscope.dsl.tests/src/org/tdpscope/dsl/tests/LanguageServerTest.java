/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.dsl.ide.TdpLanguageServer;

/** The language server on a pair of pipes: diagnostics for an opened file, and content assist. */
class LanguageServerTest {

    static final class Client implements LanguageClient {
        final BlockingQueue<PublishDiagnosticsParams> diagnostics = new LinkedBlockingQueue<>();

        @Override
        public void telemetryEvent(Object object) {
        }

        @Override
        public void publishDiagnostics(PublishDiagnosticsParams d) {
            diagnostics.add(d);
        }

        @Override
        public void showMessage(MessageParams messageParams) {
        }

        @Override
        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void logMessage(MessageParams message) {
        }
    }

    @Test
    void diagnosticsAndCompletion(@TempDir Path dir) throws Exception {
        PipedOutputStream toServer = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 16);
        PipedOutputStream fromServer = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(fromServer, 1 << 16);
        Thread server = new Thread(() -> TdpLanguageServer.start(serverIn, fromServer), "tdp-lsp");
        server.setDaemon(true);
        server.start();

        Client client = new Client();
        Launcher<LanguageServer> launcher = Launcher.createLauncher(client, LanguageServer.class, clientIn, toServer);
        launcher.startListening();
        LanguageServer remote = launcher.getRemoteProxy();

        InitializeParams init = new InitializeParams();
        init.setRootUri(dir.toUri().toString());
        assertNotNull(remote.initialize(init).get(60, TimeUnit.SECONDS).getCapabilities());
        remote.initialized(new InitializedParams());

        String uri = dir.resolve("a.tdp").toUri().toString();
        String text = "scenario \"a\" {\n  vm { vcpu v0 }\n  schedule { v9 to end }\n  policy fifo\n}\n";
        remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "tdp", 1, text)));
        PublishDiagnosticsParams d = null;
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            PublishDiagnosticsParams p = client.diagnostics.poll(1, TimeUnit.SECONDS);
            if (p != null && p.getUri().endsWith("a.tdp") && !p.getDiagnostics().isEmpty()) {
                d = p;
                break;
            }
        }
        assertNotNull(d, "no diagnostics published");
        // the schedule is misplaced (policy must come first) or names v9: either way line 3 (0-based 2)
        assertTrue(d.getDiagnostics().stream().anyMatch(x -> x.getRange().getStart().getLine() >= 2),
                d.getDiagnostics().toString());

        String text2 = "scenario \"b\" {\n  policy \n}\n";
        String uri2 = dir.resolve("b.tdp").toUri().toString();
        remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri2, "tdp", 1,
                text2)));
        Either<List<CompletionItem>, CompletionList> c = remote.getTextDocumentService()
                .completion(new CompletionParams(new TextDocumentIdentifier(uri2), new Position(1, 9)))
                .get(60, TimeUnit.SECONDS);
        List<CompletionItem> items = c.isLeft() ? c.getLeft() : c.getRight().getItems();
        assertFalse(items.isEmpty());
        assertTrue(items.stream().anyMatch(i -> i.getLabel().equals("fifo")), items.toString());
        assertTrue(items.stream().anyMatch(i -> i.getLabel().equals("compare")), items.toString());

        // inside an explore block: its keywords
        String text3 = "scenario \"c\" {\n  explore {\n    \n  }\n}\n";
        String uri3 = dir.resolve("c.tdp").toUri().toString();
        remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri3, "tdp", 1,
                text3)));
        Either<List<CompletionItem>, CompletionList> c3 = remote.getTextDocumentService()
                .completion(new CompletionParams(new TextDocumentIdentifier(uri3), new Position(2, 4)))
                .get(60, TimeUnit.SECONDS);
        List<CompletionItem> items3 = c3.isLeft() ? c3.getLeft() : c3.getRight().getItems();
        for (String word : List.of("depth", "yields", "invalidations", "repeat", "policies", "check")) {
            assertTrue(items3.stream().anyMatch(i -> i.getLabel().equals(word)), word + " in " + items3);
        }

        // not remote.exit(): Xtext's server answers it with System.exit, which would end the test runtime
        remote.shutdown().get(30, TimeUnit.SECONDS);
        try {
            toServer.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
