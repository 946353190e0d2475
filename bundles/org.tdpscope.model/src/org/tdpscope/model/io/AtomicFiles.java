/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * All-or-nothing file writes. Content goes to a temporary file in the target's directory, named
 * {@code .NAME.tdpscope-tmp-PID}, which is then renamed over the target: a failure half way leaves
 * the old file (or none), never half a file, and removes the temporary. Only regular files are
 * replaced: a device, FIFO, socket, directory, symbolic link or read-only file in the target's place
 * is refused before anything is written. A temporary left by a killed process is removed by the
 * next write into its directory (when older than a minute and its process is gone).
 * {@link Batch} replaces several files together: all of them, or (on failure) none.
 * Every failure is a {@link WriteException} whose message says why in words.
 */
public final class AtomicFiles {

    /** Marks our temporaries: {@code .NAME.tdpscope-tmp-PID} (and {@code -N} for a second one of the same process). */
    public static final String TEMP_MARK = ".tdpscope-tmp-";
    /** Marks the hard links that keep the old files while a batch is replaced. */
    public static final String OLD_MARK = ".tdpscope-old-";
    private static final Pattern LEFT_OVER = Pattern.compile("^\\..+\\.tdpscope-(?:tmp|old)-([0-9]+)(?:-[0-9]+)?$");
    /** A temporary younger than this may belong to a process just started with a recycled PID: left alone. */
    static final long STALE_MILLIS = 60_000;
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger SERIAL = new AtomicInteger();
    /** Directories already cleaned by this process. */
    private static final Set<Path> CLEANED = ConcurrentHashMap.newKeySet();
    /** Temporaries of this process still on disk: removed by a shutdown hook when the JVM exits on a signal. */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (Path p : LIVE) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // exiting: the next run's cleanup gets it
                    }
                }
            }, "tdpscope-temporaries"));
        } catch (IllegalStateException | SecurityException e) {
            // already shutting down
        }
    }

    /** Produces the content; may throw. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A write that failed, with the reason in words as its message ("permission denied", "no space left on
     * device", "it is a FIFO (named pipe), not a regular file; ..."): callers print
     * {@code cannot write TARGET: MESSAGE}.
     */
    public static final class WriteException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Path target;

        public WriteException(Path target, String reason, Throwable cause) {
            super(reason, cause);
            this.target = target;
        }

        /** The file that was to be written. */
        public Path target() {
            return target;
        }
    }

    private AtomicFiles() {
    }

    /** Writes one file, all or nothing. */
    public static void write(Path target, Content content) throws IOException {
        try (Batch b = new Batch()) {
            b.stage(target, content);
            b.commit();
        }
    }

    /**
     * Fails, saying why, when {@code target} cannot be replaced by a regular file: something other than a
     * regular file is there, the file is read-only, or a parent is not a directory. Cheap: call it before a
     * long computation whose result goes there.
     */
    public static void checkTarget(Path target) throws WriteException {
        Path abs = target.toAbsolutePath();
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(abs, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            checkParents(abs);
            return;
        } catch (IOException e) {
            checkParents(abs); // ENOTDIR: say which parent
            throw new WriteException(target, reason(e, abs), e);
        }
        if (!a.isRegularFile()) {
            throw new WriteException(target, "it is " + kind(abs, a) + ", not a regular file; tdpscope replaces only"
                    + " regular files" + (a.isDirectory() ? "" : " (use '-' to write to standard output)"), null);
        }
        if (readOnly(abs)) {
            throw new WriteException(target, "the file is read-only; not replacing it (make it writable or remove it"
                    + " first)", null);
        }
        checkParents(abs);
    }

    /** Read-only by its mode (no write bit at all), or not writable by us; root passes the second test. */
    private static boolean readOnly(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (!p.contains(PosixFilePermission.OWNER_WRITE) && !p.contains(PosixFilePermission.GROUP_WRITE)
                    && !p.contains(PosixFilePermission.OTHERS_WRITE)) {
                return true;
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not POSIX: the access check below decides
        }
        return !Files.isWritable(file);
    }

    /** The nearest existing ancestor must be a directory (else "X is not a directory"). */
    private static void checkParents(Path abs) throws WriteException {
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
                if (!Files.isDirectory(p)) {
                    throw new WriteException(abs, p + " is not a directory", null);
                }
                return;
            }
        }
    }

    /** "a symbolic link (to /proc/self/fd/1)", "a character device", "a FIFO (named pipe)", ... */
    static String kind(Path p, BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            try {
                return "a symbolic link (to " + Files.readSymbolicLink(p) + ")";
            } catch (IOException e) {
                return "a symbolic link";
            }
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        try {
            int type = ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000;
            switch (type) {
            case 0010000:
                return "a FIFO (named pipe)";
            case 0020000:
                return "a character device";
            case 0060000:
                return "a block device";
            case 0140000:
                return "a socket";
            default:
                break;
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException | ClassCastException e) {
            // no unix view
        }
        return "a special file";
    }

    /**
     * The reason of an I/O failure in words: the operating system's reason (permission denied, no space left
     * on device, file too large, read-only file system), never just a path.
     */
    public static String reason(Throwable e, Path target) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            e = u.getCause();
        }
        if (e instanceof WriteException) {
            return e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException nd) {
            return nd.getFile() + " is not a directory";
        }
        if (e instanceof FileAlreadyExistsException fe) {
            return fe.getFile() + " is in the way (not a directory)";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return words(fse.getReason()); // getMessage() would repeat the paths
        }
        if (e instanceof NoSuchFileException nf) {
            String f = nf.getFile();
            if (f != null && f.contains(TEMP_MARK)) { // our temporary beside the target: its folder takes no file
                Path dir = Path.of(f).getParent();
                return "cannot create a file in " + (dir == null ? "its folder" : dir);
            }
            return "no such file or directory: " + f;
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return words(m);
    }

    /** "No space left on device" → "no space left on device"; the file-size limit named as such. */
    private static String words(String osReason) {
        String r = osReason.isEmpty() ? osReason
                : Character.toLowerCase(osReason.charAt(0)) + osReason.substring(1);
        if (r.startsWith("file too large")) {
            return r + " (the file-size limit, ulimit -f, or the file system's)";
        }
        return r;
    }

    /**
     * Removes, from {@code dir}, the temporaries of processes that are gone (a kill -9 during a write), when
     * older than a minute; once per directory and process. Returns how many were removed.
     */
    public static int cleanLeftovers(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!CLEANED.add(abs)) {
            return 0;
        }
        return cleanLeftovers(abs, System.currentTimeMillis() - STALE_MILLIS);
    }

    static int cleanLeftovers(Path dir, long olderThanMillis) {
        int removed = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tdpscope-*")) {
            for (Path p : s) {
                Matcher m = LEFT_OVER.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    FileTime t = a.lastModifiedTime();
                    if (a.isRegularFile() && t.toMillis() < olderThanMillis && pid != PID
                            && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
                        Files.deleteIfExists(p);
                        removed++;
                    }
                } catch (IOException e) {
                    // another process cleaned it, or we may not: leave it
                }
            }
        } catch (IOException e) {
            // an unreadable directory: the write itself will say why
        }
        return removed;
    }

    /**
     * Several files replaced together: {@link #stage} writes each to its temporary (nothing is replaced yet),
     * {@link #commit} renames them all over their targets; if a rename fails, the targets already replaced
     * get their old content back. Closing without committing removes the temporaries and keeps every old
     * file.
     */
    public static final class Batch implements AutoCloseable {
        private final Map<Path, Path> staged = new LinkedHashMap<>(); // target -> temporary
        private boolean committed;

        /** Writes {@code content} to a temporary beside {@code target}; fails, saying why, leaving nothing. */
        public void stage(Path target, Content content) throws WriteException {
            Path abs = target.toAbsolutePath();
            checkTarget(target);
            Path dir = abs.getParent();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new WriteException(target, reason(e, abs), e);
            }
            cleanLeftovers(dir);
            Path tmp = temporary(abs);
            LIVE.add(tmp);
            boolean ok = false;
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                    content.writeTo(out);
                    out.flush();
                    ch.force(false); // the data is on disk before the rename makes it the file
                }
                permissionsOfANormalFile(tmp, abs);
                Path before = staged.put(abs, tmp);
                if (before != null) {
                    delete(before);
                }
                ok = true;
            } catch (IOException | UncheckedIOException e) {
                throw new WriteException(target, reason(e, abs), e);
            } finally {
                if (!ok) {
                    delete(tmp);
                }
            }
        }

        /** The files staged so far, in order. */
        public List<Path> targets() {
            return List.copyOf(staged.keySet());
        }

        /**
         * Replaces every staged target. On failure: the old files are kept (the message says so), or, when
         * they could not all be restored, the message names the files that hold the new content.
         */
        public List<Path> commit() throws WriteException {
            List<Path> targets = new ArrayList<>(staged.keySet());
            Map<Path, Path> olds = new LinkedHashMap<>(); // target -> hard link to its old content
            List<Path> done = new ArrayList<>();
            try {
                if (targets.size() > 1) {
                    // keep each old file reachable, so a failure half way can put it back
                    for (Path t : targets) {
                        if (Files.isRegularFile(t, LinkOption.NOFOLLOW_LINKS)) {
                            Path old = sibling(t, OLD_MARK);
                            LIVE.add(old);
                            try {
                                Files.createLink(old, t);
                            } catch (UnsupportedOperationException | IOException e) {
                                Files.copy(t, old, StandardCopyOption.COPY_ATTRIBUTES);
                            }
                            olds.put(t, old);
                        }
                    }
                }
                for (Path t : targets) {
                    checkTarget(t); // it may have changed while the content was computed
                    move(staged.get(t), t);
                    LIVE.remove(staged.get(t));
                    done.add(t);
                }
                committed = true;
                return targets;
            } catch (IOException | UncheckedIOException e) {
                Path failed = targets.get(done.size());
                String why = reason(e, failed);
                List<Path> notRestored = new ArrayList<>();
                for (Path t : done) {
                    Path old = olds.get(t);
                    try {
                        if (old != null) {
                            move(old, t);
                        } else {
                            Files.deleteIfExists(t); // it did not exist before
                        }
                    } catch (IOException x) {
                        notRestored.add(t);
                    }
                }
                String which = targets.size() == 1 ? ""
                        : notRestored.isEmpty() ? "; none of the " + targets.size() + " files was replaced (the old ones"
                                + " are kept)"
                                : "; these files hold the new run, the others the old one: " + notRestored;
                throw new WriteException(failed, why + which, e);
            } finally {
                for (Path old : olds.values()) {
                    delete(old);
                }
            }
        }

        /** Removes the temporaries not committed: the old files stay. */
        @Override
        public void close() {
            for (Path tmp : staged.values()) {
                delete(tmp);
            }
            staged.clear();
        }

        /** Whether {@link #commit} succeeded. */
        public boolean committed() {
            return committed;
        }
    }

    private static Path temporary(Path abs) {
        return sibling(abs, TEMP_MARK);
    }

    private static Path sibling(Path abs, String mark) {
        Path p = abs.resolveSibling("." + abs.getFileName() + mark + PID);
        while (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            p = abs.resolveSibling("." + abs.getFileName() + mark + PID + "-" + SERIAL.incrementAndGet());
        }
        return p;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left for the next run's cleanup
        }
        LIVE.remove(p);
    }

    /**
     * A temporary file is created with the process's umask; the result should look like any file the user
     * writes: the old file's permissions when it is replaced, else rw-r--r--. Not POSIX: left alone.
     */
    private static void permissionsOfANormalFile(Path tmp, Path target) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                    ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }
}
