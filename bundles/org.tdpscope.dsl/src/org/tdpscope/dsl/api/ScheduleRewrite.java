/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.tdpscope.dsl.tdp.Invalidator;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.Walker;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Outcome;

/**
 * Writes a schedule (an explorer's counterexample) into a scenario's text: the {@code schedule} block is
 * replaced, or added before {@code explore}/{@code expect} when there is none, and the policy line names
 * the policy the schedule was found under (another policy may not take the same steps). The rest of the text,
 * comments included, stays as written, except the programs of repeating threads: the explorer unrolled
 * them, so they are written out as many operations as the schedule starts, for the script to replay
 * the same run.
 */
final class ScheduleRewrite {

    private ScheduleRewrite() {
    }

    /**
     * The outcome's schedule as far as a replay can take it: a livelock's cycle is repeated until the
     * simulator's own cut-off fires, and a step after that (a walk that has ended) would not run.
     */
    static List<ScheduleStep> replayable(ExploreResult result, Outcome outcome) {
        List<ScheduleStep> steps = outcome.schedule();
        Scenario s = result.replayScenario(outcome);
        List<ScheduleStep> numbered = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            numbered.add(steps.get(i).at(i + 1)); // the error's line tells which step failed
        }
        s.schedule = numbered;
        RunResult run = new Simulation(s, result.policy(), e -> {
        }).run();
        if (run.error() != null && run.error().line() > 0) {
            return steps.subList(0, run.error().line() - 1);
        }
        return steps;
    }

    /** A text edit: {@code length} characters at {@code offset} become {@code text}. */
    private record Edit(int offset, int length, String text) {
    }

    static String rewrite(Model model, String text, List<ScheduleStep> steps, Collection<String> repeating,
            Policy policy, KernelRules kernel, String comment) {
        return rewrite(model, text, steps, repeating, policy, kernel, comment, true);
    }

    /**
     * {@code keepExpectations} false: the {@code expect} block is kept as comments, said to be the scenario's own
     * (an explorer's counterexample takes another schedule, often under one era of a comparison: its
     * expectations would fail, or go unchecked, against it).
     */
    static String rewrite(Model model, String text, List<ScheduleStep> steps, Collection<String> repeating,
            Policy policy, KernelRules kernel, String comment, boolean keepExpectations) {
        List<Edit> edits = new ArrayList<>();
        if (!keepExpectations && model.getExpect() != null) {
            edits.add(commentedOut(text, NodeModelUtils.findActualNodeFor(model.getExpect())));
        }
        edits.add(scheduleEdit(model, text, steps, comment));
        if (policy != null) {
            edits.add(policyEdit(model, text, policy));
        }
        Edit k = kernel == null ? null : kernelEdit(model, text, kernel);
        if (k != null) {
            edits.add(k);
        }
        Map<String, Integer> started = startedOps(steps, repeating);
        if (model.getThreads() != null) {
            for (ThreadDecl t : model.getThreads().getThreads()) {
                String name = threadName(t);
                if (name != null && started.containsKey(name)) {
                    Edit e = unroll(t, started.get(name));
                    if (e != null) {
                        edits.add(e);
                    }
                }
            }
        }
        edits.sort((a, b) -> Integer.compare(b.offset(), a.offset()));
        StringBuilder sb = new StringBuilder(text);
        for (Edit e : edits) {
            sb.replace(e.offset(), e.offset() + e.length(), e.text());
        }
        return sb.toString();
    }

    private static String threadName(ThreadDecl t) {
        if (t instanceof Walker w) {
            return w.getName();
        }
        if (t instanceof Invalidator i) {
            return i.getName();
        }
        if (t instanceof VcpuThread v && v.getVcpu() != null && !v.getVcpu().eIsProxy()) {
            return v.getVcpu().getName();
        }
        return null;
    }

    private static List<? extends EObject> ops(ThreadDecl t) {
        if (t instanceof Walker w) {
            return w.getWalks();
        }
        if (t instanceof Invalidator i) {
            return i.getOps();
        }
        return ((VcpuThread) t).getOps();
    }

    /**
     * Operations each repeating thread starts under the schedule. The explorer steps a thread to its next
     * yield inside the current operation ({@code until yield}) or to the end of it ({@code 1 op}).
     */
    static Map<String, Integer> startedOps(List<ScheduleStep> steps, Collection<String> repeating) {
        Map<String, Integer> ops = new HashMap<>();
        Map<String, Boolean> inOp = new HashMap<>();
        for (String r : repeating) {
            ops.put(r, 0);
            inOp.put(r, false);
        }
        for (ScheduleStep s : steps) {
            String t = s.thread();
            if (t == null || !ops.containsKey(t)) {
                continue;
            }
            if (s.kind() == ScheduleStep.Kind.UNTIL_YIELD) {
                if (!inOp.get(t)) {
                    ops.merge(t, 1, Integer::sum);
                    inOp.put(t, true);
                }
            } else if (s.kind() == ScheduleStep.Kind.OPS) {
                ops.merge(t, inOp.get(t) ? s.count() - 1 : s.count(), Integer::sum);
                inOp.put(t, false);
            }
        }
        return ops;
    }

    /** A block as comments, line by line at their indentation, under a line saying why. */
    private static Edit commentedOut(String text, INode n) {
        String indent = indentAt(text, n.getOffset());
        StringBuilder sb = new StringBuilder("// the scenario's own expectations, for its own schedule (this one ends"
                + " otherwise):\n");
        String[] lines = text.substring(n.getOffset(), n.getEndOffset()).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            int lead = 0;
            while (i > 0 && lead < l.length() && (l.charAt(lead) == ' ' || l.charAt(lead) == '\t')) {
                lead++;
            }
            sb.append(i == 0 ? indent : "").append(l, 0, lead).append("// ").append(l.substring(lead));
            if (i < lines.length - 1) {
                sb.append('\n');
            }
        }
        return new Edit(n.getOffset(), n.getLength(), sb.toString());
    }

    /** The thread's program written out to {@code count} operations (at least one), cycling through it. */
    private static Edit unroll(ThreadDecl t, int count) {
        List<? extends EObject> program = ops(t);
        if (program.isEmpty()) {
            return null;
        }
        INode first = NodeModelUtils.findActualNodeFor(program.get(0));
        INode last = NodeModelUtils.findActualNodeFor(program.get(program.size() - 1));
        if (first == null || last == null) {
            return null;
        }
        List<String> words = new ArrayList<>();
        for (EObject op : program) {
            words.add(NodeModelUtils.getTokenText(NodeModelUtils.findActualNodeFor(op)));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.max(1, count); i++) {
            out.add(words.get(i % words.size()));
        }
        return new Edit(first.getOffset(), last.getEndOffset() - first.getOffset(), String.join("; ", out));
    }

    private static Edit scheduleEdit(Model model, String text, List<ScheduleStep> steps, String comment) {
        if (model.getSchedule() != null) {
            INode n = NodeModelUtils.findActualNodeFor(model.getSchedule());
            String indent = indentAt(text, n.getOffset());
            return new Edit(n.getOffset(), n.getLength(), block(indent, steps, comment));
        }
        return insertBefore(model, text, block("  ", steps, comment), model.getExplore(), model.getExpect());
    }

    /**
     * {@code kernel E}: the era the schedule was found under (another era may not take the same steps), in place
     * of a kernel line that compares eras or names another; null when the text already runs exactly that era.
     */
    private static Edit kernelEdit(Model model, String text, KernelRules kernel) {
        String line = "kernel " + kernel.word();
        if (model.getKernel() != null) {
            INode n = NodeModelUtils.findActualNodeFor(model.getKernel());
            String current = NodeModelUtils.getTokenText(n);
            return current.equals(line) ? null : new Edit(n.getOffset(), n.getLength(), line);
        }
        if (kernel.era() == org.tdpscope.sim.Era.MAINLINE && kernel.overrides().isEmpty()) {
            return null; // the default
        }
        return insertBefore(model, text, line, model.getPolicy(), model.getThreads(), model.getSchedule(),
                model.getExplore(), model.getExpect());
    }

    /** {@code policy P}, in place of the policy line or where it goes. */
    private static Edit policyEdit(Model model, String text, Policy policy) {
        String line = "policy " + policy.word();
        if (model.getPolicy() != null) {
            INode n = NodeModelUtils.findActualNodeFor(model.getPolicy());
            return new Edit(n.getOffset(), n.getLength(), line);
        }
        return insertBefore(model, text, line, model.getThreads(), model.getSchedule(), model.getExplore(),
                model.getExpect());
    }

    /**
     * Inserts a statement (written for two-space indentation) before the first of {@code next} that is
     * there, at its indentation, or else before the scenario's closing brace.
     */
    private static Edit insertBefore(Model model, String text, String statement, EObject... next) {
        for (EObject o : next) {
            if (o != null) {
                INode n = NodeModelUtils.findActualNodeFor(o);
                String indent = indentAt(text, n.getOffset());
                return new Edit(n.getOffset(), 0, statement.replace("\n  ", "\n" + indent) + "\n" + indent);
            }
        }
        ICompositeNode root = NodeModelUtils.findActualNodeFor(model);
        int close = root.getEndOffset() - 1;
        while (close > 0 && text.charAt(close) != '}') {
            close--;
        }
        int lineStart = text.lastIndexOf('\n', close - 1) + 1;
        if (text.substring(lineStart, close).isBlank()) {
            return new Edit(lineStart, 0, "  " + statement + "\n");
        }
        return new Edit(close, 0, "\n  " + statement + "\n");
    }

    /** The white space before {@code offset} on its line, when nothing else is there. */
    private static String indentAt(String text, int offset) {
        int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
        String before = text.substring(lineStart, offset);
        return before.isBlank() ? before : "  ";
    }

    private static String block(String indent, List<ScheduleStep> steps, String comment) {
        StringBuilder sb = new StringBuilder("schedule {\n");
        if (comment != null && !comment.isBlank()) {
            for (String line : comment.split("\n")) {
                sb.append(indent).append("  // ").append(line).append('\n');
            }
        }
        for (ScheduleStep s : steps) {
            sb.append(indent).append("  ").append(s.script()).append('\n');
        }
        return sb.append(indent).append('}').toString();
    }
}
