/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping of one {@link Simulation#fork}: which copy stands for which original root (list
 * heads included), so every reference into the root graph (list links, a walker's cursor, a vCPU's
 * root, RCU callbacks) points into the copy and never back into the original.
 */
final class Fork {
    private final Map<Root, Root> roots = new IdentityHashMap<>();
    /** The copy being built. */
    Kvm kvm;

    Root root(Root r) {
        if (r == null) {
            return null;
        }
        Root c = roots.get(r);
        if (c == null) {
            c = r.copyUnlinked();
            roots.put(r, c);
        }
        return c;
    }

    List<Root> roots(List<Root> list) {
        List<Root> out = new ArrayList<>(list.size());
        for (Root r : list) {
            out.add(root(r));
        }
        return out;
    }

    /** Fixes up the list links of every root copied so far, once all of them exist. */
    void linkRoots() {
        for (Map.Entry<Root, Root> e : new ArrayList<>(roots.entrySet())) {
            e.getValue().next = root(e.getKey().next);
            e.getValue().prev = root(e.getKey().prev);
        }
    }

    Vcpu vcpu(Vcpu v) {
        return v == null ? null : kvm.vcpus.get(v.name());
    }
}
