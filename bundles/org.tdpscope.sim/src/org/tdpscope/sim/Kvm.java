/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.tdpscope.sim.mmu.DirtyBitmap;
import org.tdpscope.sim.mmu.HostMemory;
import org.tdpscope.sim.mmu.Memslot;
import org.tdpscope.sim.mmu.Memslots;
import org.tdpscope.sim.mmu.Spte;
import org.tdpscope.sim.mmu.SpteChange;
import org.tdpscope.sim.mmu.SpteObserver;
import org.tdpscope.sim.mmu.SpteOp;
import org.tdpscope.sim.mmu.TdpIter;
import org.tdpscope.sim.mmu.TdpMmu;
import org.tdpscope.sim.mmu.TwoDResult;

/**
 * The per-VM MMU state ({@code struct kvm}'s TDP part) and the root primitives every thread uses:
 * get/put, creation and reuse, the RCU-deferred free, list successors. Each state change is emitted
 * as a {@link TraceEvent}; invariant checks that belong to a single primitive live here too.
 */
public final class Kvm implements SpteObserver {

    /** Unwinds a run that reached the step it was asked to stop at (stepping back replays to a step). */
    static final class StepLimitReached extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepLimitReached() {
            super(null, null, false, false);
        }
    }

    final Policy policy;
    /** The era's root-lifecycle rules this VM follows. */
    final KernelRules rules;
    final Scenario.VmType vmType;
    /** Zaps end here before 86931ff7207b (host MAXPHYADDR, in gfns); otherwise at the TDP's reach. */
    final long hostGfnLimit;
    final HostMemory mem;
    final Memslots slots;
    final TdpMmu mmu;
    final RootList roots;
    /** Invalid roots taken off {@link #roots} under policies that delist them. */
    final RootList invalidRoots;
    final List<Root> allRoots = new ArrayList<>();
    /**
     * The root pages of {@link #allRoots}, by root id, for {@link #rootAt} to scan without touching a root: only
     * ever appended to, so a fork shares the array until one of the two adds a root.
     */
    private long[] rootHpfns; // a copy takes its original's: set by the constructors
    private boolean rootHpfnsShared;
    /**
     * The root of the last SPTE change and its hpfn (the root may be null: no root has that hpfn): walks change many
     * SPTEs of one root in a row, and a fork goes on with the root its original was changing.
     */
    private Root lastSpteRoot;
    private long lastSpteHpfn = -1;
    final MmuLock mmuLock;
    String slotsLockOwner;
    long mmuValidGen;
    /** call_rcu queue: roots whose last reference is gone, freed at the next grace period. */
    final List<Root> rcuCallbacks = new ArrayList<>();
    /** The zap worker's queue (v5.18 to v6.5): roots to zap and put, in queueing order, and how each zap yields. */
    final List<Root> zapQueue = new ArrayList<>();
    final List<YieldSpec> zapQueueYields = new ArrayList<>();
    /** Roots the worker is zapping now (queued work not finished: flush_workqueue waits for it too). */
    int zapWorkInFlight;
    /**
     * {@code mmu_invalidate_in_progress} and its merged range [{@link #invalidateStart}, {@link #invalidateEnd}):
     * raised by an mmu_notifier unmap from its start to its end, yields included. A fault on a gfn in the range
     * retries ({@code is_page_fault_stale}, {@code mmu_invalidate_retry_gfn}) rather than map what is being
     * unmapped.
     */
    int invalidationsInProgress;
    long invalidateStart;
    long invalidateEnd;
    final Map<Integer, DirtyBitmap> dirtyBitmaps = new HashMap<>();
    final Map<String, Vcpu> vcpus = new LinkedHashMap<>();
    final List<TraceEvent> violations = new ArrayList<>();
    /** The last 2-D walk of each vCPU, with its memory references, for the Walk view. */
    final Map<String, TwoDResult> lastWalks = new LinkedHashMap<>();
    private final Set<String> reportedOnce = new HashSet<>();
    private final TraceListener listener;
    /** Nobody wants the events ({@link TraceListener#NONE}): only violations are made into events. */
    final boolean quiet;
    private long step;
    private long stopAfter = Long.MAX_VALUE;
    /** The simulated thread whose code is running now; every event is attributed to it. */
    String current = "setup";

    Kvm(Policy policy, KernelRules rules, Scenario.VmType vmType, int hostMaxPhyAddr, int tdpLevels,
            boolean accessedDirty, TraceListener listener) {
        this.policy = policy;
        this.rules = rules;
        this.vmType = vmType;
        this.hostGfnLimit = hostMaxPhyAddr >= 64 ? Long.MAX_VALUE : 1L << Math.max(0, hostMaxPhyAddr - 12);
        this.listener = listener;
        this.quiet = listener == TraceListener.NONE;
        this.mem = new HostMemory();
        this.slots = new Memslots(mem);
        this.mmu = new TdpMmu(mem, slots, tdpLevels, accessedDirty, this);
        this.roots = new RootList("tdp_mmu_roots");
        this.invalidRoots = new RootList("invalid_roots");
        this.mmuLock = new MmuLock();
        this.rootHpfns = new long[8];
    }

    /** The copy of {@code o} in fork {@code f}, reporting to {@code listener} from {@code o}'s step on. */
    Kvm(Kvm o, Fork f, TraceListener listener) {
        f.kvm = this;
        this.policy = o.policy;
        this.rules = o.rules;
        this.vmType = o.vmType;
        this.hostGfnLimit = o.hostGfnLimit;
        this.listener = listener;
        this.quiet = listener == TraceListener.NONE;
        this.mem = o.mem.copy();
        this.slots = o.slots.copy(mem);
        this.mmu = o.mmu.copy(mem, slots, this);
        this.roots = new RootList(o.roots, f);
        this.invalidRoots = new RootList(o.invalidRoots, f);
        this.mmuLock = o.mmuLock.copy();
        f.rootsInto(o.allRoots, allRoots);
        rootHpfns = o.rootHpfns;
        rootHpfnsShared = o.rootHpfnsShared = true;
        f.linkRoots();
        lastSpteRoot = f.root(o.lastSpteRoot);
        lastSpteHpfn = o.lastSpteHpfn;
        slotsLockOwner = o.slotsLockOwner;
        mmuValidGen = o.mmuValidGen;
        f.rootsInto(o.rcuCallbacks, rcuCallbacks);
        f.rootsInto(o.zapQueue, zapQueue);
        if (!o.zapQueueYields.isEmpty()) {
            zapQueueYields.addAll(o.zapQueueYields);
        }
        zapWorkInFlight = o.zapWorkInFlight;
        invalidationsInProgress = o.invalidationsInProgress;
        invalidateStart = o.invalidateStart;
        invalidateEnd = o.invalidateEnd;
        for (Map.Entry<Integer, DirtyBitmap> e : o.dirtyBitmaps.entrySet()) {
            dirtyBitmaps.put(e.getKey(), e.getValue().copy());
        }
        for (Vcpu v : o.vcpus.values()) {
            vcpus.put(v.name(), v.copy(f));
        }
        if (!o.violations.isEmpty()) {
            violations.addAll(o.violations);
        }
        lastWalks.putAll(o.lastWalks); // results of finished 2-D walks, never changed afterwards
        if (!o.reportedOnce.isEmpty()) {
            reportedOnce.addAll(o.reportedOnce);
        }
        step = o.step;
        stopAfter = o.stopAfter;
        current = o.current;
    }

    /** {@code kvm_mmu_invalidate_begin}: one more invalidation in progress, its range merged into the others'. */
    void invalidateBegin(long start, long end) {
        if (invalidationsInProgress++ == 0) {
            invalidateStart = start;
            invalidateEnd = end;
        } else {
            invalidateStart = Math.min(invalidateStart, start);
            invalidateEnd = Math.max(invalidateEnd, end);
        }
    }

    /** {@code kvm_mmu_invalidate_end}: the range stays merged until no invalidation is in progress. */
    void invalidateEnd() {
        if (--invalidationsInProgress == 0) {
            invalidateStart = 0;
            invalidateEnd = 0;
        }
    }

    /** A fault on {@code gfn} would retry now: an mmu_notifier invalidation covering it is in progress. */
    boolean invalidationCovers(long gfn) {
        return invalidationsInProgress > 0 && gfn >= invalidateStart && gfn < invalidateEnd;
    }

    void stopAfter(long lastStep) {
        this.stopAfter = lastStep;
    }

    public long step() {
        return step;
    }

    public Policy policy() {
        return policy;
    }

    /** {@code kvm->arch.mmu_valid_gen}: toggled by each fast zap. */
    public long mmuValidGen() {
        return mmuValidGen;
    }

    /** The era's rules this VM follows. */
    public KernelRules rules() {
        return rules;
    }

    public Scenario.VmType vmType() {
        return vmType;
    }

    /** 64-bit words the memslots' dirty bitmaps keep (sparse: they grow with the pages written, not the slots). */
    public long dirtyBitmapWords() {
        long n = 0;
        for (DirtyBitmap b : dirtyBitmaps.values()) {
            n += b.words();
        }
        return n;
    }

    public TdpMmu mmu() {
        return mmu;
    }

    public Memslots memslots() {
        return slots;
    }

    public MmuLock mmuLock() {
        return mmuLock;
    }

    public String slotsLockOwner() {
        return slotsLockOwner;
    }

    /** Every root ever created, in creation order (freed ones included, poisoned). */
    public List<Root> allRoots() {
        return List.copyOf(allRoots);
    }

    /** {@code tdp_mmu_roots}, head to tail. */
    public List<Root> listedRoots() {
        return roots.toList();
    }

    /** The private list of invalid roots ({@code restart}, {@code terminate}). */
    public List<Root> delistedRoots() {
        return invalidRoots.toList();
    }

    public Root root(String name) {
        for (Root r : allRoots) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    public Root rootAt(long hpfn) {
        // newest first: the roots in use are the recent ones (a scan beats a boxed map at these sizes)
        long[] h = rootHpfns;
        for (int i = allRoots.size() - 1; i >= 0; i--) {
            if (h[i] == hpfn) {
                return allRoots.get(i);
            }
        }
        return null;
    }

    public Vcpu vcpu(String name) {
        return vcpus.get(name);
    }

    public List<Vcpu> vcpus() {
        return List.copyOf(vcpus.values());
    }

    /** The last 2-D walk a vCPU made, with its ordered memory references, or null. */
    public TwoDResult lastWalk(String vcpu) {
        return lastWalks.get(vcpu);
    }

    public List<TraceEvent> violations() {
        return List.copyOf(violations);
    }

    // ---- events

    void emit(EventType type, Root root, long gfn, int level, long oldSpte, long newSpte, String detail) {
        emit(type, root, gfn, level, oldSpte, newSpte, detail, null);
    }

    private void emit(EventType type, Root root, long gfn, int level, long oldSpte, long newSpte, String detail,
            Invariant inv) {
        ++step;
        if (!quiet || inv != null) {
            TraceEvent e = new TraceEvent(step, current, type, root == null ? null : root.name(),
                    root == null ? -1 : root.refcount, gfn, level, oldSpte, newSpte, detail, inv);
            if (inv != null) {
                violations.add(e);
            }
            listener.onEvent(e);
        }
        if (step >= stopAfter) {
            throw new StepLimitReached();
        }
    }

    /** Whether walks report each iterator position ({@link EventType#WALK_ITER}); a fork never does. */
    boolean iteratorEvents;

    /**
     * A walk's iterator is at {@code it} in {@code r}: reported only when {@link #iteratorEvents} is on, under the
     * step of the event before it, so asking for these events moves no step number.
     */
    void iterAt(Root r, TdpIter it) {
        if (!iteratorEvents) {
            return;
        }
        listener.onEvent(new TraceEvent(step, current, EventType.WALK_ITER, r == null ? null : r.name(),
                r == null ? -1 : r.refcount, it.gfn(), it.level(), it.oldSpte(), it.oldSpte(),
                "L" + it.level() + " index " + it.index() + ", entry 0x" + Long.toHexString(it.oldSpte()), null));
    }

    void emit(EventType type, Root root, String detail) {
        emit(type, root, -1, -1, 0, 0, detail);
    }

    void violation(Invariant inv, Root root, long gfn, String detail) {
        emit(EventType.VIOLATION, root, gfn, -1, 0, 0, detail, inv);
    }

    /** Reports a violation once per key (a freed root touched in a loop is one finding, not thousands). */
    void violationOnce(String key, Invariant inv, Root root, long gfn, String detail) {
        if (reportedOnce.add(inv.word() + '/' + key)) {
            violation(inv, root, gfn, detail);
        }
    }

    // ---- locks

    boolean lockMmu(boolean shared) {
        if (!mmuLock.tryAcquire(current, shared)) {
            return false;
        }
        emit(EventType.LOCK_ACQUIRE, null, shared ? "mmu_lock read" : "mmu_lock write");
        return true;
    }

    void unlockMmu() {
        boolean shared = !current.equals(mmuLock.writer());
        mmuLock.release(current);
        emit(EventType.LOCK_RELEASE, null, shared ? "mmu_lock read" : "mmu_lock write");
    }

    boolean lockSlots() {
        if (slotsLockOwner != null && !slotsLockOwner.equals(current)) {
            return false;
        }
        slotsLockOwner = current;
        emit(EventType.LOCK_ACQUIRE, null, "slots_lock");
        return true;
    }

    void unlockSlots() {
        slotsLockOwner = null;
        emit(EventType.LOCK_RELEASE, null, "slots_lock");
    }

    // ---- root primitives

    /** A walker or vCPU is about to read {@code r}: a freed root is a use-after-free (invariant 1). */
    boolean touch(Root r, String what) {
        if (r.state == Root.State.FREED) {
            violationOnce(current + '/' + r.name(), Invariant.USE_AFTER_FREE, r, -1,
                    current + " " + what + " root " + r.name() + " freed at step " + r.freedStep);
            return false;
        }
        return true;
    }

    /** {@code kvm_tdp_mmu_get_root}: {@code refcount_inc_not_zero}. */
    boolean get(Root r) {
        if (r.state != Root.State.FREED && r.invalid && !rules.invalidRootsGettable()) {
            return false; // v5.15: get fails on an invalid root
        }
        return getAny(r);
    }

    /** {@code refcount_inc_not_zero} on a root as fast zap does it, whatever its validity. */
    boolean getAny(Root r) {
        if (!touch(r, "gets") || r.refcount == 0) {
            return false;
        }
        r.refcount++;
        emit(EventType.ROOT_GET, r, null);
        return true;
    }

    /**
     * {@code kvm_tdp_mmu_put_root}. What the thread dropping the last reference does is the era's
     * {@link KernelRules#lastPut}: v5.16 unlinks, zaps what is left without yielding and queues the
     * free; v5.18 turns a valid root into a defunct one for the zap worker; v6.4 allows it only on an
     * invalid root (KVM_BUG_ON) and frees without a zap.
     */
    void put(Root r) {
        if (!touch(r, "puts")) {
            // the freed root's count reads 0: the kernel reports "refcount_t: underflow" here
            violationOnce(current + "/put0/" + r.name(), Invariant.REFCOUNT, r, -1, current + " puts root "
                    + r.name() + " after its last reference was dropped (refcount_t: underflow)");
            return;
        }
        if (r.refcount <= 0) {
            violationOnce(current + "/put0/" + r.name(), Invariant.REFCOUNT, r, -1,
                    current + " puts root " + r.name() + " whose refcount is already 0 (refcount_t: underflow)");
            return;
        }
        requireLock("kvm_tdp_mmu_put_root", LockNeed.HELD, r);
        r.refcount--;
        emit(EventType.ROOT_PUT, r, null);
        if (r.refcount > 0) {
            return;
        }
        switch (rules.lastPut()) {
            case DEFUNCT_TO_WORKER -> {
                if (!r.invalid) {
                    // a defunct root: still listed, one reference for the worker that zaps and puts it
                    r.invalid = true;
                    r.refcount = 1;
                    emit(EventType.ROOT_INVALIDATE, r, quiet ? null
                            : "defunct root: last put by " + current + " on a valid root");
                    queueZap(r, YieldSpec.NEVER);
                    return;
                }
                unlink(r);
            }
            case UNLINK_AND_FREE -> {
                if (!r.invalid) {
                    violation(Invariant.REFCOUNT, r, -1, "KVM_BUG_ON: " + current + " drops the last reference to root "
                            + r.name() + ", which is still valid");
                }
                unlink(r);
            }
            default -> {
                unlink(r);
                TdpIter it = mmu.iter(r.hpfn(), 0, zapEnd());
                mmu.run(it, SpteOp.ZAP, null);
                flushIfPending(it, r);
            }
        }
        rcuCallbacks.add(r);
    }

    private void unlink(Root r) {
        r.lastPutBy = current;
        if (r.state == Root.State.LISTED || r.state == Root.State.DELISTED) {
            RootList.delRcu(r);
            r.state = Root.State.UNLINKED;
            emit(EventType.ROOT_UNLINK, r, quiet ? null : "last reference dropped by " + current);
        }
    }

    /** Queues {@code r} for the zap worker (v5.18 to v6.5), which owns one reference to it. */
    void queueZap(Root r, YieldSpec yield) {
        zapQueue.add(r);
        zapQueueYields.add(yield);
        emit(EventType.WORK_QUEUE, r, quiet ? null : "zap of root " + r.name() + " queued to " + Scenario.ZAP_WORKER);
    }

    /** Whether queued zap work is pending or running ({@code flush_workqueue} would wait). */
    boolean zapWorkPending() {
        return !zapQueue.isEmpty() || zapWorkInFlight > 0;
    }

    /** The end of a whole-root zap: the TDP's reach, or host MAXPHYADDR in eras before 86931ff7207b. */
    long zapEnd() {
        return rules.zapStopsAtHostMaxPhyAddr() ? Math.min(maxGfn(), hostGfnLimit) : maxGfn();
    }

    /** How a primitive needs mmu_lock held: for write, for read, or either. */
    enum LockNeed { WRITE, READ, HELD }

    /**
     * lockdep for the simulated kernel: {@code primitive} asserts that the current thread holds
     * mmu_lock as {@code need} says; a thread that does not is a lock-discipline violation.
     */
    void requireLock(String primitive, LockNeed need, Root r) {
        boolean write = current.equals(mmuLock.writer());
        boolean read = mmuLock.readBy(current);
        boolean ok = switch (need) {
            case WRITE -> write;
            case READ -> read;
            case HELD -> write || read;
        };
        if (!ok && !"setup".equals(current) && !"rcu".equals(current)) {
            String held = write ? "held for write" : read ? "held for read" : "not held";
            violationOnce(current + "/lock/" + primitive, Invariant.LOCK_DISCIPLINE, r, -1, primitive + " by " + current
                    + " with mmu_lock " + held + "; " + (rules.era() == null ? "these rules" : rules.era().word())
                    + " asserts it " + (need == LockNeed.HELD ? "held" : "held for " + need.name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    long maxGfn() {
        return 1L << (9 * mmu.levels());
    }

    void flushIfPending(TdpIter it, Root r) {
        if (mmu.flushPending(it)) {
            mmu.markFlushed(it);
            emit(EventType.TLB_FLUSH, r, "remote TLB flush");
        }
    }

    /** The next entry after {@code r} as an RCU reader sees it; null at a list head. */
    Root successor(Root r) {
        Root n = r.next;
        return n == null || n.sentinel ? null : n;
    }

    /**
     * {@code kvm_tdp_mmu_get_vcpu_root_hpa}, mmu_lock held for write: reuse a listed root of the
     * same role whose refcount can be raised, else allocate one (refcount 1) at the head, or at the
     * tail under {@code fifo}.
     */
    Root loadRoot(Vcpu v) {
        return loadRoot(v, v.role(), false);
    }

    /**
     * Gets or allocates a root of {@code role} for {@code v} ({@code mirror}: the TDX mirror root,
     * kept in {@link Vcpu#mirrorRoot}). Until v6.8 under mmu_lock for write; from v6.9 for read.
     */
    Root loadRoot(Vcpu v, RootRole role, boolean mirror) {
        requireLock("kvm_tdp_mmu_alloc_root", rules.rootsUnderReadLock() ? LockNeed.HELD : LockNeed.WRITE, null);
        // the kernel's list walk, in list order; no copy of the list (it is left as soon as a root is taken)
        for (Root r = roots.first(); r != null; r = successor(r)) {
            if (r.role().equals(role) && !r.invalid && r.refcount > 0) {
                r.refcount++;
                emit(EventType.ROOT_REUSE, r, quiet ? null : "by " + v.name());
                setRoot(v, r, mirror);
                return r;
            }
        }
        if (allRoots.size() >= Limits.MAX_ROOTS) {
            throw new ScheduleException("the run made " + Limits.MAX_ROOTS + " roots, the most one run may make "
                    + "(Limits.MAX_ROOTS)", 0);
        }
        Root r = new Root(allRoots.size(), role, mmu.allocRoot(), step + 1);
        r.refcount = rules.initialRefcount();
        allRoots.add(r);
        int id = r.id();
        if (id >= rootHpfns.length) {
            rootHpfns = java.util.Arrays.copyOf(rootHpfns, Math.max(2 * rootHpfns.length, id + 1));
        } else if (rootHpfnsShared) {
            rootHpfns = rootHpfns.clone();
        }
        rootHpfnsShared = false;
        rootHpfns[id] = r.hpfn();
        lastSpteHpfn = -1; // a root for an hpfn looked up before (none can be: roots get fresh pages)
        if (policy.insertAtTail()) {
            roots.addTail(r);
        } else {
            roots.addHead(r);
        }
        emit(EventType.ROOT_CREATE, r, quiet ? null : "role " + role.name()
                + (policy.insertAtTail() ? ", at tail" : ", at head") + ", rc " + r.refcount + ", by " + v.name());
        setRoot(v, r, mirror);
        return r;
    }

    private static void setRoot(Vcpu v, Root r, boolean mirror) {
        if (mirror) {
            v.mirrorRoot = r;
        } else {
            v.root = r;
        }
    }

    /** Fast zap's first phase: mark {@code r} invalid (with the reference the era's rules say it holds). */
    void invalidate(Root r) {
        requireLock("kvm_tdp_mmu_invalidate_roots", LockNeed.WRITE, r);
        r.invalid = true;
        if (policy.invalidationDelists()) {
            invalidRoots.moveTail(r);
            r.state = Root.State.DELISTED;
            emit(EventType.ROOT_INVALIDATE, r, "moved to the invalid-roots list");
        } else {
            emit(EventType.ROOT_INVALIDATE, r, null);
        }
    }

    /** An RCU grace period: every queued root is freed and its pages poisoned. */
    void gracePeriod() {
        if (rcuCallbacks.isEmpty()) {
            return;
        }
        String was = current;
        current = "rcu";
        try {
            emit(EventType.RCU_SYNC, null, quiet ? null : rcuCallbacks.size() + " callback(s)");
            List<Root> done = new ArrayList<>(rcuCallbacks);
            rcuCallbacks.clear();
            for (Root r : done) {
                r.state = Root.State.FREED;
                r.freedStep = step + 1;
                mmu.freeRoot(r.hpfn());
                emit(EventType.ROOT_FREE, r, quiet ? null : "last put by " + r.lastPutBy);
            }
        } finally {
            current = was;
        }
    }

    // ---- SPTE observer: every SPTE write in any root

    @Override
    public void spteChanged(long rootHpfn, long gfn, int level, long oldSpte, long newSpte, SpteChange kind) {
        Root r = lastSpteRoot;
        if (rootHpfn != lastSpteHpfn) {
            r = rootAt(rootHpfn);
            lastSpteRoot = r;
            lastSpteHpfn = rootHpfn;
        }
        EventType type = switch (kind) {
            case SET -> EventType.SPTE_SET;
            case ZAP, FREEZE -> EventType.SPTE_ZAP; // FREEZE: a child of a zapped table, removed with it
            case WRPROT -> EventType.SPTE_WRPROT;
            case CLEAR_DIRTY -> EventType.SPTE_CLEAR_DIRTY;
            case AGE -> EventType.SPTE_AGE;
        };
        if (r != null) {
            r.leafHash ^= leafMix(gfn, level, oldSpte) ^ leafMix(gfn, level, newSpte);
        }
        emit(type, r, gfn, level, oldSpte, newSpte, null);
        if (kind == SpteChange.SET && r != null && Spte.isPresent(newSpte) && Spte.isLeaf(newSpte, level)) {
            if (r.invalid) {
                violation(Invariant.SPTE_IN_INVALID_ROOT, r, gfn,
                        current + " installs an SPTE for gfn 0x" + Long.toHexString(gfn) + " in invalid root " + r.name());
            }
            if (level == 1 && Spte.isWritable(newSpte)) {
                Memslot slot = slots.find(gfn);
                if (slot != null && slot.dirtyLogging()) {
                    dirtyBitmaps.computeIfAbsent(slot.id(), k -> new DirtyBitmap()).set(gfn - slot.baseGfn());
                }
            }
        }
    }

    /** A leaf's share of {@link Root#leafHash}: 0 for anything but a present leaf. */
    static long leafMix(long gfn, int level, long spte) {
        if (!Spte.isPresent(spte) || !Spte.isLeaf(spte, level)) {
            return 0;
        }
        return Fingerprint.mix(Fingerprint.mix(gfn * 8 + level) ^ spte);
    }

    /**
     * The stale-SPTE check after a memslot state change: every present leaf of a valid, live root
     * must agree with the memslots now in force (slot exists, same host page, not writable in a
     * read-only slot, and in a dirty-logging slot writable only as a logged 4K page).
     */
    void checkLeavesAgreeWithMemslots(String because) {
        for (Root r : allRoots) {
            if (r.invalid || r.state == Root.State.FREED) {
                continue;
            }
            TdpIter it = mmu.iter(r.hpfn(), 0, maxGfn());
            while (it.valid()) {
                long spte = it.oldSpte();
                int level = it.level();
                if (Spte.isPresent(spte) && Spte.isLeaf(spte, level)) {
                    String stale = staleReason(spte, it.gfn(), level);
                    if (stale != null) {
                        violationOnce(r.name() + '/' + it.gfn() + '/' + step, Invariant.MISSED_ROOT, r, it.gfn(),
                                "stale SPTE after " + because + ": root " + r.name() + " gfn 0x"
                                        + Long.toHexString(it.gfn()) + " " + stale);
                        return;
                    }
                }
                it.next();
            }
        }
    }

    private String staleReason(long spte, long gfn, int level) {
        Memslot slot = slots.find(gfn);
        if (slot == null) {
            return "maps a gfn that is in no memslot";
        }
        if (Spte.pfn(spte) != slot.hpfnOf(gfn)) {
            return "maps the host page the memslot had before it moved";
        }
        if (Spte.isWritable(spte) && slot.readOnly()) {
            return "is writable in a read-only memslot";
        }
        if (Spte.isWritable(spte) && slot.dirtyLogging()) {
            DirtyBitmap dirty = dirtyBitmaps.get(slot.id());
            if (level > 1 || dirty == null || !dirty.get(gfn - slot.baseGfn())) {
                return "is writable but dirty logging would not see a write";
            }
        }
        return null;
    }
}
