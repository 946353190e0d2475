/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.EventType;
import org.tdpscope.sim.Kvm;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.TraceListener;
import org.tdpscope.sim.mmu.Spte;
import org.tdpscope.trace.KernelTraceFormat;
import org.tdpscope.trace.MmuPage;
import org.tdpscope.trace.Payload;
import org.tdpscope.trace.Prefix;

/**
 * A simulated run as the kernel's own tracepoints would print it (tracefs {@code trace} text, the
 * {@code kvmmmu} events of mmutrace.h), so a run can be set beside a real capture or fed to
 * {@code tdpscope import}: {@code kvm_mmu_get_page} for each new page table (roots included, before
 * it is linked, as {@code tdp_mmu_init_sp} does), {@code kvm_tdp_mmu_spte_changed} for every SPTE
 * change, {@code kvm_mmu_set_spte} with the SPTE's physical address for each leaf a fault installs,
 * {@code kvm_mmu_prepare_zap_page} for each table a zap removes, {@code kvm_mmu_spte_requested}
 * for faults and {@code kvm_mmu_zap_all_fast} for fast zaps. Each simulated thread is a task (its
 * name, a made-up pid) on a CPU of its own; one step is one microsecond. The formats did not change
 * between the eras the simulator knows (checked against the 5.15.y and mainline mmutrace.h).
 * <p>
 * The simulator reports a fault after the SPTE changes it made, the kernel prints
 * {@code kvm_mmu_spte_requested} before them ({@code kvm_tdp_mmu_map} traces the request, then walks): a
 * thread's SPTE lines are held until its next event, and a fault's request is printed ahead of them, at
 * the time of the first. Call {@link #finish()} after the run for the lines still held.
 */
final class KernelTraceWriter implements TraceListener {

    private final Appendable out;
    private Kvm kvm;
    private final Map<String, Integer> tasks = new LinkedHashMap<>();
    /** SPTE lines of {@link #heldBy} not printed yet: a fault that follows them is printed first. */
    private final StringBuilder held = new StringBuilder();
    private String heldBy;
    private long heldStep;

    KernelTraceWriter(Appendable out) {
        this.out = out;
    }

    /** The simulation whose events follow: tables and addresses are read from its memory as they happen. */
    void attach(Simulation sim) {
        this.kvm = sim.kvm();
    }

    @Override
    public void onEvent(TraceEvent e) {
        if (kvm == null) {
            return;
        }
        Root root = e.root() == null ? null : kvm.root(e.root());
        int asId = root == null ? 0 : root.role().asId();
        boolean sameThread = e.thread().equals(heldBy);
        switch (e.type()) {
            case SPTE_SET, SPTE_ZAP, SPTE_WRPROT, SPTE_CLEAR_DIRTY, SPTE_AGE, FAULT -> {
                if (!sameThread) {
                    finish();
                }
            }
            case MIRROR_HOOK, WALK_ITER -> {
                // inside a fault or a walk, and printed by no tracepoint: what is held stays held
            }
            default -> finish();
        }
        switch (e.type()) {
            case ROOT_CREATE -> emit(e, "kvm_mmu_get_page", new Payload.MmuGetPage(page(0, kvm.mmu().levels(),
                    root != null && root.role().asId() == 1), true));
            case SPTE_SET, SPTE_ZAP, SPTE_WRPROT, SPTE_CLEAR_DIRTY, SPTE_AGE -> {
                if (heldBy == null) {
                    heldBy = e.thread();
                    heldStep = e.step();
                }
                spte(e, root, asId);
            }
            case FAULT -> {
                if (e.gfn() >= 0 && e.level() > 0) {
                    // the request comes before the changes the fault made, at the time of the first
                    emit(e, heldBy == null ? e.step() : heldStep, "kvm_mmu_spte_requested",
                            new Payload.MmuSpteRequested(e.gfn(), Spte.pfn(e.newSpte()), e.level()), out);
                }
                finish();
            }
            case VCPU_RELOAD_REQUEST -> emit(e, "kvm_mmu_zap_all_fast",
                    new Payload.MmuZapAllFast(kvm.mmuValidGen() & 1, kvm.mmu().tablesAllocated()
                            - kvm.mmu().tablesFreed()));
            default -> {
                // no tracepoint names roots, references, walks or locks (KERNEL-ERAS.md §3)
            }
        }
    }

    private void spte(TraceEvent e, Root root, int asId) {
        long old = e.oldSpte();
        long neu = e.newSpte();
        int level = e.level();
        boolean newTable = e.is(EventType.SPTE_SET) && Spte.isPresent(neu) && !Spte.isLeaf(neu, level)
                && !(Spte.isPresent(old) && !Spte.isLeaf(old, level));
        if (newTable) {
            emit(e, "kvm_mmu_get_page", new Payload.MmuGetPage(page(Spte.roundGfn(e.gfn(), level), level - 1,
                    asId == 1), true));
        }
        emit(e, "kvm_tdp_mmu_spte_changed", new Payload.TdpMmuSpteChanged(asId, e.gfn(), level, old, neu));
        if (Spte.isPresent(old) && !Spte.isLeaf(old, level) && !(Spte.isPresent(neu) && !Spte.isLeaf(neu, level))) {
            emit(e, "kvm_mmu_prepare_zap_page", new Payload.MmuPrepareZapPage(page(Spte.roundGfn(e.gfn(), level),
                    level - 1, asId == 1)));
        }
        if (e.is(EventType.SPTE_SET) && Spte.isPresent(neu) && Spte.isLeaf(neu, level) && root != null) {
            long table = kvm.mmu().tableOf(root.hpfn(), e.gfn(), level);
            if (table >= 0) {
                long at = (table << 12) + 8L * Spte.index(e.gfn(), level);
                String perm = ((neu & Spte.READABLE) != 0 ? "r" : "-") + ((neu & Spte.WRITABLE) != 0 ? "w" : "-")
                        + ((neu & Spte.EXECUTABLE) != 0 ? "x" : "-") + "u";
                emit(e, "kvm_mmu_set_spte", new Payload.MmuSetSpte(e.gfn(), neu, perm, level, at));
            }
        }
    }

    /** A direct TDP page as {@code KVM_MMU_PAGE_PRINTK} prints it: 8-byte gptes, ACC_ALL, A/D as the EPTP says. */
    private MmuPage page(long gfn, int level, boolean smm) {
        return new MmuPage(MmuPage.Text.KERNEL, kvm.mmuValidGen() & 1, gfn, level, 0, 8, 0, true, "wux", false, false,
                true, kvm.mmu().adEnabled(), false, false, false, smm, false, 0, false);
    }

    /**
     * Prints the lines still held (the SPTE changes of a thread whose next event has not come yet). The
     * writer calls it itself at every other event; the owner calls it once after the run.
     */
    void finish() {
        if (held.length() > 0) {
            try {
                out.append(held);
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
            held.setLength(0);
        }
        heldBy = null;
    }

    /** A line at the event's time: held with the SPTE lines of its thread while those are held. */
    private void emit(TraceEvent e, String name, Payload p) {
        emit(e, e.step(), name, p, e.thread().equals(heldBy) ? held : out);
    }

    private void emit(TraceEvent e, long step, String name, Payload p, Appendable to) {
        int task = tasks.computeIfAbsent(e.thread(), t -> tasks.size());
        Prefix prefix = new Prefix(comm(e.thread()), 1000 + task, -1, task, "....", step * 1000, 0,
                Prefix.Shape.TRACEFS, List.of());
        KernelTraceFormat.write(new org.tdpscope.trace.TraceEvent(prefix, name, p), to);
    }

    /** Thread names as task names: "v0" is the vCPU thread of the VMM, as QEMU names it. */
    private static String comm(String thread) {
        return thread.matches("v[0-9]+") ? "CPU " + thread.substring(1) + "/KVM" : thread;
    }
}
