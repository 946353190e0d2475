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

    private enum Phase { SLOTS_LOCK, BEFORE, INVALIDATE, WALK, AFTER, DONE }

    private final Op op;
    private final boolean takeSlotsLock;
    private Phase phase = Phase.SLOTS_LOCK;
    private final List<Root> invalidated = new ArrayList<>();
    private RootWalk walk;

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
        c.walk = walk == null ? null : walk.copy(f);
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

    void fingerprint(Fingerprint f) {
        f.add(phase.ordinal()).roots(invalidated);
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
                    kvm.mmuValidGen++;
                    for (Root r : kvm.roots.toList()) {
                        if (r.refcount > 0 && kvm.get(r)) {
                            kvm.invalidate(r);
                            invalidated.add(r);
                        }
                    }
                    List<String> names = new ArrayList<>();
                    for (Vcpu v : kvm.vcpus.values()) {
                        v.reloadRequested = true;
                        names.add(v.name());
                    }
                    kvm.emit(EventType.VCPU_RELOAD_REQUEST, null, "KVM_REQ_MMU_RELOAD to " + String.join(", ", names)
                            + ", mmu_valid_gen " + kvm.mmuValidGen);
                    kvm.unlockMmu();
                    YieldSpec y = op instanceof Op.FastZap z ? z.yield()
                            : op instanceof Op.MemslotDelete d ? d.yield()
                            : op instanceof Op.MemslotMove m ? m.yield() : YieldSpec.NEVER;
                    walk = new RootWalk("zap invalidated roots", SpteOp.ZAP, 0, kvm.maxGfn(), false, true, y,
                            Variants.KERNEL, false, false, invalidated);
                    phase = Phase.WALK;
                }
                case WALK -> {
                    Status s = walk.step(kvm);
                    if (s != Status.DONE) {
                        return s;
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

    /** The memslot update itself, before the zap (the slot is gone or moved before roots are zapped). */
    private void memslotChangeBefore(Kvm kvm) {
        if (op instanceof Op.MemslotDelete d) {
            slot(kvm, d.slot());
            kvm.slots.delete(d.slot());
            kvm.emit(EventType.MEMSLOT, null, "delete memslot " + d.slot());
        } else if (op instanceof Op.MemslotMove m) {
            slot(kvm, m.slot());
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
