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

    private final boolean symmetric;
    /** Symmetric: the live roots met so far, in order; a root's name is its index (a scan: there are few). */
    private Root[] met = new Root[8];
    private int metCount;
    private long h = 0x243F6A8885A308D3L;

    Fingerprint(boolean symmetric) {
        this.symmetric = symmetric;
    }

    boolean symmetric() {
        return symmetric;
    }

    /** The splitmix64 finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    Fingerprint add(long v) {
        h = mix(h + 0x9E3779B97F4A7C15L ^ v) + Long.rotateLeft(h, 17);
        return this;
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

    /** A root's name in this hash: its id, or (symmetric) its order of first appearance; freed roots are all alike. */
    Fingerprint root(Root r) {
        if (r == null) {
            return add(-2);
        }
        if (!symmetric) {
            return add(r.id());
        }
        if (r.state == Root.State.FREED) {
            return add(-1);
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
        return add(n);
    }

    /** Roots in order; symmetric: only the live ones (a freed root no longer changes what can happen). */
    Fingerprint roots(List<Root> roots) {
        int n = 0;
        for (Root r : roots) {
            if (!symmetric || r.state != Root.State.FREED) {
                root(r);
                n++;
            }
        }
        return add(n);
    }

    long value() {
        return mix(h);
    }
}
