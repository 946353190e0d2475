/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.quickfix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.emf.ecore.EClass;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.xtext.CrossReference;
import org.eclipse.xtext.Keyword;
import org.eclipse.xtext.RuleCall;
import org.eclipse.xtext.ide.editor.quickfix.AbstractDeclarativeIdeQuickfixProvider;
import org.eclipse.xtext.ide.editor.quickfix.DiagnosticResolution;
import org.eclipse.xtext.ide.editor.quickfix.DiagnosticResolutionAcceptor;
import org.eclipse.xtext.ide.editor.quickfix.QuickFix;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2.Options;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.ILeafNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.tdpscope.dsl.scoping.TdpScopeProvider;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.TdpPackage;
import org.tdpscope.dsl.tdp.ThreadStep;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.model.Invariant;
import org.tdpscope.model.Policy;
import org.tdpscope.sim.Era;

/**
 * Quick fixes for the common mistakes, by the issue codes clients see ({@link TdpIssueCodes}):
 * <ul>
 * <li>{@code unknown-name}: a thread, vCPU or memslot nobody declared becomes the nearest declared
 * one (edit distance);</li>
 * <li>{@code bad-policy}, {@code bad-kernel}, {@code bad-invariant}: an unknown policy, knob,
 * kernel era or invariant becomes the nearest known word;</li>
 * <li>{@code no-ops-left}, {@code cannot-yield}: a schedule step that names a thread without
 * saying how far it runs, that runs more operations than are left, or that waits for a yield the
 * thread cannot make, runs the thread {@code to end};</li>
 * <li>{@code root-name}: a root written in lower case ({@code b}) is written as roots are named
 * ({@code B}).</li>
 * </ul>
 * Labels name the replacement ("Change to 'W'"), so the fix methods need the diagnostic and the
 * document, which Xtext's declarative provider does not hand them: {@link #getResolutions} keeps
 * both for the duration of the call.
 */
public class TdpQuickfixProvider extends AbstractDeclarativeIdeQuickfixProvider {

    private record Context(Options options, Diagnostic diagnostic) {
        Document document() {
            return options.getDocument();
        }

        XtextResource resource() {
            return options.getResource() instanceof XtextResource r ? r : null;
        }

        int offset() {
            return document().getOffSet(diagnostic.getRange().getStart());
        }

        String text() {
            return document().getSubstring(diagnostic.getRange());
        }
    }

    private static final ThreadLocal<Context> CURRENT = new ThreadLocal<>();

    private static final Pattern ROOT_NAME = Pattern.compile("[A-Z]+");
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)");

    @Override
    public List<DiagnosticResolution> getResolutions(Options options, Diagnostic diagnostic) {
        CURRENT.set(new Context(options, diagnostic));
        try {
            return super.getResolutions(options, diagnostic);
        } finally {
            CURRENT.remove();
        }
    }

    // ----------------------------------------------------------------------------------- names

    @QuickFix(TdpIssueCodes.UNKNOWN_NAME)
    public void nearestName(DiagnosticResolutionAcceptor acceptor) {
        Context c = context();
        if (c == null) {
            return;
        }
        ILeafNode leaf = leafAt(c);
        Model model = model(c.resource());
        CrossReference ref = leaf == null ? null : crossReference(leaf);
        if (ref == null || model == null || !(ref.getType().getClassifier() instanceof EClass type)) {
            return;
        }
        List<String> names = new ArrayList<>();
        if (type == TdpPackage.Literals.VCPU) {
            TdpScopeProvider.vcpus(model).forEach(v -> names.add(v.getName()));
        } else if (type == TdpPackage.Literals.MEMSLOT) {
            TdpScopeProvider.memslots(model).stream().map(Memslot::getName).forEach(names::add);
        } else if (type == TdpPackage.Literals.ACTOR) {
            TdpScopeProvider.actors(model).stream().map(Actor::getName).forEach(names::add);
        }
        replaceWithNearest(acceptor, c, c.text(), names, null);
    }

    // ----------------------------------------------------------------------------------- words

    @QuickFix(TdpIssueCodes.BAD_POLICY)
    public void nearestPolicyOrKnob(DiagnosticResolutionAcceptor acceptor) {
        Context c = context();
        if (c == null) {
            return;
        }
        String rule = wordRule(c);
        String word = c.text().trim();
        if ("PolicyWord".equals(rule) && Policy.get(word) == null) {
            List<String> policies = new ArrayList<>();
            Policy.VALUES.forEach(p -> policies.add(p.getLiteral()));
            replaceWithNearest(acceptor, c, word, policies, null);
        } else if ("KnobWord".equals(rule) && !org.tdpscope.sim.Policy.KNOBS.contains(word)) {
            replaceWithNearest(acceptor, c, word, org.tdpscope.sim.Policy.KNOBS, null);
        }
    }

    @QuickFix(TdpIssueCodes.BAD_KERNEL)
    public void nearestEra(DiagnosticResolutionAcceptor acceptor) {
        Context c = context();
        if (c == null) {
            return;
        }
        String word = c.text().trim();
        if (!"EraWord".equals(wordRule(c)) || Era.fromWord(word) != null) {
            return; // a rule override, or an era listed twice
        }
        List<String> eras = new ArrayList<>();
        for (Era e : Era.values()) {
            eras.add(e.word());
        }
        // among equally near releases, the closest in version first: v5.17 -> v5.16, v5.18
        int wanted = version(word);
        replaceWithNearest(acceptor, c, word, eras,
                Comparator.comparingLong(e -> wanted < 0 ? 0 : Math.abs((long) version(e) - wanted)));
    }

    @QuickFix(TdpIssueCodes.BAD_INVARIANT)
    public void nearestInvariant(DiagnosticResolutionAcceptor acceptor) {
        Context c = context();
        if (c == null) {
            return;
        }
        String word = c.text().trim();
        if (!"InvariantWord".equals(wordRule(c)) || Invariant.get(word.toLowerCase(Locale.ROOT)) != null) {
            return;
        }
        List<String> invariants = new ArrayList<>();
        Invariant.VALUES.forEach(i -> invariants.add(i.getLiteral()));
        replaceWithNearest(acceptor, c, word, invariants, null);
    }

    /**
     * {@code kernel mainlin}, {@code kernel compare v5.16, mainlne}: a misspelt {@code mainline} is
     * no era to the parser but a syntax error; where the word stands in a kernel line, the nearest
     * era (one close enough to be a typing slip).
     */
    @QuickFix(TdpIssueCodes.SYNTAX)
    public void nearestEraForSyntax(DiagnosticResolutionAcceptor acceptor) {
        Context c = context();
        ILeafNode leaf = c == null ? null : leafAt(c);
        if (leaf == null || leaf.isHidden() || !inKernelLine(leaf)) {
            return;
        }
        String word = leaf.getText();
        List<String> eras = new ArrayList<>();
        for (Era e : Era.values()) {
            eras.add(e.word());
        }
        Document doc = c.document();
        Range range = new Range(doc.getPosition(leaf.getOffset()), doc.getPosition(leaf.getEndOffset()));
        for (String n : Nearest.to(word, eras)) {
            if (Nearest.distance(word.toLowerCase(Locale.ROOT), n) <= Math.max(2, n.length() / 3)) {
                acceptor.accept("Change to '" + n + "'", (diagnostic, object, document) -> List.of(new TextEdit(range, n)));
            }
        }
    }

    /** Whether the words before {@code leaf} are {@code kernel [compare] [era, ...]}. */
    private static boolean inKernelLine(ILeafNode leaf) {
        if (leaf.getText().isEmpty() || !Character.isLetter(leaf.getText().charAt(0))) {
            return false;
        }
        ICompositeNode root = leaf.getRootNode();
        String expect = "separator"; // going backwards: kernel, compare or ',' before a word; an era before ','
        for (int offset = leaf.getOffset() - 1; offset >= 0;) {
            ILeafNode before = NodeModelUtils.findLeafNodeAtOffset(root, offset);
            if (before == null) {
                return false;
            }
            offset = before.getOffset() - 1;
            if (before.isHidden() || before.getLength() == 0) {
                continue;
            }
            String t = before.getText();
            if (t.equals("kernel") && !expect.equals("era")) {
                return true;
            } else if (expect.equals("separator") && t.equals("compare")) {
                expect = "kernel";
            } else if (expect.equals("separator") && t.equals(",")) {
                expect = "era";
            } else if (expect.equals("era") && (VERSION.matcher(t).matches() || t.equals("mainline"))) {
                expect = "separator";
            } else {
                return false;
            }
        }
        return false;
    }

    /** {@code v5.16} as 516, {@code mainline} after every release; -1 for anything else. */
    private static int version(String era) {
        if ("mainline".equals(era)) {
            return Integer.MAX_VALUE / 2;
        }
        Matcher m = VERSION.matcher(era);
        return m.matches() ? Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2)) : -1;
    }

    // -------------------------------------------------------------------------------- schedule

    @QuickFix(TdpIssueCodes.NO_OPS_LEFT)
    public void runToEndForOps(DiagnosticResolutionAcceptor acceptor) {
        runToEnd(acceptor);
    }

    @QuickFix(TdpIssueCodes.CANNOT_YIELD)
    public void runToEndForYield(DiagnosticResolutionAcceptor acceptor) {
        runToEnd(acceptor);
    }

    /**
     * {@code W}, {@code W 3 ops}, {@code W until yield} as {@code W to end}: the step's words after
     * the thread's name are replaced (or, where there are none, added).
     */
    private void runToEnd(DiagnosticResolutionAcceptor acceptor) {
        Context c = context();
        ILeafNode at = c == null ? null : leafAt(c);
        EObject o = at == null ? null : NodeModelUtils.findActualSemanticObjectFor(at);
        if (!(o instanceof ThreadStep step) || step.isToEnd() || step.getAction() != null) {
            return;
        }
        ICompositeNode node = NodeModelUtils.getNode(step);
        if (node == null) {
            return;
        }
        ILeafNode name = null;
        int modeStart = -1;
        int modeEnd = -1;
        for (ILeafNode leaf : node.getLeafNodes()) {
            if (leaf.isHidden() || leaf.getLength() == 0) {
                continue;
            }
            if (leaf.getGrammarElement() instanceof Keyword k && k.getValue().equals(";")) {
                break;
            }
            if (name == null) {
                name = leaf;
            } else {
                if (modeStart < 0) {
                    modeStart = leaf.getOffset();
                }
                modeEnd = leaf.getEndOffset();
            }
        }
        if (name == null) {
            return;
        }
        Document doc = c.document();
        String thread = name.getText();
        TextEdit edit = modeStart < 0
                ? new TextEdit(new Range(doc.getPosition(name.getEndOffset()), doc.getPosition(name.getEndOffset())),
                        " to end")
                : new TextEdit(new Range(doc.getPosition(modeStart), doc.getPosition(modeEnd)), "to end");
        acceptor.accept("Run " + thread + " to end", (diagnostic, object, document) -> List.of(edit));
    }

    // ----------------------------------------------------------------------------------- roots

    @QuickFix(TdpIssueCodes.ROOT_NAME)
    public void upperCaseRoot(DiagnosticResolutionAcceptor acceptor) {
        Context c = context();
        ILeafNode at = c == null ? null : leafAt(c);
        if (at == null) {
            return;
        }
        Document doc = c.document();
        // the diagnostic covers the whole expectation: fix each of its root names that is not one
        for (EObject o = NodeModelUtils.findActualSemanticObjectFor(at); o != null; o = o.eContainer()) {
            EStructuralFeature f = o.eClass().getEStructuralFeature("root");
            if (f == null) {
                f = o.eClass().getEStructuralFeature("roots");
            }
            if (f == null) {
                continue;
            }
            for (INode n : NodeModelUtils.findNodesForFeature(o, f)) {
                String name = NodeModelUtils.getTokenText(n);
                String fixed = name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
                if (ROOT_NAME.matcher(name).matches() || fixed.isEmpty()) {
                    continue;
                }
                TextEdit edit = new TextEdit(new Range(doc.getPosition(n.getOffset()), doc.getPosition(n.getEndOffset())),
                        fixed);
                acceptor.accept("Change to '" + fixed + "'", (diagnostic, object, document) -> List.of(edit));
            }
            return;
        }
    }

    // --------------------------------------------------------------------------------- helpers

    private static Context context() {
        Context c = CURRENT.get();
        if (c == null || c.options() == null || c.document() == null || c.resource() == null
                || c.resource().getParseResult() == null || c.diagnostic().getRange() == null) {
            return null;
        }
        return c;
    }

    private static void replaceWithNearest(DiagnosticResolutionAcceptor acceptor, Context c, String word,
            List<String> candidates, Comparator<String> tieBreak) {
        Range range = c.diagnostic().getRange();
        for (String n : Nearest.to(word, candidates, tieBreak)) {
            acceptor.accept("Change to '" + n + "'",
                    (diagnostic, object, document) -> List.of(new TextEdit(range, n)));
        }
    }

    private static ILeafNode leafAt(Context c) {
        try {
            return NodeModelUtils.findLeafNodeAtOffset(c.resource().getParseResult().getRootNode(), c.offset());
        } catch (IndexOutOfBoundsException e) {
            return null; // a diagnostic of an older version of the text
        }
    }

    private static Model model(XtextResource r) {
        return !r.getContents().isEmpty() && r.getContents().get(0) instanceof Model m ? m : null;
    }

    private static CrossReference crossReference(ILeafNode leaf) {
        for (EObject g = leaf.getGrammarElement(); g != null; g = g.eContainer()) {
            if (g instanceof CrossReference ref) {
                return ref;
            }
        }
        return null;
    }

    /** The name of the datatype rule the word at the diagnostic was parsed as (PolicyWord, EraWord, ...). */
    private static String wordRule(Context c) {
        ILeafNode leaf = leafAt(c);
        for (INode n = leaf; n != null; n = n.getParent()) {
            if (n.getGrammarElement() instanceof RuleCall rc && rc.getRule() != null
                    && rc.getRule().getName().endsWith("Word")) {
                return rc.getRule().getName();
            }
        }
        return null;
    }
}
