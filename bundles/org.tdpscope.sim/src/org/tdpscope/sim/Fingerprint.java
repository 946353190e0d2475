/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.List;

/**
 * A 64-bit hash of a simulation's state between schedule steps, for the schedule explorer. Two
 * flavours: {@code exact} names roots by creation id and includes the walkers' history and the
 * violations so far (equal fingerprints: equal futures and equal outcomes); {@code symmetric}
 * names live roots by the order in which the hash meets them, forgets freed roots and counters
 * that only feed reports or timeouts (restart count, mmu_valid_gen, history), so a walk that goes
 * round in circles through ever new roots revisits the same symmetric state.
 */
final class Fingerprint {

    /** Which flavours this pass computes: the explorer wants both of each state, in one walk over it. */
    private final boolean sym;
    private final boolean ex;
    /** Symmetric: the live roots met so far, in order; a root's name is its index (a scan: there are few). */
    private Root[] met;
    private int metCount;
    private long hs = SEED;
    private long he = SEED;

    private static final long SEED = 0x243F6A8885A308D3L;

    Fingerprint(boolean symmetric) {
        this(symmetric, !symmetric);
    }

    /** Computing the symmetric hash, the exact one, or both ({@link #symmetricValue}, {@link #exactValue}). */
    Fingerprint(boolean symmetric, boolean exact) {
        this.sym = symmetric;
        this.ex = exact;
        this.met = symmetric ? new Root[8] : null;
    }

    /** The splitmix64 finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * One value into a running hash: the 128-bit product of the two folded to 64 bits (wyhash's "mum"), one
     * multiply where splitmix's finalizer took two in a row; a state takes in some 150 values, both flavours at
     * once. The finalizer still ends each hash ({@link #value}).
     */
    private static long step(long h, long v) {
        long x = Long.rotateLeft(h, 23) ^ v;
        return x * 0x9E3779B97F4A7C15L ^ Math.multiplyHigh(x, 0x9E3779B97F4A7C15L);
    }

    Fingerprint add(long v) {
        if (sym) {
            hs = step(hs, v);
        }
        if (ex) {
            he = step(he, v);
        }
        return this;
    }

    /** Only in the exact hash: what the symmetric one leaves out (report-only counters, history). */
    Fingerprint addExact(long v) {
        if (ex) {
            he = step(he, v);
        }
        return this;
    }

    /** Whether the exact hash is computed (parts only it takes in need not be gathered otherwise). */
    boolean exact() {
        return ex;
    }

    Fingerprint add(boolean b) {
        return add(b ? 1 : 0);
    }

    Fingerprint add(String s) {
        return add(s == null ? -7 : s.hashCode());
    }

    /** The last role hashed and its hash: a state has few roles, and a record's hashCode is not cheap. */
    private RootRole lastRole;
    private int lastRoleHash;

    /** A root's role (by value). */
    Fingerprint role(RootRole r) {
        if (r != lastRole) {
            lastRoleHash = r == null ? 0 : r.hashCode();
            lastRole = r;
        }
        return add(lastRoleHash);
    }

    /**
     * A root's name in this hash: its id, or (symmetric) its order of first appearance; freed roots are all alike but
     * for their invalid flag (see below).
     */
    Fingerprint root(Root r) {
        if (r == null) {
            return add(-2);
        }
        if (ex) {
            he = step(he, r.id());
            if (r.state == Root.State.FREED) {
                // on no list, so hashed nowhere else; whoever still holds it reads it (a walk whose prev was
                // freed while it yielded restarts, or goes on through it)
                he = step(he, r.invalid ? -9 : -8);
            }
        }
        if (sym) {
            hs = step(hs, symmetricName(r));
        }
        return this;
    }

    private int symmetricName(Root r) {
        if (r.state == Root.State.FREED) {
            return r.invalid ? -9 : -1; // freed roots are alike but for the flag a holder still reads
        }
        int n = 0;
        while (n < metCount && met[n] != r) {
            n++;
        }
        if (n == metCount) {
            if (metCount == met.length) {
                met = java.util.Arrays.copyOf(met, metCount * 2);
            }
            met[metCount++] = r;
        }
        return n;
    }

    /** Roots in order; symmetric: only the live ones (a freed root no longer changes what can happen). */
    Fingerprint roots(List<Root> roots) {
        return roots(roots, 0, roots.size());
    }

    /** {@link #roots(List)} of {@code roots[from, to)}, without a view of the list. */
    Fingerprint roots(List<Root> roots, int from, int to) {
        int live = 0;
        for (int i = from; i < to; i++) {
            Root r = roots.get(i);
            if (r == null || r.state != Root.State.FREED) {
                root(r);
                live++;
            } else if (ex) {
                he = step(he, r.id());
            }
        }
        if (ex) {
            he = step(he, to - from);
        }
        if (sym) {
            hs = step(hs, live);
        }
        return this;
    }

    /** The hash of one flavour (the one asked for at construction). */
    long value() {
        return mix(sym ? hs : he);
    }

    long symmetricValue() {
        return mix(hs);
    }

    long exactValue() {
        return mix(he);
    }
}
