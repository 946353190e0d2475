/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.mmu.CpuRegs;
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
    private final Map<String, SimThread> threads = new LinkedHashMap<>();
    private boolean started;

    public Simulation(Scenario scenario, Policy policy, TraceListener listener) {
        this.scenario = scenario;
        this.policy = policy;
        this.kvm = new Kvm(policy, scenario.tdpLevels, scenario.accessedDirty, listener);
    }

    public Kvm kvm() {
        return kvm;
    }

    public Policy policy() {
        return policy;
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Threads in declaration order. */
    public List<SimThread> threads() {
        return List.copyOf(threads.values());
    }

    public SimThread thread(String name) {
        return threads.get(name);
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
        if (started) {
            throw new IllegalStateException("a Simulation runs once; make a new one to replay");
        }
        started = true;
        kvm.stopAfter(lastStep);
        ScheduleException error = null;
        boolean complete = false;
        try {
            setUp();
            if (scenario.schedule != null) {
                for (ScheduleStep s : scenario.schedule) {
                    try {
                        take(s);
                    } catch (ScheduleException e) {
                        throw e.at(s.line());
                    }
                    kvm.gracePeriod();
                }
            }
            for (SimThread t : threads.values()) {
                runToEnd(t, 0);
                kvm.gracePeriod();
            }
            complete = true;
        } catch (ScheduleException e) {
            error = e;
        } catch (Kvm.StepLimitReached e) {
            // stopped where the caller asked
        }
        return new RunResult(this, complete, error);
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
            Vcpu vcpu = new Vcpu(v.name(), v.role(), regs);
            vcpu.faultVariants = v.variants();
            kvm.vcpus.put(v.name(), vcpu);
        }
        for (Scenario.ThreadSpec t : scenario.threads) {
            Vcpu v = t.kind() == Scenario.ThreadKind.VCPU ? kvm.vcpus.get(t.name()) : null;
            if (t.kind() == Scenario.ThreadKind.VCPU && v == null) {
                throw new ScheduleException("vCPU thread " + t.name() + " names no vCPU of the VM", 0);
            }
            threads.put(t.name(), new SimThread(t.name(), t.kind(), t.ops(), v));
        }
        // vCPUs without a thread of their own can still act from the schedule.
        for (Vcpu v : kvm.vcpus.values()) {
            threads.putIfAbsent(v.name(), new SimThread(v.name(), Scenario.ThreadKind.VCPU, List.of(), v));
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
        SimThread t = threads.get(s.thread());
        if (t == null) {
            throw new ScheduleException("no thread named " + s.thread(), s.line());
        }
        switch (s.kind()) {
            case TO_END -> runToEnd(t, s.line());
            case UNTIL_YIELD -> {
                while (true) {
                    if (t.finished()) {
                        throw new ScheduleException(t.name() + " ended without yielding", s.line());
                    }
                    Activity.Status st = t.step(kvm);
                    checkBlocked(t, st, s.line());
                    if (st == Activity.Status.YIELDED) {
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
                    checkBlocked(t, t.step(kvm), s.line());
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
            checkBlocked(t, t.step(kvm), line);
        }
    }

    private void checkBlocked(SimThread t, Activity.Status st, int line) {
        if (st != Activity.Status.BLOCKED) {
            return;
        }
        String holder = kvm.slotsLockOwner != null && !kvm.slotsLockOwner.equals(t.name())
                ? "slots_lock held by " + kvm.slotsLockOwner
                : "mmu_lock held by " + (kvm.mmuLock.writer() != null ? kvm.mmuLock.writer() : kvm.mmuLock.readers());
        throw new ScheduleException(t.name() + " blocks: " + holder + " (" + t.where() + ")", line);
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
