/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.mmu.Memslot;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * What an invalidator does: a fast zap ({@code kvm_mmu_zap_all_fast}), alone or as part of a
 * memslot delete/move, or enabling dirty logging (flag plus write-protect walk). All of them run
 * under {@code slots_lock} unless the scenario drops it to ask "what if".
 */
final class InvalidatorActivity implements Activity {

    private enum Phase { SLOTS_LOCK, BEFORE, INVALIDATE, WALK, FLUSH, AFTER, DONE }

    private final Op op;
    private final boolean takeSlotsLock;
    private Phase phase = Phase.SLOTS_LOCK;
    private final List<Root> invalidated = new ArrayList<>();
    private RootWalk walk;
    /** The gfns a deleted or moved memslot covered (a non-default VM zaps just these, 6.12+). */
    private long oldBase = -1;
    private long oldPages;

    InvalidatorActivity(Op op) {
        this.op = op;
        if (op instanceof Op.FastZap z) {
            takeSlotsLock = z.takeSlotsLock();
        } else if (op instanceof Op.MemslotDelete d) {
            takeSlotsLock = d.takeSlotsLock();
        } else if (op instanceof Op.MemslotMove m) {
            takeSlotsLock = m.takeSlotsLock();
        } else if (op instanceof Op.DirtyLogEnable e) {
            takeSlotsLock = e.takeSlotsLock();
        } else {
            throw new IllegalArgumentException("not an invalidator operation: " + op.describe());
        }
    }

    @Override
    public InvalidatorActivity copy(Fork f) {
        InvalidatorActivity c = new InvalidatorActivity(op);
        c.phase = phase;
        c.invalidated.addAll(f.roots(invalidated));
        c.inlineZaps.addAll(f.roots(inlineZaps));
        c.walk = walk == null ? null : walk.copy(f);
        c.oldBase = oldBase;
        c.oldPages = oldPages;
        return c;
    }

    RootWalk walk() {
        return walk;
    }

    /** Whether the next step would block on slots_lock held by another thread (the one lock held across steps). */
    boolean blockedOnSlotsLock(Kvm kvm, String thread) {
        return phase == Phase.SLOTS_LOCK && takeSlotsLock && kvm.slotsLockOwner != null
                && !kvm.slotsLockOwner.equals(thread);
    }

    /** Waiting in {@code flush_workqueue} for the zap worker (v5.18 to v6.5). */
    boolean waitingForWorker(Kvm kvm) {
        return phase == Phase.FLUSH && kvm.zapWorkPending();
    }

    /** Whether the next step needs mmu_lock for write (so cannot run while another thread holds it for read). */
    boolean needsWriteLockNext() {
        return phase == Phase.SLOTS_LOCK && !(op instanceof Op.DirtyLogEnable) || phase == Phase.BEFORE
                && !(op instanceof Op.DirtyLogEnable) || phase == Phase.INVALIDATE;
    }

    void fingerprint(Fingerprint f) {
        f.add(phase.ordinal()).roots(invalidated).roots(inlineZaps);
        if (walk != null) {
            walk.fingerprint(f);
        }
    }

    @Override
    public String where() {
        return walk != null && phase == Phase.WALK ? walk.where() : op.describe();
    }

    @Override
    public Status step(Kvm kvm) {
        while (true) {
            switch (phase) {
                case SLOTS_LOCK -> {
                    if (takeSlotsLock && !kvm.lockSlots()) {
                        return Status.BLOCKED;
                    }
                    phase = Phase.BEFORE;
                }
                case BEFORE -> {
                    memslotChangeBefore(kvm);
                    if (op instanceof Op.DirtyLogEnable e) {
                        Memslot slot = slot(kvm, e.slot());
                        walk = new RootWalk("write-protect memslot " + e.slot(), SpteOp.WRPROT, slot.baseGfn(),
                                slot.baseGfn() + slot.npages(), true, true, e.yield(), e.variants(), true, false, null);
                        phase = Phase.WALK;
                    } else {
                        phase = Phase.INVALIDATE;
                    }
                }
                case INVALIDATE -> {
                    if (!kvm.lockMmu(false)) {
                        return Status.BLOCKED;
                    }
                    YieldSpec y = op instanceof Op.FastZap z ? z.yield()
                            : op instanceof Op.MemslotDelete d ? d.yield()
                            : op instanceof Op.MemslotMove m ? m.yield() : YieldSpec.NEVER;
                    if (!(op instanceof Op.FastZap) && kvm.rules.slotZapAllDefaultVmsOnly()
                            && kvm.vmType != Scenario.VmType.DEFAULT) {
                        // 6.12+: only default VMs fast-zap on a memslot change; others zap the slot's SPTEs
                        kvm.unlockMmu();
                        walk = new RootWalk("zap memslot gfn 0x" + Long.toHexString(oldBase) + "..0x"
                                + Long.toHexString(oldBase + oldPages), SpteOp.ZAP, oldBase, oldBase + oldPages, false,
                                false, YieldSpec.NEVER, Variants.KERNEL, false, false, null);
                        phase = Phase.WALK;
                        continue;
                    }
                    invalidateRoots(kvm, y);
                    kvm.unlockMmu();
                    switch (kvm.rules.zapInvalidated()) {
                        case INLINE -> {
                            walk = new RootWalk("zap invalidated roots", SpteOp.ZAP, 0, kvm.zapEnd(), false, true, y,
                                    Variants.KERNEL, false, false, inlineZaps);
                            phase = Phase.WALK;
                        }
                        case WORKER -> phase = Phase.FLUSH;
                        case SCHEDULED_FLAG -> {
                            walk = new RootWalk("zap invalidated roots", SpteOp.ZAP, 0, kvm.zapEnd(), false, true, y,
                                    Variants.KERNEL, false, false, null).scheduledOnly();
                            phase = Phase.WALK;
                        }
                        default -> throw new IllegalStateException();
                    }
                }
                case WALK -> {
                    Status s = walk.step(kvm);
                    if (s != Status.DONE) {
                        return s;
                    }
                    phase = Phase.AFTER;
                }
                case FLUSH -> {
                    if (kvm.zapWorkPending()) {
                        return Status.BLOCKED; // flush_workqueue: the zap worker runs meanwhile
                    }
                    phase = Phase.AFTER;
                }
                case AFTER -> {
                    if (op instanceof Op.DirtyLogEnable e && !e.flagFirst()) {
                        setDirtyLogging(kvm, e.slot());
                    }
                    for (Root r : invalidated) {
                        if (!r.freed() && kvm.mmu.anyPresent(r.hpfn(), 0, kvm.maxGfn())) {
                            kvm.violation(Invariant.FAST_ZAP_LEFTOVER, r, kvm.mmu.firstPresentLeafGfn(r.hpfn(), 0,
                                    kvm.maxGfn()), "fast zap returns with invalid root " + r.name() + " still mapping memory");
                        }
                    }
                    if (!(op instanceof Op.FastZap)) {
                        kvm.checkLeavesAgreeWithMemslots(op.describe());
                    }
                    if (takeSlotsLock) {
                        kvm.unlockSlots();
                    }
                    phase = Phase.DONE;
                    return Status.DONE;
                }
                case DONE -> {
                    return Status.DONE;
                }
                default -> throw new IllegalStateException(phase.toString());
            }
        }
    }

    /** Roots the fast-zapping thread zaps itself (v5.16), each with the reference it took. */
    private final List<Root> inlineZaps = new ArrayList<>();

    /**
     * {@code kvm_tdp_mmu_invalidate_all_roots} as the era has it (mmu_lock held for write), then the
     * reload request to every vCPU in the same critical section.
     */
    private void invalidateRoots(Kvm kvm, YieldSpec y) {
        kvm.mmuValidGen++;
        KernelRules rules = kvm.rules;
        for (Root r : kvm.roots.toList()) {
            if (rules.rootTypes() && r.mirror()) {
                continue; // KVM_DIRECT_ROOTS: mirrors cannot be fast-zapped
            }
            boolean mark;
            boolean referenced;
            switch (rules.fastZapRefs()) {
                case EVERY_LIVE_ROOT -> {
                    // refcount_inc_not_zero on every listed root, invalid or not
                    referenced = kvm.getAny(r);
                    mark = referenced;
                }
                case NOT_YET_INVALID -> {
                    mark = !r.invalid;
                    referenced = mark && kvm.getAny(r);
                    if (mark && !referenced) {
                        kvm.violation(Invariant.REFCOUNT, r, -1, "WARN: fast zap cannot take a reference to root "
                                + r.name());
                        mark = false;
                    }
                }
                default -> {
                    mark = !r.invalid;
                    referenced = false; // the TDP MMU's own reference is gifted to the zapper
                }
            }
            if (!mark) {
                continue;
            }
            boolean already = r.invalid;
            kvm.invalidate(r);
            if (!already || referenced) {
                invalidated.add(r);
            }
            switch (rules.zapInvalidated()) {
                case INLINE -> inlineZaps.add(r);
                case WORKER -> kvm.queueZap(r, y);
                case SCHEDULED_FLAG -> {
                    r.scheduledToZap = true;
                    kvm.emit(EventType.ROOT_SCHEDULE_ZAP, r, "tdp_mmu_scheduled_root_to_zap");
                }
                default -> throw new IllegalStateException();
            }
        }
        List<String> names = new ArrayList<>();
        for (Vcpu v : kvm.vcpus.values()) {
            v.reloadRequested = true;
            names.add(v.name());
        }
        kvm.emit(EventType.VCPU_RELOAD_REQUEST, null, kvm.quiet ? null : "KVM_REQ_MMU_RELOAD to "
                + String.join(", ", names) + ", mmu_valid_gen " + kvm.mmuValidGen);
    }

    /** The memslot update itself, before the zap (the slot is gone or moved before roots are zapped). */
    private void memslotChangeBefore(Kvm kvm) {
        if (op instanceof Op.MemslotDelete d) {
            Memslot old = slot(kvm, d.slot());
            oldBase = old.baseGfn();
            oldPages = old.npages();
            kvm.slots.delete(d.slot());
            kvm.emit(EventType.MEMSLOT, null, "delete memslot " + d.slot());
        } else if (op instanceof Op.MemslotMove m) {
            Memslot old = slot(kvm, m.slot());
            oldBase = old.baseGfn();
            oldPages = old.npages();
            kvm.slots.move(m.slot(), m.newBaseGfn());
            kvm.emit(EventType.MEMSLOT, null, "move memslot " + m.slot() + " to gfn 0x" + Long.toHexString(m.newBaseGfn()));
        } else if (op instanceof Op.DirtyLogEnable e && e.flagFirst()) {
            setDirtyLogging(kvm, e.slot());
        }
    }

    private static void setDirtyLogging(Kvm kvm, int slot) {
        slot(kvm, slot);
        kvm.slots.setDirtyLogging(slot, true);
        kvm.emit(EventType.MEMSLOT, null, "memslot " + slot + " dirty logging on");
    }

    private static Memslot slot(Kvm kvm, int id) {
        for (Memslot s : kvm.slots.all()) {
            if (s.id() == id) {
                return s;
            }
        }
        throw new ScheduleException("no memslot " + id, 0);
    }
}
