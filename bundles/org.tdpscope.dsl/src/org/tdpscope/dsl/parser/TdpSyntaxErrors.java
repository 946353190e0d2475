/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.parser;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import org.antlr.runtime.CommonToken;
import org.antlr.runtime.MismatchedTokenException;
import org.antlr.runtime.MissingTokenException;
import org.antlr.runtime.RecognitionException;
import org.antlr.runtime.Token;
import org.antlr.runtime.UnwantedTokenException;
import org.eclipse.xtext.AbstractElement;
import org.eclipse.xtext.AbstractRule;
import org.eclipse.xtext.Action;
import org.eclipse.xtext.Alternatives;
import org.eclipse.xtext.Assignment;
import org.eclipse.xtext.CrossReference;
import org.eclipse.xtext.EnumLiteralDeclaration;
import org.eclipse.xtext.EnumRule;
import org.eclipse.xtext.GrammarUtil;
import org.eclipse.xtext.Group;
import org.eclipse.xtext.IGrammarAccess;
import org.eclipse.xtext.Keyword;
import org.eclipse.xtext.ParserRule;
import org.eclipse.xtext.RuleCall;
import org.eclipse.xtext.TerminalRule;
import org.eclipse.xtext.UnorderedGroup;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.SyntaxErrorMessage;
import org.eclipse.xtext.util.Strings;
import org.tdpscope.dsl.api.Spelling;
import org.tdpscope.dsl.conversion.TdpSyntaxErrorMessageProvider;

import com.google.inject.Inject;
import com.google.inject.Singleton;

/**
 * Parse errors in the script writer's words, one sentence per mistake: what was found ("found 'walkr'"), what
 * was expected there (the keywords that start a statement of the enclosing block, a '}' as the one that closes
 * "threads { opened at 6:3"), and the nearest keyword for a misspelt word ("did you mean 'walker'?"). Never a
 * parser rule name (RULE_ID, EOF). The blocks and their statement keywords are read from the grammar, so the
 * messages follow it. {@link TdpResourceValidator} then keeps one error per mistake.
 */
@Singleton
public class TdpSyntaxErrors extends TdpSyntaxErrorMessageProvider {

    /** Issue data of an error the parser reports after it has taken the scenario as ended: often a follow-on. */
    public static final String AFTER_END = "after-end";

    /** How many errors of one parse get the block context (a scan of what was parsed so far). */
    private static final int DETAILED_ERRORS_PER_PARSE = 50;

    /** Block keyword ('threads', 'scenario') to the words that may start a statement inside its braces. */
    private final Map<String, Set<String>> blocks = new HashMap<>();
    /** Every keyword of the language that is a word (for "did you mean"). */
    private final Set<String> keywords = new LinkedHashSet<>();
    /** Errors already described in detail per parse (the root node of the parse being built). */
    private final Map<ICompositeNode, Integer> perParse = new WeakHashMap<>();

    @Inject
    void grammar(IGrammarAccess access) {
        for (Keyword k : GrammarUtil.containedKeywords(access.getGrammar())) {
            if (Character.isLetter(k.getValue().charAt(0))) {
                keywords.add(k.getValue());
            }
        }
        for (ParserRule rule : GrammarUtil.allParserRules(access.getGrammar())) {
            for (Keyword open : GrammarUtil.containedKeywords(rule)) {
                if (open.getValue().equals("{") && open.eContainer() instanceof Group g) {
                    blockOf(g, g.getElements().indexOf(open));
                }
            }
        }
    }

    /** Records the block whose '{' is element {@code at} of {@code g}: named by the last keyword before it. */
    private void blockOf(Group g, int at) {
        String name = null;
        for (int i = at - 1; i >= 0 && name == null; i--) {
            if (g.getElements().get(i) instanceof Keyword k) {
                name = k.getValue();
            }
        }
        if (name == null) {
            return;
        }
        Set<String> first = blocks.computeIfAbsent(name, n -> new LinkedHashSet<>());
        for (int i = at + 1; i < g.getElements().size(); i++) {
            AbstractElement e = g.getElements().get(i);
            if (e instanceof Keyword k && k.getValue().equals("}")) {
                break;
            }
            first(e, first, new HashSet<>());
        }
    }

    /** The words that may start {@code e} (keywords; "a name" and the like for terminals). */
    private static boolean first(AbstractElement e, Set<String> out, Set<AbstractRule> seen) {
        boolean nullable;
        if (e instanceof Keyword k) {
            out.add("'" + k.getValue() + "'");
            nullable = false;
        } else if (e instanceof Action) {
            nullable = true;
        } else if (e instanceof Assignment a) {
            nullable = first(a.getTerminal(), out, seen);
        } else if (e instanceof CrossReference c) {
            out.add("a name");
            nullable = false;
        } else if (e instanceof RuleCall rc) {
            AbstractRule r = rc.getRule();
            if (r instanceof TerminalRule t) {
                out.add(terminal(t.getName()));
                nullable = false;
            } else if (r instanceof EnumRule en) {
                for (EnumLiteralDeclaration l : org.eclipse.xtext.EcoreUtil2.getAllContentsOfType(en,
                        EnumLiteralDeclaration.class)) {
                    out.add("'" + l.getLiteral().getValue() + "'");
                }
                nullable = false;
            } else if (seen.add(r)) {
                nullable = first(r.getAlternatives(), out, seen);
            } else {
                nullable = false;
            }
        } else if (e instanceof Alternatives alts) {
            nullable = false;
            for (AbstractElement a : alts.getElements()) {
                nullable |= first(a, out, seen);
            }
        } else if (e instanceof UnorderedGroup u) {
            nullable = true;
            for (AbstractElement a : u.getElements()) {
                nullable &= first(a, out, seen);
            }
        } else if (e instanceof Group g) {
            nullable = true;
            for (AbstractElement a : g.getElements()) {
                if (!first(a, out, seen)) {
                    nullable = false;
                    break;
                }
            }
        } else {
            nullable = false;
        }
        String card = e.getCardinality();
        return nullable || "?".equals(card) || "*".equals(card);
    }

    private static String terminal(String rule) {
        return switch (rule) {
            case "INT" -> "a number";
            case "HEX" -> "a hex number";
            case "SIZE" -> "a size (4K, 2M, 1G)";
            case "ID" -> "a name";
            case "STRING" -> "a quoted string";
            case "WORD" -> "a hyphenated word";
            case "KERNEL_VERSION" -> "a kernel release (v5.16)";
            default -> rule.toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }

    // ------------------------------------------------------------------------------------------ messages

    @Override
    public SyntaxErrorMessage getSyntaxErrorMessage(IParserErrorContext context) {
        try {
            String m = describe(context);
            if (m != null) {
                RecognitionException e = context.getRecognitionException();
                boolean afterEnd = e instanceof MismatchedTokenException mt && mt.expecting == Token.EOF;
                return new SyntaxErrorMessage(m, org.eclipse.xtext.diagnostics.Diagnostic.SYNTAX_DIAGNOSTIC,
                        afterEnd ? new String[] { AFTER_END } : null);
            }
        } catch (RuntimeException ex) {
            // a message is never worth a failed parse: fall back to the parser's own words
        }
        return super.getSyntaxErrorMessage(context);
    }

    /** The error in words, or null to keep the parser's (then made readable by the super class). */
    private String describe(IParserErrorContext context) {
        RecognitionException e = context.getRecognitionException();
        if (e == null) {
            return lexerError(context);
        }
        INode current = context.getCurrentNode();
        ICompositeNode root = current == null ? null : current.getRootNode();
        String text = root == null ? null : root.getText();
        Token token = e instanceof UnwantedTokenException u ? u.getUnexpectedToken() : e.token;
        boolean eof = token == null || token.getType() == Token.EOF;
        int start = token instanceof CommonToken ct ? ct.getStartIndex() : -1;
        int offset = eof || start < 0 ? (text == null ? 0 : text.length()) : start;
        String foundWord = eof ? null : token.getText();
        String found = eof ? "the end of the file" : "'" + shortened(foundWord) + "'";
        Scan where = scan(root, text, offset);
        String[] names = context.getTokenNames();

        if (e instanceof MismatchedTokenException mt) {
            if (mt.expecting == Token.EOF) {
                return "}".equals(foundWord) ? "an extra '}' after the end of the scenario"
                        : "found " + found + " after the end of the scenario (its '}' comes before)";
            }
            String expected = tokenName(names, mt.expecting);
            if (e instanceof MissingTokenException && !expected.equals("'}'")) {
                String after = where.previous == null ? "" : " after '" + shortened(where.previous) + "'";
                return "expected " + expected + after + ", found " + found;
            }
            if (expected.equals("'}'") && where.block != null) {
                String choices = where.atStatementStart && !eof ? statementChoices(where.block.keyword) : "";
                return "expected " + choices + "'}' to close " + where.block + ", found " + found
                        + missingClose(foundWord, where) + suggestion(foundWord, where, expected);
            }
            return "expected " + expected + ", found " + found + suggestion(foundWord, where, expected);
        }
        // no viable alternative, early exit, mismatched set: the word does not fit where it stands
        if (where.block != null && where.atStatementStart) {
            return "expected " + (eof ? "" : statementChoices(where.block.keyword)) + "'}' to close " + where.block
                    + ", found " + found + missingClose(foundWord, where) + suggestion(foundWord, where, null);
        }
        StringBuilder m = new StringBuilder("unexpected ").append(found);
        if (where.previous != null) {
            m.append(" after '").append(shortened(where.previous)).append('\'');
        }
        if (where.statement != null && !where.statement.equals(foundWord)) {
            m.append(" in this ").append(where.statement).append(" line");
        }
        return m.append(suggestion(foundWord, where, null)).toString();
    }

    /** "; is the '}' of threads { missing before it?" when the word starts a statement of an outer block. */
    private String missingClose(String word, Scan where) {
        if (word == null || !where.atStatementStart || where.outer == null) {
            return "";
        }
        Set<String> inner = blocks.get(where.block.keyword);
        if (inner != null && inner.contains("'" + word + "'")) {
            return "";
        }
        for (Open o : where.outer) {
            Set<String> words = blocks.get(o.keyword);
            if (words != null && words.contains("'" + word + "'")) {
                return " (is the '}' of " + where.block.keyword + " missing before it?)";
            }
        }
        return "";
    }

    /** "'vcpu', 'walker', 'invalidator' or " for a block whose statements start with keywords. */
    private String statementChoices(String block) {
        Set<String> words = blocks.get(block);
        if (words == null || words.isEmpty() || words.size() > 12) {
            return "";
        }
        return String.join(", ", words) + " or ";
    }

    /** "; did you mean 'walker'?" when {@code word} is a slip of a keyword that fits (or of any keyword). */
    private String suggestion(String word, Scan where, String expected) {
        if (word == null || word.isEmpty() || !Character.isLetter(word.charAt(0)) || keywords.contains(word)) {
            return "";
        }
        List<String> tries = new ArrayList<>();
        if (where.block != null && where.atStatementStart && blocks.containsKey(where.block.keyword)) {
            tries.add(unquoted(blocks.get(where.block.keyword)));
        }
        if (expected != null && expected.startsWith("'")) {
            String k = expected.substring(1, expected.length() - 1);
            if (keywords.contains(k)) {
                tries.add(k);
            }
        }
        tries.add(String.join(" ", keywords));
        String lower = word.toLowerCase(Locale.ROOT);
        for (String group : tries) {
            String best = null;
            int bestD = Integer.MAX_VALUE;
            for (String k : group.split(" ")) {
                int d = Spelling.distance(lower, k);
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            if (best != null && bestD <= (best.length() <= 4 ? 1 : 2) && bestD < best.length() / 2 + 1) {
                return expected != null && expected.equals("'" + best + "'") ? "" : "; did you mean '" + best + "'?";
            }
        }
        return "";
    }

    private static String unquoted(Collection<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (w.startsWith("'") && w.length() > 2 && Character.isLetter(w.charAt(1))) {
                b.append(b.length() == 0 ? "" : " ").append(w, 1, w.length() - 1);
            }
        }
        return b.toString();
    }


    private static String tokenName(String[] names, int type) {
        if (type == Token.EOF) {
            return "the end of the file";
        }
        String n = names != null && type >= 0 && type < names.length ? names[type] : null;
        if (n == null) {
            return "something else";
        }
        if (n.startsWith("RULE_")) {
            return terminal(n.substring(5));
        }
        return n.startsWith("'") ? n : "'" + n + "'";
    }

    private static String shortened(String word) {
        String w = Strings.convertToJavaString(word, false);
        return w.length() > 30 ? w.substring(0, 27) + "..." : w;
    }

    /** The lexer's complaints: an unclosed string, a character the language has no use for. */
    private String lexerError(IParserErrorContext context) {
        String m = context.getDefaultMessage();
        if (m == null) {
            return null;
        }
        if (m.contains("'<EOF>'") && m.contains("expecting '\"'")) {
            return "a quoted string that is never closed (its closing '\"' is missing)";
        }
        int q = m.indexOf("at character '");
        if (m.startsWith("no viable alternative at character") && q >= 0) {
            return "unexpected character " + m.substring(q + "at character ".length());
        }
        if (m.startsWith("mismatched character '<EOF>'")) {
            return "the file ends in the middle of a word";
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ context

    /** An unclosed '{': the keyword that opened its block and where that keyword stands. */
    private record Open(String keyword, int line, int column) {
        @Override
        public String toString() {
            return keyword + " { opened at " + line + ":" + column;
        }
    }

    /** What the parsed text says about the place of an error. */
    private static final class Scan {
        Open block;
        /** The blocks around {@link #block}, innermost first. */
        List<Open> outer;
        /** The last word before the error, if any. */
        String previous;
        /** The error stands where a statement starts: after '{', '}', ';' or first on its line. */
        boolean atStatementStart;
        /** The first word of the error's line, when it is a keyword of the language. */
        String statement;
    }

    /** Reads the leaves before {@code offset}: the innermost unclosed '{' and the words before the error. */
    private Scan scan(ICompositeNode root, String text, int offset) {
        Scan s = new Scan();
        if (root == null || text == null) {
            return s;
        }
        int count;
        synchronized (perParse) {
            count = perParse.merge(root, 1, Integer::sum);
        }
        if (count > DETAILED_ERRORS_PER_PARSE) {
            return s; // a file of garbage: keep each error cheap
        }
        Deque<Open> open = new ArrayDeque<>();
        String prev = null;
        String prevPrev = null;
        int prevEnd = -1;
        int prevOffset = 0;
        int prevPrevOffset = 0;
        int prevLine = 1;
        int prevPrevLine = 1;
        for (ILeafNode leaf : root.getLeafNodes()) {
            if (leaf.getOffset() >= offset) {
                break;
            }
            if (leaf.isHidden() || leaf.getLength() == 0) {
                continue;
            }
            String t = leaf.getText();
            if (t.equals("{")) {
                // scenario "title" { names its block by the word before the title
                boolean two = prevPrev != null && blocks.containsKey(prevPrev) && !blocks.containsKey(prev);
                String kw = two ? prevPrev : prev;
                int at = two ? prevPrevOffset : prevOffset;
                open.push(new Open(kw == null ? "a block" : shortened(kw), two ? prevPrevLine : prevLine,
                        column(text, at)));
            } else if (t.equals("}") && !open.isEmpty()) {
                open.pop();
            }
            prevPrev = prev;
            prevPrevOffset = prevOffset;
            prevPrevLine = prevLine;
            prev = t;
            prevOffset = leaf.getOffset();
            prevLine = leaf.getStartLine();
            prevEnd = leaf.getEndOffset();
        }
        s.block = open.peek();
        s.outer = open.isEmpty() ? null : new ArrayList<>(open).subList(1, open.size());
        s.previous = prev;
        boolean newLine = prevEnd < 0 || text.substring(Math.min(prevEnd, offset), offset).indexOf('\n') >= 0;
        s.atStatementStart = newLine || "{".equals(prev) || "}".equals(prev) || ";".equals(prev);
        if (!s.atStatementStart) {
            int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
            int i = lineStart;
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            int j = i;
            while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
                j++;
            }
            String first = text.substring(i, j);
            s.statement = keywords.contains(first) ? first : null;
        }
        return s;
    }

    private static int column(String text, int offset) {
        return offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1;
    }
}
