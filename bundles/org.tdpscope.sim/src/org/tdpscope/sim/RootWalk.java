/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.mmu.Progress;
import org.tdpscope.sim.mmu.SpteOp;
import org.tdpscope.sim.mmu.TdpIter;

/**
 * A yield-safe walk over roots ({@code for_each_tdp_mmu_root_yield_safe}) applying an SPTE
 * operation to a gfn range, with the policy deciding what happens when {@code prev} turned invalid
 * while the walker yielded. With a fixed root list it is fast zap's "zap the roots I invalidated"
 * phase, which holds its references already and puts each root when done.
 */
final class RootWalk implements Activity {

    /** Restarts beyond this many mean the walk cannot finish while invalidations keep coming. */
    static final int LIVELOCK_RESTARTS = 8;

    private enum Phase { LOCK, NEXT_ROOT, IN_ROOT, RESUME, END }

    private final String label;
    private final SpteOp op;
    private final long start;
    private final long end;
    private final boolean onlyValid;
    private final boolean shared;
    private final YieldSpec yieldSpec;
    private final Variants variants;
    private final boolean stateChange;
    private final boolean notifier;
    /** Non-null: walk exactly these roots (already referenced) instead of the list. */
    private final List<Root> fixedRoots;
    private int fixedIndex;
    /** v6.6+: walk every root but zap only those an invalidation flagged, putting the gifted reference after each. */
    private boolean scheduledOnly;
    /** Stopped at an interleaving point between two roots (v6.9 read-lock walks); goes on from there. */
    private boolean atPoint;
    private boolean noYield;

    private Phase phase = Phase.LOCK;
    private Root prev;
    private Root current;
    private TdpIter iter;
    private boolean yieldedOnce;
    private long lastYieldGfn = -1;
    private boolean yieldedInPlace;
    private int restarts;
    private final List<Root> visited = new ArrayList<>();
    /**
     * Iterator positions this walk processed, by root name (a yield's restart from the root counts again). Immutable,
     * so forks and a thread's records share it: copying a map at each step of a walk after a fork was 4 % of a
     * search's CPU.
     */
    private Processed processed = Processed.NONE;
    /** Changes of {@link #visited} and {@link #processed} so far: a thread records the walk again only after one. */
    private int changes;
    /** The VM while in a root, so each position processed can be reported ({@link Kvm#iterAt}). */
    private Kvm inRoot;
    /** Positions processed since the walk entered or resumed in the current root (a plain counter: hot path). */
    private long processedHere;
    /** The valid roots listed when the walk started, in list order (a list: a few roots, copied at every fork). */
    private final List<Root> validAtStart = new ArrayList<>();

    RootWalk(String label, SpteOp op, long start, long end, boolean onlyValid, boolean shared, YieldSpec yieldSpec,
            Variants variants, boolean stateChange, boolean notifier, List<Root> fixedRoots) {
        this.label = label;
        this.op = op;
        this.start = start;
        this.end = end;
        this.onlyValid = onlyValid;
        this.shared = shared;
        this.yieldSpec = yieldSpec;
        this.variants = variants;
        this.stateChange = stateChange;
        this.notifier = notifier;
        this.fixedRoots = fixedRoots;
    }

    /** After the memory was copied: the iterator re-takes its pages (see {@link TdpIter#unshare}). */
    void unshareIterator() {
        if (iter != null) {
            iter.unshare();
        }
    }

    @Override
    public RootWalk copy(Fork f) {
        RootWalk c = new RootWalk(label, op, start, end, onlyValid, shared, yieldSpec, variants, stateChange, notifier,
                fixedRoots == null ? null : f.roots(fixedRoots));
        c.fixedIndex = fixedIndex;
        c.scheduledOnly = scheduledOnly;
        c.atPoint = atPoint;
        c.phase = phase;
        c.prev = f.root(prev);
        c.current = f.root(current);
        c.iter = iter == null ? null : iter.copy(f.kvm.mmu);
        c.yieldedOnce = yieldedOnce;
        c.lastYieldGfn = lastYieldGfn;
        c.yieldedInPlace = yieldedInPlace;
        c.restarts = restarts;
        f.rootsInto(visited, c.visited);
        c.processed = processed;
        c.changes = changes;
        f.rootsInto(validAtStart, c.validAtStart);
        return c;
    }

    static RootWalk of(Op.Walk w) {
        return new RootWalk(w.describe(), w.spteOp(), w.startGfn(), w.endGfn(), w.onlyValid(), w.shared(), w.yield(),
                w.variants(), w.stateChange(), w.notifier(), null);
    }

    /** Whether the next step takes mmu_lock for write. */
    boolean needsWriteLockNext(Kvm kvm) {
        return (phase == Phase.LOCK || phase == Phase.RESUME) && !shared && !lockless(kvm);
    }

    /** {@code kvm_tdp_mmu_zap_invalidated_roots} from v6.6: this walk zaps only flagged roots. */
    RootWalk scheduledOnly() {
        this.scheduledOnly = true;
        return this;
    }

    List<Root> visited() {
        return visited;
    }

    /** How often {@link #visited} or {@link #processed} changed so far. */
    int changes() {
        return changes;
    }

    /** Positions processed so far, by root name (immutable: a record keeps it as it stands). */
    Processed processed() {
        return processed;
    }

    /** Positions processed by root name, in the order the roots were first processed; immutable. */
    static final class Processed {
        static final Processed NONE = new Processed(new String[0], new long[0]);

        private final String[] roots;
        private final long[] positions;

        private Processed(String[] roots, long[] positions) {
            this.roots = roots;
            this.positions = positions;
        }

        /** With {@code n} more positions of {@code root} (listed, at 0, even when {@code n} is 0). */
        Processed plus(String root, long n) {
            for (int i = 0; i < roots.length; i++) {
                if (roots[i].equals(root)) {
                    if (n == 0) {
                        return this;
                    }
                    long[] p = positions.clone();
                    p[i] += n;
                    return new Processed(roots, p);
                }
            }
            String[] r = Arrays.copyOf(roots, roots.length + 1);
            long[] p = Arrays.copyOf(positions, positions.length + 1);
            r[roots.length] = root;
            p[roots.length] = n;
            return new Processed(r, p);
        }

        /** As a map, in the same order. */
        Map<String, Long> toMap() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (int i = 0; i < roots.length; i++) {
                m.put(roots[i], positions[i]);
            }
            return Collections.unmodifiableMap(m);
        }
    }

    /** 6.15+ aging: RCU only, no mmu_lock, valid roots, no references, no yield. */
    private boolean lockless(Kvm kvm) {
        return op == SpteOp.AGE && !notifier && kvm.rules.locklessAging() && fixedRoots == null;
    }

    /** No root references: a broken variant, the v5.15 notifier's plain iterator, or lockless aging. */
    private boolean noRefs(Kvm kvm) {
        return variants.noRootRef() || notifier && kvm.rules.notifierWithoutRefs() || lockless(kvm);
    }

    /** Whether the root types of v6.14 keep this walk off {@code r}: notifier unmaps and fast zap skip mirror roots. */
    private boolean typeFiltered(Kvm kvm, Root r) {
        return kvm.rules.rootTypes() && r.mirror() && (notifier || scheduledOnly);
    }

    @Override
    public String where() {
        String in = current == null ? "" : " in root " + current.name();
        String at = iter == null ? "" : " at gfn 0x" + Long.toHexString(iter.nextLastLevelGfn());
        return label + in + at;
    }

    Root currentRoot() {
        return current;
    }

    /** The walk's position for the explorer's state hash: phase, cursor, yield state, roots seen. */
    void fingerprint(Fingerprint f) {
        f.add(phase.ordinal()).root(prev).root(current);
        // where an unlinked root's stale next pointer leads is where this walk goes on (RCU list semantics)
        f.root(offList(prev)).root(offList(current));
        f.add(iter == null ? -1 : iter.nextLastLevelGfn()).add(iter == null ? -1 : iter.yieldedGfn());
        f.add(yieldedOnce).add(lastYieldGfn).add(yieldedInPlace).add(atPoint).add(scheduledOnly);
        f.addExact(restarts);
        f.roots(visited).roots(validAtStart);
        if (fixedRoots != null) {
            f.add(fixedIndex).roots(fixedRoots, fixedIndex, fixedRoots.size());
        }
    }

    private static Root offList(Root r) {
        return r == null || r.state == Root.State.LISTED ? null : r.next;
    }

    @Override
    public Status step(Kvm kvm) {
        while (true) {
            switch (phase) {
                case LOCK -> {
                    if (!lockless(kvm) && !kvm.lockMmu(shared)) {
                        return Status.BLOCKED;
                    }
                    for (Root r = kvm.roots.first(); r != null; r = kvm.successor(r)) {
                        if (!r.invalid && !validAtStart.contains(r)) {
                            validAtStart.add(r);
                        }
                    }
                    if (notifier) {
                        // invalidate_range_start: faults on these gfns retry until the unmap's end, yields included
                        kvm.invalidateBegin(start, end);
                    }
                    kvm.emit(EventType.WALK_START, null, kvm.quiet ? null : label + ", policy " + kvm.policy.word()
                            + (lockless(kvm) ? ", no mmu_lock (RCU only)" : ""));
                    phase = Phase.NEXT_ROOT;
                }
                case NEXT_ROOT -> {
                    if (!atPoint && prev != null && fixedRoots == null && shared && !lockless(kvm)
                            && kvm.rules.rootsUnderReadLock()) {
                        // v6.9: a vCPU may allocate or free a root right now, under the read lock this walk holds
                        atPoint = true;
                        kvm.emit(EventType.WALK_POINT, prev, "between roots, mmu_lock still held for read");
                        return Status.POINT;
                    }
                    atPoint = false;
                    current = fixedRoots != null ? nextFixed(kvm) : nextRoot(kvm);
                    if (current == null) {
                        phase = Phase.END;
                        continue;
                    }
                    if (scheduledOnly && !current.scheduledToZap || typeFiltered(kvm, current)) {
                        prev = current; // referenced by the iterator; put when it moves on
                        continue;
                    }
                    if (scheduledOnly) {
                        current.scheduledToZap = false;
                    }
                    if (visited.contains(current)) {
                        kvm.violation(Invariant.ROOT_WALKED_TWICE, current, -1,
                                kvm.current + " visits root " + current.name() + " a second time in one walk");
                    }
                    visited.add(current);
                    changes++;
                    kvm.emit(EventType.WALK_VISIT, current, null);
                    iter = kvm.mmu.iter(current.hpfn(), start, end);
                    phase = Phase.IN_ROOT;
                }
                case IN_ROOT -> {
                    noYield = lockless(kvm);
                    if (current.mirror() && op == SpteOp.ZAP && shared) {
                        kvm.requireLock("removing a mirror SPTE (KVM_BUG_ON(shared))", Kvm.LockNeed.WRITE, current);
                    }
                    inRoot = kvm;
                    Progress p = kvm.touch(current, "walks SPTEs of") ? runInRoot(kvm) : Progress.DONE;
                    inRoot = null;
                    processed = processed.plus(current.name(), processedHere);
                    changes++;
                    processedHere = 0;
                    if (p == Progress.YIELD) {
                        yieldNow(kvm);
                        phase = Phase.RESUME;
                        return Status.YIELDED;
                    }
                    kvm.flushIfPending(iter, current);
                    iter = null;
                    if (scheduledOnly) {
                        kvm.put(current); // the TDP MMU's reference, gifted by the invalidation: put after the zap
                    }
                    prev = current;
                    phase = Phase.NEXT_ROOT;
                }
                case RESUME -> {
                    if (!kvm.lockMmu(shared)) {
                        return Status.BLOCKED;
                    }
                    kvm.emit(EventType.WALK_RESUME, current, iter.nextLastLevelGfn(), -1, 0, 0, null);
                    if (kvm.touch(current, "resumes in")) {
                        if (kvm.rules.iterCallerStepsAfterYield()) {
                            iter.restartFromRootThenStepSide(); // before 3a0f64de479c
                        } else {
                            iter.restartFromRoot();
                        }
                    }
                    phase = Phase.IN_ROOT;
                }
                case END -> {
                    kvm.emit(EventType.WALK_END, null, kvm.quiet ? null : "visited " + names(visited));
                    checkAtEnd(kvm);
                    if (!lockless(kvm)) {
                        kvm.unlockMmu();
                    }
                    current = null;
                    return Status.DONE;
                }
                default -> throw new IllegalStateException(phase.toString());
            }
        }
    }

    /**
     * The walk's SPTE operation over the current root from the iterator's position on. A walk that cannot yield
     * here, with no one asking for each position, steps over runs of non-present entries at once (a whole-root zap
     * then costs the present entries, not 512 positions a table); the positions it processed are the iterator's
     * arrivals, counted as if each entry had been visited, so the figure is the same as position by position.
     */
    private Progress runInRoot(Kvm kvm) {
        if (!kvm.iteratorEvents && neverYields()) {
            long before = iter.positionsVisited() - (iter.valid() ? 1 : 0); // the current position was counted already
            Progress p = kvm.mmu.run(iter, op, null);
            processedHere += iter.positionsVisited() - before;
            return p;
        }
        return kvm.mmu.run(iter, op, this::shouldYield);
    }

    /** Whether {@link #decideYield} says no at every position of the current root. */
    private boolean neverYields() {
        return noYield || yieldSpec.mode() == YieldSpec.Mode.NEVER;
    }

    /** Asked before each position: a position not yielded at is processed (counted, and reported if asked). */
    private boolean shouldYield(TdpIter it) {
        if (decideYield(it)) {
            return true;
        }
        processedHere++;
        inRoot.iterAt(current, it);
        return false;
    }

    private boolean decideYield(TdpIter it) {
        if (noYield) {
            return false;
        }
        if (yieldSpec.root() != null && !yieldSpec.root().equals(current.name())) {
            return false;
        }
        boolean want = switch (yieldSpec.mode()) {
            case NEVER -> false;
            case ALWAYS -> true;
            case AFTER_GFN -> !yieldedOnce && it.nextLastLevelGfn() > yieldSpec.gfn();
            case EVERY -> it.nextLastLevelGfn() >= (lastYieldGfn < 0 ? start : lastYieldGfn) + yieldSpec.every();
        };
        if (!want) {
            return false;
        }
        if (it.progressSinceYield()) {
            yieldedInPlace = false;
            return true;
        }
        // The kernel only yields after forward progress. The broken variant yields anyway, once per
        // position: yielding there again and again would be the livelock the rule exists to prevent.
        if (variants.yieldWithoutProgress() && !yieldedInPlace) {
            yieldedInPlace = true;
            return true;
        }
        return false;
    }

    private void yieldNow(Kvm kvm) {
        if (!iter.progressSinceYield()) {
            kvm.violation(Invariant.BAD_YIELD, current, iter.nextLastLevelGfn(),
                    kvm.current + " yields without progress since its last yield");
        }
        if (kvm.mmu.flushPending(iter)) {
            if (variants.yieldWithoutFlush()) {
                kvm.violation(Invariant.BAD_YIELD, current, iter.nextLastLevelGfn(),
                        kvm.current + " yields with a TLB flush pending");
            } else {
                kvm.flushIfPending(iter, current);
            }
        }
        iter.yieldHere();
        yieldedOnce = true;
        lastYieldGfn = iter.nextLastLevelGfn();
        kvm.unlockMmu();
        kvm.emit(EventType.WALK_YIELD, current, iter.nextLastLevelGfn(), -1, 0, 0, null);
    }

    /** Fast zap's own phase: each invalidated root in turn; the reference it took is dropped after. */
    private Root nextFixed(Kvm kvm) {
        if (prev != null) {
            kvm.put(prev);
            prev = null;
        }
        return fixedIndex < fixedRoots.size() ? fixedRoots.get(fixedIndex++) : null;
    }

    /** {@code tdp_mmu_next_root}: pin the next root that passes the filter, then put {@code prev}. */
    private Root nextRoot(Kvm kvm) {
        Root next;
        // Under policies that delist invalid roots, the roots an invalidation flagged are on the private list.
        RootList list = scheduledOnly && kvm.policy.invalidationDelists() ? kvm.invalidRoots : kvm.roots;
        if (prev == null) {
            next = list.first();
        } else {
            kvm.touch(prev, "steps past");
            if (prev.invalid && !scheduledOnly && kvm.policy.afterInvalidPrev() != Policy.AfterInvalidPrev.GO_ON) {
                release(kvm, prev);
                prev = null;
                if (kvm.policy.afterInvalidPrev() == Policy.AfterInvalidPrev.TERMINATE) {
                    return null;
                }
                restarts++;
                kvm.emit(EventType.WALK_RESTART, null, kvm.quiet ? null : "restart " + restarts + " from the list head");
                if (restarts > LIVELOCK_RESTARTS) {
                    kvm.violation(Invariant.LIVELOCK, null, -1, kvm.current + " restarted " + restarts
                            + " times: the walk does not finish while invalidations keep coming");
                    return null;
                }
                next = list.first();
            } else {
                if (variants.putPrevFirst()) {
                    kvm.violation(Invariant.REFCOUNT, prev, -1,
                            kvm.current + " puts root " + prev.name() + " before the next root is referenced");
                    release(kvm, prev);
                }
                next = kvm.successor(prev);
            }
        }
        while (next != null) {
            boolean alive = kvm.touch(next, "steps onto");
            if (alive && (!(onlyValid || lockless(kvm)) || !next.invalid) && (noRefs(kvm) || kvm.get(next))) {
                break;
            }
            next = alive ? kvm.successor(next) : null;
        }
        if (prev != null && !variants.putPrevFirst()) {
            release(kvm, prev);
        }
        prev = null;
        return next;
    }

    private void release(Kvm kvm, Root r) {
        if (!noRefs(kvm)) {
            kvm.put(r);
        }
    }

    private void checkAtEnd(Kvm kvm) {
        if (stateChange && fixedRoots == null) {
            for (Root r : validAtStart) {
                if (!visited.contains(r) && !r.invalid && !r.freed()) {
                    kvm.violation(Invariant.MISSED_ROOT, r, -1, kvm.current + "'s " + label
                            + " never visited root " + r.name() + ", valid when the walk started");
                }
            }
        }
        if (notifier) {
            for (Root r : kvm.allRoots) {
                if (!r.freed()) {
                    long gfn = kvm.mmu.firstPresentLeafGfn(r.hpfn(), start, end);
                    if (gfn >= 0) {
                        kvm.violation(Invariant.NOTIFIER_LEFTOVER, r, gfn, "after the mmu_notifier unmap, root "
                                + r.name() + (r.invalid ? " (invalid)" : "") + " still maps gfn 0x" + Long.toHexString(gfn));
                    }
                }
            }
            kvm.invalidateEnd(); // invalidate_range_end: faults in the range may map again
        }
    }

    static String names(List<Root> roots) {
        StringBuilder sb = new StringBuilder("[");
        for (Root r : roots) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(r.name());
        }
        return sb.append(']').toString();
    }
}
