/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.tdpscope.sim.explore.VisitedSet;

import com.hazelcast.map.IMap;

/**
 * The visited states of a cluster search: a map partitioned by state hash over the members, each visit checked and
 * recorded on the state's owner in one step ({@link VisitProcessor}), in front of it a cache of this member's own
 * records and of those it was pruned by. A cache hit that dominates the visit skips it without a round trip: the
 * record came from a visit started before (here or on another member), which is all the rule asks; the cache may
 * forget anything (a stripe is cleared when full), it only saves round trips.
 *
 * <p>It counts the visits it checks and the states it adds, which the members publish for the coordinator's progress
 * line (the explorer reports its own figures only every few thousand visits, seconds apart in a cluster). Once the
 * search is stopped it answers every visit "skip" without a round trip, so a search thread unwinds at once instead of
 * at its next look at the monitor, and sends back what it found.
 */
final class ClusterVisited implements VisitedSet {

    private static final int STRIPES = 64;

    private final IMap<Long, long[]> map;
    /** Record a node's children in one call (see {@code Explorer}); off: one call per visit. */
    private final boolean batching = !Boolean.getBoolean("tdpscope.cluster.noBatch");
    private final int yieldCap;
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final int stripeSlots;
    private final AtomicLong sizeAt = new AtomicLong();
    private volatile long size;
    final AtomicLong remote = new AtomicLong();
    final AtomicLong cacheHits = new AtomicLong();
    /** States this member added to the map (each by one of the visits counted in remote). */
    private final AtomicLong created = new AtomicLong();
    private final BooleanSupplier stopped;

    private static final class Stripe {
        /** key, then {@code depth << 48 | yields << 32 | sleep}, then the path order. */
        long[] t;
        int used;
    }

    /**
     * @param cacheBytes what the cache of records may take on this member
     * @param stopped    true once the search is cancelled or abandoned (null: never)
     */
    ClusterVisited(IMap<Long, long[]> map, int maxYields, long cacheBytes, BooleanSupplier stopped) {
        this.map = map;
        this.stopped = stopped == null ? () -> false : stopped;
        yieldCap = maxYields == Integer.MAX_VALUE ? Integer.MAX_VALUE : maxYields + 1;
        stripeSlots = (int) Math.max(64, Long.highestOneBit(Math.min(1L << 24, cacheBytes / STRIPES / 24)));
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    private static long norm(long k) {
        return k == 0 ? 1 : k; // as VisitedStates: the distinct-state totals agree
    }

    @Override
    public boolean visit(long state, int depth, int yields, long sleep, long pathOrder, boolean prune) {
        if (stopped.getAsBoolean()) {
            return true; // stopped: unwind (nothing is recorded, nothing more is searched)
        }
        long key = norm(state);
        int y = Math.min(Math.min(yields, yieldCap), 0xFFFF);
        if (prune) {
            long[] cached = cached(key);
            if (cached != null && VisitProcessor.dominates(cached, depth, y, sleep, pathOrder)) {
                cacheHits.incrementAndGet();
                return true;
            }
        }
        remote.incrementAndGet();
        long[] by = map.executeOnKey(key, new VisitProcessor(depth, y, sleep, pathOrder, prune));
        boolean skip = by != null && by.length > 0;
        if (by == null) {
            created.incrementAndGet();
        }
        cache(key, skip ? by : new long[] { depth, y, sleep, pathOrder });
        return skip;
    }

    @Override
    public boolean batches() {
        return batching;
    }

    @Override
    public void visitAll(int n, long[] states, int depth, int[] yields, long[] sleeps, long[] orders, boolean prune,
            boolean[] skip) {
        if (stopped.getAsBoolean()) {
            java.util.Arrays.fill(skip, 0, n, true);
            return;
        }
        int m = 0;
        long[] keys = new long[n];
        int[] ys = new int[n];
        long[] ss = new long[n];
        long[] os = new long[n];
        int[] at = new int[n];
        for (int k = 0; k < n; k++) {
            long key = norm(states[k]);
            int y = Math.min(Math.min(yields[k], yieldCap), 0xFFFF);
            skip[k] = false;
            if (prune) {
                long[] cached = cached(key);
                if (cached != null && VisitProcessor.dominates(cached, depth, y, sleeps[k], orders[k])) {
                    cacheHits.incrementAndGet();
                    skip[k] = true;
                    continue;
                }
            }
            keys[m] = key;
            ys[m] = y;
            ss[m] = sleeps[k];
            os[m] = orders[k];
            at[m++] = k;
        }
        if (m == 0) {
            return;
        }
        if (m == 1) {
            skip[at[0]] = visit(states[at[0]], depth, yields[at[0]], sleeps[at[0]], orders[at[0]], prune);
            return;
        }
        remote.addAndGet(m);
        // all m checks in flight at once, each on its state's owner: the wait is one round trip, not m
        @SuppressWarnings("unchecked")
        java.util.concurrent.CompletableFuture<long[]>[] fs = new java.util.concurrent.CompletableFuture[m];
        for (int q = 0; q < m; q++) {
            fs[q] = map.submitToKey(keys[q], new VisitProcessor(depth, ys[q], ss[q], os[q], prune))
                    .toCompletableFuture();
        }
        for (int q = 0; q < m; q++) {
            long[] r = fs[q].join();
            boolean skipped = r != null && r.length > 0;
            if (r == null) {
                created.incrementAndGet();
            }
            skip[at[q]] = skipped;
            cache(keys[q], skipped ? r : new long[] { depth, ys[q], ss[q], os[q] });
        }
    }

    private Stripe stripe(long key) {
        return stripes[(int) (key ^ key >>> 29) & (STRIPES - 1)];
    }

    private long[] cached(long key) {
        Stripe s = stripe(key);
        synchronized (s) {
            long[] t = s.t;
            if (t == null) {
                return null;
            }
            int mask = t.length / 3 - 1;
            for (int i = (int) (key ^ key >>> 32) & mask;; i = (i + 1) & mask) {
                long k = t[i * 3];
                if (k == 0) {
                    return null;
                }
                if (k == key) {
                    long b = t[i * 3 + 1];
                    return new long[] { b >>> 48, b >>> 32 & 0xFFFF, b & 0xFFFFFFFFL, t[i * 3 + 2] };
                }
            }
        }
    }

    private void cache(long key, long[] r) {
        Stripe s = stripe(key);
        synchronized (s) {
            if (s.t == null) {
                s.t = new long[64 * 3];
            } else if (s.used * 4L >= s.t.length / 3 * 3L) {
                // double up to the stripe's share, then start over: a cache may forget
                long[] old = s.t;
                s.t = new long[old.length / 3 < stripeSlots ? old.length * 2 : old.length];
                s.used = 0;
                if (s.t.length > old.length) {
                    for (int j = 0; j < old.length; j += 3) {
                        if (old[j] != 0) {
                            put(s, old[j], old[j + 1], old[j + 2]);
                        }
                    }
                }
            }
            put(s, key, r[0] << 48 | r[1] << 32 | r[2] & 0xFFFFFFFFL, r[3]);
        }
    }

    private static void put(Stripe s, long key, long packed, long order) {
        long[] t = s.t;
        int mask = t.length / 3 - 1;
        int i = (int) (key ^ key >>> 32) & mask;
        while (t[i * 3] != 0 && t[i * 3] != key) {
            i = (i + 1) & mask;
        }
        if (t[i * 3] == 0) {
            s.used++;
        }
        t[i * 3] = key;
        t[i * 3 + 1] = packed;
        t[i * 3 + 2] = order;
    }

    /** The map's size, at most a second old (progress asks often; counting asks every member). */
    @Override
    public long size() {
        long now = System.nanoTime();
        long at = sizeAt.get();
        if (now - at > 1_000_000_000L && sizeAt.compareAndSet(at, now)) {
            size = map.size();
        }
        return size;
    }

    /**
     * {@code {visits checked, states added}} by this member so far: the second never passes the first (each added
     * state is one checked visit), the explorer's visits are at least the first (cycles are visits not checked).
     */
    long[] figures() {
        long added = created.get(); // read first: a state is counted as checked before it is counted as added
        return new long[] { remote.get() + cacheHits.get(), added };
    }

    IMap<Long, long[]> map() {
        return map;
    }

    /** The exact count of distinct states: every member's share of the map. */
    long exactSize() {
        return map.size();
    }
}
