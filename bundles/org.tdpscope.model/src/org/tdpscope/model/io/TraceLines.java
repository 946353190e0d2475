/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tdpscope.model.EventKind;
import org.tdpscope.model.Invariant;
import org.tdpscope.model.ModelFactory;
import org.tdpscope.model.TraceEvent;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * One line of a JSON Lines trace, read with Gson's {@link JsonReader} in strict mode (RFC 8259 syntax: no NaN, no
 * leading zeros, no single quotes, no comments, exactly four hex digits in a \\u escape, nothing after the object).
 * What Gson does not check is checked here: the line is one flat object of the trace's fields, each at most once,
 * of its type (whole numbers within range, {@code 0x} hex strings, known event and invariant words), no raw control
 * characters or lone surrogates in strings. Every failure is a {@link ModelLoadException} at the line and the
 * column (1-based, in UTF-16 units of the line) of the offending character, in words; Gson's own message never
 * reaches the user.
 */
final class TraceLines {

    /** Where the reader was when something failed: how Gson's column relates to the offending character. */
    private enum Where {
        /** Before the object's '{'. */
        OPEN,
        /** At a field name, or at the ',' or '}' after a value. */
        NAME,
        /** At a field's value. */
        VALUE,
        /** After the object's '}'. */
        AFTER
    }

    /** The fields of an event line, in the writer's order; the index is the field's bit in {@code seen}. */
    private static final String[] EVENT_FIELDS = { "step", "thread", "event", "root", "rc", "gfn", "level", "old",
            "new", "invariant", "kind", "detail" };
    private static final int STEP = 0, THREAD = 1, EVENT = 2, ROOT = 3, RC = 4, GFN = 5, LEVEL = 6, OLD = 7,
            NEW = 8, INVARIANT = 9, KIND = 10, DETAIL = 11;

    /** The fields of the optional header line ({@link TraceJsonl#header}), all strings. */
    private static final String[] HEADER_FIELDS = { "tdpscope", "scenario", "kernel", "policy" };

    /** Gson's position suffix: " at line L column C path P". */
    private static final Pattern LOCATION = Pattern.compile(" at line \\d+ column (\\d+) path \\S*");

    private final Path file;
    private final int lineNo;
    private final String s;
    private final JsonReader r;
    private Where where = Where.OPEN;
    /** The index of the member being read (0-based), -1 before the first. */
    private int member = -1;

    private TraceLines(Path file, int lineNo, String s) {
        this.file = file;
        this.lineNo = lineNo;
        this.s = s;
        this.r = reader(s);
    }

    private static JsonReader reader(String s) {
        JsonReader r = new JsonReader(new StringReader(s));
        r.setStrictness(Strictness.STRICT);
        return r;
    }

    /** Reads one event line. */
    static TraceEvent event(Path file, int lineNo, String line) throws ModelLoadException {
        TraceLines p = new TraceLines(file, lineNo, line);
        try {
            return p.event();
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw p.gsonFailure(e);
        }
    }

    /** Reads the header line; its fields are checked, their values not kept. */
    static void header(Path file, int lineNo, String line) throws ModelLoadException {
        TraceLines p = new TraceLines(file, lineNo, line);
        try {
            p.header();
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw p.gsonFailure(e);
        }
    }

    // ------------------------------------------------------------------------------------------ the line

    private void open() throws IOException, ModelLoadException {
        rawControlCharacters();
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw errorAt(firstNonBlank(0), "expected '{'");
        }
        r.beginObject();
        where = Where.NAME;
        if (!r.hasNext()) {
            throw errorAt(0, "an event needs step, thread and event");
        }
    }

    /** The next field's index in {@code fields}, checked against those already seen; -1 after the last one. */
    private int nextField(String[] fields, int[] seen) throws IOException, ModelLoadException {
        where = Where.NAME;
        if (!r.hasNext()) {
            r.endObject();
            where = Where.AFTER;
            r.peek(); // strict: anything but the end of the line fails
            return -1;
        }
        member++;
        String key = r.nextName();
        int field = indexOf(fields, key);
        if (field < 0) {
            throw errorAt(keyColumn(member) - 1, "unknown field \"" + printable(key) + "\"");
        }
        if ((seen[0] & 1 << field) != 0) {
            throw errorAt(keyColumn(member) - 1, "duplicate field \"" + printable(key) + "\"");
        }
        seen[0] |= 1 << field;
        where = Where.VALUE;
        return field;
    }

    private TraceEvent event() throws IOException, ModelLoadException {
        TraceEvent e = ModelFactory.eINSTANCE.createTraceEvent();
        int[] seen = { 0 };
        int invariantNumber = -1;
        int invariantMember = -1;
        String invariantWord = null;
        open();
        for (int field; (field = nextField(EVENT_FIELDS, seen)) >= 0;) {
            switch (field) {
                case STEP -> e.setStep(number("a number"));
                case THREAD -> e.setThread(string());
                case EVENT -> {
                    String id = string();
                    EventKind k = EventKind.get(id);
                    if (k == null) {
                        throw valueError("unknown event \"" + printable(id) + "\"");
                    }
                    e.setKind(k);
                }
                case ROOT -> e.setRootName(string());
                case RC -> e.setRc(toInt(number("a number")));
                case GFN -> e.setGfn(hex());
                case LEVEL -> e.setLevel(toInt(number("a number")));
                case OLD -> e.setOldSpte(hex());
                case NEW -> e.setNewSpte(hex());
                case INVARIANT -> {
                    invariantNumber = toInt(number("a number"));
                    invariantMember = member;
                }
                case KIND -> invariantWord = string();
                case DETAIL -> e.setDetail(string());
                default -> throw new IllegalArgumentException(); // every index of EVENT_FIELDS is a case
            }
        }
        int have = seen[0];
        if ((have & 1 << STEP) == 0 || (have & 1 << THREAD) == 0 || (have & 1 << EVENT) == 0) {
            throw errorAt(0, "an event needs step, thread and event; missing "
                    + ((have & 1 << STEP) == 0 ? "step" : (have & 1 << THREAD) == 0 ? "thread" : "event"));
        }
        if (e.getRootName() != null && (have & 1 << RC) == 0) {
            throw errorAt(0, "an event with a root needs its rc");
        }
        if (TraceJsonl.hasSptes(e.getKind()) && ((have & 1 << OLD) == 0 || (have & 1 << NEW) == 0)) {
            throw errorAt(0, "a " + e.getKind().getLiteral() + " event needs old and new");
        }
        if (invariantNumber >= 0 || invariantWord != null) {
            Invariant inv = Invariant.get(invariantNumber);
            int at = invariantMember < 0 ? 0 : valueColumn(invariantMember) - 1;
            if (inv == null) {
                throw errorAt(at, "unknown invariant " + invariantNumber);
            }
            if (invariantWord != null && !inv.getLiteral().equals(invariantWord)) {
                throw errorAt(at, "invariant " + invariantNumber + " is " + inv.getLiteral() + ", not "
                        + printable(invariantWord));
            }
            e.setInvariant(inv);
        }
        return e;
    }

    private void header() throws IOException, ModelLoadException {
        int[] seen = { 0 };
        open();
        for (int field; (field = nextField(HEADER_FIELDS, seen)) >= 0;) {
            String v = string();
            if (field == 0 && !v.equals("run")) {
                throw valueError("expected \"tdpscope\":\"run\"");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ values

    private String string() throws IOException, ModelLoadException {
        if (r.peek() != JsonToken.STRING) {
            throw valueError("expected a string");
        }
        String v = r.nextString();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw valueError(String.format("a lone surrogate \\u%04x in a string (not Unicode text)", (int) c));
            }
        }
        return v;
    }

    /** A whole number: JSON's number syntax (checked by Gson) without fraction or exponent, within a long. */
    private long number(String expected) throws IOException, ModelLoadException {
        if (r.peek() != JsonToken.NUMBER) {
            throw valueError("expected " + expected);
        }
        String v = r.nextString(); // the number's text as written
        for (int i = v.startsWith("-") ? 1 : 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                throw valueError("expected a whole number, found " + v);
            }
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException ex) {
            throw valueError("number out of range");
        }
    }

    private int toInt(long v) throws ModelLoadException {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw valueError("number out of range");
        }
        return (int) v;
    }

    /** A "0x..." string, as the simulator writes gfns and SPTEs (64-bit, unsigned). */
    private long hex() throws IOException, ModelLoadException {
        String v = string();
        boolean ok = v.startsWith("0x") && v.length() >= 3 && v.length() <= 18;
        for (int i = 2; ok && i < v.length(); i++) {
            char c = v.charAt(i);
            ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
        }
        if (!ok) {
            throw valueError("expected a hex string like \"0x1f\", found \"" + printable(v) + "\"");
        }
        return Long.parseUnsignedLong(v.substring(2), 16);
    }

    // ------------------------------------------------------------------------------------------ errors

    private ModelLoadException errorAt(int index, String what) {
        return new ModelLoadException(file, lineNo, index + 1, what);
    }

    /** An error at the start of the value being read (the current member's). */
    private ModelLoadException valueError(String what) {
        return errorAt(valueColumn(member) - 1, what);
    }

    /**
     * Gson's column of a member's name or value (1-based), found by reading the line again up to it: Gson tells
     * a position only through its {@code toString()}, and only the failing line needs it.
     */
    private int keyColumn(int m) {
        return column(m, false);
    }

    private int valueColumn(int m) {
        return column(m, true);
    }

    private int column(int m, boolean value) {
        try {
            JsonReader again = reader(s);
            again.beginObject();
            for (int i = 0; i < m; i++) {
                again.nextName();
                again.skipValue();
            }
            if (value) {
                again.nextName();
            }
            // Gson stands just after the '{', the previous value or the name: step over the separator to the token
            int i = gsonColumn(again.toString()) - 1;
            i = firstNonBlank(i);
            if (i < s.length() && s.charAt(i) == (value ? ':' : ',')) {
                i = firstNonBlank(i + 1);
            }
            return i + 1;
        } catch (IOException | RuntimeException e) {
            return 1; // the members before m were read once already; cannot happen
        }
    }

    private static int gsonColumn(String located) {
        Matcher m = LOCATION.matcher(located);
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    /** Gson's failure in words at the offending character. */
    private ModelLoadException gsonFailure(Exception e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl); // drops Gson's troubleshooting link
        }
        int g = gsonColumn(msg);
        if (e instanceof EOFException || msg.startsWith("End of input") || msg.startsWith("Unterminated string")
                || msg.startsWith("Unterminated escape")) {
            String inside = msg.startsWith("Unterminated") ? "a string" : "the event";
            if (where == Where.OPEN && s.isBlank()) {
                return errorAt(0, "a blank line (a trace has one event per line)");
            }
            return errorAt(s.length(), "the line ends inside " + inside + " (truncated?)");
        }
        int at = g - 1; // 0-based index of Gson's position
        if (msg.startsWith("Malformed Unicode escape")) {
            return errorAt(at, "bad \\u escape: four hex digits expected");
        }
        if (msg.startsWith("Unpaired surrogate")) { // Gson stands after the escape that has no partner
            int u = s.lastIndexOf("\\u", Math.max(0, at - 1));
            return u < 0 ? valueError("a lone surrogate in a string (not Unicode text)")
                    : errorAt(u, "a lone surrogate " + s.substring(u, Math.min(s.length(), u + 6)).toLowerCase()
                            + " in a string (not Unicode text)");
        }
        if (msg.startsWith("Invalid escape sequence")) {
            return errorAt(at - 1, "bad escape \\" + s.charAt(at - 1));
        }
        if (msg.startsWith("Unterminated object")) {
            return errorAt(at - 1, "expected ',' or '}'");
        }
        if (msg.startsWith("Expected ':'")) {
            return errorAt(at - 1, "expected ':'");
        }
        if (msg.startsWith("Expected name")) {
            return errorAt(at - 1, "expected a field name in double quotes");
        }
        // Gson's lenient-only syntax: at a value Gson stops before it (after it for a single quote), elsewhere after it
        switch (where) {
            case OPEN, VALUE -> {
                int v = msg.startsWith("Unexpected value") || at > 0 && s.charAt(at - 1) == '\'' ? at - 1 : at;
                return errorAt(v, where == Where.OPEN ? "expected '{'" : badValue(v));
            }
            case NAME -> {
                return errorAt(at - 1, "expected a field name in double quotes");
            }
            default -> {
                return errorAt(at - 1, "text after the event");
            }
        }
    }

    /** What is wrong with the value text at {@code at}, which Gson refused. */
    private String badValue(int at) {
        int i = at < s.length() && s.charAt(at) == '-' ? at + 1 : at;
        int digits = i;
        while (digits < s.length() && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
            digits++;
        }
        if (digits - i > 1 && s.charAt(i) == '0') {
            return "a number with a leading zero";
        }
        if (digits - i > 19) {
            return "number out of range"; // Gson gives up on numbers longer than its buffer
        }
        if (s.startsWith("NaN", at) || s.startsWith("Infinity", i)) {
            return "NaN and infinities are not JSON numbers";
        }
        if (s.startsWith("'", at)) {
            return "a string in single quotes (JSON strings take double quotes)";
        }
        if (digits > i) {
            return "a malformed number";
        }
        return "expected a number or a string in double quotes";
    }

    /** A raw control character inside a string (Gson accepts raw tabs there; JSON does not). */
    private void rawControlCharacters() throws ModelLoadException {
        int first = 0;
        while (first < s.length() && s.charAt(first) >= 0x20) {
            first++;
        }
        if (first == s.length()) {
            return; // the usual line: nothing to look at
        }
        boolean inString = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                inString = !inString;
            } else if (c == '\\' && inString) {
                i++;
            } else if (c < 0x20 && inString) {
                throw errorAt(i, String.format("control character \\u%04x in a string (JSON needs it escaped)",
                        (int) c));
            }
        }
    }

    private int firstNonBlank(int from) {
        int i = from;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int indexOf(String[] fields, String key) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** A word from the file for a message: control characters escaped, at most 40 characters. */
    private static String printable(String v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length() && b.length() < 40; i++) {
            char c = v.charAt(i);
            b.append(c < 0x20 || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return v.length() > 40 ? b + "..." : b.toString();
    }
}
