/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * into blocks of a few hundred KiB, only before a line that starts a record whatever precedes it
 * ({@link TraceReader#startsRecord}), so no record spans two blocks; a pool parses blocks ahead while
 * the caller consumes them, at most a few blocks in memory. What crosses blocks is done here, in order:
 * the timestamps-going-backwards check and the order of issues; line numbers are handed from block to
 * block by the parsing threads, each of which counts its block's lines first ({@link TraceReader#indexLines}).
 *
 * <p>On two cores the reading thread, the parsing threads and the caller's reconstruction all overlap:
 * the reading thread only copies the file into reused arrays and finds cut points, parsing is split
 * by block, and the caller takes finished events without copying them.
 */
public final class ParallelTraceReader implements EventStream {

    /**
     * Blocks are cut after about this many bytes: small enough that a block's array is no humongous object
     * for G1 (half a heap region of a 1 GiB heap) and that the events parsed ahead, which every young
     * collection copies, stay few.
     */
    static final int BLOCK = 256 << 10;

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
    private int change; // next entry of current.changes
    private final int[] absorbed = new int[3];
    private final int[] upTo = new int[3];
    private long lastTs = Long.MIN_VALUE;
    private long lastTsLine;
    /** Where each block handed out so far starts: the views read a record again from the nearest one. */
    private final LineMarks marks = new LineMarks();

    /** Text without a single cut point beyond this (binary data, a huge wrapped record) is read sequentially. */
    static final int MAX_CARRY = 32 << 20;

    /**
     * One parsed block: its events ({@code events[0, count)}), and where the issue counts grew, as (event
     * index, unparsed, unknown, warnings kept) for the first event produced after the growth; or, for the
     * rest of a file with no cut point left, a sequential reader of it ({@code tail}). An array, not a
     * List: the import runs on the client compiler, which does not inline a call through an interface,
     * and two of them per event cost about 1.5 % of an import.
     */
    private record Block(TraceEvent[] events, int count, int[] changes, TraceDiagnostics diag, boolean last,
            TraceReader tail, long firstLine, long offset) {
    }

    private static final TraceEvent[] NO_EVENTS = {};

    private final int maxCarry;
    /**
     * Block arrays a parse has finished with, read into again: a fresh array per block would be a
     * humongous allocation for G1 (a block is the size of a heap region) and zeroing 1 GiB of them costs
     * as much as reading the file. The queue's bound keeps the heap bounded.
     */
    private final BlockingQueue<byte[]> spare;

    private ParallelTraceReader(Path file, int threads, int blockSize, int maxCarry) throws IOException {
        this.maxCarry = maxCarry;
        channel = FileChannel.open(file, StandardOpenOption.READ);
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tdpscope-trace-parse");
            t.setDaemon(true);
            return t;
        });
        // a few small blocks ahead per thread: a burst of reconstruction work (a zap storm) does not stall
        // the parsing, and the events held stay a few MiB
        ready = new ArrayBlockingQueue<>(2 * threads + 2);
        spare = new ArrayBlockingQueue<>(2 * threads + 4);
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
        TraceReader classifier = new TraceReader();
        byte[] carry = new byte[0];
        // the first line number of the next block: known once the parse of the block before has counted
        // its lines (the first thing it does), so no pass here counts them
        CompletableFuture<Long> firstLine = CompletableFuture.completedFuture(1L);
        long offset = 0; // of data[0] in the file
        try {
            boolean eof = false;
            while (!eof && !closed) {
                // read straight into the block's array (a spare one if it is large enough), behind what
                // the last block left over
                byte[] data = spare.poll();
                if (data == null || data.length < carry.length + blockSize) {
                    data = new byte[Math.max(carry.length, blockSize / 16) + blockSize];
                }
                System.arraycopy(carry, 0, data, 0, carry.length);
                ByteBuffer buf = ByteBuffer.wrap(data, carry.length, blockSize);
                while (buf.hasRemaining()) {
                    int n = channel.read(buf);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                }
                bytesRead.addAndGet(buf.position() - carry.length);
                int filled = buf.position();
                int end = eof ? filled : cutPoint(data, filled, classifier);
                if (end < 0 && filled > maxCarry) {
                    // no record starts anywhere in 32 MiB: the rest of the file goes through one reader,
                    // streamed, beginning here (a record start), so memory stays bounded
                    java.io.InputStream rest = new java.io.SequenceInputStream(new ByteArrayInputStream(data, 0,
                            filled),
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
                    TraceReader tail = new TraceReader(rest, firstLine.get(), false);
                    ready.put(CompletableFuture.completedFuture(new Block(NO_EVENTS, 0, new int[0], tail.diagnostics(),
                            true, tail, firstLine.get(), offset)));
                    return;
                }
                if (end < 0) { // no cut in this much text: read on, the block grows
                    carry = java.util.Arrays.copyOf(data, filled);
                    continue;
                }
                carry = java.util.Arrays.copyOfRange(data, end, filled);
                CompletableFuture<Long> start = firstLine;
                CompletableFuture<Long> next = new CompletableFuture<>();
                firstLine = next;
                byte[] block = data;
                int len = end;
                boolean last = eof;
                long at = offset;
                offset += end;
                submit(pool.submit(() -> {
                    try {
                        return parse(block, len, start, next, at);
                    } catch (Throwable t) {
                        next.completeExceptionally(t); // the blocks after it must not wait for ever
                        throw t;
                    } finally {
                        spare.offer(block); // no event refers to it: strings are copies
                    }
                }), last);
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
                complete(new Block(b.events(), b.count(), b.changes(), b.diag(), true, null, b.firstLine(),
                        b.offset()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                completeExceptionally(e);
            } catch (ExecutionException e) {
                completeExceptionally(e.getCause());
            }
        }
    }

    /**
     * Where to end the block {@code data[0, len)}: the start of the last whole line in its last quarter that
     * starts a record, so little is carried over to the next block; -1 if none does (a block of wrapped or
     * odd lines grows until one does).
     */
    private static int cutPoint(byte[] data, int len, TraceReader classifier) {
        int from = Math.max(0, len - len / 4);
        int e = len; // end of the line after the LF at i, once known
        for (int i = len - 1; i >= from; i--) {
            byte b = data[i];
            if (b == '\r') {
                e = i;
            } else if (b == '\n') {
                int s = i + 1;
                if (e < len && e - s > 0 && e - s <= TraceReader.MAX_LINE
                        && classifier.startsRecord(new String(data, s, e - s, StandardCharsets.UTF_8))) {
                    return s;
                }
                e = i;
            }
        }
        return -1;
    }

    /** Line terminators in data[0, end): LF, CRLF and a lone CR each end one line, as the reader counts. */
    static long lines(byte[] data, int end) {
        // eight bytes at a time while there is no CR (text files rarely have one); the exact loop otherwise
        long n = 0;
        int i = 0;
        long lf = ByteStrings.ONES * '\n';
        long cr = ByteStrings.ONES * '\r';
        for (; i + 8 <= end; i += 8) {
            long w = (long) ByteStrings.LONGS.get(data, i);
            if (ByteStrings.equalBytes(w, cr) != 0) {
                break;
            }
            n += Long.bitCount(ByteStrings.equalBytes(w, lf));
        }
        for (; i < end; i++) {
            byte b = data[i];
            if (b == '\n') {
                n++;
            } else if (b == '\r' && (i + 1 >= end || data[i + 1] != '\n')) {
                n++;
            }
        }
        return n;
    }

    /**
     * Parses one block: indexes its lines, waits for its first line number (the blocks before are
     * parsed on other threads, and started earlier), hands on the next block's, then reads its events.
     */
    private static Block parse(byte[] data, int len, CompletableFuture<Long> start, CompletableFuture<Long> next,
            long offset) throws IOException, InterruptedException, ExecutionException {
        TraceReader r = new TraceReader(data, len, 1, false);
        int lines = r.indexLines();
        long firstLine = start.get();
        next.complete(firstLine + (lines >= 0 ? lines : lines(data, len)));
        r.firstLine(firstLine);
        // sized by bytes, not lines: a block of blank or stack lines holds few events
        TraceEvent[] events = new TraceEvent[Math.max(16, len / 120)];
        int count = 0;
        int[] changes = new int[0];
        int n = 0;
        int seen = 0;
        TraceDiagnostics d = r.diagnostics();
        for (TraceEvent e = r.next(); e != null; e = r.next()) {
            int total = d.keptTotal();
            if (total != seen) { // issues met before this event: handed on just before it
                seen = total;
                if (n + 4 > changes.length) {
                    changes = java.util.Arrays.copyOf(changes, Math.max(16, changes.length * 2));
                }
                int[] kept = d.kept();
                changes[n] = count;
                System.arraycopy(kept, 0, changes, n + 1, 3);
                n += 4;
            }
            if (count == events.length) {
                events = java.util.Arrays.copyOf(events, 2 * count);
            }
            events[count++] = e;
        }
        return new Block(events, count, java.util.Arrays.copyOf(changes, n), d, false, null, firstLine, offset);
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
            } else if (current != null && index < current.count()) {
                int[] ch = current.changes();
                if (change < ch.length && ch[change] == index) {
                    upTo[0] = ch[change + 1];
                    upTo[1] = ch[change + 2];
                    upTo[2] = ch[change + 3];
                    diag.absorbIssues(current.diag(), absorbed, upTo);
                    change += 4;
                }
                e = current.events()[index];
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
            marks.add(current.firstLine(), current.offset());
            index = 0;
            change = 0;
            absorbed[0] = 0;
            absorbed[1] = 0;
            absorbed[2] = 0;
        }
    }

    /** Where the blocks handed out so far start in the file (line, byte offset). */
    LineMarks lineMarks() {
        return marks;
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
