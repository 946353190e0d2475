/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The explorer's visited states, shared by its workers: per exact state hash, the best way it was reached so far
 * (depth, yields, sleep set, and the order of the path among paths of the same length).
 *
 * <p>Memory: open addressing over primitive arrays, linear probing, at most 3/4 full. A slot is the key and the
 * packed record: 12 bytes (a {@code long} key beside an {@code int} record) when the record fits 32 bits, which it
 * does up to about eight threads because it keeps only the path choices above the split depth (below it one worker
 * searches a subtree in path order, so the rest of the order never decides); else 16 bytes (key and record side by
 * side in a {@code long[]}, all twelve choices, up to about ten threads) or 24. 64 stripes, each with its own lock
 * and its own table, so a resize copies 1/64 of the set and needs 1/64 of it again in free heap. A table doubles
 * while that fits in its share of the budget, then grows to its share (capacities need not be powers of two: a slot
 * is found by multiplying, not masking) and fills to 7/8 there, so the budget holds up to 7/8 of its slots' worth of
 * states rather than somewhere between 3/8 and 3/4.
 *
 * <p>When the tables may not grow any further (their budget, a share of the heap's old generation, is used up, or an
 * allocation fails) the search degrades to bit-state hashing, as Spin does: states already in the tables keep their
 * exact records, a new state is looked up in a bit array by two hash functions and skipped when both bits are set.
 * The search then goes on in bounded memory but is no longer exhaustive (two states may share bits) and the
 * counterexamples no longer certainly shortest; {@link #degradedAt} says so.
 */
final class VisitedStates implements VisitedSet {

    private static final int STRIPES = 64;
    /** Path choices kept in a record's path order (see {@code Explorer}). */
    static final int ORDER_CHOICES = 12;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final int n;
    private final int depthBits;
    private final int yieldBits;
    private final int yieldCap;
    private final int orderBits;
    /** Longs per slot in a stripe's table: the key, then the record in one or two longs (none: compact). */
    private final int stride;
    /** Records in an {@code int[]} beside the keys, with only the first {@link #keptChoices} path choices. */
    private final boolean compact;
    private final int keptChoices;
    /** Bytes a slot takes. */
    private final int slotBytes;
    private final long budgetBytes;
    private long tableBytes;

    private volatile boolean degraded;
    private long[] bits;
    private long bitMask;
    private long bitStates;
    private volatile long degradedAt = -1;

    /**
     * @param threads    threads in the scenario (sleep sets and path choices have that many values)
     * @param maxDepth   the deepest a state is visited at
     * @param maxYields  yields beyond this cut the run: larger counts are stored as this plus one (same pruning)
     * @param budget     bytes the tables may take before the search degrades to bit-state hashing
     */
    VisitedStates(int threads, int maxDepth, int maxYields, long budget) {
        this(threads, maxDepth, maxYields, budget, ORDER_CHOICES);
    }

    /**
     * As above; {@code splitDepth}: the depth the search is cut into subtrees at, each searched by one worker in
     * path order (the order of the choices above it is all that must be kept).
     */
    VisitedStates(int threads, int maxDepth, int maxYields, long budget, int splitDepth) {
        n = Math.max(1, threads);
        orderBits = choiceBits(n);
        depthBits = 64 - Long.numberOfLeadingZeros(Math.max(1, maxDepth));
        yieldCap = maxYields == Integer.MAX_VALUE ? Integer.MAX_VALUE : maxYields + 1;
        yieldBits = yieldCap == Integer.MAX_VALUE ? 32 : 64 - Long.numberOfLeadingZeros(Math.max(1, yieldCap));
        keptChoices = Math.max(0, Math.min(ORDER_CHOICES, splitDepth));
        compact = keptChoices < ORDER_CHOICES && keptChoices * orderBits + n + depthBits + yieldBits <= 32;
        stride = compact ? 1 : ORDER_CHOICES * orderBits + n + depthBits + yieldBits <= 64 ? 2 : 3;
        slotBytes = stride * 8 + (compact ? 4 : 0);
        budgetBytes = budget;
        // 1,024 slots a stripe to start with (about 1 MB in all), fewer when the budget is smaller than that
        int slots = (int) Math.max(16, Math.min(1024, Long.highestOneBit(Math.max(1, budget / (STRIPES * slotBytes)))));
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(new long[slots * stride], compact ? new int[slots] : null);
            tableBytes += (long) slots * slotBytes;
        }
    }

    /** Bits per thread choice in a path order. */
    static int choiceBits(int threads) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, threads) - 1));
    }

    /**
     * The default budget of the tables, or the bytes given by the system property
     * {@code tdpscope.explore.visitedBudget} (e.g. {@code 512m}, {@code 2g}): 80% of the old generation (where the
     * tables live: the collector keeps the rest for the forks and outcomes it promotes), at most 68% of the maximum
     * heap (the young generation and everything else). With {@code -Xmx4g -XX:NewRatio=4} and the parallel collector
     * (the launcher's flags for {@code explore}) that is 2.7 GB, about 199 M states; with the default young
     * generation (a third of the heap) 2.3 GB.
     */
    static long defaultBudget() {
        String p = System.getProperty("tdpscope.explore.visitedBudget");
        if (p != null && p.matches("\\d+[kmgKMG]?")) {
            char u = Character.toLowerCase(p.charAt(p.length() - 1));
            long unit = u == 'k' ? 1L << 10 : u == 'm' ? 1L << 20 : u == 'g' ? 1L << 30 : 1;
            return Long.parseLong(Character.isDigit(u) ? p : p.substring(0, p.length() - 1)) * unit;
        }
        long max = Runtime.getRuntime().maxMemory();
        if (max == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long old = oldGenerationMax();
        return old > 0 ? Math.min(old / 10 * 8, max / 100 * 68) : max / 100 * 68;
    }

    /** The maximum size of the heap's old generation ({@code -1}: a collector without one, e.g. ZGC). */
    static long oldGenerationMax() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP && (name.contains("Old Gen") || name.contains("Tenured"))) {
                return pool.getUsage().getMax();
            }
        }
        return -1;
    }

    private static final class Stripe {
        long[] table;
        /** Compact layout: slot i's record. */
        int[] recs;
        int size;
        /** At its share of the budget: no more growth, filled to 7/8 (probing gets longer, only at the end). */
        boolean atShare;

        Stripe(long[] table, int[] recs) {
            this.table = table;
            this.recs = recs;
        }
    }

    private static long norm(long k) {
        return k == 0 ? 1 : k;
    }

    /** The home slot of {@code key} in a table of {@code slots} slots (any count: multiply-shift, not a mask). */
    private static int home(long key, int slots) {
        return (int) (((key ^ key >>> 32) & 0xFFFFFFFFL) * slots >>> 32);
    }

    /**
     * Records a visit of {@code state} at {@code depth} with {@code yields} yields, sleep set {@code sleep}, along a
     * path whose {@code pathOrder} orders it among paths of the same length (see {@code Explorer}). Returns true if
     * the search can skip it: an earlier visit came no deeper, with no more yields, a sleep set no larger, and, at
     * the same depth, along a path that comes first. Cutting same-depth visits only in path order is what keeps the
     * shortest counterexamples the same whichever worker gets somewhere first.
     */
    @Override
    public boolean visit(long state, int depth, int yields, long sleep, long pathOrder, boolean prune) {
        long key = norm(state);
        Stripe s = stripes[(int) (state ^ state >>> 29) & (STRIPES - 1)];
        int y = Math.min(yields, yieldCap);
        synchronized (s) {
            long[] t = s.table;
            int slots = t.length / stride;
            int i = home(key, slots);
            long k;
            while ((k = t[i * stride]) != 0 && k != key) {
                i = ++i == slots ? 0 : i;
            }
            int at = i * stride;
            if (k != 0) {
                if (prune) {
                    int sd;
                    int sy;
                    long ss;
                    long so;
                    if (compact) {
                        long a = s.recs[i] & 0xFFFFFFFFL;
                        ss = a & lowMask(n);
                        sy = (int) (a >>> n & lowMask(yieldBits));
                        sd = (int) (a >>> n + yieldBits & lowMask(depthBits));
                        so = a >>> n + yieldBits + depthBits;
                    } else if (stride == 2) {
                        long a = t[at + 1];
                        ss = a & lowMask(n);
                        sy = (int) (a >>> n & lowMask(yieldBits));
                        sd = (int) (a >>> n + yieldBits & lowMask(depthBits));
                        so = a >>> n + yieldBits + depthBits;
                    } else {
                        long b = t[at + 2];
                        so = t[at + 1];
                        sd = (int) (b >>> 48);
                        sy = (int) (b >>> 32 & 0xFFFF);
                        ss = b & 0xFFFFFFFFL;
                    }
                    if (sy <= y && (ss & ~sleep) == 0
                            && (sd < depth || sd == depth
                                    && Long.compareUnsigned(so, compact ? kept(pathOrder) : pathOrder) <= 0)) {
                        return true;
                    }
                }
                write(s, i, depth, y, sleep, pathOrder);
                return false;
            }
            if (degraded) {
                return bitVisit(key);
            }
            boolean full = s.atShare ? (s.size + 1) * 8L > slots * 7L : (s.size + 1) * 4L > slots * 3L;
            if (full && (s.atShare || !grow(s))) {
                synchronized (this) {
                    degrade();
                }
                return bitVisit(key);
            }
            if (s.table != t) {
                t = s.table;
                slots = t.length / stride;
                i = home(key, slots);
                while (t[i * stride] != 0) {
                    i = ++i == slots ? 0 : i;
                }
                at = i * stride;
            }
            t[at] = key;
            s.size++;
            write(s, i, depth, y, sleep, pathOrder);
            return false;
        }
    }

    private static long lowMask(int bits) {
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }

    /** The first {@link #keptChoices} choices of a path order (of {@link #ORDER_CHOICES}, first choice highest). */
    private long kept(long pathOrder) {
        return pathOrder >>> (ORDER_CHOICES - keptChoices) * orderBits;
    }

    private void write(Stripe s, int i, int depth, int yields, long sleep, long pathOrder) {
        long[] t = s.table;
        int at = i * stride;
        if (compact) {
            s.recs[i] = (int) (kept(pathOrder) << n + yieldBits + depthBits | (long) depth << n + yieldBits
                    | (long) yields << n | sleep & lowMask(n));
        } else if (stride == 2) {
            t[at + 1] = pathOrder << n + yieldBits + depthBits | (long) depth << n + yieldBits | (long) yields << n
                    | sleep & lowMask(n);
        } else {
            t[at + 1] = pathOrder;
            t[at + 2] = (long) depth << 48 | (long) Math.min(yields, 0xFFFF) << 32 | sleep & 0xFFFFFFFFL;
        }
    }

    /**
     * Doubles a stripe's table, or when that would pass the stripe's share of the budget grows it to the share (then
     * it is {@code atShare}, and is let fill to 7/8 before the set degrades); false when it cannot grow at all (its
     * share reached, the heap out): degrade.
     */
    private boolean grow(Stripe s) {
        long[] old = s.table;
        int oldSlots = old.length / stride;
        long share = budgetBytes / STRIPES / slotBytes; // slots a stripe may have
        long slots = Math.min((long) oldSlots * 2, Math.min(share, (Integer.MAX_VALUE - 8) / stride));
        if (slots < (long) oldSlots * 2) {
            s.atShare = true;
            if (slots < oldSlots + oldSlots / 8) {
                return true; // not worth a copy: fill this table to 7/8
            }
        }
        long more = (slots - oldSlots) * slotBytes;
        synchronized (this) {
            if (degraded || tableBytes + more > budgetBytes) {
                return false;
            }
            tableBytes += more;
        }
        long[] t;
        int[] recs = null;
        try {
            t = new long[(int) slots * stride];
            recs = compact ? new int[(int) slots] : null;
        } catch (OutOfMemoryError e) {
            synchronized (this) {
                tableBytes -= more;
            }
            return false;
        }
        int cap = (int) slots;
        for (int j = 0; j < old.length; j += stride) {
            long k = old[j];
            if (k != 0) {
                int i = home(k, cap);
                while (t[i * stride] != 0) {
                    i = ++i == cap ? 0 : i;
                }
                System.arraycopy(old, j, t, i * stride, stride);
                if (recs != null) {
                    recs[i] = s.recs[j / stride];
                }
            }
        }
        s.table = t;
        s.recs = recs;
        return true;
    }

    /** Switches to bit-state hashing for new states: a bit array of a quarter of what the heap has left. */
    private synchronized void degrade() {
        if (degraded) {
            return;
        }
        long exact = 0;
        for (Stripe s : stripes) {
            exact += s.size; // a stale read at worst: only the figure reported
        }
        Runtime rt = Runtime.getRuntime();
        long left = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long longs = Long.highestOneBit(Math.max(1 << 16, Math.min(left / 4 / 8, 1L << 30)));
        while (bits == null) {
            try {
                bits = new long[(int) Math.min(longs, Integer.MAX_VALUE - 8)];
            } catch (OutOfMemoryError e) {
                if (longs <= 1 << 10) {
                    throw e;
                }
                longs >>= 1;
            }
        }
        bitMask = (long) bits.length * 64 - 1;
        degradedAt = exact;
        degraded = true;
    }

    /** A new state under bit-state hashing: true (skip) when both its bits were set already. */
    private boolean bitVisit(long key) {
        long h1 = mix(key);
        long h2 = mix(key ^ 0x9E3779B97F4A7C15L);
        synchronized (bits) {
            long b1 = h1 & bitMask;
            long b2 = h2 & bitMask;
            boolean seen = (bits[(int) (b1 >>> 6)] & 1L << b1) != 0 && (bits[(int) (b2 >>> 6)] & 1L << b2) != 0;
            if (!seen) {
                bits[(int) (b1 >>> 6)] |= 1L << b1;
                bits[(int) (b2 >>> 6)] |= 1L << b2;
                bitStates++;
            }
            return seen;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Distinct states: exactly, or (degraded) the exact ones plus those bit-state hashing took for new. */
    @Override
    public long size() {
        long n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.size;
            }
        }
        if (degraded) {
            synchronized (bits) {
                n += bitStates;
            }
        }
        return n;
    }

    /** Distinct states held exactly when the search degraded to bit-state hashing, or -1 (it did not). */
    @Override
    public long degradedAt() {
        return degradedAt;
    }

    /** Bytes of the bit array of bit-state hashing (0: not degraded). */
    long bitStateBytes() {
        return degraded ? (long) bits.length * 8 : 0;
    }

    /** Bytes the exact tables take. */
    synchronized long tableBytes() {
        return tableBytes;
    }
}
