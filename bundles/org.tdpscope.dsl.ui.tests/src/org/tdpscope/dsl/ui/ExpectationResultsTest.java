/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.eclipse.jface.text.Document;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.Position;
import org.eclipse.jface.text.source.Annotation;
import org.eclipse.jface.text.source.AnnotationModel;
import org.eclipse.jface.text.source.SourceViewer;
import org.eclipse.jface.text.source.VerticalRuler;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tdpscope.ui.testing.Screens;

/**
 * Expectation results as you type, like a test runner: each {@code expect} line of a script that loads is
 * marked ok (an info annotation saying under which policies and eras it holds) or failed (a warning with
 * the era, the policy and what the run did, which the Problems view lists for a workspace file); a
 * script that does not load keeps no stale results.
 */
class ExpectationResultsTest {

    private Display display;
    private Shell shell;
    private SourceViewer viewer;
    private TdpSourceViewerConfiguration config;
    private IDocument doc;

    private void open(String example) throws Exception {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1000, 820);
        viewer = new SourceViewer(shell, new VerticalRuler(16), SWT.MULTI | SWT.V_SCROLL | SWT.H_SCROLL);
        config = new TdpSourceViewerConfiguration(null);
        viewer.configure(config);
        doc = new Document(Files.readString(Screens.example(example)));
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
        Screens.pumpUntil(display, condition, 30_000, what);
    }

    private List<Annotation> held() {
        List<Annotation> out = new ArrayList<>();
        viewer.getAnnotationModel().getAnnotationIterator().forEachRemaining(a -> {
            if (a instanceof TdpProblems.ExpectationAnnotation) {
                out.add(a);
            }
        });
        return out;
    }

    private List<Annotation> failed() {
        List<Annotation> out = new ArrayList<>();
        viewer.getAnnotationModel().getAnnotationIterator().forEachRemaining(a -> {
            if (a instanceof TdpProblems.ProblemAnnotation p && p.getType().equals(TdpProblems.WARNING)
                    && p.getText().startsWith("expectation fails")) {
                out.add(a);
            }
        });
        return out;
    }

    private int line(Annotation a) throws Exception {
        Position p = viewer.getAnnotationModel().getPosition(a);
        return doc.getLineOfOffset(p.getOffset()) + 1;
    }

    @Test
    void eachExpectLineIsMarkedOkOrFailedAsYouType() throws Exception {
        open("use-after-free.tdp");
        waitFor("the three expectations marked", () -> held().size() == 3);
        assertEquals(List.of(), failed());
        for (Annotation a : held()) {
            assertEquals("expectation holds under continue (kernel v5.16)", a.getText());
        }
        int rootsLine = doc.getLineOfOffset(doc.get().indexOf("roots [B]")) + 1;

        StyledText text = viewer.getTextWidget();
        int at = doc.get().indexOf("roots [B]") + "roots [".length();
        text.setSelection(at, at + 1);
        text.insert("C"); // roots [C]: the run says [B]
        waitFor("a failed expectation", () -> failed().size() == 1 && held().size() == 2);
        Annotation bad = failed().get(0);
        assertEquals(rootsLine, line(bad), bad.getText());
        assertTrue(bad.getText().startsWith("expectation fails under continue (kernel v5.16): "), bad.getText());
        assertTrue(bad.getText().contains("[B]"), "says what the run did: " + bad.getText());
        Screens.capture(shell, "expectations-one-failed");

        // a half-typed script: no run, no results left from the last one
        text.setSelection(at, at + 1);
        text.insert("C, ");
        at = doc.get().indexOf("violation use-after-free");
        text.setSelection(at, at);
        text.insert("violatoin ");
        waitFor("the stale results gone", () -> held().isEmpty() && failed().isEmpty());
    }

    @Test
    void aComparisonIsCheckedUnderEveryPolicyItNames() throws Exception {
        open("seed-terminate.tdp"); // policy compare all, expectations under some policies
        waitFor("every expectation marked", () -> held().size() + failed().size() >= 10);
        assertEquals(List.of(), failed(), "the example's expectations hold");
        boolean perPolicy = false;
        for (Annotation a : held()) {
            perPolicy |= a.getText().equals("expectation holds under fifo (kernel v5.16)");
        }
        assertTrue(perPolicy, "an expectation under fifo only says fifo");
        boolean all = false;
        for (Annotation a : held()) {
            all |= a.getText().equals("expectation holds under continue, restart, terminate, fifo (kernel v5.16)");
        }
        assertTrue(all, "an expectation of every policy names them all: " + held().stream().map(Annotation::getText)
                .toList());
    }
}
