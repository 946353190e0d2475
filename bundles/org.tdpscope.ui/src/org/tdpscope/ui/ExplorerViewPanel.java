/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.model.io.AtomicFiles;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleException;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.explore.ExploreBounds;
import org.tdpscope.sim.explore.ExploreMonitor;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Explorer;
import org.tdpscope.sim.explore.Outcome;
import org.tdpscope.sim.explore.SearchRate;

/**
 * The Explorer view's content: explores a scenario (every interleaving, under each policy its
 * {@code explore} block names) as a cancellable job, lists the distinct outcomes per policy with
 * their counts, opens an outcome's shortest schedule as a run in the Roots view (the other views
 * follow it through {@link RunSelection}), and saves it as a scenario script. Usable in any shell,
 * so tests drive it without a workbench.
 */
public final class ExplorerViewPanel extends Composite {

    /** Table columns. */
    public static final int COL_KERNEL = 0, COL_POLICY = 1, COL_KIND = 2, COL_COUNT = 3, COL_WALKS = 4, COL_ROOTS = 5,
            COL_VIOLATIONS = 6, COL_STEPS = 7;

    /** One table row: an outcome of one policy's exploration. */
    public record Row(ExploreResult result, Outcome outcome) {
    }

    private final Label status;
    private final Button exploreButton;
    private final Button stopButton;
    private final Button saveButton;
    private final Table table;
    private final Text schedule;
    private final List<Row> rows = new ArrayList<>();
    private TdpScenarios scenarios;
    private LoadedScenario loaded;
    private Supplier<RootsPanel> rootsTarget = () -> null;
    private Supplier<Path> scenarioSource = () -> null;
    private Job job;
    private List<ExploreResult> results;

    public ExplorerViewPanel(Composite parent, int style) {
        super(parent, style);
        setLayout(new GridLayout(3, false));
        exploreButton = button("Explore", "Run every interleaving of the scenario under its policies",
                this::exploreFromSource);
        stopButton = button("Stop", "Cancel the exploration (what was found so far is listed)", this::stop);
        saveButton = button("Save Counterexample...", "Save the selected outcome's schedule as a scenario script",
                this::saveAs);
        // a line of its own, wrapped: a long scenario name clipped the figures and "STOPPED" off its end
        status = new Label(this, SWT.WRAP);
        GridData statusData = new GridData(SWT.FILL, SWT.CENTER, true, false, 3, 1);
        statusData.widthHint = 100; // wrap at the view's width, not at the text's
        status.setLayoutData(statusData);
        SashForm sash = new SashForm(this, SWT.VERTICAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true, 3, 1));
        table = new Table(sash, SWT.SINGLE | SWT.FULL_SELECTION | SWT.BORDER);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        for (String[] c : new String[][] { { "Kernel", "80" }, { "Policy", "80" }, { "Outcome", "150" }, { "Count", "70" },
                { "Visited roots", "220" }, { "Final list", "120" }, { "Violations", "260" },
                { "Shortest", "70" } }) {
            TableColumn col = new TableColumn(table, c[0].equals("Count") || c[0].equals("Shortest") ? SWT.RIGHT
                    : SWT.LEFT);
            col.setText(c[0]);
            col.setWidth(Integer.parseInt(c[1]));
        }
        table.addListener(SWT.Selection, e -> {
            showSchedule(table.getSelectionIndex());
            openInRoots(table.getSelectionIndex());
        });
        schedule = new Text(sash, SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL | SWT.BORDER);
        sash.setWeights(3, 1);
        stopButton.setEnabled(false);
        saveButton.setEnabled(false);
        status.setText("Open a scenario (.tdp) and explore it.");
        addDisposeListener(e -> stop());
    }

    private Button button(String text, String tip, Runnable action) {
        Button b = new Button(this, SWT.PUSH);
        b.setText(text);
        b.setToolTipText(tip);
        if (action != null) {
            b.addListener(SWT.Selection, e -> action.run());
        }
        return b;
    }

    /**
     * Where the Explore button takes its scenario from (the view: the active editor's file), read again at
     * each press; null or a null path: the scenario loaded last.
     */
    public void setScenarioSource(Supplier<Path> source) {
        scenarioSource = source == null ? () -> null : source;
    }

    /** The Explore button: (re)loads the source's scenario, if any, and explores. */
    public Job exploreFromSource() {
        Path p = scenarioSource.get();
        if (p != null && !load(p)) {
            return null;
        }
        if (loaded == null) {
            setStatus("Open a scenario (.tdp) in the editor, or with Open Scenario..., then Explore.");
            return null;
        }
        return explore();
    }

    /** Where a selected counterexample is shown (the Roots view's panel); null: nowhere. */
    public void setRootsTarget(Supplier<RootsPanel> target) {
        rootsTarget = target == null ? () -> null : target;
    }

    /** Asks where to save the selected row's counterexample script (a Save As dialog) and writes it. */
    public void saveAs() {
        int row = selectedRow();
        if (row < 0 || row >= rows.size()) {
            MessageDialog.openInformation(getShell(), "Save Counterexample", "Select an outcome first.");
            return;
        }
        FileDialog d = new FileDialog(getShell(), SWT.SAVE);
        d.setText("Save Counterexample");
        d.setFilterExtensions(new String[] { "*.tdp" });
        d.setOverwrite(true);
        Path source = Path.of(loaded.file());
        if (source.getParent() != null) {
            d.setFilterPath(source.getParent().toString());
        }
        ExploreResult r = rows.get(row).result();
        d.setFileName(source.getFileName().toString().replaceFirst("\\.tdp$", "") + "-"
                + (kernelsOf(loaded).size() > 1 ? r.scenario().kernel.fileWord() + "-" : "") + r.policy().word()
                + "-counterexample.tdp");
        String f = d.open();
        if (f == null) {
            return;
        }
        try {
            saveCounterexample(row, Path.of(f));
            setStatus("saved " + f);
        } catch (IOException e) {
            MessageDialog.openError(getShell(), "Save Counterexample", "Cannot write " + f + ": " + e.getMessage());
        }
    }

    /** Loads a scenario file; errors are shown in the status line (file:line:col: message). */
    public boolean load(Path file) {
        if (scenarios == null) {
            scenarios = Scenarios.shared();
        }
        LoadedScenario l = scenarios.load(file);
        if (l.hasErrors()) {
            setStatus(l.errorText());
            return false;
        }
        stop();
        loaded = l;
        results = null;
        rows.clear();
        table.removeAll();
        schedule.setText("");
        saveButton.setEnabled(false);
        setStatus(l.name() + ": " + describe(l.exploreBounds()) + ", policies " + words(l.explorePolicies())
                + (l.exploreChecksExpectations() ? ", expectations checked" : "") + ". Press Explore.");
        return true;
    }

    /**
     * The active editor's scenario changed to {@code file} (another one when {@code other}, else saved):
     * earlier results, of another version or scenario, are cleared and Explore will read the file. A
     * running exploration is left alone: its results say which scenario they are of. False then.
     */
    public boolean follow(Path file, boolean other) {
        if (job != null && job.getState() != Job.NONE) {
            return false;
        }
        loaded = null;
        results = null;
        rows.clear();
        table.removeAll();
        schedule.setText("");
        saveButton.setEnabled(false);
        setStatus(file.getFileName() + (other ? "" : " (saved)") + ": press Explore to run every interleaving.");
        return true;
    }

    /** The scenario shown, or null. */
    public LoadedScenario scenario() {
        return loaded;
    }

    /** The bounds the view explores with: the scenario's explore block (or the defaults). */
    public ExploreBounds bounds() {
        return loaded == null ? ExploreBounds.defaults() : loaded.exploreBounds();
    }

    /**
     * Starts exploring the loaded scenario as a job (null when there is nothing to explore): one
     * exploration a policy, on both cores, cancellable; the table fills when it ends.
     */
    public Job explore() {
        if (loaded == null || (job != null && job.getState() != Job.NONE)) {
            return null;
        }
        LoadedScenario l = loaded;
        ExploreBounds bounds = bounds();
        Display display = getDisplay();
        List<ExploreResult> found = new CopyOnWriteArrayList<>();
        String[] failure = { null };
        List<KernelRules> kernels = kernelsOf(l);
        Job j = new Job("Exploring " + l.name()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                // every era the scenario names, as the command line does: a comparison's rows each say their kernel
                monitor.beginTask(getName(), kernels.size() * l.explorePolicies().size());
                searches:
                for (KernelRules k : kernels) {
                    for (Policy p : l.explorePolicies()) {
                        if (monitor.isCanceled()) {
                            break searches;
                        }
                        String what = p.word() + " (kernel " + k.word() + ")";
                        monitor.subTask(what);
                        Predicate<RunResult> check = l.exploreChecksExpectations() ? l.expectationsPredicate(k, p)
                                : null;
                        try {
                            found.add(new Explorer().explore(l.scenarioFor(k), p, bounds, check,
                                    progress(monitor, what, display)));
                        } catch (IllegalArgumentException e) {
                            failure[0] = "cannot explore: " + e.getMessage();
                            break searches;
                        }
                        monitor.worked(1);
                    }
                }
                monitor.done();
                return monitor.isCanceled() ? Status.CANCEL_STATUS : Status.OK_STATUS;
            }
        };
        // done also when the job is cancelled before it runs
        j.addJobChangeListener(new JobChangeAdapter() {
            @Override
            public void done(IJobChangeEvent event) {
                boolean cancelled = event.getResult() != null && event.getResult().getSeverity() == IStatus.CANCEL;
                if (!display.isDisposed()) {
                    display.asyncExec(() -> finished(l, List.copyOf(found), cancelled, failure[0]));
                }
            }
        });
        j.setUser(true);
        job = j;
        results = null;
        exploreButton.setEnabled(false);
        stopButton.setEnabled(true);
        setStatus("Exploring " + l.name() + " under " + words(l.explorePolicies()) + ", kernel "
                + kernelWords(kernels) + "...");
        j.schedule();
        return j;
    }

    /** The eras a scenario is explored under: those it names, or mainline. */
    private static List<KernelRules> kernelsOf(LoadedScenario l) {
        return l.kernels().isEmpty() ? List.of(l.scenario().kernel) : l.kernels();
    }

    private static String kernelWords(List<KernelRules> kernels) {
        List<String> out = new ArrayList<>();
        for (KernelRules k : kernels) {
            out.add(k.word());
        }
        return String.join(", ", out);
    }

    /**
     * Progress and cancel between the job's monitor and the explorer's worker threads: distinct states, visits, the
     * rate and the heap, as the command line prints them. Cancelling keeps what was found so far.
     */
    private ExploreMonitor progress(IProgressMonitor monitor, String what, Display display) {
        Map<Integer, Long> visitsPerWorker = new ConcurrentHashMap<>();
        SearchRate rate = new SearchRate(System.nanoTime());
        long[] shown = { 0 };
        return new ExploreMonitor() {
            @Override
            public void progress(int worker, long visits, long distinctStates) {
                visitsPerWorker.put(worker, visits);
                long total = visitsPerWorker.values().stream().mapToLong(Long::longValue).sum();
                long now = System.nanoTime();
                Runtime rt = Runtime.getRuntime();
                // the visited states are shared by the workers: each reports the same set's size
                String line = String.format(Locale.ROOT, "%s: %,d distinct states, %,d visits, %,.0f states/s"
                        + " (%,.0f on average), %.0f s, heap %.2f GB", what, distinctStates, total,
                        rate.recent(distinctStates, now), rate.average(distinctStates, now), rate.seconds(now),
                        (rt.totalMemory() - rt.freeMemory()) / 1e9);
                boolean show;
                synchronized (monitor) { // workers report concurrently; progress monitors are not thread-safe
                    monitor.subTask(line);
                    show = now - shown[0] >= 500_000_000L; // the view's own line: twice a second at most
                    if (show) {
                        shown[0] = now;
                    }
                }
                if (show && !display.isDisposed()) {
                    display.asyncExec(() -> {
                        if (!isDisposed() && job != null && job.getState() != Job.NONE) {
                            setStatus("Exploring: " + line + " (Stop keeps what was found so far)");
                        }
                    });
                }
            }

            @Override
            public boolean cancelled() {
                return monitor.isCanceled();
            }
        };
    }

    /** Cancels a running exploration. */
    public void stop() {
        Job j = job;
        if (j != null) {
            j.cancel();
        }
    }

    /** The running or last exploration job, or null. */
    public Job job() {
        return job;
    }

    private void finished(LoadedScenario l, List<ExploreResult> found, boolean cancelled, String failure) {
        if (isDisposed()) {
            return;
        }
        exploreButton.setEnabled(true);
        stopButton.setEnabled(false);
        if (l != loaded) {
            return; // another scenario was opened meanwhile
        }
        results = List.copyOf(found);
        rows.clear();
        table.removeAll();
        long states = 0;
        long millis = 0;
        int bad = 0;
        boolean truncated = false;
        String partial = null;
        for (ExploreResult r : found) {
            states += r.stats().distinctStates();
            millis += r.stats().millis();
            truncated |= r.stats().truncated() && !r.stats().cancelled();
            if (r.stats().degraded() || r.coverage() != null) {
                partial = r.partialNote();
            }
            for (Outcome o : r.outcomes()) {
                rows.add(new Row(r, o));
            }
        }
        rows.sort(java.util.Comparator.comparing((Row row) -> !row.outcome().bad())); // bad outcomes first
        for (Row row : rows) {
            TableItem item = new TableItem(table, SWT.NONE);
            item.setText(rowText(row.result().scenario().kernel, row.result().policy(), row.outcome()));
            if (row.outcome().bad()) {
                bad++;
                item.setForeground(getDisplay().getSystemColor(SWT.COLOR_DARK_RED));
            }
        }
        // a stopped search says so first: the line is clipped at its end in a narrow view
        String summary = String.format(Locale.ROOT, "%s%s (%s), kernel %s: %d outcome(s), %d bad; %,d distinct states"
                + " in %.1f s%s%s", cancelled ? "STOPPED, what was found so far: " : "",
                Path.of(l.file()).getFileName(), l.name(), kernelWords(kernelsOf(l)), rows.size(), bad, states,
                millis / 1000.0, truncated ? " (bound on visits reached)" : "",
                (cancelled ? " (cancelled: not every interleaving was explored)" : "")
                        + (partial != null ? " (" + partial + ")" : ""));
        setStatus(failure != null ? failure : summary);
        if (!rows.isEmpty()) {
            table.select(0);
            showSchedule(0);
        }
    }

    /** The texts of a table row, column by column. */
    static String[] rowText(KernelRules kernel, Policy policy, Outcome o) {
        List<String> violations = new ArrayList<>(o.violations());
        if (o.kind() == Outcome.Kind.LIVELOCK && violations.stream().noneMatch(v -> v.contains("livelock"))) {
            violations.add(0, "livelock (restart cycle)"); // the cycle is the violation (invariant 7)
        }
        return new String[] { kernel.word(), policy.word(), (o.bad() ? "BAD " : "") + o.kind().name().toLowerCase(Locale.ROOT),
                Long.toString(o.count()), walks(o.walks()), o.finalRoots().toString(),
                violations.isEmpty() ? (Boolean.FALSE.equals(o.expectationsHold()) ? "expectations fail" : "")
                        : String.join(", ", violations)
                                + (Boolean.FALSE.equals(o.expectationsHold()) ? "; expectations fail" : ""),
                Integer.toString(o.length()) };
    }

    /** {@code W [B, D, C]}; a walker with several walks: {@code W [A] [B]}. */
    static String walks(Map<String, List<List<String>>> walks) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<List<String>>> e : walks.entrySet()) {
            StringBuilder sb = new StringBuilder(e.getKey());
            for (List<String> w : e.getValue()) {
                sb.append(' ').append(w);
            }
            out.add(sb.toString());
        }
        return String.join("; ", out);
    }

    private void showSchedule(int row) {
        if (row < 0 || row >= rows.size()) {
            schedule.setText("");
            saveButton.setEnabled(false);
            return;
        }
        Outcome o = rows.get(row).outcome();
        StringBuilder sb = new StringBuilder("// " + comment(rows.get(row)).replace("\n", "\n// ") + "\n");
        for (ScheduleStep s : o.kind() == Outcome.Kind.LIVELOCK ? o.stem() : o.schedule()) {
            sb.append(s.script()).append('\n');
        }
        if (o.kind() == Outcome.Kind.LIVELOCK) {
            sb.append("// then, again and again:\n");
            for (ScheduleStep s : o.cycle()) {
                sb.append(s.script()).append('\n');
            }
        }
        schedule.setText(sb.toString());
        saveButton.setEnabled(true);
    }

    private static String comment(Row row) {
        Outcome o = row.outcome();
        String what = !o.violations().isEmpty() ? String.join(", ", o.violations())
                : o.kind().name().toLowerCase(Locale.ROOT) + ", final list " + o.finalRoots();
        return "shortest schedule to " + what + " under " + row.result().policy().word() + ", kernel "
                + row.result().scenario().kernel.word() + " (" + o.length()
                + " steps; " + o.count() + " explored run(s) end so)\nfound by the schedule explorer";
    }

    /**
     * The scenario script that replays a row's outcome: the scenario's text with the outcome's shortest
     * schedule as its schedule block.
     */
    public String counterexampleScript(int row) {
        Row r = rows.get(row);
        return scenarios.counterexampleScript(loaded.text(), r.result(), r.outcome(), bounds().repeating(),
                comment(r));
    }

    /**
     * Opens a row's shortest schedule as a run in the Roots view (under the row's policy, at its last
     * step); the views that follow the Roots view show it too. False when there is no Roots view or the
     * script does not load.
     */
    public boolean openInRoots(int row) {
        RootsPanel roots = rootsTarget.get();
        if (roots == null || row < 0 || row >= rows.size()) {
            return false;
        }
        LoadedScenario replay;
        try {
            replay = scenarios.load(counterexampleScript(row), loaded.name() + " (counterexample).tdp");
        } catch (IllegalArgumentException e) {
            setStatus("cannot replay the schedule: " + e.getMessage());
            return false;
        }
        if (replay.hasErrors()) {
            setStatus("the counterexample does not load: " + replay.diagnostics().get(0).format());
            return false;
        }
        Policy policy = rows.get(row).result().policy();
        Scenario s = replay.scenarioFor(replay.kernels().isEmpty() ? Era.MAINLINE.rules() : replay.kernels().get(0));
        roots.open(replay, null, policy, observedStep(s, policy, rows.get(row).outcome()));
        return true;
    }

    /**
     * The step (events so far) at which the explorer saw the outcome, in a run of {@code replay} (the
     * outcome's counterexample script): after the path's steps, each taken as the explorer took it. The
     * script's run can go on past it: remaining threads run to their end after a schedule (a repeating
     * thread's operation the explorer never started, or a thread cut by a bound), and a livelock's cycle
     * is repeated until the simulator's cut-off fires; the list there is not the row's.
     */
    static long observedStep(Scenario replay, Policy policy, Outcome o) {
        long[] events = { 0 };
        Simulation sim = new Simulation(replay, policy, e -> events[0]++);
        try {
            sim.start();
        } catch (ScheduleException e) {
            return 0;
        }
        List<ScheduleStep> path = new ArrayList<>(o.stem());
        path.addAll(o.cycle()); // a livelock is seen after one turn of its cycle
        for (ScheduleStep step : path) {
            long before = events[0];
            try {
                sim.stepOnce(step.thread());
            } catch (ScheduleException e) {
                return before; // the step the explorer saw fail (an error outcome): the script stops before it
            }
        }
        return events[0];
    }

    /** Writes a row's counterexample script to {@code file}, all or nothing. */
    public void saveCounterexample(int row, Path file) throws IOException {
        if (row < 0 || row >= rows.size()) {
            throw new IOException("select an outcome first");
        }
        String script;
        try {
            script = counterexampleScript(row);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** The results of the last exploration that ended, one per policy; null before. */
    public List<ExploreResult> results() {
        return results;
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public Table table() {
        return table;
    }

    public int selectedRow() {
        return table.getSelectionIndex();
    }

    /** Selects a row and opens it in the Roots view, as a double click does. */
    public boolean select(int row) {
        table.select(row);
        showSchedule(row);
        return openInRoots(row);
    }

    public String scheduleText() {
        return schedule.getText();
    }

    public String statusText() {
        return status.getText();
    }

    private void setStatus(String text) {
        status.setText(text);
        status.setToolTipText(text);
        layout(true);
    }

    private static String describe(ExploreBounds b) {
        return "depth " + b.maxDepth() + ", " + b.maxYields() + " yields"
                + (b.maxInvalidations() == Integer.MAX_VALUE ? "" : ", " + b.maxInvalidations() + " invalidations")
                + (b.repeating().isEmpty() ? "" : ", repeating " + String.join(", ", b.repeating().stream().sorted()
                        .toList()));
    }

    private static String words(List<Policy> ps) {
        List<String> out = new ArrayList<>();
        for (Policy p : ps) {
            out.add(p.word());
        }
        return String.join(", ", out);
    }
}
