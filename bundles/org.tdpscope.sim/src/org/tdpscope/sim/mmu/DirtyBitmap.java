/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.HashMap;
import java.util.Map;

/**
 * A memslot's dirty bitmap, one bit a page offset, kept sparse: only the 64-bit words holding a set bit exist, so a
 * memslot of 2^36 pages with a few dirty pages costs a few words (a {@code java.util.BitSet} would be as long as
 * the highest offset, and takes int indexes only).
 */
public final class DirtyBitmap {
    /** The words; shared with copies (copy on write) while {@link #shared}. */
    private Map<Long, Long> words;
    /** Whether {@link #words} may be shared with a copy, so a change must copy it first. */
    private boolean shared;
    /** The sum of {@link #mixWord} over the words, kept up to date on every change: the hash costs nothing. */
    private long sum;

    public DirtyBitmap() {
        words = new HashMap<>();
    }

    private DirtyBitmap(DirtyBitmap o) {
        words = o.words;
        sum = o.sum;
        shared = true;
    }

    /** Marks page offset {@code offset} (0 to the memslot's npages - 1) dirty. */
    public void set(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative page offset " + offset);
        }
        Long key = offset >>> 6;
        Long old = words.get(key);
        long o = old == null ? 0 : old;
        long n = o | 1L << offset;
        if (old != null && n == o) {
            return; // already dirty: nothing changes, nothing to copy
        }
        if (shared) {
            words = new HashMap<>(words);
            shared = false;
        }
        words.put(key, n);
        sum += mixWord(key, n) - (old == null ? 0 : mixWord(key, o));
    }

    public boolean get(long offset) {
        Long w = offset < 0 ? null : words.get(offset >>> 6);
        return w != null && (w & 1L << offset) != 0;
    }

    /** Dirty pages. */
    public long cardinality() {
        long n = 0;
        for (long w : words.values()) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** 64-bit words kept: what the bitmap costs. */
    public int words() {
        return words.size();
    }

    /** An independent copy: O(1), the words are shared until either bitmap changes. */
    public DirtyBitmap copy() {
        shared = true;
        return new DirtyBitmap(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirtyBitmap d && d.words.equals(words);
    }

    /** Depends on the set bits only (not on the order they were set in): part of a state's fingerprint. */
    @Override
    public int hashCode() {
        return (int) (sum ^ sum >>> 32);
    }

    private static long mixWord(long key, long word) {
        long x = key * 0x9E3779B97F4A7C15L ^ word;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        return x ^ x >>> 29;
    }
}
