/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.util.Arrays;

/** An open-addressing long to long map (key 0 is remapped), for the explorer's visited states. */
final class LongLongMap {

    private long[] keys = new long[1 << 12];
    private long[] values = new long[1 << 12];
    private int size;

    private static long norm(long k) {
        return k == 0 ? 1 : k;
    }

    private int slot(long k) {
        int mask = keys.length - 1;
        int i = (int) (k ^ (k >>> 32)) & mask;
        while (keys[i] != 0 && keys[i] != k) {
            i = (i + 1) & mask;
        }
        return i;
    }

    boolean contains(long k) {
        return keys[slot(norm(k))] != 0;
    }

    /** The value for {@code k}, or {@code absent}. */
    long get(long k, long absent) {
        int i = slot(norm(k));
        return keys[i] == 0 ? absent : values[i];
    }

    void put(long k, long v) {
        k = norm(k);
        int i = slot(k);
        if (keys[i] == 0) {
            keys[i] = k;
            size++;
            if (size * 2 > keys.length) {
                values[i] = v;
                grow();
                return;
            }
        }
        values[i] = v;
    }

    private void grow() {
        long[] ok = keys;
        long[] ov = values;
        keys = new long[ok.length * 2];
        values = new long[ok.length * 2];
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != 0) {
                int i = slot(ok[j]);
                keys[i] = ok[j];
                values[i] = ov[j];
            }
        }
    }

    int size() {
        return size;
    }

    void addKeysTo(LongLongMap other) {
        for (long k : keys) {
            if (k != 0) {
                other.put(k, 0);
            }
        }
    }

    void clear() {
        Arrays.fill(keys, 0);
        size = 0;
    }
}
