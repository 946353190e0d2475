/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.IOException;
import java.nio.file.Path;

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

    private ImportedTrace(Path file, boolean viaTraceCmd, long size, TraceReconstruction reconstruction,
            TraceTimeline timeline, long stoppedAtLine, int reportStatus) {
        this.file = file;
        this.viaTraceCmd = viaTraceCmd;
        this.size = size;
        this.reconstruction = reconstruction;
        this.timeline = timeline;
        this.stoppedAtLine = stoppedAtLine;
        this.reportStatus = reportStatus;
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
            return new ImportedTrace(file, source.viaTraceCmd(), source.size(), rec, timeline, stopped, status);
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
}
