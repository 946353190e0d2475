/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tdpscope.model.EventKind;
import org.tdpscope.model.Invariant;
import org.tdpscope.model.ModelFactory;
import org.tdpscope.model.TraceEvent;

/**
 * A trace as JSON Lines, in exactly the simulator's format ({@code org.tdpscope.sim.JsonlTraceWriter}):
 * one object per line, fields in the order {@code step, thread, event, root, rc, gfn, level, old, new,
 * invariant, kind, detail}; {@code rc} only with {@code root}; {@code gfn}, {@code old}, {@code new}
 * as {@code 0x} hex strings; {@code old}/{@code new} only for {@code spte.*} and {@code fault}.
 * Writing what {@link #read} read gives the same bytes.
 */
public final class TraceJsonl {

    private TraceJsonl() {
    }

    // ------------------------------------------------------------------------------------------ write

    /** Writes the events to {@code file}, all or nothing. */
    /** How the optional first line, the run's header, starts. */
    public static final String HEADER_PREFIX = "{\"tdpscope\":\"run\"";

    /** The header line (no newline): which scenario, kernel era and policy the events that follow come from. */
    public static String header(String scenario, String kernel, String policy) {
        StringBuilder sb = new StringBuilder(HEADER_PREFIX);
        string(sb, "scenario", scenario);
        string(sb, "kernel", kernel);
        string(sb, "policy", policy);
        return sb.append('}').toString();
    }

    public static void write(Iterable<? extends TraceEvent> events, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            write(events, w);
            w.flush();
        });
    }

    public static void write(Iterable<? extends TraceEvent> events, Writer out) throws IOException {
        StringBuilder line = new StringBuilder(160);
        for (TraceEvent e : events) {
            line.setLength(0);
            format(e, line);
            line.append('\n');
            out.append(line);
        }
    }

    /** One event as a JSON object, no newline. */
    public static String format(TraceEvent e) {
        StringBuilder sb = new StringBuilder(160);
        format(e, sb);
        return sb.toString();
    }

    public static void format(TraceEvent e, StringBuilder sb) {
        formatLine(sb, e.getStep(), e.getThread(), e.getKind().getLiteral(), e.getRootName(), e.getRc(), e.getGfn(),
                e.getLevel(), e.getOldSpte(), e.getNewSpte(), e.isSetInvariant() ? e.getInvariant().getValue() : 0,
                e.isSetInvariant() ? e.getInvariant().getLiteral() : null, e.getDetail());
    }

    /**
     * The one definition of a trace line, shared by this writer and the simulator's streaming writer
     * (which has no EObjects): fixed field order, gfn and SPTE values as hex strings, fields that do
     * not apply left out ({@code root} null, {@code gfn}/{@code level} negative, {@code invariant} 0).
     */
    public static void formatLine(StringBuilder sb, long step, String thread, String event, String root, int rc,
            long gfn, int level, long oldSpte, long newSpte, int invariant, String invariantWord, String detail) {
        sb.append("{\"step\":").append(step);
        string(sb, "thread", thread);
        string(sb, "event", event);
        if (root != null) {
            string(sb, "root", root);
            sb.append(",\"rc\":").append(rc);
        }
        if (gfn >= 0) {
            string(sb, "gfn", "0x" + Long.toHexString(gfn));
        }
        if (level >= 0) {
            sb.append(",\"level\":").append(level);
        }
        if (event.startsWith("spte.") || event.equals("fault")) {
            string(sb, "old", "0x" + Long.toHexString(oldSpte));
            string(sb, "new", "0x" + Long.toHexString(newSpte));
        }
        if (invariant != 0) {
            sb.append(",\"invariant\":").append(invariant);
            string(sb, "kind", invariantWord);
        }
        if (detail != null) {
            string(sb, "detail", detail);
        }
        sb.append('}');
    }

    /** Events whose lines carry {@code old} and {@code new}. */
    public static boolean hasSptes(EventKind k) {
        return k.getLiteral().startsWith("spte.") || k == EventKind.FAULT;
    }

    private static void string(StringBuilder sb, String key, String value) {
        sb.append(",\"").append(key).append("\":");
        quote(sb, value);
    }

    /** {@code value} as a JSON string (null as ""), quotes included. */
    public static void quote(StringBuilder sb, String value) {
        sb.append('"');
        String v = value == null ? "" : value;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    // ------------------------------------------------------------------------------------------ read

    /** Reads every event of a trace file. A line that is not a complete event fails the whole read. */
    public static List<TraceEvent> read(Path file) throws ModelLoadException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (Reader r = new InputStreamReader(Files.newInputStream(file), decoder)) {
            return read(r, file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, -1, -1, "no such file");
        } catch (AccessDeniedException e) {
            throw new ModelLoadException(file, -1, -1, "permission denied");
        } catch (IOException e) {
            throw new ModelLoadException(file, -1, -1, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads events from {@code in}; {@code file} only names the source in messages. Strict JSON for the fields a
     * trace has: a UTF-8 byte-order mark is skipped at the start, and anything JSON does not allow (a duplicate
     * field, a \\u escape with a sign such as <code>"&#92;u+041"</code>, {@code "0x+1"}, a leading zero, a
     * non-ASCII digit) is an error at its line and column.
     */
    public static List<TraceEvent> read(Reader in, Path file) throws IOException, ModelLoadException {
        BufferedReader br = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        List<TraceEvent> out = new ArrayList<>();
        int lineNo = 0;
        String line;
        try {
            while ((line = br.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a byte-order mark (columns count from after it)
                }
                if (line.isEmpty()) {
                    throw new ModelLoadException(file, lineNo, 1, "empty line (a trace has one event per line)");
                }
                if (lineNo == 1 && line.startsWith(HEADER_PREFIX)) {
                    continue; // the run's header: scenario, kernel era, policy
                }
                out.add(new LineParser(file, lineNo, line).parse());
            }
        } catch (CharacterCodingException e) {
            throw new ModelLoadException(file, lineNo + 1, -1, "not UTF-8 text");
        }
        return out;
    }

    /** Parses one line: a flat JSON object of the trace's fields. */
    private static final class LineParser {
        private final Path file;
        private final int lineNo;
        private final String s;
        private int pos;

        LineParser(Path file, int lineNo, String s) {
            this.file = file;
            this.lineNo = lineNo;
            this.s = s;
        }

        private ModelLoadException error(String what) {
            return new ModelLoadException(file, lineNo, pos + 1, what);
        }

        private ModelLoadException errorAt(int at, String what) {
            return new ModelLoadException(file, lineNo, at + 1, what);
        }

        private void ws() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private ModelLoadException truncatedOr(String what) {
            return pos >= s.length() ? error("the line ends inside the event (truncated?)") : error(what);
        }

        private void expect(char c) throws ModelLoadException {
            ws();
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw truncatedOr("expected '" + c + "'");
            }
            pos++;
        }

        TraceEvent parse() throws ModelLoadException {
            TraceEvent e = ModelFactory.eINSTANCE.createTraceEvent();
            boolean hasStep = false;
            boolean hasThread = false;
            boolean hasEvent = false;
            boolean hasRc = false;
            boolean hasOld = false;
            boolean hasNew = false;
            int invariantNumber = -1;
            int invariantAt = -1;
            String invariantWord = null;
            java.util.Set<String> keys = new java.util.HashSet<>();
            expect('{');
            ws();
            if (pos < s.length() && s.charAt(pos) == '}') {
                throw error("an event needs step, thread and event");
            }
            while (true) {
                ws();
                int keyAt = pos;
                String key = string();
                if (!keys.add(key)) {
                    throw errorAt(keyAt, "duplicate field \"" + key + "\"");
                }
                expect(':');
                ws();
                int valueAt = pos;
                switch (key) {
                    case "step" -> {
                        e.setStep(number(valueAt));
                        hasStep = true;
                    }
                    case "thread" -> {
                        e.setThread(string());
                        hasThread = true;
                    }
                    case "event" -> {
                        String id = string();
                        EventKind k = EventKind.get(id);
                        if (k == null) {
                            throw errorAt(valueAt, "unknown event \"" + id + "\"");
                        }
                        e.setKind(k);
                        hasEvent = true;
                    }
                    case "root" -> e.setRootName(string());
                    case "rc" -> {
                        e.setRc(toInt(number(valueAt), valueAt));
                        hasRc = true;
                    }
                    case "gfn" -> e.setGfn(hex(valueAt));
                    case "level" -> e.setLevel(toInt(number(valueAt), valueAt));
                    case "old" -> {
                        e.setOldSpte(hex(valueAt));
                        hasOld = true;
                    }
                    case "new" -> {
                        e.setNewSpte(hex(valueAt));
                        hasNew = true;
                    }
                    case "invariant" -> {
                        invariantNumber = toInt(number(valueAt), valueAt);
                        invariantAt = valueAt;
                    }
                    case "kind" -> invariantWord = string();
                    case "detail" -> e.setDetail(string());
                    default -> throw errorAt(keyAt, "unknown field \"" + key + "\"");
                }
                ws();
                if (pos >= s.length()) {
                    throw error("the line ends inside the event (truncated?)");
                }
                char c = s.charAt(pos++);
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
            ws();
            if (pos < s.length()) {
                throw error("text after the event");
            }
            if (!hasStep || !hasThread || !hasEvent) {
                throw errorAt(0, "an event needs step, thread and event; missing "
                        + (!hasStep ? "step" : !hasThread ? "thread" : "event"));
            }
            if (e.getRootName() != null && !hasRc) {
                throw errorAt(0, "an event with a root needs its rc");
            }
            if (hasSptes(e.getKind()) && !(hasOld && hasNew)) {
                throw errorAt(0, "a " + e.getKind().getLiteral() + " event needs old and new");
            }
            if (invariantNumber >= 0 || invariantWord != null) {
                Invariant inv = Invariant.get(invariantNumber);
                if (inv == null) {
                    throw errorAt(invariantAt < 0 ? 0 : invariantAt, "unknown invariant " + invariantNumber);
                }
                if (invariantWord != null && !inv.getLiteral().equals(invariantWord)) {
                    throw errorAt(invariantAt, "invariant " + invariantNumber + " is " + inv.getLiteral() + ", not "
                            + invariantWord);
                }
                e.setInvariant(inv);
            }
            return e;
        }

        private String string() throws ModelLoadException {
            if (pos >= s.length() || s.charAt(pos) != '"') {
                throw truncatedOr("expected a string");
            }
            pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("the line ends inside a string (truncated?)");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (pos >= s.length()) {
                        throw error("the line ends inside a string (truncated?)");
                    }
                    char x = s.charAt(pos++);
                    switch (x) {
                        case '"' -> b.append('"');
                        case '\\' -> b.append('\\');
                        case '/' -> b.append('/');
                        case 'n' -> b.append('\n');
                        case 'r' -> b.append('\r');
                        case 't' -> b.append('\t');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw error("the line ends inside a \\u escape (truncated?)");
                            }
                            int v = 0;
                            for (int i = 0; i < 4; i++) {
                                int d = Character.digit(s.charAt(pos + i), 16);
                                if (d < 0 || s.charAt(pos + i) > 'f') { // exactly four ASCII hex digits
                                    pos += i;
                                    throw error("bad \\u escape: four hex digits expected");
                                }
                                v = v << 4 | d;
                            }
                            b.append((char) v);
                            pos += 4;
                        }
                        default -> {
                            pos--;
                            throw error("bad escape \\" + x);
                        }
                    }
                } else if (c < 0x20) {
                    pos--;
                    throw error("control character in a string");
                } else {
                    b.append(c);
                }
            }
        }

        private long number(int at) throws ModelLoadException {
            int start = pos;
            if (pos < s.length() && s.charAt(pos) == '-') {
                pos++;
            }
            int digits = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == digits) {
                throw truncatedOr("expected a number");
            }
            if (s.charAt(digits) == '0' && pos > digits + 1) {
                throw errorAt(at, "a number with a leading zero");
            }
            try {
                return Long.parseLong(s.substring(start, pos));
            } catch (NumberFormatException ex) {
                throw errorAt(at, "number out of range");
            }
        }

        private int toInt(long v, int at) throws ModelLoadException {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw errorAt(at, "number out of range");
            }
            return (int) v;
        }

        /** A "0x..." string, as the simulator writes gfns and SPTEs (64-bit, unsigned). */
        private long hex(int at) throws ModelLoadException {
            String v = string();
            if (!v.startsWith("0x") || v.length() < 3 || v.length() > 18) {
                throw errorAt(at, "expected a hex string like \"0x1f\", found \"" + v + "\"");
            }
            for (int i = 2; i < v.length(); i++) {
                char c = v.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                    throw errorAt(at, "expected a hex string like \"0x1f\", found \"" + v + "\"");
                }
            }
            try {
                return Long.parseUnsignedLong(v.substring(2), 16);
            } catch (NumberFormatException ex) {
                throw errorAt(at, "expected a hex string like \"0x1f\", found \"" + v + "\"");
            }
        }
    }
}
