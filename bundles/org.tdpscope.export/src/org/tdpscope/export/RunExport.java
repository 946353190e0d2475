/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tdpscope.model.io.AtomicFiles;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.SimThread;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.Vcpu;
import org.tdpscope.sim.mmu.TwoDResult;

/**
 * What to write for an export of a run: given a scenario and the user's choices (diagrams,
 * policies, step, ranges, theme, SVG and/or PNG), the named documents, all rendered in memory
 * before anything is written. The {@code tdpscope export} command and the workbench's Export
 * wizard both call this, so the same choices give the same files, byte for byte.
 */
public final class RunExport {

    /** The diagrams of a run; {@link #word()} is the command line's and the file name's word. */
    public enum Diagram {
        ROOTS, POLICIES, TIMELINE, WALK, TABLES, ANIMATED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Diagram fromWord(String word) {
            for (Diagram d : values()) {
                if (d.word().equals(word)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** An address range {@code [from, to)}, compared unsigned (guest kernel addresses have bit 63 set). */
    public record Range(long from, long to) {

        /**
         * {@code A..B}, hex with 0x or decimal, end exclusive, A below B; a clear message naming
         * {@code option} otherwise.
         */
        public static Range parse(String text, String option) {
            int dots = text.indexOf("..");
            try {
                if (dots > 0) {
                    long from = number(text.substring(0, dots).trim());
                    long to = number(text.substring(dots + 2).trim());
                    if (Long.compareUnsigned(from, to) < 0) {
                        return new Range(from, to);
                    }
                }
            } catch (NumberFormatException e) {
                String number = "[0-9]+|0[xX][0-9a-fA-F]+";
                if (text.substring(0, dots).trim().matches(number) && text.substring(dots + 2).trim().matches(number)) {
                    throw new IllegalArgumentException(option + " " + text + ": a number past 64 bits");
                }
            }
            // --window takes line numbers of a trace; the other ranges are gfns or steps
            throw new IllegalArgumentException(option + " wants a range A..B with A < B (e.g. " + (option.equals(
                    "--window") ? "1200..1800" : "0x0..0x1000") + "), not '" + text + "'");
        }

        private static long number(String s) {
            String lower = s.toLowerCase(Locale.ROOT);
            return lower.startsWith("0x") ? Long.parseUnsignedLong(lower.substring(2), 16) : Long.parseUnsignedLong(s);
        }

        @Override
        public String toString() {
            return "0x" + Long.toHexString(from) + "..0x" + Long.toHexString(to);
        }
    }

    /**
     * The choices. {@code step} null for the end of the run; {@code gfns} null for every gfn the
     * TDP MMU maps, {@code gvas} null for every gva; {@code steps} a window of the timeline (the
     * events of steps A to B-1, lanes as in the whole run), null for all of it.
     * {@link Diagram#POLICIES} compares {@code policies}; the other diagrams are written once per
     * policy. With {@code png} the animated root list is a GIF, the others a PNG at twice the SVG's
     * size.
     */
    public record Choices(List<Diagram> diagrams, List<Policy> policies, Theme theme, boolean svg, boolean png,
            Long step, Range gfns, Range gvas, Range steps) {

        public Choices {
            diagrams = List.copyOf(diagrams);
            policies = List.copyOf(policies);
        }

        /** Without a window of steps: the timeline of the whole run. */
        public Choices(List<Diagram> diagrams, List<Policy> policies, Theme theme, boolean svg, boolean png,
                Long step, Range gfns, Range gvas) {
            this(diagrams, policies, theme, svg, png, step, gfns, gvas, null);
        }
    }

    /** A file to write: its name in the target directory and its bytes. */
    public record Document(String name, byte[] bytes) {
    }

    /**
     * The documents, or the problems that stop the export (a chosen diagram with nothing to draw,
     * no format or policy chosen): problems, when there are any, mean no document.
     */
    public record Result(List<Document> documents, List<String> problems) {
    }

    private RunExport() {
    }

    /** The start of the files' names: the scenario file's name without {@code .tdp}. */
    public static String baseName(String scenarioFileName) {
        return scenarioFileName.endsWith(".tdp") ? scenarioFileName.substring(0, scenarioFileName.length() - 4)
                : scenarioFileName;
    }

    /**
     * Renders the chosen diagrams of {@code scenario}; file names start with {@code base} (the
     * scenario file's name without .tdp), drawings are titled {@code title} (the scenario's name).
     */
    public static Result documents(String base, String title, Scenario scenario, Choices c) {
        List<String> problems = new ArrayList<>();
        if (c.diagrams().isEmpty()) {
            problems.add("no diagram chosen");
        }
        if (c.policies().isEmpty()) {
            problems.add("no policy chosen");
        }
        if (!c.svg() && !c.png()) {
            problems.add("neither SVG nor PNG chosen");
        }
        if (!problems.isEmpty()) {
            return new Result(List.of(), problems);
        }
        Map<String, byte[]> docs = new LinkedHashMap<>();
        long at = c.step() == null ? Long.MAX_VALUE : c.step();
        String suffix = c.step() == null ? "" : ".step" + c.step();
        Theme theme = c.theme();
        if (c.diagrams().contains(Diagram.POLICIES)) {
            Map<Policy, RunResult> runs = new LinkedHashMap<>();
            for (Policy policy : c.policies()) {
                runs.put(policy, new Simulation(scenario, policy, e -> { }).run());
            }
            scene(docs, base + ".policies", PolicyComparisonDiagram.layout(title, runs, theme), c);
        }
        for (Policy policy : c.policies()) {
            String name = base + "." + policy.word() + ".";
            String titled = title + " — kernel " + scenario.kernel.word() + ", policy " + policy.word();
            // the whole run first: how many steps it has (a picture says "step 12 of 85"; a step past the end is
            // an error, not a picture of the end)
            List<TraceEvent> events = new ArrayList<>();
            Simulation sim = new Simulation(scenario, policy, events::add);
            RunResult run = sim.run();
            long total = events.isEmpty() ? 0 : events.get(events.size() - 1).step();
            if (c.step() != null && c.step() > total) {
                problems.add("--step " + c.step() + " is past the end of the run: under kernel " + scenario.kernel.word()
                        + ", policy " + policy.word() + " it has " + total + " steps (0 to " + total + ")");
                continue;
            }
            if (c.step() != null) {
                events = new ArrayList<>();
                sim = new Simulation(scenario, policy, events::add);
                // step 0 is before the first event: a simulation not started (runTo(0) makes one event)
                run = at == 0 ? new RunResult(sim, false, null) : sim.runTo(at);
            }
            long shownStep = c.step() == null ? total : c.step();
            String when = ", " + Scene.stepLabel(shownStep, total);
            for (Diagram d : c.diagrams()) {
                if (d == Diagram.ROOTS) {
                    TraceEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
                    scene(docs, name + "roots" + suffix, RootListDiagram.layout(title, RootListSnapshot.of(sim, last),
                            run.violations(), theme, total), c);
                } else if (d == Diagram.TIMELINE) {
                    List<TraceEvent> shown = events;
                    String window = "";
                    if (c.steps() != null) {
                        shown = new ArrayList<>();
                        for (TraceEvent e : events) {
                            if (e.step() >= c.steps().from() && e.step() < c.steps().to()) {
                                shown.add(e);
                            }
                        }
                        window = ".steps" + c.steps().from() + "-" + c.steps().to();
                    }
                    if (shown.isEmpty()) {
                        problems.add("timeline: nothing to draw: the run has no event"
                                + (c.steps() == null ? "" : " in steps " + c.steps().from() + ".." + c.steps().to()));
                        continue;
                    }
                    // a window keeps the whole run's lanes, in the same order
                    // a page of fixed width, wrapped into rows, on a linear scale of steps
                    scene(docs, name + "timeline" + window + suffix, TimelineDiagram.page(titled, shown, theme,
                            TimelineDiagram.lanes(events), total), c);
                } else if (d == Diagram.WALK) {
                    int before = docs.size();
                    for (Vcpu v : run.kvm().vcpus()) {
                        TwoDResult walk = run.kvm().lastWalk(v.name());
                        if (walk != null && !walk.refs().isEmpty()) {
                            scene(docs, name + "walk." + v.name() + suffix,
                                    TwoDWalkDiagram.layout(title + " — " + Scene.stepLabel(shownStep, total), v.name(),
                                            walk, theme), c);
                        }
                        // the EPT violations of that access: each a VM exit KVM served before the guest retried
                        List<TwoDResult> exits = TwoDWalkDiagram.lastExits(v);
                        for (int k = 0; k < exits.size(); k++) {
                            if (exits.get(k) != walk && !exits.get(k).refs().isEmpty()) {
                                scene(docs, name + "walk." + v.name() + ".exit" + (k + 1) + suffix,
                                        TwoDWalkDiagram.layout(title + " — " + Scene.stepLabel(shownStep, total),
                                                TwoDWalkDiagram.exitName(v.name(), k + 1), exits.get(k), theme), c);
                            }
                        }
                    }
                    // and each thread's last pass over the root list (walkers; an invalidator zapping roots)
                    TraceEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
                    RootListSnapshot snap = RootListSnapshot.of(sim, last);
                    for (SimThread t : sim.threads()) {
                        List<List<String>> walks = t.walks();
                        if (!walks.isEmpty()) {
                            List<String> visits = walks.get(walks.size() - 1);
                            scene(docs, name + "walk." + t.name() + ".roots" + suffix, RootWalkDiagram.layout(title,
                                    t.name(), walks.size(), visits, visits.size(), snap, theme, total), c);
                        }
                    }
                    if (docs.size() == before) {
                        problems.add("walk: nothing to draw: no vCPU made a 2-D walk (a guest access through guest"
                                + " page tables, 'access gva ...' with 'guest paging') and no thread walked the roots"
                                + (c.step() == null ? "" : " by step " + c.step()));
                    }
                } else if (d == Diagram.TABLES) {
                    tables(docs, problems, name + "tables", suffix, title, ", policy " + policy.word() + when, run, c);
                } else if (d == Diagram.ANIMATED) {
                    List<Scene> frames = AnimatedRootList.frames(title, scenario, policy, theme);
                    if (frames.isEmpty()) {
                        problems.add("animated: nothing to draw: the run has no event");
                        continue;
                    }
                    if (c.svg()) {
                        docs.put(name + "animated.svg", utf8(AnimatedRootList.svg(titled + ", animated", frames,
                                AnimatedRootList.SECONDS_PER_FRAME, theme)));
                    }
                    if (c.png()) {
                        docs.put(name + "animated.gif", AnimatedRootList.gif(frames, theme));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Result(List.of(), List.copyOf(problems));
        }
        List<Document> out = new ArrayList<>();
        docs.forEach((n, b) -> out.add(new Document(n, b)));
        return new Result(List.copyOf(out), List.of());
    }

    /** The TDP tables of the gfn range, and the guest tables of each vCPU with guest paging for the gva range. */
    private static void tables(Map<String, byte[]> docs, List<String> problems, String name, String suffix,
            String title, String when, RunResult run, Choices c) { // when: ", policy P, step N"
        long from = c.gfns() == null ? 0 : c.gfns().from();
        long to = c.gfns() == null ? run.kvm().mmu().gfnLimit() : c.gfns().to();
        PageTableDiagram.Forest tdp = PageTableDiagram.tdp(run.kvm(), from, to, PageTableDiagram.DEFAULT_MAX_TABLES);
        if (tdp.tables().isEmpty()) {
            problems.add("tables: nothing to draw: no TDP root is alive"
                    + (c.step() == null ? " at the end of the run" : " at step " + c.step()));
            return;
        }
        scene(docs, name + suffix, PageTableDiagram.layout(title, "TDP page tables, gfn 0x" + Long.toHexString(from)
                + "..0x" + Long.toHexString(to) + when, tdp,
                c.theme()), c);
        long first = c.gvas() == null ? 0 : c.gvas().from();
        long last = c.gvas() == null ? -1L : c.gvas().to() - 1;
        String range = c.gvas() == null ? "all gvas" : "gva " + c.gvas();
        for (Vcpu v : run.kvm().vcpus()) {
            if (!PageTableDiagram.hasGuestTables(run.kvm(), v)) {
                continue;
            }
            PageTableDiagram.Forest guest = PageTableDiagram.guest(run.kvm(), v, first, last,
                    PageTableDiagram.DEFAULT_MAX_TABLES);
            scene(docs, name + ".guest-" + v.name() + suffix, PageTableDiagram.layout(title, "guest page tables of "
                    + v.name() + " (" + v.regs().levels() + "-level, CR3 0x" + Long.toHexString(v.regs().cr3) + "), "
                    + range + when, guest, c.theme()), c);
        }
    }

    private static void scene(Map<String, byte[]> docs, String name, Scene scene, Choices c) {
        if (c.svg()) {
            docs.put(name + ".svg", utf8(SvgRenderer.render(scene)));
        }
        if (c.png()) {
            docs.put(name + ".png", PngRenderer.png(scene, 2));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the documents into {@code dir} (created if missing), all together: every file replaced, or, when
     * one cannot be written, none (the old ones are kept, and the message says so). Every target is checked
     * first, so a directory, device or read-only file in the way stops the export before anything is written.
     */
    public static List<Path> write(Path dir, List<Document> documents) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("cannot write into " + dir + ": it is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create the directory " + dir + ": " + AtomicFiles.reason(e, dir), e);
        }
        for (Document d : documents) {
            Path target = dir.resolve(d.name());
            try {
                AtomicFiles.checkTarget(target);
            } catch (IOException e) {
                throw new IOException("cannot write " + target + ": " + e.getMessage() + "; no file written", e);
            }
        }
        List<Path> written = new ArrayList<>();
        try (AtomicFiles.Batch batch = new AtomicFiles.Batch()) {
            for (Document d : documents) {
                Path target = dir.resolve(d.name());
                written.add(target);
                try {
                    batch.stage(target, o -> o.write(d.bytes()));
                } catch (IOException e) {
                    throw new IOException("cannot write " + target + ": " + e.getMessage()
                            + (documents.size() > 1 ? "; no file replaced (the old ones are kept)" : ""), e);
                }
            }
            try {
                batch.commit();
                return written;
            } catch (AtomicFiles.WriteException e) {
                throw new IOException("cannot write " + e.target() + ": " + e.getMessage(), e);
            }
        }
    }
}
