/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.emf.common.util.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.dsl.ide.server.BoundedFileSystemScanner;
import org.tdpscope.sim.Limits;

/**
 * The language server's workspace scan leaves out a file larger than a script may be, so a 100 MB file
 * in a workspace folder cannot keep {@code initialize} parsing for minutes.
 */
class LspWorkspaceScanTest {

    @Test
    void aFileLargerThanAScriptIsNotIndexed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("small.tdp"), "scenario \"s\" { }\n");
        try (RandomAccessFile big = new RandomAccessFile(dir.resolve("big.tdp").toFile(), "rw")) {
            big.setLength(Limits.MAX_SCRIPT_BYTES + 1L); // sparse: no 16 MiB written
        }
        List<String> seen = new ArrayList<>();
        com.google.inject.Guice.createInjector().getInstance(BoundedFileSystemScanner.class)
                .scan(URI.createFileURI(dir.toString()), u -> {
            if (u.lastSegment() != null && u.lastSegment().endsWith(".tdp")) { // folders are handed out too
                seen.add(u.lastSegment());
            }
        });
        assertEquals(List.of("small.tdp"), seen);
    }
}
