/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

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

    private static AtomicFiles.Content text(String t) {
        return out -> out.write(t.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int mkfifo(Path p) throws IOException, InterruptedException {
        return new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor();
    }

    /** A FIFO, a device, a directory, a symbolic link: each refused by what it is, and left as it was. */
    @Test
    void specialFilesAreRefusedByName() throws IOException, InterruptedException {
        Path fifo = dir.resolve("pipe.jsonl");
        assertEquals(0, mkfifo(fifo), "mkfifo");
        AtomicFiles.WriteException e = assertThrows(AtomicFiles.WriteException.class, () -> AtomicFiles.write(fifo,
                text("x")));
        assertTrue(e.getMessage().startsWith("it is a FIFO (named pipe), not a regular file"), e.getMessage());
        assertTrue(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther(), "still a FIFO");

        e = assertThrows(AtomicFiles.WriteException.class, () -> AtomicFiles.write(Path.of("/dev/null"), text("x")));
        assertTrue(e.getMessage().startsWith("it is a character device"), e.getMessage());
        assertTrue(e.getMessage().contains("use '-' to write to standard output"), e.getMessage());

        Path sub = Files.createDirectory(dir.resolve("sub.svg"));
        e = assertThrows(AtomicFiles.WriteException.class, () -> AtomicFiles.write(sub, text("x")));
        assertTrue(e.getMessage().startsWith("it is a directory"), e.getMessage());

        Path real = dir.resolve("real.txt");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real);
        e = assertThrows(AtomicFiles.WriteException.class, () -> AtomicFiles.write(link, text("new")));
        assertTrue(e.getMessage().startsWith("it is a symbolic link (to " + real + ")"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("old", Files.readString(real));
        assertEquals(List.of("link.txt", "pipe.jsonl", "real.txt", "sub.svg"), names(), "no temporary left");
    }

    /** A read-only file is kept (by its mode, so also when the tests run as root). */
    @Test
    void readOnlyFilesAreKept() throws IOException {
        Path f = dir.resolve("ro.txt");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        AtomicFiles.WriteException e = assertThrows(AtomicFiles.WriteException.class, () -> AtomicFiles.write(f,
                text("new")));
        assertTrue(e.getMessage().startsWith("the file is read-only"), e.getMessage());
        assertEquals("old", Files.readString(f));
    }

    /** A file where a folder should be: "X is not a directory", not the temporary's path. */
    @Test
    void aParentThatIsAFileIsNamed() throws IOException {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        AtomicFiles.WriteException e = assertThrows(AtomicFiles.WriteException.class, () -> AtomicFiles.write(
                blocker.resolve("deeper/t.jsonl"), text("x")));
        assertEquals(blocker.toAbsolutePath() + " is not a directory", e.getMessage());
    }

    /** The reasons of the operating system, in words. */
    @Test
    void reasonsInWords() {
        assertEquals("no space left on device", AtomicFiles.reason(new IOException("No space left on device"), null));
        assertTrue(AtomicFiles.reason(new IOException("File too large"), null).startsWith("file too large (the"
                + " file-size limit"));
        assertEquals("permission denied", AtomicFiles.reason(new java.nio.file.AccessDeniedException("/x/.t"), null));
        assertEquals("read-only file system", AtomicFiles.reason(new java.nio.file.FileSystemException("/x", null,
                "Read-only file system"), null));
    }

    /** A full disk while writing: the reason, the old file, no temporary (a 1 MB write to /dev/full's kind). */
    @Test
    void aWriteFailingHalfWayKeepsTheOldFileAndSaysWhy() throws IOException {
        Path f = dir.resolve("big.jsonl");
        Files.writeString(f, "old");
        AtomicFiles.WriteException e = assertThrows(AtomicFiles.WriteException.class, () -> AtomicFiles.write(f,
                out -> {
                    out.write(new byte[1 << 20]);
                    throw new IOException("No space left on device");
                }));
        assertEquals("no space left on device", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("big.jsonl"), names());
    }

    /** The temporary is named after the target and this process: recognizably ours. */
    @Test
    void theTemporaryIsNamedAfterTheTargetAndTheProcess() throws IOException {
        Path f = dir.resolve("t.jsonl");
        String[] seen = new String[1];
        AtomicFiles.write(f, out -> {
            try (Stream<Path> s = Files.list(dir)) {
                seen[0] = s.map(p -> p.getFileName().toString()).findFirst().orElse(null);
            }
            out.write('x');
        });
        assertEquals(".t.jsonl.tdpscope-tmp-" + ProcessHandle.current().pid(), seen[0]);
    }

    /**
     * Temporaries a kill left are removed by the next write into the folder, when their process is gone and
     * they are older than a minute; a live process's, a young one's and other files stay.
     */
    @Test
    void leftoversOfDeadProcessesAreCleaned() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        long live = ProcessHandle.current().pid();
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 5 * 60_000);
        Path stale = Files.writeString(dir.resolve(".t.jsonl.tdpscope-tmp-" + dead), "half");
        Path staleOld = Files.writeString(dir.resolve(".a.svg.tdpscope-old-" + dead + "-3"), "old");
        Path young = Files.writeString(dir.resolve(".u.jsonl.tdpscope-tmp-" + dead), "half");
        Path ours = Files.writeString(dir.resolve(".v.jsonl.tdpscope-tmp-" + live), "half");
        Path other = Files.writeString(dir.resolve(".w.jsonl.tmp"), "someone else's");
        for (Path x : List.of(stale, staleOld, ours, other)) {
            Files.setLastModifiedTime(x, old);
        }
        AtomicFiles.write(dir.resolve("t.jsonl"), text("new"));
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleOld));
        assertTrue(Files.exists(young) && Files.exists(ours) && Files.exists(other));
        assertEquals("new", Files.readString(dir.resolve("t.jsonl")));
    }

    /** A batch replaces all its files, or, when one fails, none: the old ones come back. */
    @Test
    void aBatchReplacesAllOrNone() throws IOException {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Files.writeString(a, "old a");
        Files.writeString(b, "old b");
        try (AtomicFiles.Batch batch = new AtomicFiles.Batch()) {
            batch.stage(a, text("new a"));
            batch.stage(b, text("new b"));
            assertEquals("old a", Files.readString(a), "nothing replaced before the commit");
            // b turns into something we may not replace while the run went on
            Files.delete(b);
            Files.createDirectory(b);
            AtomicFiles.WriteException e = assertThrows(AtomicFiles.WriteException.class, batch::commit);
            assertTrue(e.getMessage().contains("it is a directory"), e.getMessage());
            assertTrue(e.getMessage().contains("none of the 2 files was replaced (the old ones are kept)"),
                    e.getMessage());
        }
        assertEquals("old a", Files.readString(a), "a put back");
        assertEquals(List.of("a.jsonl", "b.jsonl"), names(), "no temporary, no old copy left");

        Files.delete(b);
        try (AtomicFiles.Batch batch = new AtomicFiles.Batch()) {
            batch.stage(a, text("new a"));
            batch.stage(b, text("new b"));
            batch.commit();
        }
        assertEquals("new a", Files.readString(a));
        assertEquals("new b", Files.readString(b));
        try (AtomicFiles.Batch batch = new AtomicFiles.Batch()) {
            batch.stage(a, text("newer a"));
            // closed without a commit: the old files stay
        }
        assertEquals("new a", Files.readString(a));
        assertEquals(List.of("a.jsonl", "b.jsonl"), names());
    }
}
