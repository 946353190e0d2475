/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.validation;

import static org.tdpscope.dsl.validation.TdpIssueCodes.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.validation.Check;
import org.eclipse.xtext.validation.CheckType;
import org.tdpscope.dsl.interpreter.InterpretException;
import org.tdpscope.dsl.interpreter.Positions;
import org.tdpscope.dsl.interpreter.TdpInterpreter;
import org.tdpscope.dsl.scoping.TdpScopeProvider;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.BrokenFlag;
import org.tdpscope.dsl.tdp.BrokenOption;
import org.tdpscope.dsl.tdp.BoundWord;
import org.tdpscope.dsl.tdp.CheckExpectations;
import org.tdpscope.dsl.tdp.EnableDirtyLog;
import org.tdpscope.dsl.tdp.Expectation;
import org.tdpscope.dsl.tdp.Explore;
import org.tdpscope.dsl.tdp.ExploreBound;
import org.tdpscope.dsl.tdp.ExploreItem;
import org.tdpscope.dsl.tdp.ExplorePolicies;
import org.tdpscope.dsl.tdp.FaultOp;
import org.tdpscope.dsl.tdp.FlagAfterWalk;
import org.tdpscope.dsl.tdp.FreedCheck;
import org.tdpscope.dsl.tdp.GuestPaging;
import org.tdpscope.dsl.tdp.HostDecl;
import org.tdpscope.dsl.tdp.InvOp;
import org.tdpscope.dsl.tdp.Invalidator;
import org.tdpscope.dsl.tdp.LockOption;
import org.tdpscope.dsl.tdp.Mapping;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.MoveSlot;
import org.tdpscope.dsl.tdp.NoSlotsLock;
import org.tdpscope.dsl.tdp.Option;
import org.tdpscope.dsl.tdp.PolicyDecl;
import org.tdpscope.dsl.tdp.KernelDecl;
import org.tdpscope.dsl.tdp.RuleOverride;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.Limits;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.dsl.tdp.RefcountCheck;
import org.tdpscope.dsl.tdp.RepeatThreads;
import org.tdpscope.dsl.tdp.RootsCheck;
import org.tdpscope.dsl.tdp.RootsOption;
import org.tdpscope.dsl.tdp.Schedule;
import org.tdpscope.dsl.tdp.SpteCheck;
import org.tdpscope.dsl.tdp.Step;
import org.tdpscope.dsl.tdp.TdpDecl;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.ThreadStep;
import org.tdpscope.dsl.tdp.ValidityCheck;
import org.tdpscope.dsl.tdp.Vcpu;
import org.tdpscope.dsl.tdp.VcpuRootCheck;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.VisitedCheck;
import org.tdpscope.dsl.tdp.Vm;
import org.tdpscope.dsl.tdp.VmItem;
import org.tdpscope.dsl.tdp.WalkSpec;
import org.tdpscope.dsl.tdp.Walker;
import org.tdpscope.dsl.tdp.YieldOption;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.ScheduleException;
import org.tdpscope.sim.Simulation;

/**
 * Checks a scenario: names, memslot geometry, option placement, schedule sequencing, and finally a
 * dry run of the simulator under each policy, so a step that cannot be taken is an error at its
 * schedule line rather than a surprise at run time.
 */
public class TdpValidator extends AbstractTdpValidator {

    /** A dry run that has not ended after this many events is reported and abandoned. */
    public static final long DRY_RUN_STEPS = 2_000_000;

    private static final Pattern ROOT_NAME_PATTERN = Pattern.compile("[A-Z]+");

    /** Where the static checks report; the dry run counts errors with the same checks. */
    interface Sink {
        void report(boolean error, String message, EObject where, EStructuralFeature feature, int index,
                String code);

        default void report(boolean error, String message, EObject where, EStructuralFeature feature, String code) {
            report(error, message, where, feature, -1, code);
        }
    }

    private final Sink reporter = (error, message, where, feature, index, code) -> {
        if (error) {
            error(message, where, feature, index, code);
        } else {
            warning(message, where, feature, index, code);
        }
    };

    private static EStructuralFeature feature(EObject o, String name) {
        return o.eClass().getEStructuralFeature(name);
    }

    @Check
    public void checkStatically(EObject o) {
        staticChecks(o, reporter);
    }

    /** Bidi controls reported in one script; the rest are counted in the last message. */
    private static final int BIDI_SHOWN = 20;

    /**
     * Bidi control characters anywhere in the text (titles, comments, strings): they make a line display otherwise
     * than it reads to the parser (the "Trojan Source" trick), so each is a warning at its place.
     */
    @Check
    public void bidiControls(Model m) {
        ICompositeNode node = NodeModelUtils.getNode(m);
        if (node == null) {
            return;
        }
        String text = node.getRootNode().getText();
        int found = 0;
        for (int i = 0; i < text.length(); i++) {
            String name = bidiName(text.charAt(i));
            if (name == null) {
                continue;
            }
            found++;
            if (found <= BIDI_SHOWN) {
                getMessageAcceptor().acceptWarning("bidi control character U+" + String.format("%04X",
                        (int) text.charAt(i)) + " (" + name + "): the text displays otherwise than it reads; remove it",
                        m, i, 1, ENCODING);
            }
        }
        if (found > BIDI_SHOWN) {
            warning(found + " bidi control characters in all; the first " + BIDI_SHOWN + " are shown", m,
                    feature(m, "title"), ENCODING);
        }
    }

    /** The Unicode name of a bidi control character, or null. */
    public static String bidiName(char c) {
        return switch (c) {
            case '\u202A' -> "LEFT-TO-RIGHT EMBEDDING";
            case '\u202B' -> "RIGHT-TO-LEFT EMBEDDING";
            case '\u202C' -> "POP DIRECTIONAL FORMATTING";
            case '\u202D' -> "LEFT-TO-RIGHT OVERRIDE";
            case '\u202E' -> "RIGHT-TO-LEFT OVERRIDE";
            case '\u2066' -> "LEFT-TO-RIGHT ISOLATE";
            case '\u2067' -> "RIGHT-TO-LEFT ISOLATE";
            case '\u2068' -> "FIRST STRONG ISOLATE";
            case '\u2069' -> "POP DIRECTIONAL ISOLATE";
            case '\u200E' -> "LEFT-TO-RIGHT MARK";
            case '\u200F' -> "RIGHT-TO-LEFT MARK";
            default -> null;
        };
    }

    static void staticChecks(EObject o, Sink s) {
        opsLimit(o, s);
        PagingChecks.check(o, s);
        if (o instanceof Model m) {
            names(m, s);
        } else if (o instanceof Vm vm) {
            memslots(vm, s);
        } else if (o instanceof TdpDecl t) {
            if (t.getLevels() != 0 && t.getLevels() != 4 && t.getLevels() != 5) {
                s.report(true, "the TDP (EPT) page table has 4 or 5 levels", t, feature(t, "levels"), BAD_LEVELS);
            }
        } else if (o instanceof HostDecl h) {
            if (h.getBits() < Limits.MIN_HOST_MAXPHYADDR || h.getBits() > Limits.MAX_HOST_MAXPHYADDR) {
                s.report(true, "the host's MAXPHYADDR is " + Limits.MIN_HOST_MAXPHYADDR + " to "
                        + Limits.MAX_HOST_MAXPHYADDR + " bits (x86)", h, feature(h, "bits"), LIMIT);
            }
        } else if (o instanceof GuestPaging g) {
            if (g.getLevels() != 4 && g.getLevels() != 5) {
                s.report(true, "guest paging has 4 or 5 levels", g, feature(g, "levels"), BAD_LEVELS);
            }
        } else if (o instanceof Mapping m) {
            mapping(m, s);
        } else if (o instanceof PolicyDecl p) {
            policy(p, s);
        } else if (o instanceof KernelDecl k) {
            kernel(k, s);
        } else if (o instanceof VcpuThread v) {
            for (Option opt : v.getOptions()) {
                if (!(opt instanceof BrokenOption b && (b.getFlag() == BrokenFlag.FAULT_IGNORES_INVALID_ROOT
                        || b.getFlag() == BrokenFlag.FREE_ROOTS_UNDER_WRITE_LOCK
                        || b.getFlag() == BrokenFlag.SHADOW_RECLAIM_UNDER_READ_LOCK))) {
                    s.report(true, "a vCPU thread takes only 'broken: fault-ignores-invalid-root', "
                            + "'broken: free-roots-under-write-lock' or 'broken: shadow-reclaim-under-read-lock'", opt,
                            null, MISPLACED_OPTION);
                }
            }
        } else if (o instanceof FaultOp f) {
            Model m = EcoreUtil2.getContainerOfType(f, Model.class);
            if (m != null && beyondReach(m, f.getGfn())) {
                s.report(true, "gfn 0x" + Long.toHexString(f.getGfn()) + " is beyond the EPT's reach: "
                        + Limits.eptReachWords(SlotIndex.of(m).tdpLevels), f, feature(f, "gfn"), LIMIT);
            } else if (m != null && !inSomeSlot(m, f.getGfn())) {
                s.report(true, "gfn 0x" + Long.toHexString(f.getGfn()) + " is in no memslot", f, feature(f, "gfn"),
                        GFN_OUTSIDE_SLOTS);
            }
        } else if (o instanceof WalkSpec w) {
            walk(w, s);
        } else if (o instanceof InvOp op) {
            invOp(op, s);
        } else if (o instanceof Schedule sch) {
            schedule(sch, s);
        } else if (o instanceof Explore e) {
            explore(e, s);
        } else if (o instanceof Expectation e) {
            expectation(e, s);
        } else if (o instanceof VisitedCheck v) {
            if (v.getThread() instanceof Vcpu) {
                s.report(false, "a vCPU walks no roots; name a walker or an invalidator", v, feature(v, "thread"),
                        NOT_A_WALKER);
            }
            rootNames(v, v.getRoots(), s);
        } else if (o instanceof RootsCheck r) {
            rootNames(r, r.getRoots(), s);
        } else if (o instanceof RefcountCheck r) {
            rootName(r, r.getRoot(), s);
        } else if (o instanceof FreedCheck f) {
            rootName(f, f.getRoot(), s);
        } else if (o instanceof ValidityCheck v) {
            rootName(v, v.getRoot(), s);
        } else if (o instanceof VcpuRootCheck v) {
            rootName(v, v.getRoot(), s);
            if (v.getVcpu() != null && !v.getVcpu().eIsProxy() && !(v.getVcpu() instanceof Vcpu)) {
                s.report(true, v.getVcpu().getName() + " is not a vCPU", v, feature(v, "vcpu"), NOT_A_VCPU);
            }
        } else if (o instanceof SpteCheck c) {
            rootName(c, c.getRoot(), s);
            Model m = EcoreUtil2.getContainerOfType(c, Model.class);
            if (m != null && beyondReach(m, c.getGfn())) {
                s.report(false, "gfn 0x" + Long.toHexString(c.getGfn()) + " is beyond the EPT's reach: "
                        + Limits.eptReachWords(tdpLevels(m.getVm())) + "; no SPTE maps it", c, feature(c, "gfn"),
                        LIMIT);
            } else if (m != null && !inSomeSlot(m, c.getGfn())) {
                s.report(false, "gfn 0x" + Long.toHexString(c.getGfn()) + " is in no memslot", c, feature(c, "gfn"),
                        GFN_OUTSIDE_SLOTS);
            }
        } else if (o instanceof YieldOption y) {
            if (y.isEvery() && y.getCount() < 1) {
                s.report(true, "'yield every N' needs N of at least 1", y, feature(y, "count"), BAD_NUMBER);
            }
            if (y.getRoot() != null) {
                rootName(y, y.getRoot(), s);
            }
        }
    }

    /** A thread's program longer than {@link Limits#MAX_OPS_PER_THREAD}: an error at the first operation too many. */
    private static void opsLimit(EObject o, Sink s) {
        String f = o instanceof VcpuThread || o instanceof Invalidator ? "ops" : o instanceof Walker ? "walks" : null;
        if (f != null && ((List<?>) o.eGet(feature(o, f))).size() > Limits.MAX_OPS_PER_THREAD) {
            s.report(true, "too many operations in one thread: at most " + Limits.MAX_OPS_PER_THREAD
                    + " (Limits.MAX_OPS_PER_THREAD)", o, feature(o, f), Limits.MAX_OPS_PER_THREAD, LIMIT);
        }
    }

    // ------------------------------------------------------------------------------------ names

    private static void names(Model m, Sink s) {
        Map<String, EObject> seen = new HashMap<>();
        List<Actor> all = new ArrayList<>(TdpScopeProvider.vcpus(m));
        if (m.getThreads() != null) {
            List<ThreadDecl> threads = m.getThreads().getThreads();
            for (ThreadDecl t : threads) {
                if (t instanceof Actor a && a.getName() != null) {
                    all.add(a);
                }
            }
            if (threads.size() > Limits.MAX_THREADS) {
                s.report(true, "too many threads: at most " + Limits.MAX_THREADS + " (Limits.MAX_THREADS)",
                        m.getThreads(), feature(m.getThreads(), "threads"), Limits.MAX_THREADS, LIMIT);
            }
        }
        for (Actor a : all) {
            if (seen.putIfAbsent(a.getName(), a) != null) {
                s.report(true, "'" + a.getName() + "' is already the name of " + kind(seen.get(a.getName())), a,
                        feature(a, "name"), DUPLICATE_NAME);
            }
        }
        Set<Vcpu> withThread = new HashSet<>();
        if (m.getThreads() != null) {
            for (ThreadDecl t : m.getThreads().getThreads()) {
                if (t instanceof VcpuThread v && v.getVcpu() != null && !v.getVcpu().eIsProxy()
                        && !withThread.add(v.getVcpu())) {
                    s.report(true, "vCPU " + v.getVcpu().getName() + " already has a thread; give it one program",
                            v, feature(v, "vcpu"), DUPLICATE_NAME);
                }
            }
        }
    }

    private static String kind(EObject o) {
        return o instanceof Vcpu ? "a vCPU" : o instanceof Walker ? "a walker" : "an invalidator";
    }

    // --------------------------------------------------------------------------------- memslots

    private static void memslots(Vm vm, Sink s) {
        List<Memslot> slots = new ArrayList<>();
        Map<String, Memslot> ids = new HashMap<>();
        int tdp = 0;
        int paging = 0;
        int vcpus = 0;
        int levels = tdpLevels(vm);
        long reach = Limits.eptGfnReach(levels);
        long hostUsed = 1; // hpfn 0 is never handed out
        boolean hostFull = false;
        for (VmItem i : vm.getItems()) {
            if (i instanceof TdpDecl && ++tdp > 1) {
                s.report(false, "the tdp line is given twice; the last one counts", i, null, DUPLICATE_OPTION);
            }
            if (i instanceof GuestPaging && ++paging > 1) {
                s.report(false, "guest paging is given twice; the last one counts", i, null, DUPLICATE_OPTION);
            }
            if (i instanceof Vcpu v && ++vcpus == Limits.MAX_VCPUS + 1) {
                s.report(true, "too many vCPUs: at most " + Limits.MAX_VCPUS + " (Limits.MAX_VCPUS)", v,
                        feature(v, "name"), LIMIT);
            }
            if (!(i instanceof Memslot m) || m.getName() == null || hasSyntaxError(m)) {
                continue; // a number the parser could not read is reported there, not again as an empty range
            }
            if (m.isPlus() && m.getEnd() > 0 && m.getStart() > Long.MAX_VALUE - m.getEnd()) {
                s.report(true, "memslot " + m.getName() + " wraps: gfn 0x" + Long.toHexString(m.getStart()) + " + 0x"
                        + Long.toHexString(m.getEnd()) + " is beyond 2^63", m, feature(m, "end"), LIMIT);
                continue;
            }
            long n = npages(m);
            if (n <= 0) {
                s.report(true, "memslot " + m.getName() + " is empty: the end gfn must lie after the start", m,
                        feature(m, "end"), EMPTY_RANGE);
                continue;
            }
            try {
                int id = Integer.parseInt(m.getName());
                if (id < 0 || id > Limits.MAX_MEMSLOT_ID) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                s.report(true, "memslot ids are small numbers (0 to " + Limits.MAX_MEMSLOT_ID + ")", m,
                        feature(m, "name"), DUPLICATE_NAME);
                continue;
            }
            if (ids.putIfAbsent(String.valueOf(Integer.parseInt(m.getName())), m) != null) {
                s.report(true, "memslot " + m.getName() + " is declared twice", m, feature(m, "name"), DUPLICATE_NAME);
                continue;
            }
            if (m.getStart() + n > reach) {
                s.report(true, "memslot " + m.getName() + " (gfn 0x" + Long.toHexString(m.getStart()) + "..0x"
                        + Long.toHexString(m.getStart() + n) + ") goes beyond the EPT's reach: "
                        + Limits.eptReachWords(levels), m, feature(m, m.getStart() >= reach ? "start" : "end"), LIMIT);
                continue;
            }
            // the simulator reserves each memslot's host backing 1 GiB-aligned, one after the other
            long align = 1L << 18;
            long phase = Math.floorMod(m.getStart(), align);
            long base = hostUsed + Math.floorMod(phase - hostUsed, align);
            hostUsed = base + n;
            if (!hostFull && hostUsed > Limits.hostPages()) {
                hostFull = true;
                s.report(true, "the memslots need more host memory than a 52-bit host has (2^" + Limits.HOST_PFN_BITS
                        + " pages, each memslot placed 1 GiB-aligned); memslot " + m.getName() + " does not fit", m,
                        feature(m, "end"), LIMIT);
            }
            slots.add(m);
        }
        // overlaps: sorted by start, each slot against the furthest-reaching one before it
        List<Memslot> byStart = new ArrayList<>(slots);
        Map<Memslot, Integer> order = new HashMap<>();
        for (int k = 0; k < slots.size(); k++) {
            order.put(slots.get(k), k);
        }
        byStart.sort((a, b) -> Long.compare(a.getStart(), b.getStart()));
        Memslot reachest = null;
        for (Memslot m : byStart) {
            if (reachest != null && m.getStart() < reachest.getStart() + npages(reachest)) {
                Memslot later = order.get(m) > order.get(reachest) ? m : reachest;
                Memslot earlier = later == m ? reachest : m;
                s.report(true, "memslot " + later.getName() + " (gfn 0x" + Long.toHexString(later.getStart()) + "..0x"
                        + Long.toHexString(later.getStart() + npages(later)) + ") overlaps memslot " + earlier.getName()
                        + " (gfn 0x" + Long.toHexString(earlier.getStart()) + "..0x"
                        + Long.toHexString(earlier.getStart() + npages(earlier)) + ")", later, feature(later, "start"),
                        OVERLAPPING_MEMSLOTS);
            }
            if (reachest == null || m.getStart() + npages(m) > reachest.getStart() + npages(reachest)) {
                reachest = m;
            }
        }
    }

    /** The EPT's levels the VM declares (the last tdp line counts): 4 or 5. */
    static int tdpLevels(Vm vm) {
        int levels = 4;
        if (vm != null) {
            for (VmItem i : vm.getItems()) {
                if (i instanceof TdpDecl t && (t.getLevels() == 4 || t.getLevels() == 5)) {
                    levels = t.getLevels();
                }
            }
        }
        return levels;
    }

    static long npages(Memslot m) {
        return m.isPlus() ? m.getEnd() : m.getEnd() - m.getStart();
    }

    /** In a memslot as declared, or in the place a memslot is moved to later. */
    static boolean inSomeSlot(Model m, long gfn) {
        return SlotIndex.of(m).meets(gfn, gfn + 1);
    }

    private static boolean rangeMeetsSlot(Model m, long start, long end) {
        return SlotIndex.of(m).meets(start, end);
    }

    /** Whether {@code gfn} is beyond the EPT's reach of the scenario's VM (then it is in no memslot either). */
    private static boolean beyondReach(Model m, long gfn) {
        return gfn < 0 || gfn >= Limits.eptGfnReach(SlotIndex.of(m).tdpLevels);
    }

    // ---------------------------------------------------------------------------------- mappings

    private static void mapping(Mapping m, Sink s) {
        long page = m.getPageSize() == 0 ? TdpInterpreter.PAGE_4K : m.getPageSize();
        if (page != TdpInterpreter.PAGE_4K && page != TdpInterpreter.PAGE_2M && page != TdpInterpreter.PAGE_1G) {
            s.report(true, "guest pages are 4K, 2M or 1G", m, feature(m, "pageSize"), BAD_MAPPING);
            return;
        }
        long size = m.isPlus() ? m.getEnd() : m.getEnd() - m.getGva();
        if (size <= 0) {
            s.report(true, "the mapping is empty", m, feature(m, "end"), EMPTY_RANGE);
            return;
        }
        long mask = page - 1;
        if ((m.getGva() & mask) != 0 || (m.getGpa() & mask) != 0 || (size & mask) != 0) {
            s.report(true, "gva, gpa and size must be multiples of the page size (" + sizeWord(page) + ")", m, null,
                    BAD_MAPPING);
        }
        if (m.isRw() && m.isRo()) {
            s.report(true, "a mapping is rw or ro, not both", m, feature(m, "ro"), BAD_MAPPING);
        }
        if (size / page > 1 << 20) {
            s.report(true, "the mapping needs more than 2^20 guest pages; use bigger pages", m, null, BAD_MAPPING);
        }
        Model model = EcoreUtil2.getContainerOfType(m, Model.class);
        if (model != null && !rangeMeetsSlot(model, m.getGpa() >>> 12, (m.getGpa() + size) >>> 12)) {
            s.report(false, "gpa 0x" + Long.toHexString(m.getGpa()) + " is in no memslot: accesses through this "
                    + "mapping are MMIO", m, feature(m, "gpa"), GFN_OUTSIDE_SLOTS);
        }
    }

    private static String sizeWord(long page) {
        return page == TdpInterpreter.PAGE_4K ? "4K" : page == TdpInterpreter.PAGE_2M ? "2M" : "1G";
    }

    // ---------------------------------------------------------------------------------- policies

    /** Unknown policy words are reported by the parser ({@code TdpValueConverters}); repeats are a warning. */
    private static void policy(PolicyDecl p, Sink s) {
        Set<org.tdpscope.model.Policy> seen = new HashSet<>();
        for (org.tdpscope.model.Policy w : p.getPolicies()) {
            if (w != null && !seen.add(w)) {
                s.report(false, "policy " + w.getLiteral() + " is listed twice", p, feature(p, "policies"), BAD_POLICY);
            }
        }
        if (p.getKnobs().isEmpty() || p.getPolicies().isEmpty() || p.getPolicies().get(0) == null) {
            return;
        }
        Policy pol = TdpInterpreter.policy(p.getPolicies().get(0));
        for (int i = 0; i < p.getKnobs().size(); i++) {
            String k = p.getKnobs().get(i);
            Policy next = pol.withKnob(k);
            if (next == null) {
                s.report(true, "'" + k + "' is no policy knob; the knobs are " + String.join(", ", Policy.KNOBS), p,
                        feature(p, "knobs"), i, BAD_POLICY);
                return;
            }
            pol = next;
        }
        String odd = pol.oddity();
        if (odd != null) {
            s.report(false, "policy " + pol.word() + ": " + odd, p, feature(p, "knobs"), BAD_POLICY);
        }
    }

    // ------------------------------------------------------------------------------------ kernel

    private static void kernel(KernelDecl k, Sink s) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < k.getEras().size(); i++) {
            String w = k.getEras().get(i);
            if (w != null && Era.fromWord(w) == null) {
                s.report(true, "no kernel era '" + w + "'; the eras are " + Era.words(), k, feature(k, "eras"), i,
                        BAD_KERNEL);
            } else if (w != null && !seen.add(w)) {
                s.report(false, "kernel " + w + " is listed twice", k, feature(k, "eras"), i, BAD_KERNEL);
            }
        }
        KernelRules r = Era.MAINLINE.rules();
        for (RuleOverride o : k.getOverrides()) {
            try {
                r = r.with(o.getRule(), o.getValue());
            } catch (IllegalArgumentException | NullPointerException e) {
                s.report(true, String.valueOf(e.getMessage()), o, null, BAD_KERNEL);
            }
        }
    }

    private static List<Policy> runPolicies(Model m) {
        if (m.getPolicy() != null && hasSyntaxError(m.getPolicy())) {
            return List.of(Policy.values()); // e.g. a misspelt policy: do not guess which ones run
        }
        try {
            return TdpInterpreter.policies(m.getPolicy());
        } catch (InterpretException e) {
            return List.of(Policy.values());
        }
    }

    private static boolean hasSyntaxError(EObject o) {
        ICompositeNode node = NodeModelUtils.getNode(o);
        if (node != null) {
            for (INode n : node.getAsTreeIterable()) {
                if (n.getSyntaxErrorMessage() != null) {
                    return true;
                }
            }
        }
        return false;
    }

    // ----------------------------------------------------------------------------------- options

    private static void walk(WalkSpec w, Sink s) {
        long end = w.isPlus() ? w.getStart() + w.getEnd() : w.getEnd();
        if (end <= w.getStart()) {
            s.report(true, "the gfn range is empty: the end must lie after the start", w, feature(w, "end"),
                    EMPTY_RANGE);
        } else {
            Model m = EcoreUtil2.getContainerOfType(w, Model.class);
            if (m != null && !rangeMeetsSlot(m, w.getStart(), end)) {
                s.report(false, "gfn 0x" + Long.toHexString(w.getStart()) + "..0x" + Long.toHexString(end)
                        + " is in no memslot: the walk has nothing to do", w, feature(w, "start"), GFN_OUTSIDE_SLOTS);
            }
        }
        Map<Object, Option> seen = new LinkedHashMap<>();
        for (Option o : w.getOptions()) {
            if (o instanceof NoSlotsLock || o instanceof FlagAfterWalk) {
                s.report(true, "'" + Positions.text(o) + "' belongs to an invalidator, not to a walker", o, null,
                        MISPLACED_OPTION);
                continue;
            }
            if (o instanceof BrokenOption b && b.getFlag() == BrokenFlag.FAULT_IGNORES_INVALID_ROOT) {
                s.report(true, "fault-ignores-invalid-root breaks a vCPU's fault path; put it on a vcpu thread", o, null,
                        MISPLACED_OPTION);
                continue;
            }
            duplicate(o, seen, s);
            if (o instanceof YieldOption y && y.isAfter() && end > w.getStart()
                    && (y.getGfn() < w.getStart() || y.getGfn() >= end)) {
                s.report(false, "the walk covers gfn 0x" + Long.toHexString(w.getStart()) + "..0x"
                        + Long.toHexString(end) + " and never reaches gfn 0x" + Long.toHexString(y.getGfn()), y,
                        feature(y, "gfn"), CANNOT_YIELD);
            }
        }
    }

    private static void duplicate(Option o, Map<Object, Option> seen, Sink s) {
        Object key = o instanceof BrokenOption b ? b.getFlag() : o.eClass();
        Option before = seen.put(key, o);
        if (before != null) {
            s.report(true, "'" + Positions.text(o) + "' repeats or contradicts '" + Positions.text(before) + "'", o, null,
                    DUPLICATE_OPTION);
        }
    }

    private static void invOp(InvOp op, Sink s) {
        Map<Object, Option> seen = new LinkedHashMap<>();
        for (Option o : op.getOptions()) {
            if (o instanceof RootsOption || o instanceof LockOption) {
                s.report(true, "'" + Positions.text(o) + "' belongs to a walker; invalidators choose their own roots "
                        + "and locks", o, null, MISPLACED_OPTION);
                continue;
            }
            if (o instanceof FlagAfterWalk && !(op instanceof EnableDirtyLog)) {
                s.report(true, "'flag after walk' applies to 'enable dirty logging' only", o, null, MISPLACED_OPTION);
                continue;
            }
            if (o instanceof BrokenOption b && (!(op instanceof EnableDirtyLog)
                    || b.getFlag() == BrokenFlag.FAULT_IGNORES_INVALID_ROOT)) {
                s.report(true, "'" + Positions.text(o) + "' does not apply here: broken walk variants go on walkers "
                        + "or on 'enable dirty logging'", o, null, MISPLACED_OPTION);
                continue;
            }
            duplicate(o, seen, s);
        }
        if (op instanceof MoveSlot mv && mv.getSlot() != null && !mv.getSlot().eIsProxy()) {
            Model m = EcoreUtil2.getContainerOfType(op, Model.class);
            long n = npages(mv.getSlot());
            if (m != null && n > 0 && (mv.getGfn() > Long.MAX_VALUE - n
                    || mv.getGfn() + n > Limits.eptGfnReach(tdpLevels(m.getVm())))) {
                s.report(true, "moved to gfn 0x" + Long.toHexString(mv.getGfn()) + ", memslot " + mv.getSlot().getName()
                        + " would go beyond the EPT's reach: " + Limits.eptReachWords(tdpLevels(m.getVm())), op,
                        feature(op, "gfn"), LIMIT);
            } else if (m != null) {
                for (Memslot other : TdpScopeProvider.memslots(m)) {
                    if (other != mv.getSlot() && mv.getGfn() < other.getStart() + npages(other)
                            && other.getStart() < mv.getGfn() + n) {
                        s.report(true, "moved to gfn 0x" + Long.toHexString(mv.getGfn()) + ", memslot "
                                + mv.getSlot().getName() + " would overlap memslot " + other.getName(), op,
                                feature(op, "gfn"), OVERLAPPING_MEMSLOTS);
                    }
                }
            }
        }
        if (op instanceof EnableDirtyLog e && e.getSlot() != null && !e.getSlot().eIsProxy()
                && e.getSlot().isDirtyLogging()) {
            s.report(false, "memslot " + e.getSlot().getName() + " already logs dirty pages", op, feature(op, "slot"),
                    DUPLICATE_OPTION);
        }
    }

    // ---------------------------------------------------------------------------------- schedule

    /** Each vCPU's thread's operation count, for checks that ask for many. */
    private static Map<Actor, Integer> vcpuOpCounts(Model m) {
        Map<Actor, Integer> out = new HashMap<>();
        if (m.getThreads() != null) {
            for (ThreadDecl t : m.getThreads().getThreads()) {
                if (t instanceof VcpuThread v && v.getVcpu() != null) {
                    out.putIfAbsent(v.getVcpu(), v.getOps().size());
                }
            }
        }
        return out;
    }

    private static int opCount(Model m, Actor a) {
        if (a instanceof Walker w) {
            return w.getWalks().size();
        }
        if (a instanceof Invalidator i) {
            return i.getOps().size();
        }
        if (m.getThreads() != null) {
            for (ThreadDecl t : m.getThreads().getThreads()) {
                if (t instanceof VcpuThread v && v.getVcpu() == a) {
                    return v.getOps().size();
                }
            }
        }
        return 0;
    }

    private static boolean yields(List<Option> options) {
        for (Option o : options) {
            if (o instanceof YieldOption y && !y.isNever()) {
                return true;
            }
        }
        return false;
    }

    /** Whether an operation from {@code from} on can reach a yield point. */
    private static boolean canYield(Actor a, int from) {
        if (a instanceof Walker w) {
            for (int i = from; i < w.getWalks().size(); i++) {
                if (yields(w.getWalks().get(i).getOptions())) {
                    return true;
                }
            }
        } else if (a instanceof Invalidator inv) {
            for (int i = from; i < inv.getOps().size(); i++) {
                if (yields(inv.getOps().get(i).getOptions())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void schedule(Schedule sch, Sink s) {
        Model m = EcoreUtil2.getContainerOfType(sch, Model.class);
        if (m == null) {
            return;
        }
        if (sch.getSteps().size() > Limits.MAX_SCHEDULE_STEPS) {
            s.report(true, "the schedule is too long: at most " + Limits.MAX_SCHEDULE_STEPS
                    + " steps (Limits.MAX_SCHEDULE_STEPS)", sch, feature(sch, "steps"), Limits.MAX_SCHEDULE_STEPS,
                    LIMIT);
        }
        Map<Actor, Integer> vcpuOps = vcpuOpCounts(m);
        Map<Actor, Integer> done = new HashMap<>();
        Map<Actor, Boolean> exact = new HashMap<>();
        Map<Actor, Integer> endedAt = new HashMap<>();
        for (Step st : sch.getSteps()) {
            if (!(st instanceof ThreadStep ts) || ts.getThread() == null || ts.getThread().eIsProxy()) {
                continue;
            }
            Actor a = ts.getThread();
            EStructuralFeature threadF = feature(ts, "thread");
            if (ts.getAction() != null) {
                if (!(a instanceof Vcpu)) {
                    s.report(true, a.getName() + " is " + kind(a) + "; only a vCPU does an operation on the spot", ts,
                            threadF, NOT_A_VCPU);
                }
                continue;
            }
            if (endedAt.containsKey(a)) {
                s.report(true, a.getName() + " has already run to its end (line " + endedAt.get(a) + ")", ts, threadF,
                        THREAD_ENDED);
                continue;
            }
            int total = a instanceof Vcpu ? vcpuOps.getOrDefault(a, 0) : opCount(m, a);
            int d = done.getOrDefault(a, 0);
            if (ts.isUntilYield()) {
                if (a instanceof Vcpu) {
                    s.report(true, "vCPU " + a.getName() + " never yields: its operations run in one piece", ts, threadF,
                            CANNOT_YIELD);
                } else if (!canYield(a, d)) {
                    s.report(true, a.getName() + " has no yield point left: give it 'yield after gfn ...', 'yield every "
                            + "N' or 'yield always'", ts, threadF, CANNOT_YIELD);
                }
                exact.put(a, false);
            } else if (ts.isUntilNextRoot()) {
                if (a instanceof Vcpu) {
                    s.report(true, "vCPU " + a.getName() + " walks no roots: only a read-lock walk stops between roots",
                            ts, threadF, CANNOT_YIELD);
                }
                exact.put(a, false);
            } else if (ts.isToEnd()) {
                endedAt.put(a, Positions.line(ts));
            } else {
                int n = ts.getCount();
                if (n <= 0) {
                    s.report(true, "run at least 1 operation", ts, feature(ts, "count"), NO_OPS_LEFT);
                    continue;
                }
                if (d + n > total) {
                    s.report(true, a.getName() + " has " + (total - d <= 0 ? "no operation" : (exact.getOrDefault(a, true)
                            ? "only " : "at most ") + (total - d) + " operation" + (total - d == 1 ? "" : "s"))
                            + " left", ts, feature(ts, "count"), NO_OPS_LEFT);
                    continue;
                }
                done.put(a, d + n);
                if (d + n == total && exact.getOrDefault(a, true)) {
                    endedAt.put(a, Positions.line(ts));
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------- explore

    private static void explore(Explore block, Sink s) {
        Model m = EcoreUtil2.getContainerOfType(block, Model.class);
        Map<Object, ExploreItem> seen = new HashMap<>();
        Set<String> repeated = new HashSet<>();
        for (ExploreItem item : block.getItems()) {
            Object key = item instanceof ExploreBound b ? b.getBound() : item.eClass();
            ExploreItem before = item instanceof RepeatThreads ? null : seen.put(key, item);
            if (before != null) {
                s.report(true, "'" + words(item) + "' repeats '" + words(before) + "' (line " + Positions.line(before)
                        + ")", item, null, DUPLICATE_OPTION);
            }
            if (item instanceof ExploreBound b && b.getBound() == BoundWord.DEPTH && b.getValue() < 1) {
                s.report(true, "the depth is at least 1 schedule step", b, feature(b, "value"), BAD_NUMBER);
            } else if (item instanceof ExploreBound b && b.getBound() == BoundWord.DEPTH
                    && b.getValue() > Limits.MAX_EXPLORE_DEPTH) {
                s.report(true, "the depth is at most " + Limits.MAX_EXPLORE_DEPTH
                        + " schedule steps (Limits.MAX_EXPLORE_DEPTH)", b, feature(b, "value"), LIMIT);
            } else if (item instanceof RepeatThreads r) {
                for (int i = 0; i < r.getThreads().size(); i++) {
                    Actor a = r.getThreads().get(i);
                    if (a == null || a.eIsProxy()) {
                        continue;
                    }
                    if (!repeated.add(a.getName())) {
                        s.report(true, a.getName() + " is already repeated", r, feature(r, "threads"), i,
                                DUPLICATE_NAME);
                    } else if (m != null && opCount(m, a) == 0) {
                        s.report(true, "vCPU " + a.getName() + " has no thread with operations to repeat", r,
                                feature(r, "threads"), i, NOTHING_TO_REPEAT);
                    }
                }
            } else if (item instanceof ExplorePolicies p) {
                Set<org.tdpscope.model.Policy> policies = new HashSet<>();
                for (org.tdpscope.model.Policy w : p.getPolicies()) {
                    if (w != null && !policies.add(w)) {
                        s.report(false, "policy " + w.getLiteral() + " is listed twice", p, feature(p, "policies"),
                                BAD_POLICY);
                    }
                }
            } else if (item instanceof CheckExpectations c && m != null
                    && (m.getExpect() == null || m.getExpect().getItems().isEmpty())) {
                s.report(false, "nothing to check: the scenario has no expectations", c, null, NOTHING_TO_CHECK);
            }
        }
    }

    /** The item's words without the optional ';' after it. */
    private static String words(ExploreItem item) {
        String t = Positions.text(item);
        return t.endsWith(";") ? t.substring(0, t.length() - 1).trim() : t;
    }

    // ------------------------------------------------------------------------------ expectations

    private static void expectation(Expectation e, Sink s) {
        Model m = EcoreUtil2.getContainerOfType(e, Model.class);
        List<Policy> run = m == null ? List.of(Policy.values()) : runPolicies(m);
        for (org.tdpscope.model.Policy w : e.getPolicies()) {
            if (w != null && !run.contains(TdpInterpreter.policy(w))) {
                s.report(false, "never checked: the scenario runs under " + words(run) + " only", e,
                        feature(e, "policies"), POLICY_NOT_RUN);
            }
        }
        List<Era> eras = new ArrayList<>();
        if (m != null) {
            try {
                for (KernelRules k : TdpInterpreter.kernels(m.getKernel())) {
                    eras.add(k.era());
                }
            } catch (InterpretException ex) {
                eras.addAll(List.of(Era.values()));
            }
        }
        for (int i = 0; i < e.getEras().size(); i++) {
            String w = e.getEras().get(i);
            Era era = Era.fromWord(w);
            if (era == null) {
                s.report(true, "no kernel era '" + w + "'; the eras are " + Era.words(), e, feature(e, "eras"), i,
                        BAD_KERNEL);
            } else if (m != null && !eras.contains(era)) {
                s.report(false, "never checked: the scenario runs under kernel " + eraWords(eras) + " only", e,
                        feature(e, "eras"), i, POLICY_NOT_RUN);
            }
        }
    }

    private static String eraWords(List<Era> eras) {
        List<String> out = new ArrayList<>();
        for (Era e : eras) {
            out.add(e.word());
        }
        return String.join(", ", out);
    }

    private static String words(List<Policy> ps) {
        List<String> out = new ArrayList<>();
        for (Policy p : ps) {
            out.add(p.word());
        }
        return String.join(", ", out);
    }

    private static void rootNames(EObject o, List<String> names, Sink s) {
        for (String n : names) {
            rootName(o, n, s);
        }
    }

    private static void rootName(EObject o, String name, Sink s) {
        if (name != null && !ROOT_NAME_PATTERN.matcher(name).matches()) {
            s.report(false, "'" + name + "' is not a root name: roots are named A, B, C, ... in creation order", o,
                    null, ROOT_NAME);
        }
    }

    // ----------------------------------------------------------------------------------- dry run

    /** Runs the scenario under each policy it names; a step that cannot be taken is an error at its line. */
    @Check(CheckType.NORMAL)
    public void dryRun(Model m) {
        Resource r = m.eResource();
        if (r != null && !r.getErrors().isEmpty()) {
            return;
        }
        int[] errors = { 0 };
        Sink counter = (error, message, where, feature, index, code) -> errors[0] += error ? 1 : 0;
        staticChecks(m, counter);
        for (Iterator<EObject> it = m.eAllContents(); it.hasNext();) {
            EObject o = it.next();
            for (EObject x : o.eCrossReferences()) {
                if (x.eIsProxy()) {
                    return;
                }
            }
            staticChecks(o, counter);
        }
        if (errors[0] > 0) {
            return;
        }
        TdpInterpreter.Result built;
        try {
            built = new TdpInterpreter().interpret(m);
        } catch (InterpretException e) {
            error(e.getMessage(), e.where() == null ? m : e.where(), null, INTERPRETER);
            return;
        }
        Map<String, Integer> lineOf = new HashMap<>();
        Map<String, EObject> opOf = new HashMap<>();
        List<String> runs = new ArrayList<>();
        Map<String, List<String>> byMessageRuns = new LinkedHashMap<>();
        for (KernelRules k : built.kernels()) for (Policy p : built.policies()) {
            String msg;
            int line = 0;
            String runName = built.kernels().size() > 1 ? "kernel " + k.word() + " and " + p.word() : p.word();
            runs.add(runName);
            try {
                RunResult res = new Simulation(built.scenario().withKernel(k), p, e -> {
                }).runTo(DRY_RUN_STEPS);
                if (res.error() != null) {
                    ScheduleException se = res.error();
                    msg = se.getMessage();
                    line = se.line();
                    EObject op = Positions.opAt(m, se.thread(), se.op());
                    if (op != null) {
                        opOf.put(msg, op);
                    }
                } else if (!res.complete()) {
                    warning("the dry run under " + runName + " did not end within " + DRY_RUN_STEPS + " steps", m,
                            feature(m, "title"), DRY_RUN_LIMIT);
                    continue;
                } else {
                    continue;
                }
            } catch (RuntimeException | StackOverflowError e) {
                msg = "the simulator failed: " + e;
            } catch (OutOfMemoryError e) {
                msg = "the dry run ran out of memory; the limits are: " + Limits.summary();
            }
            byMessageRuns.computeIfAbsent(msg, x -> new ArrayList<>()).add(runName);
            lineOf.put(msg, line);
        }
        for (Map.Entry<String, List<String>> e : byMessageRuns.entrySet()) {
            String prefix = e.getValue().size() == runs.size() ? "" : "under " + String.join(", ", e.getValue()) + ": ";
            EObject where = opOf.containsKey(e.getKey()) ? opOf.get(e.getKey()) : stepAt(m, lineOf.get(e.getKey()));
            error(prefix + e.getKey(), where, where == m ? feature(m, "title") : null, DRY_RUN);
        }
    }

    private static EObject stepAt(Model m, int line) {
        if (line > 0 && m.getSchedule() != null) {
            for (Step st : m.getSchedule().getSteps()) {
                if (Positions.line(st) == line) {
                    return st;
                }
            }
        }
        return m.getSchedule() != null && line > 0 ? m.getSchedule() : m;
    }
}
