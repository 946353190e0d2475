/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.cli.MainTest.EXAMPLES;
import static org.tdpscope.cli.MainTest.tdpscope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tdpscope export}: guest page tables, the animated GIF, and unwritable targets. */
class ExportCommandTest {

    private static final String WALK = EXAMPLES.resolve("two-d-walk.tdp").toString();
    private static final String SEED = EXAMPLES.resolve("seed-terminate.tdp").toString();

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The race diagram for a commit message: text on stdout, the same with or without --format text. */
    @Test
    void theRaceDiagramIsTheTextFormat() {
        MainTest.Outcome race = tdpscope("export", SEED, "--diagram", "race", "--policy", "terminate");
        assertEquals(0, race.code(), race.err());
        assertTrue(race.out().contains("terminate"), race.out());
        for (String line : race.out().split("\n")) {
            assertTrue(line.length() <= 75, "fits a commit message: " + line);
        }
        assertEquals(race.out(), tdpscope("export", SEED, "--diagram", "race", "--format", "text", "--policy",
                "terminate").out());
        assertEquals(race.out(), tdpscope("export", SEED, "--format", "text", "--policy", "terminate").out(),
                "--format text alone: the one diagram with a text form");
        MainTest.Outcome o = tdpscope("export", SEED, "--diagram", "race", "--format", "svg");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: the race diagram is text only"), o.err());
        o = tdpscope("export", SEED, "--diagram", "walk", "--format", "text");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: --format text is the race diagram's form only"), o.err());
        o = tdpscope("export", SEED, "--format", "txt");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("unknown format 'txt'"), o.err());
    }

    @Test
    void tablesWriteTheTdpAndEachVcpusGuestTables(@TempDir Path dir) throws IOException {
        MainTest.Outcome o = tdpscope("export", WALK, "--svg", dir.toString(), "--diagram", "tables", "--png");
        assertEquals(0, o.code(), o.err());
        assertEquals(List.of("two-d-walk.continue.tables.guest-v0.png", "two-d-walk.continue.tables.guest-v0.svg",
                "two-d-walk.continue.tables.png", "two-d-walk.continue.tables.svg"), files(dir));
        String guest = Files.readString(dir.resolve("two-d-walk.continue.tables.guest-v0.svg"));
        assertTrue(guest.contains("v0 CR3 · PML4") && guest.contains("2M gpa 0x200000 P RW US -- A D"), guest);
        assertTrue(o.out().contains("two-d-walk.continue.tables.guest-v0.svg"), "each file is named: " + o.out());

        o = tdpscope("export", WALK, "--svg", dir.toString(), "--diagram", "tables", "--gva",
                "0x7f0000000000..0x7f0000200000");
        assertEquals(0, o.code(), o.err());
        guest = Files.readString(dir.resolve("two-d-walk.continue.tables.guest-v0.svg"));
        assertTrue(guest.contains("gva 0x7f0000000000..0x7f0000200000") && guest.contains("2M gpa 0x200000"));
        assertFalse(guest.contains("gva 0x400000 4K"), "outside the range");

        // a scenario without guest mappings: the TDP tables only
        Path seedDir = dir.resolve("seed");
        assertEquals(0, tdpscope("export", SEED, "--svg", seedDir.toString(), "--diagram", "tables", "--policy",
                "fifo").code());
        assertEquals(List.of("seed-terminate.fifo.tables.svg"), files(seedDir));
    }

    @Test
    void gvaIsCheckedLikeGfn(@TempDir Path dir) {
        MainTest.Outcome o = tdpscope("export", WALK, "--svg", dir.toString(), "--gva", "0x0..0x1000");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--gva goes with --diagram tables"), o.err());
        o = tdpscope("export", WALK, "--svg", dir.toString(), "--diagram", "tables", "--gva", "0x2000..0x1000");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--gva wants a range A..B"), o.err());
        o = tdpscope("export", WALK, "--svg", dir.toString(), "--step", "-3");
        assertEquals(2, o.code());
    }

    @Test
    void animatedWithPngWritesTheSvgAndAGif(@TempDir Path dir) throws IOException {
        MainTest.Outcome o = tdpscope("export", SEED, "--svg", dir.toString(), "--diagram", "animated", "--policy",
                "terminate", "--png");
        assertEquals(0, o.code(), o.err());
        assertEquals(List.of("seed-terminate.terminate.animated.gif", "seed-terminate.terminate.animated.svg"),
                files(dir));
        byte[] gif = Files.readAllBytes(dir.resolve("seed-terminate.terminate.animated.gif"));
        assertEquals("GIF89a", new String(gif, 0, 6, StandardCharsets.US_ASCII));
        assertTrue(new String(gif, StandardCharsets.ISO_8859_1).contains("NETSCAPE2.0"), "loops");
        tdpscope("export", SEED, "--svg", dir.toString(), "--diagram", "animated", "--policy", "terminate", "--png");
        assertArrayEquals(gif, Files.readAllBytes(dir.resolve("seed-terminate.terminate.animated.gif")),
                "deterministic");
    }

    @Test
    void anUnwritableTargetIsAClearErrorAndWritesNothing(@TempDir Path dir) throws IOException {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        MainTest.Outcome o = tdpscope("export", WALK, "--svg", blocker.resolve("out").toString(), "--diagram",
                "tables");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: cannot create the directory " + blocker.resolve("out")), o.err());
        assertFalse(o.err().contains("Exception"), "no stack trace, no exception name: " + o.err());
        assertEquals(List.of("file"), files(dir));
        // a diagram with nothing to draw (no walk of any kind before the first step) writes no policy's file
        o = tdpscope("export", SEED, "--svg", dir.toString(), "--diagram", "walk", "--policy", "all", "--step",
                "0");
        assertEquals(2, o.code());
        assertEquals(List.of("file"), files(dir));
    }
}
