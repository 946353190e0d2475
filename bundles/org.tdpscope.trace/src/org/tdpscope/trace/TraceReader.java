/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams KVM MMU trace text and returns one {@link TraceEvent} per record. The shape is detected per
 * line, so a file may mix them (FORMATS.md section 1):
 * <ul>
 * <li>tracefs {@code trace} / {@code trace_pipe}, with or without the {@code #} header, with 4- or
 * 5-character latency flags or none, with or without the {@code (tgid)} column;</li>
 * <li>{@code <stack trace>} records: their {@code =>} lines are attached to the event before them;</li>
 * <li>{@code trace-cmd report}: padded event names, {@code cpus=N}, {@code CPU n is empty} and
 * {@code version =} headers, the plugin's texts (decoded by {@link EventParser});</li>
 * <li>{@code perf script}: {@code comm pid [cpu] ts: kvmmmu:event: payload};</li>
 * <li>mail copies: records wrapped over several lines (joined with one space), {@code --}, {@code ...},
 * {@code ....} gaps, {@code > } quoting, CRLF.</li>
 * </ul>
 * Input is UTF-8 with malformed bytes replaced. Nothing in the input makes the reader throw: lines it
 * cannot use, unknown events, timestamps going backwards and lost-event notes are counted in
 * {@link #diagnostics()} with their line numbers.
 *
 * <p>Speed: the reader works on bytes. A line of printable ASCII in the shape of an event (nearly every
 * line of a real trace) is read in place: prefix and, for the frequent events, payload fields straight
 * from the bytes ({@link BytePayloads}), without a String for the line: the part before the timestamp
 * (task, CPU, flags) is found in a small cache of the heads seen, event names, tasks and flags are
 * compared as 64-bit words, numbers are read eight digits at a time, and a one-line record becomes its
 * event at once (a {@code Pending} record is made only when stack, wrapped or gap lines follow). Any
 * other line is decoded and goes the general way; both give the same events.
 *
 * <p>Memory: the reader holds one 64 KiB block of bytes (more only for a longer line) and the record
 * being assembled (a record stays open until the next one starts, because wrapped lines and stack lines
 * may still follow). It splits lines itself instead of using {@code BufferedReader.readLine()}, which
 * would buffer a newline-free binary file whole; lines longer than {@link #MAX_LINE} characters are cut
 * and counted as unparsed.
 */
public final class TraceReader implements EventStream {

    /** Longest line kept; the rest of a longer line is skipped. */
    public static final int MAX_LINE = 1 << 16;
    /** Lines joined onto one record at most (mail clients split records into 2-3 lines). */
    private static final int MAX_CONTINUATION = 4;
    /** Bytes kept of an overlong line: UTF-8 needs at most 3 bytes per character, so MAX_LINE of them fit. */
    private static final int LONG_KEEP = 3 * MAX_LINE + 8;

    private static final int NONE = 0;
    private static final int PARTIAL = 1;
    private static final int EVENT = 2;
    private static final int MARKER = 3;

    private static final Pattern TRACE_CMD_HEADER = Pattern.compile("cpus=\\d+|CPU \\d+ is empty|version = .*");
    /** tracefs {@code CPU:3 [LOST 12 EVENTS]}, trace-cmd {@code CPU:3 [12 EVENTS DROPPED]}. */
    private static final Pattern LOST = Pattern.compile("CPU:? ?\\d+ \\[(?:LOST (\\d+) EVENTS|(\\d+) EVENTS DROPPED)\\]");
    private static final long[] POW10 = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
            1_000_000_000 };

    private final InputStream in; // null: the whole input is in bb (a block of a parallel read)
    private byte[] bb;
    private int pos;
    private int lim;
    private boolean eof;
    private boolean skipLf;
    // the line read last: bb[ls, le) and what readLine() saw in it
    private int ls;
    private int le;
    private boolean latin; // no byte above 0x7f
    private boolean tooLong;
    private boolean control;
    private boolean nul;
    private String decoded; // the line as text when it has non-ASCII bytes
    private long lineNo;

    private final TraceDiagnostics diag = new TraceDiagnostics();
    private TraceEvent ready; // a line completes at most one record
    private Pending pending;
    // The open record of the fast way, already an event: nearly every record is one line, so it is handed
    // on as it is when the next record starts; a stack, wrapped or gap line first turns it into a Pending.
    private TraceEvent open;
    private int openPs; // its payload is bb[openPs, openPe) while the line is in bb
    private int openPe;
    private long lastTs = Long.MIN_VALUE;
    private long lastTsLine;

    // Result of the last scanPrefix() call; reused to keep the per-line garbage low.
    private String fComm;
    private int fPid;
    private int fTgid;
    private int fCpu;
    private String fFlags;
    private long fTs;
    private String fName;
    private int fKind; // BytePayloads kind of fName (byte lines only)
    private String fLine;
    private int fPs;
    private int fPe;
    private Prefix.Shape fShape;

    // Tiny caches: consecutive records mostly repeat comm, flags and event names.
    private final String[] names = new String[32];
    private String lastComm = "";
    private final String[] flagsSeen = new String[8];
    // the same for lines read from bytes, compared as words
    private final ByteStrings byteNames = new ByteStrings(32);
    private final ByteStrings byteComms = new ByteStrings(64);
    private final ByteStrings byteFlags = new ByteStrings(16);
    private final BytePayloads payloads = new BytePayloads();

    /** Whether each event's timestamp is checked against the one before (off in a block of a parallel read). */
    private final boolean checkTimestamps;

    /** A reader of text; it is read as UTF-8 bytes (a lone surrogate becomes '?'). */
    public TraceReader(Reader in) {
        this(new Utf8Stream(in), 1, true);
    }

    /** A reader of a stream of a file whose first line is line {@code firstLine}. */
    TraceReader(InputStream in, long firstLine, boolean checkTimestamps) {
        this.in = in;
        this.bb = new byte[1 << 16];
        this.lineNo = firstLine - 1;
        this.checkTimestamps = checkTimestamps;
    }

    /** A reader of {@code data[0, len)}, a block of a file whose first line is line {@code firstLine}. */
    TraceReader(byte[] data, int len, long firstLine, boolean checkTimestamps) {
        this.in = null;
        this.bb = data;
        this.lim = len;
        this.eof = true;
        this.lineNo = firstLine - 1;
        this.checkTimestamps = checkTimestamps;
    }

    // The line index of a block (indexLines()): per line, where it ends, with what readLine() would find in it.
    private static final int END = (1 << 28) - 1;
    private static final int HIGH_BYTES = 1 << 28;
    private static final int CONTROL_BYTES = 1 << 29;
    private static final int NUL_BYTES = 1 << 30;
    private int[] lineEnds;
    private int lineCount;
    private int lineAt;

    /**
     * Finds the lines of a block before it is parsed, in one pass: where each ends and whether it holds
     * non-ASCII, control or NUL bytes, as {@link #readLine()} would find them, which then only looks them
     * up. A parallel read learns a block's line count so, early, and numbers the next block's lines
     * without a pass of its own. Returns the number of lines (a last one without terminator included).
     */
    int indexLines() {
        if (in != null || lim - pos > END) {
            return -1; // only for blocks; a larger one is read the usual way
        }
        byte[] b = bb;
        int n = lim;
        int[] ends = new int[Math.max(16, (n - pos) / 96)];
        int count = 0;
        int flags = 0;
        int start = pos;
        int i = pos;
        while (i < n) {
            // as in readLine: sixteen, then eight bytes at a time while they are printable ASCII
            if (i + 16 <= n) {
                long w = (long) ByteStrings.LONGS.get(b, i);
                long v = (long) ByteStrings.LONGS.get(b, i + 8);
                long odd = (w - 0x2020202020202020L | w | w + 0x0101010101010101L)
                        | (v - 0x2020202020202020L | v | v + 0x0101010101010101L);
                if ((odd & 0x8080808080808080L) == 0) {
                    i += 16;
                    continue;
                }
            }
            if (i + 8 <= n) {
                long w = (long) ByteStrings.LONGS.get(b, i);
                long odd = ((w - 0x2020202020202020L) | w | (w + 0x0101010101010101L)) & 0x8080808080808080L;
                if (odd == 0) {
                    i += 8;
                    continue;
                }
                i += ByteStrings.firstFlaggedByte(odd);
            }
            int c = b[i];
            if (c < 0x20 || c == 0x7f) {
                if (c == '\n' || c == '\r') {
                    if (count == ends.length) {
                        ends = Arrays.copyOf(ends, 2 * count);
                    }
                    ends[count++] = i | flags;
                    flags = 0;
                    if (c == '\r' && i + 1 < n && b[i + 1] == '\n') {
                        i++;
                    }
                    start = i + 1;
                } else if (c < 0) {
                    flags |= HIGH_BYTES;
                } else if (c == 0) {
                    flags |= NUL_BYTES;
                } else if (c != '\t') {
                    flags |= CONTROL_BYTES;
                }
            }
            i++;
        }
        if (start < n) { // the last line has no terminator
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count + 1);
            }
            ends[count++] = n | flags;
        }
        lineEnds = ends;
        lineCount = count;
        lineAt = 0;
        return count;
    }

    /** Numbers the lines from {@code firstLine} on (a block whose place in the file became known later). */
    void firstLine(long firstLine) {
        lineNo = firstLine - 1;
    }

    /** A reader of no input, for {@link #startsRecord}. */
    TraceReader() {
        this(new byte[0], 0, 1, false);
    }

    /** A reader over a file, UTF-8 with malformed bytes replaced. */
    public static TraceReader open(Path file) throws IOException {
        return of(Files.newInputStream(file));
    }

    /** A reader over a stream, UTF-8 with malformed bytes replaced. */
    public static TraceReader of(InputStream in) {
        return new TraceReader(in, 1, true);
    }

    /** A reader over text in memory (tests, pasted snippets). */
    public static TraceReader of(String text) {
        return new TraceReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1, true);
    }

    /** Line counters and the problems met so far. */
    public TraceDiagnostics diagnostics() {
        return diag;
    }

    /** Number of the last physical line read. */
    public long lineNumber() {
        return lineNo;
    }

    /** The next event, or null at the end of the input. */
    @Override
    public TraceEvent next() throws IOException {
        while (ready == null) {
            if (!readLine()) {
                finishPending();
                break;
            }
            diag.lines++;
            if (!fastEvent()) {
                handle(lineText());
            }
        }
        TraceEvent e = ready;
        ready = null;
        return e;
    }

    /** Reads every remaining event into a list (small inputs and tests only). */
    public List<TraceEvent> readAll() throws IOException {
        List<TraceEvent> all = new ArrayList<>();
        for (TraceEvent e = next(); e != null; e = next()) {
            all.add(e);
        }
        return all;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }

    // ---- lines ----------------------------------------------------------------------------------

    /**
     * Finds the next physical line (ended by LF, CRLF or CR, or by the end of the input) and leaves it in
     * bb[ls, le), at most {@link #LONG_KEEP} bytes of it; false at the end of the input.
     */
    private boolean readLine() throws IOException {
        if (lineEnds != null) {
            if (lineAt == lineCount) {
                return false;
            }
            int v = lineEnds[lineAt++];
            int e = v & END;
            setLine(pos, e, false, (v & HIGH_BYTES) != 0, (v & CONTROL_BYTES) != 0, (v & NUL_BYTES) != 0);
            pos = Math.min(e + 1, lim);
            if (e < lim && bb[e] == '\r' && pos < lim && bb[pos] == '\n') {
                pos++;
            }
            lineNo++;
            return true;
        }
        boolean high = false;
        boolean ctrl = false;
        boolean zero = false;
        boolean overflow = false;
        int i = pos;
        while (true) {
            byte[] b = bb;
            int end = lim;
            while (i < end) {
                if (i + 8 <= end) { // eight bytes at a time while they are printable ASCII (0x20..0x7e)
                    long w = (long) ByteStrings.LONGS.get(b, i);
                    long odd = ((w - 0x2020202020202020L) | w | (w + 0x0101010101010101L)) & 0x8080808080808080L;
                    if (odd == 0) {
                        i += 8;
                        continue;
                    }
                    i += ByteStrings.firstFlaggedByte(odd); // the lowest flagged byte is a real one
                }
                int c = b[i];
                if (c < 0x20 || c == 0x7f) { // one test per byte finds line ends, binary data and non-ASCII
                    if (c == '\n' || c == '\r') {
                        break;
                    }
                    if (c < 0) {
                        high = true;
                    } else {
                        ctrl |= c != '\t' && c != 0;
                        zero |= c == 0; // trailing NULs are harmless (stripped later), others are binary
                    }
                }
                i++;
            }
            if (i < end) {
                break;
            }
            if (in != null && i - pos > LONG_KEEP) { // the rest of an overlong line is skipped, not kept
                overflow = true;
                i = pos + LONG_KEEP;
                lim = i;
            }
            int off = i - pos;
            boolean got = more();
            i = pos + off; // more() may have moved the line to the front
            if (!got) {
                if (i == pos) {
                    return false;
                }
                setLine(pos, i, overflow, high, ctrl, zero);
                pos = lim;
                lineNo++;
                return true;
            }
        }
        setLine(pos, i, overflow, high, ctrl, zero);
        byte t = bb[i];
        pos = i + 1;
        if (t == '\r') {
            if (pos < lim) {
                if (bb[pos] == '\n') {
                    pos++;
                }
            } else {
                skipLf = true;
            }
        }
        lineNo++;
        return true;
    }

    private void setLine(int start, int end, boolean overflow, boolean high, boolean ctrl, boolean zero) {
        if (end - start > LONG_KEEP) {
            overflow = true;
            end = start + LONG_KEEP;
        }
        ls = start;
        le = end;
        latin = !high;
        control = ctrl;
        nul = zero;
        decoded = null;
        if (high) {
            decoded = new String(bb, start, end - start, StandardCharsets.UTF_8);
            tooLong = overflow || decoded.length() > MAX_LINE;
            if (decoded.length() > MAX_LINE) {
                decoded = decoded.substring(0, MAX_LINE);
            }
        } else {
            tooLong = overflow || end - start > MAX_LINE;
        }
    }

    /** The line as text, at most MAX_LINE characters. */
    private String lineText() {
        if (decoded != null) {
            return decoded;
        }
        return new String(bb, ls, Math.min(le - ls, MAX_LINE), StandardCharsets.ISO_8859_1);
    }

    /** Reads more input after bb[pos, lim), which moves to the front first; false at the end of the input. */
    private boolean more() throws IOException {
        if (in == null || eof) {
            return false;
        }
        reopen(); // the open record's line is about to move
        if (pending != null && pending.src == bb) {
            pending.detach();
        }
        if (pos > 0) {
            System.arraycopy(bb, pos, bb, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == bb.length) {
            bb = Arrays.copyOf(bb, Math.min(2 * bb.length, LONG_KEEP + (1 << 16)));
        }
        int n;
        do {
            n = in.read(bb, lim, bb.length - lim);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        lim += n;
        if (skipLf) { // the previous data ended in CR
            skipLf = false;
            if (bb[pos] == '\n') {
                pos++;
            }
        }
        return true;
    }

    // ---- the fast way: an ASCII event line read in place -------------------------------------------

    /**
     * A line of printable ASCII that starts an event (what {@link #handle} would find for it: no header,
     * stack, gap, quote or column-0 meta line): begins the record from the bytes and returns true.
     * Anything else returns false and goes the general way.
     */
    private boolean fastEvent() {
        if (!latin || control || nul || tooLong) {
            return false;
        }
        byte[] b = bb;
        int a = ls;
        int n = le;
        int i = a;
        while (i < n && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        if (i == n) {
            return false;
        }
        int c = b[i];
        if (c == '#' || c == '=' || c == '-' || c == '.' || c == '>' || (c == 'c' || c == 'C' || c == 'v') && i == a) {
            return false;
        }
        if (scanPrefix(b, a, n) != EVENT) {
            return false;
        }
        finishPending();
        Payload eager = fKind == 0 ? null : payloads.parse(fKind, b, fPs, fPe);
        if (eager == null) { // a rare event or an odd text: the general parser decides
            eager = EventParser.parse(fName, new String(b, fPs, fPe - fPs, StandardCharsets.ISO_8859_1));
        }
        if (eager == null) { // malformed: the general way reports it, or joins the lines that follow
            Pending p = Pending.event(this, lineNo);
            p.text = null;
            p.src = b;
            p.detach();
            p.eagerDone = true;
            pending = p;
            return true;
        }
        open = new TraceEvent(new Prefix(fComm, fPid, fTgid, fCpu, fFlags, fTs, lineNo, fShape, List.of()), fName,
                eager);
        openPs = fPs;
        openPe = fPe;
        return true;
    }

    /** Turns the open event back into a Pending record, which stack, wrapped and gap lines can change. */
    private void reopen() {
        TraceEvent o = open;
        if (o == null) {
            return;
        }
        open = null;
        Prefix x = o.prefix();
        Pending p = new Pending();
        p.comm = x.comm();
        p.pid = x.pid();
        p.tgid = x.tgid();
        p.cpu = x.cpu();
        p.flags = x.flags();
        p.ts = x.timestampNs();
        p.line = x.line();
        p.shape = x.shape();
        p.name = o.name();
        p.text = new String(bb, openPs, openPe - openPs, StandardCharsets.ISO_8859_1);
        p.ps = 0;
        p.pe = p.text.length();
        p.eager = o.payload();
        p.eagerDone = true;
        pending = p;
    }

    // ---- classification -------------------------------------------------------------------------

    private void handle(String raw) {
        reopen();
        if (tooLong) {
            finishPending();
            diag.unparsed(lineNo, raw, "line longer than " + MAX_LINE + " characters");
            return;
        }
        String line = unquote(raw);
        int n = line.length();
        int i = firstNonBlank(line);
        if (i == n) {
            finishPending();
            diag.blankLines++;
            return;
        }
        if (control || nul && line.indexOf(0) >= 0) {
            finishPending();
            diag.unparsed(lineNo, line, "binary data");
            return;
        }
        char c = line.charAt(i);
        if (c == '#') {
            finishPending();
            diag.headerLines++;
            return;
        }
        if (c == '=' && line.startsWith("=>", i)) {
            stackLine(line.substring(i + 2).trim(), line);
            return;
        }
        if ((c == '-' || c == '.') && isGap(line.strip())) {
            finishPending();
            diag.gap(lineNo);
            return;
        }
        // trace-cmd headers and lost-event notes start in column 0; records are indented (right-aligned
        // comm) unless a copy lost the indentation, so test the rare column-0 case first, else only on failure
        boolean maybeMeta = c == 'c' || c == 'C' || c == 'v';
        if (maybeMeta && i == 0 && metaLine(line.strip())) {
            return;
        }
        int kind = scanPrefix(line);
        if (kind == NONE && maybeMeta && i > 0 && metaLine(line.strip())) {
            return;
        }
        switch (kind) {
        case EVENT:
            finishPending();
            pending = Pending.event(this, lineNo);
            return;
        case MARKER:
            if (pending != null && !pending.partial) { // a <user stack trace> may follow the kernel one
                if (pending.stack == null) {
                    pending.stack = new ArrayList<>();
                }
                diag.stackLines++;
                if (fCpu != pending.cpu) {
                    diag.warn(lineNo, line.strip(), "<stack trace> of CPU " + fCpu + " follows an event of CPU "
                            + pending.cpu + " (line " + pending.line + "); attached to it");
                }
            } else {
                finishPending();
                diag.unparsed(lineNo, line, "<stack trace> with no event before it");
            }
            return;
        case PARTIAL:
            finishPending();
            pending = Pending.partial(line, lineNo);
            return;
        default:
            continuation(line, line.strip());
        }
    }

    /**
     * Whether a line starts a new record whatever came before it: {@link #handle} would end the record
     * being assembled and begin an event at it. A parallel read cuts its blocks only before such lines,
     * so no record spans two blocks. Conservative: a line it is unsure of is not a cut.
     */
    boolean startsRecord(String raw) {
        if (raw.length() > MAX_LINE) {
            return false;
        }
        String line = unquote(raw);
        int n = line.length();
        int i = firstNonBlank(line);
        if (i == n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            char c = line.charAt(k);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        char c = line.charAt(i);
        if (c == '#' || c == '=' || c == '-' || c == '.') {
            return false; // headers, stack lines and gaps (a comm starting so is only not a cut: no matter)
        }
        if ((c == 'c' || c == 'C' || c == 'v') && i == 0) {
            return false; // might be a trace-cmd header or lost-events note, which handle() tests first
        }
        return scanPrefix(line) == EVENT;
    }

    /** {@code cpus=N}, {@code CPU n is empty}, {@code version = ...} or a lost-events note. */
    private boolean metaLine(String t) {
        if (TRACE_CMD_HEADER.matcher(t).matches()) {
            finishPending();
            diag.headerLines++;
            return true;
        }
        Matcher m = LOST.matcher(t);
        if (m.matches()) {
            finishPending();
            diag.headerLines++;
            long lost = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
            diag.lostEvents += lost;
            diag.warn(lineNo, t, "the tracer lost " + lost + " events here");
            return true;
        }
        return false;
    }

    /** A line that is no record of its own: the rest of a wrapped record, or unusable. */
    private void continuation(String line, String t) {
        Pending p = pending;
        boolean undecodable = line.indexOf('\uFFFD') >= 0;
        if (p == null || p.stack != null || p.conts >= MAX_CONTINUATION || undecodable) {
            finishPending();
            diag.unparsed(lineNo, line, undecodable ? "undecodable bytes" : "matches no trace line shape");
            return;
        }
        if (p.partial) { // the record was cut inside its prefix: retry with this line joined on
            String joined = p.raw + " " + t;
            int r = scanPrefix(joined);
            if (r == EVENT) {
                Pending q = Pending.event(this, p.line);
                q.conts = p.conts + 1;
                pending = q;
                diag.continuationLines++;
            } else if (r == PARTIAL) {
                p.raw = joined;
                p.conts++;
                diag.continuationLines++;
            } else {
                pending = null;
                diag.unparsed(p.line, p.raw, "record cut before its event name");
                diag.unparsed(lineNo, line, "matches no trace line shape");
            }
            return;
        }
        p.addContinuation(t, lineNo);
        diag.continuationLines++;
    }

    private void stackLine(String function, String line) {
        Pending p = pending;
        if (p != null && !p.partial) {
            if (p.stack == null) { // marker lost in a copy: the lines still belong to the event before them
                p.stack = new ArrayList<>();
            }
            p.stack.add(function);
            diag.stackLines++;
        } else {
            diag.unparsed(lineNo, line, "stack line with no event before it");
        }
    }

    /** Turns the open record into an event, or counts it as unparsed. */
    private void finishPending() {
        TraceEvent o = open;
        if (o != null) {
            open = null;
            emit(o);
            return;
        }
        Pending p = pending;
        if (p == null) {
            return;
        }
        pending = null;
        if (p.partial) {
            diag.unparsed(p.line, p.raw, "record cut before its event name");
            return;
        }
        String text = null; // the payload text, made only when needed
        Payload parsed;
        if (p.contTexts == null) {
            parsed = p.eagerDone ? p.eager : EventParser.parse(p.name, p.text, p.ps, p.pe);
        } else {
            String joined = p.joined();
            parsed = EventParser.parse(p.name, joined);
            if (parsed == null) {
                Payload alone = p.eagerDone ? p.eager : EventParser.parse(p.name, p.text, p.ps, p.pe);
                if (alone != null && !(alone instanceof Payload.Unknown)) {
                    // the record was complete; the following lines were debris, not its continuation
                    parsed = alone;
                    for (int k = 0; k < p.contTexts.size(); k++) {
                        diag.continuationLines--;
                        diag.unparsed(p.contLines.get(k), p.contTexts.get(k),
                                "not part of the record at line " + p.line);
                    }
                } else {
                    text = joined;
                }
            } else {
                text = joined;
            }
        }
        if (parsed == null) {
            diag.unparsed(p.line, p.name + ": " + (text != null ? text : p.payload()),
                    "payload does not match the format of " + p.name);
            return;
        }
        List<String> stack = p.stack == null ? List.of() : p.stack;
        emit(new TraceEvent(new Prefix(p.comm, p.pid, p.tgid, p.cpu, p.flags, p.ts, p.line, p.shape, stack),
                p.name, parsed));
    }

    /** Hands on a finished event: counts it and checks its timestamp against the one before. */
    private void emit(TraceEvent e) {
        Payload parsed = e.payload();
        long line = e.line();
        if (parsed instanceof Payload.Unknown) {
            diag.unknownEvent(line, e.name(), e.name() + ": " + ((Payload.Unknown) parsed).text());
        } else {
            diag.events++;
        }
        long ts = e.timestampNs();
        if (checkTimestamps && ts < lastTs) {
            diag.backwardsTimestamps++;
            diag.warn(line, "", "timestamp goes backwards by " + (lastTs - ts) + " ns (previous event at line "
                    + lastTsLine + "); kept in file order");
        }
        lastTs = ts;
        lastTsLine = line;
        ready = e;
    }

    // ---- the line prefix --------------------------------------------------------------------------

    /**
     * Reads {@code comm-pid [(tgid)] [cpu] [flags] ts: event: payload} (or perf's {@code comm pid [cpu]
     * ts: system:event: payload}) into the f* fields. Same grammar as the prefix regex of FORMATS.md,
     * scanned by hand because it runs on every line.
     */
    private int scanPrefix(String s) {
        int n = s.length();
        int open = -1;
        int close = -1;
        int cpu = 0;
        for (int from = 0;;) {
            int i = s.indexOf('[', from);
            if (i < 0) {
                return NONE;
            }
            if (i > 0 && isBlank(s.charAt(i - 1))) {
                int j = i + 1;
                int v = 0;
                while (j < n && isDigit(s.charAt(j)) && j - i <= 6) {
                    v = v * 10 + s.charAt(j) - '0';
                    j++;
                }
                if (j > i + 1 && j < n && s.charAt(j) == ']') {
                    open = i;
                    close = j;
                    cpu = v;
                    break;
                }
            }
            from = i + 1;
        }
        // left of [cpu]: comm-pid, optional (tgid)
        int e = open - 1;
        while (e >= 0 && isBlank(s.charAt(e))) {
            e--;
        }
        int tgid = -1;
        if (e >= 0 && s.charAt(e) == ')') {
            int o = s.lastIndexOf('(', e);
            if (o < 0) {
                return NONE;
            }
            String t = s.substring(o + 1, e).strip();
            if (t.isEmpty() || !(t.chars().allMatch(TraceReader::isDigit) || t.chars().allMatch(ch -> ch == '-'))
                    || t.length() > 9) {
                return NONE;
            }
            tgid = isDigit(t.charAt(0)) ? Integer.parseInt(t) : -1; // "(-------)": tgid not recorded
            e = o - 1;
            while (e >= 0 && isBlank(s.charAt(e))) {
                e--;
            }
        }
        int pidEnd = e + 1;
        while (e >= 0 && isDigit(s.charAt(e))) {
            e--;
        }
        if (pidEnd - (e + 1) == 0 || pidEnd - (e + 1) > 9 || e < 0) {
            return NONE;
        }
        int pid = 0;
        for (int k = e + 1; k < pidEnd; k++) {
            pid = pid * 10 + s.charAt(k) - '0';
        }
        char sep = s.charAt(e);
        int cs = 0;
        while (cs < e && isBlank(s.charAt(cs))) {
            cs++;
        }
        int ce = e;
        boolean perf;
        if (sep == '-') {
            perf = false;
        } else if (isBlank(sep)) {
            perf = true;
            while (ce > cs && isBlank(s.charAt(ce - 1))) {
                ce--;
            }
            if (ce == cs) {
                return NONE;
            }
        } else {
            return NONE;
        }
        // right of [cpu]: flags, timestamp
        int p = skipBlank(s, close + 1);
        if (p >= n) {
            return PARTIAL;
        }
        int q = token(s, p);
        String flags = "";
        if (s.charAt(q - 1) != ':') {
            if (q - p < 4 || q - p > 5 || !flagChars(s, p, q)) {
                return NONE;
            }
            flags = cachedFlags(s, p, q);
            p = skipBlank(s, q);
            if (p >= n) {
                return PARTIAL;
            }
            q = token(s, p);
            if (s.charAt(q - 1) != ':') {
                return NONE;
            }
        }
        long ts = parseTs(s, p, q - 1);
        if (ts < 0) {
            return NONE;
        }
        p = skipBlank(s, q);
        if (p >= n) {
            return PARTIAL;
        }
        if (s.charAt(p) == '<') {
            if (s.startsWith("<stack trace>", p) || s.startsWith("<user stack trace>", p)) {
                fCpu = cpu;
                return MARKER;
            }
            return NONE;
        }
        q = p;
        while (q < n && isWord(s.charAt(q))) {
            q++;
        }
        if (q == p || q >= n || s.charAt(q) != ':') {
            return NONE;
        }
        int ns = p;
        int ne = q;
        if (q + 1 < n && isWord(s.charAt(q + 1))) { // perf: "kvmmmu:kvm_mmu_get_page:"
            int t = q + 1;
            while (t < n && isWord(s.charAt(t))) {
                t++;
            }
            if (t >= n || s.charAt(t) != ':') {
                return NONE;
            }
            ns = q + 1;
            ne = t;
            q = t;
            perf = true;
        }
        int ps = skipBlank(s, q + 1);
        int pe = n;
        while (pe > ps && isBlank(s.charAt(pe - 1))) {
            pe--;
        }
        fComm = cachedComm(s, cs, ce);
        fPid = pid;
        fTgid = tgid;
        fCpu = cpu;
        fFlags = flags;
        fTs = ts;
        fName = cachedName(s, ns, ne);
        fLine = s; // the payload is s[ps, pe), parsed in place
        fPs = ps;
        fPe = pe;
        fShape = perf ? Prefix.Shape.PERF_SCRIPT : flags.isEmpty() ? Prefix.Shape.TRACE_CMD : Prefix.Shape.TRACEFS;
        return EVENT;
    }

    /** {@code seconds.fraction} with 1 to 9 fraction digits, in ns; -1 if not a timestamp. */
    private static long parseTs(String s, int a, int b) {
        long sec = 0;
        int i = a;
        while (i < b && isDigit(s.charAt(i))) {
            sec = sec * 10 + s.charAt(i) - '0';
            i++;
        }
        if (i == a || i - a > 11 || i >= b || s.charAt(i) != '.') {
            return -1;
        }
        int f0 = ++i;
        long frac = 0;
        while (i < b && isDigit(s.charAt(i))) {
            frac = frac * 10 + s.charAt(i) - '0';
            i++;
        }
        int digits = i - f0;
        if (i != b || digits == 0 || digits > 9) {
            return -1;
        }
        return sec * 1_000_000_000L + frac * POW10[9 - digits];
    }

    private String cachedComm(String s, int a, int b) {
        String c = lastComm;
        if (c.length() == b - a && s.startsWith(c, a)) {
            return c;
        }
        return lastComm = s.substring(a, b);
    }

    private String cachedFlags(String s, int a, int b) {
        for (int k = 0; k < flagsSeen.length; k++) {
            String f = flagsSeen[k];
            if (f == null) {
                return flagsSeen[k] = s.substring(a, b);
            }
            if (f.length() == b - a && s.startsWith(f, a)) {
                return f;
            }
        }
        return s.substring(a, b);
    }

    private String cachedName(String s, int a, int b) {
        int len = b - a;
        int slot = (len * 31 + s.charAt(b - 1) * 7 + s.charAt(a + len / 2)) & (names.length - 1);
        String c = names[slot];
        if (c != null && c.length() == len && s.startsWith(c, a)) {
            return c;
        }
        return names[slot] = EventParser.canonical(s.substring(a, b));
    }

    private static int token(String s, int p) {
        int n = s.length();
        while (p < n && !isBlank(s.charAt(p))) {
            p++;
        }
        return p;
    }

    private static int skipBlank(String s, int p) {
        int n = s.length();
        while (p < n && isBlank(s.charAt(p))) {
            p++;
        }
        return p;
    }

    private static boolean flagChars(String s, int a, int b) {
        for (int i = a; i < b; i++) {
            char c = s.charAt(i);
            if (!(c == '.' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    /** Strips mail quoting ({@code > }, {@code >> }, {@code > > }) and trailing NULs. */
    private static String unquote(String s) {
        int n = s.length();
        while (n > 0 && s.charAt(n - 1) == 0) {
            n--;
        }
        int j = 0;
        while (j < n && s.charAt(j) == '>') {
            j++;
            if (j < n && s.charAt(j) == ' ') {
                j++;
            }
        }
        return j == 0 && n == s.length() ? s : s.substring(j, n);
    }

    private static boolean isGap(String t) {
        return t.equals("--") || t.equals("...") || t.equals("....");
    }

    /** Index of the first character that is not a space or tab ({@code s.length()} if none). */
    private static int firstNonBlank(String s) {
        int i = 0;
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWord(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** The record being assembled: its prefix fields, payload, wrapped lines and stack lines. */

    // ---- the line prefix, from bytes --------------------------------------------------------------

    /**
     * {@link #scanPrefix(String)} over the printable-ASCII line {@code s[a, n)}: the same grammar, the same
     * f* fields (fPs and fPe index {@code s}), and fKind for the event name. The part before the timestamp
     * (comm-pid, tgid, [cpu], flags) repeats from line to line, so it is looked up in {@link #heads} first
     * and scanned only when new.
     */
    private int scanPrefix(byte[] s, int a, int n) {
        int p = cachedHead(s, a, n);
        if (p >= 0) {
            int r = scanTail(s, p, n);
            if (r == EVENT) {
                return r;
            }
            // the known head is followed by something unusual: the full scan decides, as it would have
        }
        p = scanHead(s, a, n);
        return p < 0 ? -p - 1 : scanTail(s, p, n);
    }

    // The head before the timestamp as scanHead found it: its fields are hComm ... hPerf.
    private String hComm;
    private int hPid;
    private int hTgid;
    private int hCpu;
    private String hFlags;
    private boolean hPerf;

    // Heads seen: 16 buckets of 4, chosen by the first 24 bytes; each head is at most 64 bytes, kept as
    // words (the last word is the 8 bytes that end the head).
    private static final int HEAD_BUCKETS = 16;
    private static final int HEAD_WAYS = 4;
    private static final int HEAD_MAX = 64;
    private final long[] headWords = new long[HEAD_BUCKETS * HEAD_WAYS * (HEAD_MAX / 8)];
    private final int[] headLens = new int[HEAD_BUCKETS * HEAD_WAYS];
    private final String[] headComms = new String[HEAD_BUCKETS * HEAD_WAYS];
    private final String[] headFlags = new String[HEAD_BUCKETS * HEAD_WAYS];
    private final int[] headInts = new int[HEAD_BUCKETS * HEAD_WAYS * 4]; // pid, tgid, cpu, perf
    private final int[] headNext = new int[HEAD_BUCKETS]; // round-robin victim per bucket

    private static int headBucket(byte[] s, int a) {
        long h = ((long) ByteStrings.LONGS.get(s, a) * 0x9E3779B97F4A7C15L ^ (long) ByteStrings.LONGS.get(s, a + 8))
                * 0x9E3779B97F4A7C15L ^ (long) ByteStrings.LONGS.get(s, a + 16);
        h *= 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> 60) & (HEAD_BUCKETS - 1);
    }

    /**
     * Where the timestamp starts when {@code s[a, n)} begins with a head seen before (its fields then in
     * h*), else -1. Equal bytes up to a non-blank timestamp position give what the scan would: the scan
     * reads nothing else to find them (a head without flags is checked by the tail, which falls back).
     */
    private int cachedHead(byte[] s, int a, int n) {
        if (n - a < 32) {
            return -1;
        }
        int bucket = headBucket(s, a);
        for (int w = 0; w < HEAD_WAYS; w++) {
            int e = bucket * HEAD_WAYS + w;
            int len = headLens[e];
            if (len == 0 || a + len >= n || isBlank(s[a + len])) {
                continue;
            }
            int o = e * (HEAD_MAX / 8);
            int full = (len - 1) >>> 3; // words before the last
            boolean same = (long) ByteStrings.LONGS.get(s, a + len - 8) == headWords[o + full];
            for (int k = 0; same && k < full; k++) {
                same = (long) ByteStrings.LONGS.get(s, a + 8 * k) == headWords[o + k];
            }
            if (same) {
                hComm = headComms[e];
                hFlags = headFlags[e];
                hPid = headInts[4 * e];
                hTgid = headInts[4 * e + 1];
                hCpu = headInts[4 * e + 2];
                hPerf = headInts[4 * e + 3] != 0;
                return a + len;
            }
        }
        return -1;
    }

    private void rememberHead(byte[] s, int a, int n, int tsStart) {
        int len = tsStart - a;
        if (n - a < 32 || len < 24 || len > HEAD_MAX) {
            return;
        }
        int bucket = headBucket(s, a);
        int e = bucket * HEAD_WAYS + headNext[bucket];
        headNext[bucket] = (headNext[bucket] + 1) % HEAD_WAYS;
        int o = e * (HEAD_MAX / 8);
        int full = (len - 1) >>> 3;
        for (int k = 0; k < full; k++) {
            headWords[o + k] = (long) ByteStrings.LONGS.get(s, a + 8 * k);
        }
        headWords[o + full] = (long) ByteStrings.LONGS.get(s, a + len - 8);
        headLens[e] = len;
        headComms[e] = hComm;
        headFlags[e] = hFlags;
        headInts[4 * e] = hPid;
        headInts[4 * e + 1] = hTgid;
        headInts[4 * e + 2] = hCpu;
        headInts[4 * e + 3] = hPerf ? 1 : 0;
    }

    /**
     * The head of {@code s[a, n)}: comm-pid, optional (tgid), [cpu], optional flags, into h*. Returns where
     * the timestamp token starts, or {@code -kind - 1} (NONE, PARTIAL) when the line ends or breaks before.
     */
    private int scanHead(byte[] s, int a, int n) {
        int open = -1;
        int close = -1;
        int cpu = 0;
        for (int from = a;;) {
            int i = from;
            while (i < n && s[i] != '[') {
                i++;
            }
            if (i >= n) {
                return -NONE - 1;
            }
            if (i > a && isBlank(s[i - 1])) {
                int j = i + 1;
                int v = 0;
                while (j < n && isDigit(s[j]) && j - i <= 6) {
                    v = v * 10 + s[j] - '0';
                    j++;
                }
                if (j > i + 1 && j < n && s[j] == ']') {
                    open = i;
                    close = j;
                    cpu = v;
                    break;
                }
            }
            from = i + 1;
        }
        // left of [cpu]: comm-pid, optional (tgid)
        int e = open - 1;
        while (e >= a && isBlank(s[e])) {
            e--;
        }
        int tgid = -1;
        if (e >= a && s[e] == ')') {
            int o = e - 1;
            while (o >= a && s[o] != '(') {
                o--;
            }
            if (o < a) {
                return -NONE - 1;
            }
            int t0 = o + 1;
            int t1 = e;
            while (t0 < t1 && isBlank(s[t0])) {
                t0++;
            }
            while (t1 > t0 && isBlank(s[t1 - 1])) {
                t1--;
            }
            if (t1 == t0 || t1 - t0 > 9) {
                return -NONE - 1;
            }
            boolean digits = true;
            boolean dashes = true;
            int v = 0;
            for (int k = t0; k < t1; k++) {
                digits &= isDigit(s[k]);
                dashes &= s[k] == '-';
                v = v * 10 + s[k] - '0';
            }
            if (!digits && !dashes) {
                return -NONE - 1;
            }
            tgid = digits ? v : -1; // "(-------)": tgid not recorded
            e = o - 1;
            while (e >= a && isBlank(s[e])) {
                e--;
            }
        }
        int pidEnd = e + 1;
        while (e >= a && isDigit(s[e])) {
            e--;
        }
        if (pidEnd - (e + 1) == 0 || pidEnd - (e + 1) > 9 || e < a) {
            return -NONE - 1;
        }
        int pid = 0;
        for (int k = e + 1; k < pidEnd; k++) {
            pid = pid * 10 + s[k] - '0';
        }
        byte sep = s[e];
        int cs = a;
        while (cs < e && isBlank(s[cs])) {
            cs++;
        }
        int ce = e;
        boolean perf;
        if (sep == '-') {
            perf = false;
        } else if (isBlank(sep)) {
            perf = true;
            while (ce > cs && isBlank(s[ce - 1])) {
                ce--;
            }
            if (ce == cs) {
                return -NONE - 1;
            }
        } else {
            return -NONE - 1;
        }
        // right of [cpu]: flags, then the timestamp token
        int p = skipBlank(s, close + 1, n);
        if (p >= n) {
            return -PARTIAL - 1;
        }
        int q = token(s, p, n);
        String flags = "";
        if (s[q - 1] != ':') {
            if (q - p < 4 || q - p > 5 || !flagChars(s, p, q)) {
                return -NONE - 1;
            }
            flags = cachedFlags(s, p, q);
            p = skipBlank(s, q, n);
            if (p >= n) {
                return -PARTIAL - 1;
            }
        }
        hComm = cachedComm(s, cs, ce);
        hPid = pid;
        hTgid = tgid;
        hCpu = cpu;
        hFlags = flags;
        hPerf = perf;
        rememberHead(s, a, n, p);
        return p;
    }

    /** From the timestamp token at {@code p} on: timestamp, event name, payload bounds; the f* fields. */
    private int scanTail(byte[] s, int p, int n) {
        boolean perf = hPerf;
        // the token "seconds.fraction:" (what token() and parseTs() would accept), read in one pass
        int i = p;
        int sd = ByteStrings.digits(s, i, n);
        long sec = decimal(s, i, sd);
        i += sd;
        if (sd == 0 || sd > 11 || i >= n || s[i] != '.') {
            return NONE;
        }
        int f0 = ++i;
        int fd = ByteStrings.digits(s, i, n);
        long frac = decimal(s, i, fd);
        i += fd;
        if (fd == 0 || fd > 9 || i >= n || s[i] != ':' || i + 1 < n && !isBlank(s[i + 1])) {
            return NONE;
        }
        long ts = sec * 1_000_000_000L + frac * POW10[9 - (i - f0)];
        int q = i + 1;
        p = skipBlank(s, q, n);
        if (p >= n) {
            return PARTIAL;
        }
        if (s[p] == '<') {
            return MARKER; // or nothing: the general way tells
        }
        // a name seen before ends at the first colon (it has only word characters): no test per character
        q = ByteStrings.indexOf(s, p, n, (byte) ':');
        String known = q < n && q > p ? byteNames.get(s, p, q) : null;
        if (known == null) {
            q = p;
            while (q < n && isWord(s[q])) {
                q++;
            }
            if (q == p || q >= n || s[q] != ':') {
                return NONE;
            }
        }
        int ns = p;
        int ne = q;
        if (q + 1 < n && isWord(s[q + 1])) { // perf: "kvmmmu:kvm_mmu_get_page:"
            int t = q + 1;
            while (t < n && isWord(s[t])) {
                t++;
            }
            if (t >= n || s[t] != ':') {
                return NONE;
            }
            ns = q + 1;
            ne = t;
            q = t;
            perf = true;
            known = null;
        }
        int ps = skipBlank(s, q + 1, n);
        int pe = n;
        while (pe > ps && isBlank(s[pe - 1])) {
            pe--;
        }
        fComm = hComm;
        fPid = hPid;
        fTgid = hTgid;
        fCpu = hCpu;
        fFlags = hFlags;
        fTs = ts;
        if (known != null) {
            fName = known;
            fKind = byteNames.tag;
        } else {
            cachedName(s, ns, ne);
        }
        fLine = null;
        fPs = ps;
        fPe = pe;
        fShape = perf ? Prefix.Shape.PERF_SCRIPT : hFlags.isEmpty() ? Prefix.Shape.TRACE_CMD : Prefix.Shape.TRACEFS;
        return EVENT;
    }

    /**
     * The value of the {@code count} decimal digits at {@code s[p]}, eight at a time; only its low 64 bits
     * for more than 19 digits (callers refuse those).
     */
    private static long decimal(byte[] s, int p, int count) {
        long v = 0;
        int i = p;
        int end = p + count;
        while (end - i >= 8) {
            v = v * 100_000_000L + eightDigits((long) ByteStrings.LONGS.get(s, i));
            i += 8;
        }
        if (i < end && s.length - i >= 8) { // the rest: k < 8 digits, read as a word with leading zeros
            int k = end - i;
            long w = (long) ByteStrings.LONGS.get(s, i) << (8 - k) * 8 | 0x3030303030303030L >>> k * 8;
            return v * POW10[k] + eightDigits(w);
        }
        for (; i < end; i++) {
            v = v * 10 + s[i] - '0';
        }
        return v;
    }

    /** Eight ASCII digits in a little-endian word (first digit lowest) as their value. */
    private static long eightDigits(long w) {
        long x = w - 0x3030303030303030L;
        x = (x * 10 + (x >>> 8)) & 0x00ff00ff00ff00ffL;
        x = (x * 100 + (x >>> 16)) & 0x0000ffff0000ffffL;
        return (x * 10000 + (x >>> 32)) & 0xffffffffL;
    }

    private static long parseTs(byte[] s, int a, int b) {
        long sec = 0;
        int i = a;
        while (i < b && isDigit(s[i])) {
            sec = sec * 10 + s[i] - '0';
            i++;
        }
        if (i == a || i - a > 11 || i >= b || s[i] != '.') {
            return -1;
        }
        int f0 = ++i;
        long frac = 0;
        while (i < b && isDigit(s[i])) {
            frac = frac * 10 + s[i] - '0';
            i++;
        }
        int digits = i - f0;
        if (i != b || digits == 0 || digits > 9) {
            return -1;
        }
        return sec * 1_000_000_000L + frac * POW10[9 - digits];
    }

    private String cachedComm(byte[] s, int a, int b) {
        return byteComms.string(s, a, b);
    }

    private String cachedFlags(byte[] s, int a, int b) {
        return byteFlags.string(s, a, b);
    }

    /** Sets fName (the shared instance of a known tracepoint's name) and fKind. */
    private void cachedName(byte[] s, int a, int b) {
        String name = byteNames.get(s, a, b);
        if (name != null) {
            fName = name;
            fKind = byteNames.tag;
            return;
        }
        name = EventParser.canonical(new String(s, a, b - a, StandardCharsets.ISO_8859_1));
        fName = name;
        fKind = BytePayloads.kind(name);
        byteNames.put(b - a, name, fKind);
    }

    private static int token(byte[] s, int p, int n) {
        while (p < n && !isBlank(s[p])) {
            p++;
        }
        return p;
    }

    private static int skipBlank(byte[] s, int p, int n) {
        while (p < n && isBlank(s[p])) {
            p++;
        }
        return p;
    }

    private static boolean flagChars(byte[] s, int a, int b) {
        for (int i = a; i < b; i++) {
            byte c = s[i];
            if (!(c == '.' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isWord(byte c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** UTF-8 bytes of a Reader's text (for {@link TraceReader#TraceReader(Reader)}). */
    private static final class Utf8Stream extends InputStream {
        private final Reader in;
        private final CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final CharBuffer chars = CharBuffer.allocate(8192);
        private final ByteBuffer bytes = ByteBuffer.allocate(3 * 8192 + 16);
        private boolean end;
        private boolean flushed;

        Utf8Stream(Reader in) {
            this.in = in;
            bytes.flip();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (!bytes.hasRemaining()) {
                if (flushed) {
                    return -1;
                }
                bytes.clear();
                if (!end) {
                    int n = in.read(chars.array(), chars.position(), chars.remaining());
                    if (n < 0) {
                        end = true;
                    } else {
                        chars.position(chars.position() + n);
                    }
                }
                chars.flip();
                CoderResult r = enc.encode(chars, bytes, end);
                chars.compact();
                if (end && r.isUnderflow()) {
                    enc.flush(bytes);
                    flushed = true;
                }
                bytes.flip();
            }
            int n = Math.min(len, bytes.remaining());
            bytes.get(b, off, n);
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
    private static final class Pending {
        String comm;
        int pid;
        int tgid;
        int cpu;
        String flags;
        long ts;
        long line;
        Prefix.Shape shape;
        String name;
        String text; // the record's first line; its payload is text[ps, pe) (or src[ps, pe) while text is null)
        byte[] src; // the reader's buffer holding the line of a record begun from bytes, until detach()
        int ps;
        int pe;
        Payload eager; // the payload alone, parsed when the record began from bytes
        boolean eagerDone;
        boolean partial;
        String raw;
        int conts;
        List<String> contTexts;
        List<Long> contLines;
        List<String> stack;

        static Pending event(TraceReader r, long line) {
            Pending p = new Pending(); // short-lived on purpose: reusing an old object costs GC card marking
            p.comm = r.fComm;
            p.pid = r.fPid;
            p.tgid = r.fTgid;
            p.cpu = r.fCpu;
            p.flags = r.fFlags;
            p.ts = r.fTs;
            p.line = line;
            p.shape = r.fShape;
            p.name = r.fName;
            p.text = r.fLine;
            p.ps = r.fPs;
            p.pe = r.fPe;
            return p;
        }

        static Pending partial(String raw, long line) {
            Pending p = new Pending();
            p.partial = true;
            p.raw = raw.strip();
            p.line = line;
            return p;
        }

        void addContinuation(String text, long lineNo) {
            if (contTexts == null) {
                contTexts = new ArrayList<>(2);
                contLines = new ArrayList<>(2);
            }
            contTexts.add(text);
            contLines.add(lineNo);
            conts++;
        }

        /** Copies the payload out of the reader's buffer (ASCII), which is about to be reused. */
        void detach() {
            if (src != null) {
                text = new String(src, ps, pe - ps, StandardCharsets.ISO_8859_1);
                ps = 0;
                pe = text.length();
                src = null;
            }
        }

        String payload() {
            detach();
            return text.substring(ps, pe);
        }

        String joined() {
            StringBuilder b = new StringBuilder(payload());
            for (String t : contTexts) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(t);
            }
            return b.toString();
        }
    }
}
