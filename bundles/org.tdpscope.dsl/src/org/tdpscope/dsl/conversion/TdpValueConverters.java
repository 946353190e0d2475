/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.conversion;

import java.util.Locale;

import org.eclipse.xtext.common.services.DefaultTerminalConverters;
import org.eclipse.xtext.conversion.IValueConverter;
import org.eclipse.xtext.conversion.ValueConverter;
import org.eclipse.xtext.conversion.ValueConverterException;
import org.eclipse.xtext.nodemodel.INode;

/** Numbers as kernel developers write them: {@code 0x7f00_0000_0000}, {@code 262144}, {@code 2M}. */
public class TdpValueConverters extends DefaultTerminalConverters {

    /** Parses hex ({@code 0x..}, underscores allowed), decimal, or a size with a K/M/G/T suffix. */
    public static long parse(String text) {
        String t = text.trim().replace("_", "");
        if (t.isEmpty()) {
            throw new NumberFormatException("empty number");
        }
        if (t.startsWith("0x") || t.startsWith("0X")) {
            String digits = t.substring(2);
            if (digits.isEmpty() || digits.length() > 16) {
                throw new NumberFormatException("hex number out of range: " + text);
            }
            long v = Long.parseUnsignedLong(digits, 16);
            if (v < 0) {
                throw new NumberFormatException("number too large: " + text);
            }
            return v;
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
        long v = Long.parseLong(digits);
        if (shift > 0 && v > (Long.MAX_VALUE >> shift)) {
            throw new NumberFormatException("size too large: " + text);
        }
        return v << shift;
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
                throw new ValueConverterException("not a valid " + what + ": '" + string.trim() + "'", node, e);
            }
        }

        @Override
        public String toString(Long value) {
            return value == null ? "" : hex(value);
        }
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
}
