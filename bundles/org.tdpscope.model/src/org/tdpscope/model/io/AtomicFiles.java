/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * All-or-nothing file writes: content goes to a temporary file in the target's directory, which is
 * then moved over the target. A failure half way leaves the old file (or none), never half a file.
 */
public final class AtomicFiles {

    /** Produces the content; may throw. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * A temporary file is private (0600); the result should look like any file the user writes: the old file's
     * permissions when it is replaced, else rw-r--r-- (the usual umask). Not POSIX: left alone.
     */
    private static void permissionsOfANormalFile(Path tmp, Path target) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            permissionsOfANormalFile(tmp, abs);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
