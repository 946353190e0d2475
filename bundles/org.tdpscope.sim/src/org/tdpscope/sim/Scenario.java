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

/**
 * A scenario as the simulator takes it: the VM, the threads with their operations, an optional
 * explicit schedule and the default policy. Built by the DSL interpreter or directly in tests.
 */
public final class Scenario {

    /** A memslot: guest frames [baseGfn, baseGfn + npages). */
    public record MemslotSpec(int id, long baseGfn, long npages, boolean readOnly, boolean dirtyLogging) {
    }

    /** A guest mapping written into the guest's page tables (in guest memory). */
    public record GuestMapping(long gva, long gpa, long size, int pageSize, boolean writable, boolean user,
            boolean exec, boolean global) {
    }

    /** A vCPU and its role (vCPUs with equal roles share a root); {@code variants} breaks its fault path on purpose. */
    public record VcpuSpec(String name, RootRole role, Variants variants) {
        public VcpuSpec(String name, RootRole role) {
            this(name, role, Variants.KERNEL);
        }
    }

    /** Thread kinds, as the kernel would name who does the work; a WORKER is the era's zap worker, never declared. */
    public enum ThreadKind { VCPU, WALKER, INVALIDATOR, WORKER }

    /** {@code KVM_X86_DEFAULT_VM}, {@code KVM_X86_TDX_VM}, {@code KVM_X86_SEV_VM}. */
    public enum VmType { DEFAULT, TDX, SEV }

    /** The name of the zap worker thread of eras with a workqueue (v5.18 to v6.5). */
    public static final String ZAP_WORKER = "kworker";

    /** A simulated thread; a VCPU thread's name is the vCPU's. */
    public record ThreadSpec(String name, ThreadKind kind, List<Op> ops) {
    }

    public String name = "scenario";
    public int tdpLevels = 4;
    public boolean accessedDirty = true;
    public int guestLevels = 4;
    /** Guest control registers besides CR3 (set from the guest tables) ; CR0.PG/WP, CR4.PAE, EFER.LME/LMA/NXE by default. */
    public long cr0 = CpuRegs.CR0_PG | CpuRegs.CR0_WP;
    public long cr4 = CpuRegs.CR4_PAE;
    public long efer = CpuRegs.EFER_LME | CpuRegs.EFER_LMA | CpuRegs.EFER_NXE;
    /** Where the guest's page-table pages are allocated (a gpa inside a memslot), and how many. */
    public long guestTablePoolGpa = -1;
    public long guestTablePoolPages = 512;
    public Policy policy = Policy.CONTINUE;
    /** The kernel era whose root-lifecycle rules the run follows (with any overridden rules). */
    public KernelRules kernel = Era.MAINLINE.rules();
    /** {@code vm type}: since 6.12 only default VMs fast-zap on a memslot DELETE/MOVE; TDX VMs have mirror roots (6.14). */
    public VmType vmType = VmType.DEFAULT;
    /** The host's MAXPHYADDR in bits: where zaps stopped before 86931ff7207b. */
    public int hostMaxPhyAddr = 46;
    public final List<MemslotSpec> memslots = new ArrayList<>();
    public final List<VcpuSpec> vcpus = new ArrayList<>();
    public final List<GuestMapping> guestMappings = new ArrayList<>();
    /** {@code cpu v0: ...} in the VM: each vCPU's guest state changes at start, in order, by vCPU name. */
    public final Map<String, List<Op.CpuWrite>> cpuSetup = new LinkedHashMap<>();
    /** {@code guest entry ...} in the VM: raw writes to the guest tables once the mappings are built. */
    public final List<Op.GuestEntryWrite> guestEntryWrites = new ArrayList<>();
    public final List<ThreadSpec> threads = new ArrayList<>();
    /** Report every position of a walk's SPTE iterator as an event ({@code --all-events}); off by default. */
    public boolean iteratorEvents;
    /** Null: threads run one after another, each to its end, in declaration order. */
    public List<ScheduleStep> schedule;

    public Scenario memslot(int id, long baseGfn, long npages) {
        memslots.add(new MemslotSpec(id, baseGfn, npages, false, false));
        return this;
    }

    public Scenario vcpu(String name, RootRole role) {
        vcpus.add(new VcpuSpec(name, role));
        return this;
    }

    public Scenario vcpu(String name, RootRole role, Variants variants) {
        vcpus.add(new VcpuSpec(name, role, variants));
        return this;
    }

    public Scenario thread(String name, ThreadKind kind, Op... ops) {
        threads.add(new ThreadSpec(name, kind, List.of(ops)));
        return this;
    }

    /** A copy with the same VM and threads (lists copied, elements shared: they are immutable records) and the same schedule. */
    public Scenario copy() {
        Scenario c = new Scenario();
        c.name = name;
        c.tdpLevels = tdpLevels;
        c.accessedDirty = accessedDirty;
        c.guestLevels = guestLevels;
        c.cr0 = cr0;
        c.cr4 = cr4;
        c.efer = efer;
        c.guestTablePoolGpa = guestTablePoolGpa;
        c.guestTablePoolPages = guestTablePoolPages;
        c.policy = policy;
        c.kernel = kernel;
        c.vmType = vmType;
        c.hostMaxPhyAddr = hostMaxPhyAddr;
        c.iteratorEvents = iteratorEvents;
        c.memslots.addAll(memslots);
        c.vcpus.addAll(vcpus);
        c.guestMappings.addAll(guestMappings);
        c.cpuSetup.putAll(cpuSetup);
        c.guestEntryWrites.addAll(guestEntryWrites);
        c.threads.addAll(threads);
        c.schedule = schedule == null ? null : new ArrayList<>(schedule);
        return c;
    }

    /** A copy that runs under {@code rules} (the era compared by {@code kernel compare} or {@code --kernel}). */
    public Scenario withKernel(KernelRules rules) {
        Scenario c = copy();
        c.kernel = rules;
        return c;
    }

    public Scenario step(ScheduleStep s) {
        if (schedule == null) {
            schedule = new ArrayList<>();
        }
        schedule.add(s);
        return this;
    }
}
