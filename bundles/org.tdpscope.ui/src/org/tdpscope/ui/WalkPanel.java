/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.tdpscope.export.RootWalkDiagram;
import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;
import org.tdpscope.export.TwoDWalkDiagram;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.SimThread;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.Vcpu;
import org.tdpscope.sim.mmu.EptExitQualification;
import org.tdpscope.sim.mmu.TwoDResult;

/**
 * The Walk view's content: a row of controls (whose walk, |&lt; &lt; &gt; &gt;|, "reference k / N")
 * over a body that holds the canvas. It steps through one walk at the Roots panel's current step: the
 * 2-D grid of a vCPU's last translation reference by reference, or a walker's last pass over the root
 * list root by root (in the order it visited them, drawn as the list stands at that step). The
 * canvas is given from outside (the view's {@link DiagramView} canvas, or a test's), so the panel
 * works without a workbench. A new step shows the whole walk again. A vCPU's last access is listed
 * with the EPT violations it met on the way ("v0 · EPT violation 1"); for a faulting walk the
 * position label names the failing reference, its check and the exit qualification.
 */
public final class WalkPanel extends Composite {

    /**
     * Whose walk: a vCPU's last 2-D walk, or one of a thread's root walks (visited roots, in order). {@code name}
     * is what the chooser shows: the vCPU or thread for its last walk, "W · walk 1" for an earlier one.
     */
    record Subject(String name, String thread, TwoDResult walk, List<String> visits, int walkNumber) {
        int total() {
            return walk != null ? walk.refs().size() : visits.size();
        }
    }

    private final Combo subjectCombo;
    private final Button first;
    private final Button back;
    private final Button forward;
    private final Button last;
    private final Label position;
    private final Composite body;
    private SceneCanvas canvas;
    private RootsPanel run;
    private long step = -1;
    private List<Subject> subjects = List.of();
    private int selected;
    private int lit;

    public WalkPanel(Composite parent, int style) {
        super(parent, style);
        GridLayout grid = new GridLayout(1, false);
        grid.marginWidth = 0;
        grid.marginHeight = 0;
        grid.verticalSpacing = 2;
        setLayout(grid);
        Composite row = new Composite(this, SWT.NONE);
        row.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        row.setLayout(new GridLayout(6, false));
        subjectCombo = new Combo(row, SWT.READ_ONLY);
        subjectCombo.setToolTipText("Whose walk: a vCPU's last translation, or a walker's roots");
        GridData combo = new GridData(SWT.LEFT, SWT.CENTER, false, false);
        combo.widthHint = 170;
        subjectCombo.setLayoutData(combo);
        subjectCombo.addListener(SWT.Selection, e -> select(subjectCombo.getSelectionIndex()));
        first = button(row, "|<", "First reference", () -> setLit(1));
        back = button(row, "<", "Previous reference", () -> setLit(lit - 1));
        forward = button(row, ">", "Next reference", () -> setLit(lit + 1));
        last = button(row, ">|", "Whole walk", () -> setLit(Integer.MAX_VALUE));
        position = new Label(row, SWT.NONE);
        position.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        body = new Composite(this, SWT.NONE);
        body.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        body.setLayout(new FillLayout());
        updateControls();
    }

    private static Button button(Composite row, String text, String tip, Runnable action) {
        Button b = new Button(row, SWT.PUSH);
        b.setText(text);
        b.setToolTipText(tip);
        b.addListener(SWT.Selection, e -> action.run());
        return b;
    }

    /** Where the canvas goes (created by the owner, then given with {@link #setCanvas}). */
    public Composite body() {
        return body;
    }

    /** The canvas the buttons redraw. */
    public void setCanvas(SceneCanvas canvas) {
        this.canvas = canvas;
    }

    /**
     * Takes the panel's run and step: lists the walks made by then, keeps the chosen one if it is
     * still there, shows it whole when the step (or run) changed, and returns the picture.
     */
    public Scene follow(RootsPanel panel) {
        Simulation sim = panel.simulationAtStep();
        String chosen = selected < subjects.size() ? subjects.get(selected).name() : null;
        boolean moved = panel != run || panel.step() != step;
        run = panel;
        step = panel.step();
        List<Subject> next = sim == null ? List.of() : subjects(sim);
        List<String> names = new ArrayList<>();
        for (Subject s : next) {
            names.add(s.name());
        }
        if (!names.equals(List.of(subjectCombo.getItems()))) {
            subjectCombo.setItems(names.toArray(new String[0]));
        }
        subjects = next;
        selected = Math.max(0, names.indexOf(chosen));
        if (!subjects.isEmpty()) {
            subjectCombo.select(selected);
        }
        if (moved || lit > total()) {
            lit = total();
        }
        updateControls();
        return scene();
    }

    /** The walks made by the simulation's current step: vCPUs' 2-D walks first, then threads' root walks. */
    static List<Subject> subjects(Simulation sim) {
        List<Subject> out = new ArrayList<>();
        for (Vcpu v : sim.kvm().vcpus()) {
            TwoDResult walk = sim.kvm().lastWalk(v.name());
            if (walk != null) {
                out.add(new Subject(v.name(), v.name(), walk, List.of(), 0));
            }
            // the EPT violations of that access, each a VM exit KVM served before the guest retried
            List<TwoDResult> exits = TwoDWalkDiagram.lastExits(v);
            for (int k = 0; k < exits.size(); k++) {
                if (exits.get(k) != walk) {
                    out.add(new Subject(TwoDWalkDiagram.exitName(v.name(), k + 1), v.name(), exits.get(k), List.of(),
                            0));
                }
            }
        }
        for (SimThread t : sim.threads()) {
            List<List<String>> walks = t.walks();
            if (!walks.isEmpty()) {
                for (int k = walks.size(); k >= 1; k--) { // the last walk first, under the thread's own name
                    out.add(new Subject(k == walks.size() ? t.name() : t.name() + " · walk " + k, t.name(), null,
                            List.copyOf(walks.get(k - 1)), k));
                }
            }
        }
        return out;
    }

    /** The picture of the chosen walk with references (or roots) 1…lit lit; a hint when there is none. */
    public Scene scene() {
        return picture(run, subjects, selected, lit);
    }

    /** The picture of walk {@code selected} of {@code subjects} at the run's step, 1…lit lit. */
    static Scene picture(RootsPanel run, List<Subject> subjects, int selected, int lit) {
        if (run == null || run.simulationAtStep() == null) {
            return Scene.message("open a scenario in the Roots view to see its walks", Theme.LIGHT);
        }
        if (subjects.isEmpty()) {
            return Scene.message("no vCPU has made a guest access (access gva ...) and no thread has walked the roots"
                    + " by step " + run.step(), Theme.LIGHT);
        }
        Subject s = subjects.get(selected);
        if (s.walk() != null) {
            return TwoDWalkDiagram.layout(run.scenarioName(), s.name(), s.walk(), Theme.LIGHT, lit);
        }
        long step = run.step();
        List<TraceEvent> events = run.events();
        RootListSnapshot snap = RootListSnapshot.of(run.simulationAtStep(),
                step > 0 && step <= events.size() ? events.get((int) step - 1) : null);
        return RootWalkDiagram.layout(run.scenarioName(), s.thread(), s.walkNumber(), s.visits(), lit, snap,
                Theme.LIGHT);
    }

    private void select(int index) {
        if (index < 0 || index >= subjects.size()) {
            return;
        }
        selected = index;
        lit = total();
        refresh();
    }

    /** Lights references (or roots) 1…k, k clamped to 1…N, and redraws. */
    public void setLit(int k) {
        lit = Math.max(Math.min(k, total()), Math.min(1, total()));
        refresh();
    }

    private void refresh() {
        updateControls();
        if (canvas != null && !canvas.isDisposed() && run != null && !run.isDisposed()) {
            canvas.setScene(scene());
        }
    }

    private int total() {
        return selected < subjects.size() ? subjects.get(selected).total() : 0;
    }

    private void updateControls() {
        int n = total();
        first.setEnabled(lit > 1);
        back.setEnabled(lit > 1);
        forward.setEnabled(lit < n);
        last.setEnabled(lit < n);
        subjectCombo.setEnabled(!subjects.isEmpty());
        boolean roots = selected < subjects.size() && subjects.get(selected).walk() == null;
        String text = n == 0 ? (roots ? "no root visited yet" : "no walk")
                : (roots ? "root " : "reference ") + lit + " / " + n;
        TwoDResult walk = selected < subjects.size() ? subjects.get(selected).walk() : null;
        String failed = walk == null ? "" : failure(walk);
        position.setText(failed.isEmpty() ? text : text + " — " + failed);
        position.setToolTipText(failed.isEmpty() ? null : failed);
        position.getParent().layout(true);
    }

    /**
     * A faulting walk in words: "failed at reference 19: EPT PDE not present (read access), exit qualification
     * 0x181"; "" for a walk that did not fault.
     */
    static String failure(TwoDResult walk) {
        if (walk.ok()) {
            return "";
        }
        long qual = EptExitQualification.of(walk);
        return (walk.failingReference() > 0 ? "failed at reference " + walk.failingReference() : "failed") + ": "
                + walk.reason() + (qual >= 0 ? ", exit qualification 0x" + Long.toHexString(qual) : "");
    }

    /** The reference (or root) lit last, 1…N; 0 when there is no walk. */
    public int lit() {
        return lit;
    }

    public String positionText() {
        return position.getText();
    }

    public Combo subjectCombo() {
        return subjectCombo;
    }

    /** The buttons |&lt;, &lt;, &gt;, &gt;| in that order. */
    public Button[] buttons() {
        return new Button[] { first, back, forward, last };
    }
}
