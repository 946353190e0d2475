/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.conversion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.xtext.common.services.DefaultTerminalConverters;
import org.eclipse.xtext.conversion.IValueConverter;
import org.eclipse.xtext.conversion.ValueConverter;
import org.eclipse.xtext.conversion.ValueConverterException;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.Assignment;
import org.eclipse.xtext.Group;
import org.eclipse.xtext.nodemodel.INode;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.model.Invariant;
import org.tdpscope.model.Policy;

/**
 * Numbers as kernel developers write them ({@code 0x7f00_0000_0000}, {@code 262144}, {@code 2M}), and
 * the words of the metamodel's enums ({@link Policy}, {@link Invariant}) that the grammar reads as
 * identifiers: an unknown word is an error naming the choices, with a quick-fix-ready issue code.
 */
public class TdpValueConverters extends DefaultTerminalConverters {

    /** The policy words, for messages. */
    public static final String POLICY_WORDS = "continue, restart, terminate or fifo";

    /** A conversion error that carries one of {@link TdpIssueCodes} (see {@code TdpSyntaxErrorMessageProvider}). */
    public static final class WordException extends ValueConverterException {
        private static final long serialVersionUID = 1L;
        private final String issueCode;

        public WordException(String message, INode node, String issueCode) {
            super(message, node, null);
            this.issueCode = issueCode;
        }

        public String issueCode() {
            return issueCode;
        }
    }

    /** Parses hex ({@code 0x..}, underscores allowed), decimal, or a size with a K/M/G/T suffix. */
    public static long parse(String text) {
        String t = text.trim().replace("_", "");
        if (t.isEmpty()) {
            throw new NumberFormatException("empty number");
        }
        if (t.startsWith("0x") || t.startsWith("0X")) {
            String digits = t.substring(2);
            if (digits.isEmpty()) {
                throw new NumberFormatException("no hex digits after 0x");
            }
            for (int i = 0; i < digits.length(); i++) {
                if (Character.digit(digits.charAt(i), 16) < 0) {
                    throw new NumberFormatException("'" + digits.charAt(i) + "' is no hex digit");
                }
            }
            String significant = stripZeros(digits);
            if (significant.length() > 16 || Long.parseUnsignedLong(significant, 16) < 0) {
                throw new NumberFormatException(TOO_LARGE);
            }
            return Long.parseUnsignedLong(significant, 16);
        }
        char last = Character.toUpperCase(t.charAt(t.length() - 1));
        int shift = switch (last) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        if (digits.isEmpty()) {
            throw new NumberFormatException("no digits");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw new NumberFormatException("'" + digits.charAt(i) + "' is no decimal digit");
            }
        }
        String significant = stripZeros(digits);
        if (significant.length() > 19
                || significant.length() == 19 && significant.compareTo("9223372036854775807") > 0) {
            throw new NumberFormatException(TOO_LARGE);
        }
        long v = Long.parseLong(significant);
        if (shift > 0 && v > (Long.MAX_VALUE >> shift)) {
            throw new NumberFormatException(TOO_LARGE);
        }
        return v << shift;
    }

    /**
     * What a number beyond 64 bits (signed: gfns, gvas and sizes are kept in Java longs) is told; see
     * {@code org.tdpscope.sim.Limits}.
     */
    public static final String TOO_LARGE = "number too large: at most 2^63-1 (0x7fff_ffff_ffff_ffff)";

    /** What a count beyond a Java int is told. */
    public static final String INT_TOO_LARGE = "number too large: at most 2^31-1 (2147483647)";

    /** Digits without leading zeros (one zero kept for 0). */
    private static String stripZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    /** {@code 0x..} for display. */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v).toLowerCase(Locale.ROOT);
    }

    private static final class LongConverter implements IValueConverter<Long> {
        private final String what;

        LongConverter(String what) {
            this.what = what;
        }

        @Override
        public Long toValue(String string, INode node) {
            if (string == null || string.isBlank()) {
                throw new ValueConverterException("missing " + what, node, null);
            }
            try {
                return parse(string);
            } catch (NumberFormatException e) {
                if (TOO_LARGE.equals(e.getMessage())) {
                    throw new WordException(TOO_LARGE + ": '" + string.trim() + "'", node, TdpIssueCodes.BAD_NUMBER);
                }
                throw new WordException("not a valid " + what + ": '" + string.trim() + "' (" + e.getMessage() + ")",
                        node, TdpIssueCodes.BAD_NUMBER);
            }
        }

        @Override
        public String toString(Long value) {
            return value == null ? "" : hex(value);
        }
    }

    /** Decimal counts (steps, depth, levels, refcounts): a Java int, with a message naming the limit. */
    @Override
    @ValueConverter(rule = "INT")
    public IValueConverter<Integer> INT() {
        return new IValueConverter<>() {
            @Override
            public Integer toValue(String string, INode node) {
                String t = string == null ? "" : string.trim();
                if (t.isEmpty()) {
                    throw new ValueConverterException("missing number", node, null);
                }
                String significant = stripZeros(t);
                if (significant.length() > 10 || Long.parseLong(significant) > Integer.MAX_VALUE) {
                    throw new WordException(INT_TOO_LARGE + ": '" + t + "'", node, TdpIssueCodes.BAD_NUMBER);
                }
                return Integer.parseInt(significant);
            }

            @Override
            public String toString(Integer value) {
                return value == null ? "" : value.toString();
            }
        };
    }

    @ValueConverter(rule = "Num")
    public IValueConverter<Long> num() {
        return new LongConverter("number (hex 0x.. or decimal)");
    }

    @ValueConverter(rule = "SizeNum")
    public IValueConverter<Long> sizeNum() {
        return new LongConverter("size (such as 2M, 4K, 0x1000)");
    }

    @ValueConverter(rule = "PageSize")
    public IValueConverter<Long> pageSize() {
        return new LongConverter("page size (4K, 2M or 1G)");
    }

    /** {@code continue}, {@code restart}, {@code terminate}, {@code fifo}: the literals of the metamodel's Policy. */
    @ValueConverter(rule = "PolicyWord")
    public IValueConverter<Policy> policyWord() {
        return new IValueConverter<>() {
            @Override
            public Policy toValue(String string, INode node) {
                String w = string == null ? "" : string.trim();
                if (w.isEmpty()) {
                    return null; // the parser is recovering from a syntax error, which it reports itself
                }
                Policy p = Policy.get(w);
                if (p == null) {
                    throw new WordException("no policy named '" + w + "': use " + POLICY_WORDS
                            + (inComparedList(node) ? ", or all" : ""), node, TdpIssueCodes.BAD_POLICY);
                }
                return p;
            }

            @Override
            public String toString(Policy value) {
                return value == null ? "" : value.getLiteral();
            }
        };
    }

    /** Whether the word is one of a {@code policy compare a, b} list (where {@code all} is also allowed). */
    private static boolean inComparedList(INode node) {
        if (node == null) {
            return false;
        }
        for (EObject g = node.getGrammarElement(); g != null; g = g.eContainer()) {
            if (g instanceof Group group) {
                for (EObject e : group.getElements()) {
                    if (e instanceof Assignment a && "compare".equals(a.getFeature())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@code use-after-free}, {@code refcount}, ...: the literals of the metamodel's Invariant, any case. */
    @ValueConverter(rule = "InvariantWord")
    public IValueConverter<Invariant> invariantWord() {
        return new IValueConverter<>() {
            @Override
            public Invariant toValue(String string, INode node) {
                String w = string == null ? "" : string.trim();
                if (w.isEmpty()) {
                    return null; // see policyWord()
                }
                Invariant i = Invariant.get(w.toLowerCase(Locale.ROOT));
                if (i == null) {
                    List<String> words = new ArrayList<>();
                    for (Invariant known : Invariant.VALUES) {
                        words.add(known.getLiteral());
                    }
                    throw new WordException("no invariant named '" + w + "' (known: " + String.join(", ", words) + ")",
                            node, TdpIssueCodes.BAD_INVARIANT);
                }
                return i;
            }

            @Override
            public String toString(Invariant value) {
                return value == null ? "" : value.getLiteral();
            }
        };
    }
}
