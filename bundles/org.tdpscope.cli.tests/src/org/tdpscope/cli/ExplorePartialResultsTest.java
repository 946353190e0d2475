/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.cli.MainTest.EXAMPLES;
import static org.tdpscope.cli.MainTest.tdpscope;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.cli.MainTest.Outcome;

/**
 * A search cut short says so and keeps what it found: the time bound is shared by every search of the command,
 * a search stopped by its visit bound exits 4 (not 0, which says "all clear"), and Ctrl-C writes the outcomes file
 * and names the searches that never ran.
 */
class ExplorePartialResultsTest {

    private static final Path SCALE = EXAMPLES.resolve("explore/scale-7-threads.tdp");

    @Test
    void theTimeBoundIsSharedByEveryPolicy() {
        long t0 = System.nanoTime();
        Outcome o = tdpscope("explore", SCALE.toString(), "--policy", "all", "--time", "4s");
        double secs = (System.nanoTime() - t0) / 1e9;
        assertEquals(Main.TRUNCATED, o.code(), o.out() + o.err());
        assertEquals(4, ExploreCommandTest.countLines(o.out(), "s of --time"), o.out());
        assertEquals(4, ExploreCommandTest.countLines(o.out(), "TRUNCATED: the time bound (--time) was reached"), o.out());
        // four searches in about the time asked (each stops within a fraction of a second of its share)
        assertTrue(secs < 12, secs + " s for --time 4s");
    }

    @Test
    void aSearchCutByItsVisitBoundIsNoAllClear() {
        Outcome o = tdpscope("explore", SCALE.toString(), "--policy", "continue", "--max-visits", "5000");
        assertEquals(Main.TRUNCATED, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("(TRUNCATED: raise --max-visits)"), o.out());
    }

    @Test
    void ctrlCWritesTheOutcomesFileAndNamesTheSearchesNotRun(@TempDir Path dir) throws Exception {
        Path outcomes = dir.resolve("o.txt");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                WritesTest.forkClassPath(), Main.class.getName(), "explore", SCALE.toString(), "--policy", "all",
                "--max-visits", "100000000", "--outcomes-file", outcomes.toString()); // the first search outlasts the test
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile()).start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            // the first progress line (every ten seconds when stderr is no terminal) says the search is under way
            String line;
            do {
                line = err.readLine();
            } while (line != null && !line.startsWith("explore: "));
            assertTrue(line != null, "a progress line");
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(130, p.exitValue());
        String out = Files.readString(dir.resolve("out.txt"));
        assertTrue(out.contains("TRUNCATED: interrupted (Ctrl-C or SIGTERM)"), out);
        assertTrue(out.contains("NOT EXPLORED (interrupted (Ctrl-C or SIGTERM)): restart (kernel v5.16), terminate"
                + " (kernel v5.16), fifo (kernel v5.16)"), out);
        assertTrue(out.contains("outcomes: " + outcomes), out);
        assertTrue(Files.readString(outcomes).startsWith("== "), "the outcomes found so far");
    }
}
