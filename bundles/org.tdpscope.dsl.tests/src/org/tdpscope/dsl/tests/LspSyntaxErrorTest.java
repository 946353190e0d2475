/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;

import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.junit.jupiter.api.Test;

/** The language server reports a syntax mistake as the command line does: one diagnostic, in the user's words. */
class LspSyntaxErrorTest {

    private static final Duration ANSWER = Duration.ofSeconds(60);

    @Test
    void oneDiagnosticPerMistake() {
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
            LspWire server = LspWire.start();
            try {
                ResponseMessage init = server.initialize("{\"processId\":null,\"rootUri\":null,\"capabilities\":{}}");
                assertNull(init.getError());
                server.didOpen("file:///tmp/lsp-syntax/typo.tdp", """
                        scenario "t" {
                          vm {
                            memslot 0: gfn 0x0 .. 0x40000
                            vcpu v0
                          }
                          threads {
                            vcpu v0: load root
                            walkr W: clear-dirty gfn 0x0 .. 0x100
                          }
                          schedule {
                            v0 to end
                            W to end
                          }
                        }
                        """);
                PublishDiagnosticsParams p = (PublishDiagnosticsParams) server.diagnostics("typo.tdp",
                        d -> !d.getDiagnostics().isEmpty(), ANSWER).getParams();
                List<Diagnostic> ds = p.getDiagnostics();
                assertEquals(1, ds.size(), ds::toString);
                Diagnostic d = ds.get(0);
                assertEquals("expected 'vcpu', 'walker', 'invalidator' or '}' to close threads { opened at 6:3, found"
                        + " 'walkr'; did you mean 'walker'?", d.getMessage());
                assertEquals(7, d.getRange().getStart().getLine()); // 0-based: line 8
                assertEquals(4, d.getRange().getStart().getCharacter());
                assertEquals("syntax", d.getCode().getLeft());
                server.request(99, "shutdown", "null", ANSWER);
            } finally {
                server.close();
            }
        });
    }
}
