/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tdpscope command on the bundled examples and on bad input, as a user runs it. */
class MainTest {

    /** The repository's examples folder (tests run in the test bundle's folder). */
    static final Path EXAMPLES = Path.of("../../examples").toAbsolutePath().normalize();

    record Outcome(int code, String out, String err) {
    }

    static Outcome tdpscope(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.filter(p -> p.toString().endsWith(".tdp")).sorted().toList();
        }
    }

    @Test
    void everyExampleRunsWithAllExpectationsHolding() throws IOException {
        List<Path> examples = examples();
        assertTrue(examples.size() >= 5, "examples: " + examples);
        for (Path p : examples) {
            Outcome o = tdpscope("run", p.toString(), "--quiet");
            assertEquals(0, o.code(), p + "\n" + o.out() + o.err());
            assertFalse(o.out().contains("FAIL"), o.out());
        }
    }

    /** A search too big for its time bound stops, prints what it found, says TRUNCATED and why, and exits 4. */
    @Test
    void exploreStopsAtItsTimeBoundWithPartialResults() {
        long t0 = System.nanoTime();
        Outcome o = tdpscope("explore", EXAMPLES.resolve("explore/scale-7-threads.tdp").toString(), "--time", "2s",
                "--max-visits", "100000000");
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals(Main.TRUNCATED, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("TRUNCATED: the time bound (--time) was reached"), o.out());
        assertTrue(o.out().matches("(?s).*\\n  [0-9]+ distinct outcome\\(s\\), 0 bad\\n  ok   complete.*"), o.out());
        assertTrue(secs < 30, "stopped within a second or so of the bound: " + secs + " s");
        Outcome bad = tdpscope("explore", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--time", "soon");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--time wants a duration such as 90s"), bad.err());
    }

    /** --kernel all runs every era and ends with the side-by-side table; a bad era is a usage error. */
    @Test
    void kernelAllComparesErasSideBySide(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("r.jsonl");
        Outcome o = tdpscope("run", EXAMPLES.resolve("races/01-notifier-yields-without-root-ref.tdp").toString(),
                "--kernel", "all", "--quiet", "--trace", trace.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("== per-era comparison"), o.out());
        assertTrue(o.out().matches("(?s).*\\n  v5\\.15 +continue +use-after-free \\(N\\).*"), o.out());
        assertTrue(o.out().matches("(?s).*\\n  v5\\.16 +continue +no violation; final list \\[B\\]; A freed by N.*"),
                o.out());
        assertTrue(o.out().contains("(kernel mainline)"), o.out());
        assertTrue(Files.readString(dir.resolve("r.v6.9.jsonl")).startsWith("{\"tdpscope\":\"run\""),
                "one trace per era, named after it");
        Outcome bad = tdpscope("run", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--kernel", "v4.19");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown kernel era 'v4.19'"), bad.err());
    }

    @Test
    void runWritesTraceAndDiagram(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("t.jsonl");
        Path xmi = dir.resolve("seed.tdprun");
        Outcome o = tdpscope("run", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--policy", "terminate",
                "--trace", trace.toString(), "--svg", dir.toString(), "--xmi", xmi.toString());
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("walk.yield"), "the step table shows the yield:\n" + o.out());
        List<String> lines = Files.readAllLines(trace);
        assertTrue(lines.size() > 10);
        assertEquals("{\"tdpscope\":\"run\",\"scenario\":\"walker yields while all roots are invalidated\","
                + "\"kernel\":\"v5.16\",\"policy\":\"terminate\"}", lines.get(0), "the header says which run");
        assertTrue(lines.get(1).startsWith("{\"step\":1,"), lines.get(1));
        try {
            assertEquals(lines.size() - 1, org.tdpscope.model.io.TraceJsonl.read(trace).size(), "the reader skips the header");
            org.tdpscope.model.Run run = org.tdpscope.model.io.RunStore.loadXmi(xmi);
            assertEquals(lines.size() - 1, run.getTrace().size(), "the saved run holds the whole trace");
            assertEquals("v5.16", run.getKernel());
            assertEquals("terminate", run.getPolicyWord());
        } catch (org.tdpscope.model.io.ModelLoadException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        String svg = Files.readString(dir.resolve("seed-terminate.terminate.roots.svg"));
        assertTrue(svg.startsWith("<?xml") && svg.contains("<svg") && svg.contains("tdp_mmu_roots"));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aBadScriptGivesPositionedErrorsAndExitCode2(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.tdp");
        Files.writeString(bad, "scenario \"x\" {\n  vm {\n    memslot 0: gfn 0x0 .. \n  }\n");
        Outcome o = tdpscope("run", bad.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().matches("(?s).*bad\\.tdp:[0-9]+:[0-9]+: error: .*"), o.err());
        assertFalse(o.err().contains("Exception"), "no stack trace for a user:\n" + o.err());
        Outcome c = tdpscope("check", bad.toString());
        assertEquals(2, c.code());
    }

    @Test
    void missingFileAndBadArguments(@TempDir Path dir) {
        Outcome missing = tdpscope("run", dir.resolve("nope.tdp").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.tdp"), missing.err());
        assertEquals(2, tdpscope("run").code());
        assertEquals(2, tdpscope("frobnicate").code());
        assertEquals(2, tdpscope("run", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--policy", "lifo").code());
        assertEquals(2, tdpscope("run", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--bogus").code());
    }

    @Test
    void anUnwritableTraceIsAClearError(@TempDir Path dir) throws IOException {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        Outcome o = tdpscope("run", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--policy", "fifo", "--trace",
                blocker.resolve("t.jsonl").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("cannot write"), o.err());
    }

    @Test
    void exportWritesOneDiagramPerPolicy(@TempDir Path dir) throws IOException {
        Outcome o = tdpscope("export", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--svg", dir.toString(),
                "--policy", "all", "--step", "30");
        assertEquals(0, o.code(), o.err());
        for (String p : List.of("continue", "restart", "terminate", "fifo")) {
            assertTrue(Files.exists(dir.resolve("seed-terminate." + p + ".roots.step30.svg")), p);
        }
        String a = Files.readString(dir.resolve("seed-terminate.fifo.roots.step30.svg"));
        tdpscope("export", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--svg", dir.toString(), "--policy",
                "fifo", "--step", "30");
        assertEquals(a, Files.readString(dir.resolve("seed-terminate.fifo.roots.step30.svg")), "deterministic");
    }

    @Test
    void policyComparisonDiagram(@TempDir Path dir) throws IOException {
        Outcome o = tdpscope("export", EXAMPLES.resolve("stale-spte-fifo.tdp").toString(), "--svg", dir.toString(),
                "--diagram", "policies", "--png");
        assertEquals(0, o.code(), o.err());
        byte[] png = Files.readAllBytes(dir.resolve("stale-spte-fifo.policies.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG beside the SVG");
        String svg = Files.readString(dir.resolve("stale-spte-fifo.policies.svg"));
        for (String p : List.of("continue", "restart", "terminate", "fifo")) {
            assertTrue(svg.contains("id=\"lane-" + p + "\""), p);
        }
        assertTrue(svg.contains("missed-root"), "terminate's stale SPTE is shown");
        Outcome run = tdpscope("run", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--quiet", "--svg",
                dir.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(Files.exists(dir.resolve("seed-terminate.policies.svg")), "run --svg compares the policies it ran");
        // with --png the report lists the PNGs it wrote too
        Outcome withPng = tdpscope("run", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--quiet", "--svg",
                dir.toString(), "--png");
        assertEquals(0, withPng.code(), withPng.err());
        assertTrue(withPng.out().contains("diagram: " + dir.resolve("seed-terminate.policies.png")), withPng.out());
        assertTrue(withPng.out().contains("diagram: " + dir.resolve("seed-terminate.fifo.roots.png")), withPng.out());
    }

    @Test
    void exploreFindsTerminatesStaleSpteAndReplaysIt(@TempDir Path dir) throws IOException {
        Outcome o = tdpscope("explore", EXAMPLES.resolve("stale-spte-fifo.tdp").toString(), "--policy", "terminate");
        assertEquals(1, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("BAD") && o.out().contains("missed-root"), o.out());
        // The printed counterexample is a schedule block a user can paste back: it replays to the violation.
        String schedule = o.out().substring(o.out().indexOf("paste into a schedule block):") + 30).lines()
                .takeWhile(l -> l.startsWith("    ")).map(String::trim).reduce("", (x, y) -> x + y + "\n");
        String text = Files.readString(EXAMPLES.resolve("stale-spte-fifo.tdp"));
        int start = text.indexOf("schedule {");
        int end = text.indexOf('}', start);
        String replay = text.substring(0, start) + "schedule {\n" + schedule + "}" + text.substring(end + 1);
        replay = replay.substring(0, replay.indexOf("expect {")) + "expect { violation missed-root }\n}\n";
        Path file = dir.resolve("replay.tdp");
        Files.writeString(file, replay);
        Outcome r = tdpscope("run", file.toString(), "--policy", "terminate", "--quiet");
        assertEquals(0, r.code(), replay + "\n" + r.out() + r.err());
    }

    @Test
    void helpAndPerPolicyNames() {
        assertEquals(0, tdpscope("help").code());
        assertEquals(Path.of("o/t.fifo.jsonl"), Main.perPolicy(Path.of("o/t.jsonl"), org.tdpscope.sim.Policy.FIFO, 4));
        assertEquals(Path.of("o/t.jsonl"), Main.perPolicy(Path.of("o/t.jsonl"), org.tdpscope.sim.Policy.FIFO, 1));
        assertEquals("seed", Main.baseName("examples/seed.tdp"));
    }

    @Test
    void exportTimelineWalkTablesAndAnimated(@TempDir Path dir) throws IOException {
        String walkFile = EXAMPLES.resolve("two-d-walk.tdp").toString();
        Outcome o = tdpscope("export", walkFile, "--svg", dir.toString(), "--diagram", "walk", "--png");
        assertEquals(0, o.code(), o.err());
        String walk = Files.readString(dir.resolve("two-d-walk.continue.walk.v0.svg"));
        assertTrue(walk.contains("id=\"ref-1\"") && walk.contains("EPT L4"), "the grid");
        assertTrue(Files.size(dir.resolve("two-d-walk.continue.walk.v0.png")) > 1000);

        o = tdpscope("export", walkFile, "--svg", dir.toString(), "--diagram", "tables", "--gfn", "0x200..0x400");
        assertEquals(0, o.code(), o.err());
        String tables = Files.readString(dir.resolve("two-d-walk.continue.tables.svg"));
        assertTrue(tables.contains("gfn 0x200..0x400") && tables.contains("gfn 0x200 2M"), "the range's leaf");
        assertFalse(tables.contains("gfn 0x600 2M"), "outside the range");
        assertEquals(2, tdpscope("export", walkFile, "--svg", dir.toString(), "--diagram", "tables", "--gfn",
                "0x400..0x200").code());
        assertEquals(2, tdpscope("export", walkFile, "--svg", dir.toString(), "--gfn", "0x0..0x10").code(),
                "--gfn only with tables");

        String seed = EXAMPLES.resolve("seed-terminate.tdp").toString();
        o = tdpscope("export", seed, "--svg", dir.toString(), "--diagram", "timeline", "--policy", "fifo");
        assertEquals(0, o.code(), o.err());
        String timeline = Files.readString(dir.resolve("seed-terminate.fifo.timeline.svg"));
        assertTrue(timeline.contains(">create A</text>") && timeline.contains(">rcu</text>"), "lanes and marks");
        tdpscope("export", seed, "--svg", dir.toString(), "--diagram", "timeline", "--policy", "fifo");
        assertEquals(timeline, Files.readString(dir.resolve("seed-terminate.fifo.timeline.svg")), "deterministic");

        o = tdpscope("export", seed, "--svg", dir.toString(), "--diagram", "animated", "--policy", "continue");
        assertEquals(0, o.code(), o.err());
        assertTrue(Files.readString(dir.resolve("seed-terminate.continue.animated.svg")).contains("<animate "));
    }

    @Test
    void exportSaysWhenADiagramHasNothingToShow(@TempDir Path dir) {
        Outcome o = tdpscope("export", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--svg", dir.toString(),
                "--diagram", "walk", "--policy", "continue", "--step", "0");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("no vCPU made a 2-D walk"), o.err());
        assertTrue(o.err().contains("no thread walked the roots by step 0"), o.err());
        o = tdpscope("export", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--svg", dir.toString(),
                "--steps", "10..20");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--steps goes with --diagram timeline"), o.err());
        o = tdpscope("export", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--svg", dir.toString(),
                "--diagram", "timeline", "--steps", "20..10");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--steps wants a range A..B with A < B"), o.err());
        o = tdpscope("export", EXAMPLES.resolve("seed-terminate.tdp").toString(), "--svg", dir.toString(),
                "--diagram", "gantt");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("timeline, walk, tables, animated"), o.err());
    }
}
