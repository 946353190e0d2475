/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import org.tdpscope.sim.mmu.Access;
import org.tdpscope.sim.mmu.FaultResult;
import org.tdpscope.sim.mmu.GuestTranslation;
import org.tdpscope.sim.mmu.GuestWalker;
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
        Variants variants = vcpu.faultVariants;
        if (!ensureRoot(kvm, variants)) {
            return false;
        }
        if (!kvm.lockMmu(true)) {
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
        kvm.emit(EventType.FAULT, root, gfn, res.level(), 0, res.spte(),
                res.kind().name().toLowerCase(java.util.Locale.ROOT) + (write ? " write" : exec ? " exec" : " read")
                        + " by " + vcpu.name());
        kvm.unlockMmu();
        return true;
    }

    private boolean access(Kvm kvm, Op.Access a) {
        if (!ensureRoot(kvm, vcpu.faultVariants)) {
            return false;
        }
        int access = (a.write() ? Access.WRITE : 0) | (a.user() ? Access.USER : 0)
                | (a.fetch() ? Access.FETCH : 0);
        TwoDimensionalWalk walk = new TwoDimensionalWalk(kvm.mmu);
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
                kvm.emit(EventType.ACCESS, vcpu.root, res.faultGpa() >= 0 ? res.faultGpa() >> 12 : -1, -1, 0, 0,
                        "gva 0x" + Long.toHexString(a.gva()) + " " + describe(res));
                return true;
            }
            long gfn = res.faultGpa() >>> 12;
            boolean data = gfn == dataGfn;
            if (!fault(kvm, gfn, !data || a.write(), data && a.fetch())) {
                return false;
            }
        }
        kvm.emit(EventType.ACCESS, vcpu.root, "gva 0x" + Long.toHexString(a.gva()) + " gives up after "
                + MAX_FAULT_RETRIES + " EPT violations");
        return true;
    }

    static String describe(TwoDResult res) {
        return switch (res.kind()) {
            case OK -> "-> hpa 0x" + Long.toHexString(res.hpa()) + ", " + res.references() + " memory references";
            case GUEST_PAGE_FAULT -> "guest #PF error code 0x" + Integer.toHexString(res.errorCode()) + " after "
                    + res.references() + " references";
            case EPT_VIOLATION -> "EPT violation at gpa 0x" + Long.toHexString(res.faultGpa());
            case EPT_MISCONFIG -> "EPT misconfiguration (MMIO) at gpa 0x" + Long.toHexString(res.faultGpa());
            case NON_CANONICAL -> "non-canonical address (#GP)";
        };
    }
}
