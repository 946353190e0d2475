/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.hover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EReference;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Range;
import org.eclipse.xtext.AbstractElement;
import org.eclipse.xtext.Assignment;
import org.eclipse.xtext.CrossReference;
import org.eclipse.xtext.EnumLiteralDeclaration;
import org.eclipse.xtext.GrammarUtil;
import org.eclipse.xtext.Keyword;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.hover.IHoverService;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.tdpscope.dsl.ide.symbols.TdpDocumentSymbols;
import org.tdpscope.dsl.interpreter.TdpInterpreter;
import org.tdpscope.dsl.tdp.BrokenOption;
import org.tdpscope.dsl.tdp.Invalidator;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.Vcpu;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.Walker;
import org.tdpscope.sim.EventType;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Simulation;

import com.google.inject.Singleton;

/**
 * Hover for the language server, with what the workbench's editor shows and more: a thread's or
 * vCPU's name shows what the thread does (its declaration and program); a memslot's its range; a
 * root name (A, B, …) which root it is and, from a run of the scenario under its first policy, who
 * created it with which role and how it ended; a keyword, policy, knob, invariant, era or root role
 * what it means. Markdown, which every current client renders (and reads well as plain text).
 */
@Singleton
public class TdpHoverService implements IHoverService {

    /** Events a hover's run of the scenario may take (the validator's dry run allows far more). */
    private static final long RUN_EVENTS = 200_000;
    private static final long RUN_MILLIS = 2000;
    /** How much of a declaration a hover quotes. */
    private static final int DECLARATION = 400;

    /** The last run per resource, for the text it was made from. */
    private final Map<XtextResource, RunInfo> runs = new WeakHashMap<>();

    @Override
    public Hover hover(Document document, XtextResource resource, HoverParams params, CancelIndicator cancel) {
        if (document == null || resource == null || resource.getParseResult() == null || params.getPosition() == null) {
            return EMPTY_HOVER;
        }
        try {
            int offset = document.getOffSet(params.getPosition());
            ICompositeNode root = resource.getParseResult().getRootNode();
            ILeafNode leaf = leafAt(root, offset);
            if (leaf == null) {
                return EMPTY_HOVER;
            }
            String text = describe(leaf, resource, document.getContents());
            if (text == null) {
                return EMPTY_HOVER;
            }
            Range range = new Range(document.getPosition(leaf.getOffset()), document.getPosition(leaf.getEndOffset()));
            return new Hover(new MarkupContent(MarkupKind.MARKDOWN, text), range);
        } catch (IndexOutOfBoundsException e) {
            return EMPTY_HOVER; // a position outside the document
        }
    }

    /** Features whose value is a word with a meaning of its own, even when the grammar spells it as a keyword. */
    private static final java.util.Set<String> WORD_FEATURES = java.util.Set.of("policies", "knobs", "eras",
            "invariant", "rule", "name", "root", "roots");

    /**
     * The assignment a token belongs to: its own, or that of the datatype rule it is part of
     * ({@code name=SlotId}, {@code eras+=EraWord}, {@code invariant=InvariantWord}).
     */
    private static Assignment assignment(ILeafNode leaf) {
        INode n = leaf;
        while (n != null) {
            Assignment a = GrammarUtil.containingAssignment(n.getGrammarElement());
            if (a != null) {
                return a;
            }
            ICompositeNode parent = n.getParent();
            if (parent == null || parent.hasDirectSemanticElement()) {
                return null;
            }
            n = parent;
        }
        return null;
    }

    /** The token at the offset, or the one just before it (the cursor right after a word). */
    private static ILeafNode leafAt(ICompositeNode root, int offset) {
        ILeafNode leaf = NodeModelUtils.findLeafNodeAtOffset(root, offset);
        if ((leaf == null || leaf.isHidden()) && offset > 0) {
            ILeafNode before = NodeModelUtils.findLeafNodeAtOffset(root, offset - 1);
            if (before != null && !before.isHidden()) {
                leaf = before;
            }
        }
        return leaf == null || leaf.isHidden() ? null : leaf;
    }

    private String describe(ILeafNode leaf, XtextResource resource, String text) {
        EObject grammar = leaf.getGrammarElement();
        EObject owner = NodeModelUtils.findActualSemanticObjectFor(leaf);
        String word = leaf.getText();
        if (grammar == null || owner == null) {
            return null;
        }
        CrossReference ref = GrammarUtil.containingCrossReference(grammar);
        if (ref != null) {
            EObject target = referenced(owner, ref, word);
            return target == null ? null : declaration(target);
        }
        Assignment a = assignment(leaf);
        String feature = a == null ? null : a.getFeature();
        if (grammar instanceof Keyword k && (feature == null || !WORD_FEATURES.contains(feature))) {
            if (grammar.eContainer() instanceof EnumLiteralDeclaration || owner instanceof BrokenOption) {
                String t = TdpHoverTexts.keyword(k.getValue(), owner.eClass().getName());
                if (t != null) {
                    return t;
                }
            }
            return keyword(k.getValue(), owner);
        }
        if (feature == null) {
            return word(word, owner, grammar);
        }
        switch (feature) {
        case "name":
            if (owner instanceof Vcpu || owner instanceof Walker || owner instanceof Invalidator
                    || owner instanceof Memslot) {
                return declaration(owner);
            }
            if (owner instanceof org.tdpscope.model.RootRole) {
                return TdpHoverTexts.role(word);
            }
            return null;
        case "root", "roots":
            return root(word, resource, text);
        case "policies":
            return TdpHoverTexts.policy(word);
        case "knobs":
            return TdpHoverTexts.knob(word);
        case "eras":
            return TdpHoverTexts.era(word);
        case "invariant":
            return TdpHoverTexts.invariant(word);
        case "rule":
            return TdpHoverTexts.rule(word);
        case "title":
            return TdpHoverTexts.keyword("scenario", null);
        default:
            return word(word, owner, grammar);
        }
    }

    /** A word with no assignment of its own (inside a datatype rule) or a number. */
    private static String word(String word, EObject owner, EObject grammar) {
        String t = TdpHoverTexts.policy(word);
        if (owner instanceof org.tdpscope.model.RootRole) {
            return TdpHoverTexts.role(word);
        }
        if (t == null) {
            t = TdpHoverTexts.era(word);
        }
        if (t == null && grammar instanceof AbstractElement) {
            t = TdpHoverTexts.keyword(word, owner.eClass().getName());
        }
        if (t == null && word.startsWith("0x")) {
            try {
                long v = Long.parseLong(word.substring(2).replace("_", ""), 16);
                t = "`" + word + "` = " + v;
            } catch (NumberFormatException e) {
                // not a number after all
            }
        }
        return t;
    }

    private static String keyword(String word, EObject owner) {
        if (owner instanceof org.tdpscope.model.RootRole) {
            return TdpHoverTexts.role(word);
        }
        String t = TdpHoverTexts.keyword(word, owner.eClass().getName());
        if (t == null) {
            t = TdpHoverTexts.invariant(word);
        }
        if (t == null) {
            t = TdpHoverTexts.era(word);
        }
        return t;
    }

    /** The element a cross-reference at {@code word} points to (for a list, the one with that name). */
    private static EObject referenced(EObject owner, CrossReference ref, String word) {
        EReference feature = GrammarUtil.getReference(ref, owner.eClass());
        if (feature == null) {
            return null;
        }
        Object value = owner.eGet(feature, true);
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof EObject e && !e.eIsProxy() && word.equals(nameOf(e))) {
                    return e;
                }
            }
            return null;
        }
        return value instanceof EObject e && !e.eIsProxy() ? e : null;
    }

    private static String nameOf(EObject o) {
        EStructuralFeature f = o.eClass().getEStructuralFeature("name");
        Object v = f == null ? null : o.eGet(f);
        return v == null ? null : v.toString();
    }

    /** What a declared vCPU, walker, invalidator or memslot is and does. */
    private static String declaration(EObject target) {
        int line = line(target);
        if (target instanceof Vcpu v) {
            String role = v.getRole() == null || v.getRole().getName() == null ? "default" : v.getRole().getName();
            StringBuilder sb = new StringBuilder("**vcpu ").append(v.getName()).append("**, role `").append(role)
                    .append("` (line ").append(line).append(")");
            VcpuThread program = programOf(v);
            if (program != null) {
                sb.append("\n\nIts thread (line ").append(line(program)).append("): `")
                        .append(after(TdpDocumentSymbols.text(program, DECLARATION), ':')).append('`');
            } else {
                sb.append("\n\nIt has no thread in `threads`.");
            }
            sb.append("\n\nA vCPU loads the root of its role and faults guest pages into it. ")
                    .append(TdpHoverTexts.role(role));
            return sb.toString();
        }
        if (target instanceof Walker w) {
            return "**walker " + w.getName() + "** (line " + line + "): `"
                    + after(TdpDocumentSymbols.text(w, DECLARATION), ':') + "`\n\n"
                    + TdpHoverTexts.keyword("walker", null);
        }
        if (target instanceof Invalidator i) {
            return "**invalidator " + i.getName() + "** (line " + line + "): `"
                    + after(TdpDocumentSymbols.text(i, DECLARATION), ':') + "`\n\n"
                    + TdpHoverTexts.keyword("invalidator", null);
        }
        if (target instanceof Memslot m) {
            long pages = m.isPlus() ? m.getEnd() : m.getEnd() - m.getStart();
            StringBuilder sb = new StringBuilder("**memslot ").append(m.getName()).append("** (line ").append(line)
                    .append("): `").append(TdpDocumentSymbols.text(m, DECLARATION)).append('`');
            if (pages > 0) {
                sb.append("\n\n").append(pages).append(pages == 1 ? " page" : " pages").append(" (")
                        .append(bytes(pages * 4096)).append(") from gfn 0x").append(Long.toHexString(m.getStart()));
            }
            return sb.toString();
        }
        return null;
    }

    private static VcpuThread programOf(Vcpu v) {
        EObject root = v;
        while (root.eContainer() != null) {
            root = root.eContainer();
        }
        if (root instanceof Model m && m.getThreads() != null) {
            for (ThreadDecl t : m.getThreads().getThreads()) {
                if (t instanceof VcpuThread vt && vt.getVcpu() == v) {
                    return vt;
                }
            }
        }
        return null;
    }

    private static String after(String text, char c) {
        int i = text.indexOf(c);
        return i < 0 ? text : text.substring(i + 1).trim();
    }

    private static int line(EObject o) {
        INode n = NodeModelUtils.findActualNodeFor(o);
        return n == null ? 0 : n.getStartLine();
    }

    private static String bytes(long b) {
        if (b >= 1L << 30 && b % (1L << 30) == 0) {
            return (b >> 30) + " GiB";
        }
        if (b >= 1L << 20 && b % (1L << 20) == 0) {
            return (b >> 20) + " MiB";
        }
        return (b >> 10) + " KiB";
    }

    /** A root name: which root it is, and what a run under the scenario's first policy did with it. */
    private String root(String name, XtextResource resource, String text) {
        int n = TdpHoverTexts.rootOrdinal(name);
        if (n == 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder("**root ").append(name).append("**: the ")
                .append(TdpHoverTexts.ordinal(n)).append(" root the run creates (roots are named A, B, C, … in "
                        + "creation order, so expectations compare across policies).");
        RunInfo run = run(resource, text);
        if (run != null) {
            RootInfo r = run.roots.stream().filter(x -> x.name.equals(name)).findFirst().orElse(null);
            sb.append("\n\nUnder `").append(run.policy).append("`");
            if (run.kernel != null) {
                sb.append(", kernel ").append(run.kernel);
            }
            if (r == null) {
                sb.append(": the run creates no root ").append(name).append(" (").append(run.roots.size())
                        .append(run.roots.size() == 1 ? " root)." : " roots).");
            } else {
                sb.append(": created");
                if (r.creator != null) {
                    sb.append(" by `").append(r.creator).append('`');
                }
                sb.append(" at step ").append(r.created).append(" for role `").append(r.role).append("`; at the end ")
                        .append(r.end).append('.');
            }
        }
        return sb.toString();
    }

    private RunInfo run(XtextResource resource, String text) {
        synchronized (runs) {
            RunInfo cached = runs.get(resource);
            if (cached != null && cached.text.equals(text)) {
                return cached.roots == null ? null : cached;
            }
        }
        RunInfo info = computeRun(resource, text);
        synchronized (runs) {
            runs.put(resource, info);
        }
        return info.roots == null ? null : info;
    }

    /** Runs the scenario once, off this thread and for a bounded time; a broken scenario gives no roots. */
    private static RunInfo computeRun(XtextResource resource, String text) {
        if (!resource.getErrors().isEmpty() || resource.getContents().isEmpty()
                || !(resource.getContents().get(0) instanceof Model model)) {
            return new RunInfo(text, null, null, null);
        }
        TdpInterpreter.Result built;
        try {
            // the model is read here, under the server's read lock; the run below uses only the simulator's objects
            built = new TdpInterpreter().interpret(model);
        } catch (RuntimeException | StackOverflowError e) {
            return new RunInfo(text, null, null, null);
        }
        String kernel = built.kernels().size() > 1 || model.getKernel() != null ? built.scenario().kernel.word() : null;
        CompletableFuture<RunInfo> future = CompletableFuture.supplyAsync(() -> {
            Policy policy = built.policies().get(0);
            List<String[]> creations = new ArrayList<>();
            RunResult result = new Simulation(built.scenario(), policy, e -> {
                if (e.is(EventType.ROOT_CREATE)) {
                    creations.add(new String[] { e.root(), e.thread() });
                }
            }).runTo(RUN_EVENTS);
            List<RootInfo> roots = new ArrayList<>();
            for (Root r : result.kvm().allRoots()) {
                String creator = creations.stream().filter(c -> r.name().equals(c[0])).map(c -> c[1]).findFirst()
                        .orElse(null);
                String end = (r.invalid() ? "invalid" : "valid") + ", refcount " + r.refcount()
                        + (r.freed() ? ", freed at step " + r.freedStep() + (r.lastPutBy() == null ? ""
                                : " (last put by `" + r.lastPutBy() + "`)") : ", not freed");
                roots.add(new RootInfo(r.name(), creator, r.createdStep(),
                        r.role() == null ? "default" : r.role().name(), end));
            }
            return new RunInfo(text, policy.word(), kernel, roots);
        });
        try {
            return future.get(RUN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception | StackOverflowError e) {
            future.cancel(true);
            return new RunInfo(text, null, null, null);
        }
    }

    private record RunInfo(String text, String policy, String kernel, List<RootInfo> roots) {
    }

    private record RootInfo(String name, String creator, long created, String role, String end) {
    }
}
