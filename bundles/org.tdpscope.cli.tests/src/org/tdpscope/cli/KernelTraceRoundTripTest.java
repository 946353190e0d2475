/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.mmu.Spte;
import org.tdpscope.sim.mmu.TdpIter;
import org.tdpscope.trace.InferredRoot;
import org.tdpscope.trace.PageTable;
import org.tdpscope.trace.Sptes;
import org.tdpscope.trace.TraceReader;
import org.tdpscope.trace.TraceReconstruction;

/**
 * The round trip of issue 15: a simulated run printed in the kernel's tracepoint formats, read back
 * by the trace importer, gives the same page tables: for every root still alive at the end, the
 * present leaves (gfn, level, SPTE value) the importer rebuilt under the root it inferred are the
 * simulator's, and the importer met no line it could not parse. Not every run can be read back: when two
 * live roots of one address space map the same gfns (races/15: a default and a nested root) an SPTE
 * change names no root and the importer gives it to the newer one; and an install into a root a fast
 * zap invalidated (races/04, the bug a955cad84cda fixed) reads as the first SPTE of a new root, since
 * a correct kernel never does that. The README says so.
 */
class KernelTraceRoundTripTest {

    private static final TdpScenarios SCENARIOS = TdpScenarios.create();

    @ParameterizedTest
    @ValueSource(strings = { "seed-terminate.tdp", "mainline-fast-zap.tdp", "two-d-walk.tdp", "stale-spte-fifo.tdp",
            "use-after-free.tdp", "races/02-notifier-skips-invalid-roots.tdp",
            "races/06-zap-stops-at-host-maxphyaddr.tdp" })
    void aSimulatedRunReadBackGivesTheSameTables(String example) throws IOException {
        LoadedScenario loaded = SCENARIOS.load(MainTest.EXAMPLES.resolve(example));
        assertFalse(loaded.hasErrors(), loaded.diagnostics().toString());
        StringBuilder text = new StringBuilder();
        Simulation sim = runPrintingKernelTrace(loaded, text);

        TraceReader reader = TraceReader.of(text.toString());
        TraceReconstruction rec = TraceReconstruction.read(reader);
        assertEquals(0, reader.diagnostics().unparsedLines(), reader.diagnostics().unparsed().toString());
        assertEquals(0, reader.diagnostics().unknownEvents());

        List<Root> roots = sim.kvm().allRoots();
        assertEquals(roots.size(), rec.roots().size(), "one inferred root per root created: " + rec.roots());
        int compared = 0;
        for (int i = 0; i < roots.size(); i++) {
            Root r = roots.get(i);
            if (r.freed()) {
                continue;
            }
            InferredRoot inferred = rec.roots().get(i);
            if (!leaves(sim, r).isEmpty()) { // a root's address space shows only in its SPTEs
                assertEquals(r.role().asId(), inferred.asId(), "address space of " + r.name() + ": " + inferred);
            }
            assertEquals(leaves(sim, r), leaves(rec, inferred.table()), example + ": root " + r.name() + " as " + inferred);
            compared++;
        }
        assertTrue(compared > 0, "some root is alive at the end");
    }

    @ParameterizedTest
    @ValueSource(strings = { "two-d-walk.tdp" })
    void runWritesTheKernelTraceAndImportReadsIt(String example, @TempDir Path dir) throws IOException {
        Path kt = dir.resolve("k.txt");
        MainTest.Outcome run = MainTest.tdpscope("run", MainTest.EXAMPLES.resolve(example).toString(), "--quiet",
                "--kernel-trace", kt.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(Files.readString(kt).contains(": kvm_mmu_set_spte: gfn "), "installs with their addresses");
        Path skeleton = dir.resolve("s.tdp");
        MainTest.Outcome imp = MainTest.tdpscope("import", kt.toString(), "--scenario", skeleton.toString());
        assertEquals(0, imp.code(), imp.err());
        assertTrue(imp.out().contains("unknown events 0, unparsed lines 0"), imp.out());
        assertTrue(imp.out().contains("inferred root #0 as 0 level 4"), imp.out());
        // the skeleton is a scenario the language accepts and the simulator runs
        LoadedScenario back = SCENARIOS.load(skeleton);
        assertEquals(List.of(), back.diagnostics().stream().filter(d -> d.severity()
                == org.tdpscope.dsl.api.Diagnostic.Severity.ERROR).toList(), Files.readString(skeleton));
        assertTrue(back.run(back.policies().get(0)).complete());
    }

    @Test
    void importSavesTheTraceAsAnXmiRun(@TempDir Path dir) throws Exception {
        Path kt = dir.resolve("k.txt");
        assertEquals(0, MainTest.tdpscope("run", MainTest.EXAMPLES.resolve("two-d-walk.tdp").toString(), "--quiet",
                "--kernel-trace", kt.toString()).code());
        Path xmi = dir.resolve("k.tdprun");
        MainTest.Outcome imp = MainTest.tdpscope("import", kt.toString(), "--xmi", xmi.toString());
        assertEquals(0, imp.code(), imp.err());
        assertTrue(imp.out().contains("run: " + xmi), imp.out());
        org.tdpscope.model.Run run = org.tdpscope.model.io.RunStore.loadXmi(xmi);
        TraceReconstruction rec = TraceReconstruction.read(kt);
        assertEquals("imported", run.getPolicyWord());
        assertTrue(run.getTrace().size() > 0, "the events the views know");
        assertEquals(rec.roots().size(), run.getFinalSnapshot().getRoots().size());
        org.tdpscope.model.Root a = run.getFinalSnapshot().getRoots().get(0);
        assertEquals("A", a.getName());
        assertTrue(a.getRole().getName().startsWith("inferred"), a.getRole().getName());
        // the leaves saved are the leaves the importer reconstructed
        TreeSet<String> saved = new TreeSet<>();
        for (org.tdpscope.model.HostTablePage p : a.getPages()) {
            for (org.tdpscope.model.Spte e : p.getEntries()) {
                if (Sptes.isPresent(e.getRaw()) && Sptes.isLeaf(e.getRaw(), p.getLevel())) {
                    saved.add(Long.toHexString(p.getBaseGfn() + ((long) e.getIndex() << (9 * (p.getLevel() - 1))))
                            + "/" + p.getLevel() + "=" + Long.toHexString(e.getRaw()));
                }
            }
        }
        assertEquals(leaves(rec, rec.roots().get(0).table()), saved);
    }

    /**
     * A fault prints its request first, then the tables and SPTEs it made (as kvm_tdp_mmu_map does; the
     * first capture shows kvm_mmu_spte_requested before the spte_changed and set_spte of its gfn), and a
     * task's clock never goes back.
     */
    @Test
    void aFaultsRequestComesBeforeTheChangesItMade() {
        LoadedScenario loaded = SCENARIOS.load(MainTest.EXAMPLES.resolve("mainline-fast-zap.tdp"));
        StringBuilder text = new StringBuilder();
        runPrintingKernelTrace(loaded, text);
        List<String> lines = text.toString().lines().toList();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                "^\\s*(.+?)\\s+\\[\\d+\\] \\S+\\s+(\\d+\\.\\d+): (\\w+): (.*)$");
        Map<String, Double> clock = new java.util.HashMap<>();
        Map<String, String> lastOfTask = new java.util.HashMap<>();
        int requests = 0;
        int setAfterRequest = 0;
        Map<String, String> requested = new java.util.HashMap<>(); // task -> gfn of its open request
        for (String l : lines) {
            java.util.regex.Matcher m = line.matcher(l);
            if (!m.matches()) {
                continue;
            }
            String task = m.group(1);
            double t = Double.parseDouble(m.group(2));
            assertTrue(t >= clock.getOrDefault(task, 0.0), "the clock of " + task + " goes back at: " + l);
            clock.put(task, t);
            String event = m.group(3);
            String gfn = m.group(4).replaceAll(".*\\bgfn (\\w+).*", "$1");
            if (event.equals("kvm_mmu_spte_requested")) {
                requests++;
                String before = lastOfTask.get(task);
                assertFalse(before != null && before.matches("kvm_(mmu_set_spte|tdp_mmu_spte_changed) gfn " + gfn),
                        "the request comes after the change it asked for: " + l);
                requested.put(task, gfn);
            } else if (event.equals("kvm_mmu_set_spte") && gfn.equals(requested.remove(task))) {
                setAfterRequest++;
            }
            lastOfTask.put(task, event + " gfn " + gfn);
        }
        assertTrue(requests >= 3, requests + " faults");
        assertEquals(requests, setAfterRequest, "each fault's install follows its request:\n" + text);
    }

    /** Runs the scenario under its first policy, its kernel trace printed into {@code text}; the run, ended. */
    private static Simulation runPrintingKernelTrace(LoadedScenario loaded, StringBuilder text) {
        KernelTraceWriter writer = new KernelTraceWriter(text);
        Simulation sim = new Simulation(loaded.scenario(), loaded.policies().get(0), writer);
        writer.attach(sim);
        sim.run();
        writer.finish();
        return sim;
    }

    /** The simulator's present leaves of a root: "gfn/level=spte". */
    private static TreeSet<String> leaves(Simulation sim, Root r) {
        TreeSet<String> out = new TreeSet<>();
        TdpIter it = sim.kvm().mmu().iter(r.hpfn(), 0, 1L << (9 * sim.kvm().mmu().levels()));
        while (it.valid()) {
            if (Spte.isPresent(it.oldSpte()) && Spte.isLeaf(it.oldSpte(), it.level())) {
                out.add(Long.toHexString(it.gfn()) + "/" + it.level() + "=" + Long.toHexString(it.oldSpte()));
            }
            it.next();
        }
        return out;
    }

    /** The importer's present leaves under a table: "gfn/level=spte". */
    private static TreeSet<String> leaves(TraceReconstruction rec, PageTable t) {
        TreeSet<String> out = new TreeSet<>();
        for (int i = 0; i < 512; i++) {
            if (t.traced(i) && Sptes.isPresent(t.spte(i)) && Sptes.isLeaf(t.spte(i), t.level())) {
                out.add(Long.toHexString(t.gfnOf(i)) + "/" + t.level() + "=" + Long.toHexString(t.spte(i)));
            }
        }
        for (Map.Entry<Integer, PageTable> c : rec.children(t).entrySet()) {
            out.addAll(leaves(rec, c.getValue()));
        }
        return out;
    }
}
