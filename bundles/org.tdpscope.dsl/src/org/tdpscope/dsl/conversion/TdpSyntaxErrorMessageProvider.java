/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.conversion;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.xtext.conversion.ValueConverterException;
import org.eclipse.xtext.nodemodel.SyntaxErrorMessage;
import org.eclipse.xtext.parser.antlr.SyntaxErrorMessageProvider;

/**
 * Gives a word the parser could not convert (an unknown policy or invariant, see
 * {@link TdpValueConverters}) the issue code of its kind instead of Xtext's generic syntax code, and says the
 * parser's expectations in the language's words: "expecting a number", not "expecting RULE_INT".
 */
public class TdpSyntaxErrorMessageProvider extends SyntaxErrorMessageProvider {

    @Override
    public SyntaxErrorMessage getSyntaxErrorMessage(IValueConverterErrorContext context) {
        ValueConverterException e = context.getValueConverterException();
        if (e instanceof TdpValueConverters.WordException w) {
            return new SyntaxErrorMessage(w.getMessage(), w.issueCode());
        }
        return super.getSyntaxErrorMessage(context);
    }

    private static final Pattern RULE = Pattern.compile("RULE_([A-Z_]+)");

    @Override
    public SyntaxErrorMessage getSyntaxErrorMessage(IParserErrorContext context) {
        SyntaxErrorMessage m = super.getSyntaxErrorMessage(context);
        if (m == null || m.getMessage() == null || !m.getMessage().contains("RULE_")) {
            return m;
        }
        return new SyntaxErrorMessage(plainWords(m.getMessage()), m.getIssueCode(), m.getIssueData());
    }

    /** Terminal rule names in a parser message replaced by what they are. */
    public static String plainWords(String message) {
        Matcher mt = RULE.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (mt.find()) {
            String w = switch (mt.group(1)) {
                case "INT" -> "a number";
                case "HEX" -> "a hex number";
                case "SIZE" -> "a size (4K, 2M, 1G)";
                case "ID" -> "a name";
                case "STRING" -> "a quoted string";
                case "WORD" -> "a hyphenated word";
                case "KERNEL_VERSION" -> "a kernel release (v5.16)";
                case "EOF" -> "the end of the file";
                default -> mt.group(1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            };
            mt.appendReplacement(sb, Matcher.quoteReplacement(w));
        }
        mt.appendTail(sb);
        return sb.toString();
    }
}
