/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.formatting2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.formatting2.AbstractFormatter2;
import org.eclipse.xtext.formatting2.IFormattableDocument;
import org.eclipse.xtext.formatting2.ITextReplacer;
import org.eclipse.xtext.formatting2.internal.SinglelineCodeCommentReplacer;
import org.eclipse.xtext.formatting2.internal.SinglelineDocCommentReplacer;
import org.eclipse.xtext.formatting2.internal.WhitespaceReplacer;
import org.eclipse.xtext.formatting2.regionaccess.IComment;
import org.eclipse.xtext.formatting2.regionaccess.IEObjectRegion;
import org.eclipse.xtext.formatting2.regionaccess.IHiddenRegion;
import org.eclipse.xtext.formatting2.regionaccess.ISemanticRegion;
import org.eclipse.xtext.formatting2.regionaccess.ITextRegionAccess;
import org.eclipse.xtext.formatting2.regionaccess.ITextSegment;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.tdpscope.dsl.tdp.Expect;
import org.tdpscope.dsl.tdp.Expectation;
import org.tdpscope.dsl.tdp.Explore;
import org.tdpscope.dsl.tdp.GuestMaps;
import org.tdpscope.dsl.tdp.ExploreItem;
import org.tdpscope.dsl.tdp.Mapping;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.PolicyDecl;
import org.tdpscope.dsl.tdp.KernelDecl;
import org.tdpscope.dsl.tdp.Schedule;
import org.tdpscope.dsl.tdp.Step;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.Threads;
import org.tdpscope.dsl.tdp.VcpuOp;
import org.tdpscope.dsl.tdp.Vm;
import org.tdpscope.dsl.tdp.VmItem;

/**
 * The canonical layout: blocks indented, one statement a line (statements a user put on one line
 * after a {@code ;} stay together), one space between words, none before {@code , ; :} or inside
 * {@code [ ]}, blank lines between statements kept (at most one), comments kept. What a user laid out
 * on purpose stays: a block written on one line with spaces inside its braces ({@code explore { depth 8 }})
 * stays on one line, a
 * statement wrapped onto a further line keeps the break (the continuation indented one step more), and a
 * trailing comment keeps the spaces before it (comments aligned in a column stay aligned).
 */
public class TdpFormatter extends AbstractFormatter2 {

    @Override
    public void format(Object obj, IFormattableDocument document) {
        if (obj instanceof Model m) {
            formatModel(m, document);
        } else if (obj instanceof XtextResource r) {
            _format(r, document);
        } else if (obj instanceof EObject e) {
            _format(e, document);
        }
    }

    /** A trailing {@code //} comment keeps the whitespace before it: aligned comments stay aligned. */
    @Override
    public ITextReplacer createCommentReplacer(IComment comment) {
        ITextReplacer replacer = super.createCommentReplacer(comment);
        if (replacer instanceof SinglelineDocCommentReplacer) {
            return new SinglelineDocCommentReplacer(comment, "//") {
                @Override
                public void configureWhitespace(WhitespaceReplacer leading, WhitespaceReplacer trailing) {
                    super.configureWhitespace(leading, trailing);
                    keepAlignment(comment, leading);
                }
            };
        }
        if (replacer instanceof SinglelineCodeCommentReplacer) {
            return new SinglelineCodeCommentReplacer(comment, "//") {
                @Override
                public void configureWhitespace(WhitespaceReplacer leading, WhitespaceReplacer trailing) {
                    super.configureWhitespace(leading, trailing);
                    keepAlignment(comment, leading);
                }
            };
        }
        return replacer;
    }

    /** The spaces between code and a comment after it on its line stay as they are. */
    private static void keepAlignment(IComment comment, WhitespaceReplacer leading) {
        ITextSegment before = leading == null ? null : leading.getRegion();
        if (before != null && before.getLength() > 0 && !before.isMultiline()
                && comment.getHiddenRegion().getPreviousSemanticRegion() != null
                && before.getOffset() == comment.getHiddenRegion().getOffset()) {
            leading.getFormatting().setSpace(before.getText());
        }
    }

    private static boolean isStatement(EObject o) {
        return o instanceof Vm || o instanceof PolicyDecl || o instanceof KernelDecl || o instanceof Threads || o instanceof Schedule
                || o instanceof Expect || o instanceof VmItem && !(o.eContainer() instanceof VcpuOp) // a raw write op
                || o instanceof Mapping || o instanceof ThreadDecl
                || o instanceof Step || o instanceof Expectation || o instanceof Explore || o instanceof ExploreItem;
    }

    private void formatModel(Model model, IFormattableDocument doc) {
        ITextRegionAccess access = getTextRegionAccess();
        Set<Integer> statementStarts = new HashSet<>();
        // statement start offset -> end offset, for continuation lines (innermost statement wins)
        TreeMap<Integer, EObject> statements = new TreeMap<>();
        Set<EObject> blocks = Collections.newSetFromMap(new IdentityHashMap<>());
        blocks.add(model);
        for (Iterator<EObject> it = model.eAllContents(); it.hasNext();) {
            EObject o = it.next();
            if (isStatement(o)) {
                INode n = NodeModelUtils.findActualNodeFor(o);
                if (n != null) {
                    statementStarts.add(n.getOffset());
                    if (!(o instanceof Vm || o instanceof Threads || o instanceof Schedule || o instanceof Expect
                            || o instanceof Explore)) {
                        statements.put(n.getOffset(), o);
                    }
                }
            }
            if (o instanceof Vm || o instanceof Threads || o instanceof Schedule || o instanceof Expect
                    || o instanceof Explore) {
                blocks.add(o);
            }
        }
        // blocks written on one line stay on one line: their inner regions are spaced, not broken
        List<int[]> oneLine = new ArrayList<>();
        for (EObject b : blocks) {
            ISemanticRegion open = access.getExtensions().regionFor(b).keyword("{");
            ISemanticRegion close = access.getExtensions().regionFor(b).keyword("}");
            if (open != null && close != null) {
                String inside = access.textForOffset(open.getOffset(), close.getEndOffset() - open.getOffset());
                // deliberate: written "{ ... }" with the spaces, all on one line (not "{x}", which is laid out)
                if (b != model && inside.indexOf('\n') < 0 && inside.startsWith("{ ") && inside.endsWith(" }")) {
                    oneLine.add(new int[] { open.getOffset(), close.getEndOffset() });
                } else {
                    doc.interior(open, close, f -> f.indent());
                }
            }
        }
        // the map lines under "guest maps:" one step deeper than it
        for (Iterator<EObject> it = model.eAllContents(); it.hasNext();) {
            if (it.next() instanceof GuestMaps g && !g.getMaps().isEmpty()) {
                IEObjectRegion first = access.regionForEObject(g.getMaps().get(0));
                IEObjectRegion last = access.regionForEObject(g.getMaps().get(g.getMaps().size() - 1));
                if (first != null && last != null && first.getPreviousHiddenRegion().isMultiline()) {
                    doc.set(first.getPreviousHiddenRegion(), last.getNextHiddenRegion(), f -> f.indent());
                }
            }
        }
        IEObjectRegion root = access.regionForEObject(model);
        if (root == null) {
            return;
        }
        Set<Integer> continued = new HashSet<>(); // statements whose continuation is indented already
        ISemanticRegion prev = null;
        for (ISemanticRegion cur = root.getPreviousHiddenRegion().getNextSemanticRegion(); cur != null; cur = cur
                .getNextSemanticRegion()) {
            if (prev != null) {
                IHiddenRegion between = cur.getPreviousHiddenRegion();
                boolean statement = statementStarts.contains(cur.getOffset());
                if (inside(oneLine, between.getOffset())) {
                    spaceOnLine(doc, prev, cur);
                } else if (!statement && !"}".equals(cur.getText()) && !"{".equals(prev.getText())
                        && between.isMultiline() && !hasComment(between)) {
                    continuation(doc, access, between, statements, continued);
                } else {
                    space(doc, prev, cur, statement);
                }
            }
            prev = cur;
        }
    }

    private static boolean inside(List<int[]> spans, int offset) {
        for (int[] s : spans) {
            if (offset > s[0] && offset < s[1]) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasComment(IHiddenRegion r) {
        return r.getParts().stream().anyMatch(p -> p instanceof IComment);
    }

    /**
     * A line break the user put inside a statement stays, the continuation one step deeper than the
     * statement (once per statement: further continuation lines line up with the first).
     */
    private static void continuation(IFormattableDocument doc, ITextRegionAccess access, IHiddenRegion between,
            TreeMap<Integer, EObject> statements, Set<Integer> continued) {
        var owner = statements.floorEntry(between.getOffset());
        while (owner != null && end(owner.getValue()) <= between.getOffset()) {
            owner = statements.lowerEntry(owner.getKey());
        }
        if (owner == null || !continued.add(owner.getKey())) {
            doc.set(between, f -> f.setNewLines(1));
            return;
        }
        doc.set(between, f -> f.setNewLines(1));
        // one step deeper from the break to the statement's end
        IEObjectRegion region = access.regionForEObject(owner.getValue());
        IHiddenRegion after = region == null ? null : region.getNextHiddenRegion();
        if (after != null) {
            doc.set(between, after, f -> f.indent());
        }
    }

    private static int end(EObject o) {
        INode n = NodeModelUtils.findActualNodeFor(o);
        return n == null ? -1 : n.getEndOffset();
    }

    /** Inside a block kept on one line: one space, none before {@code , ; : ]} or after {@code [}. */
    private static void spaceOnLine(IFormattableDocument doc, ISemanticRegion prev, ISemanticRegion cur) {
        IHiddenRegion between = cur.getPreviousHiddenRegion();
        String p = prev.getText();
        String t = cur.getText();
        if (",".equals(t) || ";".equals(t) || ":".equals(t) || "]".equals(t) || "-level".equals(t) || "[".equals(p)
                || ".".equals(t) || ".".equals(p) || ("+".equals(p) && "..".equals(textBefore(prev)))) {
            doc.set(between, f -> f.noSpace());
        } else {
            doc.set(between, f -> f.oneSpace());
        }
    }
    private static void space(IFormattableDocument doc, ISemanticRegion prev, ISemanticRegion cur, boolean statement) {
        IHiddenRegion between = cur.getPreviousHiddenRegion();
        String p = prev.getText();
        String t = cur.getText();
        boolean sameLineAfterSemicolon = ";".equals(p) && !between.isMultiline();
        if ("}".equals(t) || "{".equals(p)) {
            doc.set(between, f -> f.setNewLines(1, 1, 2));
        } else if (statement && !sameLineAfterSemicolon) {
            doc.set(between, f -> f.setNewLines(1, 1, 2));
        } else if (",".equals(t) || ";".equals(t) || ":".equals(t) || "]".equals(t) || "-level".equals(t)
                || "[".equals(p) || ".".equals(t) || ".".equals(p)) {
            doc.set(between, f -> f.noSpace());
        } else if ("+".equals(p) && "..".equals(textBefore(prev))) {
            doc.set(between, f -> f.noSpace());
        } else {
            doc.set(between, f -> f.oneSpace());
        }
    }

    private static String textBefore(ISemanticRegion r) {
        ISemanticRegion before = r.getPreviousSemanticRegion();
        return before == null ? null : before.getText();
    }
}
