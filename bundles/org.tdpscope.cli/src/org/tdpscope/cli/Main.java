/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.Expectation;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.export.PngRenderer;
import org.tdpscope.export.PolicyComparisonDiagram;
import org.tdpscope.export.RootListDiagram;
import org.tdpscope.export.RunExport;
import org.tdpscope.export.Scene;
import org.tdpscope.export.SvgRenderer;
import org.tdpscope.export.Theme;
import org.tdpscope.model.io.AtomicFiles;
import org.tdpscope.model.io.RunStore;
import org.tdpscope.sim.JsonlTraceWriter;
import org.tdpscope.model.io.TraceJsonl;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.TraceListener;
import org.tdpscope.sim.explore.ExploreBounds;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Explorer;
import org.tdpscope.sim.explore.Outcome;
import org.tdpscope.sim.snapshot.SnapshotProjector;

/**
 * The {@code tdpscope} command: {@code run}, {@code check}, {@code export}, {@code lsp}. Exit
 * codes: 0 all expectations hold, 1 an expectation failed (or a violation nobody expected), 2 a bad
 * script or bad arguments, 3 an internal error. Errors are one line each, never a stack trace
 * (set TDPSCOPE_DEBUG=1 to see one).
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int INTERNAL = 3;
    /** explore stopped early (--time, Ctrl-C, SIGTERM): what it printed is partial. */
    static final int TRUNCATED = 4;

    private static final String USAGE = """
            usage: tdpscope <command> [arguments]

              run FILE [--policy P|all] [--kernel E|E,E|all] [--trace OUT.jsonl] [--kernel-trace OUT.txt]
                       [--trace-event OUT.json] [--xmi OUT.tdprun] [--svg DIR [--png]]
                       [--theme light|dark] [--all-events] [--quiet]
                    run a scenario: print the step table and the expectation results
              check FILE...
                    parse and validate scenarios (errors as file:line:col: message)
              export FILE --svg DIR [--png] [--diagram roots|policies|timeline|walk|tables|animated|race]
                       [--policy P|all] [--kernel E] [--step N] [--gfn A..B] [--gva A..B] [--steps A..B]
                       [--theme light|dark]
                    write diagrams as SVG: the root list (default), the policies side by side, the
                    run's timeline (--steps: only steps A to B-1), each vCPU's last 2-D walk and
                    each thread's last pass over the roots (walk), the TDP page tables of a gfn
                    range (--gfn, default all) and each vCPU's guest page tables of a gva range
                    (--gva, default all), the root list animated over the run; --png adds a PNG
                    of each (an animated GIF for animated)
              explore FILE [--policy P|all] [--kernel E|all] [--time 10m] [--depth N] [--yields N] [--invalidations N] [--max-visits N]
                       [--repeat T,...] [--workers N] [--expectations]
                    run every interleaving of the scenario's threads (its schedule is ignored), check the
                    invariants (and with --expectations the expect block) in each, list the distinct
                    outcomes and a shortest counterexample schedule for each bad one; the scenario's
                    explore block gives the bounds, the policies and 'check expectations', flags override it
              import TRACE [--scenario OUT.tdp] [--svg DIR] [--trace OUT.jsonl] [--window A..B]
                    read a real KVM MMU trace (tracefs or trace_pipe text, trace-cmd report text, perf script,
                    a mail-wrapped copy; a trace.dat through trace-cmd) and print its lanes, inferred roots,
                    page tables and fast zaps; --scenario writes a scenario replaying the faults and fast zaps,
                    --svg the timeline (one lane per task), --trace the events as JSON Lines, of lines A to B-1
              lsp   start the language server on stdin/stdout
              ide   start the workbench (from the ./tdpscope launcher)

            policies: continue, restart, terminate, fifo, or a preset with knobs: restart+keep-listed
              (knobs: head, tail, delist, keep-listed, go-on, restart, terminate)
            kernel eras: v5.15, v5.16, v5.18, v6.4, v6.6, v6.9, v6.14, mainline (default: the scenario's kernel line)
            exit codes: 0 expectations hold (explore: no bad outcome), 1 an expectation failed (explore: a bad
            outcome), 2 bad script or arguments, 4 explore stopped early (--time; Ctrl-C or SIGTERM print the
            outcomes found so far too, and exit as the signal says)
            """;

    private final PrintStream out;
    private final PrintStream err;
    private TdpScenarios scenarios;
    /** Write a PNG (twice the SVG's size) beside each SVG. */
    private boolean png;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; never throws. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Main m = new Main(out, err);
        try {
            return m.dispatch(args);
        } catch (UsageException e) {
            err.println("tdpscope: " + e.getMessage());
            err.println("try 'tdpscope help'");
            return BAD_INPUT;
        } catch (RuntimeException | Error e) {
            err.println("tdpscope: internal error: " + e);
            if (System.getenv("TDPSCOPE_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return INTERNAL;
        }
    }

    private int dispatch(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return args.length == 0 ? BAD_INPUT : OK;
        }
        // Xtext logs through log4j, whose bundled configuration prints to stdout (a validator's stack trace
        // would land in the step table or the protocol channel): warnings and errors go to stderr
        org.tdpscope.dsl.ide.TdpLanguageServer.logToStandardError();
        Args a = new Args(args);
        return switch (args[0]) {
            case "run" -> run(a);
            case "check" -> check(a);
            case "export" -> export(a);
            case "explore" -> explore(a);
            case "import" -> importTrace(a);
            case "lsp" -> lsp();
            default -> throw new UsageException("unknown command '" + args[0] + "'");
        };
    }

    private TdpScenarios scenarios() {
        if (scenarios == null) {
            scenarios = TdpScenarios.create();
        }
        return scenarios;
    }

    /** Loads and validates; prints diagnostics; null when the script has errors. */
    private LoadedScenario load(String file) {
        LoadedScenario loaded = scenarios().load(Path.of(file));
        for (Diagnostic d : loaded.diagnostics()) {
            err.println(d.format());
        }
        return loaded.hasErrors() ? null : loaded;
    }

    private int check(Args a) {
        List<String> files = a.positional();
        if (files.isEmpty()) {
            throw new UsageException("check needs at least one FILE");
        }
        int worst = OK;
        for (String f : files) {
            if (load(f) == null) {
                worst = BAD_INPUT;
            } else {
                out.println(f + ": ok");
            }
        }
        return worst;
    }

    private List<Policy> policies(Args a, LoadedScenario loaded) {
        String p = a.option("--policy");
        if (p == null) {
            return loaded.policies();
        }
        if (p.equals("all")) {
            return List.of(Policy.values());
        }
        Policy policy = Policy.fromWord(p);
        if (policy == null) {
            throw new UsageException("unknown policy '" + p + "' (continue, restart, terminate, fifo, all, or a preset"
                    + " with knobs such as restart+keep-listed)");
        }
        return List.of(policy);
    }

    /**
     * The eras to run under: {@code --kernel v6.6}, {@code --kernel v5.16,v6.4} or {@code --kernel all}
     * (with the rules the scenario overrides applied to each), else the scenario's own.
     */
    private List<KernelRules> kernels(Args a, LoadedScenario loaded) {
        String k = a.option("--kernel");
        if (k == null) {
            return loaded.kernels();
        }
        List<Era> eras = new ArrayList<>();
        if (k.equals("all")) {
            eras.addAll(List.of(Era.values()));
        } else {
            for (String w : k.split(",")) {
                Era e = Era.fromWord(w.trim());
                if (e == null) {
                    throw new UsageException("unknown kernel era '" + w.trim() + "' (" + Era.words() + ", all)");
                }
                if (!eras.contains(e)) {
                    eras.add(e);
                }
            }
        }
        KernelRules own = loaded.kernels().isEmpty() ? Era.MAINLINE.rules() : loaded.kernels().get(0);
        List<KernelRules> out = new ArrayList<>();
        for (Era e : eras) {
            out.add(own.onEra(e));
        }
        return out;
    }

    private Theme theme(Args a) {
        String t = a.option("--theme");
        if (t == null) {
            return Theme.LIGHT;
        }
        try {
            return Theme.valueOf(t.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown theme '" + t + "' (light, dark)");
        }
    }

    private int run(Args a) {
        String file = a.single("run");
        String tracePath = a.option("--trace");
        String svgDir = a.option("--svg");
        String xmiPath = a.option("--xmi");
        String kernelTracePath = a.option("--kernel-trace");
        String traceEventPath = a.option("--trace-event");
        png = a.flag("--png");
        boolean quiet = a.flag("--quiet");
        boolean allEvents = a.flag("--all-events");
        Theme theme = theme(a);
        a.rejectUnknown();
        LoadedScenario loaded = load(file);
        if (loaded == null) {
            return BAD_INPUT;
        }
        List<Policy> policies = policies(a, loaded);
        List<KernelRules> kernels = kernels(a, loaded);
        int result = OK;
        List<String[]> comparison = new ArrayList<>();
        for (KernelRules kernel : kernels) {
            Map<Policy, RunResult> runs = new LinkedHashMap<>();
            for (Policy policy : policies) {
                out.println("== " + loaded.name() + " — policy " + policy.word() + " (kernel " + kernel.word() + ")");
                StepTable table = new StepTable(quiet ? nullStream() : out, allEvents);
                // The XMI run holds the whole trace; the table and the JSON Lines file are streamed.
                List<TraceEvent> kept = new ArrayList<>();
                TraceListener listener = xmiPath == null && traceEventPath == null ? table : e -> {
                    table.onEvent(e);
                    kept.add(e);
                };
                RunResult run;
                Path trace = tracePath == null ? null
                        : perKernel(perPolicy(Path.of(tracePath), policy, policies.size()), kernel, kernels.size());
                try {
                    run = trace == null ? simulate(loaded, kernel, policy, listener)
                            : simulateToFile(loaded, kernel, policy, listener, trace);
                } catch (IOException e) {
                    err.println("tdpscope: cannot write " + trace + ": " + e.getMessage());
                    return BAD_INPUT;
                }
                table.summary();
                if (run.error() != null) {
                    err.println(file + ":" + Math.max(1, run.error().line()) + ":1: error: " + run.error().getMessage());
                    return BAD_INPUT;
                }
                runs.put(policy, run);
                result = Math.max(result, report(file, loaded, policy, run));
                comparison.add(new String[] { kernel.word(), policy.word(), outcome(run) });
                if (trace != null) {
                    out.println("trace: " + trace);
                }
                if (kernelTracePath != null) {
                    Path kt = perKernel(perPolicy(Path.of(kernelTracePath), policy, policies.size()), kernel,
                            kernels.size());
                    try {
                        writeKernelTrace(loaded, kernel, policy, kt);
                    } catch (IOException e) {
                        err.println("tdpscope: cannot write " + kt + ": " + e.getMessage());
                        return BAD_INPUT;
                    }
                    out.println("kernel trace: " + kt);
                }
                if (traceEventPath != null) {
                    Path te = perKernel(perPolicy(Path.of(traceEventPath), policy, policies.size()), kernel,
                            kernels.size());
                    try {
                        writeText(te, TraceEventFormat.json(loaded.name(), kernel.word(), policy.word(), kept));
                    } catch (IOException e) {
                        err.println("tdpscope: cannot write " + te + ": " + e.getMessage());
                        return BAD_INPUT;
                    }
                    out.println("trace events: " + te + " (Perfetto, chrome://tracing, Trace Compass)");
                }
                if (xmiPath != null) {
                    Path xmi = perKernel(perPolicy(Path.of(xmiPath), policy, policies.size()), kernel, kernels.size());
                    try {
                        RunStore.saveXmi(new SnapshotProjector(run).projectRun(loaded.name(), file, kept), xmi);
                    } catch (IOException e) {
                        err.println("tdpscope: cannot write " + xmi + ": " + e.getMessage());
                        return BAD_INPUT;
                    }
                    out.println("run: " + xmi);
                }
                if (svgDir != null) {
                    Path svg = Path.of(svgDir).resolve(baseName(file) + eraPart(kernel, kernels.size()) + "." + policy.word()
                            + ".roots.svg");
                    if (!writeSvg(svg, loaded, run, theme)) {
                        return BAD_INPUT;
                    }
                    out.println("diagram: " + svg);
                }
            }
            if (svgDir != null && runs.size() > 1) {
                Path svg = Path.of(svgDir).resolve(baseName(file) + eraPart(kernel, kernels.size()) + ".policies.svg");
                String title = kernels.size() > 1 || kernel.era() != Era.MAINLINE || !kernel.overrides().isEmpty()
                        ? loaded.name() + " (kernel " + kernel.word() + ")" : loaded.name();
                if (!writeDiagram(svg, PolicyComparisonDiagram.layout(title, runs, theme))) {
                    return BAD_INPUT;
                }
                out.println("diagram: " + svg);
            }
        }
        if (kernels.size() > 1) {
            printComparison(comparison);
        }
        return result;
    }

    /** What a run came to, in one phrase for the per-era comparison table. */
    private static String outcome(RunResult run) {
        StringBuilder freed = new StringBuilder();
        for (org.tdpscope.sim.Root r : run.kvm().allRoots()) {
            if (r.freed()) {
                freed.append("; ").append(r.name()).append(" freed by ").append(r.lastPutBy());
            }
        }
        if (run.error() != null) {
            return "schedule stops: " + run.error().getMessage();
        }
        if (run.violations().isEmpty()) {
            return "no violation; final list " + run.simulation().listedRootNames() + freed;
        }
        List<String> kinds = new ArrayList<>();
        for (TraceEvent v : run.violations()) {
            String w = v.invariant().word() + " (" + v.thread() + ")";
            if (!kinds.contains(w)) {
                kinds.add(w);
            }
        }
        return String.join(", ", kinds);
    }

    /** The side-by-side table of {@code --kernel all}: one row per era and policy. */
    private void printComparison(List<String[]> rows) {
        int kw = "kernel".length();
        int pw = "policy".length();
        for (String[] r : rows) {
            kw = Math.max(kw, r[0].length());
            pw = Math.max(pw, r[1].length());
        }
        out.println("== per-era comparison");
        out.println(String.format("  %-" + kw + "s  %-" + pw + "s  %s", "kernel", "policy", "outcome"));
        for (String[] r : rows) {
            out.println(String.format("  %-" + kw + "s  %-" + pw + "s  %s", r[0], r[1], r[2]));
        }
    }

    /** {@code .v5.16} in a file name when several eras are compared; nothing for one. */
    static String eraPart(KernelRules kernel, int count) {
        return count > 1 ? "." + kernel.fileWord() : "";
    }

    /** {@code out/t.jsonl} becomes {@code out/t.v6.6.jsonl} when several eras are compared. */
    static Path perKernel(Path p, KernelRules kernel, int count) {
        if (count <= 1) {
            return p;
        }
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String renamed = dot < 0 ? name + "." + kernel.fileWord()
                : name.substring(0, dot) + "." + kernel.fileWord() + name.substring(dot);
        return p.resolveSibling(renamed);
    }

    /**
     * Writes a diagram as SVG (and PNG with --png), each all or nothing; false (after saying why)
     * when it cannot.
     */
    private boolean writeDiagram(Path svg, Scene scene) {
        Path target = svg;
        try {
            writeText(svg, SvgRenderer.render(scene));
            if (png) {
                String name = svg.getFileName().toString();
                target = svg.resolveSibling(name.substring(0, name.length() - 4) + ".png");
                byte[] bytes = PngRenderer.png(scene, 2);
                AtomicFiles.write(target, o -> o.write(bytes));
            }
            return true;
        } catch (IOException e) {
            err.println("tdpscope: cannot write " + target + ": " + e.getMessage());
            return false;
        }
    }

    private static RunResult simulate(LoadedScenario loaded, KernelRules kernel, Policy policy,
            TraceListener listener) {
        return new Simulation(loaded.scenarioFor(kernel), policy, listener).run();
    }

    private static RunResult simulateToFile(LoadedScenario loaded, KernelRules kernel, Policy policy,
            TraceListener table, Path trace) throws IOException {
        RunResult[] result = new RunResult[1];
        AtomicFiles.write(trace, out -> {
            Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write(TraceJsonl.header(loaded.name(), kernel.word(), policy.word()));
            w.write('\n');
            JsonlTraceWriter jsonl = new JsonlTraceWriter(w);
            result[0] = simulate(loaded, kernel, policy, e -> {
                table.onEvent(e);
                jsonl.onEvent(e);
            });
            w.flush();
        });
        return result[0];
    }

    /** The run again, printed as the kernel's kvmmmu tracepoints would print it (tracefs text). */
    private static void writeKernelTrace(LoadedScenario loaded, KernelRules kernel, Policy policy, Path file)
            throws IOException {
        AtomicFiles.write(file, o -> {
            Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
            w.write("# tracer: nop\n#\n# simulated by tdpscope: " + loaded.name() + ", kernel " + kernel.word()
                    + ", policy " + policy.word() + "\n#\n");
            KernelTraceWriter kt = new KernelTraceWriter(w);
            Simulation sim = new Simulation(loaded.scenarioFor(kernel), policy, kt);
            kt.attach(sim);
            sim.run();
            w.flush();
        });
    }

    /** Writes text all or nothing (a temporary file beside the target, then a move). */
    static void writeText(Path target, String text) throws IOException {
        AtomicFiles.write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Prints each expectation's outcome; violations no expectation mentions also fail the run. */
    private int report(String file, LoadedScenario loaded, Policy policy, RunResult run) {
        int result = OK;
        int checked = 0;
        KernelRules kernel = run.simulation().kernel();
        for (Expectation x : loaded.expectations()) {
            if (!x.appliesTo(kernel, policy)) {
                continue; // "under fifo: ..." is not checked under the other policies
            }
            ExpectationResult r = x.check(run);
            checked++;
            if (r.holds()) {
                out.println("  ok    " + x.text());
            } else {
                out.println("  FAIL  " + x.text() + "   (actual: " + r.actual() + ")");
                err.println(file + ":" + x.line() + ":" + x.column() + ": error: expectation failed under kernel "
                        + kernel.word() + ", policy " + policy.word() + ": " + x.text() + " (actual: " + r.actual() + ")");
                result = FAILED;
            }
        }
        List<TraceEvent> violations = run.violations();
        out.println("  " + checked + " expectation(s) checked, " + violations.size() + " violation(s), "
                + run.steps() + " steps, final list " + run.simulation().listedRootNames());
        return result;
    }

    private boolean writeSvg(Path svg, LoadedScenario loaded, RunResult run, Theme theme) {
        return writeDiagram(svg, RootListDiagram.layout(loaded.name(), RootListSnapshot.of(run.simulation(), null),
                run.violations(), theme));
    }

    private int export(Args a) {
        String file = a.single("export");
        String svgDir = a.option("--svg");
        String step = a.option("--step");
        String diagram = a.option("--diagram");
        String gfn = a.option("--gfn");
        String gva = a.option("--gva");
        String steps = a.option("--steps");
        png = a.flag("--png");
        Theme theme = theme(a);
        a.rejectUnknown();
        if ("race".equals(diagram)) {
            return raceText(a, file, svgDir);
        }
        if (svgDir == null) {
            throw new UsageException("export needs --svg DIR");
        }
        RunExport.Diagram d = diagram == null ? RunExport.Diagram.ROOTS : RunExport.Diagram.fromWord(diagram);
        if (d == null) {
            List<String> words = new ArrayList<>();
            for (RunExport.Diagram x : RunExport.Diagram.values()) {
                words.add(x.word());
            }
            throw new UsageException("unknown diagram '" + diagram + "' (" + String.join(", ", words) + ")");
        }
        if ((gfn != null || gva != null) && d != RunExport.Diagram.TABLES) {
            throw new UsageException((gfn != null ? "--gfn" : "--gva") + " goes with --diagram tables");
        }
        if (steps != null && d != RunExport.Diagram.TIMELINE) {
            throw new UsageException("--steps goes with --diagram timeline");
        }
        RunExport.Range gfns = gfn == null ? null : range(gfn, "--gfn");
        RunExport.Range gvas = gva == null ? null : range(gva, "--gva");
        RunExport.Range window = steps == null ? null : range(steps, "--steps");
        Long at;
        try {
            at = step == null ? null : Long.parseLong(step);
        } catch (NumberFormatException e) {
            throw new UsageException("--step wants a number, not '" + step + "'");
        }
        if (at != null && at < 0) {
            throw new UsageException("--step wants a step number from 0, not " + at);
        }
        LoadedScenario loaded = load(file);
        if (loaded == null) {
            return BAD_INPUT;
        }
        // the comparison compares every policy unless told which
        List<Policy> policies = d == RunExport.Diagram.POLICIES && a.option("--policy") == null
                ? List.of(Policy.values()) : policies(a, loaded);
        List<KernelRules> kernels = kernels(a, loaded);
        if (kernels.size() > 1 && a.option("--kernel") != null) {
            throw new UsageException("export draws one kernel era; name one with --kernel");
        }
        RunExport.Result result = RunExport.documents(baseName(file), loaded.name(), loaded.scenarioFor(kernels.get(0)),
                new RunExport.Choices(List.of(d), policies, theme, true, png, at, gfns, gvas, window));
        if (!result.problems().isEmpty()) {
            for (String p : result.problems()) {
                err.println("tdpscope: " + file + ": " + p);
            }
            return BAD_INPUT;
        }
        try {
            for (Path written : RunExport.write(Path.of(svgDir), result.documents())) {
                out.println(written);
            }
        } catch (IOException e) {
            err.println("tdpscope: " + e.getMessage());
            return BAD_INPUT;
        }
        return OK;
    }

    private static RunExport.Range range(String text, String option) {
        try {
            return RunExport.Range.parse(text, option);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private int explore(Args a) {
        String file = a.single("explore");
        // flags are read before the file, so a bad command line fails fast; they override the explore block
        Integer depth = boundOption(a, "--depth", 1);
        Integer yields = boundOption(a, "--yields", 0);
        Integer invalidations = boundOption(a, "--invalidations", 0);
        Integer visits = boundOption(a, "--max-visits", 1);
        Integer workers = boundOption(a, "--workers", 1);
        String repeat = a.option("--repeat");
        boolean expectationsFlag = a.flag("--expectations");
        long timeLimitMs = duration(a.option("--time"));
        a.rejectUnknown();
        LoadedScenario loaded = load(file);
        if (loaded == null) {
            return BAD_INPUT;
        }
        ExploreBounds bounds = loaded.exploreBounds().withMaxVisits(visits != null ? visits : 2_000_000);
        if (depth != null) {
            bounds = bounds.withMaxDepth(depth);
        }
        if (yields != null) {
            bounds = bounds.withMaxYields(yields);
        }
        if (invalidations != null) {
            bounds = bounds.withMaxInvalidations(invalidations);
        }
        if (workers != null) {
            bounds = bounds.withWorkers(workers);
        }
        if (repeat != null) {
            bounds = bounds.withRepeating(repeat.isBlank() ? new String[0] : repeat.split(","));
        }
        boolean expectations = expectationsFlag || loaded.exploreChecksExpectations();
        int result = OK;
        List<KernelRules> kernels = kernels(a, loaded);
        for (KernelRules kernel : kernels)
        for (Policy policy : a.option("--policy") == null ? loaded.explorePolicies() : policies(a, loaded)) {
            if (ExploreProgress.signalled()) {
                break;
            }
            Predicate<RunResult> check = expectations ? loaded.expectationsPredicate(kernel, policy) : null;
            ExploreResult r;
            ExploreProgress progress = new ExploreProgress(err, timeLimitMs);
            try {
                progress.start();
                r = new Explorer().explore(loaded.scenarioFor(kernel), policy, bounds, check, progress);
            } catch (IllegalArgumentException e) {
                err.println(file + ":1:1: error: cannot explore: " + e.getMessage());
                return BAD_INPUT;
            }
            ExploreResult.Stats st = r.stats();
            out.println("== " + loaded.name() + " — every interleaving under " + policy.word() + " (kernel "
                    + kernel.word() + ")");
            out.println("  bounds: depth " + bounds.maxDepth() + ", " + bounds.maxYields() + " yields"
                    + (bounds.maxInvalidations() == Integer.MAX_VALUE ? "" : ", " + bounds.maxInvalidations()
                            + " invalidations")
                    + (bounds.repeating().isEmpty() ? "" : ", repeating " + String.join(", ",
                            new java.util.TreeSet<>(bounds.repeating())))
                    + (expectations ? ", expectations checked" : ""));
            out.printf(Locale.ROOT, "  %,d visits, %,d distinct states in %.1f s (%,.0f states/s); pruned %,d by state"
                    + " hashing, %,d by sleep sets; %,d runs cut by the bounds%s%n", st.visits(), st.distinctStates(),
                    st.millis() / 1000.0, st.distinctStatesPerSecond(), st.hashPruned(), st.sleepPruned(),
                    st.boundCut(), st.truncated() && !st.cancelled() ? " (TRUNCATED: raise --max-visits)" : "");
            progress.stop();
            if (st.cancelled()) {
                out.println("  TRUNCATED: " + progress.why() + "; the outcomes below are those found so far");
                result = Math.max(result, TRUNCATED);
            }
            out.printf("  %d distinct outcome(s), %d bad%n", r.outcomes().size(), r.bad().size());
            for (Outcome o : r.outcomes()) {
                out.printf(Locale.ROOT, "  %-4s %-9s x%-7d walks %s, final list %s%s%n", o.bad() ? "BAD" : "ok",
                        o.kind().name().toLowerCase(Locale.ROOT), o.count(), o.walks(), o.finalRoots(),
                        (o.violations().isEmpty() ? "" : ", violations " + o.violations())
                                + (Boolean.FALSE.equals(o.expectationsHold()) ? ", expectations fail" : ""));
            }
            for (Outcome o : r.bad()) {
                out.println("  shortest schedule to " + (o.violations().isEmpty() ? o.kind().name().toLowerCase(Locale.ROOT)
                        : o.violations().get(0)) + " (" + o.length() + " steps; paste into a schedule block):");
                for (ScheduleStep step : o.kind() == Outcome.Kind.LIVELOCK ? o.stem() : o.schedule()) {
                    out.println("    " + step.script());
                }
                if (o.kind() == Outcome.Kind.LIVELOCK) {
                    out.println("    // then, again and again:");
                    for (ScheduleStep step : o.cycle()) {
                        out.println("    " + step.script());
                    }
                }
                result = FAILED;
            }
            out.flush();
            progress.printed();
        }
        return result;
    }


    /** A bound given on the command line (null when absent), at least {@code min}. */
    private static Integer boundOption(Args a, String name, int min) {
        if (a.option(name) == null) {
            return null;
        }
        int v = intOption(a, name, min);
        if (v < min) {
            throw new UsageException(name + " must be at least " + min + ", not " + v);
        }
        return v;
    }

    private static int intOption(Args a, String name, int fallback) {
        String v = a.option(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " wants a number, not '" + v + "'");
        }
    }

    /**
     * {@code export --diagram race}: the plain-text race diagram of each run, for a commit message,
     * on stdout, or with {@code --svg DIR} as {@code NAME.POLICY.race.txt} files.
     */
    private int raceText(Args a, String file, String dir) {
        LoadedScenario loaded = load(file);
        if (loaded == null) {
            return BAD_INPUT;
        }
        List<KernelRules> kernels = kernels(a, loaded);
        List<Policy> policies = policies(a, loaded);
        for (KernelRules kernel : kernels) {
            for (Policy policy : policies) {
                List<TraceEvent> events = new ArrayList<>();
                RunResult run = new Simulation(loaded.scenarioFor(kernel), policy, events::add).run();
                String text = org.tdpscope.export.RaceText.of(loaded.name() + " (kernel " + kernel.word() + ", policy "
                        + policy.word() + (run.error() == null ? "" : "; the schedule stops: " + run.error().getMessage())
                        + ")", events);
                if (dir == null) {
                    out.print(text);
                    out.println();
                    continue;
                }
                Path target = Path.of(dir).resolve(baseName(file) + eraPart(kernel, kernels.size()) + "." + policy.word()
                        + ".race.txt");
                try {
                    writeText(target, text);
                } catch (IOException e) {
                    err.println("tdpscope: cannot write " + target + ": " + e.getMessage());
                    return BAD_INPUT;
                }
                out.println(target);
            }
        }
        return OK;
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, or plain seconds; -1 when absent. */
    static long duration(String v) {
        if (v == null) {
            return -1;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})([smh]?)").matcher(v.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new UsageException("--time wants a duration such as 90s, 10m or 2h, not '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1000;
        };
    }

    private int importTrace(Args a) {
        String file = a.single("import");
        String scenario = a.option("--scenario");
        String window = a.option("--window");
        String svgDir = a.option("--svg");
        String trace = a.option("--trace");
        a.rejectUnknown();
        if (window != null && scenario == null && svgDir == null && trace == null) {
            throw new UsageException("--window goes with --scenario, --svg or --trace");
        }
        TraceImport.Window w = null;
        if (window != null) {
            RunExport.Range r = range(window, "--window");
            w = new TraceImport.Window(r.from(), r.to());
        }
        try {
            return new TraceImport(out, err).run(Path.of(file), scenario == null ? null : Path.of(scenario), w,
                    svgDir == null ? null : Path.of(svgDir), trace == null ? null : Path.of(trace));
        } catch (IOException e) {
            err.println("tdpscope: cannot import " + file + ": " + e.getMessage());
            return BAD_INPUT;
        }
    }

    private int lsp() {
        org.tdpscope.dsl.ide.TdpLanguageServer.start(System.in, System.out);
        return OK;
    }

    static String baseName(String file) {
        return RunExport.baseName(Path.of(file).getFileName().toString());
    }

    /** With several policies, {@code out.jsonl} becomes {@code out.fifo.jsonl} and so on. */
    static Path perPolicy(Path p, Policy policy, int count) {
        if (count == 1) {
            return p;
        }
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String renamed = dot < 0 ? name + "." + policy.word() : name.substring(0, dot) + "." + policy.word()
                + name.substring(dot);
        return p.resolveSibling(renamed);
    }

    private static PrintStream nullStream() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    /** A bad command line. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Tiny argument parser: positional words, {@code --name value} options and {@code --flag}s. */
    static final class Args {
        private static final List<String> VALUED = List.of("--policy", "--kernel", "--kernel-trace", "--trace-event",
                "--scenario",
                "--window", "--time", "--trace", "--svg", "--theme", "--step",
                "--diagram", "--xmi", "--gfn", "--gva", "--steps", "--depth", "--yields", "--max-visits", "--repeat",
                "--workers", "--invalidations");
        private final List<String> positional = new ArrayList<>();
        private final java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        private final java.util.Set<String> used = new java.util.HashSet<>();

        Args(String[] args) {
            for (int i = 1; i < args.length; i++) {
                String s = args[i];
                if (s.startsWith("--")) {
                    String value = null;
                    int eq = s.indexOf('=');
                    if (eq > 0) {
                        value = s.substring(eq + 1);
                        s = s.substring(0, eq);
                    } else if (VALUED.contains(s)) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(s + " needs a value");
                        }
                        value = args[++i];
                    }
                    options.put(s, value);
                } else {
                    positional.add(s);
                }
            }
        }

        List<String> positional() {
            return positional;
        }

        String single(String command) {
            if (positional.size() != 1) {
                throw new UsageException(command + " needs exactly one FILE");
            }
            return positional.get(0);
        }

        String option(String name) {
            used.add(name);
            return options.get(name);
        }

        boolean flag(String name) {
            used.add(name);
            return options.containsKey(name);
        }

        void rejectUnknown() {
            used.add("--policy");
            used.add("--kernel"); // read after the scenario is loaded (its overrides apply to the eras named)
            for (String k : options.keySet()) {
                if (!used.contains(k)) {
                    throw new UsageException("unknown option " + k);
                }
            }
        }
    }
}
