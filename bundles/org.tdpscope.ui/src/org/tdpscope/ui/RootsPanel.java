/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.OperationCanceledException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.layout.RowData;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Scale;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.export.RaceText;
import org.tdpscope.export.RootListDiagram;
import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Replay;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleException;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;

/**
 * The Roots view's content: the root list of a scenario's run at the current step, with controls to
 * step forward and back, play through the steps at a chosen speed, go to a step, and switch the
 * policy (the run is replayed); moving between steps animates the change, a new violation flashes,
 * and the run's violations are listed (selecting one goes to its step). Usable in any shell, so
 * tests drive it without a workbench.
 */
public final class RootsPanel extends Composite {

    /** Playing speeds, steps per second. */
    static final int[] SPEEDS = { 1, 2, 4, 8, 16, 30 };

    private final SceneCanvas canvas;
    private final Composite controls;
    private final SashForm drawingAndList;
    private final Combo policyCombo;
    private final Combo kernelCombo;
    /** The era the run shown follows (the scenario's first, or the one the switch chose). */
    private KernelRules kernel = Era.MAINLINE.rules();
    private final Scale scale;
    private final Label status;
    private final Button play;
    private final Combo speedCombo;
    private final Text stepField;
    private final Table violationTable;
    private final List<TraceEvent> violationRows = new ArrayList<>();
    private final Runnable playTick = this::playTick;
    private boolean playing;
    private boolean animated = true;
    private Job running;
    private LoadedScenario loaded;
    private Policy policy = Policy.CONTINUE;
    private List<TraceEvent> events = List.of();
    /** The run's checkpoints: a step (back or forward) goes on from the nearest one, not from the start. */
    private Replay replay;
    private Path file;
    private long step;
    private Simulation atStep;

    public RootsPanel(Composite parent, int style) {
        super(parent, style);
        setLayout(new GridLayout(2, true));
        // the controls wrap onto a second line in a narrow view rather than widen the panel past it
        controls = new Composite(this, SWT.NONE);
        controls.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 2, 1));
        RowLayout row = new RowLayout(SWT.HORIZONTAL);
        row.wrap = true;
        row.center = true;
        row.marginTop = 0;
        row.marginBottom = 0;
        controls.setLayout(row);
        policyCombo = new Combo(controls, SWT.READ_ONLY);
        for (Policy p : Policy.values()) {
            policyCombo.add(p.word());
        }
        policyCombo.select(0);
        // no tooltips on the switches: GTK shows them over the open dropdown (the choice replays the run)
        policyCombo.addListener(SWT.Selection, e -> replay(Policy.fromWord(policyCombo.getText())));
        kernelCombo = new Combo(controls, SWT.READ_ONLY);
        for (Era era : Era.values()) {
            kernelCombo.add("kernel " + era.word());
        }
        kernelCombo.select(Era.MAINLINE.ordinal());
        kernelCombo.addListener(SWT.Selection, e -> setKernel(Era.values()[kernelCombo.getSelectionIndex()]));
        button("|<", "First step", () -> goTo(0));
        button("<", "Step back", this::stepBack);
        play = button("Play", "Play through the steps / pause", () -> setPlaying(!playing));
        button(">", "Step forward", this::stepForward);
        button(">|", "Last step", () -> goTo(events.size()));
        stepField = new Text(controls, SWT.BORDER | SWT.SINGLE);
        stepField.setMessage("step");
        stepField.setToolTipText("Go to a step: its number, then Enter");
        stepField.setLayoutData(new RowData(60, SWT.DEFAULT));
        stepField.addListener(SWT.DefaultSelection, e -> goTo(stepField.getText()));
        speedCombo = new Combo(controls, SWT.READ_ONLY);
        for (int sp : SPEEDS) {
            speedCombo.add(sp + " steps/s");
        }
        speedCombo.select(2);
        scale = new Scale(this, SWT.HORIZONTAL);
        GridData scaleData = new GridData(SWT.FILL, SWT.CENTER, true, false);
        scaleData.widthHint = 100;
        scale.setLayoutData(scaleData);
        scale.addListener(SWT.Selection, e -> goTo(scale.getSelection()));
        status = new Label(this, SWT.NONE);
        GridData statusData = new GridData(SWT.FILL, SWT.CENTER, true, false);
        statusData.widthHint = 100; // takes the room there is, never widens the panel
        status.setLayoutData(statusData);
        // the drawing and the violations share the height as the user drags the sash between them
        drawingAndList = new SashForm(this, SWT.VERTICAL);
        drawingAndList.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1));
        canvas = new SceneCanvas(drawingAndList, SWT.NONE);
        violationTable = new Table(drawingAndList, SWT.SINGLE | SWT.FULL_SELECTION | SWT.BORDER);
        violationTable.setHeaderVisible(true);
        drawingAndList.setWeights(5, 1);
        drawingAndList.setMaximizedControl(canvas); // the list shows when a run has violations
        violationTable.setVisible(false);
        for (String[] c : new String[][] { { "Step", "60" }, { "Thread", "80" }, { "Invariant", "220" },
                { "Root", "60" }, { "What", "400" } }) {
            TableColumn col = new TableColumn(violationTable, SWT.LEFT);
            col.setText(c[0]);
            col.setWidth(Integer.parseInt(c[1]));
        }
        violationTable.addListener(SWT.Selection, e -> {
            int i = violationTable.getSelectionIndex();
            if (i >= 0 && i < violationRows.size()) {
                goTo(violationRows.get(i).step());
            }
        });
        status.setText("Open a scenario (.tdp) to watch it run.");
        // stepping from the keyboard on the drawing: Left/Right a step, Home/End the first and last
        canvas.addListener(SWT.KeyDown, e -> {
            if ((e.stateMask & SWT.MODIFIER_MASK) != 0) {
                return;
            }
            switch (e.keyCode) {
            case SWT.ARROW_LEFT -> stepBack();
            case SWT.ARROW_RIGHT -> stepForward();
            case SWT.HOME -> goTo(0);
            case SWT.END -> goTo(events.size());
            case ' ' -> setPlaying(!playing);
            default -> {
                return;
            }
            }
            e.doit = false;
        });
        canvas.addListener(SWT.MouseDown, e -> canvas.setFocus());
        CopyAsText.install(canvas, () -> this);
        addDisposeListener(e -> playing = false);
    }

    private Button button(String text, String tip, Runnable action) {
        Button b = new Button(controls, SWT.PUSH);
        b.setText(text);
        b.setToolTipText(tip);
        b.addListener(SWT.Selection, e -> action.run());
        return b;
    }

    /** Loads a scenario file and runs it; errors are shown in the status line (file:line:col: message). */
    public boolean open(Path file) {
        if (!load(file)) {
            return false;
        }
        setPolicy(loaded.policies().get(0));
        return true;
    }

    /**
     * Shows a scenario already loaded (e.g. a counterexample the explorer wrote into a script), under
     * {@code p}; {@code file} is where it came from (may be null).
     */
    public void open(LoadedScenario scenario, Path file, Policy p) {
        open(scenario, file, p, Long.MAX_VALUE);
    }

    /**
     * {@link #open(LoadedScenario, Path, Policy)}, standing at {@code at} (clamped to the run's length)
     * rather than at the end: an explored outcome is shown at the step it was observed at.
     */
    public void open(LoadedScenario scenario, Path file, Policy p, long at) {
        if (scenario.hasErrors()) {
            throw new IllegalArgumentException("a scenario with errors: " + scenario.diagnostics());
        }
        loaded = scenario;
        this.file = file;
        kernel = scenario.kernels().isEmpty() ? Era.MAINLINE.rules() : scenario.kernels().get(0);
        if (kernel.era() != null) {
            kernelCombo.select(kernel.era().ordinal());
        }
        step = at;
        events = List.of();
        replay = null;
        setPolicy(p);
    }

    /** The file of the scenario shown, or null (none open, or not from a file). */
    public Path scenarioFile() {
        return loaded == null ? null : file;
    }

    /**
     * Loads a scenario file and runs it as a background job: reading, parsing and the run all happen
     * off the UI thread (the first load builds the language, seconds); errors go to the status line.
     */
    public Job openInBackground(Path file) {
        return follow(new LiveScenario.Source(file, null, null, LiveScenario.Reason.OPENED));
    }

    /**
     * Shows a scenario the editor holds (its text, or its file when the text is null) as a background
     * job: parsed and run off the UI thread, then shown. The same file as the one shown is a re-run:
     * policy, era and current step are kept (the step clamped to the new run's length). A text that does
     * not load leaves the previous run on screen and says why (file:line:col), quietly while typing.
     */
    public Job follow(LiveScenario.Source source) {
        boolean same = loaded != null && file != null && file.equals(source.file());
        Policy keptPolicy = same ? policy : null;
        Era keptEra = same && kernel.era() != null ? kernel.era() : null;
        Path where = source.file();
        String name = where == null ? source.name() : where.toString();
        var display = getDisplay();
        if (running != null) {
            running.cancel();
        }
        Object[] result = new Object[4]; // LoadedScenario, Run, KernelRules, Policy
        Job job = new Job("Running " + (where == null ? name : where.getFileName())) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    LoadedScenario l = source.text() == null ? Scenarios.shared().load(where)
                            : Scenarios.shared().load(source.text(), name);
                    result[0] = l;
                    if (l.hasErrors() || monitor.isCanceled()) {
                        return monitor.isCanceled() ? Status.CANCEL_STATUS : Status.OK_STATUS;
                    }
                    Policy p = keptPolicy != null ? keptPolicy : l.policies().get(0);
                    KernelRules k = l.kernels().isEmpty() ? Era.MAINLINE.rules() : l.kernels().get(0);
                    if (keptEra != null && k.era() != keptEra) {
                        k = k.onEra(keptEra);
                    }
                    result[1] = runAll(l.scenarioFor(k), p, monitor);
                    result[2] = k;
                    result[3] = p;
                    return Status.OK_STATUS;
                } catch (OperationCanceledException e) {
                    return Status.CANCEL_STATUS;
                } catch (RuntimeException e) {
                    return Status.error("the simulator failed: " + e, e);
                }
            }
        };
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                if (display.isDisposed()) {
                    return;
                }
                display.asyncExec(() -> {
                    if (isDisposed() || running != job) {
                        return; // superseded
                    }
                    long t0 = System.nanoTime();
                    running = null;
                    LoadedScenario l = (LoadedScenario) result[0];
                    if (!event.getResult().isOK() || l == null) {
                        status.setText(event.getResult().getSeverity() == IStatus.CANCEL ? "run cancelled"
                                : "run failed: " + event.getResult().getMessage());
                    } else if (l.hasErrors()) {
                        String first = l.errorText().lines().findFirst().orElse("");
                        status.setText(source.reason() == LiveScenario.Reason.TYPED
                                ? "editing: not run until the script loads (" + first + ")"
                                : "not run: " + first);
                        status.setToolTipText(l.errorText());
                    } else {
                        status.setToolTipText(null);
                        loaded = l;
                        file = where;
                        kernel = (KernelRules) result[2];
                        if (kernel.era() != null) {
                            kernelCombo.select(kernel.era().ordinal());
                        }
                        if (!same) {
                            step = Long.MAX_VALUE; // a new scenario opens on its outcome
                        }
                        replay = null;
                        show((Policy) result[3], (Run) result[1]);
                    }
                    layout(true);
                    lastShowNanos = System.nanoTime() - t0;
                });
            }
        });
        job.setUser(source.reason() != LiveScenario.Reason.TYPED); // no progress dialog while typing
        running = job;
        if (!same) {
            status.setText("loading " + (where == null ? name : where.getFileName()) + "…");
        }
        job.schedule();
        return job;
    }

    private boolean load(Path file) {
        LoadedScenario l = Scenarios.shared().load(file);
        if (l.hasErrors()) {
            status.setText(l.errorText());
            layout(true);
            return false;
        }
        loaded = l;
        this.file = file;
        kernel = l.kernels().isEmpty() ? Era.MAINLINE.rules() : l.kernels().get(0);
        if (kernel.era() != null) {
            kernelCombo.select(kernel.era().ordinal());
        }
        step = Long.MAX_VALUE; // open on the outcome; step back from there
        events = List.of();
        replay = null;
        return true;
    }

    /** Switches the policy and replays the run here, on the calling (UI) thread. */
    public void setPolicy(Policy p) {
        if (running != null) {
            running.cancel(); // this replay wins
            running = null;
        }
        if (loaded == null) {
            policy = p;
            selectPolicy(p);
            return;
        }
        show(p, runAll(scenario(), p, null));
    }

    /**
     * Switches the policy and replays the run as an Eclipse job (progress and cancel in the
     * workbench's progress view); the result is shown on the UI thread when it is complete, and a
     * cancelled run leaves the previous one on screen. A newer replay supersedes an older one.
     */
    public Job replay(Policy p) {
        selectPolicy(p);
        if (loaded == null) {
            policy = p;
            return null;
        }
        if (running != null) {
            running.cancel();
        }
        Scenario scenario = scenario();
        String name = loaded.name();
        var display = getDisplay();
        Run[] result = new Run[1];
        Job job = new Job("Running '" + name + "' under " + p.word()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    result[0] = runAll(scenario, p, monitor);
                    return Status.OK_STATUS;
                } catch (OperationCanceledException e) {
                    return Status.CANCEL_STATUS;
                } catch (RuntimeException e) {
                    return Status.error("the simulator failed: " + e, e);
                }
            }
        };
        // done also when cancelled before it ran: the panel always hears the end
        job.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                if (display.isDisposed()) {
                    return;
                }
                display.asyncExec(() -> {
                    if (isDisposed() || running != job) {
                        return; // superseded by a newer replay
                    }
                    running = null;
                    if (event.getResult().isOK()) {
                        show(p, result[0]);
                    } else if (event.getResult().getSeverity() == IStatus.ERROR) {
                        selectPolicy(policy);
                        status.setText("run under " + p.word() + " failed (" + event.getResult().getMessage()
                                + "); still showing " + policy.word());
                    } else {
                        selectPolicy(policy);
                        status.setText("run under " + p.word() + " cancelled; still showing " + policy.word());
                    }
                });
            }
        });
        job.setUser(true);
        running = job;
        status.setText("running under " + p.word() + "…");
        job.schedule();
        return job;
    }

    /** The UI thread's part of the last background run shown (the views' updates included), in ns. */
    public long lastShowNanos() {
        return lastShowNanos;
    }

    private long lastShowNanos;

    /** True while a replay job has not been shown yet. */
    public boolean running() {
        return running != null;
    }

    /** A whole run: its events, and its checkpoints for going to any step. */
    record Run(List<TraceEvent> events, Replay replay) {
    }

    /** The whole run under a policy; checks the monitor (if any) at each event so that a cancel stops it at once. */
    static Run runAll(Scenario scenario, Policy p, IProgressMonitor monitor) {
        List<TraceEvent> all = new ArrayList<>();
        if (monitor != null) {
            monitor.beginTask("Simulating the TDP MMU", IProgressMonitor.UNKNOWN);
        }
        Replay replay = new Replay(scenario, p, e -> {
            all.add(e);
            if (monitor != null) {
                if (monitor.isCanceled()) {
                    throw new OperationCanceledException();
                }
                if (all.size() % 1000 == 0) {
                    monitor.subTask(all.size() + " events");
                    monitor.worked(1);
                }
            }
        });
        if (monitor != null) {
            monitor.done();
        }
        return new Run(List.copyOf(all), replay);
    }

    private void show(Policy p, Run run) {
        policy = p;
        selectPolicy(p);
        events = run.events();
        replay = run.replay();
        scale.setMaximum(Math.max(1, events.size()));
        listViolations();
        boolean was = animated;
        animated = false; // another run: nothing to animate from
        try {
            goTo(Math.min(step, events.size()));
        } finally {
            animated = was;
        }
    }

    private void listViolations() {
        violationTable.removeAll();
        violationRows.clear();
        for (TraceEvent e : events) {
            if (e.invariant() != null) {
                violationRows.add(e);
                TableItem item = new TableItem(violationTable, SWT.NONE);
                item.setText(new String[] { Long.toString(e.step()), e.thread(),
                        e.invariant().number() + " " + e.invariant().word(), e.root() == null ? "" : e.root(),
                        e.detail() == null ? "" : e.detail() });
            }
        }
        // the list takes room from the picture only when the run has something to list
        boolean any = !violationRows.isEmpty();
        drawingAndList.setMaximizedControl(any ? null : canvas);
        violationTable.setVisible(any);
        layout(true, true);
    }

    public void stepForward() {
        goTo(Math.min(step + 1, events.size()));
    }

    public void stepBack() {
        goTo(Math.max(step - 1, 0));
    }

    /** Stands the run at {@code target} (0 = before the first event) and draws the root list there. */
    public void goTo(long target) {
        if (loaded == null || replay == null) {
            return;
        }
        long from = step;
        step = target;
        Simulation sim = replay.at(target, e -> {
        });
        atStep = sim;
        RootListSnapshot snap = RootListSnapshot.of(sim,
                target > 0 && target <= events.size() ? events.get((int) target - 1) : null);
        List<TraceEvent> violations = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.step() <= target && e.invariant() != null) {
                violations.add(e);
            }
        }
        canvas.setScene(RootListDiagram.layout(loaded.name(), snap, violations, Theme.LIGHT),
                animated && from != target);
        // a violation that happened on the way here flashes
        Set<String> flash = new LinkedHashSet<>();
        for (TraceEvent v : violations) {
            if (v.step() > from && v.root() != null) {
                flash.add("root-" + v.root());
            }
        }
        if (animated && from < target) {
            canvas.flash(flash);
        }
        scale.setSelection((int) target);
        if (!stepField.isFocusControl()) {
            stepField.setText(Long.toString(target));
        }
        int row = -1;
        for (int i = 0; i < violationRows.size(); i++) {
            if (violationRows.get(i).step() == target) {
                row = i;
            }
        }
        if (row >= 0) {
            violationTable.setSelection(row);
        } else {
            violationTable.deselectAll();
        }
        TraceEvent shown = target > 0 && target <= events.size() ? events.get((int) target - 1) : null;
        status.setText("step " + target + " / " + events.size()
                + (shown == null ? "" : ": " + shown.thread() + " " + shown.type().id()
                        + (shown.root() != null ? " " + shown.root() : "")));
        layout(true);
        RunSelection.changed(this);
    }

    /** Goes to a step typed by the user; a bad number is said in the status line. */
    public void goTo(String typed) {
        if (loaded == null) {
            return;
        }
        try {
            long target = Long.parseLong(typed.trim());
            if (target < 0 || target > events.size()) {
                status.setText("no step " + target + ": this run has steps 0 to " + events.size());
                return;
            }
            goTo(target);
        } catch (NumberFormatException e) {
            status.setText("not a step number: '" + typed.trim() + "' (0 to " + events.size() + ")");
        }
    }

    /** Plays through the steps at the chosen speed, from the start if at the end; stops at the last step. */
    public void setPlaying(boolean on) {
        if (on && loaded != null && step >= events.size()) {
            goTo(0);
        }
        playing = on && loaded != null;
        play.setText(playing ? "Pause" : "Play");
        if (playing) {
            getDisplay().timerExec(periodMs(), playTick);
        } else {
            getDisplay().timerExec(-1, playTick);
        }
    }

    private void playTick() {
        if (!playing || isDisposed()) {
            return;
        }
        stepForward();
        if (step >= events.size()) {
            setPlaying(false);
        } else {
            getDisplay().timerExec(periodMs(), playTick);
        }
    }

    public boolean playing() {
        return playing;
    }

    /** Sets the playing speed to one of {@link #SPEEDS} (steps per second). */
    public void setSpeed(int stepsPerSecond) {
        for (int i = 0; i < SPEEDS.length; i++) {
            if (SPEEDS[i] == stepsPerSecond) {
                speedCombo.select(i);
                return;
            }
        }
        throw new IllegalArgumentException("speed " + stepsPerSecond + " is not one of the offered speeds");
    }

    public int speed() {
        return SPEEDS[Math.max(0, speedCombo.getSelectionIndex())];
    }

    private int periodMs() {
        return 1000 / speed();
    }

    /** Whether moving between steps animates (on in the workbench). */
    public void setAnimated(boolean on) {
        animated = on;
        if (!on) {
            canvas.finishAnimation();
        }
    }

    /**
     * The run shown as the plain-text race diagram for a commit message, exactly as {@code tdpscope export
     * --diagram race --format text} writes it for this scenario, era and policy; null before a run is shown.
     */
    public String raceText() {
        if (loaded == null || replay == null) {
            return null;
        }
        ScheduleException error = replay.result().error();
        return RaceText.of(loaded.name() + " (kernel " + kernel.word() + ", policy " + policy.word()
                + (error == null ? "" : "; the schedule stops: " + error.getMessage()) + ")", events);
    }

    /** The run's violations as listed, in step order. */
    public List<TraceEvent> violations() {
        return List.copyOf(violationRows);
    }

    public Table violationTable() {
        return violationTable;
    }

    public Text stepField() {
        return stepField;
    }

    public Button playButton() {
        return play;
    }

    /** The scenario open, under the era chosen, or null. */
    Scenario scenario() {
        return loaded == null ? null : loaded.scenarioFor(kernel);
    }

    /** The era the run shown follows. */
    public KernelRules kernel() {
        return kernel;
    }

    /** The era switch, for tests. */
    public Combo kernelCombo() {
        return kernelCombo;
    }

    /**
     * Switches the kernel era (keeping the rules the scenario overrides) and replays the run as a
     * background job, like a policy switch.
     */
    public Job setKernel(Era era) {
        kernel = loaded == null || loaded.kernels().isEmpty() ? era.rules() : loaded.kernels().get(0).onEra(era);
        kernelCombo.select(era.ordinal());
        return replay(policy);
    }

    /** Shows {@code p} in the policy switch; a hybrid of the knobs gets an entry of its own. */
    private void selectPolicy(Policy p) {
        int i = policyCombo.indexOf(p.word());
        if (i < 0) {
            policyCombo.add(p.word());
            i = policyCombo.getItemCount() - 1;
        }
        policyCombo.select(i);
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
        ExportDiagramAction.write(canvas.scene(), file);
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

    /**
     * The drawing takes the focus, so the arrow keys step (not the policy switch). While the panel is disposed
     * (its view closed with the focus in its step field) SWT offers the focus to the panel after the drawing is
     * gone: false then, and SWT offers it further up.
     */
    @Override
    public boolean setFocus() {
        return !canvas.isDisposed() && canvas.setFocus();
    }

    public String statusText() {
        return status.getText();
    }
}
