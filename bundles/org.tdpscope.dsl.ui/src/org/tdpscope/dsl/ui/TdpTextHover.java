/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.Iterator;

import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.DefaultInformationControl;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IInformationControlCreator;
import org.eclipse.jface.text.IRegion;
import org.eclipse.jface.text.ITextHover;
import org.eclipse.jface.text.ITextHoverExtension;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.Region;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.ISourceViewer;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Shell;

/**
 * Hover: the problem or expectation result under the mouse, or the declaration of the name under it.
 * The hover is the word under the mouse (it closes when the mouse leaves it) and is drawn as a tooltip:
 * a border of its own and light tooltip colours, whatever the theme says.
 */
public final class TdpTextHover implements ITextHover, ITextHoverExtension {

    static final Color HOVER_BACKGROUND = new Color(255, 255, 225);
    static final Color HOVER_TEXT = new Color(31, 35, 40);
    /** The hover's edge: a mid grey that stands out on a light editor and on a dark one. */
    static final Color HOVER_BORDER = new Color(118, 118, 118);
    static final int BORDER = 1;

    @Override
    public String getHoverInfo(ITextViewer viewer, IRegion region) {
        String problem = problemAt(viewer, region.getOffset());
        if (problem != null) {
            return problem;
        }
        if (viewer.getDocument() == null) {
            return null;
        }
        TdpNavigation.Target t = TdpNavigation.find(viewer.getDocument().get(), region.getOffset());
        return t == null ? null : "line " + t.line() + ": " + t.text();
    }

    private static String problemAt(ITextViewer viewer, int offset) {
        if (!(viewer instanceof ISourceViewer sv) || sv.getAnnotationModel() == null) {
            return null;
        }
        Iterator<Annotation> it = sv.getAnnotationModel().getAnnotationIterator();
        StringBuilder sb = new StringBuilder();
        while (it.hasNext()) {
            Annotation a = it.next();
            boolean ours = a instanceof TdpProblems.ProblemAnnotation || a instanceof TdpProblems.ExpectationAnnotation
                    || a.getType().startsWith("org.eclipse.ui.workbench.texteditor."); // markers of workspace files
            if (ours && a.getText() != null && !a.isMarkedDeleted()) {
                Position p = sv.getAnnotationModel().getPosition(a);
                if (p != null && p.includes(offset) && sb.indexOf(a.getText()) < 0) {
                    sb.append(sb.length() == 0 ? "" : "\n").append(a.getText());
                }
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** The word under the mouse (letters, digits, {@code _ . -}), or the offset alone between words. */
    @Override
    public IRegion getHoverRegion(ITextViewer viewer, int offset) {
        IDocument doc = viewer.getDocument();
        if (doc == null) {
            return new Region(offset, 0);
        }
        try {
            int start = offset;
            int end = offset;
            while (start > 0 && word(doc.getChar(start - 1))) {
                start--;
            }
            while (end < doc.getLength() && word(doc.getChar(end))) {
                end++;
            }
            return end > start ? new Region(start, end - start) : new Region(offset, 0);
        } catch (BadLocationException e) {
            return new Region(offset, 0);
        }
    }

    private static boolean word(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }

    @Override
    public IInformationControlCreator getHoverControlCreator() {
        return TdpTextHover::tooltip;
    }

    /**
     * A hover drawn as a tooltip: the light background, and a one-pixel {@link #HOVER_BORDER} line of its
     * own around it. JFace leaves the border to the window manager, and a hover is a popup no window
     * manager decorates: GTK's own edge is the theme's window colour, invisible on a white editor.
     */
    static DefaultInformationControl tooltip(Shell parent) {
        DefaultInformationControl c = new DefaultInformationControl(parent, (String) null) {
            @Override
            public Rectangle computeTrim() {
                Rectangle t = super.computeTrim(); // the text's room stays as JFace computed it
                return new Rectangle(t.x - BORDER, t.y - BORDER, t.width + 2 * BORDER, t.height + 2 * BORDER);
            }
        };
        // light, whatever the GTK theme's tooltip colours (dark in some themes, unset in others)
        c.setBackgroundColor(HOVER_BACKGROUND);
        c.setForegroundColor(HOVER_TEXT);
        Shell shell = c.getShell();
        if (shell.getLayout() instanceof GridLayout l) {
            l.marginWidth = BORDER; // the shell's background shows around the content: the border
            l.marginHeight = BORDER;
        }
        shell.setBackground(HOVER_BORDER);
        return c;
    }
}
