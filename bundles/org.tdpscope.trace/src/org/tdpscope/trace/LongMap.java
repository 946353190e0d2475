/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

/**
 * Open-addressing map from long to V. The reconstruction's keys (page-aligned host addresses, gfn
 * ranges aligned to 512^n) have zero low bits, which makes {@code Long.hashCode} collide; keys are
 * mixed here, and not boxed.
 */
final class LongMap<V> {

    private long[] keys = new long[64];
    private Object[] vals = new Object[64];
    private int size;

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ h >>> 29 ^ h >>> 47) & mask;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask);; i = i + 1 & mask) {
            Object v = vals[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                return (V) v;
            }
        }
    }

    void put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask);; i = i + 1 & mask) {
            if (vals[i] == null) {
                keys[i] = key;
                vals[i] = value;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            if (keys[i] == key) {
                vals[i] = value;
                return;
            }
        }
    }

    /** Removes {@code key} if it maps to {@code value} (identity). */
    void remove(long key, V value) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask);; i = i + 1 & mask) {
            Object v = vals[i];
            if (v == null) {
                return;
            }
            if (keys[i] == key) {
                if (v == value) {
                    deleteAt(i);
                }
                return;
            }
        }
    }

    int size() {
        return size;
    }

    /** Backward-shift deletion keeps probe chains intact without tombstones. */
    private void deleteAt(int hole) {
        int mask = keys.length - 1;
        vals[hole] = null;
        size--;
        for (int i = hole + 1 & mask; vals[i] != null; i = i + 1 & mask) {
            int home = slot(keys[i], mask);
            // move the entry into the hole if its home slot does not lie cyclically in (hole, i]
            if (hole <= i ? home <= hole || home > i : home <= hole && home > i) {
                keys[hole] = keys[i];
                vals[hole] = vals[i];
                vals[i] = null;
                hole = i;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldVals = vals;
        keys = new long[oldKeys.length * 2];
        vals = new Object[oldVals.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldVals[i] != null) {
                @SuppressWarnings("unchecked")
                V v = (V) oldVals[i];
                put(oldKeys[i], v);
            }
        }
    }

    @Override
    public String toString() {
        return "LongMap(size=" + size + ")";
    }
}
