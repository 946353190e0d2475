/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ResourceOperation;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quick fixes over the protocol, as an editor uses them: a broken copy of the seed example is
 * opened, the diagnostic is sent back in a {@code textDocument/codeAction} request, the chosen
 * action's workspace edit is applied to the text and the text sent as a change, and the server's
 * next diagnostics no longer have the error.
 */
class LspCodeActionTest {

    private static final Duration ANSWER = Duration.ofSeconds(60);

    private static LspWire server;
    private static InitializeResult capabilities;
    private static String seed;
    private static final AtomicInteger nextId = new AtomicInteger(10);
    private static final AtomicInteger nextDoc = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        seed = LspWire.text(Scenarios.examplesDir().resolve("seed-terminate.tdp"));
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
            server = LspWire.start();
            ResponseMessage init = server.initialize("{\"processId\":null,\"rootUri\":null,\"capabilities\":"
                    + "{\"workspace\":{\"workspaceEdit\":{\"documentChanges\":true}},\"textDocument\":"
                    + "{\"codeAction\":{\"codeActionLiteralSupport\":{\"codeActionKind\":{\"valueSet\":"
                    + "[\"quickfix\"]}}}}}}");
            assertNull(init.getError());
            capabilities = (InitializeResult) init.getResult();
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.request(99, "shutdown", "null", ANSWER);
            server.close();
            assertEquals("", server.nonProtocolOutput());
        }
    }

    @Test
    void codeActionsAreAdvertised() {
        Either<Boolean, ?> p = capabilities.getCapabilities().getCodeActionProvider();
        assertNotNull(p);
        assertTrue(p.isRight() || p.getLeft(), p.toString());
    }

    /** name, text replaced in the seed, its replacement, the issue code, the fix's title, the fixed text. */
    static Stream<Arguments> fixes() {
        return Stream.of(
                fix("unknown thread", "W until yield", "Q until yield", "unknown-name", "Change to 'W'", null),
                fix("unknown vCPU in the schedule", "v0 reload;", "v9 reload;", "unknown-name", "Change to 'v0'",
                        null),
                fix("unknown vCPU of a thread", "vcpu v1: load root", "vcpu v2: load root", "unknown-name",
                        "Change to 'v1'", null),
                fix("unknown policy", "policy compare all", "policy restrat", "bad-policy", "Change to 'restart'",
                        "policy restart"),
                fix("unknown policy of an expectation", "under fifo: roots", "under fiffo: roots", "bad-policy",
                        "Change to 'fifo'", null),
                fix("unknown knob", "policy compare all", "policy terminate keep-lsted", "bad-policy",
                        "Change to 'keep-listed'", "policy terminate keep-listed"),
                fix("unknown era", "kernel v5.16", "kernel v5.17", "bad-kernel", "Change to 'v5.16'", null),
                fix("a misspelt mainline (a syntax error)", "kernel v5.16", "kernel mainlin", "syntax",
                        "Change to 'mainline'", "kernel mainline"),
                fix("a misspelt era in a compared list", "kernel v5.16", "kernel compare v5.16, mainlne", "syntax",
                        "Change to 'mainline'", "kernel compare v5.16, mainline"),
                fix("unknown invariant", "no violation", "violation use-after-fre", "bad-invariant",
                        "Change to 'use-after-free'", "violation use-after-free"),
                fix("a step without how far", "W to end", "W", "no-ops-left", "Run W to end", null),
                fix("a step with too many operations", "W to end", "W 3 ops", "no-ops-left", "Run W to end", null),
                fix("a step waiting for a yield that cannot come", "Z to end", "Z until yield", "cannot-yield",
                        "Run Z to end", null),
                fix("a root in lower case", "under continue: W visited [B]", "under continue: W visited [b]",
                        "root-name", "Change to 'B'", null));
    }

    private static Arguments fix(String name, String find, String replace, String code, String title,
            String fixedReplacement) {
        return Arguments.of(name, find, replace, code, title, fixedReplacement);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixes")
    void theFixRemovesTheError(String name, String find, String replace, String code, String title,
            String fixedReplacement) {
        assertTimeoutPreemptively(ANSWER.multipliedBy(3), () -> {
            assertTrue(seed.contains(find), find);
            String broken = seed.replaceFirst(java.util.regex.Pattern.quote(find),
                    java.util.regex.Matcher.quoteReplacement(replace));
            String expected = fixedReplacement == null ? seed
                    : seed.replaceFirst(java.util.regex.Pattern.quote(find),
                            java.util.regex.Matcher.quoteReplacement(fixedReplacement));
            String uri = "file:///tmp/lsp-code-actions/fix-" + nextDoc.incrementAndGet() + ".tdp";
            server.didOpen(uri, broken);
            PublishDiagnosticsParams published = (PublishDiagnosticsParams) server.diagnostics(uri,
                    d -> d.getDiagnostics().stream().anyMatch(x -> code.equals(code(x))), ANSWER).getParams();
            Diagnostic diagnostic = published.getDiagnostics().stream().filter(x -> code.equals(code(x))).findFirst()
                    .orElseThrow();

            List<CodeAction> actions = codeActions(uri, diagnostic, List.of(diagnostic));
            CodeAction action = actions.stream().filter(a -> title.equals(a.getTitle())).findFirst()
                    .orElseThrow(() -> new AssertionError("no '" + title + "' in "
                            + actions.stream().map(CodeAction::getTitle).toList()));
            assertEquals("quickfix", action.getKind());
            assertEquals(List.of(diagnostic.getMessage()),
                    action.getDiagnostics().stream().map(Diagnostic::getMessage).toList());
            assertEquals(Boolean.TRUE, actions.get(0).getIsPreferred(), "the first action is the preferred one");

            String fixed = apply(broken, uri, action.getEdit());
            assertEquals(expected, fixed);
            server.notify("textDocument/didChange", "{\"textDocument\":{\"uri\":" + LspWire.quote(uri)
                    + ",\"version\":2},\"contentChanges\":[{\"text\":" + LspWire.quote(fixed) + "}]}");
            // gone: no diagnostic of the code and severity (a knob's fix may leave a warning about the mix)
            PublishDiagnosticsParams after = (PublishDiagnosticsParams) server.diagnostics(uri,
                    d -> d.getDiagnostics().stream().noneMatch(x -> code.equals(code(x))
                            && x.getSeverity() == diagnostic.getSeverity()), ANSWER).getParams();
            assertTrue(after.getDiagnostics().stream().noneMatch(x -> x.getSeverity() == DiagnosticSeverity.Error),
                    () -> "errors after the fix: " + after.getDiagnostics());
            server.notify("textDocument/didClose", "{\"textDocument\":{\"uri\":" + LspWire.quote(uri) + "}}");
        });
    }

    @Test
    void theNearestNamesComeFirstAndTies() {
        assertTimeoutPreemptively(ANSWER.multipliedBy(2), () -> {
            String uri = "file:///tmp/lsp-code-actions/nearest.tdp";
            server.didOpen(uri, seed.replace("kernel v5.16", "kernel v5.17").replace("W until yield",
                    "Q until yield"));
            PublishDiagnosticsParams p = (PublishDiagnosticsParams) server.diagnostics(uri,
                    d -> d.getDiagnostics().size() >= 2, ANSWER).getParams();
            // as Neovim sends them: every diagnostic of the document in the context
            Diagnostic era = p.getDiagnostics().stream().filter(d -> "bad-kernel".equals(code(d))).findFirst()
                    .orElseThrow();
            List<CodeAction> all = codeActions(uri, era, p.getDiagnostics());
            assertTrue(all.stream().anyMatch(a -> a.getTitle().equals("Change to 'W'")),
                    "the fixes of every diagnostic sent");
            List<String> eraFixes = all.stream()
                    .filter(a -> a.getDiagnostics().get(0).getMessage().equals(era.getMessage()))
                    .map(CodeAction::getTitle).toList();
            // v5.15, v5.16 and v5.18 are one edit away; the closer releases first
            assertEquals(List.of("Change to 'v5.16'", "Change to 'v5.18'", "Change to 'v5.15'"), eraFixes);
            Diagnostic thread = p.getDiagnostics().stream().filter(d -> "unknown-name".equals(code(d))).findFirst()
                    .orElseThrow();
            List<String> threadFixes = codeActions(uri, thread, List.of(thread)).stream().map(CodeAction::getTitle)
                    .toList();
            assertEquals(List.of("Change to 'W'", "Change to 'Z'"), threadFixes);
        });
    }

    @Test
    void otherDiagnosticsAndOtherKindsGetNoActions() {
        assertTimeoutPreemptively(ANSWER.multipliedBy(2), () -> {
            String uri = "file:///tmp/lsp-code-actions/syntax.tdp";
            server.didOpen(uri, seed.replace("policy compare all", "policy compare all,"));
            PublishDiagnosticsParams p = (PublishDiagnosticsParams) server.diagnostics(uri,
                    d -> !d.getDiagnostics().isEmpty(), ANSWER).getParams();
            Diagnostic syntax = p.getDiagnostics().get(0);
            assertEquals(List.of(), codeActions(uri, syntax, List.of(syntax)));

            String other = "file:///tmp/lsp-code-actions/only.tdp";
            server.didOpen(other, seed.replace("W until yield", "Q until yield"));
            PublishDiagnosticsParams q = (PublishDiagnosticsParams) server.diagnostics(other,
                    d -> !d.getDiagnostics().isEmpty(), ANSWER).getParams();
            ResponseMessage r = server.request(nextId.incrementAndGet(), "textDocument/codeAction",
                    codeActionParams(other, q.getDiagnostics().get(0), q.getDiagnostics(), "[\"refactor\"]"), ANSWER);
            assertNull(r.getError());
            assertEquals(List.of(), r.getResult());
        });
    }

    // ------------------------------------------------------------------------------------ helpers

    static String code(Diagnostic d) {
        return d.getCode() == null ? null : d.getCode().isLeft() ? d.getCode().getLeft()
                : String.valueOf(d.getCode().getRight());
    }

    @SuppressWarnings("unchecked")
    private static List<CodeAction> codeActions(String uri, Diagnostic at, List<Diagnostic> context)
            throws InterruptedException {
        ResponseMessage r = server.request(nextId.incrementAndGet(), "textDocument/codeAction",
                codeActionParams(uri, at, context, null), ANSWER);
        assertNull(r.getError(), () -> String.valueOf(r.getError()));
        List<CodeAction> out = new ArrayList<>();
        for (Either<Command, CodeAction> e : (List<Either<Command, CodeAction>>) r.getResult()) {
            assertTrue(e.isRight(), "a command, not a code action: " + e);
            out.add(e.getRight());
        }
        return out;
    }

    private static String codeActionParams(String uri, Diagnostic at, List<Diagnostic> context, String only) {
        StringBuilder diags = new StringBuilder();
        for (Diagnostic d : context) {
            diags.append(diags.length() == 0 ? "" : ",").append(json(d));
        }
        return "{\"textDocument\":{\"uri\":" + LspWire.quote(uri) + "},\"range\":" + json(at.getRange().getStart(),
                at.getRange().getEnd()) + ",\"context\":{\"diagnostics\":[" + diags + "]"
                + (only == null ? "" : ",\"only\":" + only) + "}}";
    }

    private static String json(Diagnostic d) {
        return "{\"range\":" + json(d.getRange().getStart(), d.getRange().getEnd()) + ",\"severity\":"
                + d.getSeverity().getValue() + ",\"code\":" + LspWire.quote(code(d)) + ",\"source\":"
                + LspWire.quote(d.getSource()) + ",\"message\":" + LspWire.quote(d.getMessage()) + "}";
    }

    private static String json(Position s, Position e) {
        return "{\"start\":{\"line\":" + s.getLine() + ",\"character\":" + s.getCharacter() + "},\"end\":{\"line\":"
                + e.getLine() + ",\"character\":" + e.getCharacter() + "}}";
    }

    /** The text after the workspace edit's edits of {@code uri} (document changes or plain changes). */
    static String apply(String text, String uri, WorkspaceEdit edit) {
        assertNotNull(edit, "an action without an edit");
        List<TextEdit> edits = new ArrayList<>();
        if (edit.getDocumentChanges() != null) {
            for (Either<TextDocumentEdit, ResourceOperation> c : edit.getDocumentChanges()) {
                assertTrue(c.isLeft(), "a resource operation: " + c);
                assertEquals(uri, c.getLeft().getTextDocument().getUri());
                edits.addAll(c.getLeft().getEdits());
            }
        }
        if (edit.getChanges() != null) {
            for (Map.Entry<String, List<TextEdit>> e : edit.getChanges().entrySet()) {
                assertEquals(uri, e.getKey());
                edits.addAll(e.getValue());
            }
        }
        assertTrue(!edits.isEmpty(), "an empty edit");
        int[] starts = lineStarts(text);
        edits.sort(Comparator.comparingInt((TextEdit t) -> offset(starts, t.getRange().getStart())).reversed());
        StringBuilder sb = new StringBuilder(text);
        for (TextEdit t : edits) {
            sb.replace(offset(starts, t.getRange().getStart()), offset(starts, t.getRange().getEnd()), t.getNewText());
        }
        return sb.toString();
    }

    private static int[] lineStarts(String text) {
        List<Integer> s = new ArrayList<>(List.of(0));
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                s.add(i + 1);
            }
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int offset(int[] lineStarts, Position p) {
        return lineStarts[p.getLine()] + p.getCharacter();
    }
}
