/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A whole import for the views: the reconstruction (tables, SPTEs, inferred roots, fast zaps, lanes)
 * and the timeline of every event, read in one streaming pass. Cancelling keeps what was read so far
 * and says where it stopped.
 */
public final class ImportedTrace {

    /** Told every few thousand events; answering false stops the import there. */
    public interface Progress {
        boolean keepGoing(long bytesRead, long events);
    }

    private static final int PROGRESS_EVERY = 1 << 14;

    private final Path file;
    private final boolean viaTraceCmd;
    private final long size;
    private final TraceReconstruction reconstruction;
    private final TraceTimeline timeline;
    private final long stoppedAtLine;
    private final int reportStatus;
    /** Line starts known: each block of a parallel import, then those look-ups passed. */
    private final LineMarks marks;

    private ImportedTrace(Path file, boolean viaTraceCmd, long size, TraceReconstruction reconstruction,
            TraceTimeline timeline, long stoppedAtLine, int reportStatus, LineMarks marks) {
        this.file = file;
        this.viaTraceCmd = viaTraceCmd;
        this.size = size;
        this.reconstruction = reconstruction;
        this.timeline = timeline;
        this.stoppedAtLine = stoppedAtLine;
        this.reportStatus = reportStatus;
        this.marks = marks;
    }

    /**
     * Reads {@code file} (text, or a trace.dat through trace-cmd).
     *
     * @throws IOException with a message for the user (missing file, trace-cmd not installed, read error)
     */
    public static ImportedTrace read(Path file, Progress progress) throws IOException {
        try (TraceSource source = TraceSource.open(file); EventStream reader = source.events()) {
            TraceReconstruction rec = new TraceReconstruction(reader.diagnostics());
            TraceTimeline timeline = new TraceTimeline();
            long stopped = 0;
            long n = 0;
            for (TraceEvent e = reader.next(); e != null; e = reader.next()) {
                rec.accept(e);
                timeline.add(e);
                if (++n % PROGRESS_EVERY == 0 && progress != null && !progress.keepGoing(source.bytesRead(), n)) {
                    stopped = e.line();
                    break;
                }
            }
            timeline.finish();
            int status = 0;
            if (stopped == 0) {
                try {
                    status = source.waitForReport();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
            // a parallel import knows where each of its blocks starts: a click on a record near the end of a
            // 1 GiB trace then reads at most a block, not the whole file up to it on the UI thread
            LineMarks marks = reader instanceof ParallelTraceReader p ? p.lineMarks() : new LineMarks();
            return new ImportedTrace(file, source.viaTraceCmd(), source.size(), rec, timeline, stopped, status,
                    marks);
        }
    }

    public Path file() {
        return file;
    }

    /** Whether line numbers count lines of {@code trace-cmd report}'s output (a trace.dat). */
    public boolean viaTraceCmd() {
        return viaTraceCmd;
    }

    public long size() {
        return size;
    }

    public TraceReconstruction reconstruction() {
        return reconstruction;
    }

    public TraceTimeline timeline() {
        return timeline;
    }

    public TraceDiagnostics diagnostics() {
        return reconstruction.diagnostics();
    }

    /** Line where a cancelled import stopped (what is shown is the trace up to it), 0 if it read everything. */
    public long stoppedAtLine() {
        return stoppedAtLine;
    }

    /** trace-cmd report's exit status for a trace.dat (0 otherwise). */
    public int reportStatus() {
        return reportStatus;
    }

    /** The text of a line of the trace, or a sentence saying why it cannot be shown. */
    public String lineText(long line) {
        if (viaTraceCmd) {
            return "(line " + line + " of 'trace-cmd report' output; run it to see the text)";
        }
        try {
            String t = TraceSource.line(file, line);
            return t == null ? "(no line " + line + ": the file changed since the import)" : t;
        } catch (IOException e) {
            return "(cannot read " + file.getFileName() + ": " + e.getMessage() + ")";
        }
    }

    /**
     * One record as the reader read it: its first physical line, the lines a mail wrapped it over joined
     * with one space as the reader joined them to parse it, and the functions of its {@code <stack trace>}.
     *
     * @param line     the record's first physical line
     * @param lastLine its last physical line, stack lines included
     * @param joined   physical lines joined into {@code text} (1 when the record was not wrapped)
     * @param text     the record's text, or a sentence saying why it cannot be shown
     * @param stack    the functions of its {@code <stack trace>}, innermost first; empty if none
     */
    public record Record(long line, long lastLine, int joined, String text, List<String> stack) {
    }

    /** Physical lines read for one record at most: the first, the wrapped ones, and a deep stack. */
    private static final int RECORD_LINES = 1024;
    /** Bytes read for one record at most. */
    private static final int RECORD_BYTES = 1 << 20;
    /** Lines between two line starts a look-up remembers beyond the last known one. */
    private static final long MARK_EVERY = 1 << 16;
    /** Bytes the last look-up of a line start read (tests: a far line is found without reading up to it). */
    long lastLookupBytes;

    /**
     * The record whose first physical line is {@code line}, read again from the file and parsed as the
     * import parsed it (the views keep line numbers, not records: a 10 M-event import must stay small).
     * A line that starts no record is returned alone, without stack.
     */
    public synchronized Record record(long line) {
        if (viaTraceCmd) {
            return new Record(line, line, 1, lineText(line), List.of());
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long start = lineStart(ch, line);
            if (start < 0) {
                return new Record(line, line, 1, "(no line " + line + ": the file changed since the import)",
                        List.of());
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(0, Math.min(RECORD_BYTES, ch.size() - start)));
            ch.position(start);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // until the buffer is full or the file ends
            }
            byte[] bytes = Arrays.copyOf(buf.array(), buf.position());
            List<String> lines = new ArrayList<>();
            int end = splitLines(bytes, lines);
            TraceReader reader = new TraceReader(new ByteArrayInputStream(bytes, 0, end), line, false);
            TraceEvent e = reader.next();
            if (e == null || e.line() != line) {
                return new Record(line, line, 1, lines.isEmpty() ? "" : lines.get(0), List.of());
            }
            // the reader counted this record's lines only: it stops at the line that ends it
            TraceDiagnostics d = reader.diagnostics();
            int joined = (int) Math.min(lines.size(), 1 + d.continuationLines());
            int all = (int) Math.min(lines.size(), joined + d.stackLines());
            StringBuilder text = new StringBuilder(lines.get(0).strip());
            for (int k = 1; k < joined; k++) {
                text.append(' ').append(unquote(lines.get(k)).strip());
            }
            return new Record(line, line + Math.max(1, all) - 1, joined, text.toString(), e.prefix().stack());
        } catch (IOException x) {
            return new Record(line, line, 1, "(cannot read " + file.getFileName() + ": " + x.getMessage() + ")",
                    List.of());
        }
    }

    /**
     * Byte offset where physical line {@code line} starts, lines ending in LF, CRLF or CR as the reader
     * counts them; -1 past the end. Starts from the nearest line start remembered before it.
     */
    private long lineStart(FileChannel ch, long line) throws IOException {
        if (line < 1) {
            return -1;
        }
        long[] mark = marks.floor(line);
        long current = mark[0];
        long start = mark[1];
        long from = start;
        ch.position(start);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long off = start;
        boolean cr = false;
        while (ch.read(buf) > 0) {
            buf.flip();
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (cr && b == '\n') { // the LF of a CRLF: the line starts after it
                    cr = false;
                    start = ++off;
                    continue;
                }
                cr = false;
                if (current == line) {
                    lastLookupBytes = off - from;
                    return start;
                }
                if (off == start && current >= marks.lastLine() + MARK_EVERY) {
                    marks.add(current, start);
                }
                if (b == '\n' || b == '\r') {
                    current++;
                    start = off + 1;
                    cr = b == '\r';
                }
                off++;
            }
            buf.clear();
        }
        lastLookupBytes = off - from;
        return current == line && start < off ? start : -1;
    }

    /**
     * Splits {@code bytes} into at most {@link #RECORD_LINES} lines (LF, CRLF, CR) and returns the length
     * of the bytes they cover.
     */
    private static int splitLines(byte[] bytes, List<String> out) {
        int s = 0;
        int i = 0;
        while (i < bytes.length && out.size() < RECORD_LINES) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                out.add(new String(bytes, s, i - s, StandardCharsets.UTF_8));
                if (b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    i++;
                }
                s = ++i;
            } else {
                i++;
            }
        }
        if (s < i && out.size() < RECORD_LINES) { // the last line has no terminator
            out.add(new String(bytes, s, i - s, StandardCharsets.UTF_8));
            s = i;
        }
        return s;
    }

    /** A mail's {@code > } quoting taken off a wrapped line, as the reader takes it off. */
    private static String unquote(String s) {
        int j = 0;
        while (j < s.length() && s.charAt(j) == '>') {
            j++;
            if (j < s.length() && s.charAt(j) == ' ') {
                j++;
            }
        }
        return s.substring(j);
    }
}
