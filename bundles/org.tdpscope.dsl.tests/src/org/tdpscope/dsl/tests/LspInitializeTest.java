/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.jsonrpc.messages.NotificationMessage;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code initialize} the ways real clients send it, over the protocol: without any workspace (a
 * single file outside a project: {@code rootUri} null, no folders, no capability), with
 * {@code workspaceFolders} but without the capability, with the capability, with only
 * {@code rootPath}, with only {@code rootUri}. Each must answer with capabilities, publish
 * diagnostics for a document opened outside any folder ({@code file:///tmp/x.tdp}), and, when it
 * names a folder, for the broken scenario that lies in it.
 */
class LspInitializeTest {

    private static final String BROKEN = "scenario \"x\" {\n  vm { vcpu v0 }\n  schedule { v9 to end }\n}\n";

    @TempDir
    static Path folder;

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("rootUri null, no folders, no capability", "{\"processId\":null,\"rootUri\":null,"
                        + "\"capabilities\":{}}", false),
                Arguments.of("no root at all", "{\"processId\":null,\"capabilities\":{}}", false),
                Arguments.of("rootUri null, workspaceFolders null, capability", "{\"processId\":null,\"rootUri\":null,"
                        + "\"workspaceFolders\":null,\"capabilities\":{\"workspace\":{\"workspaceFolders\":true}}}",
                        false),
                Arguments.of("empty workspaceFolders, capability", "{\"processId\":null,\"rootUri\":null,"
                        + "\"workspaceFolders\":[],\"capabilities\":{\"workspace\":{\"workspaceFolders\":true}}}",
                        false),
                Arguments.of("workspaceFolders without the capability", "{\"processId\":null,\"rootUri\":null,"
                        + "\"workspaceFolders\":[{\"uri\":FOLDER,\"name\":\"ws\"}],\"capabilities\":{}}", true),
                Arguments.of("workspaceFolders with the capability", "{\"processId\":null,\"rootUri\":FOLDER,"
                        + "\"workspaceFolders\":[{\"uri\":FOLDER,\"name\":\"ws\"}],"
                        + "\"capabilities\":{\"workspace\":{\"workspaceFolders\":true}}}", true),
                Arguments.of("rootPath only", "{\"processId\":null,\"rootPath\":PATH,\"capabilities\":{}}", true),
                Arguments.of("rootUri only", "{\"processId\":null,\"rootUri\":FOLDER,\"capabilities\":{}}", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void initializeAndDiagnose(String name, String params, boolean hasFolder) throws Exception {
        Path dir = Files.createDirectories(folder.resolve(name.replaceAll("[^a-z]+", "-")));
        Files.writeString(dir.resolve("on-disk.tdp"), BROKEN, StandardCharsets.UTF_8);
        String folderUri = dir.toUri().toString();
        String p = params.replace("FOLDER", LspWire.quote(folderUri)).replace("PATH",
                LspWire.quote(dir.toString()));
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
            try (LspWire server = LspWire.start()) {
                ResponseMessage init = server.initialize(p);
                assertNull(init.getError(), () -> "initialize failed: " + init.getError());
                InitializeResult result = (InitializeResult) init.getResult();
                assertNotNull(result.getCapabilities());
                assertNotNull(result.getCapabilities().getTextDocumentSync());
                // what every client is told, whatever it declared: quick fixes, semantic tokens with
                // a legend of standard types, no signature help (the language has no calls)
                assertTrue(result.getCapabilities().getCodeActionProvider().getLeft());
                assertTrue(result.getCapabilities().getSemanticTokensProvider().getLegend().getTokenTypes()
                        .containsAll(java.util.List.of("variable", "parameter", "class", "enumMember", "keyword")));
                assertNull(result.getCapabilities().getSignatureHelpProvider());

                // a single file outside any folder
                server.didOpen("file:///tmp/x.tdp", BROKEN);
                NotificationMessage outside = server.diagnostics("file:///tmp/x.tdp",
                        d -> !d.getDiagnostics().isEmpty(), Duration.ofSeconds(60));
                PublishDiagnosticsParams d = (PublishDiagnosticsParams) outside.getParams();
                assertTrue(d.getDiagnostics().stream().anyMatch(x -> x.getMessage().contains("v9")),
                        d.getDiagnostics().toString());
                assertEquals(2, d.getDiagnostics().get(0).getRange().getStart().getLine());

                if (hasFolder) {
                    // the folder is the workspace: its files are built without being opened
                    server.diagnostics("on-disk.tdp", x -> !x.getDiagnostics().isEmpty(), Duration.ofSeconds(60));
                    // and an opened file of the folder is diagnosed as well
                    server.didOpen(dir.resolve("opened.tdp").toUri().toString(), BROKEN);
                    server.diagnostics("opened.tdp", x -> !x.getDiagnostics().isEmpty(), Duration.ofSeconds(60));
                }
                ResponseMessage shutdown = server.request(99, "shutdown", "null", Duration.ofSeconds(60));
                assertNull(shutdown.getError());
                assertTrue(server.closeInputAndWait(Duration.ofSeconds(30)), "the server did not end");
                server.awaitOutputEnd(Duration.ofSeconds(10));
                assertFalse(server.messages().stream().anyMatch(m -> m instanceof ResponseMessage r
                        && r.getError() != null), () -> "error responses: " + server.messages());
                assertEquals("", server.nonProtocolOutput());
            }
        });
    }
}
