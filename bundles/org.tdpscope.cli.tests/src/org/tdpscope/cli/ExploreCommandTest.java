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
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.cli.MainTest.Outcome;

/** {@code tdpscope explore} takes its bounds from the scenario's explore block; flags override them. */
class ExploreCommandTest {

    static final Path LIVELOCK = EXAMPLES.resolve("explore-restart-livelock.tdp");

    private static long count(String text, String word) {
        return countLines(text, word);
    }

    /** Lines of {@code text} that contain {@code word}. */
    static long countLines(String text, String word) {
        return text.lines().filter(l -> l.contains(word)).count();
    }

    @Test
    void theBlockChoosesBoundsAndPolicies() {
        Outcome o = tdpscope("explore", LIVELOCK.toString());
        assertEquals(1, o.code(), o.out() + o.err());
        assertTrue(o.out().contains("every interleaving under continue"), o.out());
        assertTrue(o.out().contains("every interleaving under restart"), o.out());
        assertFalse(o.out().contains("under terminate") || o.out().contains("under fifo"), "only the block's policies");
        assertEquals(2, count(o.out(), "bounds: depth 24, 32 yields, repeating Z, v0"), o.out());
        assertTrue(o.out().contains("BAD  livelock"), "restart livelocks:\n" + o.out());
        assertTrue(o.out().contains("// then, again and again:"), o.out());
    }

    /**
     * In the zap-worker eras (v5.18 to v6.5) a fast zap waits in flush_workqueue while the worker zaps: every
     * interleaving completes, none is an error ("Z blocks"), and v5.16's leftover is gone, as the example expects.
     */
    @Test
    void aFastZapWaitsForTheZapWorker() {
        Path zap = EXAMPLES.resolve("races/06-zap-stops-at-host-maxphyaddr.tdp");
        Outcome old = tdpscope("explore", zap.toString(), "--kernel", "v5.16");
        assertEquals(1, old.code(), old.out() + old.err());
        assertTrue(old.out().contains("violations fast-zap-leftover"), old.out());
        for (String era : new String[] { "v5.18", "v6.6" }) {
            Outcome o = tdpscope("explore", zap.toString(), "--kernel", era);
            assertEquals(0, o.code(), era + ": " + o.out() + o.err());
            assertFalse(o.out().contains("error") || o.out().contains("blocks"), era + ": " + o.out());
        }
    }

    @Test
    void flagsOverrideTheBlock() {
        Outcome o = tdpscope("explore", LIVELOCK.toString(), "--policy", "continue", "--depth", "12", "--yields", "3",
                "--invalidations", "2");
        assertEquals(0, o.code(), "continue walks on: " + o.out() + o.err());
        assertEquals(1, count(o.out(), "bounds: depth 12, 3 yields, 2 invalidations, repeating Z, v0"), o.out());
        assertFalse(o.out().contains("under restart"), o.out());

        Outcome noRepeat = tdpscope("explore", LIVELOCK.toString(), "--policy", "restart", "--repeat", "");
        assertEquals(1, count(noRepeat.out(), "bounds: depth 24, 32 yields"), noRepeat.out());
        assertFalse(noRepeat.out().contains("repeating"), noRepeat.out());
        assertFalse(noRepeat.out().contains("BAD  livelock"), "without the storm, no livelock:\n" + noRepeat.out());
    }

    @Test
    void badFlagsAreUsageErrors() {
        for (String[] bad : new String[][] { { "--invalidations", "-1" }, { "--depth", "0" }, { "--yields", "x" },
                { "--workers", "0" } }) {
            Outcome o = tdpscope("explore", LIVELOCK.toString(), bad[0], bad[1]);
            assertEquals(2, o.code(), String.join(" ", bad) + ": " + o.out() + o.err());
            assertTrue(o.err().startsWith("tdpscope: " + bad[0]), o.err());
            assertFalse(o.err().contains("Exception"), o.err());
        }
    }

    @Test
    void checkExpectationsInTheBlock(@TempDir Path dir) throws IOException {
        String text = Files.readString(EXAMPLES.resolve("use-after-free.tdp"));
        Path plain = dir.resolve("plain.tdp");
        Files.writeString(plain, text);
        Path checked = dir.resolve("checked.tdp");
        Files.writeString(checked, text.replace("  expect {", "  explore { check expectations }\n\n  expect {"));
        Outcome a = tdpscope("explore", plain.toString());
        Outcome b = tdpscope("explore", checked.toString());
        assertEquals(1, b.code(), b.out() + b.err());
        assertFalse(a.out().contains("expectations fail"), a.out());
        assertTrue(b.out().contains("expectations checked"), b.out());
        // interleavings where the walker does not use the freed root fail 'violation use-after-free'
        assertTrue(b.out().contains("expectations fail"), b.out());
        assertTrue(count(b.out(), "  BAD ") > count(a.out(), "  BAD "), a.out() + "\n---\n" + b.out());

        Outcome flag = tdpscope("explore", plain.toString(), "--expectations");
        assertEquals(count(b.out(), "  BAD "), count(flag.out(), "  BAD "), "the flag does what the block does");
    }

    @Test
    void aBadBlockIsPositioned(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.tdp");
        Files.writeString(f, Files.readString(LIVELOCK).replace("depth 24", "depth 0"));
        Outcome o = tdpscope("explore", f.toString());
        assertEquals(2, o.code(), o.out() + o.err());
        int line = Files.readString(LIVELOCK).substring(0, Files.readString(LIVELOCK).indexOf("depth 24")).split("\n",
                -1).length;
        assertTrue(o.err().contains("bad.tdp:" + line + ":11: error: "), o.err());
    }

    @Test
    void aSwarmSaysItIsNotExhaustiveAndRepeatsWithItsSeed() {
        String file = EXAMPLES.resolve("explore-restart-livelock.tdp").toString();
        Outcome a = tdpscope("explore", file, "--policy", "restart", "--swarm", "2", "--seed", "7", "--max-visits",
                "5000");
        assertEquals(1, a.code(), a.err());
        assertTrue(a.out().contains("swarm: 2 members") && a.out().contains("not exhaustive"), a.out());
        assertTrue(a.out().contains("W visited ["), "outcomes in the kernel's words: " + a.out());
        Outcome b = tdpscope("explore", file, "--policy", "restart", "--swarm", "2", "--seed", "7", "--max-visits",
                "5000");
        assertEquals(a.out().replaceAll("\\([0-9.]+ s\\)", ""), b.out().replaceAll("\\([0-9.]+ s\\)", ""),
                "the same seed and visit budget give the same result");
        Outcome noSwarm = tdpscope("explore", file, "--seed", "7");
        assertEquals(2, noSwarm.code());
        assertTrue(noSwarm.err().contains("--seed is the seed of a --swarm search"), noSwarm.err());
    }
}
