/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where trace text comes from: a text file as it is, or a binary {@code trace.dat} through
 * {@code trace-cmd report}. Counts the bytes read so an import can show its progress, and finds the
 * text of a line again for "who set this SPTE?" without keeping the file in memory.
 */
public final class TraceSource implements AutoCloseable {

    /** The first bytes of a binary {@code trace.dat}. */
    private static final byte[] DAT_MAGIC = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

    /** Text files at least this large are parsed on several cores. */
    static final long PARALLEL_FROM = 16L << 20;

    private final Path file;
    private final long size;
    private final Process report;
    private Counting in; // opened on first use
    private ParallelTraceReader parallel;

    private TraceSource(Path file, long size, Process report, InputStream raw) {
        this.file = file;
        this.size = size;
        this.report = report;
        this.in = raw == null ? null : new Counting(raw);
    }

    /**
     * Opens {@code file}; a {@code trace.dat} goes through {@code trace-cmd report}.
     *
     * @throws IOException with a message for the user when the file is missing, or is a trace.dat and
     *                     trace-cmd is not installed
     */
    public static TraceSource open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": a directory, not a trace file");
        }
        if (!Files.exists(file)) {
            throw new IOException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) { // a pipe, /dev/stdin, a process substitution: read once, as it comes
            return of(Files.newInputStream(file), file);
        }
        long size = Files.size(file);
        if (isTraceDat(file)) {
            Process p;
            try {
                p = new ProcessBuilder("trace-cmd", "report", "-i", file.toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new IOException(file + " is a binary trace.dat; reading it needs trace-cmd (Debian package "
                        + "trace-cmd), which is not installed. Install it, or run 'trace-cmd report -i "
                        + file.getFileName() + " > trace.txt' where it is and import the text.");
            }
            return new TraceSource(file, size, p, p.getInputStream());
        }
        return new TraceSource(file, size, null, null);
    }

    /**
     * The text trace read from {@code in} (standard input, a pipe), sequentially; {@code name} names it. A
     * {@code trace.dat} cannot come this way: trace-cmd reads one from a file.
     */
    public static TraceSource of(InputStream in, Path name) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(DAT_MAGIC.length);
        byte[] head = buffered.readNBytes(DAT_MAGIC.length);
        buffered.reset();
        if (Arrays.equals(head, DAT_MAGIC)) {
            throw new IOException(name + " is a binary trace.dat, which trace-cmd reads only from a file: save it to "
                    + "one and import that");
        }
        return new TraceSource(name, 0, null, buffered);
    }

    public static boolean isTraceDat(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(DAT_MAGIC.length), DAT_MAGIC);
        }
    }

    /** The text stream (trace-cmd's output for a trace.dat). */
    public InputStream stream() throws IOException {
        if (in == null) {
            in = new Counting(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        }
        return in;
    }

    /** A sequential reader over {@link #stream()}. */
    public TraceReader reader() throws IOException {
        return TraceReader.of(stream());
    }

    /**
     * The events, parsed on several cores for a large text file ({@link ParallelTraceReader}, the same
     * events and diagnostics as a sequential read), else by one {@link TraceReader}.
     */
    public EventStream events() throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        if (report == null && in == null && size >= PARALLEL_FROM && cores > 1) {
            parallel = ParallelTraceReader.open(file, Math.min(cores, 4));
            return parallel;
        }
        return reader();
    }

    /** Whether line numbers are lines of trace-cmd's output rather than of the file. */
    public boolean viaTraceCmd() {
        return report != null;
    }

    /** Size of the file on disk. */
    public long size() {
        return size;
    }

    /**
     * Bytes read so far; for a trace.dat, text bytes of trace-cmd's output (a progress bar then shows
     * them against the file's size, which is only an estimate).
     */
    public long bytesRead() {
        return parallel != null ? parallel.bytesRead() : in == null ? 0 : in.count;
    }

    public Path file() {
        return file;
    }

    /** trace-cmd's exit status after the stream ended, or 0 for a text file. */
    public int waitForReport() throws InterruptedException {
        return report == null ? 0 : report.waitFor();
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
        if (parallel != null) {
            parallel.close();
        }
        if (report != null) {
            // its output is closed: trace-cmd ends (SIGPIPE if it was still writing); never left running
            try {
                if (!report.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                    report.destroyForcibly();
                }
            } catch (InterruptedException e) {
                report.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The text of physical line {@code lineNo} (1-based) of a text trace, lines ending in LF, CRLF or CR as
     * the reader counts them; at most {@code TraceReader.MAX_LINE} characters. Null past the end.
     */
    public static String line(Path file, long lineNo) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long current = 1;
            boolean cr = false;
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            while (ch.read(buf) > 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (cr) {
                        cr = false;
                        if (b == '\n') {
                            continue;
                        }
                    }
                    if (b == '\n' || b == '\r') {
                        if (current == lineNo) {
                            return text.toString(StandardCharsets.UTF_8);
                        }
                        current++;
                        cr = b == '\r';
                    } else if (current == lineNo && text.size() < TraceReader.MAX_LINE) {
                        text.write(b);
                    }
                }
                buf.clear();
            }
            return current == lineNo && text.size() > 0 ? text.toString(StandardCharsets.UTF_8) : null;
        }
    }

    private static final class Counting extends FilterInputStream {
        volatile long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
