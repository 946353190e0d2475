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
                + " work.queue walk.point root.schedule_zap mirror.hook";
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
