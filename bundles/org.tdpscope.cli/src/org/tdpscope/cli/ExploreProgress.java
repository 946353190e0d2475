/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.tdpscope.sim.explore.ExploreMonitor;
import org.tdpscope.sim.explore.SearchRate;

/**
 * Keeps {@code tdpscope explore} from being silent: a progress line on stderr (once a second on a
 * terminal, every ten seconds otherwise) with distinct states, visits, the rate and the heap; a time
 * bound; and Ctrl-C or SIGTERM stop the search within a second, after which the outcomes found so far
 * are printed before the process exits (the shutdown hook waits for them).
 */
final class ExploreProgress implements ExploreMonitor {

    private final PrintStream err;
    private final long deadline;
    private final long started = System.nanoTime();
    private final SearchRate rate = new SearchRate(started);
    private final ConcurrentHashMap<Integer, long[]> perWorker = new ConcurrentHashMap<>();
    private volatile boolean cancelled;
    private volatile String why;
    private final CountDownLatch printed = new CountDownLatch(1);
    private Thread ticker;
    private Thread hook;
    /** A signal arrived: the JVM is shutting down, no further search may start. */
    private static volatile boolean signalled;

    static boolean signalled() {
        return signalled;
    }

    ExploreProgress(PrintStream err, long timeLimitMs) {
        this.err = err;
        this.deadline = timeLimitMs < 0 ? Long.MAX_VALUE : started + timeLimitMs * 1_000_000;
    }

    void start() {
        boolean terminal = System.console() != null;
        long every = terminal ? 1000 : 10_000;
        ticker = new Thread(() -> {
            long next = System.currentTimeMillis() + every;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(200);
                    if (System.nanoTime() > deadline && !cancelled) {
                        stop("the time bound (--time) was reached");
                    }
                    if (System.currentTimeMillis() >= next) {
                        err.println(line());
                        next += every;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "explore-progress");
        ticker.setDaemon(true);
        ticker.start();
        hook = new Thread(() -> {
            signalled = true;
            stop("interrupted (Ctrl-C or SIGTERM)");
            try {
                printed.await(5, TimeUnit.SECONDS); // let the partial results reach the terminal
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "explore-interrupt");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            hook = null;
            stop("interrupted (Ctrl-C or SIGTERM)");
        }
    }

    /** The search has returned and its results are printed (or about to be): no more ticks. */
    void stop() {
        if (ticker != null) {
            ticker.interrupt();
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for printed
            }
        }
    }

    /** Results are on stdout: a shutdown hook waiting for them may let the JVM exit. */
    void printed() {
        printed.countDown();
    }

    private void stop(String reason) {
        if (!cancelled) {
            why = reason;
            cancelled = true;
        }
    }

    /** Why the search stopped early. */
    String why() {
        return why == null ? "stopped" : why;
    }

    @Override
    public void progress(int worker, long visits, long distinctStates) {
        progress(worker, visits, distinctStates, -1);
    }

    @Override
    public void progress(int worker, long visits, long distinctStates, int depth) {
        perWorker.put(worker, new long[] { visits, distinctStates, depth });
    }

    @Override
    public boolean cancelled() {
        return cancelled || System.nanoTime() > deadline && stopAndTrue();
    }

    private boolean stopAndTrue() {
        stop("the time bound (--time) was reached");
        return true;
    }

    private String line() {
        long visits = 0;
        long distinct = 0;
        long depth = -1;
        for (long[] v : perWorker.values()) {
            visits += v[0];
            distinct = Math.max(distinct, v[1]); // the visited set is shared: each worker sees its size
            depth = Math.max(depth, v[2]);
        }
        long now = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        double heapGb = (rt.totalMemory() - rt.freeMemory()) / 1e9;
        return String.format(Locale.ROOT, "explore: %,d distinct states, %,d visits, %,.0f states/s (%,.0f on average),"
                + " %.0f s, heap %.2f GB%s%s", distinct, visits, rate.recent(distinct, now), rate.average(distinct, now),
                rate.seconds(now), heapGb, depth < 0 ? "" : ", at depth " + depth,
                cancelled ? " (stopping: " + why + ")" : "");
    }
}
