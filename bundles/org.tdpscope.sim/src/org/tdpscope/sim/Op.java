/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * One operation of a simulated thread, as a scenario names it. Threads run their operations in
 * order; a schedule may also make a vCPU do one on the spot ({@code v0 reload}).
 */
public sealed interface Op {

    /** The scenario words for this operation, for step tables and error messages. */
    String describe();

    /** vCPU: get or create a root for the vCPU's role ({@code kvm_tdp_mmu_get_vcpu_root_hpa}). */
    record LoadRoot() implements Op {
        public String describe() {
            return "load root";
        }
    }

    /** vCPU: put the current root and load one for the role (what a pending MMU reload request does). */
    record Reload() implements Op {
        public String describe() {
            return "reload";
        }
    }

    /** vCPU: an EPT violation on {@code gfn}; the TDP fault path installs the mapping. */
    record Fault(long gfn, boolean write, boolean exec) implements Op {
        public String describe() {
            return "fault gfn 0x" + Long.toHexString(gfn) + (write ? " write" : exec ? " exec" : " read");
        }
    }

    /**
     * vCPU: a guest access to {@code gva}: the 2-D walk, faulting in EPT entries as needed. {@code user}: a user-mode
     * access even at CPL 0 (at CPL 3 every access but an implicit one is); {@code implicit}: an implicit supervisor
     * access (e.g. a descriptor-table read), to which SMAP applies whatever EFLAGS.AC says. {@code label} names
     * the access for expectations (null: known by its number).
     */
    record Access(long gva, boolean write, boolean user, boolean fetch, boolean implicit, String label)
            implements Op {
        public Access(long gva, boolean write, boolean user, boolean fetch) {
            this(gva, write, user, fetch, false, null);
        }

        public String describe() {
            return "access " + (label == null ? "" : label + ": ") + "gva 0x" + Long.toHexString(gva)
                    + (write ? " write" : fetch ? " fetch" : " read") + (user ? " user" : "")
                    + (implicit ? " implicit" : "");
        }
    }

    /**
     * vCPU: the guest changes its own state: sets and clears bits of {@code reg} (MOV to CR0/CR4, WRMSR EFER,
     * POPF/STAC/CLAC for RFLAGS.AC), or, with {@code reg} null, enters CPL {@code cpl}.
     */
    record CpuWrite(CpuRegs.Reg reg, long set, long clear, int cpl) implements Op {
        public String describe() {
            if (reg == null) {
                return "cpu cpl " + cpl;
            }
            StringBuilder b = new StringBuilder("cpu ").append(reg.word());
            for (long m = set | clear; m != 0; m &= m - 1) {
                b.append(' ').append(reg.name(Long.lowestOneBit(m)));
            }
            return b.append(set != 0 ? " on" : " off").toString();
        }
    }

    /**
     * vCPU: the guest writes the paging entry that maps {@code gva} at guest {@code level}: the whole {@code value}
     * ({@code replace}), or bits set and cleared.
     */
    record GuestEntryWrite(long gva, int level, boolean replace, long value, long set, long clear) implements Op {
        public String describe() {
            return "guest entry gva 0x" + Long.toHexString(gva) + " level " + level
                    + rawChange(replace, value, set, clear);
        }
    }

    /**
     * A raw write to the EPT entry of root {@code root} that maps {@code gfn} at EPT {@code level} (the host writes
     * it; a scenario makes a vCPU thread do it so it happens at a chosen point).
     */
    record EptEntryWrite(long gfn, int level, String root, boolean replace, long value, long set, long clear)
            implements Op {
        public String describe() {
            return "ept entry gfn 0x" + Long.toHexString(gfn) + " level " + level + " in " + root
                    + rawChange(replace, value, set, clear);
        }
    }

    private static String rawChange(boolean replace, long value, long set, long clear) {
        if (replace) {
            return " = 0x" + Long.toHexString(value);
        }
        return (set != 0 ? " set 0x" + Long.toHexString(set) : "")
                + (clear != 0 ? " clear 0x" + Long.toHexString(clear) : "");
    }

    /**
     * Walker: a yield-safe walk over the root list applying {@code spteOp} to [startGfn, endGfn).
     * {@code notifier} marks an mmu_notifier unmap (must reach invalid roots; invariant 5 at its end).
     */
    record Walk(SpteOp spteOp, long startGfn, long endGfn, boolean onlyValid, boolean shared, YieldSpec yield,
            Variants variants, boolean notifier) implements Op {
        public String describe() {
            return (notifier ? "notifier unmap" : Ops.word(spteOp)) + " gfn 0x" + Long.toHexString(startGfn) + "..0x"
                    + Long.toHexString(endGfn) + (onlyValid ? " on valid roots" : " on all roots")
                    + (shared ? " shared" : " exclusive");
        }

        /** Whether the caller relies on every root being processed (invariant 6). */
        public boolean stateChange() {
            return notifier || spteOp != SpteOp.AGE;
        }
    }

    /** Invalidator: {@code kvm_mmu_zap_all_fast}. */
    record FastZap(boolean takeSlotsLock, YieldSpec yield) implements Op {
        public String describe() {
            return "fast zap" + (takeSlotsLock ? "" : " without slots_lock");
        }
    }

    /** Invalidator: delete a memslot (the slot goes, then a fast zap). */
    record MemslotDelete(int slot, boolean takeSlotsLock, YieldSpec yield) implements Op {
        public String describe() {
            return "delete memslot " + slot;
        }
    }

    /** Invalidator: move a memslot to a new base gfn (then a fast zap). */
    record MemslotMove(int slot, long newBaseGfn, boolean takeSlotsLock, YieldSpec yield) implements Op {
        public String describe() {
            return "move memslot " + slot + " to gfn 0x" + Long.toHexString(newBaseGfn);
        }
    }

    /**
     * Invalidator: enable dirty logging on a slot: set the flag and write-protect the slot in every
     * valid root. {@code flagFirst=false} breaks the walk's precondition (state change after the walk).
     */
    record DirtyLogEnable(int slot, boolean flagFirst, boolean takeSlotsLock, YieldSpec yield, Variants variants)
            implements Op {
        public String describe() {
            return "enable dirty logging on memslot " + slot + (flagFirst ? "" : " (flag after walk)");
        }
    }
}
