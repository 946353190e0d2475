/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.export.RunExport.Choices;
import org.tdpscope.export.RunExport.Diagram;
import org.tdpscope.export.RunExport.Document;
import org.tdpscope.export.RunExport.Range;
import org.tdpscope.export.RunExport.Result;
import org.tdpscope.sim.Policy;

/** The files an export of a run writes for the user's choices, shared by the command and the wizard. */
class RunExportTest {

    private static Result export(String example, Choices c) {
        LoadedScenario s = Golden.example(example);
        return RunExport.documents(example, s.name(), s.scenario(), c);
    }

    private static List<String> names(Result r) {
        return r.documents().stream().map(Document::name).toList();
    }

    @Test
    void everyDiagramOfTheTwoDWalk() {
        Result r = export("two-d-walk", new Choices(List.of(Diagram.values()), List.of(Policy.CONTINUE),
                Theme.LIGHT, true, true, null, null, null));
        assertEquals(List.of(), r.problems());
        assertEquals(List.of("two-d-walk.policies.svg", "two-d-walk.policies.png",
                "two-d-walk.continue.roots.svg", "two-d-walk.continue.roots.png",
                "two-d-walk.continue.timeline.svg", "two-d-walk.continue.timeline.png",
                "two-d-walk.continue.walk.v0.svg", "two-d-walk.continue.walk.v0.png",
                // the EPT violation the last access (a fetch from a page not yet in the EPT) met on the way
                "two-d-walk.continue.walk.v0.exit1.svg", "two-d-walk.continue.walk.v0.exit1.png",
                "two-d-walk.continue.tables.svg", "two-d-walk.continue.tables.png",
                "two-d-walk.continue.tables.guest-v0.svg", "two-d-walk.continue.tables.guest-v0.png",
                "two-d-walk.continue.animated.svg", "two-d-walk.continue.animated.gif"), names(r));
        for (Document d : r.documents()) {
            String head = new String(d.bytes(), 0, 6, StandardCharsets.ISO_8859_1);
            if (d.name().endsWith(".svg")) {
                assertTrue(head.startsWith("<?xml"), d.name());
            } else if (d.name().endsWith(".png")) {
                assertEquals("\u0089PNG", head.substring(0, 4), d.name());
            } else {
                assertEquals("GIF89a", head, d.name());
            }
        }
        Result again = export("two-d-walk", new Choices(List.of(Diagram.values()), List.of(Policy.CONTINUE),
                Theme.LIGHT, true, true, null, null, null));
        for (int i = 0; i < r.documents().size(); i++) {
            assertArrayEquals(r.documents().get(i).bytes(), again.documents().get(i).bytes(),
                    r.documents().get(i).name());
        }
    }

    @Test
    void pngOnlyStepAndRangesNameAndFilterTheFiles() {
        Result r = export("two-d-walk", new Choices(List.of(Diagram.TABLES, Diagram.ANIMATED),
                List.of(Policy.CONTINUE, Policy.FIFO), Theme.DARK, false, true, 9L, Range.parse("0x200..0x400",
                        "--gfn"), Range.parse("0x400000..0x402000", "--gva")));
        assertEquals(List.of(), r.problems());
        assertTrue(names(r).contains("two-d-walk.fifo.tables.step9.png"), names(r).toString());
        assertTrue(names(r).contains("two-d-walk.continue.animated.gif"), "the animation is the whole run");
        assertFalse(names(r).stream().anyMatch(n -> n.endsWith(".svg")), "PNG only");

        Result svg = export("two-d-walk", new Choices(List.of(Diagram.TABLES), List.of(Policy.CONTINUE),
                Theme.LIGHT, true, false, null, null, Range.parse("0x400000..0x402000", "--gva")));
        String guest = new String(svg.documents().get(1).bytes(), StandardCharsets.UTF_8);
        assertEquals("two-d-walk.continue.tables.guest-v0.svg", svg.documents().get(1).name());
        assertTrue(guest.contains("gva 0x400000..0x402000") && guest.contains("gva 0x401000 4K"));
        assertFalse(guest.contains("gva 0x402000 4K"));
    }

    /** A window of the timeline: only its steps on the axis, the whole run's lanes; an empty window is said. */
    @Test
    void aTimelineWindow() {
        Result all = export("seed-terminate", new Choices(List.of(Diagram.TIMELINE), List.of(Policy.FIFO),
                Theme.LIGHT, true, false, null, null, null));
        Result part = export("seed-terminate", new Choices(List.of(Diagram.TIMELINE), List.of(Policy.FIFO),
                Theme.LIGHT, true, false, null, null, null, new Range(20, 60)));
        assertEquals(List.of("seed-terminate.fifo.timeline.steps20-60.svg"), names(part));
        String whole = new String(all.documents().get(0).bytes(), StandardCharsets.UTF_8);
        String window = new String(part.documents().get(0).bytes(), StandardCharsets.UTF_8);
        assertTrue(window.length() < whole.length(), "a part of the run");
        assertTrue(window.contains(">steps 20–59 of ") && whole.contains(">steps 1–"),
                "the subtitle says which steps");
        java.util.regex.Matcher axis = java.util.regex.Pattern.compile(">([0-9]+)</text>").matcher(window);
        int columns = 0;
        while (axis.find()) {
            long step = Long.parseLong(axis.group(1));
            assertTrue(step >= 20 && step < 60, "step " + step + " is outside the window");
            columns++;
        }
        assertTrue(columns > 3, "columns drawn: " + columns);
        for (String lane : List.of(">v0</text>", ">v1</text>", ">W</text>", ">Z</text>")) {
            assertTrue(window.contains(lane), "every lane of the run: " + lane);
        }
        Result empty = export("seed-terminate", new Choices(List.of(Diagram.TIMELINE), List.of(Policy.FIFO),
                Theme.LIGHT, true, false, null, null, null, new Range(100_000, 100_010)));
        assertEquals(List.of("timeline: nothing to draw: the run has no event in steps 100000..100010"),
                empty.problems());
    }

    /** The seed has no 2-D walk: its walk diagrams are the last passes over the roots of W and of Z's zap. */
    @Test
    void rootWalksOfTheSeed() {
        Result r = export("seed-terminate", new Choices(List.of(Diagram.WALK), List.of(Policy.FIFO), Theme.LIGHT,
                true, false, null, null, null));
        assertEquals(List.of(), r.problems());
        assertEquals(List.of("seed-terminate.fifo.walk.W.roots.svg", "seed-terminate.fifo.walk.Z.roots.svg"),
                r.documents().stream().map(d -> d.name()).toList());
        String w = new String(r.documents().get(0).bytes(), StandardCharsets.UTF_8);
        // the seed's expectation "under fifo: W visited [A, B, C, D]", in that order
        assertTrue(w.contains("W · walk 1 · policy fifo"), w);
        int a = w.indexOf("id=\"root-A\"");
        int b = w.indexOf("id=\"root-B\"");
        int c = w.indexOf("id=\"root-C\"");
        int d = w.indexOf("id=\"root-D\"");
        assertTrue(a >= 0 && a < b && b < c && c < d, "visits A, B, C, D in order");
    }

    @Test
    void aDiagramWithNothingToDrawStopsTheWholeExport() {
        // before the first step nobody has walked anything
        Result r = export("seed-terminate", new Choices(List.of(Diagram.ROOTS, Diagram.WALK),
                List.of(Policy.FIFO), Theme.LIGHT, true, false, 0L, null, null));
        assertEquals(List.of(), r.documents(), "nothing half-exported");
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).startsWith("walk: nothing to draw: no vCPU made a 2-D walk"));
        assertTrue(r.problems().get(0).endsWith("and no thread walked the roots by step 0"), r.problems().get(0));
        assertTrue(export("seed-terminate", new Choices(List.of(Diagram.ROOTS), List.of(Policy.FIFO), Theme.LIGHT,
                false, false, null, null, null)).problems().contains("neither SVG nor PNG chosen"));
        assertTrue(export("seed-terminate", new Choices(List.of(), List.of(Policy.FIFO), Theme.LIGHT, true, false,
                null, null, null)).problems().contains("no diagram chosen"));
    }

    @Test
    void writeIsAllOrNothingIntoAWritableDirectory(@TempDir Path dir) throws IOException {
        List<Document> docs = List.of(new Document("a.svg", "<svg/>".getBytes(StandardCharsets.UTF_8)),
                new Document("b.png", new byte[] { 1, 2, 3 }));
        List<Path> written = RunExport.write(dir.resolve("new/sub"), docs);
        assertEquals(List.of(dir.resolve("new/sub/a.svg"), dir.resolve("new/sub/b.png")), written);
        assertArrayEquals(new byte[] { 1, 2, 3 }, Files.readAllBytes(dir.resolve("new/sub/b.png")));

        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        IOException e = assertThrows(IOException.class, () -> RunExport.write(blocker.resolve("out"), docs));
        assertTrue(e.getMessage().startsWith("cannot create the directory " + blocker.resolve("out")), e.getMessage());
        e = assertThrows(IOException.class, () -> RunExport.write(blocker, docs));
        assertTrue(e.getMessage().contains(blocker.toString()), e.getMessage());
        assertEquals("x", Files.readString(blocker), "nothing written");
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void rangesAreUnsignedHexOrDecimal() {
        assertEquals(new Range(0x200, 0x400), Range.parse("0x200..0x400", "--gfn"));
        assertEquals(new Range(16, 32), Range.parse(" 16 .. 32 ", "--gfn"));
        Range kernel = Range.parse("0xffff800000000000..0xffff800000200000", "--gva");
        assertEquals(0xffff800000000000L, kernel.from());
        assertEquals("0xffff800000000000..0xffff800000200000", kernel.toString());
        for (String bad : List.of("0x400..0x200", "12", "a..b", "0x1..0x1", "..5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Range.parse(bad,
                    "--gva"));
            assertTrue(e.getMessage().startsWith("--gva wants a range A..B"), e.getMessage());
        }
    }
}
