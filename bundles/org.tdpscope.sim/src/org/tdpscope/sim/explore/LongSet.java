/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

/**
 * A set of longs in one primitive open-addressing array (key 0 is remapped to 1, as the visited states do), for the
 * distinct end states of an outcome. Starts small: an exploration has hundreds of outcomes, most with few states.
 */
final class LongSet {

    private long[] keys = new long[16];
    private int size;

    private static long norm(long k) {
        return k == 0 ? 1 : k;
    }

    /** Adds {@code k}; true if it was not there. */
    boolean add(long k) {
        k = norm(k);
        int mask = keys.length - 1;
        int i = (int) (k ^ (k >>> 32)) & mask;
        while (keys[i] != 0) {
            if (keys[i] == k) {
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        if (++size * 4L > keys.length * 3L) {
            grow();
        }
        return true;
    }

    private void grow() {
        long[] old = keys;
        keys = new long[old.length * 2];
        int mask = keys.length - 1;
        for (long k : old) {
            if (k != 0) {
                int i = (int) (k ^ (k >>> 32)) & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
            }
        }
    }

    int size() {
        return size;
    }

    void addAllTo(LongSet other) {
        for (long k : keys) {
            if (k != 0) {
                other.add(k);
            }
        }
    }

    /** The elements, in no particular order. */
    long[] toArray() {
        long[] out = new long[size];
        int j = 0;
        for (long k : keys) {
            if (k != 0) {
                out[j++] = k;
            }
        }
        return out;
    }
}
