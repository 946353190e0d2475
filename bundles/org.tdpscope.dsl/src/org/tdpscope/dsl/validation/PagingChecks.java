/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.validation;

import static org.tdpscope.dsl.validation.TdpIssueCodes.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.xtext.EcoreUtil2;
import org.tdpscope.dsl.interpreter.Positions;
import org.tdpscope.dsl.tdp.AccessCheck;
import org.tdpscope.dsl.tdp.AccessOp;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.CplSetting;
import org.tdpscope.dsl.tdp.CpuBits;
import org.tdpscope.dsl.tdp.CpuDecl;
import org.tdpscope.dsl.tdp.CpuOp;
import org.tdpscope.dsl.tdp.CpuReg;
import org.tdpscope.dsl.tdp.CpuSetting;
import org.tdpscope.dsl.tdp.EptEntryOp;
import org.tdpscope.dsl.tdp.GuestEntryCheck;
import org.tdpscope.dsl.tdp.GuestEntryWrite;
import org.tdpscope.dsl.tdp.GuestMaps;
import org.tdpscope.dsl.tdp.GuestPaging;
import org.tdpscope.dsl.tdp.HostDecl;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.OnOff;
import org.tdpscope.dsl.tdp.ProcessedCheck;
import org.tdpscope.dsl.tdp.RawBit;
import org.tdpscope.dsl.tdp.Step;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.ThreadStep;
import org.tdpscope.dsl.tdp.Vcpu;
import org.tdpscope.dsl.tdp.VcpuOp;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.VmItem;
import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.EntryBits;
import org.tdpscope.sim.mmu.GuestPte;

/**
 * Checks of guest CPU state, raw entry writes and access expectations: bit names and levels are errors at the word;
 * a raw write that sets a bit the SDM reserves there is a warning saying which and why (the fault is usually the
 * point of writing it).
 */
final class PagingChecks {

    private PagingChecks() {
    }

    static void check(EObject o, TdpValidator.Sink s) {
        if (o instanceof CpuBits b) {
            cpuBits(b, s);
        } else if (o instanceof CplSetting c) {
            if (c.getCpl() > 3) {
                s.report(true, "the CPL is 0 to 3", c, feature(c, "cpl"), BAD_CPU_STATE);
            }
        } else if (o instanceof GuestEntryWrite g) {
            guestEntryWrite(g, s);
        } else if (o instanceof EptEntryOp e) {
            eptEntryWrite(e, s);
        } else if (o instanceof AccessOp a && a.getName() != null) {
            accessLabel(a, s);
        } else if (o instanceof AccessCheck a) {
            accessCheck(a, s);
        } else if (o instanceof GuestEntryCheck g) {
            Model m = model(g);
            int levels = guestLevels(m);
            if (g.getLevel() < 1 || g.getLevel() > levels) {
                s.report(true, "guest paging has levels 1 to " + levels, g, feature(g, "level"), BAD_LEVELS);
            }
        } else if (o instanceof ProcessedCheck p) {
            if (p.getThread() instanceof Vcpu) {
                s.report(false, "a vCPU walks no roots; name a walker or an invalidator", p, feature(p, "thread"),
                        NOT_A_WALKER);
            }
        }
    }

    private static EStructuralFeature feature(EObject o, String name) {
        return o.eClass().getEStructuralFeature(name);
    }

    private static Model model(EObject o) {
        return EcoreUtil2.getContainerOfType(o, Model.class);
    }

    /** The guest's paging levels: 4, or 5 with {@code guest paging 5-level} (the last line counts). */
    static int guestLevels(Model m) {
        int levels = 4;
        if (m != null && m.getVm() != null) {
            for (VmItem i : m.getVm().getItems()) {
                if (i instanceof GuestPaging g && (g.getLevels() == 4 || g.getLevels() == 5)) {
                    levels = g.getLevels();
                }
            }
        }
        return levels;
    }

    private static CpuRegs.Reg reg(CpuReg r) {
        return switch (r) {
            case CR0 -> CpuRegs.Reg.CR0;
            case CR4 -> CpuRegs.Reg.CR4;
            case EFER -> CpuRegs.Reg.EFER;
            case RFLAGS -> CpuRegs.Reg.RFLAGS;
        };
    }

    private static void cpuBits(CpuBits b, TdpValidator.Sink s) {
        CpuRegs.Reg reg = reg(b.getReg());
        boolean off = b.getValue() == OnOff.OFF;
        boolean inVm = b.eContainer() instanceof CpuDecl;
        for (int i = 0; i < b.getBits().size(); i++) {
            String n = b.getBits().get(i);
            long bit = reg.bit(n);
            if (bit == 0) {
                s.report(true, "no bit '" + n + "' in " + reg.word() + "; its bits are " + reg.names(), b,
                        feature(b, "bits"), i, BAD_BIT);
            } else if (off && (bit == CpuRegs.CR4_PAE || bit == CpuRegs.EFER_LME || bit == CpuRegs.EFER_LMA)) {
                s.report(true, "the simulator models 4- and 5-level paging only: " + reg.word() + "." + n
                        + " stays on (turn cr0.pg off for no paging at all)", b, feature(b, "bits"), i, BAD_CPU_STATE);
            } else if (bit == CpuRegs.CR4_LA57) {
                int levels = guestLevels(model(b));
                if (!inVm) {
                    s.report(true, "a guest cannot change CR4.LA57 with paging on (MOV to CR4 raises #GP); "
                            + "'guest paging 4-level' or '5-level' sets it", b, feature(b, "bits"), i, BAD_CPU_STATE);
                } else if (off == (levels == 5)) {
                    s.report(true, "CR4.LA57 follows the guest's tables: 'guest paging " + levels + "-level' "
                            + (levels == 5 ? "sets" : "clears") + " it", b, feature(b, "bits"), i, BAD_CPU_STATE);
                }
            }
        }
    }

    /** Whether some vCPU may run with EFER.NXE off (then XD is a reserved bit). */
    private static boolean nxeMayBeOff(Model m) {
        if (m == null) {
            return false;
        }
        for (var it = m.eAllContents(); it.hasNext();) {
            if (it.next() instanceof CpuBits b && b.getReg() == CpuReg.EFER && b.getValue() == OnOff.OFF
                    && b.getBits().contains("nxe")) {
                return true;
            }
        }
        return false;
    }

    private static long bits(List<RawBit> bits, boolean guest, TdpValidator.Sink s) {
        long mask = 0;
        for (RawBit b : bits) {
            if (b.getName() == null) {
                if (b.getBit() > 63) {
                    s.report(true, "bits are numbered 0 to 63", b, feature(b, "bit"), BAD_BIT);
                } else {
                    mask |= 1L << b.getBit();
                }
                continue;
            }
            long bit = guest ? EntryBits.guestBit(b.getName()) : EntryBits.eptBit(b.getName());
            if (bit == 0) {
                s.report(true, "no bit '" + b.getName() + "' in " + (guest ? "a guest paging entry" : "an EPT entry")
                        + "; the bits are " + (guest ? EntryBits.guestNames() : EntryBits.eptNames()) + ", or 'bit N'",
                        b, feature(b, "name"), BAD_BIT);
            }
            mask |= bit;
        }
        return mask;
    }

    private static void guestEntryWrite(GuestEntryWrite g, TdpValidator.Sink s) {
        Model m = model(g);
        int levels = guestLevels(m);
        if (g.getLevel() < 1 || g.getLevel() > levels) {
            s.report(true, "guest paging has levels 1 to " + levels + " (" + levels + "-level paging)", g,
                    feature(g, "level"), BAD_LEVELS);
            return;
        }
        if (m != null && (m.getVm() == null || m.getVm().getItems().stream().noneMatch(i -> i instanceof GuestMaps))) {
            s.report(true, "the guest has no page tables to write: add 'guest maps' to the vm", g, null, BAD_MAPPING);
            return;
        }
        long mask = bits(g.getBits(), true, s);
        boolean nxe = !nxeMayBeOff(m);
        List<String> reserved;
        String how;
        if (g.isClear()) {
            return;
        } else if (g.isSet()) {
            Boolean ps = (mask & GuestPte.PS) != 0 ? Boolean.TRUE : null;
            reserved = EntryBits.guestReserved(mask, g.getLevel(), ps, nxe);
            how = "set";
        } else {
            long v = g.getValue();
            if ((v & GuestPte.P) == 0) {
                return; // not present: the other bits are the guest's own business
            }
            reserved = EntryBits.guestReserved(v, g.getLevel(), (v & GuestPte.PS) != 0, nxe);
            how = "= 0x" + Long.toHexString(v);
        }
        if (!reserved.isEmpty()) {
            s.report(false, GuestPte.levelName(g.getLevel()) + " " + how + ": reserved " + String.join("; ", reserved)
                    + " (an access through it faults with #PF RSVD)", g,
                    feature(g, g.isSet() ? "bits" : "value"), RESERVED_BIT);
        }
    }

    private static void eptEntryWrite(EptEntryOp e, TdpValidator.Sink s) {
        Model m = model(e);
        int levels = m == null ? 4 : TdpValidator.tdpLevels(m.getVm());
        if (e.getLevel() < 1 || e.getLevel() > levels) {
            s.report(true, "the EPT has levels 1 to " + levels, e, feature(e, "level"), BAD_LEVELS);
            return;
        }
        long mask = bits(e.getBits(), false, s);
        int maxPhy = 46;
        if (m != null && m.getVm() != null) {
            for (VmItem i : m.getVm().getItems()) {
                if (i instanceof HostDecl h) {
                    maxPhy = h.getBits();
                }
            }
        }
        List<String> reserved;
        if (e.isClear()) {
            return;
        } else if (e.isSet()) {
            reserved = EntryBits.eptReserved(mask, e.getLevel(), false, maxPhy);
        } else {
            reserved = EntryBits.eptReserved(e.getValue(), e.getLevel(), true, maxPhy);
        }
        if (!reserved.isEmpty()) {
            s.report(false, "EPT entry at level " + e.getLevel() + ": " + String.join("; ", reserved), e,
                    feature(e, e.isSet() ? "bits" : "value"), RESERVED_BIT);
        }
    }

    /** The access operations of {@code v}: its thread's, then the schedule's {@code v access ...} steps. */
    static List<AccessOp> accessesOf(Model m, Actor v) {
        List<AccessOp> out = new ArrayList<>();
        if (m == null || v == null) {
            return out;
        }
        if (m.getThreads() != null) {
            for (ThreadDecl t : m.getThreads().getThreads()) {
                if (t instanceof VcpuThread vt && vt.getVcpu() == v) {
                    for (VcpuOp op : vt.getOps()) {
                        if (op instanceof AccessOp a) {
                            out.add(a);
                        }
                    }
                }
            }
        }
        if (m.getSchedule() != null) {
            for (Step st : m.getSchedule().getSteps()) {
                if (st instanceof ThreadStep ts && ts.getThread() == v && ts.getAction() instanceof AccessOp a) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private static Actor owner(AccessOp a) {
        EObject c = a.eContainer();
        if (c instanceof VcpuThread vt) {
            return vt.getVcpu();
        }
        return c instanceof ThreadStep ts ? ts.getThread() : null;
    }

    private static void accessLabel(AccessOp a, TdpValidator.Sink s) {
        Actor v = owner(a);
        Set<String> seen = new HashSet<>();
        for (AccessOp o : accessesOf(model(a), v)) {
            if (o == a) {
                if (!seen.add(a.getName())) {
                    s.report(true, "an access of " + v.getName() + " is named " + a.getName() + " already", a,
                            feature(a, "name"), DUPLICATE_NAME);
                }
                return;
            }
            if (o.getName() != null) {
                seen.add(o.getName());
            }
        }
    }

    private static void accessCheck(AccessCheck a, TdpValidator.Sink s) {
        Actor v = a.getVcpu();
        if (v == null || v.eIsProxy()) {
            return;
        }
        if (!(v instanceof Vcpu)) {
            s.report(true, v.getName() + " is not a vCPU; only vCPUs make accesses", a, feature(a, "vcpu"),
                    NOT_A_VCPU);
            return;
        }
        List<AccessOp> ops = accessesOf(model(a), v);
        if (a.getLabel() != null) {
            if (ops.stream().noneMatch(o -> a.getLabel().equals(o.getName()))) {
                s.report(true, v.getName() + " has no access named " + a.getLabel(), a, feature(a, "label"),
                        NO_SUCH_ACCESS);
            }
        } else if (Positions.written(a, "number") && (a.getNumber() < 1 || a.getNumber() > ops.size())) {
            s.report(true, "accesses are numbered from 1 in the order " + v.getName() + " makes them; "
                    + v.getName() + " has " + ops.size() + " access operation" + (ops.size() == 1 ? "" : "s"), a,
                    feature(a, "number"), NO_SUCH_ACCESS);
        }
    }
}
