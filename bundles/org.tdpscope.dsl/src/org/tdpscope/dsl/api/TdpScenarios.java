/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.formatting2.FormatterPreferenceKeys;
import org.eclipse.xtext.formatting2.FormatterRequest;
import org.eclipse.xtext.formatting2.IFormatter2;
import org.eclipse.xtext.formatting2.regionaccess.ITextRegionAccess;
import org.eclipse.xtext.formatting2.regionaccess.ITextReplacement;
import org.eclipse.xtext.formatting2.regionaccess.TextRegionAccessBuilder;
import org.eclipse.xtext.preferences.MapBasedPreferenceValues;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.resource.XtextResourceSet;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.validation.CheckMode;
import org.eclipse.xtext.validation.IResourceValidator;
import org.eclipse.xtext.validation.Issue;
import org.tdpscope.dsl.TdpStandaloneSetup;
import org.tdpscope.dsl.interpreter.InterpretException;
import org.tdpscope.dsl.interpreter.Positions;
import org.tdpscope.dsl.interpreter.TdpInterpreter;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Outcome;

import com.google.inject.Injector;

/**
 * Entry point for tools: reads {@code .tdp} files without an Eclipse workspace. Create once and
 * reuse (setting Xtext up takes a while); calls are serialized, so one instance may be shared.
 */
public final class TdpScenarios {

    private final Injector injector;

    private TdpScenarios(Injector injector) {
        this.injector = injector;
    }

    public static TdpScenarios create() {
        quietLogging();
        return new TdpScenarios(new TdpStandaloneSetup().createInjectorAndDoEMFRegistration());
    }

    /**
     * Xtext logs through log4j 1.2; unconfigured, it prints setup warnings at every user. Errors
     * still reach stderr.
     */
    private static void quietLogging() {
        org.apache.log4j.Logger root = org.apache.log4j.Logger.getRootLogger();
        if (!root.getAllAppenders().hasMoreElements()) {
            root.setLevel(org.apache.log4j.Level.ERROR);
            root.addAppender(new org.apache.log4j.ConsoleAppender(
                    new org.apache.log4j.PatternLayout("tdpscope: %p %c{1}: %m%n"), "System.err"));
        }
    }

    /** The language's Guice injector (for editor services built on the same setup). */
    public Injector injector() {
        return injector;
    }

    /**
     * Loads a file; never throws for bad input: an unreadable file gives one error at 1:1, bytes that are not UTF-8
     * or a file beyond {@code Limits.MAX_SCRIPT_BYTES} one error where it happens ({@link ScriptFiles}).
     */
    public LoadedScenario load(Path file) {
        String name = String.valueOf(file);
        String text;
        try {
            text = ScriptFiles.read(file);
        } catch (ScriptFiles.BadScriptException e) {
            return new LoadedScenario(name, "", "", List.of(new Diagnostic(Diagnostic.Severity.ERROR, name,
                    Math.max(1, e.line()), Math.max(1, e.column()), e.getMessage(), TdpIssueCodes.ENCODING)), null,
                    List.of(), List.of());
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new LoadedScenario(name, "", "", List.of(new Diagnostic(Diagnostic.Severity.ERROR, name, 1, 1,
                    "cannot read the file: " + why, TdpIssueCodes.IO)), null, List.of(), List.of());
        }
        return load(text, name);
    }

    /** Parses, validates (including a dry run under each policy) and interprets {@code text}. */
    public synchronized LoadedScenario load(String text, String fileName) {
        String file = fileName == null ? "<scenario>" : fileName;
        String source = text == null ? "" : text;
        ScriptFiles.BadScriptException big = ScriptFiles.checkSize(source);
        if (big != null) {
            return new LoadedScenario(file, "", "", List.of(new Diagnostic(Diagnostic.Severity.ERROR, file, big.line(),
                    big.column(), big.getMessage(), TdpIssueCodes.LIMIT)), null, List.of(), List.of());
        }
        try {
            return doLoad(source, file);
        } catch (OutOfMemoryError e) {
            return new LoadedScenario(file, "", "", List.of(new Diagnostic(Diagnostic.Severity.ERROR, file, 1, 1,
                    "out of memory while reading the scenario (" + source.length() + " characters); the limits are: "
                            + org.tdpscope.sim.Limits.summary(), TdpIssueCodes.LIMIT)), null, List.of(), List.of());
        } catch (RuntimeException | StackOverflowError e) {
            return new LoadedScenario(file, source, "", List.of(new Diagnostic(Diagnostic.Severity.ERROR, file, 1, 1,
                    "internal error while reading the scenario: " + e, TdpIssueCodes.INTERNAL)), null, List.of(),
                    List.of());
        }
    }

    /** Parses only (no validation), as {@link #load} does first; for benchmarks and tools. */
    public XtextResource parse(String text) throws IOException {
        XtextResourceSet rs = injector.getInstance(XtextResourceSet.class);
        XtextResource r = injector.getInstance(XtextResource.class);
        r.setURI(URI.createURI("inmemory:/scenario.tdp"));
        rs.getResources().add(r);
        r.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                Map.of(XtextResource.OPTION_ENCODING, "UTF-8"));
        return r;
    }

    private LoadedScenario doLoad(String text, String file) throws RuntimeException {
        XtextResource r;
        try {
            r = parse(text);
        } catch (IOException e) {
            return new LoadedScenario(file, text, "", List.of(new Diagnostic(Diagnostic.Severity.ERROR, file, 1, 1,
                    "cannot read the scenario: " + e.getMessage(), TdpIssueCodes.IO)), null, List.of(), List.of());
        }
        List<Issue> issues = injector.getInstance(IResourceValidator.class).validate(r, CheckMode.ALL,
                CancelIndicator.NullImpl);
        LinkedHashSet<Diagnostic> diags = new LinkedHashSet<>();
        for (Issue i : issues) {
            diags.add(toDiagnostic(i, file));
        }
        EObject root = r.getContents().isEmpty() ? null : r.getContents().get(0);
        Model model = root instanceof Model m ? m : null;
        String name = model != null && model.getTitle() != null ? model.getTitle() : "";
        boolean errors = diags.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
        if (model == null && !errors) {
            diags.add(new Diagnostic(Diagnostic.Severity.ERROR, file, 1, 1, "expected: scenario \"title\" { ... }",
                    TdpIssueCodes.SYNTAX));
            errors = true;
        }
        TdpInterpreter.Result result = null;
        if (!errors) {
            try {
                result = new TdpInterpreter().interpret(model);
            } catch (InterpretException e) {
                diags.add(new Diagnostic(Diagnostic.Severity.ERROR, file, Positions.line(e.where()),
                        Positions.column(e.where()), e.getMessage(), TdpIssueCodes.INTERPRETER));
            }
        }
        List<Diagnostic> sorted = new ArrayList<>(diags);
        sorted.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
        if (result == null) {
            return new LoadedScenario(file, text, name, sorted, null, List.of(), List.of());
        }
        return new LoadedScenario(file, text, name, sorted, result.scenario(), result.policies(),
                new ArrayList<>(result.expectations()), result.explore()).withKernels(result.kernels())
                        .withOpPositions(opPositions(model, result.scenario()));
    }

    /** Per thread, the line and column of each operation of its program (for a run that fails in one). */
    private static Map<String, List<int[]>> opPositions(Model model, Scenario scenario) {
        Map<String, List<int[]>> out = new HashMap<>();
        for (Scenario.ThreadSpec t : scenario.threads) {
            List<int[]> at = new ArrayList<>();
            for (int i = 0; i < t.ops().size(); i++) {
                EObject op = Positions.opAt(model, t.name(), i);
                at.add(op == null ? null : new int[] { Positions.line(op), Positions.column(op) });
            }
            out.put(t.name(), at);
        }
        return out;
    }

    private static Diagnostic toDiagnostic(Issue i, String file) {
        Diagnostic.Severity sev = switch (i.getSeverity()) {
            case ERROR -> Diagnostic.Severity.ERROR;
            case WARNING -> Diagnostic.Severity.WARNING;
            default -> Diagnostic.Severity.INFO;
        };
        int line = i.getLineNumber() == null || i.getLineNumber() < 1 ? 1 : i.getLineNumber();
        int col = i.getColumn() == null || i.getColumn() < 1 ? 1 : i.getColumn();
        return new Diagnostic(sev, file, line, col, i.getMessage(), TdpIssueCodes.external(i.getCode()));
    }

    /**
     * The scenario {@code text} with {@code steps} as its schedule (an explorer's counterexample, to save and
     * replay): the {@code schedule} block replaced or added, {@code comment} as its first lines, the policy
     * line set to {@code policy} (null: kept), everything else as written except the programs of the
     * {@code repeating} threads, written out as far as the steps run them.
     *
     * @throws IllegalArgumentException when the text does not parse
     */
    public String withSchedule(String text, List<ScheduleStep> steps, Collection<String> repeating,
            Policy policy, String comment) {
        return withSchedule(text, steps, repeating, policy, null, comment);
    }

    /**
     * {@link #withSchedule}, also setting the kernel line to {@code kernel} (null: kept) when the text does not
     * run that era alone.
     */
    public synchronized String withSchedule(String text, List<ScheduleStep> steps, Collection<String> repeating,
            Policy policy, KernelRules kernel, String comment) {
        return ScheduleRewrite.rewrite(model(text), text, steps, repeating, policy, kernel, comment);
    }

    /** The model of {@code text}, which must parse without syntax errors (else IllegalArgumentException). */
    private Model model(String text) {
        XtextResource r;
        try {
            r = parse(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the scenario: " + e.getMessage(), e);
        }
        if (r.getParseResult() == null || r.getParseResult().hasSyntaxErrors() || r.getContents().isEmpty()
                || !(r.getContents().get(0) instanceof Model model)) {
            throw new IllegalArgumentException("the scenario has syntax errors");
        }
        return model;
    }

    /**
     * A script that replays an explored outcome: {@code text} (the explored scenario's) with the outcome's
     * shortest schedule, as far as a replay runs it (a livelock ends where the simulator's cut-off reports
     * it), as its schedule block; see {@link #withSchedule}.
     *
     * @param repeating the threads the exploration repeated ({@code ExploreBounds#repeating})
     */
    public synchronized String counterexampleScript(String text, ExploreResult result, Outcome outcome,
            Collection<String> repeating, String comment) {
        // the scenario's expectations are for its own schedule: kept as comments, not checked against this one
        return ScheduleRewrite.rewrite(model(text), text, ScheduleRewrite.replayable(result, outcome), repeating,
                result.policy(), result.scenario().kernel, comment, false);
    }

    /**
     * Formats a scenario the canonical way (one statement a line, two-space indentation, blank
     * lines kept). Text that does not parse is returned unchanged.
     */
    public synchronized String format(String text) {
        try {
            XtextResource r = parse(text);
            if (!r.getErrors().isEmpty() || r.getParseResult() == null || r.getParseResult().hasSyntaxErrors()) {
                return text;
            }
            ITextRegionAccess access = injector.getInstance(TextRegionAccessBuilder.class).forNodeModel(r).create();
            FormatterRequest req = injector.getInstance(FormatterRequest.class);
            req.setTextRegionAccess(access);
            req.setAllowIdentityEdits(false);
            req.setPreferences(new MapBasedPreferenceValues(Map.of(FormatterPreferenceKeys.indentation.getId(), "  ",
                    FormatterPreferenceKeys.lineSeparator.getId(), "\n")));
            List<ITextReplacement> reps = new ArrayList<>(injector.getInstance(IFormatter2.class).format(req));
            reps.sort(Comparator.comparingInt(ITextReplacement::getOffset).reversed());
            StringBuilder sb = new StringBuilder(text);
            for (ITextReplacement rep : reps) {
                sb.replace(rep.getOffset(), rep.getOffset() + rep.getLength(), rep.getReplacementText());
            }
            return sb.toString();
        } catch (IOException | RuntimeException e) {
            return text;
        }
    }
}
