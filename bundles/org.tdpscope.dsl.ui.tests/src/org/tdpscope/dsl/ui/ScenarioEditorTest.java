/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.eclipse.jface.text.Document;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.contentassist.ICompletionProposal;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.AnnotationModel;
import org.eclipse.jface.text.source.IAnnotationModel;
import org.eclipse.jface.text.source.SourceViewer;
import org.eclipse.jface.text.source.VerticalRuler;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tdpscope.ui.testing.Screens;

/**
 * The scenario editor's source viewer in a real SWT shell (under Xvfb): the configuration the
 * editor uses, on a document set up like the editor's. Screenshots go to target/screenshots.
 */
class ScenarioEditorTest {

    static final Path EXAMPLE = Screens.example("seed-terminate.tdp");
    static final long TIMEOUT_MS = 20_000;

    private Display display;
    private Shell shell;
    private SourceViewer viewer;
    private TdpSourceViewerConfiguration config;
    private IDocument doc;

    @BeforeEach
    void open() throws Exception {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1000, 820);
        viewer = new SourceViewer(shell, new VerticalRuler(16), SWT.MULTI | SWT.V_SCROLL | SWT.H_SCROLL);
        config = new TdpSourceViewerConfiguration(null);
        viewer.configure(config);
        doc = new Document(Files.readString(EXAMPLE));
        TdpPartitions.install(doc);
        viewer.setDocument(doc, new AnnotationModel());
        shell.open();
        waitFor("the first reconcile", () -> config.model().latest() != null);
    }

    @AfterEach
    void close() {
        viewer.unconfigure();
        shell.dispose();
    }

    private void waitFor(String what, BooleanSupplier condition) {
        Screens.pumpUntil(display, condition, TIMEOUT_MS, what);
    }

    private List<Annotation> problems(String type) {
        IAnnotationModel m = viewer.getAnnotationModel();
        List<Annotation> out = new ArrayList<>();
        m.getAnnotationIterator().forEachRemaining(a -> {
            if (a instanceof TdpProblems.ProblemAnnotation && a.getType().equals(type)) {
                out.add(a);
            }
        });
        return out;
    }

    /** The offset of the nth {@code s} after the header comment. */
    private int offsetOf(String s, int nth) {
        int at = doc.get().indexOf("scenario \"") - 1;
        for (int i = 0; i <= nth; i++) {
            at = doc.get().indexOf(s, at + 1);
        }
        assertTrue(at >= 0, s);
        return at;
    }

    @Test
    void typingAnErrorShowsAnErrorAnnotationOnItsLine() throws Exception {
        assertTrue(problems(TdpProblems.ERROR).isEmpty(), "the example has no errors");
        StyledText text = viewer.getTextWidget();
        int at = offsetOf("compare all", 0);
        text.setSelection(at, at + "compare all".length());
        text.insert("frobnicate"); // typed over the selection, as the keyboard would
        waitFor("an error annotation", () -> !problems(TdpProblems.ERROR).isEmpty());
        Annotation a = problems(TdpProblems.ERROR).get(0);
        Position p = viewer.getAnnotationModel().getPosition(a);
        assertEquals(13, doc.getLineOfOffset(p.getOffset()), "line 14 (0-based 13): " + a.getText());
        assertEquals("frobnicate", doc.get(p.getOffset(), p.getLength()));
        // and fixing it clears it again
        text.setSelection(at, at + "frobnicate".length());
        text.insert("terminate");
        waitFor("the error to go", () -> problems(TdpProblems.ERROR).isEmpty());
    }

    @Test
    void keywordsCommentsAndNamesAreColoured() {
        waitFor("semantic highlighting", () -> {
            StyleRange r = viewer.getTextWidget().getStyleRangeAtOffset(offsetOf("v0 to end", 0));
            return r != null && r.foreground != null && r.foreground.getRGB().equals(TdpColors.ACTOR);
        });
        StyledText text = viewer.getTextWidget();
        StyleRange keyword = text.getStyleRangeAtOffset(offsetOf("scenario", 0) + 2);
        assertNotNull(keyword);
        assertEquals(TdpColors.KEYWORD, keyword.foreground.getRGB());
        assertEquals(SWT.BOLD, keyword.fontStyle & SWT.BOLD);
        StyleRange comment = text.getStyleRangeAtOffset(5);
        assertEquals(TdpColors.COMMENT, comment.foreground.getRGB());
        StyleRange trailing = text.getStyleRangeAtOffset(offsetOf("// creates A", 0) + 4);
        assertEquals(TdpColors.COMMENT, trailing.foreground.getRGB());
        StyleRange number = text.getStyleRangeAtOffset(offsetOf("0x40000", 0) + 1);
        assertEquals(TdpColors.NUMBER, number.foreground.getRGB());
        // a kernel release is one number, not the word "v5" and a fraction
        int era = offsetOf("v5.16", 0);
        assertEquals(TdpColors.NUMBER, text.getStyleRangeAtOffset(era).foreground.getRGB());
        assertEquals(TdpColors.NUMBER, text.getStyleRangeAtOffset(era + 4).foreground.getRGB());
        StyleRange string = text.getStyleRangeAtOffset(offsetOf("\"walker yields", 0) + 3);
        assertEquals(TdpColors.STRING, string.foreground.getRGB());
        // hyphenated keyword, and a word that merely contains a keyword is not one
        assertEquals(TdpColors.KEYWORD, text.getStyleRangeAtOffset(offsetOf("write-protect", 0) + 7).foreground
                .getRGB());
        StyleRange declared = text.getStyleRangeAtOffset(offsetOf("v0 role", 0));
        assertEquals(TdpColors.ACTOR, declared.foreground.getRGB());
        StyleRange root = text.getStyleRangeAtOffset(offsetOf("[B]", 0) + 1);
        assertEquals(TdpColors.ROOT, root.foreground.getRGB());
    }

    @Test
    void keywordsComeFromTheGrammar() {
        var k = TdpLanguage.get().keywords();
        assertTrue(k.containsAll(List.of("scenario", "vm", "walker", "invalidator", "read-only", "schedule", "expect")), k.toString());
        assertFalse(k.contains("{"));
    }

    @Test
    void contentAssistProposesPolicyWordsAfterPolicy() {
        String text = "scenario \"t\" {\n  vm { vcpu v0 }\n  policy ";
        List<String> words = TdpContentAssistProcessor.entries(text, text.length()).stream()
                .map(ContentAssistEntry::getProposal).toList();
        assertTrue(words.containsAll(List.of("continue", "restart", "terminate", "fifo")), words.toString());
        // through the viewer, as Ctrl+Space does, with a prefix
        doc.set(text + "te");
        ICompletionProposal[] ps = new TdpContentAssistProcessor().computeCompletionProposals(viewer, doc.getLength());
        List<String> shown = Arrays.stream(ps).map(ICompletionProposal::getDisplayString).toList();
        assertTrue(shown.stream().anyMatch(s -> s.startsWith("terminate")), shown.toString());
        ICompletionProposal terminate = Arrays.stream(ps).filter(p -> p.getDisplayString().startsWith("terminate"))
                .findFirst().orElseThrow();
        terminate.apply(doc);
        assertTrue(doc.get().endsWith("policy terminate"), doc.get());
    }

    @Test
    void formatFixesIndentation() {
        String bad = "scenario \"f\" {\nvm {\n      vcpu v0\n}\n   policy terminate\nthreads {\n vcpu v0: load root\n}\n}\n";
        doc.set(bad);
        assertTrue(TdpFormatting.format(viewer));
        String out = doc.get();
        assertNotEquals(bad, out);
        assertTrue(out.contains("\n  vm {\n    vcpu v0\n  }"), out);
        assertTrue(out.contains("\n  policy terminate"), out);
        assertFalse(TdpFormatting.format(viewer), "formatting is idempotent");
        viewer.getUndoManager();
    }

    @Test
    void goToDefinitionHoverAndOutline() {
        String text = doc.get();
        int use = text.indexOf("W until yield");
        TdpNavigation.Target t = TdpNavigation.find(text, use);
        assertNotNull(t);
        assertEquals(text.indexOf("W: write-protect"), t.declaration().getOffset());
        assertEquals(19, t.line());
        assertTrue(t.text().startsWith("walker W: write-protect"), t.text());
        TdpNavigation.Target v = TdpNavigation.find(text, text.indexOf("v1 to end") + 1);
        assertEquals(text.indexOf("v1 role"), v.declaration().getOffset());
        assertNull(TdpNavigation.find(text, text.indexOf("schedule")));
        String hover = new TdpTextHover().getHoverInfo(viewer, new org.eclipse.jface.text.Region(use, 0));
        assertTrue(hover.contains("walker W"), hover);
        var links = new TdpHyperlinkDetector().detectHyperlinks(viewer, new org.eclipse.jface.text.Region(use, 0),
                false);
        assertNotNull(links);
        links[0].open();
        assertEquals(text.indexOf("W: write-protect"), viewer.getSelectedRange().x);

        OutlineNode outline = config.model().latest().outline();
        assertTrue(outline.label().startsWith("scenario \"walker yields"), outline.label());
        String sections = outline.children().stream().map(OutlineNode::label).collect(Collectors.joining(","));
        assertEquals("vm,kernel v5.16,policy compare all,threads,schedule,expect", sections);
        OutlineNode threads = outline.children().get(3);
        assertEquals(4, threads.children().size());
        assertTrue(threads.children().get(2).label().startsWith("walker W"), threads.children().get(2).label());
    }

    @Test
    void exploreBlockInTheOutlineWithItsThreadsHighlighted() throws Exception {
        int at = doc.get().indexOf("  expect {");
        assertTrue(at > 0);
        doc.replace(at, 0, "  explore {\n    depth 20\n    repeat W\n  }\n");
        waitFor("outline with the explore block", () -> {
            OutlineNode o = config.model().latest().outline();
            return o.children().stream().anyMatch(c -> c.label().equals("explore"));
        });
        OutlineNode outline = config.model().latest().outline();
        OutlineNode explore = outline.children().stream().filter(c -> c.label().equals("explore")).findFirst()
                .orElseThrow();
        assertEquals(List.of("depth 20", "repeat W"), explore.children().stream().map(OutlineNode::label).toList());
        int w = doc.get().indexOf("repeat W") + "repeat ".length();
        waitFor("W after repeat in the thread colour", () -> {
            StyleRange r = viewer.getTextWidget().getStyleRangeAtOffset(w);
            return r != null && r.foreground != null && r.foreground.getRGB().equals(TdpColors.ACTOR);
        });
    }

    @Test
    void screenshotShowsKeywordAndCommentColours() throws Exception {
        waitFor("semantic highlighting", () -> {
            StyleRange r = viewer.getTextWidget().getStyleRangeAtOffset(offsetOf("v0 to end", 0));
            return r != null && r.foreground != null && r.foreground.getRGB().equals(TdpColors.ACTOR);
        });
        ImageData data = Screens.capture(viewer.getTextWidget(), "editor");
        assertTrue(Screens.count(data, TdpColors.KEYWORD, 24) > 20, "keyword pixels");
        assertTrue(Screens.count(data, TdpColors.COMMENT, 24) > 20, "comment pixels");
        assertTrue(Screens.count(data, TdpColors.ACTOR, 24) > 10, "name pixels");
    }
}
