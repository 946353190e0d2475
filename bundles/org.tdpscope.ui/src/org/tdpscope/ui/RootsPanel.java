/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Scale;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.export.PngRenderer;
import org.tdpscope.export.RootListDiagram;
import org.tdpscope.export.Scene;
import org.tdpscope.export.SvgRenderer;
import org.tdpscope.export.Theme;
import org.tdpscope.model.io.AtomicFiles;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;

/**
 * The Roots view's content: the root list of a scenario's run at the current step, with controls to
 * step forward and back, jump, and switch the policy (the run is replayed). Usable in any shell, so
 * tests drive it without a workbench.
 */
public final class RootsPanel extends Composite {

    private final SceneCanvas canvas;
    private final Combo policyCombo;
    private final Scale scale;
    private final Label status;
    private TdpScenarios scenarios;
    private LoadedScenario loaded;
    private Policy policy = Policy.CONTINUE;
    private List<TraceEvent> events = List.of();
    private long step;
    private Simulation atStep;

    public RootsPanel(Composite parent, int style) {
        super(parent, style);
        setLayout(new GridLayout(8, false));
        policyCombo = new Combo(this, SWT.READ_ONLY);
        for (Policy p : Policy.values()) {
            policyCombo.add(p.word());
        }
        policyCombo.select(0);
        policyCombo.addListener(SWT.Selection, e -> setPolicy(Policy.values()[policyCombo.getSelectionIndex()]));
        button("|<", "First step", () -> goTo(0));
        button("<", "Step back", this::stepBack);
        button(">", "Step forward", this::stepForward);
        button(">|", "Last step", () -> goTo(events.size()));
        scale = new Scale(this, SWT.HORIZONTAL);
        scale.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        scale.addListener(SWT.Selection, e -> goTo(scale.getSelection()));
        status = new Label(this, SWT.NONE);
        status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        ScrolledComposite scroll = new ScrolledComposite(this, SWT.H_SCROLL | SWT.V_SCROLL);
        scroll.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 8, 1));
        canvas = new SceneCanvas(scroll, SWT.NONE);
        scroll.setContent(canvas);
        scroll.setExpandHorizontal(true);
        scroll.setExpandVertical(true);
        canvas.addListener(SWT.Resize, e -> scroll.setMinSize(canvas.computeSize(SWT.DEFAULT, SWT.DEFAULT)));
        status.setText("Open a scenario (.tdp) to watch its root list.");
    }

    private void button(String text, String tip, Runnable action) {
        Button b = new Button(this, SWT.PUSH);
        b.setText(text);
        b.setToolTipText(tip);
        b.addListener(SWT.Selection, e -> action.run());
    }

    /** Loads a scenario file; errors are shown in the status line (file:line:col: message). */
    public boolean open(Path file) {
        if (scenarios == null) {
            scenarios = TdpScenarios.create();
        }
        LoadedScenario l = scenarios.load(file);
        if (l.hasErrors()) {
            StringBuilder sb = new StringBuilder();
            for (Diagnostic d : l.diagnostics()) {
                if (d.severity() == Diagnostic.Severity.ERROR) {
                    sb.append(d.format()).append('\n');
                }
            }
            status.setText(sb.toString().trim());
            layout(true);
            return false;
        }
        loaded = l;
        step = Long.MAX_VALUE; // open on the outcome; step back from there
        setPolicy(l.policies().get(0));
        return true;
    }

    public void setPolicy(Policy p) {
        policy = p;
        policyCombo.select(p.ordinal());
        if (loaded == null) {
            return;
        }
        List<TraceEvent> all = new ArrayList<>();
        new Simulation(loaded.scenario(), p, all::add).run();
        events = List.copyOf(all);
        scale.setMaximum(Math.max(1, events.size()));
        goTo(Math.min(step, events.size()));
    }

    public void stepForward() {
        goTo(Math.min(step + 1, events.size()));
    }

    public void stepBack() {
        goTo(Math.max(step - 1, 0));
    }

    /** Replays the run to {@code target} (0 = before the first event) and draws the root list there. */
    public void goTo(long target) {
        if (loaded == null) {
            return;
        }
        step = target;
        TraceEvent[] last = new TraceEvent[1];
        Simulation sim = new Simulation(loaded.scenario(), policy, e -> last[0] = e);
        sim.runTo(target);
        atStep = sim;
        RootListSnapshot snap = RootListSnapshot.of(sim, last[0]);
        List<TraceEvent> violations = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.step() <= target && e.invariant() != null) {
                violations.add(e);
            }
        }
        canvas.setScene(RootListDiagram.layout(loaded.name(), snap, violations, Theme.LIGHT));
        scale.setSelection((int) target);
        TraceEvent shown = target > 0 && target <= events.size() ? events.get((int) target - 1) : null;
        status.setText("step " + target + " / " + events.size()
                + (shown == null ? "" : ": " + shown.thread() + " " + shown.type().id()
                        + (shown.root() != null ? " " + shown.root() : "")));
        layout(true);
        RunSelection.changed(this);
    }

    /** The scenario's name, or null before one is open. */
    public String scenarioName() {
        return loaded == null ? null : loaded.name();
    }

    /** The simulation replayed to the current step (for the other views), or null. */
    public Simulation simulationAtStep() {
        return atStep;
    }

    /**
     * Writes the diagram on screen as SVG (and, for a {@code .png} name, as PNG rendered from the same
     * drawing), all or nothing.
     */
    public void exportTo(Path file) throws java.io.IOException {
        Scene scene = canvas.scene();
        if (scene == null) {
            throw new java.io.IOException("nothing to export: open a scenario first");
        }
        byte[] bytes = file.getFileName().toString().endsWith(".png") ? PngRenderer.png(scene, 2)
                : SvgRenderer.render(scene).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    public long step() {
        return step;
    }

    public int totalSteps() {
        return events.size();
    }

    public List<TraceEvent> events() {
        return events;
    }

    public Policy policy() {
        return policy;
    }

    public SceneCanvas canvas() {
        return canvas;
    }

    public Scene scene() {
        return canvas.scene();
    }

    public String statusText() {
        return status.getText();
    }
}
