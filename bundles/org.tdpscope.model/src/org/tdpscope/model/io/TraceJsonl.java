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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tdpscope.model.EventKind;
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
            return readLines(r, file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, -1, -1, "no such file");
        } catch (AccessDeniedException e) {
            throw new ModelLoadException(file, -1, -1, "permission denied");
        } catch (CharacterCodingException e) {
            throw notUtf8(file);
        } catch (IOException e) {
            throw new ModelLoadException(file, -1, -1, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads events from {@code in}; {@code file} only names the source in messages. Each line is strict JSON
     * (RFC 8259, read by Gson) holding the fields a trace has, each once and of its type: a UTF-8 byte-order mark
     * is skipped at the start, and anything else JSON or the format does not allow (a duplicate field, a \\u escape
     * with a sign such as <code>"&#92;u+041"</code>, {@code "0x+1"}, a leading zero, NaN, a lone surrogate) is an
     * error at its line and column.
     */
    public static List<TraceEvent> read(Reader in, Path file) throws IOException, ModelLoadException {
        try {
            return readLines(in, file);
        } catch (CharacterCodingException e) {
            throw new ModelLoadException(file, -1, -1, "not UTF-8 text");
        }
    }

    private static List<TraceEvent> readLines(Reader in, Path file) throws IOException, ModelLoadException {
        BufferedReader br = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        List<TraceEvent> out = new ArrayList<>();
        int lineNo = 0;
        String line;
        while ((line = br.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark (columns count from after it)
            }
            if (line.startsWith("\uFEFF")) { // Gson would skip it: each line is read on its own
                throw new ModelLoadException(file, lineNo, 1, "a byte-order mark after the start of the file");
            }
            if (line.isEmpty()) {
                throw new ModelLoadException(file, lineNo, 1, "empty line (a trace has one event per line)");
            }
            if (lineNo == 1 && line.startsWith(HEADER_PREFIX)) {
                TraceLines.header(file, lineNo, line); // the run's header: scenario, kernel era, policy
                continue;
            }
            out.add(TraceLines.event(file, lineNo, line));
        }
        return out;
    }

    /** The position of the first byte of {@code file} that is not UTF-8 (read again: only a failing file pays). */
    private static ModelLoadException notUtf8(Path file) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (var in = Files.newInputStream(file)) {
            ByteBuffer bytes = ByteBuffer.allocate(1 << 16).limit(0);
            CharBuffer chars = CharBuffer.allocate(1 << 16);
            long offset = 0; // of bytes.position() in the file
            int line = 1;
            int column = 1;
            boolean eof = false;
            boolean first = true;
            while (true) {
                int n = eof ? -1 : in.read(bytes.array(), bytes.limit(), bytes.capacity() - bytes.limit());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.limit(bytes.limit() + n);
                }
                int before = bytes.position();
                CoderResult res = decoder.decode(bytes, chars, eof);
                offset += bytes.position() - before;
                chars.flip();
                while (chars.hasRemaining()) {
                    char c = chars.get();
                    if (c == '\n') {
                        line++;
                        column = 1;
                    } else if (!(first && c == '\uFEFF')) { // columns count from after a byte-order mark
                        column++;
                    }
                    first = false;
                }
                chars.clear();
                if (res.isError()) {
                    return new ModelLoadException(file, line, column, "not UTF-8: byte 0x"
                            + String.format("%02x", bytes.get(bytes.position()) & 0xff) + " at byte offset " + offset);
                }
                if (eof && !bytes.hasRemaining()) {
                    break;
                }
                bytes.compact().flip();
            }
        } catch (IOException e) {
            // fall through: the line is unknown
        }
        return new ModelLoadException(file, -1, -1, "not UTF-8 text");
    }
}
