/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixed run the launcher records its class-data archive from: it must succeed on the seed example (a
 * failed training leaves every later command without the archive, silently) and leave no file behind.
 */
class ArchiveTrainingTest {

    @Test
    void runsTheSeedAndImportsItsKernelTracesLeavingNothingBehind() throws IOException {
        long before = trainingDirs();
        assertEquals(Main.OK, ArchiveTraining.train(MainTest.EXAMPLES.resolve("seed-terminate.tdp")));
        assertEquals(before, trainingDirs(), "its temporary directory is gone");
    }

    @Test
    void aScenarioThatDoesNotLoadFailsTheTraining(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.tdp"), "scenario \"x\" { vm { vcpu");
        long before = trainingDirs();
        assertNotEquals(Main.OK, ArchiveTraining.train(broken));
        assertEquals(before, trainingDirs());
    }

    private static long trainingDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("tdpscope-archive-training")).count();
        }
    }
}
