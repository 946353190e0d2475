/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events of a text trace file parsed on several cores, handed out in file order exactly as
 * {@link TraceReader} would: the same events, counters and issues in the same order. The file is cut
 * into blocks of a few MiB, only before a line that starts a record whatever precedes it
 * ({@link TraceReader#startsRecord}), so no record spans two blocks; a pool parses blocks ahead while
 * the caller consumes them, at most a few blocks in memory. What crosses blocks is done here, in order:
 * line numbers, the timestamps-going-backwards check and the order of issues.
 */
public final class ParallelTraceReader implements EventStream {

    /** Blocks are cut after about this many bytes. */
    static final int BLOCK = 1 << 20;

    private final FileChannel channel;
    private final ExecutorService pool;
    private final BlockingQueue<Future<Block>> ready;
    private final Thread cutter;
    private final TraceDiagnostics diag = new TraceDiagnostics();
    private final AtomicLong bytesRead = new AtomicLong();
    private volatile boolean closed;
    private volatile Throwable cutFailure;

    private Block current;
    private int index;
    private final int[] absorbed = new int[3];
    private long lastTs = Long.MIN_VALUE;
    private long lastTsLine;

    /** Text without a single cut point beyond this (binary data, a huge wrapped record) is read sequentially. */
    static final int MAX_CARRY = 32 << 20;

    /**
     * One parsed block: its events, and for each event the issue counts reached when it was produced; or,
     * for the rest of a file with no cut point left, a sequential reader of it ({@code tail}).
     */
    private record Block(List<TraceEvent> events, int[] marks, TraceDiagnostics diag, boolean last,
            TraceReader tail) {
    }

    private final int maxCarry;

    private ParallelTraceReader(Path file, int threads, int blockSize, int maxCarry) throws IOException {
        this.maxCarry = maxCarry;
        channel = FileChannel.open(file, StandardOpenOption.READ);
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tdpscope-trace-parse");
            t.setDaemon(true);
            return t;
        });
        ready = new ArrayBlockingQueue<>(threads + 1);
        cutter = new Thread(() -> cut(blockSize), "tdpscope-trace-cut");
        cutter.setDaemon(true);
        cutter.start();
    }

    /** A parallel reader of a text file on {@code threads} parsing threads. */
    public static ParallelTraceReader open(Path file, int threads) throws IOException {
        return new ParallelTraceReader(file, Math.max(1, threads), BLOCK, MAX_CARRY);
    }

    /** With a given block size (tests cut small blocks to meet many boundaries). */
    static ParallelTraceReader open(Path file, int threads, int blockSize) throws IOException {
        return new ParallelTraceReader(file, Math.max(1, threads), blockSize, 8 * blockSize);
    }

    /** Bytes of the file read so far (for a progress bar). */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Reads the file block by block, finds each cut, counts lines, and queues the block's parse. */
    private void cut(int blockSize) {
        TraceReader classifier = new TraceReader(java.io.Reader.nullReader());
        byte[] carry = new byte[0];
        long firstLine = 1;
        try {
            ByteBuffer buf = ByteBuffer.allocate(blockSize);
            boolean eof = false;
            while (!eof && !closed) {
                buf.clear();
                while (buf.hasRemaining()) {
                    int n = channel.read(buf);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                }
                bytesRead.addAndGet(buf.position());
                byte[] data = new byte[carry.length + buf.position()];
                System.arraycopy(carry, 0, data, 0, carry.length);
                System.arraycopy(buf.array(), 0, data, carry.length, buf.position());
                int end = eof ? data.length : cutPoint(data, classifier);
                if (end < 0 && data.length > maxCarry) {
                    // no record starts anywhere in 32 MiB: the rest of the file goes through one reader,
                    // streamed, beginning here (a record start), so memory stays bounded
                    java.io.InputStream rest = new java.io.SequenceInputStream(new ByteArrayInputStream(data),
                            new java.io.FilterInputStream(java.nio.channels.Channels.newInputStream(channel)) {
                                @Override
                                public int read(byte[] b, int off, int len) throws IOException {
                                    int n = super.read(b, off, len);
                                    if (n > 0) {
                                        bytesRead.addAndGet(n);
                                    }
                                    return n;
                                }
                            });
                    TraceReader tail = new TraceReader(new InputStreamReader(rest, StandardCharsets.UTF_8), firstLine,
                            false);
                    ready.put(CompletableFuture.completedFuture(new Block(List.of(), new int[0], tail.diagnostics(),
                            true, tail)));
                    return;
                }
                if (end < 0) { // no cut in this much text: read on, the block grows
                    carry = data;
                    continue;
                }
                carry = java.util.Arrays.copyOfRange(data, end, data.length);
                long start = firstLine;
                firstLine += lines(data, end);
                byte[] block = data;
                int len = end;
                boolean last = eof;
                submit(pool.submit(() -> parse(block, len, start)), last);
            }
            if (closed) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Throwable e) { // an I/O error, or anything else: the consumer must hear of it, never wait forever
            cutFailure = e;
        }
        if (cutFailure != null) {
            try {
                submit(CompletableFuture.failedFuture(cutFailure), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void submit(Future<Block> f, boolean last) throws InterruptedException {
        ready.put(last ? new LastMarker(f) : f);
    }

    /** Marks the future of the last block, so the consumer knows the stream ends after it. */
    private static final class LastMarker extends CompletableFuture<Block> {
        LastMarker(Future<Block> inner) {
            try {
                Block b = inner.get();
                complete(new Block(b.events(), b.marks(), b.diag(), true, null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                completeExceptionally(e);
            } catch (ExecutionException e) {
                completeExceptionally(e.getCause());
            }
        }
    }

    /**
     * Where to end the block: the start of the first line at or after the middle of the data's last
     * quarter that starts a record; -1 if none does (a block of wrapped or odd lines grows until one does).
     */
    private static int cutPoint(byte[] data, TraceReader classifier) {
        int from = Math.max(0, data.length - data.length / 4);
        for (int i = from; i < data.length; i++) {
            if (data[i] != '\n') {
                continue;
            }
            int s = i + 1;
            int e = s;
            while (e < data.length && data[e] != '\n' && data[e] != '\r') {
                e++;
            }
            if (e == data.length) {
                return -1; // the line runs past the data: not known yet
            }
            if (e - s > 0 && e - s <= TraceReader.MAX_LINE
                    && classifier.startsRecord(new String(data, s, e - s, StandardCharsets.UTF_8))) {
                return s;
            }
        }
        return -1;
    }

    /** Line terminators in data[0, end): LF, CRLF and a lone CR each end one line, as the reader counts. */
    private static long lines(byte[] data, int end) {
        long n = 0;
        for (int i = 0; i < end; i++) {
            byte b = data[i];
            if (b == '\n') {
                n++;
            } else if (b == '\r' && (i + 1 >= end || data[i + 1] != '\n')) {
                n++;
            }
        }
        return n;
    }

    private static Block parse(byte[] data, int len, long firstLine) throws IOException {
        TraceReader r = new TraceReader(new InputStreamReader(new ByteArrayInputStream(data, 0, len),
                StandardCharsets.UTF_8), firstLine, false);
        List<TraceEvent> events = new ArrayList<>(len / 120);
        int[] marks = new int[64 * 3];
        TraceDiagnostics d = r.diagnostics();
        for (TraceEvent e = r.next(); e != null; e = r.next()) {
            int k = events.size() * 3;
            if (k + 3 > marks.length) {
                marks = java.util.Arrays.copyOf(marks, marks.length * 2);
            }
            int[] kept = d.kept();
            System.arraycopy(kept, 0, marks, k, 3);
            events.add(e);
        }
        return new Block(events, marks, d, false, null);
    }

    @Override
    public TraceEvent next() throws IOException {
        while (true) {
            TraceEvent e = null;
            if (current != null && current.tail() != null) {
                e = current.tail().next();
                if (e != null) {
                    diag.absorbIssues(current.diag(), absorbed, current.diag().kept());
                }
            } else if (current != null && index < current.events().size()) {
                e = current.events().get(index);
                int[] to = { current.marks()[3 * index], current.marks()[3 * index + 1],
                        current.marks()[3 * index + 2] };
                diag.absorbIssues(current.diag(), absorbed, to);
                index++;
            }
            if (e != null) {
                long ts = e.timestampNs();
                if (ts < lastTs) { // as TraceReader checks it, across blocks too
                    diag.backwardsTimestamps++;
                    diag.warn(e.line(), "", "timestamp goes backwards by " + (lastTs - ts)
                            + " ns (previous event at line " + lastTsLine + "); kept in file order");
                }
                lastTs = ts;
                lastTsLine = e.line();
                return e;
            }
            if (current != null) { // the block's issues after its last event, then its counters
                if (current.tail() != null) {
                    current.tail().close();
                }
                diag.absorbIssues(current.diag(), absorbed, current.diag().kept());
                diag.absorbCounts(current.diag());
                boolean last = current.last();
                current = null;
                if (last) {
                    return null;
                }
            }
            if (closed) {
                return null;
            }
            try {
                current = ready.take().get();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", x);
            } catch (ExecutionException x) {
                Throwable c = x.getCause();
                throw c instanceof IOException io ? io : c instanceof UncheckedIOException u ? u.getCause()
                        : new IOException(c);
            }
            index = 0;
            absorbed[0] = 0;
            absorbed[1] = 0;
            absorbed[2] = 0;
        }
    }

    @Override
    public TraceDiagnostics diagnostics() {
        return diag;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cutter.interrupt();
        pool.shutdownNow();
        ready.clear();
        channel.close();
    }
}
