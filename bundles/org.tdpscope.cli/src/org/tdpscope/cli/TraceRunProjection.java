/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.tdpscope.model.HostTablePage;
import org.tdpscope.model.Machine;
import org.tdpscope.model.ModelFactory;
import org.tdpscope.model.Root;
import org.tdpscope.model.RootRole;
import org.tdpscope.model.RootState;
import org.tdpscope.model.Run;
import org.tdpscope.model.Spte;
import org.tdpscope.model.TdpConfig;
import org.tdpscope.sim.snapshot.SnapshotProjector;
import org.tdpscope.trace.InferredRoot;
import org.tdpscope.trace.PageTable;
import org.tdpscope.trace.TraceReconstruction;

/**
 * An imported trace as a model {@link Run}, for {@code import --xmi}: the events the views know (as
 * {@code --trace} writes them), and a final machine whose roots are the inferred (or exact) roots with
 * their reconstructed tables. A trace has no steps: a root's created and freed "steps" are trace lines,
 * and only the SPTEs the trace showed are in a table (the others are unknown, not zero).
 */
final class TraceRunProjection {

    private static final ModelFactory F = ModelFactory.eINSTANCE;

    private TraceRunProjection() {
    }

    static Run project(Path file, TraceReconstruction rec, List<org.tdpscope.sim.TraceEvent> events, boolean complete) {
        Run run = F.createRun();
        run.setScenarioName("imported: " + file.getFileName());
        run.setScenarioPath(file.toString());
        run.setPolicyWord("imported");
        run.setKernel("unknown (a real trace)");
        run.setComplete(complete);
        run.setSteps(events.size());
        for (org.tdpscope.sim.TraceEvent e : events) {
            run.getTrace().add(SnapshotProjector.toModel(e));
        }
        Machine m = F.createMachine();
        m.setStep(events.size());
        TdpConfig tdp = F.createTdpConfig();
        tdp.setLevels(rec.roots().isEmpty() ? 4 : rec.roots().get(0).level());
        tdp.setKernel(run.getKernel());
        m.setTdp(tdp);
        for (InferredRoot r : rec.roots()) {
            Root mr = F.createRoot();
            mr.setName(org.tdpscope.sim.Root.nameOf(r.id()));
            RootRole role = F.createRootRole();
            role.setName((r.exact() ? "exact" : "inferred") + (r.role() == null ? "" : " [" + r.role() + "]"));
            role.setLevel(r.level());
            role.setAsId(r.asId());
            role.setInvalid(r.invalidatedLine() != 0);
            mr.setRole(role);
            mr.setRefcount(Math.max(0, r.refcount()));
            mr.setState(r.freed() ? RootState.FREED : RootState.LISTED);
            mr.setCreatedAtStep(r.line());
            mr.setFreedAtStep(r.freedLine());
            mr.setHpfn(r.hpa() == -1 ? 0 : r.hpa() >>> 12);
            if (r.table() != null) {
                addTables(rec, r.table(), mr.getPages(), 0);
            }
            m.getRoots().add(mr);
            if (!r.freed()) {
                m.getRootList().add(mr);
            }
        }
        // tables under no root the trace showed (a capture that starts below the top level): kept under a root
        // named "?", said to be no real root, so the model holds every SPTE the summary counts
        Root unknown = null;
        for (PageTable t : rec.unrootedTables()) {
            if (unknown == null) {
                unknown = F.createRoot();
                unknown.setName("?");
                RootRole role = F.createRootRole();
                role.setName("no root seen: the trace shows no top-level SPTE above these tables");
                role.setLevel(t.level() + 1);
                role.setAsId(t.asId());
                unknown.setRole(role);
                unknown.setState(RootState.LISTED);
                m.getRoots().add(unknown);
            }
            addTables(rec, t, unknown.getPages(), 0);
        }
        run.setFinalSnapshot(m);
        return run;
    }

    private static void addTables(TraceReconstruction rec, PageTable t, List<HostTablePage> out, int depth) {
        if (depth > 5) {
            return;
        }
        HostTablePage page = F.createHostTablePage();
        page.setLevel(t.level());
        page.setBaseGfn(t.baseGfn());
        page.setHpfn(t.hpaKnown() ? t.hpa() >>> 12 : 0);
        for (int i = 0; i < 512; i++) {
            if (t.traced(i)) {
                Spte e = F.createSpte();
                e.setIndex(i);
                e.setRaw(t.spte(i));
                page.getEntries().add(e);
            }
        }
        out.add(page);
        for (Map.Entry<Integer, PageTable> c : rec.children(t).entrySet()) {
            addTables(rec, c.getValue(), out, depth + 1);
        }
    }
}
