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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's output carries protocol messages only: server-side errors (Xtext logs them, with
 * the document's text) go to standard error, never onto the channel, and the server goes on.
 * The server ends when the client closes its input, and after {@code shutdown} and {@code exit}.
 */
class LspChannelTest {

    /** A workspace folder of its own (initialize without one is LspInitializeTest's subject). */
    @TempDir
    static Path workspace;

    private static final String DOC = "scenario \"a\" {\n  vm { vcpu v0 }\n  threads { vcpu v0: load root }\n}\n";
    private static final String URI = "file:///tmp/lsp-channel.tdp";


    private static String init() {
        return "{\"processId\":null,\"rootUri\":" + LspWire.quote(workspace.toUri().toString()) + ",\"capabilities\":{}}";
    }

    @Test
    void serverErrorsStayOffTheChannel() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (LspWire server = LspWire.start()) {
                assertNull(server.initialize(init()).getError());
                server.didOpen(URI, DOC);
                server.diagnostics("lsp-channel.tdp", d -> true, Duration.ofSeconds(60));

                // an edit one line past the end of the document: Xtext fails and logs an ERROR with the text
                server.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"" + URI + "\",\"version\":2},"
                        + "\"contentChanges\":[{\"range\":{\"start\":{\"line\":5,\"character\":0},"
                        + "\"end\":{\"line\":5,\"character\":0}},\"text\":\"x\"}]}");
                // an edit far past the end, and a change to a document never opened (logged as errors too)
                server.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"" + URI + "\",\"version\":3},"
                        + "\"contentChanges\":[{\"range\":{\"start\":{\"line\":500,\"character\":9},"
                        + "\"end\":{\"line\":501,\"character\":0}},\"text\":\"x\"}]}");
                server.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"file:///tmp/never-opened.tdp\","
                        + "\"version\":2},\"contentChanges\":[{\"text\":\"x\"}]}");
                // the server still works: symbols of the (unchanged) document
                ResponseMessage symbols = server.request(6, "textDocument/documentSymbol",
                        "{\"textDocument\":{\"uri\":\"" + URI + "\"}}", Duration.ofSeconds(60));
                assertNull(symbols.getError());
                @SuppressWarnings("unchecked")
                List<Either<SymbolInformation, DocumentSymbol>> list = (List<Either<SymbolInformation, DocumentSymbol>>) symbols
                        .getResult();
                assertFalse(list.isEmpty());
                // the failed edits were handled before the request: nothing of them on the channel
                assertEquals("", server.nonProtocolOutput(), "non-protocol bytes after the failed edits");

                // a request on a position outside the document: an empty hover or an error without stack trace
                ResponseMessage hover = server.request(5, "textDocument/hover", "{\"textDocument\":{\"uri\":\"" + URI
                        + "\"},\"position\":{\"line\":99,\"character\":99}}", Duration.ofSeconds(60));
                if (hover.getError() != null) {
                    LspFramingTest.noStackTrace(hover.getError());
                }

                assertNull(server.request(99, "shutdown", "null", Duration.ofSeconds(60)).getError());
                assertTrue(server.closeInputAndWait(Duration.ofSeconds(30)), "the server did not end");
                server.awaitOutputEnd(Duration.ofSeconds(10));
                assertEquals("", server.nonProtocolOutput(), "non-protocol bytes on the server's output");
                if (server.external()) {
                    String err = server.stderr();
                    assertTrue(err.contains("IndexOutOfBounds") || err.contains("ERROR"),
                            () -> "the failed edit was not logged on stderr: " + err);
                    assertEquals(0, server.exitCode());
                }
            }
        });
    }

    @Test
    void endsWhenTheClientClosesTheInput() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (LspWire server = LspWire.start()) {
                assertNotNull(server.initialize(init()).getResult());
                assertTrue(server.closeInputAndWait(Duration.ofSeconds(30)), "the server did not end");
                if (server.external()) {
                    assertEquals(0, server.exitCode());
                }
            }
        });
    }

    @Test
    void shutdownThenExitEndsTheProcess() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (LspWire server = LspWire.start()) {
                if (!server.external()) {
                    // in this JVM, exit would end the test runtime (Xtext calls System.exit)
                    System.err.println("LspChannelTest: exit not tried, the server runs in this JVM");
                    return;
                }
                assertNotNull(server.initialize(init()).getResult());
                assertNull(server.request(2, "shutdown", "null", Duration.ofSeconds(60)).getError());
                server.notify("exit", "null");
                server.awaitOutputEnd(Duration.ofSeconds(30));
                assertTrue(server.outputEnded(), "the server did not exit");
                assertTrue(server.closeInputAndWait(Duration.ofSeconds(30)));
                assertEquals(0, server.exitCode());
                assertEquals("", server.nonProtocolOutput());
            }
        });
    }
}
