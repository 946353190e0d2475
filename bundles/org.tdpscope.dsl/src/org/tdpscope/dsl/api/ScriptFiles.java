/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.tdpscope.sim.Limits;

/**
 * Reading scenario scripts: strict UTF-8 (a byte that is not UTF-8 is an error at its line and column, never
 * decoded as something else), an optional byte-order mark skipped, and at most {@link Limits#MAX_SCRIPT_BYTES}
 * bytes (refused before reading the rest). Every tool that reads a {@code .tdp} file goes through here.
 */
public final class ScriptFiles {

    /** A script that cannot be read as one: where (1-based line and column, 0 when unknown) and why. */
    public static final class BadScriptException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        public BadScriptException(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }

        /** {@code file:line:column: message}. */
        public String format(String file) {
            return file + ":" + Math.max(1, line) + ":" + Math.max(1, column) + ": " + getMessage();
        }
    }

    private ScriptFiles() {
    }

    /** The text of a script file. */
    public static String read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(Limits.MAX_SCRIPT_BYTES + 1);
        }
        if (bytes.length > Limits.MAX_SCRIPT_BYTES) {
            throw tooLarge(bytes, Limits.MAX_SCRIPT_BYTES);
        }
        return decode(bytes);
    }

    /** Strict UTF-8, a leading byte-order mark skipped. */
    public static String decode(byte[] bytes) throws BadScriptException {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            int[] lc = lineColumn(bytes, start, at);
            throw new BadScriptException("not UTF-8: byte 0x" + String.format("%02x", bytes[at] & 0xff)
                    + " at byte offset " + (at - start) + " (save the file as UTF-8)", lc[0], lc[1]);
        }
        out.flip();
        return out.toString();
    }

    /** A text longer than {@link Limits#MAX_SCRIPT_BYTES} (in UTF-16 units, about bytes): the error, else null. */
    public static BadScriptException checkSize(CharSequence text) {
        if (text.length() <= Limits.MAX_SCRIPT_BYTES) {
            return null;
        }
        int line = 1;
        int col = 1;
        for (int i = 0; i < Limits.MAX_SCRIPT_BYTES; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new BadScriptException(sizeMessage(), line, col);
    }

    private static BadScriptException tooLarge(byte[] bytes, int at) {
        int[] lc = lineColumn(bytes, 0, at);
        return new BadScriptException(sizeMessage(), lc[0], lc[1]);
    }

    private static String sizeMessage() {
        return "the script is too large: at most " + (Limits.MAX_SCRIPT_BYTES >> 20) + " MiB (Limits.MAX_SCRIPT_BYTES)";
    }

    /** 1-based line and column (in characters) of byte {@code at}, counting from byte {@code from}. */
    private static int[] lineColumn(byte[] bytes, int from, int at) {
        int line = 1;
        int col = 1;
        for (int i = from; i < at; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\n') {
                line++;
                col = 1;
            } else if ((b & 0xc0) != 0x80) { // not a continuation byte: a new character
                col++;
            }
        }
        return new int[] { line, col };
    }
}
