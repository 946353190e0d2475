/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.DirtyBitmap;
import org.tdpscope.sim.mmu.GuestPageTableBuilder;

/**
 * Runs a {@link Scenario} under one {@link Policy}: sets the VM up, then follows the schedule
 * (or, without one, runs each thread to its end in order). Deterministic: the same scenario and
 * policy give the same events. A run can stop after any step, which is how stepping back works:
 * replay to the step wanted.
 *
 * <p>RCU: no simulated thread stays in a read-side section across a schedule step, so a grace
 * period elapses after each step; a {@code grace period} step makes one elapse earlier.
 */
public final class Simulation {

    private final Scenario scenario;
    private final Policy policy;
    private final Kvm kvm;
    /** Threads in declaration order, found by name with a scan (a few of them; a fork copies one array). */
    private final ArrayList<SimThread> threads = new ArrayList<>();
    private boolean started;
    private final boolean hasAccessOps;

    public Simulation(Scenario scenario, Policy policy, TraceListener listener) {
        this.scenario = scenario;
        this.policy = policy;
        this.kvm = new Kvm(policy, scenario.kernel, scenario.vmType, scenario.hostMaxPhyAddr, scenario.tdpLevels,
                scenario.accessedDirty, listener);
        kvm.iteratorEvents = scenario.iteratorEvents;
        this.hasAccessOps = hasAccessOps();
    }

    /** A copy for {@link #fork}: the same scenario and policy, state copied. */
    private Simulation(Simulation o, TraceListener listener) {
        this.scenario = o.scenario;
        this.policy = o.policy;
        this.started = o.started;
        this.hasAccessOps = o.hasAccessOps;
        this.nextUnit = o.nextUnit; // a fork taken at a boundary goes on from there (never the boundary callback)
        Fork f = new Fork(o.kvm.allRoots.size());
        this.kvm = new Kvm(o.kvm, f, listener);
        threads.ensureCapacity(o.threads.size());
        for (SimThread t : o.threads) {
            threads.add(t.copy(f));
            t.unshareIterators(); // the original's memory is copy-on-write from now on too
        }
    }

    /**
     * An independent copy of this simulation as it stands between steps (after {@link #start} and
     * any {@link #stepOnce}s): stepping either one never affects the other, and both produce the
     * same events from here on. The copy reports its events to {@code listener}. This is what lets
     * the explorer branch without replaying a path, and stepping back start from a checkpoint.
     */
    public Simulation fork(TraceListener listener) {
        return new Simulation(this, listener);
    }

    public Kvm kvm() {
        return kvm;
    }

    public Policy policy() {
        return policy;
    }

    /** The era's rules this run follows. */
    public KernelRules kernel() {
        return kvm.rules;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Threads in declaration order. */
    public List<SimThread> threads() {
        return List.copyOf(threads);
    }

    /**
     * The {@code i}-th thread in declaration order (fixed once started, and the same in every fork): the
     * explorer asks for each thread at every node, and a search by name was 3 % of its time.
     */
    public SimThread thread(int i) {
        return threads.get(i);
    }

    public SimThread thread(String name) {
        for (int i = 0, n = threads.size(); i < n; i++) {
            SimThread t = threads.get(i);
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Adds {@code t}, or puts it in the place of the thread of its name (as a map's put would). */
    private void putThread(SimThread t) {
        for (int i = 0, n = threads.size(); i < n; i++) {
            if (threads.get(i).name().equals(t.name())) {
                threads.set(i, t);
                return;
            }
        }
        threads.add(t);
    }

    /** Runs the whole scenario. */
    public RunResult run() {
        return runTo(Long.MAX_VALUE);
    }

    /**
     * Runs until {@code lastStep} events have happened (or the end). The state is then as it was
     * right after that event: views replay to a step this way.
     */
    public RunResult runTo(long lastStep) {
        return runTo(lastStep, null);
    }

    /** {@link #runTo(long)}, showing {@code boundary} every boundary between units (see {@link Replay}). */
    RunResult runTo(long lastStep, UnitBoundary boundary) {
        if (started) {
            throw new IllegalStateException("a Simulation runs once; make a new one to replay");
        }
        started = true;
        kvm.stopAfter(lastStep);
        try {
            setUp();
        } catch (ScheduleException e) {
            return new RunResult(this, false, e);
        } catch (Kvm.StepLimitReached e) {
            return new RunResult(this, false, null);
        } catch (OutOfMemoryError e) {
            return new RunResult(this, false, outOfMemory());
        }
        return continueRun(boundary);
    }

    /**
     * The run's units, in order: each step of the schedule, then each thread run to its end; an RCU
     * grace period follows each. {@code nextUnit} is where a run (or a fork taken between units) goes on.
     */
    private int nextUnit;

    /** Seen at every boundary between units of a run, before the next unit starts. */
    interface UnitBoundary {
        void before(Simulation sim);
    }

    /** Sees the boundaries of the run going on now (null: nobody). */
    private UnitBoundary boundary;

    /**
     * Runs the remaining units; {@code boundary} (may be null) sees each boundary, and the points between a
     * thread's steps while it runs to its end (resuming there just goes on running it to its end).
     */
    RunResult continueRun(UnitBoundary boundary) {
        this.boundary = boundary;
        ScheduleException error = null;
        boolean complete = false;
        List<ScheduleStep> schedule = scenario.schedule == null ? List.of() : scenario.schedule;
        List<SimThread> order = List.copyOf(threads);
        try {
            while (nextUnit < schedule.size() + order.size()) {
                if (boundary != null) {
                    boundary.before(this);
                }
                if (nextUnit < schedule.size()) {
                    ScheduleStep s = schedule.get(nextUnit);
                    try {
                        take(s);
                    } catch (ScheduleException e) {
                        throw e.at(s.line());
                    }
                } else {
                    runToEnd(order.get(nextUnit - schedule.size()), 0);
                }
                kvm.gracePeriod();
                nextUnit++;
            }
            complete = true;
        } catch (ScheduleException e) {
            error = e;
        } catch (Kvm.StepLimitReached e) {
            // stopped where the caller asked
        } catch (OutOfMemoryError e) {
            error = outOfMemory();
        } finally {
            this.boundary = null;
        }
        return new RunResult(this, complete, error);
    }

    /**
     * A run that exhausted the Java heap ends as a failed run rather than an error thrown at the caller: the
     * simulated memory is dropped (so the caller can go on, print and exit) and the message names the limits.
     */
    private ScheduleException outOfMemory() {
        kvm.mem.discard();
        return new ScheduleException("out of memory after " + kvm.step() + " steps (the simulated memory was "
                + "dropped; give Java more with -Xmx or make the scenario smaller); the limits are: "
                + Limits.summary(), 0);
    }

    /**
     * Goes on with a run forked between two units ({@link Replay}'s checkpoints) until {@code lastStep}
     * events have happened in all, or the end.
     */
    RunResult resumeTo(long lastStep) {
        kvm.stopAfter(lastStep);
        return continueRun(null);
    }

    private void setUp() {
        for (Scenario.MemslotSpec m : scenario.memslots) {
            try {
                kvm.slots.add(m.id(), m.baseGfn(), m.npages(), m.readOnly());
            } catch (IllegalArgumentException e) {
                throw new ScheduleException("memslot " + m.id() + ": " + e.getMessage(), 0);
            }
            if (m.dirtyLogging()) {
                kvm.slots.setDirtyLogging(m.id(), true);
            }
            kvm.emit(EventType.MEMSLOT, null, "memslot " + m.id() + " gfn 0x" + Long.toHexString(m.baseGfn()) + "..0x"
                    + Long.toHexString(m.baseGfn() + m.npages()) + (m.readOnly() ? " read-only" : "")
                    + (m.dirtyLogging() ? " dirty-logging" : ""));
        }
        long cr3 = 0;
        if (!scenario.guestMappings.isEmpty()) {
            long pool = scenario.guestTablePoolGpa >= 0 ? scenario.guestTablePoolGpa : defaultTablePool();
            GuestPageTableBuilder b = new GuestPageTableBuilder(kvm.slots, scenario.guestLevels, pool,
                    scenario.guestTablePoolPages);
            for (Scenario.GuestMapping g : scenario.guestMappings) {
                b.map(g.gva(), g.gpa(), g.size(), g.pageSize(), g.writable(), g.user(), g.exec(), g.global());
            }
            cr3 = b.cr3();
        }
        for (Scenario.VcpuSpec v : scenario.vcpus) {
            CpuRegs regs = new CpuRegs();
            regs.cr0 = scenario.cr0;
            regs.cr3 = cr3;
            regs.cr4 = scenario.cr4 | (scenario.guestLevels == 5 ? CpuRegs.CR4_LA57 : 0);
            regs.efer = scenario.efer;
            for (Op.CpuWrite w : scenario.cpuSetup.getOrDefault(v.name(), List.of())) {
                if (w.reg() == null) {
                    regs.cpl = w.cpl();
                } else {
                    regs.change(w.reg(), w.set(), w.clear());
                }
            }
            Vcpu vcpu = new Vcpu(v.name(), v.role(), regs);
            vcpu.faultVariants = v.variants();
            kvm.vcpus.put(v.name(), vcpu);
        }
        if (!scenario.guestEntryWrites.isEmpty()) {
            CpuRegs regs = new CpuRegs(scenario.cr0, cr3, scenario.cr4 | (scenario.guestLevels == 5 ? CpuRegs.CR4_LA57
                    : 0), scenario.efer);
            for (Op.GuestEntryWrite g : scenario.guestEntryWrites) {
                VcpuActivity.guestEntryWrite(kvm, regs, g, true);
            }
        }
        for (Scenario.ThreadSpec t : scenario.threads) {
            Vcpu v = t.kind() == Scenario.ThreadKind.VCPU ? kvm.vcpus.get(t.name()) : null;
            if (t.kind() == Scenario.ThreadKind.VCPU && v == null) {
                throw new ScheduleException("vCPU thread " + t.name() + " names no vCPU of the VM", 0);
            }
            putThread(new SimThread(t.name(), t.kind(), t.ops(), v));
        }
        // vCPUs without a thread of their own can still act from the schedule.
        for (Vcpu v : kvm.vcpus.values()) {
            if (thread(v.name()) == null) {
                threads.add(new SimThread(v.name(), Scenario.ThreadKind.VCPU, List.of(), v));
            }
        }
        if (kvm.rules.hasZapWorker()) {
            putThread(SimThread.zapWorker(kvm));
        }
    }

    /**
     * One step of {@code t}; a thread that waits in {@code flush_workqueue} sleeps while the zap worker
     * runs its queue, as in the kernel, so a schedule need not name the worker.
     */
    private Activity.Status advance(SimThread t) {
        while (true) {
            Activity.Status st = t.step(kvm);
            if (st == Activity.Status.BLOCKED && t.waitingForWorker(kvm)) {
                SimThread w = thread(Scenario.ZAP_WORKER);
                if (w != null && w != t && !w.finished() && w.step(kvm) != Activity.Status.BLOCKED) {
                    continue;
                }
            }
            return st;
        }
    }

    /** The top 1/8 of the first memslot (at most 512 pages) holds the guest's page tables by default. */
    private long defaultTablePool() {
        if (scenario.memslots.isEmpty()) {
            throw new ScheduleException("guest mappings need a memslot to hold the guest page tables", 0);
        }
        Scenario.MemslotSpec m = scenario.memslots.get(0);
        long pages = Math.min(scenario.guestTablePoolPages, Math.max(1, m.npages() / 8));
        return (m.baseGfn() + m.npages() - pages) << 12;
    }

    private void take(ScheduleStep s) {
        if (s.kind() == ScheduleStep.Kind.GRACE_PERIOD) {
            kvm.gracePeriod();
            return;
        }
        SimThread t = thread(s.thread());
        if (t == null && Scenario.ZAP_WORKER.equals(s.thread())) {
            throw new ScheduleException(Scenario.ZAP_WORKER + " exists only in eras whose invalidated roots are zapped by "
                    + "a workqueue (v5.18 to v6.5); this run follows " + kvm.rules.word(), s.line());
        }
        if (t == null) {
            throw new ScheduleException("no thread named " + s.thread(), s.line());
        }
        switch (s.kind()) {
            case TO_END -> runToEnd(t, s.line());
            case UNTIL_YIELD, UNTIL_NEXT_ROOT -> {
                boolean point = s.kind() == ScheduleStep.Kind.UNTIL_NEXT_ROOT;
                while (true) {
                    if (t.finished()) {
                        throw new ScheduleException(t.name() + (point ? " ended without stopping between two roots"
                                + " (only read-lock walks stop there, from v6.9)" : " ended without yielding"), s.line());
                    }
                    Activity.Status st = advance(t);
                    checkBlocked(t, st, s.line());
                    if (st == Activity.Status.YIELDED || point && st == Activity.Status.POINT) {
                        return;
                    }
                }
            }
            case OPS -> {
                int target = t.completedOps() + s.count();
                while (t.completedOps() < target) {
                    if (t.finished()) {
                        throw new ScheduleException(t.name() + " has no more operations to run", s.line());
                    }
                    checkBlocked(t, advance(t), s.line());
                }
            }
            case ACTION -> {
                try {
                    checkBlocked(t, t.act(kvm, s.action()), s.line());
                } catch (ScheduleException e) {
                    throw e.at(s.line());
                }
            }
            default -> throw new IllegalStateException(s.kind().toString());
        }
    }

    private void runToEnd(SimThread t, int line) {
        while (!t.finished()) {
            if (boundary != null) {
                boundary.before(this);
            }
            checkBlocked(t, advance(t), line);
        }
    }

    private void checkBlocked(SimThread t, Activity.Status st, int line) {
        if (st != Activity.Status.BLOCKED) {
            return;
        }
        String holder = t.waitingForWorker(kvm) ? "waits for the zap worker (" + Scenario.ZAP_WORKER + ")"
                : t.retryingFaultGfn(kvm) >= 0
                ? "its fault on gfn 0x" + Long.toHexString(t.retryingFaultGfn(kvm)) + " retries while an mmu_notifier"
                        + " invalidation of"
                        + " gfn 0x" + Long.toHexString(kvm.invalidateStart) + " .. 0x" + Long.toHexString(kvm.invalidateEnd)
                        + " is in progress (is_page_fault_stale)"
                : kvm.slotsLockOwner != null && !kvm.slotsLockOwner.equals(t.name())
                ? "slots_lock held by " + kvm.slotsLockOwner
                : "mmu_lock held by " + (kvm.mmuLock.writer() != null ? kvm.mmuLock.writer() : kvm.mmuLock.readers());
        throw new ScheduleException(t.name() + " blocks: " + holder + " (" + t.where() + ")", line);
    }

    // ---- stepping from outside, for the schedule explorer

    /** Restarts beyond this many make a walk report a livelock (the simulator's own cut-off). */
    public static final int LIVELOCK_RESTARTS = RootWalk.LIVELOCK_RESTARTS;

    /**
     * Sets the VM up without running anything; then {@link #stepOnce} drives threads one
     * interleaving point at a time (the scenario's explicit schedule is not used).
     */
    public void start() {
        if (started) {
            throw new IllegalStateException("a Simulation runs once; make a new one to replay");
        }
        started = true;
        setUp();
    }

    /** Whether {@code thread} can take a step now: it has work left and is not waiting for a lock. */
    public boolean canStep(String thread) {
        return canStep(thread(thread));
    }

    /** {@link #canStep(String)} of the {@code i}-th thread in declaration order. */
    public boolean canStep(int i) {
        return canStep(threads.get(i));
    }

    private boolean canStep(SimThread t) {
        if (t == null || !t.canStep(kvm)) {
            return false;
        }
        // Only a read-lock walk stopped between roots (v6.9) holds mmu_lock across steps.
        return !(kvm.mmuLock.readByOtherThan(t.name()) && t.needsWriteLockNext(kvm));
    }

    /**
     * Runs {@code thread} to its next interleaving point (a yield inside a walk or the end of its
     * current operation), then lets an RCU grace period elapse, as a schedule step does. Returns the
     * schedule step that does exactly this in a replay: {@code untilYield} or {@code ops 1}.
     *
     * @throws ScheduleException if the thread cannot step ({@link #canStep} is false)
     */
    public ScheduleStep stepOnce(String thread) {
        SimThread t = thread(thread);
        if (t == null) {
            throw new ScheduleException(thread + " has nothing to run", 0);
        }
        return stepOnce(t);
    }

    /** {@link #stepOnce(String)} of the {@code i}-th thread in declaration order. */
    public ScheduleStep stepOnce(int i) {
        return stepOnce(threads.get(i));
    }

    private ScheduleStep stepOnce(SimThread t) {
        String thread = t.name();
        if (t.finished()) {
            throw new ScheduleException(thread + " has nothing to run", 0);
        }
        Activity.Status st = advance(t); // as a schedule step runs it: the zap worker runs while t flushes its queue
        checkBlocked(t, st, 0);
        kvm.gracePeriod();
        return st == Activity.Status.YIELDED ? ScheduleStep.untilYield(thread)
                : st == Activity.Status.POINT ? ScheduleStep.untilNextRoot(thread) : ScheduleStep.ops(thread, 1);
    }

    /**
     * Whether the next steps of two threads commute (a sound, deliberately narrow independence rule
     * for partial-order reduction): both are vCPUs about to start a fault on different live, valid
     * roots with no reload pending. Each fault then takes mmu_lock for read and writes only its own
     * root's SPTEs (and sets bits in a dirty bitmap); neither can disable the other.
     */
    public boolean commute(String a, String b) {
        return commute(thread(a), thread(b));
    }

    /** {@link #commute(String, String)} of the {@code a}-th and {@code b}-th threads in declaration order. */
    public boolean commute(int a, int b) {
        return commute(threads.get(a), threads.get(b));
    }

    private static boolean commute(SimThread x, SimThread y) {
        if (x == null || y == null || x == y) {
            return false;
        }
        Root rx = faultRoot(x);
        Root ry = faultRoot(y);
        return rx != null && ry != null && rx != ry;
    }

    private static Root faultRoot(SimThread t) {
        if (t.kind() != Scenario.ThreadKind.VCPU || !(t.nextOp() instanceof Op.Fault)) {
            return null;
        }
        Vcpu v = t.vcpu();
        if (v == null || v.root == null || v.reloadRequested || v.root.invalid || v.root.state != Root.State.LISTED) {
            return null;
        }
        return v.root;
    }

    /**
     * A 64-bit hash of the state between steps: root lists (order, refcounts, invalid, life state,
     * role, present leaf SPTEs), roots waiting to be freed, locks, RCU callbacks, vCPU roots and
     * reload requests, memslots and dirty bitmaps, each thread's position (operation index, activity
     * phase, walk cursor). {@code symmetric}: roots named by order of appearance, freed roots, history
     * and report-only counters left out (see the explorer's cycle detection); otherwise exact, with
     * the walkers' visited roots and the violations so far. {@code periods}: threads whose program
     * repeats with that period (their operation index is taken modulo it).
     */
    public long fingerprint(boolean symmetric, Map<String, Integer> periods) {
        Fingerprint f = new Fingerprint(symmetric);
        hash(f, periodsOf(periods));
        return f.value();
    }

    /**
     * Both fingerprints in one walk over the state (the explorer wants both of every state it visits):
     * {@code into[0]} the symmetric one, {@code into[1]} the exact one, each equal to what
     * {@link #fingerprint} gives.
     */
    public void fingerprints(Map<String, Integer> periods, long[] into) {
        fingerprints(periodsOf(periods), into);
    }

    /**
     * {@link #fingerprints(Map, long[])} with the periods by thread, in declaration order (0: none): the
     * explorer's form, with no map lookup per thread per state.
     */
    public void fingerprints(int[] periods, long[] into) {
        Fingerprint f = new Fingerprint(true, true);
        hash(f, periods);
        into[0] = f.symmetricValue();
        into[1] = f.exactValue();
    }

    /** The periods of {@code byName} by thread, in declaration order (0: the thread does not repeat). */
    public int[] periodsOf(Map<String, Integer> byName) {
        int[] p = new int[threads.size()];
        for (int i = 0; i < p.length; i++) {
            Integer n = byName.get(threads.get(i).name());
            p[i] = n == null ? 0 : n;
        }
        return p;
    }

    private void hash(Fingerprint f, int[] periods) {
        hashList(f, kvm.roots);
        hashList(f, kvm.invalidRoots);
        for (Root r : kvm.allRoots) {
            if (r.state == Root.State.UNLINKED) {
                f.root(r).add(r.refcount).add(r.invalid).add(leafHash(r));
            }
        }
        f.add(-3).roots(kvm.rcuCallbacks);
        f.add(-5).roots(kvm.zapQueue).add(kvm.zapWorkInFlight);
        f.add(kvm.invalidationsInProgress).add(kvm.invalidateStart).add(kvm.invalidateEnd);
        f.add(kvm.mmuLock.writer()).add(kvm.mmuLock.readersHash()).add(kvm.slotsLockOwner);
        for (Vcpu v : kvm.vcpus.values()) {
            f.root(v.root).add(v.reloadRequested).root(v.mirrorRoot);
            f.add(v.regs.cr0).add(v.regs.cr4).add(v.regs.efer).add(v.regs.rflags).add(v.regs.cpl); // a thread's cpu ops
        }
        for (int i = 0, n = kvm.slots.size(); i < n; i++) {
            org.tdpscope.sim.mmu.Memslot m = kvm.slots.at(i);
            f.add(m.id()).add(m.baseGfn()).add(m.npages()).add(m.readOnly()).add(m.dirtyLogging());
        }
        long dirty = 0; // a sum, so the map's order does not matter (no sorted copy)
        for (Map.Entry<Integer, DirtyBitmap> e : kvm.dirtyBitmaps.entrySet()) {
            dirty += Fingerprint.mix(e.getKey() * 0x9E3779B97F4A7C15L + e.getValue().hashCode());
        }
        f.add(kvm.dirtyBitmaps.size()).add(dirty);
        for (int i = 0, n = threads.size(); i < n; i++) {
            SimThread t = threads.get(i);
            t.fingerprint(f, periods[i], t.kind() == Scenario.ThreadKind.WALKER);
        }
        if (f.exact()) {
            f.addExact(kvm.allRoots.size());
            long v = 0;
            for (TraceEvent e : kvm.violations) {
                v += Fingerprint.mix((e.invariant().word() + ' ' + e.root()).hashCode());
            }
            f.addExact(v);
        }
    }

    private void hashList(Fingerprint f, RootList list) {
        int size = 0;
        for (Root r = list.head.next; r != list.head; r = r.next) {
            size++;
        }
        f.add(-4).add(size);
        for (Root r = list.head.next; r != list.head; r = r.next) {
            f.root(r).add(r.refcount).add(r.invalid).add(r.scheduledToZap).add(r.state.ordinal()).role(r.role())
                    .add(leafHash(r));
        }
    }

    /**
     * The present leaves of a root: the running hash, or (when guest accesses ran, whose hardware A/D
     * updates are not reported as SPTE changes) the table read out.
     */
    private long leafHash(Root r) {
        if (r.state == Root.State.FREED) {
            return 0;
        }
        if (!hasAccessOps) {
            return r.leafHash;
        }
        long h = 0;
        org.tdpscope.sim.mmu.TdpIter it = kvm.mmu.iter(r.hpfn(), 0, kvm.maxGfn());
        while (it.valid()) {
            h ^= Kvm.leafMix(it.gfn(), it.level(), it.oldSpte());
            it.next();
        }
        return h;
    }

    private boolean hasAccessOps() {
        for (Scenario.ThreadSpec t : scenario.threads) {
            for (Op op : t.ops()) {
                if (op instanceof Op.Access) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A convenience for tests and tools: the whole run's events in memory. */
    public static RunResult run(Scenario scenario, Policy policy, List<TraceEvent> into) {
        return new Simulation(scenario, policy, into::add).run();
    }

    /** Names of the roots on the list now, head to tail. */
    public List<String> listedRootNames() {
        List<String> out = new ArrayList<>();
        for (Root r : kvm.listedRoots()) {
            out.add(r.name());
        }
        return out;
    }
}
