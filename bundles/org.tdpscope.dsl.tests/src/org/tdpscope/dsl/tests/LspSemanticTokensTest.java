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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensLegend;
import org.eclipse.lsp4j.SemanticTokensWithRegistrationOptions;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Semantic tokens over the protocol: the legend in the initialize result, and the tokens of the
 * seed example and of a scenario with the rarer words, decoded from LSP's relative encoding and
 * checked word by word: what each name is (thread, vCPU, root, memslot, policy, era, ...), with
 * standard token types a client's theme knows.
 */
class LspSemanticTokensTest {

    private static final Duration ANSWER = Duration.ofSeconds(60);
    private static final String SEED_URI = "file:///tmp/lsp-tokens/seed-terminate.tdp";
    private static final String RARE_URI = "file:///tmp/lsp-tokens/rare.tdp";

    /** Eras, knobs, rule overrides, memslot references, the zap worker, invariants. */
    static final String RARE = String.join("\n",
            "scenario \"rarer words\" {",
            "  vm {",
            "    memslot 1: gfn 0x0 .. +0x1000",
            "    vcpu v0 role smm",
            "  }",
            "  kernel mainline with fast-zap-refs none",
            "  policy restart keep-listed",
            "  threads {",
            "    vcpu v0: load root",
            "    invalidator Z: delete memslot 1",
            "  }",
            "  schedule {",
            "    v0 to end",
            "    /* a block comment",
            "       over two lines */ Z to end",
            "    kworker to end",
            "  }",
            "  explore { repeat Z, v0; policies fifo }",
            "  expect {",
            "    under kernel mainline: no violation by kworker",
            "    violation use-after-free by Z",
            "  }",
            "}", "");

    private static LspWire server;
    private static SemanticTokensLegend legend;
    private static SemanticTokensWithRegistrationOptions provider;
    private static String seed;
    private static int nextId = 10;

    /** One decoded token: where it is, its text, its type and modifiers by name. */
    record Token(int line, int character, int length, String text, String type, Set<String> modifiers) {
    }

    @BeforeAll
    static void start() throws Exception {
        seed = LspWire.text(Scenarios.examplesDir().resolve("seed-terminate.tdp"));
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> {
            server = LspWire.start();
            ResponseMessage init = server.initialize("{\"processId\":null,\"rootUri\":null,\"capabilities\":"
                    + "{\"textDocument\":{\"semanticTokens\":{\"requests\":{\"full\":true,\"range\":true},"
                    + "\"tokenTypes\":[],\"tokenModifiers\":[],\"formats\":[\"relative\"]}}}}");
            assertNull(init.getError());
            provider = ((InitializeResult) init.getResult()).getCapabilities().getSemanticTokensProvider();
            assertNotNull(provider, "no semanticTokensProvider in the initialize result");
            legend = provider.getLegend();
            server.didOpen(SEED_URI, seed);
            server.didOpen(RARE_URI, RARE);
            server.diagnostics("seed-terminate.tdp", d -> true, ANSWER);
            server.diagnostics("rare.tdp", d -> true, ANSWER);
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
    void theLegendHasStandardTypesAndBothRequests() {
        assertTrue(legend.getTokenTypes().containsAll(List.of("keyword", "comment", "string", "number", "operator",
                "variable", "parameter", "class", "property", "enumMember")), legend.getTokenTypes().toString());
        assertFalse(legend.getTokenTypes().contains("default"), "an Xtext style name in the legend");
        assertTrue(legend.getTokenModifiers().contains("declaration"), legend.getTokenModifiers().toString());
        assertTrue(provider.getFull().isLeft() ? provider.getFull().getLeft() : provider.getFull().getRight() != null);
        assertTrue(provider.getRange().isLeft() && provider.getRange().getLeft());
    }

    @Test
    void theSeedExampleIsTypedWordByWord() {
        assertTimeoutPreemptively(ANSWER, () -> {
            List<Token> tokens = full(SEED_URI, seed);
            // threads: declared and used
            assertToken(tokens, seed, "walker W:", "W", "variable", "declaration");
            assertToken(tokens, seed, "invalidator Z:", "Z", "variable", "declaration");
            assertToken(tokens, seed, "W until yield", "W", "variable");
            assertToken(tokens, seed, "Z to end", "Z", "variable");
            assertToken(tokens, seed, "under continue: W visited", "W", "variable");
            // vCPUs: declared, as a thread's, in the schedule and in an expectation
            assertToken(tokens, seed, "vcpu v1 role smm", "v1", "parameter", "declaration");
            assertToken(tokens, seed, "vcpu v0: load root", "v0", "parameter");
            assertToken(tokens, seed, "v0 to end", "v0", "parameter");
            assertToken(tokens, seed, "A freed by v0", "v0", "parameter");
            // roots
            assertToken(tokens, seed, "W visited [B]  ", "B", "class");
            assertToken(tokens, seed, "roots [D, C]", "D", "class");
            assertToken(tokens, seed, "in root B", " B", "class");
            assertToken(tokens, seed, "B freed by W", "B", "class");
            assertToken(tokens, seed, "C valid", "C", "class");
            // memslots, numbers, policies, eras, roles
            assertToken(tokens, seed, "memslot 0:", "0", "property", "declaration");
            assertToken(tokens, seed, "memslot 0:", "0x40000", "number");
            assertToken(tokens, seed, "yield after gfn 0x10", "0x10", "number");
            assertToken(tokens, seed, "tdp 4-level", "4", "number");
            assertToken(tokens, seed, "under fifo: roots", "fifo", "enumMember");
            assertToken(tokens, seed, "under continue, restart", "restart", "enumMember");
            assertToken(tokens, seed, "kernel v5.16", "v5.16", "enumMember");
            assertToken(tokens, seed, "vcpu v1 role smm", "smm", "enumMember");
            // the rest
            assertToken(tokens, seed, "policy compare all", "compare", "keyword");
            assertToken(tokens, seed, "W until yield", "until", "keyword");
            assertToken(tokens, seed, "no violation", "violation", "keyword");
            assertToken(tokens, seed, "mmu_lock shared", "mmu_lock", "keyword");
            assertToken(tokens, seed, "mmu_lock shared", "shared", "keyword");
            assertToken(tokens, seed, "walker W:", "write-protect", "keyword");
            assertToken(tokens, seed, "tdp 4-level", "-level", "keyword");
            assertToken(tokens, seed, "memslot 0:", "..", "operator");
            assertToken(tokens, seed, "scenario \"", "\"walker yields while all roots are invalidated\"", "string");
            assertToken(tokens, seed, "W holds B", "// W holds B", "comment");
            wellFormed(tokens, seed);
        });
    }

    @Test
    void rarerWordsAreTypedToo() {
        assertTimeoutPreemptively(ANSWER, () -> {
            List<Token> tokens = full(RARE_URI, RARE);
            assertToken(tokens, RARE, "kernel mainline", "mainline", "enumMember");
            assertToken(tokens, RARE, "under kernel mainline", "mainline", "enumMember");
            assertToken(tokens, RARE, "fast-zap-refs", "fast-zap-refs", "property");
            assertToken(tokens, RARE, "policy restart", "restart", "enumMember");
            assertToken(tokens, RARE, "keep-listed", "keep-listed", "enumMember");
            assertToken(tokens, RARE, "policies fifo", "fifo", "enumMember");
            assertToken(tokens, RARE, "delete memslot 1", "1", "property");
            assertToken(tokens, RARE, "memslot 1: gfn", "+", "operator");
            assertToken(tokens, RARE, "kworker to end", "kworker", "variable", "defaultLibrary");
            assertToken(tokens, RARE, "no violation by kworker", "kworker", "variable", "defaultLibrary");
            assertToken(tokens, RARE, "violation use-after-free", "use-after-free", "enumMember");
            assertToken(tokens, RARE, "violation use-after-free by Z", "Z", "variable");
            assertToken(tokens, RARE, "repeat Z, v0", "v0", "parameter");
            assertToken(tokens, RARE, "repeat Z, v0", "Z", "variable");
            // a block comment over two lines: one token a line
            assertToken(tokens, RARE, "/* a block comment", "/* a block comment", "comment");
            int second = lineOf(RARE.split("\n", -1), "over two lines */");
            assertTrue(tokens.contains(new Token(second, 0, 24, "       over two lines */", "comment", Set.of())),
                    () -> tokens.stream().filter(t -> t.line() == second).toList().toString());
            assertToken(tokens, RARE, "over two lines */ Z to end", "Z", "variable");
            wellFormed(tokens, RARE);
        });
    }

    @Test
    void aRangeGetsTheTokensOfTheRange() {
        assertTimeoutPreemptively(ANSWER, () -> {
            String[] lines = seed.split("\n", -1);
            int from = lineOf(lines, "schedule {");
            int to = lineOf(lines, "W to end");
            ResponseMessage r = server.request(nextId++, "textDocument/semanticTokens/range",
                    "{\"textDocument\":{\"uri\":\"" + SEED_URI + "\"},\"range\":{\"start\":{\"line\":" + from
                            + ",\"character\":0},\"end\":{\"line\":" + (to + 1) + ",\"character\":0}}}",
                    ANSWER);
            assertNull(r.getError(), () -> String.valueOf(r.getError()));
            List<Token> range = decode(((SemanticTokens) r.getResult()).getData(), seed);
            List<Token> expected = full(SEED_URI, seed).stream()
                    .filter(t -> t.line() >= from && t.line() <= to).toList();
            assertFalse(range.isEmpty());
            assertEquals(expected, range);
            assertToken(range, seed, "W until yield", "W", "variable");
        });
    }

    // ------------------------------------------------------------------------------------ helpers

    private static List<Token> full(String uri, String text) throws InterruptedException {
        ResponseMessage r = server.request(nextId++, "textDocument/semanticTokens/full",
                "{\"textDocument\":{\"uri\":\"" + uri + "\"}}", ANSWER);
        assertNull(r.getError(), () -> String.valueOf(r.getError()));
        return decode(((SemanticTokens) r.getResult()).getData(), text);
    }

    /** LSP's relative encoding back to absolute positions, with the text each token covers. */
    static List<Token> decode(List<Integer> data, String text) {
        assertEquals(0, data.size() % 5, "not five integers a token");
        String[] lines = text.split("\n", -1);
        List<Token> out = new ArrayList<>();
        int line = 0;
        int character = 0;
        for (int i = 0; i < data.size(); i += 5) {
            int dl = data.get(i);
            line += dl;
            character = dl == 0 ? character + data.get(i + 1) : data.get(i + 1);
            int length = data.get(i + 2);
            String type = legend.getTokenTypes().get(data.get(i + 3));
            Set<String> modifiers = new TreeSet<>();
            for (int b = 0; b < legend.getTokenModifiers().size(); b++) {
                if ((data.get(i + 4) & 1 << b) != 0) {
                    modifiers.add(legend.getTokenModifiers().get(b));
                }
            }
            String l = lines[line];
            assertTrue(character + length <= l.length(), "a token beyond its line " + line + ": " + l);
            out.add(new Token(line, character, length, l.substring(character, character + length), type, modifiers));
        }
        return out;
    }

    private static int lineOf(String[] lines, String containing) {
        for (int l = 0; l < lines.length; l++) {
            if (lines[l].contains(containing)) {
                return l;
            }
        }
        throw new AssertionError("no line with " + containing);
    }

    /**
     * The token at {@code word} (its first occurrence after the start of {@code lineContaining}, on
     * the line where that text is) is exactly the word, with this type and these modifiers.
     */
    private static void assertToken(List<Token> tokens, String text, String lineContaining, String word, String type,
            String... modifiers) {
        String[] lines = text.split("\n", -1);
        int l = lineOf(lines, lineContaining);
        int col = lines[l].indexOf(word, lines[l].indexOf(lineContaining));
        if (col < 0) {
            col = lines[l].indexOf(word);
        }
        assertTrue(col >= 0, word + " not on line " + l);
        String w = word.strip();
        int c = lines[l].indexOf(w, col);
        Token t = tokens.stream().filter(x -> x.line() == l && x.character() == c).findFirst()
                .orElseThrow(() -> new AssertionError("no token at '" + w + "' on line " + l + ": "
                        + tokens.stream().filter(x -> x.line() == l).toList()));
        assertEquals(w, t.text(), () -> "token at '" + w + "': " + t);
        assertEquals(type, t.type(), () -> "type of '" + w + "' on line " + l + ": " + t);
        assertEquals(new TreeSet<>(List.of(modifiers)), t.modifiers(), () -> "modifiers of '" + w + "': " + t);
    }

    /** Sorted, none overlapping, none empty. */
    private static void wellFormed(List<Token> tokens, String text) {
        Token prev = null;
        for (Token t : tokens) {
            assertTrue(t.length() > 0, t.toString());
            if (prev != null) {
                assertTrue(t.line() > prev.line()
                        || t.line() == prev.line() && t.character() >= prev.character() + prev.length(),
                        () -> "overlapping or unsorted: " + t);
            }
            prev = t;
        }
    }
}
