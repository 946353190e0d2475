/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.interpreter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.emf.ecore.EObject;
import org.tdpscope.dsl.tdp.AccessMode;
import org.tdpscope.dsl.tdp.AccessOp;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.BrokenFlag;
import org.tdpscope.dsl.tdp.BrokenOption;
import org.tdpscope.dsl.tdp.DeleteSlot;
import org.tdpscope.dsl.tdp.CheckExpectations;
import org.tdpscope.dsl.tdp.EnableDirtyLog;
import org.tdpscope.dsl.tdp.Explore;
import org.tdpscope.dsl.tdp.ExploreBound;
import org.tdpscope.dsl.tdp.ExploreItem;
import org.tdpscope.dsl.tdp.ExplorePolicies;
import org.tdpscope.dsl.tdp.Expectation;
import org.tdpscope.dsl.tdp.FastZap;
import org.tdpscope.dsl.tdp.FaultMode;
import org.tdpscope.dsl.tdp.FaultOp;
import org.tdpscope.dsl.tdp.FlagAfterWalk;
import org.tdpscope.dsl.tdp.GraceStep;
import org.tdpscope.dsl.tdp.GuestMaps;
import org.tdpscope.dsl.tdp.GuestPaging;
import org.tdpscope.dsl.tdp.InvOp;
import org.tdpscope.dsl.tdp.Invalidator;
import org.tdpscope.dsl.tdp.LoadRoot;
import org.tdpscope.dsl.tdp.LockMode;
import org.tdpscope.dsl.tdp.LockOption;
import org.tdpscope.dsl.tdp.Mapping;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.MoveSlot;
import org.tdpscope.dsl.tdp.NoSlotsLock;
import org.tdpscope.dsl.tdp.OnOff;
import org.tdpscope.dsl.tdp.Option;
import org.tdpscope.dsl.tdp.PolicyDecl;
import org.tdpscope.dsl.tdp.ReloadOp;
import org.tdpscope.dsl.tdp.RepeatThreads;
import org.tdpscope.dsl.tdp.RootsOption;
import org.tdpscope.dsl.tdp.SpteWord;
import org.tdpscope.dsl.tdp.Step;
import org.tdpscope.dsl.tdp.TdpDecl;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.ThreadStep;
import org.tdpscope.dsl.tdp.Vcpu;
import org.tdpscope.dsl.tdp.VcpuOp;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.VmItem;
import org.tdpscope.dsl.tdp.WalkSpec;
import org.tdpscope.dsl.tdp.Walker;
import org.tdpscope.dsl.tdp.YieldOption;
import org.tdpscope.dsl.tdp.HostDecl;
import org.tdpscope.dsl.tdp.KernelDecl;
import org.tdpscope.dsl.tdp.RuleOverride;
import org.tdpscope.dsl.tdp.VmTypeDecl;
import org.tdpscope.dsl.tdp.CplSetting;
import org.tdpscope.dsl.tdp.CpuBits;
import org.tdpscope.dsl.tdp.CpuDecl;
import org.tdpscope.dsl.tdp.CpuOp;
import org.tdpscope.dsl.tdp.CpuSetting;
import org.tdpscope.dsl.tdp.EptEntryOp;
import org.tdpscope.dsl.tdp.GuestEntryOp;
import org.tdpscope.dsl.tdp.GuestEntryWrite;
import org.tdpscope.dsl.tdp.RawBit;
import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.EntryBits;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.Invariant;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;
import org.tdpscope.sim.explore.ExploreBounds;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * Turns a parsed scenario into simulator input ({@link Scenario}, its policies) and checkable
 * expectations. Assumes a scenario without errors; anything it cannot translate raises an
 * {@link InterpretException} at the offending object.
 */
public final class TdpInterpreter {

    public static final long PAGE_4K = 4096;
    public static final long PAGE_2M = 2L << 20;
    public static final long PAGE_1G = 1L << 30;

    /** What a scenario file means. */
    public record Result(Scenario scenario, List<Policy> policies, List<CheckedExpectation> expectations,
            ExploreSpec explore, List<KernelRules> kernels) {

        public Result(Scenario scenario, List<Policy> policies, List<CheckedExpectation> expectations,
                ExploreSpec explore) {
            this(scenario, policies, expectations, explore, List.of(scenario.kernel));
        }
    }

    /**
     * The {@code explore} block: bounds for the explorer (its defaults where the block is silent), the
     * policies to explore (the scenario's own when the block names none), whether failed expectations count
     * as bad outcomes; {@code declared} is false when the scenario has no block.
     */
    public record ExploreSpec(ExploreBounds bounds, List<Policy> policies, boolean checkExpectations,
            boolean declared) {
    }

    public Result interpret(Model model) {
        if (model == null) {
            throw new InterpretException("no scenario", null);
        }
        Scenario s = new Scenario();
        s.name = model.getTitle() == null ? "scenario" : model.getTitle();
        if (model.getVm() != null) {
            vm(model, s);
        }
        List<Policy> policies = policies(model.getPolicy());
        s.policy = policies.get(0);
        List<KernelRules> kernels = kernels(model.getKernel());
        s.kernel = kernels.get(0);
        if (model.getThreads() != null) {
            for (ThreadDecl t : model.getThreads().getThreads()) {
                s.threads.add(thread(t, s));
            }
        }
        if (model.getSchedule() != null) {
            s.schedule = new ArrayList<>();
            for (Step st : model.getSchedule().getSteps()) {
                s.schedule.add(step(st));
            }
        }
        List<CheckedExpectation> expectations = new ArrayList<>();
        if (model.getExpect() != null) {
            for (Expectation e : model.getExpect().getItems()) {
                expectations.add(CheckedExpectation.of(e, policiesOf(e), erasOf(e)));
            }
        }
        return new Result(s, policies, expectations, explore(model.getExplore(), policies), kernels);
    }

    /** The eras a scenario runs under: one, a compared list or all; {@code mainline} by default; overrides on each. */
    public static List<KernelRules> kernels(KernelDecl k) {
        if (k == null) {
            return List.of(Era.MAINLINE.rules());
        }
        List<Era> eras = new ArrayList<>();
        if (k.isAll()) {
            eras.addAll(List.of(Era.values()));
        } else {
            for (String w : k.getEras()) {
                Era e = Era.fromWord(w);
                if (e == null) {
                    throw new InterpretException("no kernel era '" + w + "'; the eras are " + Era.words(), k);
                }
                if (!eras.contains(e)) {
                    eras.add(e);
                }
            }
        }
        if (eras.isEmpty()) {
            throw new InterpretException("no kernel era named", k);
        }
        List<KernelRules> out = new ArrayList<>();
        for (Era e : eras) {
            out.add(withOverrides(e.rules(), k));
        }
        return out;
    }

    /** {@code rules} with the declaration's {@code with ...} rules applied in order. */
    public static KernelRules withOverrides(KernelRules rules, KernelDecl k) {
        KernelRules r = rules;
        if (k != null) {
            for (RuleOverride o : k.getOverrides()) {
                try {
                    r = r.with(o.getRule(), o.getValue());
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new InterpretException(String.valueOf(e.getMessage()), o);
                }
            }
        }
        return r;
    }

    private static List<Era> erasOf(Expectation e) {
        List<Era> out = new ArrayList<>();
        for (String w : e.getEras()) {
            Era era = Era.fromWord(w);
            if (era != null) {
                out.add(era);
            }
        }
        return out;
    }

    /** The explore block over {@link ExploreBounds#defaults()}; the last of a repeated line counts. */
    public static ExploreSpec explore(Explore block, List<Policy> scenarioPolicies) {
        ExploreBounds b = ExploreBounds.defaults();
        if (block == null) {
            return new ExploreSpec(b, scenarioPolicies, false, false);
        }
        List<Policy> policies = scenarioPolicies;
        boolean check = false;
        for (ExploreItem item : block.getItems()) {
            if (item instanceof ExploreBound eb) {
                int v = eb.getValue();
                try {
                    b = switch (eb.getBound()) {
                        case DEPTH -> b.withMaxDepth(v);
                        case YIELDS -> b.withMaxYields(v);
                        case INVALIDATIONS -> b.withMaxInvalidations(v);
                    };
                } catch (IllegalArgumentException e) {
                    throw new InterpretException(eb.getBound().getLiteral() + " " + v + " is out of range", eb);
                }
            } else if (item instanceof RepeatThreads r) {
                List<String> names = new ArrayList<>(b.repeating());
                for (Actor a : r.getThreads()) {
                    String n = name(a, r);
                    if (!names.contains(n)) {
                        names.add(n);
                    }
                }
                b = b.withRepeating(names.toArray(new String[0]));
            } else if (item instanceof ExplorePolicies p) {
                if (p.isAll()) {
                    policies = List.of(Policy.values());
                } else {
                    List<Policy> out = new ArrayList<>();
                    for (org.tdpscope.model.Policy w : p.getPolicies()) {
                        if (w != null && !out.contains(policy(w))) {
                            out.add(policy(w));
                        }
                    }
                    if (out.isEmpty()) {
                        throw new InterpretException("no policy named", p);
                    }
                    policies = out;
                }
            } else if (item instanceof CheckExpectations) {
                check = true;
            }
        }
        return new ExploreSpec(b, List.copyOf(policies), check, true);
    }

    private static void vm(Model model, Scenario s) {
        Map<Vcpu, VcpuThread> threadOf = new HashMap<>(); // one look-up a vCPU: linear in vCPUs and threads
        if (model.getThreads() != null) {
            for (ThreadDecl t : model.getThreads().getThreads()) {
                if (t instanceof VcpuThread vt && vt.getVcpu() != null) {
                    threadOf.putIfAbsent(vt.getVcpu(), vt);
                }
            }
        }
        for (VmItem item : model.getVm().getItems()) {
            if (item instanceof Memslot m) {
                s.memslots.add(new Scenario.MemslotSpec(slotId(m), m.getStart(), m.isPlus() ? m.getEnd()
                        : m.getEnd() - m.getStart(), m.isReadOnly(), m.isDirtyLogging()));
            } else if (item instanceof TdpDecl t) {
                if (t.getLevels() != 0) {
                    s.tdpLevels = t.getLevels();
                }
                s.accessedDirty = t.getAccessedDirty() != OnOff.OFF;
            } else if (item instanceof GuestPaging g) {
                s.guestLevels = g.getLevels();
            } else if (item instanceof VmTypeDecl t) {
                s.vmType = switch (t.getType()) {
                    case TDX -> Scenario.VmType.TDX;
                    case SEV -> Scenario.VmType.SEV;
                    default -> Scenario.VmType.DEFAULT;
                };
            } else if (item instanceof HostDecl h) {
                s.hostMaxPhyAddr = h.getBits();
            } else if (item instanceof Vcpu v) {
                s.vcpus.add(new Scenario.VcpuSpec(v.getName(), role(v), vcpuVariants(threadOf.get(v))));
            } else if (item instanceof CpuDecl c) {
                List<Op.CpuWrite> writes = new ArrayList<>(s.cpuSetup.getOrDefault(name(c.getVcpu(), c), List.of()));
                for (CpuSetting cs : c.getSettings()) {
                    writes.add(cpuWrite(cs));
                }
                s.cpuSetup.put(name(c.getVcpu(), c), List.copyOf(writes));
            } else if (item instanceof GuestEntryWrite g) {
                s.guestEntryWrites.add(guestEntryWrite(g));
            } else if (item instanceof GuestMaps gm) {
                for (Mapping m : gm.getMaps()) {
                    long size = m.isPlus() ? m.getEnd() : m.getEnd() - m.getGva();
                    long page = m.getPageSize() == 0 ? PAGE_4K : m.getPageSize();
                    s.guestMappings.add(new Scenario.GuestMapping(m.getGva(), m.getGpa(), size, (int) page, !m.isRo(),
                            m.isUser(), !m.isNx(), m.isGlobal()));
                }
            }
        }
    }

    /** The broken fault path of a vCPU is written on its thread: {@code vcpu v0: ..., broken: ...}. */
    private static Variants vcpuVariants(VcpuThread vt) {
        Variants out = Variants.KERNEL;
        {
            if (vt != null) {
                for (Option o : vt.getOptions()) {
                    if (o instanceof BrokenOption b && b.getFlag() == BrokenFlag.FAULT_IGNORES_INVALID_ROOT) {
                        out = out.withFaultIgnoresInvalidRoot();
                    } else if (o instanceof BrokenOption b && b.getFlag() == BrokenFlag.FREE_ROOTS_UNDER_WRITE_LOCK) {
                        out = out.withFreeRootsUnderWriteLock();
                    } else if (o instanceof BrokenOption b && b.getFlag() == BrokenFlag.SHADOW_RECLAIM_UNDER_READ_LOCK) {
                        out = out.withShadowReclaimUnderReadLock();
                    }
                }
            }
        }
        return out;
    }

    public static int slotId(Memslot m) {
        try {
            return Integer.parseInt(m.getName());
        } catch (NumberFormatException e) {
            throw new InterpretException("memslot id must be a small number", m);
        }
    }

    /** The policies a scenario runs under: one, a compared list, or all four; {@code continue} by default. */
    public static List<Policy> policies(PolicyDecl p) {
        if (p == null) {
            return List.of(Policy.CONTINUE);
        }
        if (p.isAll()) {
            return List.of(Policy.values());
        }
        List<Policy> out = new ArrayList<>();
        for (org.tdpscope.model.Policy w : p.getPolicies()) {
            Policy pol = policy(w);
            if (!out.contains(pol)) {
                out.add(pol);
            }
        }
        if (out.size() == 1 && !p.getKnobs().isEmpty()) {
            Policy pol = out.get(0);
            for (String k : p.getKnobs()) {
                Policy next = pol.withKnob(k);
                if (next == null) {
                    throw new InterpretException("'" + k + "' is no policy knob; the knobs are "
                            + String.join(", ", Policy.KNOBS), p);
                }
                pol = next;
            }
            out.set(0, pol);
        }
        if (out.isEmpty()) {
            throw new InterpretException("no policy named", p);
        }
        return out;
    }

    private static List<Policy> policiesOf(Expectation e) {
        List<Policy> out = new ArrayList<>();
        for (org.tdpscope.model.Policy w : e.getPolicies()) {
            out.add(policy(w));
        }
        return out;
    }

    /**
     * The simulator's policy for the metamodel's (the grammar reads policy words as
     * {@link org.tdpscope.model.Policy}); the one place the two enums meet.
     */
    public static Policy policy(org.tdpscope.model.Policy p) {
        return switch (p) {
            case CONTINUE -> Policy.CONTINUE;
            case RESTART -> Policy.RESTART;
            case TERMINATE -> Policy.TERMINATE;
            case FIFO -> Policy.FIFO;
        };
    }

    /** The simulator's root role for a vCPU's (a metamodel RootRole, by its word); {@code default} when none. */
    public static RootRole role(Vcpu v) {
        org.tdpscope.model.RootRole r = v.getRole();
        return RootRole.of(r == null || r.getName() == null ? "default" : r.getName());
    }

    /** The simulator's invariant for the metamodel's (the grammar reads {@code violation X} as one). */
    public static Invariant invariant(org.tdpscope.model.Invariant i) {
        return switch (i) {
            case USE_AFTER_FREE -> Invariant.USE_AFTER_FREE;
            case REFCOUNT -> Invariant.REFCOUNT;
            case SPTE_IN_INVALID_ROOT -> Invariant.SPTE_IN_INVALID_ROOT;
            case FAST_ZAP_LEFTOVER -> Invariant.FAST_ZAP_LEFTOVER;
            case NOTIFIER_LEFTOVER -> Invariant.NOTIFIER_LEFTOVER;
            case MISSED_ROOT -> Invariant.MISSED_ROOT;
            case LIVELOCK -> Invariant.LIVELOCK;
            case BAD_YIELD -> Invariant.BAD_YIELD;
            case ROOT_WALKED_TWICE -> Invariant.ROOT_WALKED_TWICE;
            case LOCK_DISCIPLINE -> Invariant.LOCK_DISCIPLINE;
        };
    }

    private static String name(Actor a, EObject where) {
        if (a == null || a.eIsProxy() || a.getName() == null) {
            throw new InterpretException("unresolved name", where);
        }
        return a.getName();
    }

    private static Scenario.ThreadSpec thread(ThreadDecl t, Scenario s) {
        if (t instanceof VcpuThread v) {
            List<Op> ops = new ArrayList<>();
            for (VcpuOp op : v.getOps()) {
                ops.add(vcpuOp(op));
            }
            return new Scenario.ThreadSpec(name(v.getVcpu(), v), Scenario.ThreadKind.VCPU, ops);
        }
        if (t instanceof Walker w) {
            List<Op> ops = new ArrayList<>();
            for (WalkSpec ws : w.getWalks()) {
                ops.add(walk(ws));
            }
            return new Scenario.ThreadSpec(w.getName(), Scenario.ThreadKind.WALKER, ops);
        }
        if (t instanceof Invalidator inv) {
            List<Op> ops = new ArrayList<>();
            for (InvOp op : inv.getOps()) {
                ops.add(invOp(op));
            }
            return new Scenario.ThreadSpec(inv.getName(), Scenario.ThreadKind.INVALIDATOR, ops);
        }
        throw new InterpretException("unknown kind of thread", t);
    }

    public static Op vcpuOp(VcpuOp op) {
        if (op instanceof LoadRoot) {
            return new Op.LoadRoot();
        }
        if (op instanceof ReloadOp) {
            return new Op.Reload();
        }
        if (op instanceof FaultOp f) {
            return new Op.Fault(f.getGfn(), f.getMode() == FaultMode.WRITE, f.getMode() == FaultMode.EXEC);
        }
        if (op instanceof AccessOp a) {
            return new Op.Access(a.getGva(), a.getMode() == AccessMode.WRITE, a.isUser(),
                    a.getMode() == AccessMode.FETCH, a.isImplicit(), a.getName());
        }
        if (op instanceof CpuOp c) {
            return cpuWrite(c.getSetting());
        }
        if (op instanceof GuestEntryOp g) {
            return guestEntryWrite(g.getWrite());
        }
        if (op instanceof EptEntryOp e) {
            long bits = 0;
            for (RawBit b : e.getBits()) {
                bits |= rawBit(b, EntryBits.eptBit(b.getName()), "an EPT entry", EntryBits.eptNames());
            }
            return new Op.EptEntryWrite(e.getGfn(), e.getLevel(), e.getRoot(), !e.isSet() && !e.isClear(), e.getValue(),
                    e.isSet() ? bits : 0, e.isClear() ? bits : 0);
        }
        throw new InterpretException("unknown vCPU operation", op);
    }

    /** {@code cr0.wp off}, {@code cr4 smep smap on}, {@code cpl 3}. */
    public static Op.CpuWrite cpuWrite(CpuSetting cs) {
        if (cs instanceof CplSetting c) {
            return new Op.CpuWrite(null, 0, 0, c.getCpl());
        }
        CpuBits b = (CpuBits) cs;
        CpuRegs.Reg reg = switch (b.getReg()) {
            case CR0 -> CpuRegs.Reg.CR0;
            case CR4 -> CpuRegs.Reg.CR4;
            case EFER -> CpuRegs.Reg.EFER;
            case RFLAGS -> CpuRegs.Reg.RFLAGS;
        };
        long mask = 0;
        for (String n : b.getBits()) {
            long bit = reg.bit(n);
            if (bit == 0) {
                throw new InterpretException("no bit '" + n + "' in " + reg.word() + "; its bits are " + reg.names(),
                        b);
            }
            mask |= bit;
        }
        boolean on = b.getValue() == OnOff.ON;
        return new Op.CpuWrite(reg, on ? mask : 0, on ? 0 : mask, 0);
    }

    /** {@code guest entry gva X level N set ps | clear rw, us | = 0x...}. */
    public static Op.GuestEntryWrite guestEntryWrite(GuestEntryWrite g) {
        long bits = 0;
        for (RawBit b : g.getBits()) {
            bits |= rawBit(b, EntryBits.guestBit(b.getName()), "a guest paging entry", EntryBits.guestNames());
        }
        return new Op.GuestEntryWrite(g.getGva(), g.getLevel(), !g.isSet() && !g.isClear(), g.getValue(),
                g.isSet() ? bits : 0, g.isClear() ? bits : 0);
    }

    private static long rawBit(RawBit b, long named, String where, String names) {
        if (b.getName() == null) {
            if (b.getBit() < 0 || b.getBit() > 63) {
                throw new InterpretException("bits are numbered 0 to 63", b);
            }
            return 1L << b.getBit();
        }
        if (named == 0) {
            throw new InterpretException("no bit '" + b.getName() + "' in " + where + "; the bits are " + names
                    + ", or 'bit N'", b);
        }
        return named;
    }

    public static SpteOp spteOp(SpteWord w) {
        return switch (w) {
            case WRPROT -> SpteOp.WRPROT;
            case ZAP -> SpteOp.ZAP;
            case CLEAR_DIRTY -> SpteOp.CLEAR_DIRTY;
            case ZAP_COLLAPSIBLE -> SpteOp.ZAP_COLLAPSIBLE;
            case AGE -> SpteOp.AGE;
        };
    }

    /** mmu_notifier unmap and zap reach invalid roots and take mmu_lock for write, as in v5.16. */
    public static boolean defaultOnlyValid(WalkSpec ws) {
        return !ws.isNotifier() && ws.getOp() != SpteWord.ZAP;
    }

    public static boolean defaultShared(WalkSpec ws) {
        return !ws.isNotifier() && ws.getOp() != SpteWord.ZAP && ws.getOp() != SpteWord.AGE;
    }

    private static Op walk(WalkSpec ws) {
        boolean onlyValid = defaultOnlyValid(ws);
        boolean shared = defaultShared(ws);
        for (Option o : ws.getOptions()) {
            if (o instanceof RootsOption r) {
                onlyValid = r.isValid();
            } else if (o instanceof LockOption l) {
                shared = l.getMode() == LockMode.SHARED;
            }
        }
        long end = ws.isPlus() ? ws.getStart() + ws.getEnd() : ws.getEnd();
        SpteOp op = ws.isNotifier() ? SpteOp.ZAP : spteOp(ws.getOp());
        return new Op.Walk(op, ws.getStart(), end, onlyValid, shared, yieldSpec(ws.getOptions()), variants(ws.getOptions()),
                ws.isNotifier());
    }

    public static YieldSpec yieldSpec(List<Option> options) {
        YieldSpec y = YieldSpec.NEVER;
        for (Option o : options) {
            if (o instanceof YieldOption yo) {
                if (yo.isNever()) {
                    y = YieldSpec.NEVER;
                } else if (yo.isAfter()) {
                    y = YieldSpec.afterGfn(yo.getGfn());
                } else if (yo.isEvery()) {
                    y = YieldSpec.every(yo.getCount());
                } else if (yo.isAlways()) {
                    y = YieldSpec.ALWAYS;
                }
                if (yo.getRoot() != null && !yo.isNever()) {
                    y = y.inRoot(yo.getRoot());
                }
            }
        }
        return y;
    }

    public static Variants variants(List<Option> options) {
        boolean noRootRef = false;
        boolean putPrevFirst = false;
        boolean noProgress = false;
        boolean noFlush = false;
        boolean faultIgnores = false;
        for (Option o : options) {
            if (o instanceof BrokenOption b && b.getFlag() != null) {
                switch (b.getFlag()) {
                    case NO_ROOT_REF -> noRootRef = true;
                    case PUT_PREV_FIRST -> putPrevFirst = true;
                    case YIELD_WITHOUT_PROGRESS -> noProgress = true;
                    case YIELD_WITHOUT_FLUSH -> noFlush = true;
                    case FAULT_IGNORES_INVALID_ROOT -> faultIgnores = true;
                    default -> throw new InterpretException("unknown broken variant", b);
                }
            }
        }
        return new Variants(noRootRef, putPrevFirst, noProgress, noFlush, faultIgnores);
    }

    private static boolean takesSlotsLock(List<Option> options) {
        return options.stream().noneMatch(o -> o instanceof NoSlotsLock);
    }

    private static Op invOp(InvOp op) {
        List<Option> opts = op.getOptions();
        boolean lock = takesSlotsLock(opts);
        YieldSpec y = yieldSpec(opts);
        if (op instanceof FastZap) {
            return new Op.FastZap(lock, y);
        }
        if (op instanceof DeleteSlot d) {
            return new Op.MemslotDelete(slotRef(d.getSlot(), d), lock, y);
        }
        if (op instanceof MoveSlot m) {
            return new Op.MemslotMove(slotRef(m.getSlot(), m), m.getGfn(), lock, y);
        }
        if (op instanceof EnableDirtyLog e) {
            boolean flagAfter = opts.stream().anyMatch(o -> o instanceof FlagAfterWalk);
            return new Op.DirtyLogEnable(slotRef(e.getSlot(), e), !flagAfter, lock, y, variants(opts));
        }
        throw new InterpretException("unknown invalidator operation", op);
    }

    private static int slotRef(Memslot m, EObject where) {
        if (m == null || m.eIsProxy()) {
            throw new InterpretException("unresolved memslot", where);
        }
        return slotId(m);
    }

    private static ScheduleStep step(Step st) {
        int line = Positions.line(st);
        if (st instanceof GraceStep) {
            return ScheduleStep.gracePeriod().at(line);
        }
        if (st instanceof ThreadStep t) {
            String who = t.isWorker() ? Scenario.ZAP_WORKER : name(t.getThread(), t);
            if (t.isUntilYield()) {
                return ScheduleStep.untilYield(who).at(line);
            }
            if (t.isUntilNextRoot()) {
                return ScheduleStep.untilNextRoot(who).at(line);
            }
            if (t.isToEnd()) {
                return ScheduleStep.toEnd(who).at(line);
            }
            if (t.getAction() != null) {
                return ScheduleStep.action(who, vcpuOp(t.getAction())).at(line);
            }
            return ScheduleStep.ops(who, t.getCount()).at(line);
        }
        throw new InterpretException("unknown schedule step", st);
    }
}
