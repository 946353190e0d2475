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
