/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.mmu.Access;
import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.EptExitQualification;
import org.tdpscope.sim.mmu.FaultResult;
import org.tdpscope.sim.mmu.GuestTranslation;
import org.tdpscope.sim.mmu.GuestPte;
import org.tdpscope.sim.mmu.GuestWalker;
import org.tdpscope.sim.mmu.Spte;
import org.tdpscope.sim.mmu.SpteChange;
import org.tdpscope.sim.mmu.TwoDResult;
import org.tdpscope.sim.mmu.TwoDimensionalWalk;

/**
 * What a vCPU does: load or reload its root, take an EPT violation, or make a guest access through
 * the 2-D walk. Each runs in one piece under mmu_lock (write to load a root, read to fault).
 */
final class VcpuActivity implements Activity {

    /** A fault that keeps failing this often is a scenario error, not a livelock worth simulating. */
    private static final int MAX_FAULT_RETRIES = 8;

    private final Vcpu vcpu;
    private final Op op;

    VcpuActivity(Vcpu vcpu, Op op) {
        this.vcpu = vcpu;
        this.op = op;
    }

    @Override
    public VcpuActivity copy(Fork f) {
        return new VcpuActivity(f.vcpu(vcpu), op);
    }

    @Override
    public String where() {
        return op.describe();
    }

    @Override
    public Status step(Kvm kvm) {
        boolean done;
        if (op instanceof Op.LoadRoot) {
            // a vCPU that already has a usable root keeps it: kvm_mmu_load is then a no-op
            done = vcpu.root != null && !vcpu.root.invalid && !vcpu.reloadRequested || reload(kvm);
        } else if (op instanceof Op.Reload) {
            done = reload(kvm);
        } else if (op instanceof Op.Fault f) {
            done = fault(kvm, f.gfn(), f.write(), f.exec());
        } else if (op instanceof Op.Access a) {
            done = access(kvm, a);
        } else if (op instanceof Op.CpuWrite w) {
            done = cpuWrite(kvm, w);
        } else if (op instanceof Op.GuestEntryWrite g) {
            guestEntryWrite(kvm, vcpu.regs, g, true);
            done = true;
        } else if (op instanceof Op.EptEntryWrite e) {
            done = eptEntryWrite(kvm, e);
        } else {
            throw new IllegalArgumentException("not a vCPU operation: " + op.describe());
        }
        return done ? Status.DONE : Status.BLOCKED;
    }

    /**
     * Put the old root (if any) and get or create one for the role: mmu_lock held for write until v6.8,
     * for read from v6.9 (dab285e4ec73, 576a15de8d29). A TDX vCPU also gets its mirror root, once.
     */
    private boolean reload(Kvm kvm) {
        boolean write = !kvm.rules.rootsUnderReadLock() || vcpu.faultVariants.freeRootsUnderWriteLock();
        if (!kvm.lockMmu(!write)) {
            return false;
        }
        Root old = vcpu.root;
        vcpu.root = null;
        vcpu.reloadRequested = false;
        if (old != null) {
            if (kvm.rules.rootsUnderReadLock()) {
                // mmu_free_root_page asserts the read lock for TDP MMU pages from v6.9 (1bc26cb90902)
                kvm.requireLock("mmu_free_root_page", Kvm.LockNeed.READ, old);
            }
            kvm.put(old);
        }
        if (mirrored(kvm) && (vcpu.mirrorRoot == null || vcpu.mirrorRoot.freed())) {
            kvm.loadRoot(vcpu, vcpu.role().mirrorRole(), true);
        }
        kvm.loadRoot(vcpu);
        kvm.unlockMmu();
        return true;
    }

    /** A TDX VM under rules with root types: private memory is mapped through a mirror root (6.14). */
    private static boolean mirrored(Kvm kvm) {
        return kvm.rules.rootTypes() && kvm.vmType == Scenario.VmType.TDX;
    }

    /** TDX's shared bit: GPA bit 47 with 4-level EPT, 51 with 5-level; a gfn without it is private. */
    private static boolean privateGfn(Kvm kvm, long gfn) {
        int bit = (kvm.mmu.levels() == 5 ? 51 : 47) - 12;
        return (gfn & (1L << bit)) == 0;
    }

    /** The vCPU enters the guest on a usable root first, as {@code kvm_mmu_reload} would. */
    private boolean ensureRoot(Kvm kvm, Variants variants) {
        // The broken variant (and v5.15, before a955cad84cda) neither honours the reload request nor
        // checks for an obsolete root: a fault already under way maps into the root it started on.
        boolean ignores = variants.faultIgnoresInvalidRoot() || !kvm.rules.faultRetriesOnInvalidRoot();
        boolean stale = vcpu.root == null || !ignores && (vcpu.reloadRequested || vcpu.root.invalid);
        return !stale || reload(kvm);
    }

    private boolean fault(Kvm kvm, long gfn, boolean write, boolean exec) {
        return fault(kvm, gfn, write, exec, null);
    }

    /** {@code exit}: the EPT violation of a guest access this fault serves (its qualification is shown), or null. */
    private boolean fault(Kvm kvm, long gfn, boolean write, boolean exec, TwoDResult exit) {
        Variants variants = vcpu.faultVariants;
        if (!ensureRoot(kvm, variants)) {
            return false;
        }
        if (!kvm.lockMmu(true)) {
            return false;
        }
        if (exit == null && kvm.invalidationCovers(gfn)) {
            // is_page_fault_stale(): an mmu_notifier invalidation of this gfn is in progress, the fault retries
            // (the guest faults again) until it ends; the vCPU waits, as SimThread#canStep says. Only a fault
            // operation: the faults of a guest access (gfns known only once its walk runs) map as before.
            kvm.unlockMmu();
            return false;
        }
        if (variants.shadowReclaimUnderReadLock()) {
            // make_mmu_pages_available() zaps shadow pages and needs the write lock (47b0c2e4c220)
            kvm.requireLock("make_mmu_pages_available", Kvm.LockNeed.WRITE, vcpu.root);
        }
        boolean mirror = mirrored(kvm) && vcpu.mirrorRoot != null && privateGfn(kvm, gfn);
        Root root = mirror ? vcpu.mirrorRoot : vcpu.root;
        if (!kvm.touch(root, "faults into")) {
            kvm.unlockMmu();
            return true;
        }
        FaultResult res = kvm.mmu.handleEptViolation(root.hpfn(), gfn << 12, write, exec);
        if (mirror && res.spte() != 0) {
            kvm.emit(EventType.MIRROR_HOOK, root, gfn, res.level(), 0, res.spte(),
                    "mirror SPTE frozen, set_external_spte to the S-EPT, unfrozen");
        }
        kvm.emit(EventType.FAULT, root, gfn, res.level(), 0, res.spte(), kvm.quiet ? null
                : res.kind().name().toLowerCase(java.util.Locale.ROOT) + (write ? " write" : exec ? " exec" : " read")
                        + " by " + vcpu.name() + (exit == null ? "" : ", " + exitWords(exit)));
        kvm.unlockMmu();
        return true;
    }

    private boolean access(Kvm kvm, Op.Access a) {
        if (!ensureRoot(kvm, vcpu.faultVariants)) {
            return false;
        }
        int access = accessBits(a, vcpu.regs);
        TwoDimensionalWalk walk = new TwoDimensionalWalk(kvm.mmu);
        List<TwoDResult> exits = new ArrayList<>();
        // Which gpa is the data page (faulted with the access's rights); guest table pages are faulted
        // writable, since the walk sets their A/D bits.
        GuestTranslation guest = GuestWalker.translate(kvm.slots, vcpu.regs, a.gva(), access, false);
        long dataGfn = guest.ok() ? guest.gpa() >>> 12 : -1;
        for (int attempt = 0; attempt <= MAX_FAULT_RETRIES; attempt++) {
            if (!kvm.lockMmu(true)) {
                return false;
            }
            TwoDResult res = walk.translate(vcpu.root.hpfn(), vcpu.regs, a.gva(), access, true);
            kvm.lastWalks.put(vcpu.name(), res);
            kvm.unlockMmu();
            if (res.kind() != TwoDResult.Kind.EPT_VIOLATION) {
                vcpu.accesses.add(new AccessRecord(vcpu.accesses.size() + 1, a.label(), a, res, exits));
                kvm.emit(EventType.ACCESS, vcpu.root, res.faultGpa() >= 0 ? res.faultGpa() >> 12 : -1, -1, 0, 0,
                        "gva 0x" + Long.toHexString(a.gva()) + " " + describe(res));
                return true;
            }
            exits.add(res);
            long gfn = res.faultGpa() >>> 12;
            boolean data = gfn == dataGfn;
            if (!fault(kvm, gfn, !data || a.write(), data && a.fetch(), res)) {
                return false;
            }
        }
        vcpu.accesses.add(new AccessRecord(vcpu.accesses.size() + 1, a.label(), a, exits.get(exits.size() - 1),
                exits));
        kvm.emit(EventType.ACCESS, vcpu.root, "gva 0x" + Long.toHexString(a.gva()) + " gives up after "
                + MAX_FAULT_RETRIES + " EPT violations");
        return true;
    }

    /** The access as the walkers take it: user-mode at CPL 3 (unless implicit), AC from RFLAGS. */
    static int accessBits(Op.Access a, CpuRegs regs) {
        return (a.write() ? Access.WRITE : 0) | (a.user() || regs.cpl == 3 ? Access.USER : 0)
                | (a.fetch() ? Access.FETCH : 0) | (a.implicit() ? Access.IMPLICIT_SUPERVISOR : 0)
                | (regs.ac() ? Access.AC : 0);
    }

    /**
     * A guest write to its own state. When it changes a bit of the MMU's role (CR0.PG, CR0.WP before v6.4, CR4.PSE/
     * PAE/SMEP/SMAP/PKE/LA57, EFER.NX/LME), KVM resets the MMU context: {@code kvm_mmu_unload} puts the vCPU's root
     * and the next entry loads one. With TDP the root's role does not change, so whether the same root comes back
     * is the era's business: from v6.4 the TDP MMU's own reference keeps it alive. Changes of CR0.WP stopped
     * unloading roots with TDP in v6.4; the guest walk's checks use the new bits in every case.
     */
    private boolean cpuWrite(Kvm kvm, Op.CpuWrite w) {
        CpuRegs r = vcpu.regs;
        if (w.reg() == null) {
            r.cpl = w.cpl();
            kvm.emit(EventType.VCPU_CPU, null, vcpu.name() + " cpl " + w.cpl());
            return true;
        }
        long before = r.get(w.reg());
        long changed = before ^ ((before | w.set()) & ~w.clear());
        String what = vcpu.name() + " " + w.describe().substring("cpu ".length());
        boolean role = (changed & roleBits(w.reg(), kvm)) != 0;
        if (!role || vcpu.root == null) {
            r.change(w.reg(), w.set(), w.clear());
            kvm.emit(EventType.VCPU_CPU, null, what + (role ? ": kvm_mmu_reset_context, no root loaded to put"
                    : w.reg() == CpuRegs.Reg.RFLAGS ? "" : ", no MMU role bit changed"));
            return true;
        }
        boolean write = !kvm.rules.rootsUnderReadLock() || vcpu.faultVariants.freeRootsUnderWriteLock();
        if (!kvm.lockMmu(!write)) {
            return false; // retried later, nothing changed yet
        }
        r.change(w.reg(), w.set(), w.clear());
        kvm.emit(EventType.VCPU_CPU, vcpu.root, what
                + ": kvm_mmu_reset_context, the vCPU puts its root and loads one on its next entry");
        Root old = vcpu.root;
        vcpu.root = null;
        if (kvm.rules.rootsUnderReadLock()) {
            kvm.requireLock("mmu_free_root_page", Kvm.LockNeed.READ, old);
        }
        kvm.put(old);
        kvm.unlockMmu();
        return true;
    }

    /** The bits of {@code reg} in KVM's MMU role (KVM_MMU_CR0_ROLE_BITS, KVM_MMU_CR4_ROLE_BITS, ..._EFER_...). */
    private static long roleBits(CpuRegs.Reg reg, Kvm kvm) {
        return switch (reg) {
            case CR0 -> CpuRegs.CR0_PG | (before64(kvm) ? CpuRegs.CR0_WP : 0);
            case CR4 -> CpuRegs.CR4_PSE | CpuRegs.CR4_PAE | CpuRegs.CR4_SMEP | CpuRegs.CR4_SMAP | CpuRegs.CR4_PKE
                    | CpuRegs.CR4_LA57;
            case EFER -> CpuRegs.EFER_NXE | CpuRegs.EFER_LME;
            case RFLAGS -> 0;
        };
    }

    private static boolean before64(Kvm kvm) {
        Era e = kvm.rules.era();
        return e != null ? e.compareTo(Era.V6_4) < 0 : !kvm.rules.persistentRoots();
    }

    /** A raw write to a guest paging entry (the guest writing its own tables; no TLB is modelled, so no flush). */
    static void guestEntryWrite(Kvm kvm, CpuRegs regs, Op.GuestEntryWrite g, boolean emit) {
        long gpa;
        try {
            gpa = GuestWalker.entryGpa(kvm.slots, regs, g.gva(), g.level());
        } catch (IllegalArgumentException e) {
            throw new ScheduleException(g.describe() + ": " + e.getMessage(), 0);
        }
        long old = kvm.slots.readGpa(gpa);
        long now = g.replace() ? g.value() : (old | g.set()) & ~g.clear();
        kvm.slots.writeGpa(gpa, now);
        if (emit) {
            kvm.emit(EventType.GUEST_ENTRY, null, gpa >>> 12, g.level(), old, now, GuestPte.levelName(g.level())
                    + " of gva 0x" + Long.toHexString(g.gva()) + " at gpa 0x" + Long.toHexString(gpa) + ": 0x"
                    + Long.toHexString(old) + " -> 0x" + Long.toHexString(now));
        }
    }

    /** A raw write to an EPT entry, with mmu_lock held for write like any host change to the tables. */
    private boolean eptEntryWrite(Kvm kvm, Op.EptEntryWrite e) {
        Root root = kvm.root(e.root());
        if (root == null) {
            throw new ScheduleException(e.describe() + ": no root " + e.root() + " exists now", 0);
        }
        if (!kvm.touch(root, "writes an SPTE of")) {
            return true;
        }
        int levels = kvm.mmu.levels();
        if (e.level() < 1 || e.level() > levels) {
            throw new ScheduleException(e.describe() + ": the EPT has " + levels + " levels", 0);
        }
        long table = root.hpfn() << 12;
        for (int l = levels; l > e.level(); l--) {
            long v = kvm.mem.read(table + 8L * Spte.index(e.gfn(), l));
            if (!Spte.isPresent(v) || Spte.isLeaf(v, l)) {
                throw new ScheduleException(e.describe() + ": no level-" + e.level() + " table for gfn 0x"
                        + Long.toHexString(e.gfn()) + " in " + e.root() + " (its level-" + l + " entry "
                        + (Spte.isPresent(v) ? "maps a huge page" : "is not present") + ")", 0);
            }
            table = Spte.pfn(v) << 12;
        }
        if (!kvm.lockMmu(false)) {
            return false;
        }
        long hpa = table + 8L * Spte.index(e.gfn(), e.level());
        long old = kvm.mem.read(hpa);
        long now = e.replace() ? e.value() : (old | e.set()) & ~e.clear();
        kvm.mem.write(hpa, now);
        kvm.spteChanged(root.hpfn(), Spte.roundGfn(e.gfn(), e.level()), e.level(), old, now, SpteChange.SET);
        kvm.unlockMmu();
        return true;
    }

    /** An EPT violation's exit in a trace event: {@code EPT violation qual=0x181: EPT PTE not present (read access)}. */
    static String exitWords(TwoDResult res) {
        return "EPT violation qual=0x" + Long.toHexString(EptExitQualification.of(res)) + ": " + res.failure();
    }

    static String describe(TwoDResult res) {
        return switch (res.kind()) {
            case OK -> "-> hpa 0x" + Long.toHexString(res.hpa()) + ", " + res.references() + " memory references";
            case GUEST_PAGE_FAULT -> "guest #PF error code 0x" + Integer.toHexString(res.errorCode()) + " after "
                    + res.references() + " references: " + res.failure();
            case EPT_VIOLATION -> "EPT violation at gpa 0x" + Long.toHexString(res.faultGpa()) + " "
                    + exitWords(res).substring("EPT violation ".length());
            case EPT_MISCONFIG -> "EPT misconfiguration at gpa 0x" + Long.toHexString(res.faultGpa()) + ": "
                    + res.failure();
            case NON_CANONICAL -> "non-canonical address (#GP)";
        };
    }
}
