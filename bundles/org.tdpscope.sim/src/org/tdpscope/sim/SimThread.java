/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A simulated kernel thread: a vCPU, a walker or an invalidator, running its operations in order.
 * Advanced only by the {@link Simulation}'s scheduler, one piece at a time, so runs are deterministic.
 */
public final class SimThread {

    private final String name;
    private final Scenario.ThreadKind kind;
    private final List<Op> ops;
    private final Vcpu vcpu;
    /** The VM, for the zap worker, whose work comes from its queue rather than from a program. */
    private Kvm kvm;
    private int pc;
    private Activity current;
    private Activity.Status lastStatus = Activity.Status.DONE;
    // set by the constructors, not here: a copy takes its original's (two lists per thread per fork were made
    // for nothing)
    private List<List<String>> walks;
    /** For each entry of {@link #walks}: the iterator positions it processed, by root name. */
    private List<RootWalk.Processed> walkProcessed;
    /** {@link #walks} and {@link #walkProcessed} are shared with a fork (or its original): copied before a change. */
    private boolean walksShared;

    SimThread(String name, Scenario.ThreadKind kind, List<Op> ops, Vcpu vcpu) {
        this.name = name;
        this.kind = kind;
        this.ops = List.copyOf(ops);
        this.vcpu = vcpu;
        this.walks = new ArrayList<>();
        this.walkProcessed = new ArrayList<>();
    }

    /** The era's zap worker: runs a work item for each root queued on {@code kvm}'s workqueue. */
    static SimThread zapWorker(Kvm kvm) {
        SimThread t = new SimThread(Scenario.ZAP_WORKER, Scenario.ThreadKind.WORKER, List.of(), null);
        t.kvm = kvm;
        return t;
    }

    /** After the memory was copied (forked): a walk in progress re-takes the table pages its iterator holds. */
    void unshareIterators() {
        RootWalk w = walkOf(current);
        if (w != null) {
            w.unshareIterator();
        }
    }

    private SimThread(SimThread o, Vcpu vcpu) {
        this.name = o.name;
        this.kind = o.kind;
        this.ops = o.ops; // immutable
        this.vcpu = vcpu;
        this.walks = o.walks;
        this.walkProcessed = o.walkProcessed;
    }

    /** This thread in a fork: same program and position, its activity copied into the fork. */
    SimThread copy(Fork f) {
        SimThread c = new SimThread(this, f.vcpu(vcpu));
        c.kvm = kvm == null ? null : f.kvm;
        c.pc = pc;
        c.current = current == null ? null : current.copy(f);
        c.lastStatus = lastStatus;
        // the walks are the original's (the constructor's); each entry (roots, positions) is replaced, never
        // changed, once recorded
        c.walksShared = walksShared = true;
        c.recordedChanges = recordedChanges;
        // the walk whose visits the last entry of walks records, if it is still going on
        if (walkOwner != null && walkOf(current) == walkOwner) {
            c.walkOwner = walkOf(c.current);
        }
        return c;
    }

    public String name() {
        return name;
    }

    public Scenario.ThreadKind kind() {
        return kind;
    }

    Vcpu vcpu() {
        return vcpu;
    }

    public boolean finished() {
        if (kind == Scenario.ThreadKind.WORKER) {
            return current == null && kvm.zapQueue.isEmpty();
        }
        return pc >= ops.size() && current == null;
    }

    /** The walk an activity is running (its own, an invalidator's zap, a work item's), or null. */
    private static RootWalk walkOf(Activity a) {
        if (a instanceof RootWalk w) {
            return w;
        }
        if (a instanceof InvalidatorActivity ia) {
            return ia.walk();
        }
        if (a instanceof ZapWorkerActivity z) {
            return z.walk();
        }
        return null;
    }

    /** Waiting in {@code flush_workqueue} for the zap worker. */
    boolean waitingForWorker(Kvm k) {
        return current instanceof InvalidatorActivity ia && ia.waitingForWorker(k);
    }

    /**
     * Whether this thread's next step takes mmu_lock for write, so cannot run while another thread holds
     * it for read across steps (a v6.9 walk stopped between roots). Conservative: true when unsure.
     */
    boolean needsWriteLockNext(Kvm k) {
        if (kind == Scenario.ThreadKind.WORKER) {
            return false;
        }
        if (current instanceof RootWalk w) {
            return w.needsWriteLockNext(k);
        }
        if (current instanceof InvalidatorActivity ia) {
            return ia.needsWriteLockNext() || ia.walk() != null && ia.walk().needsWriteLockNext(k);
        }
        if (current != null) {
            return true;
        }
        if (pc >= ops.size()) {
            return false;
        }
        Op op = ops.get(pc);
        boolean reloadNeedsWrite = !k.rules.rootsUnderReadLock() || vcpu != null && vcpu.faultVariants.freeRootsUnderWriteLock();
        if (op instanceof Op.LoadRoot || op instanceof Op.Reload) {
            return reloadNeedsWrite;
        }
        if (op instanceof Op.Fault || op instanceof Op.Access) {
            boolean stale = vcpu == null || vcpu.root == null || vcpu.reloadRequested || vcpu.root.invalid;
            return stale && reloadNeedsWrite;
        }
        if (op instanceof Op.Walk w) {
            return !w.shared() && !(w.spteOp() == org.tdpscope.sim.mmu.SpteOp.AGE && k.rules.locklessAging());
        }
        return !(op instanceof Op.DirtyLogEnable);
    }

    /** Operations completed so far. */
    public int completedOps() {
        return pc;
    }

    public boolean yielded() {
        return current != null && lastStatus == Activity.Status.YIELDED;
    }

    /** What the thread is doing now, for the step table and the views. */
    public String where() {
        if (current != null) {
            return current.where() + (lastStatus == Activity.Status.YIELDED ? " (yielded)" : "");
        }
        return finished() ? "done" : "next: " + ops.get(pc).describe();
    }

    /** The root this thread's walk stands on now, or null. */
    public Root walkRoot() {
        RootWalk w = walkOf(current);
        return w == null ? null : w.currentRoot();
    }

    /** Roots each completed or running walk of this thread visited, in order (names). */
    public List<List<String>> walks() {
        return walks;
    }

    /** Iterator positions the last walk of this thread processed, by root name; empty if it walked none. */
    public Map<String, Long> lastWalkProcessed() {
        return walkProcessed.isEmpty() ? Map.of() : walkProcessed.get(walkProcessed.size() - 1).toMap();
    }

    /** The next operation when the thread stands between operations; null mid-operation or when finished. */
    public Op nextOp() {
        return current == null && pc < ops.size() ? ops.get(pc) : null;
    }

    /**
     * The gfn of this vCPU's fault (begun or not) that would retry now, an mmu_notifier invalidation covering it
     * being in progress; -1 if none.
     */
    long retryingFaultGfn(Kvm kvm) {
        return kind == Scenario.ThreadKind.VCPU && pc < ops.size() && ops.get(pc) instanceof Op.Fault f
                && kvm.invalidationCovers(f.gfn()) ? f.gfn() : -1;
    }

    /** Whether {@link #step} would make progress now: not finished and not waiting for slots_lock. */
    boolean canStep(Kvm kvm) {
        if (finished() || waitingForWorker(kvm)) {
            return false;
        }
        Activity a = current;
        if (a == null && kind == Scenario.ThreadKind.WORKER) {
            return true; // not finished: work is queued (the worker has no program of its own to look at)
        }
        if (retryingFaultGfn(kvm) >= 0) {
            return false; // its fault would retry until the mmu_notifier invalidation of the gfn ends
        }
        if (a == null) {
            Op op = ops.get(pc);
            if (!(op instanceof Op.FastZap || op instanceof Op.MemslotDelete || op instanceof Op.MemslotMove
                    || op instanceof Op.DirtyLogEnable)) {
                return true;
            }
            a = new InvalidatorActivity(op);
        }
        return !(a instanceof InvalidatorActivity ia && ia.blockedOnSlotsLock(kvm, name));
    }

    /** This thread's position for the explorer's state hash; {@code period} > 0 folds a repeating program. */
    void fingerprint(Fingerprint f, int period, boolean history) {
        f.add(period > 0 ? pc % period : pc);
        if (current instanceof RootWalk w) {
            f.add(1);
            w.fingerprint(f);
        } else if (current instanceof InvalidatorActivity a) {
            f.add(2);
            a.fingerprint(f);
        } else if (current instanceof ZapWorkerActivity z) {
            f.add(4);
            z.fingerprint(f);
        } else {
            f.add(current == null ? 0 : 3);
        }
        if (history && f.exact()) {
            f.addExact(walks.size());
            for (List<String> w : walks) {
                f.addExact(w.hashCode());
            }
        }
    }

    /** Runs until the next interleaving point; returns how it stopped. */
    Activity.Status step(Kvm kvm) {
        if (finished()) {
            return Activity.Status.DONE;
        }
        boolean worker = kind == Scenario.ThreadKind.WORKER; // works from its queue, not from a program
        try {
            if (current == null) {
                current = worker ? new ZapWorkerActivity() : activityFor(ops.get(pc));
            }
            lastStatus = run(kvm, current);
        } catch (ScheduleException e) {
            throw worker ? e : e.inOp(name, pc); // the scenario points at the operation, not at the scenario
        }
        if (lastStatus == Activity.Status.DONE) {
            current = null;
            pc++;
        }
        return lastStatus;
    }

    /** An operation done on the spot (a schedule's {@code v0 reload}), outside the thread's program. */
    Activity.Status act(Kvm kvm, Op op) {
        if (current != null) {
            throw new ScheduleException(name + " is in the middle of " + current.where(), 0);
        }
        return run(kvm, activityFor(op));
    }

    private Activity.Status run(Kvm kvm, Activity a) {
        String was = kvm.current;
        kvm.current = name;
        try {
            return a.step(kvm);
        } finally {
            kvm.current = was;
            recordWalk(a);
        }
    }

    private void recordWalk(Activity a) {
        RootWalk w = walkOf(a);
        if (w == null || walkOwner == w && !walks.isEmpty() && w.changes() == recordedChanges) {
            return; // recorded as it stands
        }
        recordedChanges = w.changes();
        List<String> names;
        if (walkOwner == w && !walks.isEmpty() && walks.get(walks.size() - 1).size() == w.visited().size()) {
            names = walks.get(walks.size() - 1); // a walk's roots only grow: the same roots, only positions changed
        } else {
            names = new ArrayList<>();
            for (Root r : w.visited()) {
                names.add(r.name());
            }
        }
        RootWalk.Processed processed = w.processed();
        if (walksShared) {
            walks = new ArrayList<>(walks);
            walkProcessed = new ArrayList<>(walkProcessed);
            walksShared = false;
        }
        if (!walks.isEmpty() && walkOwner == w) {
            walks.set(walks.size() - 1, names);
            walkProcessed.set(walkProcessed.size() - 1, processed);
        } else {
            walks.add(names);
            walkProcessed.add(processed);
            walkOwner = w;
        }
    }

    private RootWalk walkOwner;
    /** {@link RootWalk#changes} of {@link #walkOwner} when it was last recorded. */
    private int recordedChanges;

    private Activity activityFor(Op op) {
        if (op instanceof Op.Walk w) {
            return RootWalk.of(w);
        }
        if (op instanceof Op.LoadRoot || op instanceof Op.Reload || op instanceof Op.Fault || op instanceof Op.Access
                || op instanceof Op.CpuWrite || op instanceof Op.GuestEntryWrite || op instanceof Op.EptEntryWrite) {
            return new VcpuActivity(requireVcpu(op), op);
        }
        return new InvalidatorActivity(op);
    }

    private Vcpu requireVcpu(Op op) {
        if (vcpu == null) {
            throw new ScheduleException(name + " is not a vCPU and cannot " + op.describe(), 0);
        }
        return vcpu;
    }
}
