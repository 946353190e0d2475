/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

/**
 * The explorer's visited states, shared by its workers: per exact state hash, the best way it was
 * reached so far (depth, yields, sleep set, and the order of the path among paths of the same
 * length). Striped locks; with two workers they hardly ever meet.
 */
final class VisitedStates {

    private static final int STRIPES = 64;
    private final LongLongMap[] how = new LongLongMap[STRIPES];
    private final LongLongMap[] order = new LongLongMap[STRIPES];

    VisitedStates() {
        for (int i = 0; i < STRIPES; i++) {
            how[i] = new LongLongMap();
            order[i] = new LongLongMap();
        }
    }

    /**
     * Records a visit of {@code state} at {@code depth} with {@code yields} yields, sleep set {@code sleep}, along a
     * path whose {@code pathOrder} orders it among paths of the same length (see {@code Explorer}). Returns true if
     * the search can skip it: an earlier visit came no deeper, with no more yields, a sleep set no larger, and, at
     * the same depth, along a path that comes first. Cutting same-depth visits only in path order is what keeps the
     * shortest counterexamples the same whichever worker gets somewhere first.
     */
    boolean visit(long state, int depth, int yields, long sleep, long pathOrder, boolean prune) {
        int s = (int) (state ^ state >>> 29) & (STRIPES - 1);
        long packed = (long) depth << 48 | (long) Math.min(yields, 0xFFFF) << 32 | sleep & 0xFFFFFFFFL;
        LongLongMap h = how[s];
        synchronized (h) {
            long stored = h.get(state, -1);
            if (stored != -1 && prune) {
                int sd = (int) (stored >>> 48);
                int sy = (int) (stored >>> 32 & 0xFFFF);
                long ss = stored & 0xFFFFFFFFL;
                if (sy <= yields && (ss & ~sleep) == 0
                        && (sd < depth || sd == depth && Long.compareUnsigned(order[s].get(state, 0), pathOrder) <= 0)) {
                    return true;
                }
            }
            h.put(state, packed);
            order[s].put(state, pathOrder);
            return false;
        }
    }

    long size() {
        long n = 0;
        for (LongLongMap h : how) {
            synchronized (h) {
                n += h.size();
            }
        }
        return n;
    }
}
