/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.semantictokens;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SemanticTokenModifiers;
import org.eclipse.lsp4j.SemanticTokenTypes;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensLegend;
import org.eclipse.xtext.EnumLiteralDeclaration;
import org.eclipse.xtext.Keyword;
import org.eclipse.xtext.RuleCall;
import org.eclipse.xtext.TerminalRule;
import org.eclipse.xtext.ide.editor.syntaxcoloring.ISemanticHighlightingCalculator;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.tdpscope.dsl.ide.highlighting.TdpSemanticHighlightingCalculator;

import com.google.inject.Inject;

/**
 * LSP semantic tokens ({@code textDocument/semanticTokens/full} and {@code .../range}) with
 * standard token types, so that any client's theme colours them:
 * <ul>
 * <li>what the scenario gives meaning to, from {@link TdpSemanticHighlightingCalculator} (the
 * workbench editor's semantic highlighting): walkers, invalidators and the zap worker are
 * {@code variable}s, vCPUs {@code parameter}s, roots {@code class}es, memslot ids and rule names
 * {@code property}s; policies, knobs, kernel eras, invariants and root roles {@code enumMember}s;
 * where a name is declared it has the {@code declaration} modifier, {@code kworker} the
 * {@code defaultLibrary} one;</li>
 * <li>the rest from the tokens themselves: keywords, numbers (gfns, gvas, counts, sizes), strings,
 * comments and operators ({@code ..}, {@code ->}, {@code +}).</li>
 * </ul>
 * Xtext's own {@code SemanticTokensService} (2.37) types a highlighted position by the first of its
 * style ids that is the name of a standard token type: of the calculator's ids ({@code tdp.actor},
 * {@code default}, {@code number}) only {@code number} was one, so clients saw root names typed as
 * numbers and nothing else. It has no range request, does not cut multi-line tokens for clients
 * without multi-line support, and cannot be subclassed (its constructor is package-private); this
 * service replaces it in {@code TdpServerImpl}, with the calculator as the source of meaning.
 */
public class TdpSemanticTokens {

    /** The legend's token types, in index order. */
    public static final List<String> TYPES = List.of(SemanticTokenTypes.Keyword, SemanticTokenTypes.Comment,
            SemanticTokenTypes.String, SemanticTokenTypes.Number, SemanticTokenTypes.Operator,
            SemanticTokenTypes.Variable, SemanticTokenTypes.Parameter, SemanticTokenTypes.Class,
            SemanticTokenTypes.Property, SemanticTokenTypes.EnumMember);

    /** The legend's modifiers, in bit order. */
    public static final List<String> MODIFIERS = List.of(SemanticTokenModifiers.Declaration,
            SemanticTokenModifiers.DefaultLibrary);

    /** The token type of each kind of word the highlighting calculator marks. */
    private static final Map<String, String> TYPE_OF_STYLE = Map.ofEntries(
            Map.entry(TdpSemanticHighlightingCalculator.THREAD, SemanticTokenTypes.Variable),
            Map.entry(TdpSemanticHighlightingCalculator.VCPU, SemanticTokenTypes.Parameter),
            Map.entry(TdpSemanticHighlightingCalculator.ROOT, SemanticTokenTypes.Class),
            Map.entry(TdpSemanticHighlightingCalculator.MEMSLOT, SemanticTokenTypes.Property),
            Map.entry(TdpSemanticHighlightingCalculator.RULE, SemanticTokenTypes.Property),
            Map.entry(TdpSemanticHighlightingCalculator.POLICY, SemanticTokenTypes.EnumMember),
            Map.entry(TdpSemanticHighlightingCalculator.KNOB, SemanticTokenTypes.EnumMember),
            Map.entry(TdpSemanticHighlightingCalculator.ERA, SemanticTokenTypes.EnumMember),
            Map.entry(TdpSemanticHighlightingCalculator.INVARIANT, SemanticTokenTypes.EnumMember),
            Map.entry(TdpSemanticHighlightingCalculator.ROLE, SemanticTokenTypes.EnumMember));

    private static final Map<String, String> MODIFIER_OF_STYLE = Map.of(
            TdpSemanticHighlightingCalculator.DECLARATION, SemanticTokenModifiers.Declaration,
            TdpSemanticHighlightingCalculator.BUILT_IN, SemanticTokenModifiers.DefaultLibrary);

    /** One token: where it is in the text, its type's index in {@link #TYPES}, its modifier bits. */
    public record Token(int offset, int length, int type, int modifiers) {
    }

    @Inject
    private ISemanticHighlightingCalculator calculator;

    public static SemanticTokensLegend legend() {
        return new SemanticTokensLegend(TYPES, MODIFIERS);
    }

    /** Every token of the document, encoded as LSP's relative integers. */
    public SemanticTokens full(String text, XtextResource resource, CancelIndicator cancel) {
        return new SemanticTokens(encode(text, tokens(resource, cancel), null));
    }

    /** The tokens that lie (at least partly) in {@code range}. */
    public SemanticTokens range(String text, XtextResource resource, Range range, CancelIndicator cancel) {
        return new SemanticTokens(encode(text, tokens(resource, cancel), range));
    }

    /** The tokens in text order, none overlapping: the calculator's words win over the lexical ones. */
    public List<Token> tokens(XtextResource resource, CancelIndicator cancel) {
        TreeMap<Integer, Token> byOffset = new TreeMap<>();
        if (resource == null || resource.getParseResult() == null) {
            return List.of();
        }
        List<Token> semantic = new ArrayList<>();
        try {
            calculator.provideHighlightingFor(resource, (offset, length, ids) -> {
                Token t = semantic(offset, length, ids);
                if (t != null) {
                    semantic.add(t);
                }
            }, cancel == null ? CancelIndicator.NullImpl : cancel);
        } catch (RuntimeException e) {
            // a half-typed scenario the calculator could not walk: the lexical tokens still come
        }
        semantic.sort(Comparator.comparingInt(Token::offset));
        for (Token t : semantic) {
            if (!overlaps(byOffset, t.offset(), t.length())) {
                byOffset.put(t.offset(), t);
            }
        }
        for (ILeafNode leaf : resource.getParseResult().getRootNode().getLeafNodes()) {
            Token t = lexical(leaf);
            if (t != null && !overlaps(byOffset, t.offset(), t.length())) {
                byOffset.put(t.offset(), t);
            }
        }
        return new ArrayList<>(byOffset.values());
    }

    private static boolean overlaps(TreeMap<Integer, Token> tokens, int offset, int length) {
        Map.Entry<Integer, Token> before = tokens.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue().length() > offset) {
            return true;
        }
        Integer after = tokens.ceilingKey(offset);
        return after != null && after < offset + length;
    }

    private static Token semantic(int offset, int length, String[] ids) {
        String type = null;
        int modifiers = 0;
        for (String id : ids) {
            if (type == null) {
                type = TYPE_OF_STYLE.get(id);
            }
            String m = MODIFIER_OF_STYLE.get(id);
            if (m != null) {
                modifiers |= 1 << MODIFIERS.indexOf(m);
            }
        }
        return type == null || length <= 0 ? null : new Token(offset, length, TYPES.indexOf(type), modifiers);
    }

    /** Keywords, numbers, strings, comments and operators; names are left to the calculator. */
    private static Token lexical(ILeafNode leaf) {
        if (leaf.getLength() == 0) {
            return null;
        }
        String type = null;
        if (leaf.getGrammarElement() instanceof EnumLiteralDeclaration) {
            type = SemanticTokenTypes.Keyword; // a mode word: write-protect, shared, write, on, ...
        } else if (leaf.getGrammarElement() instanceof Keyword k) {
            String v = k.getValue();
            if (v.chars().anyMatch(Character::isLetter)) {
                type = SemanticTokenTypes.Keyword; // words, and -level
            } else if (v.equals("..") || v.equals("->") || v.equals("+")) {
                type = SemanticTokenTypes.Operator;
            }
        } else if (leaf.getGrammarElement() instanceof RuleCall rc && rc.getRule() instanceof TerminalRule) {
            type = switch (rc.getRule().getName()) {
                case "INT", "HEX", "SIZE", "KERNEL_VERSION" -> SemanticTokenTypes.Number;
                case "STRING" -> SemanticTokenTypes.String;
                case "SL_COMMENT", "ML_COMMENT" -> SemanticTokenTypes.Comment;
                default -> null;
            };
        } else if (leaf.getGrammarElement() instanceof TerminalRule r && leaf.isHidden()) {
            type = r.getName().endsWith("COMMENT") ? SemanticTokenTypes.Comment : null;
        }
        return type == null ? null : new Token(leaf.getOffset(), leaf.getLength(), TYPES.indexOf(type), 0);
    }

    /**
     * LSP's encoding: five integers a token (line delta, start delta on the same line or column on
     * a new one, length, type, modifiers), positions in UTF-16 code units as Java strings count
     * them. A token that spans lines (a block comment, a string) is cut into one token a line, as a
     * client without multi-line token support needs.
     */
    static List<Integer> encode(String text, List<Token> tokens, Range range) {
        int[] lineStarts = lineStarts(text);
        List<Integer> data = new ArrayList<>();
        int lastLine = 0;
        int lastChar = 0;
        for (Token t : tokens) {
            int start = Math.min(t.offset(), text.length());
            int end = Math.min(t.offset() + t.length(), text.length());
            while (start < end) {
                int line = lineOf(lineStarts, start);
                int lineEnd = line + 1 < lineStarts.length ? lineContentEnd(text, lineStarts[line + 1]) : text.length();
                int pieceEnd = Math.min(end, lineEnd);
                int character = start - lineStarts[line];
                if (pieceEnd > start && (range == null || intersects(range, line, character, pieceEnd - lineStarts[line]))) {
                    data.add(line - lastLine);
                    data.add(line == lastLine ? character - lastChar : character);
                    data.add(pieceEnd - start);
                    data.add(t.type());
                    data.add(t.modifiers());
                    lastLine = line;
                    lastChar = character;
                }
                start = line + 1 < lineStarts.length ? Math.max(pieceEnd, lineStarts[line + 1]) : end;
            }
        }
        return data;
    }

    private static boolean intersects(Range r, int line, int startChar, int endChar) {
        Position s = r.getStart();
        Position e = r.getEnd();
        boolean endsBefore = line < s.getLine() || line == s.getLine() && endChar <= s.getCharacter();
        boolean startsAfter = line > e.getLine() || line == e.getLine() && startChar >= e.getCharacter();
        return !endsBefore && !startsAfter;
    }

    /** Offsets where lines start: after {@code \n}, {@code \r\n} or a lone {@code \r}. */
    static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The end of a line's content, given where the next line starts (before its line break). */
    private static int lineContentEnd(String text, int nextLineStart) {
        int end = nextLineStart - 1;
        if (end > 0 && text.charAt(end) == '\n' && text.charAt(end - 1) == '\r') {
            end--;
        }
        return end;
    }

    private static int lineOf(int[] lineStarts, int offset) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
