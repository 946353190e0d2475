/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.Expectation;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.Spelling;
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
import org.tdpscope.model.io.TraceJsonl;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.JsonlTraceWriter;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.TraceListener;
import org.tdpscope.sim.explore.ExploreBounds;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Explorer;
import org.tdpscope.sim.snapshot.SnapshotProjector;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code tdpscope} command: {@code run}, {@code check}, {@code export}, {@code explore},
 * {@code import}, {@code lsp}; parsed by picocli (per-command {@code --help}, {@code --version},
 * unknown options named with a suggestion). Exit codes: 0 all expectations hold, 1 an expectation
 * failed (or a violation nobody expected), 2 a bad script, bad arguments or an output that cannot be
 * written, 3 an internal error, 4 explore stopped early. Errors are one line each, never a stack trace
 * (set TDPSCOPE_DEBUG=1 to see one). Text outputs take {@code -} for standard output (the report then
 * goes to standard error); any other name must be a regular file or not exist.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int INTERNAL = 3;
    /** explore stopped early (--time, Ctrl-C, SIGTERM): what it printed is partial. */
    static final int TRUNCATED = 4;
    /** Standard output's reader closed it (128 + SIGPIPE, what a shell reports for a process that signal ended). */
    static final int SIGPIPE = 141;
    /** The file name that means standard output. */
    static final String STDOUT = "-";

    private static final String USAGE = """
            usage: tdpscope <command> [arguments]        (tdpscope <command> --help for its options)

              run FILE [--policy P|all] [--kernel E|E,E|all] [--trace OUT.jsonl] [--kernel-trace OUT.txt]
                       [--trace-event OUT.json] [--xmi OUT.tdprun] [--svg DIR [--png]]
                       [--theme light|dark] [--all-events | --quiet]
                    run a scenario: print the step table and the expectation results
              check FILE...
                    parse and validate scenarios (errors as file:line:col: message)
              export FILE --svg DIR [--png] [--diagram roots|policies|timeline|walk|tables|animated|race]
                       [--format svg|text]
                       [--policy P|all] [--kernel E] [--step N] [--gfn A..B] [--gva A..B] [--steps A..B]
                       [--theme light|dark]
                    write diagrams as SVG: the root list (default), the policies side by side, the
                    run's timeline (--steps: only steps A to B-1), each vCPU's last 2-D walk and
                    each thread's last pass over the roots (walk), the TDP page tables of a gfn
                    range (--gfn, default all) and each vCPU's guest page tables of a gva range
                    (--gva, default all), the root list animated over the run; --png adds a PNG
                    of each (an animated GIF for animated); race: the plain-text race diagram
              explore FILE [--policy P|all] [--kernel E|all] [--time 10m] [--depth N] [--yields N] [--invalidations N] [--max-visits N]
                       [--repeat T,...] [--workers N] [--expectations] [--outcomes-file OUT.txt] [--swarm N --seed S]
                       [--cluster [--bind ADDR:PORT] [--members HOST:PORT,...] [--expect-members N]]
                    run every interleaving of the scenario's threads (its schedule is ignored), check the
                    invariants (and with --expectations the expect block) in each, list the distinct
                    outcomes and a shortest counterexample schedule for each bad one (many bad outcomes:
                    grouped by class, a few schedules each; --outcomes-file writes them all); the scenario's
                    explore block gives the bounds, the policies and 'check expectations', flags override it
              import TRACE [--scenario OUT.tdp] [--svg DIR] [--trace OUT.jsonl] [--xmi OUT.tdprun] [--window A..B]
                    read a real KVM MMU trace (tracefs or trace_pipe text, trace-cmd report text, perf script,
                    a mail-wrapped copy; a trace.dat through trace-cmd) and print its lanes, inferred roots,
                    page tables and fast zaps; --scenario writes a scenario replaying the faults and fast zaps,
                    --svg the timeline (one lane per task), --trace the events as JSON Lines, --xmi a run for the
                    workbench, of lines A to B-1
              worker --join HOST:PORT [--bind ADDR:PORT] [--threads N]
                    join an exploration cluster and search for its coordinator until Ctrl-C
              lsp   start the language server on stdin/stdout
              ide   start the workbench (from the ./tdpscope launcher)
              help [COMMAND], --version

            policies: continue, restart, terminate, fifo, or a preset with knobs: restart+keep-listed
              (knobs: head, tail, delist, keep-listed, go-on, restart, terminate)
            kernel eras: v5.15, v5.16, v5.18, v6.4, v6.6, v6.9, v6.14, mainline (default: the scenario's kernel line)
            outputs: '-' writes a text output (--trace, --kernel-trace, --trace-event, --xmi, --outcomes-file) to
              standard output; a file is replaced only when it is a regular file, and all files of one command
              together (or none, keeping the old ones)
            exit codes: 0 expectations hold (explore: no bad outcome), 1 an expectation failed (explore: a bad
            outcome), 2 bad script or arguments, or an output that cannot be written, 3 internal error, 4 explore
            stopped early (--time; Ctrl-C or SIGTERM print the outcomes found so far too, and exit as the signal says)
            """;

    private final PrintStream out;
    private final PrintStream err;
    private TdpScenarios scenarios;

    static {
        // picocli looks up Groovy's Closure class once, for annotations written in Groovy; not found, that
        // lookup opened every jar of the class path, which the launcher orders so that a command opens
        // only the few it needs (an import 11 of 121, 0.1-0.2 s sooner)
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
    }

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(runOnStandardStreams(args));
    }

    /** {@link #run} on the process's standard output (whose write errors are noticed) and error. */
    static int runOnStandardStreams(String[] args) {
        if (args.length > 0 && args[0].equals("lsp")) {
            return run(args, System.out, System.err); // the protocol channel: left exactly as the JVM made it
        }
        StandardOutput stdout = new StandardOutput();
        System.setOut(stdout);
        return run(args, stdout, System.err);
    }

    /** Runs one command; never throws. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Main m = new Main(out, err);
        int code;
        try {
            code = m.dispatch(args);
        } catch (UsageException e) {
            err.println("tdpscope: " + e.getMessage());
            err.println("try 'tdpscope help'");
            code = BAD_INPUT;
        } catch (RuntimeException | Error e) {
            code = m.internal(e);
        }
        out.flush();
        if (out.checkError()) {
            if (out instanceof StandardOutput s && brokenPipe(s.failure)) {
                // the reader went away ('| head'): quietly, with the status a process killed by SIGPIPE has, as
                // grep or cat end
                return SIGPIPE;
            }
            // a full disk on stdout: the user must not take a partial report for a whole one
            String cause = out instanceof StandardOutput s && s.failure != null ? ": " + AtomicFiles.reason(s.failure,
                    null) : "";
            err.println("tdpscope: cannot write to standard output" + cause);
            return code == OK || code == FAILED ? BAD_INPUT : code;
        }
        return code;
    }

    private static boolean brokenPipe(IOException e) {
        return e != null && e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("broken pipe");
    }

    private int internal(Throwable e) {
        if (e instanceof java.io.UncheckedIOException u) {
            err.println("tdpscope: cannot write: " + AtomicFiles.reason(u.getCause(), null));
            return BAD_INPUT;
        }
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError) { // also when a search thread ran out and the search rethrew it
                err.println("tdpscope: out of memory (raise the heap with TDPSCOPE_VM_ARGS=-Xmx4g, or shrink the "
                        + "scenario)");
                return INTERNAL;
            }
        }
        err.println("tdpscope: internal error: " + e);
        if (System.getenv("TDPSCOPE_DEBUG") != null) {
            e.printStackTrace(err);
        }
        return INTERNAL;
    }

    private int dispatch(String[] args) {
        if (args.length == 0) {
            out.print(USAGE);
            return BAD_INPUT;
        }
        CommandLine cl = commandLine();
        if (args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            if (args.length > 1 && cl.getSubcommands().containsKey(args[1])) {
                cl.getSubcommands().get(args[1]).usage(out);
            } else if (args.length > 1) {
                throw new UsageException("no command '" + args[1] + "'" + suggestion(args[1], cl.getSubcommands()
                        .keySet()));
            } else {
                out.print(USAGE);
            }
            return OK;
        }
        if (args[0].equals("--version") || args[0].equals("-V")) {
            out.println("tdpscope " + Version.of());
            return OK;
        }
        // Xtext logs through log4j, whose bundled configuration prints to stdout (a validator's stack trace
        // would land in the step table or the protocol channel): warnings and errors go to stderr. Not for
        // import, which reads no scenario: setting log4j up (its jar's signature checked, its classes
        // loaded) took 0.15 s of every import's start.
        if (!args[0].equals("import")) {
            org.tdpscope.dsl.ide.TdpLanguageServer.logToStandardError();
        }
        return cl.execute(args);
    }

    /** The command tree; the parse and execution handlers turn every failure into one line and an exit code. */
    CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Top());
        cl.addSubcommand("run", new RunCommand(this));
        cl.addSubcommand("check", new CheckCommand(this));
        cl.addSubcommand("export", new ExportCommand(this));
        cl.addSubcommand("explore", new ExploreCommand(this));
        cl.addSubcommand("import", new ImportCommand(this));
        cl.addSubcommand("lsp", new LspCommand());
        cl.addSubcommand("worker", new WorkerCommand(this, err));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("tdpscope: " + describe(ex));
            CommandLine c = ex.getCommandLine();
            err.println(c == null || c.getParent() == null ? "try 'tdpscope help'"
                    : "try 'tdpscope " + c.getCommandName() + " --help'");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UsageException) {
                err.println("tdpscope: " + ex.getMessage());
                err.println("try 'tdpscope " + c.getCommandName() + " --help'");
                return BAD_INPUT;
            }
            return internal(ex);
        });
        return cl;
    }

    /** A parse error in the user's terms: the unknown option or command named, with the nearest known one. */
    static String describe(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            CommandLine c = u.getCommandLine();
            if (first.startsWith("-")) {
                String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                Set<String> names = new LinkedHashSet<>();
                for (OptionSpec o : c.getCommandSpec().options()) {
                    if (!o.hidden()) {
                        names.addAll(List.of(o.names()));
                    }
                }
                return "unknown option '" + name + "'" + suggestion(name, names);
            }
            if (c.getParent() == null) {
                return "unknown command '" + first + "'" + suggestion(first, c.getSubcommands().keySet());
            }
            return c.getCommandName() + ": unexpected argument '" + first + "'";
        }
        if (ex instanceof CommandLine.MissingParameterException mp && !mp.getMissing().isEmpty()) {
            ArgSpec a = mp.getMissing().get(0);
            if (a instanceof OptionSpec o) {
                return o.longestName() + " needs a value (" + a.paramLabel() + ")";
            }
        }
        String m = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    /** "; did you mean --policy?" for the nearest of {@code known} (edit distance at most 2, or a prefix), else "". */
    static String suggestion(String typed, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = Spelling.distance(typed, k);
            if (k.startsWith(typed) && typed.length() > 2) {
                d = Math.min(d, 1);
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int allowed = Math.max(1, Math.min(3, typed.replaceFirst("^-+", "").length() / 3));
        return best != null && bestDistance <= allowed ? "; did you mean " + best + "?" : "";
    }


    // ---------------------------------------------------------------------------------------------
    // The commands: picocli fills the fields; values stay strings so the messages about them stay ours.

    @Command(name = "tdpscope", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Simulate, explore and draw the TDP MMU root list of KVM.")
    static final class Top implements Runnable {
        @Override
        public void run() {
            throw new UsageException("name a command (run, check, export, explore, worker, import, lsp)");
        }
    }

    /** Options every scenario command shares. */
    abstract static class ScenarioCommand {
        final Main main;

        @Option(names = "--policy", paramLabel = "P", description = "continue, restart, terminate, fifo, a preset with"
                + " knobs (restart+keep-listed), or all; default: the scenario's")
        String policy;

        @Option(names = "--kernel", paramLabel = "E", description = "a kernel era (v5.15 ... v6.14, mainline), several"
                + " (v5.16,v6.4) or all; default: the scenario's kernel line")
        String kernel;

        ScenarioCommand(Main main) {
            this.main = main;
        }
    }

    /** Checks that hold between options: one needs another, two exclude each other. */
    static void needs(boolean given, String option, boolean other, String otherOption, String why) {
        if (given && !other) {
            throw new UsageException(option + " needs " + otherOption + (why.isEmpty() ? "" : " (" + why + ")"));
        }
    }

    static void excludes(boolean a, String optionA, boolean b, String optionB, String why) {
        if (a && b) {
            throw new UsageException(optionA + " and " + optionB + " exclude each other" + (why.isEmpty() ? ""
                    : " (" + why + ")"));
        }
    }

    @Command(name = "run", customSynopsis = "tdpscope run FILE [OPTIONS]", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "Run a scenario: print the step table and the expectation results.")
    static final class RunCommand extends ScenarioCommand implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "0..*", hideParamSyntax = true, description = "the scenario (.tdp)")
        List<String> files = new ArrayList<>();
        @Option(names = "--trace", paramLabel = "OUT.jsonl", description = "the trace as JSON Lines ('-': stdout)")
        String trace;
        @Option(names = "--kernel-trace", paramLabel = "OUT.txt", description = "the run as the kernel's kvmmmu"
                + " tracepoints would print it ('-': stdout)")
        String kernelTrace;
        @Option(names = "--trace-event", paramLabel = "OUT.json", description = "the Trace Event Format (Perfetto,"
                + " chrome://tracing, Trace Compass; '-': stdout)")
        String traceEvent;
        @Option(names = "--xmi", paramLabel = "OUT.tdprun", description = "the whole run as EMF XMI, the metamodel's"
                + " Run ('-': stdout)")
        String xmi;
        @Option(names = "--svg", paramLabel = "DIR", description = "the root list of each policy (and the policies"
                + " side by side) as SVG into DIR")
        String svg;
        @Option(names = "--png", description = "a PNG beside each SVG (needs --svg)")
        boolean png;
        @Option(names = "--theme", paramLabel = "light|dark", description = "colours of the drawings")
        String theme;
        @Option(names = "--all-events", description = "every event in the step table, not only those that matter")
        boolean allEvents;
        @Option(names = "--quiet", description = "no step table, only the results")
        boolean quiet;

        RunCommand(Main main) {
            super(main);
        }

        @Override
        public Integer call() {
            return main.run(this);
        }
    }

    @Command(name = "check", customSynopsis = "tdpscope check FILE...", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Parse and validate scenarios (errors as file:line:col: message).")
    static final class CheckCommand implements java.util.concurrent.Callable<Integer> {
        private final Main main;
        @Parameters(paramLabel = "FILE", arity = "0..*", description = "the scenarios (.tdp)")
        List<String> files = new ArrayList<>();

        CheckCommand(Main main) {
            this.main = main;
        }

        @Override
        public Integer call() {
            return main.check(files);
        }
    }

    @Command(name = "export", customSynopsis = "tdpscope export FILE --svg DIR [OPTIONS]", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "Write diagrams of a run as SVG (and PNG), or the plain-text race diagram.")
    static final class ExportCommand extends ScenarioCommand implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "0..*", hideParamSyntax = true, description = "the scenario (.tdp)")
        List<String> files = new ArrayList<>();
        @Option(names = "--svg", paramLabel = "DIR", description = "the folder for the files (race: optional)")
        String svg;
        @Option(names = "--png", description = "a PNG beside each SVG (an animated GIF for animated)")
        boolean png;
        @Option(names = "--diagram", paramLabel = "D", description = "roots (default), policies, timeline, walk,"
                + " tables, animated, race")
        String diagram;
        @Option(names = "--step", paramLabel = "N", description = "the state after step N (0 .. the run's last step)")
        String step;
        @Option(names = "--gfn", paramLabel = "A..B", description = "tables: the gfn range")
        String gfn;
        @Option(names = "--gva", paramLabel = "A..B", description = "tables: each vCPU's guest range")
        String gva;
        @Option(names = "--steps", paramLabel = "A..B", description = "timeline: only steps A to B-1")
        String steps;
        @Option(names = "--theme", paramLabel = "light|dark", description = "colours of the drawings")
        String theme;
        @Option(names = "--format", paramLabel = "svg|text", description = "svg (the drawings; default) or text (the"
                + " race diagram, which has no other form)")
        String format;

        ExportCommand(Main main) {
            super(main);
        }

        @Override
        public Integer call() {
            return main.export(this);
        }
    }

    @Command(name = "import", customSynopsis = "tdpscope import TRACE [OPTIONS]", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            description = "Read a real KVM MMU trace and print its lanes, roots (inferred unless the capture names them), "
                    + "page-table counts, fast zaps and faults.")
    static final class ImportCommand implements java.util.concurrent.Callable<Integer> {
        private final Main main;
        @Parameters(paramLabel = "TRACE", arity = "0..*", hideParamSyntax = true,
                description = "tracefs, trace-cmd or perf text, or trace.dat; '-' reads text from standard input")
        List<String> files = new ArrayList<>();
        @Option(names = "--scenario", paramLabel = "OUT.tdp",
                description = "a scenario replaying the faults, zaps and unmaps ('-': standard output)")
        String scenario;
        @Option(names = "--svg", paramLabel = "DIR",
                description = "NAME.timeline.svg by record, NAME.trace-timeline.svg on the trace's clock, and "
                        + "NAME.page-tables.svg, the reconstructed tables (when the trace shows any)")
        String svg;
        @Option(names = "--trace", paramLabel = "OUT.jsonl", description = "the events as JSON Lines ('-': standard output)")
        String trace;
        @Option(names = "--xmi", paramLabel = "OUT.tdprun",
                description = "the import as EMF XMI, the metamodel's Run ('-': standard output)")
        String xmi;
        @Option(names = "--window", paramLabel = "A..B", description = "only lines A to B-1 of the trace")
        String window;
        @Option(names = "--png", description = "a PNG beside each SVG (needs --svg)")
        boolean png;

        ImportCommand(Main main) {
            this.main = main;
        }

        @Override
        public Integer call() {
            return main.importTrace(this);
        }
    }

    @Command(name = "lsp", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Start the language server on stdin/stdout (for editors).")
    static final class LspCommand implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            org.tdpscope.dsl.ide.TdpLanguageServer.start(System.in, System.out);
            return OK;
        }
    }

    /** {@code --version}: the cli bundle's version. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] { "tdpscope " + of() };
        }

        /** From the OSGi runtime, else the bundle jar's manifest, else the source tree's (a development build). */
        static String of() {
            try {
                org.osgi.framework.Bundle b = org.osgi.framework.FrameworkUtil.getBundle(Main.class);
                if (b != null) {
                    return b.getVersion().toString();
                }
            } catch (LinkageError e) {
                // no OSGi classes on a plain class path
            }
            try {
                Path where = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isRegularFile(where)) {
                    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(where.toFile())) {
                        String v = bundleVersion(jar.getManifest());
                        if (v != null) {
                            return v;
                        }
                    }
                }
                // a folder of classes: Tycho's target/classes, or a quick build beside the bundle
                for (Path d = where; d != null && d.getNameCount() > where.getNameCount() - 3; d = d.getParent()) {
                    Path mf = d.resolve("META-INF/MANIFEST.MF");
                    if (Files.isRegularFile(mf)) {
                        try (var in = Files.newInputStream(mf)) {
                            String v = bundleVersion(new java.util.jar.Manifest(in));
                            if (v != null) {
                                return v;
                            }
                        }
                    }
                }
            } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
                // fall through
            }
            return "(development build, version unknown)";
        }

        /** Bundle-Version, with an unreplaced {@code .qualifier} said in words. */
        static String bundleVersion(java.util.jar.Manifest mf) {
            String v = mf == null ? null : mf.getMainAttributes().getValue("Bundle-Version");
            if (v == null) {
                return null;
            }
            return v.endsWith(".qualifier") ? v.substring(0, v.length() - ".qualifier".length()) + " (development build)"
                    : v;
        }
    }

    // ---------------------------------------------------------------------------------------------

    private TdpScenarios scenarios() {
        if (scenarios == null) {
            scenarios = TdpScenarios.create();
        }
        return scenarios;
    }

    /** Loads and validates; prints diagnostics, each once; null when the script has errors. */
    private LoadedScenario load(String file) {
        LoadedScenario loaded = scenarios().load(Path.of(file));
        Set<String> said = new LinkedHashSet<>();
        for (Diagnostic d : loaded.diagnostics()) {
            if (said.add(d.format())) {
                err.println(d.format());
            }
        }
        if (loaded.hasErrors() && looksLikeTrace(Path.of(file))) {
            err.println("tdpscope: " + file + " looks like a kernel trace, not a scenario: 'tdpscope import " + file
                    + "' reads traces (--svg DIR draws them, --scenario OUT.tdp turns one into a scenario)");
        }
        return loaded.hasErrors() ? null : loaded;
    }

    /**
     * Whether the start of {@code file} has tracepoint records (a trace given where a scenario belongs). Not
     * a scenario with an error: one that {@code import} wrote quotes trace records in its comments.
     */
    static boolean looksLikeTrace(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(64 << 10), StandardCharsets.ISO_8859_1);
            if (head.startsWith("# tracer:") || head.startsWith("cpus=") || head.startsWith("version =")) {
                return true;
            }
            for (String line : head.split("\r?\n|\r")) {
                int comment = line.indexOf("//");
                String code = (comment >= 0 ? line.substring(0, comment) : line).strip();
                if (code.startsWith("scenario ")) {
                    return false;
                }
                if (code.contains(": kvm_") || code.contains("kvmmmu:")) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String single(List<String> files, String command, String what) {
        if (files.size() != 1) {
            throw new UsageException(command + " needs exactly one " + what
                    + (files.isEmpty() ? "" : ", not " + files.size() + " (" + String.join(" ", files) + ")"));
        }
        return files.get(0);
    }

    int check(List<String> files) {
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

    private static List<Policy> policies(String p, LoadedScenario loaded) {
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
    private static List<KernelRules> kernels(String k, LoadedScenario loaded) {
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

    private static Theme theme(String t) {
        if (t == null) {
            return Theme.LIGHT;
        }
        try {
            return Theme.valueOf(t.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown theme '" + t + "' (light, dark)");
        }
    }

    /** The file a text output goes to for one policy and era; {@code -} stays standard output. */
    private static Path outputFile(String option, Policy policy, int policies, KernelRules kernel, int kernels) {
        return option.equals(STDOUT) ? null : perKernel(perPolicy(Path.of(option), policy, policies), kernel, kernels);
    }

    /** Refuses, before anything runs, an output that names something other than a regular file. */
    private static void checkOutput(String option, String value, Path file) {
        try {
            AtomicFiles.checkTarget(file);
        } catch (AtomicFiles.WriteException e) {
            throw new UsageException("cannot write " + file + " (" + option + " " + value + "): " + e.getMessage());
        }
    }

    /** Standard output for a data output: written through, never closed. */
    private OutputStream stdoutData() {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) {
                Main.this.out.write(b, off, len);
            }

            @Override
            public void close() {
                Main.this.out.flush();
            }
        };
    }

    int run(RunCommand c) {
        String file = single(c.files, "run", "FILE");
        needs(c.png, "--png", c.svg != null, "--svg DIR", "the PNG goes beside the SVG");
        excludes(c.quiet, "--quiet", c.allEvents, "--all-events", "the first hides the step table the second widens");
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("--trace", c.trace);
        outputs.put("--kernel-trace", c.kernelTrace);
        outputs.put("--trace-event", c.traceEvent);
        outputs.put("--xmi", c.xmi);
        String toStdout = toStdout(c.svg, outputs);
        Theme theme = theme(c.theme);
        LoadedScenario loaded = load(file);
        if (loaded == null) {
            return BAD_INPUT;
        }
        List<Policy> policies = policies(c.policy, loaded);
        List<KernelRules> kernels = kernels(c.kernel, loaded);
        // with data on standard output, the report goes to standard error
        PrintStream report = toStdout != null ? err : out;
        for (KernelRules kernel : kernels) {
            for (Policy policy : policies) {
                for (Map.Entry<String, String> o : outputs.entrySet()) {
                    if (o.getValue() != null && !o.getValue().equals(STDOUT)) {
                        checkOutput(o.getKey(), o.getValue(), outputFile(o.getValue(), policy, policies.size(), kernel,
                                kernels.size()));
                    }
                }
                if (c.svg != null) {
                    checkOutput("--svg", c.svg, Path.of(c.svg).resolve(baseName(file) + eraPart(kernel, kernels.size())
                            + "." + policy.word() + ".roots.svg"));
                }
            }
        }
        int result = OK;
        List<String[]> comparison = new ArrayList<>();
        List<String> written = new ArrayList<>();
        try (AtomicFiles.Batch files = new AtomicFiles.Batch()) {
            for (KernelRules kernel : kernels) {
                Map<Policy, RunResult> runs = new LinkedHashMap<>();
                for (Policy policy : policies) {
                    report.println("== " + loaded.name() + " — policy " + policy.word() + " (kernel " + kernel.word()
                            + ")");
                    StepTable table = new StepTable(c.quiet ? nullStream() : report, c.allEvents);
                    // The XMI run holds the whole trace; the table and the JSON Lines file are streamed.
                    List<TraceEvent> kept = new ArrayList<>();
                    TraceListener listener = c.xmi == null && c.traceEvent == null ? table : e -> {
                        table.onEvent(e);
                        kept.add(e);
                    };
                    RunResult run;
                    Path trace = c.trace == null ? null
                            : outputFile(c.trace, policy, policies.size(), kernel, kernels.size());
                    try {
                        if (c.trace == null) {
                            run = simulate(loaded, kernel, policy, listener, c.allEvents);
                        } else if (trace == null) {
                            OutputStream o = stdoutData();
                            run = simulateTo(o, loaded, kernel, policy, listener, c.allEvents);
                            o.close();
                        } else {
                            RunResult[] r = new RunResult[1];
                            files.stage(trace, o -> r[0] = simulateTo(o, loaded, kernel, policy, listener,
                                    c.allEvents));
                            run = r[0];
                        }
                    } catch (IOException e) {
                        return writeFailed(trace, e, files);
                    }
                    table.summary();
                    if (run.error() != null) {
                        int[] at = loaded.position(run.error());
                        err.println(file + ":" + at[0] + ":" + at[1] + ": error: " + run.error().getMessage());
                        keptOld(files);
                        return BAD_INPUT;
                    }
                    runs.put(policy, run);
                    result = Math.max(result, report(report, file, loaded, policy, run));
                    comparison.add(new String[] { kernel.word(), policy.word(), outcome(run) });
                    if (trace != null) {
                        written.add("trace: " + trace);
                    }
                    if (c.kernelTrace != null) {
                        Path kt = outputFile(c.kernelTrace, policy, policies.size(), kernel, kernels.size());
                        try {
                            write(files, kt, o -> writeKernelTrace(loaded, kernel, policy, o));
                        } catch (IOException e) {
                            return writeFailed(kt, e, files);
                        }
                        if (kt != null) {
                            written.add("kernel trace: " + kt);
                        }
                    }
                    if (c.traceEvent != null) {
                        Path te = outputFile(c.traceEvent, policy, policies.size(), kernel, kernels.size());
                        String json = TraceEventFormat.json(loaded.name(), kernel.word(), policy.word(), kept);
                        try {
                            write(files, te, o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
                        } catch (IOException e) {
                            return writeFailed(te, e, files);
                        }
                        if (te != null) {
                            written.add("trace events: " + te + " (Perfetto, chrome://tracing, Trace Compass)");
                        }
                    }
                    if (c.xmi != null) {
                        Path xmi = outputFile(c.xmi, policy, policies.size(), kernel, kernels.size());
                        org.tdpscope.model.Run saved = new SnapshotProjector(run).projectRun(loaded.name(), file, kept);
                        try {
                            write(files, xmi, o -> RunStore.saveXmi(saved, o));
                        } catch (IOException e) {
                            return writeFailed(xmi, e, files);
                        }
                        if (xmi != null) {
                            written.add("run: " + xmi);
                        }
                    }
                    if (c.svg != null) {
                        Path svg = Path.of(c.svg).resolve(baseName(file) + eraPart(kernel, kernels.size()) + "."
                                + policy.word() + ".roots.svg");
                        Path failed = stageDiagram(files, svg, RootListDiagram.layout(loaded.name(),
                                RootListSnapshot.of(run.simulation(), null), run.violations(), theme), c.png);
                        if (failed != null) {
                            return BAD_INPUT;
                        }
                        diagramWritten(written, svg, c.png);
                    }
                }
                if (c.svg != null && runs.size() > 1) {
                    Path svg = Path.of(c.svg).resolve(baseName(file) + eraPart(kernel, kernels.size())
                            + ".policies.svg");
                    String title = kernels.size() > 1 || kernel.era() != Era.MAINLINE || !kernel.overrides().isEmpty()
                            ? loaded.name() + " (kernel " + kernel.word() + ")" : loaded.name();
                    if (stageDiagram(files, svg, PolicyComparisonDiagram.layout(title, runs, theme), c.png) != null) {
                        return BAD_INPUT;
                    }
                    diagramWritten(written, svg, c.png);
                }
            }
            try {
                files.commit();
            } catch (AtomicFiles.WriteException e) {
                return cannotWrite(e);
            }
        }
        for (String w : written) {
            report.println(w);
        }
        if (kernels.size() > 1) {
            printComparison(report, comparison);
        }
        return result;
    }

    /** Stages {@code target}, or writes to standard output when it is null ({@code -}). */
    private void write(AtomicFiles.Batch files, Path target, AtomicFiles.Content content) throws IOException {
        if (target == null) {
            try (OutputStream o = stdoutData()) {
                content.writeTo(o);
            }
        } else {
            files.stage(target, content);
        }
    }

    /** Says why a write failed and that the files of this command are not replaced. */
    private int writeFailed(Path target, IOException e, AtomicFiles.Batch files) {
        err.println("tdpscope: cannot write " + (target == null ? "to standard output" : target) + ": "
                + AtomicFiles.reason(e, target));
        keptOld(files);
        return BAD_INPUT;
    }

    /** A batch that could not replace its files; the exception says which it kept (its message names them). */
    private int cannotWrite(AtomicFiles.WriteException e) {
        err.println("tdpscope: cannot write " + e.target() + ": " + e.getMessage());
        return BAD_INPUT;
    }

    private void keptOld(AtomicFiles.Batch files) {
        err.println("tdpscope: no output file written; files already there are left as they were");
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
    private static void printComparison(PrintStream out, List<String[]> rows) {
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

    /** Stages a diagram as SVG (and PNG); null when done, else (after saying why) the file that failed. */
    /** The report's lines for a diagram: the SVG, and the PNG beside it with {@code --png}. */
    private static void diagramWritten(List<String> written, Path svg, boolean png) {
        written.add("diagram: " + svg);
        if (png) {
            written.add("diagram: " + pngBeside(svg));
        }
    }

    /** The PNG written beside {@code NAME.svg} with {@code --png}: {@code NAME.png}. */
    static Path pngBeside(Path svg) {
        String name = svg.getFileName().toString();
        return svg.resolveSibling(name.substring(0, name.length() - 4) + ".png");
    }

    private Path stageDiagram(AtomicFiles.Batch files, Path svg, Scene scene, boolean png) {
        Path target = svg;
        try {
            String text = SvgRenderer.render(scene);
            files.stage(svg, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
            if (png) {
                target = pngBeside(svg);
                byte[] bytes = PngRenderer.png(scene, 2);
                files.stage(target, o -> o.write(bytes));
            }
            return null;
        } catch (IOException e) {
            writeFailed(target, e, files);
            return target;
        }
    }

    /** {@code iteratorEvents} ({@code --all-events}): walks report each SPTE iterator position too. */
    private static RunResult simulate(LoadedScenario loaded, KernelRules kernel, Policy policy,
            TraceListener listener, boolean iteratorEvents) {
        Scenario s = loaded.scenarioFor(kernel);
        if (iteratorEvents) {
            s = s.copy();
            s.iteratorEvents = true;
        }
        return new Simulation(s, policy, listener).run();
    }

    /** Runs the scenario, streaming its JSON Lines trace (after the header line) to {@code out}. */
    private static RunResult simulateTo(OutputStream out, LoadedScenario loaded, KernelRules kernel, Policy policy,
            TraceListener table, boolean iteratorEvents) throws IOException {
        Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
        w.write(TraceJsonl.header(loaded.name(), kernel.word(), policy.word()));
        w.write('\n');
        JsonlTraceWriter jsonl = new JsonlTraceWriter(w);
        RunResult result;
        try {
            result = simulate(loaded, kernel, policy, e -> {
                table.onEvent(e);
                jsonl.onEvent(e);
            }, iteratorEvents);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        w.flush();
        return result;
    }

    /** The run again, printed as the kernel's kvmmmu tracepoints would print it (tracefs text). */
    private static void writeKernelTrace(LoadedScenario loaded, KernelRules kernel, Policy policy, OutputStream o)
            throws IOException {
        Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(o, StandardCharsets.UTF_8));
        w.write("# tracer: nop\n#\n# simulated by tdpscope: " + loaded.name() + ", kernel " + kernel.word()
                + ", policy " + policy.word() + "\n#\n");
        KernelTraceWriter kt = new KernelTraceWriter(w);
        Simulation sim = new Simulation(loaded.scenarioFor(kernel), policy, kt);
        kt.attach(sim);
        try {
            sim.run();
            kt.finish(); // a thread's SPTE lines held back for its fault's request line
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        w.flush();
    }

    /** Writes text all or nothing (a temporary file beside the target, then a rename). */
    static void writeText(Path target, String text) throws IOException {
        AtomicFiles.write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Prints each expectation's outcome; violations no expectation mentions also fail the run. */
    private int report(PrintStream out, String file, LoadedScenario loaded, Policy policy, RunResult run) {
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

    int export(ExportCommand c) {
        String file = single(c.files, "export", "FILE");
        Theme theme = theme(c.theme);
        if (c.format != null && !c.format.equals("svg") && !c.format.equals("text")) {
            throw new UsageException("unknown format '" + c.format + "' (svg, text)"
                    + suggestion(c.format, List.of("svg", "text")));
        }
        if ("text".equals(c.format) && c.diagram == null) {
            c.diagram = "race"; // the one diagram with a text form
        }
        if ("svg".equals(c.format) && "race".equals(c.diagram)) {
            throw new UsageException("the race diagram is text only (--format text)");
        }
        if ("text".equals(c.format) && !"race".equals(c.diagram)) {
            throw new UsageException("--format text is the race diagram's form only (--diagram race)");
        }
        if ("race".equals(c.diagram)) {
            excludes(c.png, "--png", true, "--diagram race", "the race diagram is text");
            return raceText(c, file, c.svg);
        }
        if (c.svg == null) {
            throw new UsageException("export needs --svg DIR" + (c.png ? " (--png writes beside the SVG)" : ""));
        }
        RunExport.Diagram d = c.diagram == null ? RunExport.Diagram.ROOTS : RunExport.Diagram.fromWord(c.diagram);
        if (d == null) {
            List<String> words = new ArrayList<>();
            for (RunExport.Diagram x : RunExport.Diagram.values()) {
                words.add(x.word());
            }
            throw new UsageException("unknown diagram '" + c.diagram + "' (" + String.join(", ", words) + ")"
                    + suggestion(c.diagram, words));
        }
        if ((c.gfn != null || c.gva != null) && d != RunExport.Diagram.TABLES) {
            throw new UsageException((c.gfn != null ? "--gfn" : "--gva") + " goes with --diagram tables");
        }
        if (c.steps != null && d != RunExport.Diagram.TIMELINE) {
            throw new UsageException("--steps goes with --diagram timeline");
        }
        excludes(c.step != null, "--step", d == RunExport.Diagram.ANIMATED, "--diagram animated",
                "the animation shows every step");
        RunExport.Range gfns = c.gfn == null ? null : range(c.gfn, "--gfn");
        RunExport.Range gvas = c.gva == null ? null : range(c.gva, "--gva");
        RunExport.Range window = c.steps == null ? null : range(c.steps, "--steps");
        Long at;
        try {
            at = c.step == null ? null : Long.parseLong(c.step);
        } catch (NumberFormatException e) {
            throw new UsageException("--step wants a number, not '" + c.step + "'");
        }
        if (at != null && at < 0) {
            throw new UsageException("--step wants a step number from 0, not " + at);
        }
        LoadedScenario loaded = load(file);
        if (loaded == null) {
            return BAD_INPUT;
        }
        // the comparison compares every policy unless told which
        List<Policy> policies = d == RunExport.Diagram.POLICIES && c.policy == null
                ? List.of(Policy.values()) : policies(c.policy, loaded);
        List<KernelRules> kernels = kernels(c.kernel, loaded);
        if (kernels.size() > 1 && c.kernel != null) {
            throw new UsageException("export draws one kernel era; name one with --kernel");
        }
        if (at != null) {
            // a step past the end would draw the last one under the wrong label
            for (Policy policy : policies) {
                long last = new Simulation(loaded.scenarioFor(kernels.get(0)), policy, e -> { }).run().steps();
                if (at > last) {
                    throw new UsageException("--step " + at + " is past the end of the run: under policy "
                            + policy.word() + " (kernel " + kernels.get(0).word() + ") the steps are 0.." + last);
                }
            }
        }
        RunExport.Result result = RunExport.documents(baseName(file), loaded.name(), loaded.scenarioFor(kernels.get(0)),
                new RunExport.Choices(List.of(d), policies, theme, true, c.png, at, gfns, gvas, window));
        if (!result.problems().isEmpty()) {
            for (String p : result.problems()) {
                err.println("tdpscope: " + file + ": " + p);
            }
            return BAD_INPUT;
        }
        try {
            for (Path written : RunExport.write(Path.of(c.svg), result.documents())) {
                out.println(written);
            }
        } catch (IOException e) {
            err.println("tdpscope: " + e.getMessage());
            return BAD_INPUT;
        }
        return OK;
    }

    static RunExport.Range range(String text, String option) {
        try {
            return RunExport.Range.parse(text, option);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    int explore(ExploreCommand c) {
        String file = single(c.files, "explore", "FILE");
        // flags are read before the file, so a bad command line fails fast; they override the explore block
        Integer depth = bound(c.depth, "--depth", 1);
        Integer yields = bound(c.yields, "--yields", 0);
        Integer invalidations = bound(c.invalidations, "--invalidations", 0);
        Integer visits = bound(c.maxVisits, "--max-visits", 1);
        Integer workers = bound(c.workers, "--workers", 1);
        Integer swarm = bound(c.swarm, "--swarm", 1);
        long timeLimitMs = duration(c.time);
        c.checkSearch();
        if (depth != null && depth > org.tdpscope.sim.Limits.MAX_EXPLORE_DEPTH) {
            throw new UsageException("--depth " + depth + " is more than the limit of "
                    + org.tdpscope.sim.Limits.MAX_EXPLORE_DEPTH + " schedule steps");
        }
        if (visits != null && visits > org.tdpscope.sim.Limits.MAX_EXPLORE_VISITS) {
            throw new UsageException("--max-visits " + visits + " is more than the limit of "
                    + org.tdpscope.sim.Limits.MAX_EXPLORE_VISITS);
        }
        if (c.outcomesFile != null && !c.outcomesFile.equals(STDOUT)) {
            checkOutput("--outcomes-file", c.outcomesFile, Path.of(c.outcomesFile));
        }
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
        if (c.repeat != null) {
            bounds = bounds.withRepeating(c.repeat.isBlank() ? new String[0] : c.repeat.split(","));
        }
        boolean expectations = c.expectations || loaded.exploreChecksExpectations();
        if (swarm != null) {
            long seed;
            try {
                seed = c.seed == null ? 1 : Long.parseLong(c.seed);
            } catch (NumberFormatException e) {
                throw new UsageException("--seed wants a number, not '" + c.seed + "'");
            }
            return ExploreScale.swarm(loaded, kernels(c.kernel, loaded), c.policy == null ? loaded.explorePolicies()
                    : policies(c.policy, loaded), bounds, expectations, swarm, seed, timeLimitMs <= 0 ? null
                            : java.time.Duration.ofMillis(timeLimitMs), out, err);
        }
        StringBuilder all = c.outcomesFile == null ? null : new StringBuilder();
        List<KernelRules> kernels = kernels(c.kernel, loaded);
        // every option checked before a cluster member starts listening
        List<Policy> policies = c.policy == null ? loaded.explorePolicies() : policies(c.policy, loaded);
        ExploreScale.Cluster cluster = c.cluster ? ExploreScale.cluster(c, bounds.workers(), err) : null;
        boolean bad = false;
        boolean truncated = false;
        // --time bounds the whole command: each search gets an even share of what is left
        int searches = kernels.size() * policies.size();
        int started = 0;
        long deadline = timeLimitMs < 0 ? Long.MAX_VALUE : System.nanoTime() + timeLimitMs * 1_000_000;
        List<String> notExplored = new ArrayList<>();
        String notExploredWhy = null;
        List<ExploreProgress> progresses = new ArrayList<>();
        try {
            for (KernelRules kernel : kernels)
            for (Policy policy : policies) {
                String what = policy.word() + " (kernel " + kernel.word() + ")";
                if (ExploreProgress.signalled()) {
                    notExplored.add(what);
                    notExploredWhy = "interrupted (Ctrl-C or SIGTERM)";
                    continue;
                }
                long share = timeLimitMs < 0 ? -1 : (deadline - System.nanoTime()) / 1_000_000 / (searches - started);
                started++;
                if (timeLimitMs >= 0 && share <= 0) {
                    notExplored.add(what);
                    notExploredWhy = "the time bound (--time) was reached";
                    continue;
                }
                Predicate<RunResult> check = expectations ? loaded.expectationsPredicate(kernel, policy) : null;
                ExploreResult r;
                ExploreProgress progress = new ExploreProgress(err, share);
                progresses.add(progress);
                try {
                    progress.start();
                    // the one place a search is chosen: swarm and cluster searches plug in here
                    r = cluster != null ? cluster.explore(loaded, kernel, policy, bounds, expectations, check, progress)
                            : new Explorer().explore(loaded.scenarioFor(kernel), policy, bounds, check, progress);
                } catch (IllegalArgumentException e) {
                    err.println(file + ":1:1: error: cannot explore: " + e.getMessage());
                    return BAD_INPUT;
                }
                ExploreResult.Stats st = r.stats();
                String title = "== " + loaded.name() + " — every interleaving under " + what;
                out.println(title);
                out.println("  bounds: depth " + bounds.maxDepth() + ", " + bounds.maxYields() + " yields"
                        + (bounds.maxInvalidations() == Integer.MAX_VALUE ? "" : ", " + bounds.maxInvalidations()
                                + " invalidations")
                        + (bounds.repeating().isEmpty() ? "" : ", repeating " + String.join(", ",
                                new java.util.TreeSet<>(bounds.repeating())))
                        + (expectations ? ", expectations checked" : "")
                        + (timeLimitMs >= 0 && searches > 1 ? String.format(Locale.ROOT, ", %.1f s of --time", share
                                / 1000.0) : ""));
                out.printf(Locale.ROOT, "  %,d visits, %,d distinct states in %.1f s (%,.0f states/s); pruned %,d by"
                        + " state hashing, %,d by sleep sets; %,d runs cut by the bounds%s%n", st.visits(),
                        st.distinctStates(), st.millis() / 1000.0, st.distinctStatesPerSecond(), st.hashPruned(),
                        st.sleepPruned(), st.boundCut(), st.truncated() && !st.cancelled()
                                ? " (TRUNCATED: raise --max-visits)" : "");
                progress.stop();
                ExploreScale.degradedNote(r, out);
                if (st.cancelled()) {
                    out.println("  TRUNCATED: " + progress.why() + "; the outcomes below are those found so far");
                }
                truncated |= st.truncated() || st.cancelled();
                ExploreReport.summary(out, r.outcomes(), c.outcomesFile);
                if (all != null) {
                    all.append(title).append('\n');
                    ExploreReport.everything(all, r.outcomes());
                }
                bad |= !r.bad().isEmpty();
                out.flush();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (!notExplored.isEmpty()) {
                // never let a reader take the searches that did not run for searches that found nothing
                out.println("NOT EXPLORED (" + notExploredWhy + "): " + String.join(", ", notExplored));
                truncated = true;
            }
            if (all != null) { // also after a signal: the outcomes found so far are what the user asked the file for
                try {
                    if (c.outcomesFile.equals(STDOUT)) {
                        out.print(all);
                    } else {
                        writeText(Path.of(c.outcomesFile), all.toString());
                        out.println("outcomes: " + c.outcomesFile);
                    }
                } catch (IOException e) {
                    err.println("tdpscope: cannot write " + c.outcomesFile + ": " + AtomicFiles.reason(e, null));
                    return BAD_INPUT;
                }
            }
            out.flush();
        } finally {
            for (ExploreProgress p : progresses) {
                p.stop(); // no more ticks, also when a search failed
                p.printed(); // a signal's shutdown hook waits for this before the JVM exits
            }
        }
        // a bad outcome matters most; else a search cut short (time, visits, a signal) is not an all-clear
        return bad ? FAILED : truncated ? TRUNCATED : OK;
    }

    /** A bound given on the command line (null when absent), at least {@code min}. */
    private static Integer bound(String v, String name, int min) {
        if (v == null) {
            return null;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " wants a number, not '" + v + "'");
        }
        if (n < min) {
            throw new UsageException(name + " must be at least " + min + ", not " + n);
        }
        return n;
    }

    /**
     * {@code export --diagram race}: the plain-text race diagram of each run, for a commit message,
     * on stdout, or with {@code --svg DIR} as {@code NAME.POLICY.race.txt} files.
     */
    private int raceText(ExportCommand c, String file, String dir) {
        LoadedScenario loaded = load(file);
        if (loaded == null) {
            return BAD_INPUT;
        }
        List<KernelRules> kernels = kernels(c.kernel, loaded);
        List<Policy> policies = policies(c.policy, loaded);
        List<Path> written = new ArrayList<>();
        try (AtomicFiles.Batch files = new AtomicFiles.Batch()) {
            for (KernelRules kernel : kernels) {
                for (Policy policy : policies) {
                    List<TraceEvent> events = new ArrayList<>();
                    RunResult run = new Simulation(loaded.scenarioFor(kernel), policy, events::add).run();
                    String text = org.tdpscope.export.RaceText.of(loaded.name() + " (kernel " + kernel.word()
                            + ", policy " + policy.word() + (run.error() == null ? ""
                                    : "; the schedule stops: " + run.error().getMessage()) + ")", events);
                    if (dir == null || dir.equals(STDOUT)) {
                        out.print(text);
                        out.println();
                        continue;
                    }
                    Path target = Path.of(dir).resolve(baseName(file) + eraPart(kernel, kernels.size()) + "."
                            + policy.word() + ".race.txt");
                    try {
                        files.stage(target, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
                    } catch (IOException e) {
                        return writeFailed(target, e, files);
                    }
                    written.add(target);
                }
            }
            try {
                files.commit();
            } catch (AtomicFiles.WriteException e) {
                return cannotWrite(e);
            }
        }
        for (Path p : written) {
            out.println(p);
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

    int importTrace(ImportCommand c) {
        String file = single(c.files, "import", "TRACE");
        if (c.window != null && c.scenario == null && c.svg == null && c.trace == null && c.xmi == null) {
            throw new UsageException("--window goes with --scenario, --svg, --trace or --xmi");
        }
        TraceImport.Window w = null;
        if (c.window != null) {
            RunExport.Range r = range(c.window, "--window");
            if (r.from() < 1) { // --steps counts from 0; a trace's lines from 1
                throw new UsageException("--window " + c.window + ": a trace's lines start at 1");
            }
            w = new TraceImport.Window(r.from(), r.to());
        }
        needs(c.png, "--png", c.svg != null, "--svg DIR", "the PNG goes beside the SVG");
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("--scenario", c.scenario);
        outputs.put("--trace", c.trace);
        outputs.put("--xmi", c.xmi);
        String toStdout = toStdout(c.svg, outputs);
        Map<Path, String> targets = new java.util.HashMap<>();
        for (Map.Entry<String, String> o : outputs.entrySet()) {
            if (o.getValue() == null || o.getValue().equals(STDOUT)) {
                continue;
            }
            Path target = Path.of(o.getValue()).toAbsolutePath().normalize();
            if (!file.equals(STDOUT) && sameFile(target, Path.of(file))) {
                throw new UsageException(o.getKey() + " " + o.getValue() + " would overwrite the trace it reads");
            }
            String other = targets.put(target, o.getKey());
            if (other != null) {
                throw new UsageException(other + " and " + o.getKey() + " name the same file " + o.getValue());
            }
            checkOutput(o.getKey(), o.getValue(), Path.of(o.getValue()));
        }
        try {
            return new TraceImport(out, err).png(c.png).xmi(c.xmi == null || c.xmi.equals(STDOUT) ? null : Path.of(c.xmi))
                    .toStdout(toStdout, toStdout == null ? OutputStream.nullOutputStream() : stdoutData())
                    .run(Path.of(file), c.scenario == null || c.scenario.equals(STDOUT) ? null : Path.of(c.scenario), w,
                            c.svg == null ? null : Path.of(c.svg),
                            c.trace == null || c.trace.equals(STDOUT) ? null : Path.of(c.trace));
        } catch (AtomicFiles.WriteException e) {
            return cannotWrite(e);
        } catch (IOException e) {
            err.println("tdpscope: cannot import " + file + ": " + AtomicFiles.reason(e, null));
            return BAD_INPUT;
        }
    }

    /**
     * The text output (option to value) that goes to standard output ({@code -}), or null: at most one may, and
     * never the {@code --svg} folder.
     */
    private static String toStdout(String svg, Map<String, String> outputs) {
        if (STDOUT.equals(svg)) {
            throw new UsageException("--svg wants a folder; '-' (standard output) is only for text outputs");
        }
        String option = null;
        for (Map.Entry<String, String> o : outputs.entrySet()) {
            if (STDOUT.equals(o.getValue())) {
                if (option != null) {
                    throw new UsageException("only one output can go to standard output ('-')");
                }
                option = o.getKey();
            }
        }
        return option;
    }

    /** Whether two paths name one file (also through a link), or would once {@code a} is written. */
    private static boolean sameFile(Path a, Path b) {
        try {
            return a.equals(b.toAbsolutePath().normalize()) || Files.exists(a) && Files.exists(b)
                    && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
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
        return new PrintStream(OutputStream.nullOutputStream());
    }

    /** A bad command line. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * The process's standard output, remembering why a write failed (a PrintStream only says that one did):
     * {@code > /dev/full} or a closed pipe must end in a message and a non-zero exit, not exit 0.
     */
    static final class StandardOutput extends PrintStream {
        volatile IOException failure;

        StandardOutput() {
            this(new Recorder(new FileOutputStream(FileDescriptor.out)));
        }

        private StandardOutput(Recorder r) {
            super(r, true, stdoutCharset());
            r.owner = this;
        }

        private static Charset stdoutCharset() {
            try {
                String e = System.getProperty("sun.stdout.encoding");
                return e == null ? Charset.defaultCharset() : Charset.forName(e);
            } catch (RuntimeException e) {
                return Charset.defaultCharset();
            }
        }

        private static final class Recorder extends java.io.BufferedOutputStream {
            StandardOutput owner;

            Recorder(OutputStream o) {
                super(o, 1 << 16);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                try {
                    super.write(b, off, len);
                } catch (IOException e) {
                    note(e);
                    throw e;
                }
            }

            @Override
            public synchronized void write(int b) throws IOException {
                try {
                    super.write(b);
                } catch (IOException e) {
                    note(e);
                    throw e;
                }
            }

            @Override
            public synchronized void flush() throws IOException {
                try {
                    super.flush();
                } catch (IOException e) {
                    note(e);
                    throw e;
                }
            }

            private void note(IOException e) {
                if (owner != null && owner.failure == null) {
                    owner.failure = e;
                }
            }
        }
    }
}
