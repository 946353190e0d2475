/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tdpscope.model.EventKind;
import org.tdpscope.model.FastZap;
import org.tdpscope.model.GuestEntry;
import org.tdpscope.model.GuestTablePage;
import org.tdpscope.model.HostTablePage;
import org.tdpscope.model.InvalidationEvent;
import org.tdpscope.model.Invariant;
import org.tdpscope.model.Machine;
import org.tdpscope.model.MemoryReference;
import org.tdpscope.model.Memslot;
import org.tdpscope.model.MemslotChange;
import org.tdpscope.model.MemslotChangeKind;
import org.tdpscope.model.ModelFactory;
import org.tdpscope.model.NotifierUnmap;
import org.tdpscope.model.Policy;
import org.tdpscope.model.Root;
import org.tdpscope.model.RootRole;
import org.tdpscope.model.RootState;
import org.tdpscope.model.Run;
import org.tdpscope.model.Spte;
import org.tdpscope.model.TdpConfig;
import org.tdpscope.model.TraceEvent;
import org.tdpscope.model.Vcpu;
import org.tdpscope.model.WalkRecord;
import org.tdpscope.sim.Kvm;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.mmu.HostMemory;
import org.tdpscope.sim.mmu.MemRef;
import org.tdpscope.sim.mmu.TwoDResult;

/**
 * Projects a finished or stopped simulation into the metamodel, lazily: {@link #machine()} builds the
 * machine, its memslots, vCPUs and every root (two objects per root, no table pages); a table page of
 * 512 SPTEs is built only when asked for ({@link #projectTablePage}). A run of millions of SPTEs thus
 * costs EObjects only for the pages a view or a file actually shows.
 *
 * <p>The projection is a snapshot: it reads the simulator's state when a method is called and does not
 * follow later changes. One projector per snapshot; it is not thread-safe.
 */
public final class SnapshotProjector {

    private static final ModelFactory F = ModelFactory.eINSTANCE;
    private static final Pattern FAST_ZAP_GEN = Pattern.compile("mmu_valid_gen (\\d+)");
    private static final Pattern SLOT_CREATE = Pattern
            .compile("^memslot (\\d+) gfn 0x([0-9a-f]+)\\.\\.0x([0-9a-f]+)( read-only)?( dirty-logging)?$");
    private static final Pattern SLOT_DELETE = Pattern.compile("^delete memslot (\\d+)$");
    private static final Pattern SLOT_MOVE = Pattern.compile("^move memslot (\\d+) to gfn 0x([0-9a-f]+)$");
    private static final Pattern SLOT_DIRTY_LOG = Pattern.compile("^memslot (\\d+) dirty logging (on|off)$");
    private static final Pattern NOTIFIER = Pattern.compile("^notifier unmap gfn 0x([0-9a-f]+)\\.\\.0x([0-9a-f]+)");

    private final Kvm kvm;
    private final Simulation simulation;
    private final RunResult result;
    private Machine machine;
    private final Map<String, Root> roots = new HashMap<>();
    private final Map<String, HostTablePage> pages = new HashMap<>();
    private final Map<Long, GuestTablePage> guestPages = new HashMap<>();

    /** A projector over a run's end state (complete or stopped at a step). */
    public SnapshotProjector(RunResult result) {
        this.result = result;
        this.simulation = result.simulation();
        this.kvm = result.kvm();
    }

    /** A projector over a simulation's current state. */
    public SnapshotProjector(Simulation simulation) {
        this.result = null;
        this.simulation = simulation;
        this.kvm = simulation.kvm();
    }

    // ------------------------------------------------------------------------------------ machine, roots

    /** The machine: TDP config, memslots, vCPUs, all roots and the root lists; no table pages until asked. */
    public Machine machine() {
        if (machine != null) {
            return machine;
        }
        Machine m = F.createMachine();
        m.setStep(kvm.step());
        TdpConfig tdp = F.createTdpConfig();
        tdp.setLevels(kvm.mmu().levels());
        tdp.setAccessedDirtyEnabled(kvm.mmu().adEnabled());
        tdp.setPolicy(policy(kvm.policy()));
        tdp.setKernel(kvm.rules().word());
        m.setTdp(tdp);
        for (org.tdpscope.sim.mmu.Memslot s : kvm.memslots().all()) {
            Memslot ms = F.createMemslot();
            ms.setId(s.id());
            ms.setBaseGfn(s.baseGfn());
            ms.setNpages(s.npages());
            ms.setHostBasePfn(s.hostBasePfn());
            ms.setDirtyLogging(s.dirtyLogging());
            ms.setReadOnly(s.readOnly());
            m.getMemslots().add(ms);
        }
        m.setMemslotGeneration(kvm.memslots().generation());
        for (org.tdpscope.sim.Root r : kvm.allRoots()) {
            Root mr = F.createRoot();
            mr.setName(r.name());
            mr.setRole(role(r.role(), r.invalid()));
            mr.setRefcount(r.refcount());
            mr.setState(RootState.getByName(r.state().name()));
            mr.setCreatedAtStep(r.createdStep());
            mr.setFreedAtStep(r.freedStep());
            mr.setHpfn(r.hpfn());
            mr.setLastPutBy(r.lastPutBy());
            m.getRoots().add(mr);
            roots.put(r.name(), mr);
        }
        int pos = 0;
        for (org.tdpscope.sim.Root r : kvm.listedRoots()) {
            Root mr = roots.get(r.name());
            mr.setListPosition(pos++);
            m.getRootList().add(mr);
        }
        for (org.tdpscope.sim.Root r : kvm.delistedRoots()) {
            m.getInvalidRootList().add(roots.get(r.name()));
        }
        for (org.tdpscope.sim.Vcpu v : kvm.vcpus()) {
            Vcpu mv = F.createVcpu();
            mv.setName(v.name());
            mv.setRole(role(v.role(), false));
            mv.setCurrentRoot(v.root() == null ? null : roots.get(v.root().name()));
            mv.setCr0(v.regs().cr0);
            mv.setCr3(v.regs().cr3);
            mv.setCr4(v.regs().cr4);
            mv.setEfer(v.regs().efer);
            mv.setReloadRequested(v.reloadRequested());
            m.getVcpus().add(mv);
        }
        machine = m;
        return m;
    }

    private RootRole role(org.tdpscope.sim.RootRole r, boolean invalid) {
        RootRole mr = F.createRootRole();
        mr.setName(r.name());
        mr.setLevel(kvm.mmu().levels());
        mr.setAsId(r.asId());
        mr.setGuestMode(r.guestMode());
        mr.setInvalid(invalid);
        return mr;
    }

    /** {@code tdp_mmu_roots} head to tail, as model roots (the machine is projected on first use). */
    public List<Root> projectRootList() {
        return machine().getRootList();
    }

    /** The root with this name, or null. */
    public Root projectRoot(String name) {
        machine();
        return roots.get(name);
    }

    // ------------------------------------------------------------------------------------ table pages

    /**
     * The host table page of {@code rootName} at {@code level} on {@code gfn}'s path, with its 512 SPTEs,
     * added to the root's pages (projected once, then returned from the cache). Null when there is no
     * such page: the path ends above {@code level} (non-present entry or huge leaf), or the root is freed.
     */
    public HostTablePage projectTablePage(String rootName, int level, long gfn) {
        int levels = kvm.mmu().levels();
        if (level < 1 || level > levels) {
            throw new IllegalArgumentException("level " + level + " outside 1.." + levels);
        }
        Root mr = projectRoot(rootName);
        org.tdpscope.sim.Root r = kvm.root(rootName);
        if (mr == null || r == null) {
            throw new IllegalArgumentException("no root named " + rootName);
        }
        long baseGfn = level == levels ? 0 : gfn & -org.tdpscope.sim.mmu.Spte.pagesPerLevel(level + 1);
        String key = rootName + '/' + level + '/' + baseGfn;
        HostTablePage cached = pages.get(key);
        if (cached != null) {
            return cached;
        }
        if (r.freed()) {
            return null;
        }
        HostMemory mem = kvm.mmu().memory();
        long hpfn = r.hpfn();
        for (int l = levels; l > level; l--) {
            long[] t = mem.peekPage(hpfn);
            if (t == null) {
                return null;
            }
            long s = t[org.tdpscope.sim.mmu.Spte.index(gfn, l)];
            if (!org.tdpscope.sim.mmu.Spte.isPresent(s) || org.tdpscope.sim.mmu.Spte.isLeaf(s, l)) {
                return null;
            }
            hpfn = org.tdpscope.sim.mmu.Spte.pfn(s);
        }
        if (mem.isFreed(hpfn)) {
            return null;
        }
        long[] raw = mem.peekPage(hpfn); // null: allocated but never written, all zero
        HostTablePage page = F.createHostTablePage();
        page.setLevel(level);
        page.setBaseGfn(baseGfn);
        page.setHpfn(hpfn);
        List<Spte> entries = page.getEntries();
        for (int i = 0; i < HostMemory.ENTRIES; i++) {
            Spte e = F.createSpte();
            e.setIndex(i);
            e.setRaw(raw == null ? 0 : raw[i]);
            entries.add(e);
        }
        mr.getPages().add(page);
        pages.put(key, page);
        return page;
    }

    /**
     * The guest page-table page at guest-physical {@code gpa} (rounded down to 4K), read as a level-{@code level}
     * table, with its 512 entries; added to the machine's guest tables.
     */
    public GuestTablePage projectGuestTablePage(long gpa, int level) {
        long base = gpa & ~0xfffL;
        GuestTablePage cached = guestPages.get(base);
        if (cached != null && cached.getLevel() == level) {
            return cached;
        }
        GuestTablePage page = F.createGuestTablePage();
        page.setLevel(level);
        page.setGpa(base);
        List<GuestEntry> entries = page.getEntries();
        for (int i = 0; i < 512; i++) {
            GuestEntry e = F.createGuestEntry();
            e.setIndex(i);
            e.setRaw(kvm.memslots().readGpa(base + 8L * i));
            entries.add(e);
        }
        machine().getGuestTables().add(page);
        guestPages.put(base, page);
        return page;
    }

    // ------------------------------------------------------------------------------------ walks

    /** The last 2-D walk {@code vcpu} made, with its ordered memory references; null if none. */
    public WalkRecord projectLastWalk(String vcpu) {
        TwoDResult w = kvm.lastWalk(vcpu);
        if (w == null) {
            return null;
        }
        WalkRecord rec = F.createWalkRecord();
        rec.setVcpu(vcpu);
        rec.setResult(w.kind().name());
        rec.setGpa(w.gpa());
        rec.setHpa(w.hpa());
        rec.setPageSize(w.pageSize());
        rec.setReason(w.reason());
        for (MemRef ref : w.refs()) {
            MemoryReference mref = F.createMemoryReference();
            mref.setIndex(ref.index());
            mref.setGuestLevel(ref.guestLevel());
            mref.setEptLevel(ref.eptLevel());
            mref.setGpa(ref.gpa());
            mref.setHpa(ref.hpa());
            mref.setValue(ref.value());
            rec.getReferences().add(mref);
        }
        return rec;
    }

    // ------------------------------------------------------------------------------------ run

    /**
     * The whole run: scenario reference, policy, schedule (from the simulation's scenario), the trace,
     * its violations, the invalidation events derived from it, each vCPU's last 2-D walk and the final
     * snapshot (the machine, with whatever table pages were projected before or after this call).
     *
     * @param scenarioName the scenario's name (null: the scenario object's own name)
     * @param scenarioPath where the scenario came from, or null
     * @param events       the run's events (as collected by a {@code TraceListener})
     */
    public Run projectRun(String scenarioName, String scenarioPath, List<org.tdpscope.sim.TraceEvent> events) {
        Run run = F.createRun();
        run.setScenarioName(scenarioName != null ? scenarioName : simulation.scenario().name);
        run.setScenarioPath(scenarioPath);
        run.setPolicy(policy(kvm.policy()));
        run.setPolicyWord(kvm.policy().word());
        run.setKernel(kvm.rules().word());
        if (simulation.scenario().schedule != null) {
            for (ScheduleStep s : simulation.scenario().schedule) {
                run.getSchedule().add(s.script());
            }
        }
        run.setSteps(kvm.step());
        if (result != null) {
            run.setComplete(result.complete());
            run.setError(result.error() == null ? null : result.error().getMessage());
        }
        List<TraceEvent> trace = new ArrayList<>(events.size());
        for (org.tdpscope.sim.TraceEvent e : events) {
            trace.add(toModel(e));
        }
        run.getTrace().addAll(trace);
        for (TraceEvent e : trace) {
            if (e.getKind() == EventKind.VIOLATION) {
                run.getViolations().add(e);
            }
        }
        run.getInvalidations().addAll(invalidations(trace));
        for (org.tdpscope.sim.Vcpu v : kvm.vcpus()) {
            WalkRecord w = projectLastWalk(v.name());
            if (w != null) {
                run.getWalks().add(w);
            }
        }
        run.setFinalSnapshot(machine());
        return run;
    }

    /** The metamodel's policy: the preset itself, or for a hybrid the preset it starts from. */
    public static Policy policy(org.tdpscope.sim.Policy p) {
        return Policy.get(p.preset().word());
    }

    /** One simulator event as a model event (the same fields; the trace id picks the kind). */
    public static TraceEvent toModel(org.tdpscope.sim.TraceEvent e) {
        TraceEvent m = F.createTraceEvent();
        m.setStep(e.step());
        m.setThread(e.thread());
        m.setKind(EventKind.get(e.type().id()));
        m.setRootName(e.root());
        m.setRc(e.rc());
        m.setGfn(e.gfn());
        m.setLevel(e.level());
        m.setOldSpte(e.oldSpte());
        m.setNewSpte(e.newSpte());
        m.setDetail(e.detail());
        if (e.invariant() != null) {
            m.setInvariant(Invariant.get(e.invariant().number()));
        }
        return m;
    }

    /**
     * The invalidation events a trace shows: a fast zap per reload request that names an mmu_valid_gen
     * (with the roots its thread invalidated just before), a memslot change per {@code memslot} event, a
     * notifier unmap per walk started as one.
     */
    public static List<InvalidationEvent> invalidations(List<TraceEvent> trace) {
        List<InvalidationEvent> out = new ArrayList<>();
        Map<String, List<String>> invalidatedBy = new HashMap<>();
        for (TraceEvent e : trace) {
            String d = e.getDetail() == null ? "" : e.getDetail();
            switch (e.getKind()) {
                case ROOT_INVALIDATE -> invalidatedBy.computeIfAbsent(e.getThread(), k -> new ArrayList<>())
                        .add(e.getRootName());
                case VCPU_RELOAD_REQUEST -> {
                    Matcher m = FAST_ZAP_GEN.matcher(d);
                    if (m.find()) {
                        FastZap z = F.createFastZap();
                        init(z, e);
                        z.setGeneration(Long.parseLong(m.group(1)));
                        List<String> names = invalidatedBy.remove(e.getThread());
                        if (names != null) {
                            z.getInvalidatedRoots().addAll(names);
                        }
                        out.add(z);
                    }
                }
                case MEMSLOT -> {
                    MemslotChange c = memslotChange(d);
                    if (c != null) {
                        init(c, e);
                        out.add(c);
                    }
                }
                case WALK_START -> {
                    Matcher m = NOTIFIER.matcher(d);
                    if (m.find()) {
                        NotifierUnmap u = F.createNotifierUnmap();
                        init(u, e);
                        u.setStartGfn(Long.parseUnsignedLong(m.group(1), 16));
                        u.setEndGfn(Long.parseUnsignedLong(m.group(2), 16));
                        out.add(u);
                    }
                }
                default -> {
                    // not an invalidation
                }
            }
        }
        return out;
    }

    private static void init(InvalidationEvent i, TraceEvent e) {
        i.setStep(e.getStep());
        i.setThread(e.getThread());
    }

    private static MemslotChange memslotChange(String d) {
        MemslotChange c = F.createMemslotChange();
        Matcher m;
        if ((m = SLOT_CREATE.matcher(d)).matches()) {
            c.setChange(MemslotChangeKind.CREATE);
            c.setSlotId(Integer.parseInt(m.group(1)));
            long base = Long.parseUnsignedLong(m.group(2), 16);
            c.setBaseGfn(base);
            c.setNpages(Long.parseUnsignedLong(m.group(3), 16) - base);
            c.setReadOnly(m.group(4) != null);
            c.setDirtyLogging(m.group(5) != null);
        } else if ((m = SLOT_DELETE.matcher(d)).matches()) {
            c.setChange(MemslotChangeKind.DELETE);
            c.setSlotId(Integer.parseInt(m.group(1)));
        } else if ((m = SLOT_MOVE.matcher(d)).matches()) {
            c.setChange(MemslotChangeKind.MOVE);
            c.setSlotId(Integer.parseInt(m.group(1)));
            c.setNewBaseGfn(Long.parseUnsignedLong(m.group(2), 16));
        } else if ((m = SLOT_DIRTY_LOG.matcher(d)).matches()) {
            boolean on = m.group(2).equals("on");
            c.setChange(on ? MemslotChangeKind.DIRTY_LOG_ENABLE : MemslotChangeKind.DIRTY_LOG_DISABLE);
            c.setSlotId(Integer.parseInt(m.group(1)));
            c.setDirtyLogging(on);
        } else {
            return null;
        }
        return c;
    }
}
