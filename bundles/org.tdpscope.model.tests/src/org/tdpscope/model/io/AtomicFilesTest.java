/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    /** A diagram goes into documents others read: not the temporary file's owner-only mode. */
    @Test
    void newFilesAreReadableLikeAnyOtherAndReplacedFilesKeepTheirMode() throws IOException {
        Path f = dir.resolve("a.svg");
        AtomicFiles.write(f, out -> out.write("one".getBytes(StandardCharsets.UTF_8)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(f, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("two", Files.readString(f));
    }

    /** A writer that fails half way leaves the old content and no temporary file. */
    @Test
    void failureLeavesTheOldFile() throws IOException {
        Path f = dir.resolve("b.jsonl");
        Files.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
