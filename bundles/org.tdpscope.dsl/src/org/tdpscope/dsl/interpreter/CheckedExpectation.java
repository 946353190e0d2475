/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.interpreter;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.dsl.api.Expectation;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.tdp.Check;
import org.tdpscope.dsl.tdp.FreedCheck;
import org.tdpscope.dsl.tdp.NoViolationCheck;
import org.tdpscope.dsl.tdp.RefcountCheck;
import org.tdpscope.dsl.tdp.RootsCheck;
import org.tdpscope.dsl.tdp.SpteCheck;
import org.tdpscope.dsl.tdp.ValidityCheck;
import org.tdpscope.dsl.tdp.VcpuRootCheck;
import org.tdpscope.dsl.tdp.ViolationCheck;
import org.tdpscope.dsl.tdp.VisitedCheck;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.AccessCheck;
import org.tdpscope.dsl.tdp.AccessOutcome;
import org.tdpscope.dsl.tdp.AdFlag;
import org.tdpscope.dsl.tdp.AdWord;
import org.tdpscope.dsl.tdp.EptMisconfigOutcome;
import org.tdpscope.dsl.tdp.EptViolationOutcome;
import org.tdpscope.dsl.tdp.GpOutcome;
import org.tdpscope.dsl.tdp.GuestEntryCheck;
import org.tdpscope.dsl.tdp.PageFaultOutcome;
import org.tdpscope.dsl.tdp.ProcessedCheck;
import org.tdpscope.dsl.tdp.TranslatesOutcome;
import org.tdpscope.sim.AccessRecord;
import org.tdpscope.sim.SimThread;
import org.tdpscope.sim.mmu.EptExitQualification;
import org.tdpscope.sim.mmu.GuestPte;
import org.tdpscope.sim.mmu.GuestTranslation;
import org.tdpscope.sim.mmu.GuestWalker;
import org.tdpscope.sim.mmu.TwoDResult;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.Invariant;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Kvm;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.Vcpu;
import org.tdpscope.sim.mmu.Spte;

/**
 * One expectation, detached from the parse tree: plain data plus a check over a finished run.
 * {@code actual} always says what the run shows, so a failed check reads as a diff.
 */
public final class CheckedExpectation implements Expectation {

    /** What a check found: whether it holds and what was seen. */
    record Outcome(boolean holds, String actual) {
    }

    @FunctionalInterface
    interface Checker {
        Outcome check(RunResult run);
    }

    private final int line;
    private final int column;
    private final String text;
    private final List<Policy> policies;
    private final List<Era> eras;
    private final Checker checker;

    CheckedExpectation(int line, int column, String text, List<Policy> policies, List<Era> eras, Checker checker) {
        this.line = line;
        this.column = column;
        this.text = text;
        this.policies = List.copyOf(policies);
        this.eras = List.copyOf(eras);
        this.checker = checker;
    }

    @Override
    public List<Era> eras() {
        return eras;
    }

    @Override
    public int line() {
        return line;
    }

    @Override
    public int column() {
        return column;
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public List<Policy> policies() {
        return policies;
    }

    @Override
    public ExpectationResult check(RunResult run) {
        if (!appliesTo(run.simulation().kernel(), run.simulation().policy())) {
            return new ExpectationResult(this, true, "not checked under " + run.simulation().kernel().word() + ", "
                    + run.simulation().policy().word());
        }
        Outcome o;
        try {
            o = checker.check(run);
        } catch (RuntimeException e) {
            o = new Outcome(false, "cannot check: " + e);
        }
        if (run.error() != null && !o.holds()) {
            o = new Outcome(false, o.actual() + " (the run stopped: " + run.error().getMessage() + ")");
        }
        return new ExpectationResult(this, o.holds(), o.actual());
    }

    @Override
    public String toString() {
        return line + ":" + column + " " + text;
    }

    static CheckedExpectation of(org.tdpscope.dsl.tdp.Expectation e, List<Policy> policies, List<Era> eras) {
        return new CheckedExpectation(Positions.line(e), Positions.column(e), Positions.text(e), policies, eras,
                checker(e.getCheck()));
    }

    /** The thread a {@code by ...} names: an actor, or the era's zap worker; null when none. */
    private static String byName(Actor by, boolean worker) {
        return worker ? Scenario.ZAP_WORKER : by == null ? null : by.getName();
    }

    private static List<TraceEvent> violationsBy(RunResult run, String by) {
        List<TraceEvent> out = new ArrayList<>();
        for (TraceEvent e : run.violations()) {
            if (by == null || by.equals(e.thread())) {
                out.add(e);
            }
        }
        return out;
    }

    private static Checker checker(Check c) {
        if (c instanceof VisitedCheck v) {
            String thread = v.getThread().getName();
            List<String> want = List.copyOf(v.getRoots());
            return run -> {
                List<String> got = run.lastWalk(thread);
                return new Outcome(got.equals(want), thread + " visited " + got);
            };
        }
        if (c instanceof RootsCheck r) {
            List<String> want = List.copyOf(r.getRoots());
            return run -> {
                List<String> got = names(run.kvm().listedRoots());
                return new Outcome(got.equals(want), "roots " + got);
            };
        }
        if (c instanceof RefcountCheck r) {
            String root = r.getRoot();
            int want = r.getValue();
            return run -> {
                Root got = run.kvm().root(root);
                if (got == null) {
                    return new Outcome(false, noRoot(run.kvm(), root));
                }
                return new Outcome(got.refcount() == want, root + " refcount " + got.refcount());
            };
        }
        if (c instanceof FreedCheck f) {
            String root = f.getRoot();
            boolean not = f.isNot();
            String by = byName(f.getBy(), f.isByWorker());
            return run -> {
                Root got = run.kvm().root(root);
                if (got == null) {
                    return new Outcome(false, noRoot(run.kvm(), root));
                }
                boolean freed = got.freed();
                String actual = freed ? root + " freed by " + got.lastPutBy()
                        : root + " not freed (refcount " + got.refcount() + ", " + state(got) + ")";
                if (not) {
                    return new Outcome(!freed, actual);
                }
                return new Outcome(freed && (by == null || by.equals(got.lastPutBy())), actual);
            };
        }
        if (c instanceof ValidityCheck v) {
            String root = v.getRoot();
            boolean wantValid = v.isValid();
            return run -> {
                Root got = run.kvm().root(root);
                if (got == null) {
                    return new Outcome(false, noRoot(run.kvm(), root));
                }
                return new Outcome(got.invalid() != wantValid, root + (got.invalid() ? " invalid" : " valid"));
            };
        }
        if (c instanceof VcpuRootCheck v) {
            String vcpu = v.getVcpu().getName();
            String root = v.getRoot();
            return run -> {
                Vcpu got = run.kvm().vcpu(vcpu);
                if (got == null) {
                    return new Outcome(false, vcpu + " is not a vCPU");
                }
                String r = got.root() == null ? "no root" : "root " + got.root().name();
                return new Outcome(got.root() != null && got.root().name().equals(root), vcpu + " on " + r);
            };
        }
        if (c instanceof NoViolationCheck n) {
            String by = byName(n.getBy(), n.isByWorker());
            return run -> {
                List<TraceEvent> vs = violationsBy(run, by);
                return new Outcome(vs.isEmpty(), violations(vs));
            };
        }
        if (c instanceof ViolationCheck v) {
            Invariant wanted = TdpInterpreter.invariant(v.getInvariant());
            int step = v.getStep();
            String by = byName(v.getBy(), v.isByWorker());
            return run -> {
                for (TraceEvent e : violationsBy(run, by)) {
                    if (e.invariant() == wanted && (step <= 0 || e.step() == step)) {
                        return new Outcome(true, describe(e));
                    }
                }
                return new Outcome(false, violations(run.violations()));
            };
        }
        if (c instanceof SpteCheck s && !s.getFlags().isEmpty()) {
            return spteFlags(s);
        }
        if (c instanceof AccessCheck a) {
            return access(a);
        }
        if (c instanceof GuestEntryCheck g) {
            return guestEntry(g);
        }
        if (c instanceof ProcessedCheck p) {
            String thread = p.getThread().getName();
            String root = p.getRoot();
            long want = p.getCount();
            return run -> {
                SimThread t = run.simulation().thread(thread);
                long got = t == null ? 0 : t.lastWalkProcessed().getOrDefault(root, 0L);
                return new Outcome(got == want, thread + " processed " + got + " entries in " + root
                        + (t == null ? "" : " " + t.lastWalkProcessed()));
            };
        }
        if (c instanceof SpteCheck s) {
            long gfn = s.getGfn();
            String root = s.getRoot();
            boolean not = s.isNot();
            boolean wantWritable = s.isWritable();
            return run -> {
                Kvm kvm = run.kvm();
                Root r = kvm.root(root);
                if (r == null) {
                    return new Outcome(false, noRoot(kvm, root));
                }
                if (r.freed()) {
                    return new Outcome(false, "root " + root + " is freed");
                }
                long spte = kvm.mmu().lookup(r.hpfn(), gfn);
                int level = kvm.mmu().lookupLevel(r.hpfn(), gfn);
                boolean present = Spte.isPresent(spte);
                boolean has = wantWritable ? present && Spte.isWritable(spte) : present;
                String actual = "spte gfn 0x" + Long.toHexString(gfn) + " in " + root + ": "
                        + (present ? (Spte.isWritable(spte) ? "writable" : "present, not writable") + " ("
                                + Spte.describe(spte, level) + ")" : "not present");
                return new Outcome(has != not, actual);
            };
        }
        throw new InterpretException("unknown expectation", c);
    }

    /** {@code accessed}, {@code not dirty}: what {@code bits} has of A and D, as a phrase and a verdict. */
    private static Outcome adFlags(List<AdFlag> flags, long value, long aBit, long dBit, String what) {
        boolean holds = true;
        for (AdFlag f : flags) {
            long bit = f.getFlag() == AdWord.ACCESSED ? aBit : dBit;
            holds &= ((value & bit) != 0) != f.isNot();
        }
        return new Outcome(holds, what + ((value & aBit) != 0 ? " accessed" : " not accessed")
                + ((value & dBit) != 0 ? " dirty" : " not dirty") + " (0x" + Long.toHexString(value) + ")");
    }

    private static Checker spteFlags(SpteCheck s) {
        long gfn = s.getGfn();
        String root = s.getRoot();
        List<AdFlag> flags = List.copyOf(s.getFlags());
        return run -> {
            Kvm kvm = run.kvm();
            Root r = kvm.root(root);
            if (r == null) {
                return new Outcome(false, noRoot(kvm, root));
            }
            if (r.freed()) {
                return new Outcome(false, "root " + root + " is freed");
            }
            long spte = kvm.mmu().lookup(r.hpfn(), gfn);
            String what = "spte gfn 0x" + Long.toHexString(gfn) + " in " + root;
            if (!Spte.isPresent(spte)) {
                return new Outcome(false, what + " is not present");
            }
            if (!kvm.mmu().adEnabled()) {
                return new Outcome(false, what + ": the EPT has no accessed/dirty bits (tdp accessed-dirty off)");
            }
            return adFlags(flags, spte, Spte.ACCESSED, Spte.DIRTY, what);
        };
    }

    private static Checker guestEntry(GuestEntryCheck g) {
        long gva = g.getGva();
        int level = g.getLevel();
        List<AdFlag> flags = List.copyOf(g.getFlags());
        long want = g.getValue();
        return run -> {
            Kvm kvm = run.kvm();
            if (kvm.vcpus().isEmpty()) {
                return new Outcome(false, "the VM has no vCPU, so no CR3 to find the guest's tables from");
            }
            long gpa;
            try {
                gpa = GuestWalker.entryGpa(kvm.memslots(), kvm.vcpus().get(0).regs(), gva, level);
            } catch (IllegalArgumentException e) {
                return new Outcome(false, e.getMessage());
            }
            long e = kvm.memslots().readGpa(gpa);
            String what = "guest " + GuestPte.levelName(level) + " of gva 0x" + Long.toHexString(gva);
            if (flags.isEmpty()) {
                return new Outcome(e == want, what + " = 0x" + Long.toHexString(e) + " (" + GuestPte.describe(e, level)
                        + ")");
            }
            return adFlags(flags, e, GuestPte.A, GuestPte.D, what);
        };
    }

    private static Checker access(AccessCheck a) {
        String vcpu = a.getVcpu().getName();
        int number = a.getNumber();
        String label = a.getLabel();
        AccessOutcome want = a.getOutcome();
        String which = label != null ? "access " + label : "access " + number;
        if (want instanceof PageFaultOutcome pf) {
            long ec = pf.getErrorCode();
            boolean anyEc = !Positions.written(pf, "errorCode");
            return run -> withAccess(run, vcpu, number, label, which, r -> {
                TwoDResult res = r.result();
                return new Outcome(res.kind() == TwoDResult.Kind.GUEST_PAGE_FAULT && (anyEc || res.errorCode() == ec),
                        describe(vcpu, r));
            });
        }
        if (want instanceof GpOutcome) {
            return run -> withAccess(run, vcpu, number, label, which,
                    r -> new Outcome(r.result().kind() == TwoDResult.Kind.NON_CANONICAL, describe(vcpu, r)));
        }
        if (want instanceof EptMisconfigOutcome) {
            return run -> withAccess(run, vcpu, number, label, which,
                    r -> new Outcome(r.result().kind() == TwoDResult.Kind.EPT_MISCONFIG, describe(vcpu, r)));
        }
        if (want instanceof EptViolationOutcome v) {
            long q = v.getQualification();
            boolean anyQ = !Positions.written(v, "qualification");
            return run -> withAccess(run, vcpu, number, label, which, r -> {
                boolean holds = false;
                for (TwoDResult x : r.exits()) {
                    holds |= anyQ || EptExitQualification.of(x) == q;
                }
                return new Outcome(holds, describe(vcpu, r));
            });
        }
        if (want instanceof TranslatesOutcome t) {
            boolean gpa = Positions.written(t, "gpa");
            boolean hpa = Positions.written(t, "hpa");
            boolean refs = Positions.written(t, "references");
            long wantGpa = t.getGpa();
            long wantHpa = t.getHpa();
            int wantRefs = t.getReferences();
            return run -> withAccess(run, vcpu, number, label, which, r -> {
                TwoDResult res = r.result();
                boolean holds = res.ok() && (!gpa || res.gpa() == wantGpa) && (!hpa || res.hpa() == wantHpa)
                        && (!refs || res.references() == wantRefs);
                return new Outcome(holds, describe(vcpu, r));
            });
        }
        throw new InterpretException("unknown access outcome", a);
    }

    private static Outcome withAccess(RunResult run, String vcpu, int number, String label, String which,
            java.util.function.Function<AccessRecord, Outcome> check) {
        Vcpu v = run.kvm().vcpu(vcpu);
        if (v == null) {
            return new Outcome(false, vcpu + " is not a vCPU");
        }
        AccessRecord r = label != null ? v.access(label) : v.access(number);
        if (r == null) {
            return new Outcome(false, vcpu + " " + which + " did not run (" + vcpu + " made " + v.accesses().size()
                    + " access" + (v.accesses().size() == 1 ? "" : "es") + ")");
        }
        return check.apply(r);
    }

    /** What an access came to, in the words of the expectations: the exits on the way, then the outcome. */
    static String describe(String vcpu, AccessRecord r) {
        StringBuilder b = new StringBuilder(vcpu).append(' ').append(r.name());
        if (r.label() != null) {
            b.append(" (number ").append(r.number()).append(')');
        }
        b.append(" (gva 0x").append(Long.toHexString(r.op().gva())).append(')');
        if (!r.exits().isEmpty()) {
            b.append(" exits EPT violation");
            for (int i = 0; i < r.exits().size(); i++) {
                TwoDResult x = r.exits().get(i);
                b.append(i == 0 ? " " : ", ").append("qualification 0x")
                        .append(Long.toHexString(EptExitQualification.of(x))).append(" at gpa 0x")
                        .append(Long.toHexString(x.faultGpa()));
            }
            b.append(", then");
        }
        TwoDResult res = r.result();
        switch (res.kind()) {
            case OK -> b.append(" translates to gpa 0x").append(Long.toHexString(res.gpa())).append(" hpa 0x")
                    .append(Long.toHexString(res.hpa())).append(" in ").append(res.references()).append(" references");
            case GUEST_PAGE_FAULT -> b.append(" faults #PF 0x").append(Integer.toHexString(res.errorCode()))
                    .append(" [")
                    .append(GuestTranslation.describeErrorCode(res.errorCode())).append("]: ").append(res.reason());
            case NON_CANONICAL -> b.append(" raises #GP: ").append(res.reason());
            case EPT_MISCONFIG -> b.append(" exits EPT misconfiguration at gpa 0x")
                    .append(Long.toHexString(res.faultGpa()));
            case EPT_VIOLATION -> b.append(" KVM gives up (the violation at gpa 0x")
                    .append(Long.toHexString(res.faultGpa())).append(" keeps coming)");
        }
        return b.toString();
    }

    private static List<String> names(List<Root> roots) {
        List<String> out = new ArrayList<>();
        for (Root r : roots) {
            out.add(r.name());
        }
        return out;
    }

    private static String noRoot(Kvm kvm, String root) {
        return "no root " + root + " was created (roots: " + names(kvm.allRoots()) + ")";
    }

    private static String state(Root r) {
        return switch (r.state()) {
            case LISTED -> "listed";
            case DELISTED -> "on the invalid-roots list";
            case UNLINKED -> "unlinked, free pending";
            case FREED -> "freed";
        };
    }

    private static String describe(TraceEvent e) {
        return "violation " + e.invariant().word() + " at step " + e.step()
                + (e.detail() == null ? "" : ": " + e.detail());
    }

    private static String violations(List<TraceEvent> vs) {
        if (vs.isEmpty()) {
            return "no violation";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < vs.size() && i < 3; i++) {
            sb.append(i == 0 ? "" : "; ").append(describe(vs.get(i)));
        }
        if (vs.size() > 3) {
            sb.append("; and ").append(vs.size() - 3).append(" more");
        }
        return sb.toString();
    }
}
