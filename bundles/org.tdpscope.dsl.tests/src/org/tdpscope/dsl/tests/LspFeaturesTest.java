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

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hover, document symbols, diagnostics and capabilities over the protocol, on the seed example
 * and a broken copy of it, as an editor would see them.
 */
class LspFeaturesTest {

    private static final Duration ANSWER = Duration.ofSeconds(60);
    private static final String SEED_URI = "file:///tmp/lsp-features/seed-terminate.tdp";
    private static final String BROKEN_URI = "file:///tmp/lsp-features/broken.tdp";

    private static LspWire server;
    private static InitializeResult capabilities;
    private static String seed;
    private static int nextId = 10;

    @BeforeAll
    static void start() throws Exception {
        seed = LspWire.text(Scenarios.examplesDir().resolve("seed-terminate.tdp"));
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
            server = LspWire.start();
            ResponseMessage init = server.initialize("{\"processId\":null,\"rootUri\":null,\"capabilities\":"
                    + "{\"textDocument\":{\"documentSymbol\":{\"hierarchicalDocumentSymbolSupport\":true},"
                    + "\"hover\":{\"contentFormat\":[\"markdown\",\"plaintext\"]}}}}");
            assertNull(init.getError());
            capabilities = (InitializeResult) init.getResult();
            server.didOpen(SEED_URI, seed);
            server.diagnostics("seed-terminate.tdp", d -> true, ANSWER);
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

    /**
     * The hover at the start of {@code marker} in the first line containing {@code lineContaining}
     * (its first occurrence outside the line's comment).
     */
    private static String hover(String lineContaining, String marker) throws InterruptedException {
        String[] lines = seed.split("\n", -1);
        for (int l = 0; l < lines.length; l++) {
            int comment = lines[l].indexOf("//");
            String code = comment < 0 ? lines[l] : lines[l].substring(0, comment);
            int col = code.indexOf(marker);
            if (lines[l].contains(lineContaining) && col >= 0) {
                ResponseMessage r = server.request(nextId++, "textDocument/hover", "{\"textDocument\":{\"uri\":\""
                        + SEED_URI + "\"},\"position\":{\"line\":" + l + ",\"character\":" + col + "}}", ANSWER);
                assertNull(r.getError(), () -> String.valueOf(r.getError()));
                Hover h = (Hover) r.getResult();
                if (h == null || h.getContents() == null) {
                    return "";
                }
                return h.getContents().isRight() ? h.getContents().getRight().getValue()
                        : String.valueOf(h.getContents().getLeft());
            }
        }
        throw new AssertionError("no line with " + lineContaining + " and " + marker);
    }

    @Test
    void hoverOnAThreadSaysWhatItDoes() {
        assertTimeoutPreemptively(ANSWER.multipliedBy(2), () -> {
            // W where the schedule uses it, and where it is declared
            String use = hover("W until yield", "W");
            assertTrue(use.contains("walker W") && use.contains("write-protect gfn 0x0 .. 0x100"), use);
            String decl = hover("walker W:", "W:");
            assertTrue(decl.contains("walker W") && decl.contains("yield-safe"), decl);
            String inv = hover("Z to end", "Z");
            assertTrue(inv.contains("invalidator Z") && inv.contains("fast zap"), inv);
            // a vCPU: its role and its program
            String vcpu = hover("v0 to end", "v0");
            assertTrue(vcpu.contains("vcpu v0") && vcpu.contains("role `default`") && vcpu.contains("load root"),
                    vcpu);
        });
    }

    @Test
    void hoverOnARootSaysWhichRootAndItsRole() {
        assertTimeoutPreemptively(ANSWER.multipliedBy(2), () -> {
            String inYield = hover("yield after gfn 0x10 in root B", "B");
            assertTrue(inYield.contains("root B"), inYield);
            String root = hover("under continue: W visited [B]", "B]");
            assertTrue(root.contains("root B") && root.contains("2nd root"), root);
            assertTrue(root.contains("created by `v1`") && root.contains("role `smm`"), root);
            String role = hover("vcpu v1 role smm", "smm");
            assertTrue(role.contains("System Management Mode"), role);
        });
    }

    @Test
    void hoverOnAKeywordSaysWhatItMeans() {
        assertTimeoutPreemptively(ANSWER.multipliedBy(2), () -> {
            assertTrue(hover("invalidator Z: fast zap", "fast").contains("kvm_mmu_zap_all_fast"));
            assertTrue(hover("W until yield", "until").contains("until yield"));
            assertTrue(hover("memslot 0: gfn", "dirty-logging").contains("Dirty logging"));
            assertTrue(hover("policy compare all", "compare").contains("side by side"));
            assertTrue(hover("under fifo: roots", "fifo").contains("Policy **fifo**"));
            assertTrue(hover("kernel v5.16", "v5.16").contains("Kernel era"));
            assertTrue(hover("mmu_lock shared", "shared").contains("read"));
            assertTrue(hover("no violation", "violation").contains("invariant"));
            String slot = hover("memslot 0: gfn", "0:");
            assertTrue(slot.contains("memslot 0") && slot.contains("1 GiB"), slot);
        });
    }

    @SuppressWarnings("unchecked")
    @Test
    void documentSymbolsAreATreeWithKinds() {
        assertTimeoutPreemptively(ANSWER, () -> {
            ResponseMessage r = server.request(nextId++, "textDocument/documentSymbol", "{\"textDocument\":{\"uri\":\""
                    + SEED_URI + "\"}}", ANSWER);
            assertNull(r.getError());
            List<Either<SymbolInformation, DocumentSymbol>> list = (List<Either<SymbolInformation, DocumentSymbol>>) r
                    .getResult();
            assertEquals(1, list.size(), list.toString());
            DocumentSymbol scenario = list.get(0).getRight();
            assertEquals(SymbolKind.Module, scenario.getKind());
            assertTrue(scenario.getName().contains("walker yields while all roots are invalidated"));
            List<String> sections = scenario.getChildren().stream().map(DocumentSymbol::getName).toList();
            assertEquals(List.of("vm", "kernel v5.16", "policy compare all", "threads", "schedule", "expect"), sections);

            DocumentSymbol vm = child(scenario, "vm");
            assertEquals(SymbolKind.Namespace, vm.getKind());
            assertEquals(SymbolKind.Array, child(vm, "memslot 0").getKind());
            assertEquals(SymbolKind.Object, child(vm, "vcpu v0").getKind());
            assertEquals("role smm", child(vm, "vcpu v1").getDetail());

            DocumentSymbol threads = child(scenario, "threads");
            assertEquals(List.of("vcpu v0", "vcpu v1", "walker W", "invalidator Z"),
                    threads.getChildren().stream().map(DocumentSymbol::getName).toList());
            threads.getChildren().forEach(t -> assertEquals(SymbolKind.Function, t.getKind()));
            assertTrue(child(threads, "walker W").getDetail().startsWith("write-protect gfn 0x0 .. 0x100"));

            DocumentSymbol schedule = child(scenario, "schedule");
            assertEquals("W until yield", schedule.getChildren().get(2).getName());
            schedule.getChildren().forEach(s -> assertEquals(SymbolKind.Event, s.getKind()));

            DocumentSymbol expect = child(scenario, "expect");
            assertTrue(expect.getChildren().stream().anyMatch(e -> e.getName().equals("B freed by W")));
            expect.getChildren().forEach(e -> assertEquals(SymbolKind.Boolean, e.getKind()));

            checkRanges(scenario);
        });
    }

    /** Every selection range lies in its range, every child's range in its parent's. */
    private static void checkRanges(DocumentSymbol s) {
        assertTrue(within(s.getSelectionRange(), s.getRange()), s.getName());
        assertFalse(s.getName().isBlank());
        for (DocumentSymbol c : s.getChildren()) {
            assertTrue(within(c.getRange(), s.getRange()), c.getName() + " in " + s.getName());
            checkRanges(c);
        }
    }

    private static boolean within(Range inner, Range outer) {
        return compare(inner.getStart(), outer.getStart()) >= 0 && compare(inner.getEnd(), outer.getEnd()) <= 0;
    }

    private static int compare(org.eclipse.lsp4j.Position a, org.eclipse.lsp4j.Position b) {
        return a.getLine() != b.getLine() ? Integer.compare(a.getLine(), b.getLine())
                : Integer.compare(a.getCharacter(), b.getCharacter());
    }

    private static DocumentSymbol child(DocumentSymbol parent, String name) {
        return parent.getChildren().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + parent.getName()));
    }

    @SuppressWarnings("unchecked")
    @Test
    void clientsWithoutHierarchySupportGetAFlatListWithContainers() {
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
            try (LspWire flat = LspWire.start()) {
                assertNull(flat.initialize("{\"processId\":null,\"rootUri\":null,\"capabilities\":{}}").getError());
                flat.didOpen(SEED_URI, seed);
                ResponseMessage r = flat.request(2, "textDocument/documentSymbol", "{\"textDocument\":{\"uri\":\""
                        + SEED_URI + "\"}}", ANSWER);
                List<Either<SymbolInformation, DocumentSymbol>> list = (List<Either<SymbolInformation, DocumentSymbol>>) r
                        .getResult();
                assertTrue(list.stream().allMatch(Either::isLeft));
                List<SymbolInformation> infos = list.stream().map(Either::getLeft).toList();
                Set<String> seen = new HashSet<>();
                for (SymbolInformation i : infos) {
                    assertTrue(seen.add(i.getName() + "@" + i.getLocation().getRange()), "duplicate " + i.getName());
                }
                SymbolInformation walker = infos.stream().filter(i -> i.getName().equals("walker W")).findFirst()
                        .orElseThrow();
                assertEquals("threads", walker.getContainerName());
                assertEquals(SymbolKind.Function, walker.getKind());
                flat.request(99, "shutdown", "null", ANSWER);
            }
        });
    }

    @Test
    void diagnosticsCarryNoXtextIssueCodes() {
        assertTimeoutPreemptively(ANSWER.multipliedBy(2), () -> {
            String broken = seed.replace("W until yield", "Q until yield").replace("policy compare all",
                    "policy compare all,");
            server.didOpen(BROKEN_URI, broken);
            PublishDiagnosticsParams p = (PublishDiagnosticsParams) server.diagnostics("broken.tdp",
                    d -> !d.getDiagnostics().isEmpty(), ANSWER).getParams();
            for (Diagnostic d : p.getDiagnostics()) {
                assertFalse(d.getMessage().contains("org.eclipse") || d.getMessage().startsWith("["), d.getMessage());
                String code = d.getCode() == null ? null : d.getCode().isLeft() ? d.getCode().getLeft()
                        : String.valueOf(d.getCode().getRight());
                assertNotNull(code);
                assertFalse(code.contains("."), () -> "a qualified issue code: " + code);
                assertEquals("tdpscope", d.getSource());
                assertNull(d.getData());
            }
            Set<String> codes = p.getDiagnostics().stream().map(d -> d.getCode().getLeft()).collect(Collectors.toSet());
            assertTrue(codes.contains("syntax") || codes.contains("unknown-name"), codes.toString());
        });
    }

    @Test
    void signatureHelpIsNotAdvertised() {
        assertNull(capabilities.getCapabilities().getSignatureHelpProvider());
        assertTrue(capabilities.getCapabilities().getHoverProvider().getLeft());
        assertTrue(capabilities.getCapabilities().getDocumentSymbolProvider().getLeft());
    }
}
