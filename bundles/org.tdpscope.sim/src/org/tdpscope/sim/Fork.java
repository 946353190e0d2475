/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bookkeeping of one {@link Simulation#fork}: which copy stands for which original root (list
 * heads included), so every reference into the root graph (list links, a walker's cursor, a vCPU's
 * root, RCU callbacks) points into the copy and never back into the original. Roots are found by
 * id (their index in creation order), list heads by identity: there are two.
 */
final class Fork {
    private Root[] from;
    private Root[] to;
    private final Root[] headFrom = new Root[2];
    private final Root[] headTo = new Root[2];
    /** The copy being built. */
    Kvm kvm;

    /** A fork of a VM that has made {@code roots} roots (ids 0 to roots - 1): the maps are sized for them. */
    Fork(int roots) {
        from = new Root[Math.max(1, roots)];
        to = new Root[from.length];
    }

    Root root(Root r) {
        if (r == null) {
            return null;
        }
        if (r.sentinel) {
            for (int i = 0; i < headFrom.length; i++) {
                if (headFrom[i] == r) {
                    return headTo[i];
                }
                if (headFrom[i] == null) {
                    headFrom[i] = r;
                    headTo[i] = r.copyUnlinked();
                    return headTo[i];
                }
            }
            throw new IllegalStateException("a third list head: " + r);
        }
        int id = r.id();
        if (id >= from.length) {
            int n = Math.max(from.length * 2, id + 1);
            from = Arrays.copyOf(from, n);
            to = Arrays.copyOf(to, n);
        }
        if (from[id] != r) {
            from[id] = r;
            to[id] = r.copyUnlinked();
        }
        return to[id];
    }

    List<Root> roots(List<Root> list) {
        List<Root> out = new ArrayList<>(list.size());
        for (Root r : list) {
            out.add(root(r));
        }
        return out;
    }

    /** Adds the copies of {@code list}'s roots to {@code into}, in order (no list in between). */
    void rootsInto(List<Root> list, List<Root> into) {
        if (into instanceof ArrayList<Root> a) {
            a.ensureCapacity(into.size() + list.size()); // one array for a VM that made many roots, no regrowing
        }
        for (int i = 0, n = list.size(); i < n; i++) {
            into.add(root(list.get(i)));
        }
    }

    /** Fixes up the list links of every root copied so far, once all of them exist. */
    void linkRoots() {
        for (int i = 0; i < from.length; i++) {
            if (from[i] != null) {
                link(from[i], to[i]);
            }
        }
        for (int i = 0; i < headFrom.length; i++) {
            if (headFrom[i] != null) {
                link(headFrom[i], headTo[i]);
            }
        }
    }

    private void link(Root original, Root copy) {
        copy.next = root(original.next);
        copy.prev = root(original.prev);
    }

    Vcpu vcpu(Vcpu v) {
        return v == null ? null : kvm.vcpus.get(v.name());
    }
}
