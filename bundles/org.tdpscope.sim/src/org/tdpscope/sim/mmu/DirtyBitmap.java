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
    private final Map<Long, Long> words = new HashMap<>();

    public DirtyBitmap() {
    }

    private DirtyBitmap(DirtyBitmap o) {
        words.putAll(o.words);
    }

    /** Marks page offset {@code offset} (0 to the memslot's npages - 1) dirty. */
    public void set(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative page offset " + offset);
        }
        words.merge(offset >>> 6, 1L << offset, (a, b) -> a | b);
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

    public DirtyBitmap copy() {
        return new DirtyBitmap(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirtyBitmap d && d.words.equals(words);
    }

    /** Depends on the set bits only (not on the order they were set in): part of a state's fingerprint. */
    @Override
    public int hashCode() {
        long h = 0;
        for (Map.Entry<Long, Long> e : words.entrySet()) {
            long x = e.getKey() * 0x9E3779B97F4A7C15L ^ e.getValue();
            x ^= x >>> 31;
            x *= 0xBF58476D1CE4E5B9L;
            h += x ^ x >>> 29;
        }
        return (int) (h ^ h >>> 32);
    }
}
