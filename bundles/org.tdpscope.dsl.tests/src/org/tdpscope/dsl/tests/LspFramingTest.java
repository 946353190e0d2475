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
import java.time.Duration;
import java.util.Arrays;

import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Abuse of the framing, over the protocol: every broken frame is answered with a JSON-RPC error
 * (with the request's id when the body shows one, else id null) and the server goes on: the
 * request sent right after it is answered. Nothing may leave the server alive but deaf, and
 * nothing but protocol messages may appear on its output. Each case has a time limit.
 */
class LspFramingTest {

    /** A request the server can always answer. */
    private static final String REQUEST = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"workspace/symbol\",\"params\":"
            + "{\"query\":\"scenario\"}}";
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final Duration ANSWER = Duration.ofSeconds(30);

    /**
     * Starts a server, initializes it, lets {@code abuse} send something, then checks that a
     * following request is answered and the output held only protocol messages.
     */
    private static void survives(ThrowingConsumer<LspWire> abuse) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (LspWire server = LspWire.start()) {
                assertNull(server.initialize("{\"processId\":null,\"rootUri\":null,\"capabilities\":{}}").getError());
                abuse.accept(server);
                ResponseMessage after = server.request(99, "shutdown", "null", ANSWER);
                assertNull(after.getError(), () -> "the request after the broken frame failed: " + after);
                assertTrue(server.closeInputAndWait(Duration.ofSeconds(30)), "the server did not end");
                server.awaitOutputEnd(Duration.ofSeconds(10));
                assertEquals("", server.nonProtocolOutput(), "non-protocol output");
                for (var m : server.messages()) {
                    if (m instanceof ResponseMessage r && r.getError() != null) {
                        noStackTrace(r.getError());
                    }
                }
            }
        });
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void noStackTrace(ResponseError e) {
        assertNull(e.getData(), () -> "error data (a stack trace?): " + e.getData());
        assertFalse(e.getMessage().contains("\tat ") || e.getMessage().contains("Exception\n"), e.getMessage());
    }

    /** The error response to request 7 (the broken one), or to id null when the body showed no id. */
    private static ResponseError errorFor(LspWire server, Object id) throws InterruptedException {
        ResponseMessage r = (ResponseMessage) server.await(m -> m instanceof ResponseMessage x
                && (id == null ? LspWire.NULL_ID : id.toString()).equals(x.getId()) && x.getError() != null, ANSWER);
        return r.getError();
    }

    @Test
    void contentLengthNotANumber() {
        survives(server -> {
            server.raw(ascii("Content-Length: abc\r\n\r\n"), utf8(REQUEST));
            ResponseError e = errorFor(server, 7);
            assertEquals(-32700, e.getCode());
            assertTrue(e.getMessage().contains("abc"), e.getMessage());
        });
    }

    @Test
    void contentLengthMissing() {
        survives(server -> {
            server.raw(ascii("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"), utf8(REQUEST));
            assertTrue(errorFor(server, 7).getMessage().contains("Content-Length"));
        });
    }

    @Test
    void noHeaderAtAll() {
        survives(server -> {
            server.raw(utf8(REQUEST));
            assertTrue(errorFor(server, 7).getMessage().contains("Content-Length"));
        });
    }

    @Test
    void contentLengthAbove2To31() {
        survives(server -> {
            server.raw(ascii("Content-Length: 4294967296\r\n\r\n"), utf8(REQUEST));
            assertTrue(errorFor(server, 7).getMessage().contains("limit"));
            server.raw(ascii("Content-Length: 2147483648\r\n\r\n"), utf8(REQUEST.replace("\"id\":7", "\"id\":8")));
            assertTrue(errorFor(server, 8).getMessage().contains("limit"));
        });
    }

    @Test
    void contentLengthNegative() {
        survives(server -> {
            server.raw(ascii("Content-Length: -5\r\n\r\n"), utf8(REQUEST));
            assertEquals(-32700, errorFor(server, 7).getCode());
        });
    }

    @Test
    void contentLengthLargerThanTheBodyThenTheNextMessage() {
        survives(server -> {
            byte[] body = utf8(REQUEST);
            byte[] next = utf8(REQUEST.replace("\"id\":7", "\"id\":8"));
            // the next message right behind it, in the same write: the server must find it
            server.raw(ascii("Content-Length: " + (body.length + 40) + "\r\n\r\n"), body,
                    ascii("Content-Length: " + next.length + "\r\n\r\n"), next);
            assertTrue(errorFor(server, 7).getMessage().contains("Content-Length"));
            ResponseMessage answered = server.response(8, ANSWER);
            assertNull(answered.getError(), () -> String.valueOf(answered.getError()));
        });
    }

    @Test
    void contentLengthLargerThanTheBodyThenSilence() {
        survives(server -> {
            byte[] body = utf8(REQUEST);
            server.raw(ascii("Content-Length: " + (body.length + 40) + "\r\n\r\n"), body);
            long t = System.nanoTime();
            ResponseError e = errorFor(server, 7);
            assertTrue(e.getMessage().contains("Content-Length"), e.getMessage());
            assertTrue(System.nanoTime() - t < Duration.ofSeconds(20).toNanos());
        });
    }

    @Test
    void bodyCutShortThenSilence() {
        survives(server -> {
            byte[] body = utf8(REQUEST);
            server.raw(ascii("Content-Length: " + body.length + "\r\n\r\n"), Arrays.copyOf(body, 50));
            // after a stall the server gives the message up and answers (the id came before the cut)
            assertTrue(errorFor(server, 7).getMessage().contains("nothing more arrived"));
        });
    }

    @Test
    void contentLengthSmallerThanTheBody() {
        survives(server -> {
            byte[] body = utf8(REQUEST);
            server.raw(ascii("Content-Length: " + (body.length - 12) + "\r\n\r\n"), body);
            assertEquals(-32700, errorFor(server, 7).getCode());
        });
    }

    @Test
    void garbageInsteadOfHeaders() {
        survives(server -> {
            server.raw(ascii("hello, server\r\n\r\n"));
            assertEquals(-32700, errorFor(server, null).getCode());
        });
    }

    @Test
    void bodyThatIsNoJson() {
        survives(server -> {
            server.send("{this is not json}");
            assertEquals(-32700, errorFor(server, null).getCode());
        });
    }

    @Test
    void paramsNested100000Deep() {
        survives(server -> {
            String deep = "[".repeat(100_000) + "]".repeat(100_000);
            server.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"workspace/symbol\",\"params\":" + deep + "}");
            ResponseError e = errorFor(server, 7);
            assertEquals(-32600, e.getCode());
            assertTrue(e.getMessage().contains("deeper"), e.getMessage());
            // a notification nested as deep is dropped (and logged), the server goes on
            server.send("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":" + deep + "}");
        });
    }

    @Test
    void messageAboveTheSizeLimit() {
        survives(server -> {
            // 64 MiB and a little more, really sent: skipped without being kept, then refused
            String big = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/hover\",\"params\":{\"x\":\""
                    + "a".repeat((64 << 20) + 100) + "\"}}";
            server.send(big);
            assertTrue(errorFor(server, 7).getMessage().contains("limit"));
        });
    }

    @Test
    void unknownMethodGetsMethodNotFoundWithoutStackTrace() {
        survives(server -> {
            ResponseMessage r = server.request(7, "tdpscope/noSuchMethod", "{}", ANSWER);
            assertNotNull(r.getError());
            assertEquals(-32601, r.getError().getCode());
            noStackTrace(r.getError());
        });
    }

    @Test
    void invalidParamsGetAnErrorWithoutStackTrace() {
        survives(server -> {
            server.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/hover\",\"params\":"
                    + "{\"textDocument\":42,\"position\":\"here\"}}");
            noStackTrace(errorFor(server, 7));
        });
    }
}
