/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tdpscope.model.EventKind;
import org.tdpscope.model.Invariant;
import org.tdpscope.model.TraceEvent;

/** The simulator's JSON Lines trace format: exact lines, reading them back, and bad lines. */
class TraceJsonlTest {

    @TempDir
    Path dir;

    /** Lines as org.tdpscope.sim.JsonlTraceWriter writes them (one of each shape). */
    static final String LINES = """
            {"step":1,"thread":"setup","event":"memslot","detail":"memslot 0 gfn 0x0..0x1000 dirty-logging"}
            {"step":2,"thread":"v0","event":"lock.acquire","detail":"mmu_lock write"}
            {"step":3,"thread":"v0","event":"root.create","root":"A","rc":1,"detail":"role default, at head, by v0"}
            {"step":4,"thread":"v0","event":"spte.set","root":"A","rc":1,"gfn":"0x0","level":4,"old":"0x0","new":"0x80000000000b07"}
            {"step":5,"thread":"v0","event":"fault","root":"A","rc":1,"gfn":"0x10","level":1,"old":"0x0","new":"0x600000001010f77","detail":"write"}
            {"step":6,"thread":"W","event":"walk.yield","root":"B","rc":2,"gfn":"0x11"}
            {"step":7,"thread":"rcu","event":"spte.zap","root":"B","rc":0,"gfn":"0x10","level":1,"old":"0xdeaddeaddeaddead","new":"0x0"}
            {"step":8,"thread":"W","event":"violation","root":"B","rc":0,"invariant":1,"kind":"use-after-free","detail":"W gets root B \\"freed\\" at step 7\\n\\ttab\\u0001"}
            """;

    @Test
    void readsAndWritesTheSimulatorsFormatByteForByte() throws Exception {
        Path f = dir.resolve("t.jsonl");
        Files.writeString(f, LINES, StandardCharsets.UTF_8);
        List<TraceEvent> events = TraceJsonl.read(f);
        assertEquals(8, events.size());
        TraceEvent fault = events.get(4);
        assertEquals(EventKind.FAULT, fault.getKind());
        assertEquals(0x10L, fault.getGfn());
        assertEquals(0x600000001010f77L, fault.getNewSpte());
        TraceEvent zap = events.get(6);
        assertEquals(0xdeaddeaddeaddeadL, zap.getOldSpte(), "64-bit hex, unsigned");
        TraceEvent v = events.get(7);
        assertEquals(Invariant.USE_AFTER_FREE, v.getInvariant());
        assertEquals("W gets root B \"freed\" at step 7\n\ttab\u0001", v.getDetail());
        assertFalse(events.get(0).isSetInvariant());
        assertEquals(-1, events.get(1).getRc());
        assertEquals(-1L, events.get(1).getGfn());
        Path g = dir.resolve("back.jsonl");
        TraceJsonl.write(events, g);
        assertEquals(LINES, Files.readString(g, StandardCharsets.UTF_8));
    }

    @Test
    void eventKindsAreTheSimulatorsIds() {
        String ids = "root.create root.reuse root.get root.put root.invalidate root.unlink root.free walk.start walk.visit"
                + " walk.yield walk.resume walk.restart walk.end spte.set spte.zap spte.wrprot spte.clear_dirty spte.age"
                + " fault access tlb.flush lock.acquire lock.release rcu.sync memslot vcpu.request_reload violation"
                + " work.queue walk.point root.schedule_zap mirror.hook vcpu.cpu guest.entry walk.iter";
        String[] want = ids.split(" ");
        assertEquals(want.length, EventKind.VALUES.size());
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], EventKind.VALUES.get(i).getLiteral());
        }
    }

    private ModelLoadException readFails(String content) throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TraceJsonl.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ":"), e.getMessage());
        assertUsersWords(e);
        return e;
    }

    @Test
    void truncatedLastLine() throws Exception {
        String cut = LINES.substring(0, LINES.indexOf("\"level\":1,\"old\"")); // inside line 5
        ModelLoadException e = readFails(cut);
        assertEquals(5, e.line(), e.getMessage());
        assertTrue(e.reason().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("bad.jsonl:5:"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"root.bogus\"}| 33| unknown event \"root.bogus\"",
            "{\"step\":1 \"thread\":\"v0\",\"event\":\"access\"}| 11| expected ',' or '}'",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"walk.yield\",\"root\":\"A\",\"rc\":1,\"gfn\":\"16\"}| 70| expected a hex string",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"access\",\"colour\":\"red\"}| 42| unknown field \"colour\"",
            "{\"step\":1,\"thread\":\"v0\"}| 1| missing event",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"spte.set\",\"root\":\"A\",\"rc\":1}| 1| needs old and new",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"violation\",\"invariant\":1,\"kind\":\"livelock\"}| 57| is use-after-free, not livelock",
            "garbage| 1| expected '{'",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"access\"} trailing| 43| text after the event",
            "{\"step\":1,\"thread\":\"v\\u+041\",\"event\":\"access\"}| 24| bad \\u escape",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"walk.yield\",\"root\":\"A\",\"rc\":1,\"gfn\":\"0x+1\"}| 70| expected a hex string",
            "{\"step\":1,\"thread\":\"v0\",\"step\":2,\"event\":\"access\"}| 25| duplicate field \"step\"",
            "{\"step\":01,\"thread\":\"v0\",\"event\":\"access\"}| 9| leading zero",
            "{\"step\":\u0661,\"thread\":\"v0\",\"event\":\"access\"}| 9| expected a number",
    })
    void garbledLine(String line, int column, String reason) throws Exception {
        ModelLoadException e = readFails(LINES.lines().findFirst().get() + "\n" + line.strip() + "\n");
        assertEquals(2, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
    }

    /** Gson reads the lines; its messages, links and class names never reach the user. */
    private static void assertUsersWords(ModelLoadException e) {
        for (String leak : new String[] { "gson", "JsonReader", "Exception", "Strictness", "http", "path $" }) {
            assertFalse(e.getMessage().contains(leak), e.getMessage());
        }
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private ModelLoadException lineFails(String line) throws IOException {
        ModelLoadException e = readFails(LINES.lines().findFirst().get() + "\n" + line + "\n");
        assertEquals(2, e.line(), e.getMessage());
        return e;
    }

    private static final String OK = "\"thread\":\"v0\",\"event\":\"access\"";

    /** Hostile lines: each a clean error at the offending character, in words. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // truncated
            "{\"step\":1,\"thread\":\"v0| 23| the line ends inside a string (truncated?)",
            "{\"step\":1,\"thread\":\"v0\",| 25| the line ends inside the event (truncated?)",
            "{\"step\":1,\"thread\":\"v\\u00| 26| the line ends inside a string (truncated?)",
            "{| 2| the line ends inside the event (truncated?)",
            // trailing garbage
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"access\"}{}| 42| text after the event",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"access\"},| 42| text after the event",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"access\"}//| 42| text after the event",
            // not JSON numbers
            "{\"step\":NaN,\"thread\":\"v0\",\"event\":\"access\"}| 9| NaN and infinities are not JSON numbers",
            "{\"step\":-Infinity,\"thread\":\"v0\",\"event\":\"access\"}| 9| NaN and infinities are not JSON numbers",
            "{\"step\":+1,\"thread\":\"v0\",\"event\":\"access\"}| 9| expected a number",
            "{\"step\":0x10,\"thread\":\"v0\",\"event\":\"access\"}| 9| a malformed number",
            "{\"step\":-01,\"thread\":\"v0\",\"event\":\"access\"}| 9| a number with a leading zero",
            "{\"step\":1.0,\"thread\":\"v0\",\"event\":\"access\"}| 9| expected a whole number, found 1.0",
            "{\"step\":1e3,\"thread\":\"v0\",\"event\":\"access\"}| 9| expected a whole number, found 1e3",
            // huge numbers
            "{\"step\":9223372036854775808,\"thread\":\"v0\",\"event\":\"access\"}| 9| number out of range",
            "{\"step\":1e400,\"thread\":\"v0\",\"event\":\"access\"}| 9| expected a whole number",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"walk.yield\",\"root\":\"A\",\"rc\":2147483648}| 62| number out of range",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"walk.yield\",\"root\":\"A\",\"rc\":1,\"gfn\":\"0x10000000000000000\"}| 70| expected a hex string",
            // not of the field's type
            "{\"step\":\"1\",\"thread\":\"v0\",\"event\":\"access\"}| 9| expected a number",
            "{\"step\":1,\"thread\":7,\"event\":\"access\"}| 20| expected a string",
            "{\"step\":1,\"thread\":null,\"event\":\"access\"}| 20| expected a string",
            "{\"step\":1,\"thread\":[\"v0\"],\"event\":\"access\"}| 20| expected a string",
            "[1]| 1| expected '{'",
            "\"step\"| 1| expected '{'",
            "{}| 1| an event needs step, thread and event",
            // JSON5 and other relaxed syntax
            "{'step':1,\"thread\":\"v0\",\"event\":\"access\"}| 2| expected a field name in double quotes",
            "{step:1,\"thread\":\"v0\",\"event\":\"access\"}| 2| expected a field name in double quotes",
            "{\"step\":1,\"thread\":'v0',\"event\":\"access\"}| 20| a string in single quotes",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"access\",}| 42| expected a field name in double quotes",
            "{\"step\":1,,\"thread\":\"v0\",\"event\":\"access\"}| 11| expected a field name in double quotes",
            "{\"step\" 1,\"thread\":\"v0\",\"event\":\"access\"}| 9| expected ':'",
            "{\"step\":,\"thread\":\"v0\",\"event\":\"access\"}| 9| expected a number",
            "{\"step\":1,\"thread\":\"v\\x\",\"event\":\"access\"}| 23| bad escape \\x",
            "{\"step\":1,\"thread\":\"v\\u12G4\",\"event\":\"access\"}| 24| bad \\u escape",
            // strings that are not Unicode text
            "{\"step\":1,\"thread\":\"v\\ud800\",\"event\":\"access\"}| 22| a lone surrogate \\ud800",
            "{\"step\":1,\"thread\":\"v\\udc00x\",\"event\":\"access\"}| 22| a lone surrogate \\udc00",
            "{\"step\":1,\"thread\":\"\\ud83d\\ud83d\",\"event\":\"access\"}| 27| a lone surrogate \\ud83d",
            // duplicates, also spelt differently
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"access\",\"st\\u0065p\":2}| 42| duplicate field \"step\"",
            "{\"step\":1,\"thread\":\"v0\",\"event\":\"access\",  \"thread\":\"v1\"}| 44| duplicate field \"thread\"",
            // a byte-order mark is only allowed at the very start
            "\uFEFF{\"step\":1,\"thread\":\"v0\",\"event\":\"access\"}| 1| a byte-order mark after the start",
    })
    void hostileLine(String line, int column, String reason) throws Exception {
        ModelLoadException e = lineFails(line);
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
    }

    @Test
    void rawControlCharacterInAString() throws Exception {
        ModelLoadException e = lineFails("{\"step\":1,\"thread\":\"v\t0\",\"event\":\"access\"}");
        assertEquals(22, e.column(), e.getMessage());
        assertEquals("control character \\u0009 in a string (JSON needs it escaped)", e.reason());
        e = lineFails("{\"step\":1,\"thread\":\"v\\\"\u0001\",\"event\":\"access\"}"); // after an escaped quote
        assertEquals(24, e.column(), e.getMessage());
    }

    @Test
    void blankAndWhitespaceBetweenTokens() throws Exception {
        Path f = dir.resolve("ws.jsonl");
        Files.writeString(f, "{ \"step\" :\t1 , " + OK + " }  \r\n", StandardCharsets.UTF_8);
        assertEquals(1, TraceJsonl.read(f).size(), "JSON whitespace between tokens, CRLF line ends");
        assertEquals("a blank line (a trace has one event per line)", lineFails("   ").reason());
    }

    @Test
    void deepNestingIsACleanError() throws Exception {
        String deep = "[".repeat(100_000);
        ModelLoadException e = lineFails(deep);
        assertEquals(1, e.column());
        assertEquals("expected '{'", e.reason());
        e = lineFails("{\"step\":" + deep + "]".repeat(100_000) + "," + OK + "}");
        assertEquals(9, e.column());
        assertEquals("expected a number", e.reason());
        e = lineFails("{\"step\":1," + OK + ",\"detail\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_001));
        assertEquals(51, e.column(), e.getMessage());
        assertEquals("expected a string", e.reason());
    }

    @Test
    void hugeNumberAndHugeLine() throws Exception {
        ModelLoadException e = lineFails("{\"step\":" + "9".repeat(1_000_000) + "," + OK + "}");
        assertEquals(9, e.column());
        assertEquals("number out of range", e.reason());
        String detail = "x".repeat(2_000_000);
        Path f = dir.resolve("long.jsonl");
        Files.writeString(f, "{\"step\":1," + OK + ",\"detail\":\"" + detail + "\"}\n", StandardCharsets.UTF_8);
        assertEquals(detail, TraceJsonl.read(f).get(0).getDetail());
        e = lineFails("{\"step\":1," + OK + ",\"detail\":\"" + detail + "\"} x");
        assertEquals(2_000_055, e.column(), e.getMessage());
        assertEquals("text after the event", e.reason());
    }

    @Test
    void surrogatePairsAndEscapesAreKept() throws Exception {
        Path f = dir.resolve("u.jsonl");
        Files.writeString(f, "{\"step\":1,\"thread\":\"\\ud83d\\ude00\uD83D\uDE00\\u00e9\\/\",\"event\":\"access\"}\n",
                StandardCharsets.UTF_8);
        assertEquals("\uD83D\uDE00\uD83D\uDE00\u00e9/", TraceJsonl.read(f).get(0).getThread());
    }

    @Test
    void header() throws Exception {
        Path f = dir.resolve("h.jsonl");
        Files.writeString(f, "\uFEFF" + TraceJsonl.header("s \"1\"", "v6.6", "tdp") + "\n" + LINES, StandardCharsets.UTF_8);
        assertEquals(8, TraceJsonl.read(f).size(), "a byte-order mark, then the header");
        String h = TraceJsonl.HEADER_PREFIX;
        ModelLoadException e = readFails(h + ",\"scenario\":\"a\",\"scenario\":\"b\"}\n" + LINES);
        assertEquals(1, e.line());
        assertEquals(34, e.column(), e.getMessage());
        assertEquals("duplicate field \"scenario\"", e.reason());
        e = readFails(h + ",\"kernel\":6}\n");
        assertEquals(28, e.column(), e.getMessage());
        assertEquals("expected a string", e.reason());
        e = readFails(h + "x\n");
        assertEquals(18, e.column(), e.getMessage());
        assertEquals("expected ',' or '}'", e.reason());
    }

    @Test
    void notUtf8IsPositioned() throws Exception {
        byte[] head = (LINES.lines().findFirst().get() + "\n{\"step\":1,\"thread\":\"v").getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : new byte[][] { { (byte) 0xe9, '"' }, // Latin-1
                { (byte) 0xc0, (byte) 0xaf }, // an overlong '/'
                { (byte) 0xed, (byte) 0xa0, (byte) 0x80 }, // a surrogate in UTF-8
                { (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, // above U+10FFFF
                { (byte) 0xe2, (byte) 0x82 } }) { // cut inside a character at the end of the file
            Path f = dir.resolve("bad8.jsonl");
            byte[] all = java.util.Arrays.copyOf(head, head.length + bad.length);
            System.arraycopy(bad, 0, all, head.length, bad.length);
            Files.write(f, all);
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> TraceJsonl.read(f));
            assertEquals(2, e.line(), e.getMessage());
            assertEquals(22, e.column(), e.getMessage());
            assertEquals("not UTF-8: byte 0x" + String.format("%02x", bad[0] & 0xff) + " at byte offset " + head.length,
                    e.reason());
        }
    }

    @Test
    void byteOrderMarkIsSkipped() throws Exception {
        Path f = dir.resolve("bom.jsonl");
        Files.writeString(f, "\uFEFF" + LINES, StandardCharsets.UTF_8);
        assertEquals(8, TraceJsonl.read(f).size());
    }

    @Test
    void emptyLineInTheMiddle() throws Exception {
        ModelLoadException e = readFails(LINES.replaceFirst("\n", "\n\n"));
        assertEquals(2, e.line());
    }

    @Test
    void notUtf8() throws Exception {
        Path f = dir.resolve("bin.jsonl");
        Files.write(f, new byte[] { '{', (byte) 0xff, (byte) 0xfe, '}', '\n' });
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TraceJsonl.read(f));
        assertTrue(e.reason().contains("UTF-8"), e.getMessage());
    }

    @Test
    void missingFile() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TraceJsonl.read(dir.resolve("none.jsonl")));
        assertTrue(e.reason().contains("no such file"));
    }
}
