/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.emf.ecore.util.EcoreUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tdpscope.model.EventKind;
import org.tdpscope.model.FastZap;
import org.tdpscope.model.HostTablePage;
import org.tdpscope.model.Machine;
import org.tdpscope.model.MemslotChange;
import org.tdpscope.model.MemslotChangeKind;
import org.tdpscope.model.Root;
import org.tdpscope.model.RootState;
import org.tdpscope.model.Run;
import org.tdpscope.model.Spte;
import org.tdpscope.model.TraceEvent;
import org.tdpscope.model.WalkRecord;
import org.tdpscope.model.io.RunStore;
import org.tdpscope.model.io.TraceJsonl;
import org.tdpscope.sim.JsonlTraceWriter;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceListener;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;
import org.tdpscope.sim.mmu.SpteOp;

/** Projecting a real run into the metamodel, and the XMI / JSON Lines round trips of it. */
class SnapshotProjectorTest {

    private Path dir;

    @BeforeEach
    void tempDir() throws IOException {
        dir = Files.createTempDirectory("snapshot-test");
    }

    @AfterEach
    void removeTempDir() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Two roots with SPTEs, a walker yielding in B during a fast zap, a guest access with a 2-D walk. */
    static Scenario scenario() {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.name = "walker yields during fast zap";
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.guestMappings.add(new Scenario.GuestMapping(0x400000L, 0x10000L, 0x1000, 4096, true, false, false, false));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false),
                new Op.Fault(0x20, true, false), new Op.Access(0x400000L, false, false, false));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false), new Op.Fault(0x20, true, false));
        s.thread("W", ThreadKind.WALKER, new Op.Walk(SpteOp.WRPROT, 0, 0x100, true, true,
                YieldSpec.afterGfn(0x10).inRoot("B"), Variants.KERNEL, false));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        s.step(ScheduleStep.toEnd("v0")).step(ScheduleStep.toEnd("v1")).step(ScheduleStep.untilYield("W"));
        s.step(ScheduleStep.toEnd("Z")).step(ScheduleStep.action("v1", new Op.Reload()));
        s.step(ScheduleStep.toEnd("W"));
        s.step(ScheduleStep.action("v0", new Op.Reload())).step(ScheduleStep.action("v0", new Op.Fault(0x10, true, false)));
        return s;
    }

    record Recorded(RunResult result, List<org.tdpscope.sim.TraceEvent> events, String jsonl) {
    }

    static Recorded record(Scenario s, Policy p) {
        List<org.tdpscope.sim.TraceEvent> events = new ArrayList<>();
        StringWriter out = new StringWriter();
        JsonlTraceWriter w = new JsonlTraceWriter(out);
        TraceListener both = e -> {
            events.add(e);
            w.onEvent(e);
        };
        RunResult r = new Simulation(s, p, both).run();
        assertNull(r.error(), () -> r.error().getMessage());
        return new Recorded(r, events, out.toString());
    }

    @Test
    void projectsTheRootListAndMachine() {
        Recorded rec = record(scenario(), Policy.CONTINUE);
        SnapshotProjector p = new SnapshotProjector(rec.result());
        List<Root> list = p.projectRootList();
        List<String> names = new ArrayList<>();
        for (Root r : list) {
            names.add(r.getName());
        }
        assertEquals(rec.result().simulation().listedRootNames(), names);
        Machine m = p.machine();
        assertEquals(rec.result().kvm().allRoots().size(), m.getRoots().size());
        for (Root r : m.getRoots()) {
            org.tdpscope.sim.Root sr = rec.result().kvm().root(r.getName());
            assertEquals(sr.refcount(), r.getRefcount(), r.getName());
            assertEquals(sr.state().name(), r.getState().getName(), r.getName());
            assertEquals(sr.freedStep(), r.getFreedAtStep());
            assertEquals(sr.invalid(), r.isInvalid());
            assertTrue(r.getPages().isEmpty(), "no table page until asked for");
        }
        Root b = p.projectRoot("B");
        assertEquals(RootState.FREED, b.getState());
        assertEquals("W", b.getLastPutBy());
        assertEquals(2, m.getVcpus().size());
        assertSame(p.projectRoot(rec.result().kvm().vcpu("v0").root().name()), m.getVcpus().get(0).getCurrentRoot());
        assertEquals(1, m.getMemslots().size());
        assertTrue(m.getMemslots().get(0).isDirtyLogging());
        assertEquals(0x1000L, m.getMemslots().get(0).getEndGfn());
        assertEquals(4, m.getTdp().getLevels());
    }

    @Test
    void projectsOneTablePageOnDemand() {
        Recorded rec = record(scenario(), Policy.CONTINUE);
        SnapshotProjector p = new SnapshotProjector(rec.result());
        String live = rec.result().kvm().vcpu("v0").root().name();
        long rootHpfn = rec.result().kvm().root(live).hpfn();
        HostTablePage pt = p.projectTablePage(live, 1, 0x10);
        assertNotNull(pt);
        assertEquals(512, pt.getEntries().size());
        assertEquals(0L, pt.getBaseGfn());
        assertSame(pt, p.projectTablePage(live, 1, 0x1ff), "same page, cached");
        assertEquals(1, p.projectRoot(live).getPages().size(), "only the page asked for");
        Spte s = pt.getEntries().get(0x10);
        long want = rec.result().kvm().mmu().spteAt(rootHpfn, 0x10, 1);
        assertEquals(want, s.getRaw());
        assertTrue(s.isPresent() && s.isLeaf() && s.isReadable(), Long.toHexString(s.getRaw()));
        assertEquals(0x10L, s.getGfn());
        assertEquals(rec.result().kvm().memslots().find(0x10).hpfnOf(0x10), s.getPfn());
        HostTablePage top = p.projectTablePage(live, 4, 0);
        assertTrue(top.getEntries().get(0).isPresent());
        assertFalse(top.getEntries().get(0).isLeaf());
        assertNull(p.projectTablePage("B", 1, 0x10), "B is freed: no pages");
        assertNull(p.projectTablePage(live, 1, 0x80000000L), "nothing mapped there");
    }

    @Test
    void projectsTheGuestTablesAndTheWalk() {
        Recorded rec = record(scenario(), Policy.CONTINUE);
        SnapshotProjector p = new SnapshotProjector(rec.result());
        WalkRecord w = p.projectLastWalk("v0");
        assertNotNull(w);
        assertEquals("OK", w.getResult());
        assertEquals(24, w.getReferences().size(), "4-level guest over 4-level EPT, no caches: 24 references");
        assertEquals(0x10000L, w.getGpa());
        long cr3 = rec.result().kvm().vcpu("v0").regs().cr3;
        var pml4 = p.projectGuestTablePage(cr3, 4);
        assertTrue(pml4.getEntries().get(0).isPresent());
        assertTrue(pml4.getEntries().get(0).isWritable());
        assertSame(pml4, p.machine().getGuestTables().get(0));
    }

    @Test
    void roundTripOfARealRunThroughXmiAndJsonl() throws Exception {
        Recorded rec = record(scenario(), Policy.CONTINUE);
        SnapshotProjector p = new SnapshotProjector(rec.result());
        String live = rec.result().kvm().vcpu("v0").root().name();
        p.projectTablePage(live, 1, 0x10);
        Run run = p.projectRun(null, "examples/walker-yields.tdp", rec.events());
        assertEquals("walker yields during fast zap", run.getScenarioName());
        assertEquals(org.tdpscope.model.Policy.CONTINUE, run.getPolicy());
        assertEquals(List.of("v0 to end", "v1 to end", "W until yield", "Z to end", "v1 reload", "W to end", "v0 reload",
                "v0 fault gfn 0x10 write"),
                run.getSchedule());
        assertEquals(rec.events().size(), run.getTrace().size());
        assertTrue(run.isComplete());
        assertEquals(1, run.getWalks().size());
        FastZap z = (FastZap) run.getInvalidations().stream().filter(FastZap.class::isInstance).findFirst().get();
        assertEquals(1, z.getGeneration());
        assertEquals(List.of("B", "A"), z.getInvalidatedRoots());
        MemslotChange c = (MemslotChange) run.getInvalidations().get(0);
        assertEquals(MemslotChangeKind.CREATE, c.getChange());
        assertEquals(0x1000L, c.getNpages());
        TraceEvent firstRootEvent = run.getTrace().stream().filter(e -> e.getRootName() != null).findFirst().get();
        assertSame(p.projectRoot(firstRootEvent.getRootName()), firstRootEvent.getRoot());

        // JSON Lines: the model writes the simulator's bytes, and reads them back to equal events
        Path simFile = dir.resolve("sim.jsonl");
        Files.writeString(simFile, rec.jsonl(), StandardCharsets.UTF_8);
        Path modelFile = dir.resolve("model.jsonl");
        TraceJsonl.write(run.getTrace(), modelFile);
        assertEquals(rec.jsonl(), Files.readString(modelFile, StandardCharsets.UTF_8));
        List<TraceEvent> read = TraceJsonl.read(simFile);
        assertEquals(run.getTrace().size(), read.size());
        for (int i = 0; i < read.size(); i++) {
            assertTrue(EcoreUtil.equals(run.getTrace().get(i), read.get(i)), "event " + (i + 1));
        }

        // XMI
        Path xmi = dir.resolve("run.tdprun");
        RunStore.saveXmi(run, xmi);
        Run back = RunStore.loadXmi(xmi);
        assertTrue(EcoreUtil.equals(run, back), "XMI round trip");
        assertEquals(512, back.getFinalSnapshot().getRoots().stream().filter(r -> r.getName().equals(live)).findFirst()
                .get().getPages().get(0).getEntries().size());
        assertEquals(run.getViolations().size(), back.getViolations().size());
    }

    @Test
    void violationsAreProjected() {
        Scenario s = scenario();
        s.threads.set(2, new Scenario.ThreadSpec("W", ThreadKind.WALKER, List.of(new Op.Walk(SpteOp.WRPROT, 0, 0x100,
                true, true, YieldSpec.afterGfn(0x10).inRoot("B"), new Variants(true, false, false, false, false), false))));
        Recorded rec = record(s, Policy.CONTINUE);
        Run run = new SnapshotProjector(rec.result()).projectRun("broken", null, rec.events());
        assertFalse(run.getViolations().isEmpty());
        assertEquals(rec.result().violations().size(), run.getViolations().size());
        assertEquals(EventKind.VIOLATION, run.getViolations().get(0).getKind());
        assertEquals("use-after-free", run.getViolations().get(0).getInvariant().getLiteral());
    }
}
