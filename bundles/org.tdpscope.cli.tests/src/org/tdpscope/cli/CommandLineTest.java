/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.cli.MainTest.EXAMPLES;
import static org.tdpscope.cli.MainTest.tdpscope;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.cli.MainTest.Outcome;

/** The command line as picocli parses it: help, version, unknown options, options that go together. */
class CommandLineTest {

    static final String SEED = EXAMPLES.resolve("seed-terminate.tdp").toString();

    @Test
    void everyCommandHasItsOwnHelp() {
        for (String c : List.of("run", "check", "export", "explore", "import", "lsp", "worker")) {
            Outcome o = tdpscope(c, "--help");
            assertEquals(0, o.code(), c + ": " + o.err());
            assertTrue(o.out().startsWith("Usage: tdpscope " + c), o.out());
            if (!c.equals("check")) {
                assertFalse(o.out().contains("FILE..."), "one FILE:\n" + o.out());
            }
            assertEquals("", o.err());
            assertEquals(o.out(), tdpscope("help", c).out(), "help " + c + " says the same");
        }
        assertTrue(tdpscope("run", "-h").out().contains("--policy=P"));
        assertTrue(tdpscope("explore", "--help").out().contains("--outcomes-file=OUT.txt"));
        assertTrue(tdpscope("explore", "--help").out().contains("--swarm"), "the swarm search is offered");
        assertTrue(tdpscope("explore", "--help").out().contains("--cluster"), "the cluster search is offered");
        Outcome top = tdpscope("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().startsWith("usage: tdpscope <command>"), top.out());
        assertEquals(2, tdpscope().code(), "no command: the usage, and a usage error");
    }

    @Test
    void versionIsTheBundles() throws IOException {
        for (String[] args : new String[][] { { "--version" }, { "-V" }, { "run", "--version" },
                { "explore", "--version" } }) {
            Outcome o = tdpscope(args);
            assertEquals(0, o.code(), String.join(" ", args));
            assertTrue(o.out().matches("tdpscope \\S.*\\n"), o.out());
        }
        try (InputStream in = Files.newInputStream(Path.of("../org.tdpscope.cli/META-INF/MANIFEST.MF"))) {
            assertEquals("0.1.0 (development build)", Main.Version.bundleVersion(new java.util.jar.Manifest(in)));
        }
        java.util.jar.Manifest built = new java.util.jar.Manifest();
        built.getMainAttributes().putValue("Manifest-Version", "1.0");
        built.getMainAttributes().putValue("Bundle-Version", "0.1.0.202612061118");
        assertEquals("0.1.0.202612061118", Main.Version.bundleVersion(built));
    }

    @Test
    void unknownOptionsAreNamedWithASuggestion() {
        Outcome o = tdpscope("run", SEED, "--polcy", "fifo");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: unknown option '--polcy'; did you mean --policy?\n"), o.err());
        assertTrue(o.err().contains("try 'tdpscope run --help'"), o.err());
        o = tdpscope("explore", SEED, "--dpeth", "3");
        assertTrue(o.err().startsWith("tdpscope: unknown option '--dpeth'; did you mean --depth?"), o.err());
        o = tdpscope("run", SEED, "--polcy=fifo");
        assertTrue(o.err().startsWith("tdpscope: unknown option '--polcy'; did you mean --policy?"), o.err());
        o = tdpscope("run", SEED, "--frobnicate");
        assertEquals("tdpscope: unknown option '--frobnicate'\ntry 'tdpscope run --help'\n", o.err());
        o = tdpscope("rnu", SEED);
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: unknown command 'rnu'; did you mean run?"), o.err());
        o = tdpscope("run", SEED, "--policy");
        assertTrue(o.err().startsWith("tdpscope: --policy needs a value (P)"), o.err());
        o = tdpscope("run", SEED, SEED);
        assertTrue(o.err().startsWith("tdpscope: run needs exactly one FILE, not 2"), o.err());
        o = tdpscope("export", SEED, "--svg", "x", "--diagram", "timelien");
        assertTrue(o.err().contains("did you mean timeline?"), o.err());
    }

    @Test
    void optionsThatNeedEachOtherOrExcludeEachOther(@TempDir Path dir) {
        Outcome o = tdpscope("run", SEED, "--png");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: --png needs --svg DIR"), o.err());
        o = tdpscope("export", SEED, "--png");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: export needs --svg DIR"), o.err());
        o = tdpscope("run", SEED, "--quiet", "--all-events");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: --quiet and --all-events exclude each other"), o.err());
        o = tdpscope("export", SEED, "--svg", dir.toString(), "--diagram", "animated", "--step", "3");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: --step and --diagram animated exclude each other"), o.err());
        o = tdpscope("run", SEED, "--trace", "-", "--xmi", "-");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: only one output can go to standard output"), o.err());
        o = tdpscope("explore", SEED, "--bind", "127.0.0.1:5701");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: --bind needs --cluster"), o.err());
        o = tdpscope("explore", SEED, "--cluster", "--swarm", "2");
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("tdpscope: --cluster and --swarm exclude each other"), o.err());
    }

    /** A step past the end is an error naming the range; the last step itself draws. */
    @Test
    void exportStepBeyondTheRunIsAnError(@TempDir Path dir) {
        Outcome o = tdpscope("export", SEED, "--svg", dir.toString(), "--policy", "fifo", "--step", "999");
        assertEquals(2, o.code(), o.err());
        Matcher m = Pattern.compile("--step 999 is past the end of the run: under policy fifo \\(kernel v5\\.16\\) the"
                + " steps are 0\\.\\.([0-9]+)").matcher(o.err());
        assertTrue(m.find(), o.err());
        long last = Long.parseLong(m.group(1));
        assertTrue(last > 10 && last < 999, o.err());
        assertEquals(0, tdpscope("export", SEED, "--svg", dir.toString(), "--policy", "fifo", "--step",
                String.valueOf(last)).code());
        assertTrue(Files.exists(dir.resolve("seed-terminate.fifo.roots.step" + last + ".svg")));
        assertEquals(2, tdpscope("export", SEED, "--svg", dir.toString(), "--policy", "fifo", "--step",
                String.valueOf(last + 1)).code());
    }

    /** Outcomes in the kernel's words, numbered; each shortest schedule names the outcome it leads to. */
    @Test
    void exploreSpeaksTheKernelsWords() {
        Outcome o = tdpscope("explore", EXAMPLES.resolve("use-after-free.tdp").toString(), "--policy", "continue");
        assertEquals(1, o.code(), o.out() + o.err());
        assertFalse(o.out().contains("={") || o.out().contains("=[[") || o.out().contains("walks {"), o.out());
        assertTrue(o.out().matches("(?s).*\\n  BAD  complete  x[0-9]+ +#[0-9]+ +W visited \\[[A-Z, ]*\\].*"), o.out());
        Matcher m = Pattern.compile("\\n  shortest schedule to #([0-9]+) \\(([^;]+); final list \\[[A-Z, ]*\\]; [0-9]+"
                + " steps; paste into a schedule block\\):\\n").matcher(o.out());
        int schedules = 0;
        while (m.find()) {
            schedules++;
            String number = m.group(1);
            String what = m.group(2);
            Matcher line = Pattern.compile("\\n  BAD .* #" + number + " .*\\n").matcher(o.out());
            assertTrue(line.find(), "outcome #" + number + " is listed:\n" + o.out());
            for (String v : what.split(", ")) {
                assertTrue(line.group().contains(v), v + " is outcome #" + number + "'s: " + line.group());
            }
        }
        assertEquals(ExploreCommandTest.countLines(o.out(), "  BAD "), schedules, "one schedule per bad outcome");
    }

    /** Many bad outcomes: grouped by class with a few schedules each; --outcomes-file has every one. */
    @Test
    void manyBadOutcomesAreGroupedAndAllWrittenOnRequest(@TempDir Path dir) throws IOException {
        Path all = dir.resolve("outcomes.txt");
        Outcome o = tdpscope("explore", EXAMPLES.resolve("stale-spte-fifo.tdp").toString(), "--policy", "terminate",
                "--expectations", "--outcomes-file", all.toString());
        assertEquals(1, o.code(), o.out() + o.err());
        Matcher n = Pattern.compile("  ([0-9]+) distinct outcome\\(s\\), ([0-9]+) bad").matcher(o.out());
        assertTrue(n.find(), o.out());
        int bad = Integer.parseInt(n.group(2));
        assertTrue(bad > ExploreReport.LIST_ALL_UP_TO, "enough to group: " + bad);
        assertTrue(o.out().contains("class missed-root + expectations fail: "), o.out());
        assertTrue(o.out().contains("class expectations fail: "), o.out());
        long shown = ExploreCommandTest.countLines(o.out(), "  shortest schedule to #");
        assertTrue(shown < bad, shown + " of " + bad);
        assertTrue(o.out().contains("outcomes: " + all), o.out());
        String file = Files.readString(all);
        assertEquals(bad, ExploreCommandTest.countLines(file, "  shortest schedule to #"), file);
        assertEquals(bad, ExploreCommandTest.countLines(file, "  BAD "), file);
    }

    /** A scenario's errors are printed once each, positioned. */
    @Test
    void parseErrorsArePositionedAndNotRepeated(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("typo.tdp");
        Files.writeString(bad, Files.readString(EXAMPLES.resolve("seed-terminate.tdp")).replace("v0 to end",
                "v0 too end").replace("W until yield", "W untill yield"));
        Outcome o = tdpscope("check", bad.toString());
        assertEquals(2, o.code());
        List<String> lines = o.err().lines().toList();
        assertFalse(lines.isEmpty());
        for (String l : lines) {
            assertTrue(l.matches(".*typo\\.tdp:[0-9]+:[0-9]+: (error|warning): .*"), l);
        }
        assertEquals(lines.size(), lines.stream().distinct().count(), "each once:\n" + o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }
}
