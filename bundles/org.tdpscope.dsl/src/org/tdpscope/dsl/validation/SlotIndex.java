/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.resource.XtextResource;
import org.tdpscope.dsl.scoping.TdpScopeProvider;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.MoveSlot;

/**
 * Where a scenario's memslots are or may be moved to, as intervals sorted by start with the furthest end so far,
 * so "is this gfn (range) in some memslot" is a binary search rather than a scan of the scenario: validating
 * 40,000 faults over 32,768 memslots stays linear. Built once per parse (the resource's cache is emptied on every
 * change).
 */
final class SlotIndex {
    private final long[] starts;
    /** Per interval, the greatest end among it and those sorted before it. */
    private final long[] maxEnds;
    /** The VM's EPT levels (4 or 5). */
    final int tdpLevels;

    private SlotIndex(List<long[]> intervals, int tdpLevels) {
        this.tdpLevels = tdpLevels;
        intervals.sort((a, b) -> Long.compare(a[0], b[0]));
        starts = new long[intervals.size()];
        maxEnds = new long[intervals.size()];
        long max = Long.MIN_VALUE;
        for (int i = 0; i < starts.length; i++) {
            starts[i] = intervals.get(i)[0];
            max = Math.max(max, intervals.get(i)[1]);
            maxEnds[i] = max;
        }
    }

    static SlotIndex of(Model m) {
        if (m.eResource() instanceof XtextResource r && r.getCache() != null) {
            return r.getCache().get(SlotIndex.class, r, () -> build(m));
        }
        return build(m);
    }

    private static SlotIndex build(Model m) {
        List<long[]> intervals = new ArrayList<>();
        for (Memslot slot : TdpScopeProvider.memslots(m)) {
            add(intervals, slot.getStart(), TdpValidator.npages(slot));
        }
        for (Iterator<EObject> it = m.eAllContents(); it.hasNext();) {
            if (it.next() instanceof MoveSlot mv && mv.getSlot() != null && !mv.getSlot().eIsProxy()) {
                add(intervals, mv.getGfn(), TdpValidator.npages(mv.getSlot()));
            }
        }
        return new SlotIndex(intervals, TdpValidator.tdpLevels(m.getVm()));
    }

    private static void add(List<long[]> intervals, long start, long n) {
        if (n > 0 && start >= 0 && start <= Long.MAX_VALUE - n) {
            intervals.add(new long[] { start, start + n });
        }
    }

    /** Whether [start, end) meets some interval. */
    boolean meets(long start, long end) {
        if (end <= start) {
            return false;
        }
        int i = Arrays.binarySearch(starts, end - 1);
        if (i < 0) {
            i = -i - 2; // the last interval starting before end
        } else {
            while (i + 1 < starts.length && starts[i + 1] == end - 1) {
                i++;
            }
        }
        return i >= 0 && maxEnds[i] > start;
    }
}
