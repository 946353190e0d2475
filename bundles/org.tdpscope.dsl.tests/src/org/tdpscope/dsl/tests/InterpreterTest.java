/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.Expectation;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.ScheduleStep;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;
import org.tdpscope.sim.mmu.SpteOp;

/** What the interpreter makes of a scenario: simulator input, policies and expectations. */
class InterpreterTest {

    private static final String TEXT = """
            scenario "everything" {
              vm {
                memslot 0: gfn 0x0 .. 0x40000
                memslot 1: gfn 0x40000 .. +512 read-only dirty-logging
                tdp 5-level, accessed-dirty off
                guest paging 5-level
                vcpu v0 role default
                vcpu v1 role smm
                vcpu v2 role l2x
                guest maps:
                  map gva 0x7f00_0000_0000 .. +2M -> gpa 0x200000 user ro nx 2M
              }
              policy compare continue, fifo
              threads {
                vcpu v0: load root; fault gfn 0x10 write; access gva 0x7f0000000000 fetch user, broken: fault-ignores-invalid-root
                walker W: notifier unmap gfn 0x0 .. 0x100, yield after gfn 0x10 in root B
                  age gfn 0x0 .. +0x40 on valid roots, mmu_lock exclusive, yield every 8, broken: put-prev-first
                invalidator Z: fast zap without slots_lock, yield always; delete memslot 1
                  move memslot 0 to gfn 0x80000; enable dirty logging on memslot 0, flag after walk
              }
              schedule {
                v0 to end
                W 1 op
                grace period
                W to end
                v1 fault gfn 0x20 read
              }
              expect {
                under fifo: W visited [B, C]
                no violation
              }
            }
            """;

    @Test
    void buildsTheSimulatorInput() {
        LoadedScenario s = Scenarios.get().load(TEXT, "all.tdp");
        assertFalse(s.hasErrors(), s.diagnostics().toString());
        Scenario sc = s.scenario();
        assertEquals("everything", sc.name);
        assertEquals(List.of(new Scenario.MemslotSpec(0, 0, 0x40000, false, false),
                new Scenario.MemslotSpec(1, 0x40000, 512, true, true)), sc.memslots);
        assertEquals(5, sc.tdpLevels);
        assertFalse(sc.accessedDirty);
        assertEquals(5, sc.guestLevels);
        assertEquals(3, sc.vcpus.size());
        assertEquals(RootRole.of("smm"), sc.vcpus.get(1).role());
        assertEquals(RootRole.of("l2x"), sc.vcpus.get(2).role());
        assertTrue(sc.vcpus.get(0).variants().faultIgnoresInvalidRoot());
        assertEquals(Variants.KERNEL, sc.vcpus.get(1).variants());
        assertEquals(List.of(new Scenario.GuestMapping(0x7f0000000000L, 0x200000, 2 << 20, 2 << 20, false, true, false,
                false)), sc.guestMappings);
        assertEquals(List.of(Policy.CONTINUE, Policy.FIFO), s.policies());
        assertEquals(Policy.CONTINUE, sc.policy);

        assertEquals(3, sc.threads.size());
        Scenario.ThreadSpec v0 = sc.threads.get(0);
        assertEquals(Scenario.ThreadKind.VCPU, v0.kind());
        assertEquals(List.of(new Op.LoadRoot(), new Op.Fault(0x10, true, false),
                new Op.Access(0x7f0000000000L, false, true, true)), v0.ops());
        Scenario.ThreadSpec w = sc.threads.get(1);
        assertEquals("W", w.name());
        assertEquals(new Op.Walk(SpteOp.ZAP, 0, 0x100, false, false, YieldSpec.afterGfn(0x10).inRoot("B"),
                Variants.KERNEL, true), w.ops().get(0));
        assertEquals(new Op.Walk(SpteOp.AGE, 0, 0x40, true, false, YieldSpec.every(8),
                new Variants(false, true, false, false, false), false), w.ops().get(1));
        Scenario.ThreadSpec z = sc.threads.get(2);
        assertEquals(List.of(new Op.FastZap(false, YieldSpec.ALWAYS), new Op.MemslotDelete(1, true, YieldSpec.NEVER),
                new Op.MemslotMove(0, 0x80000, true, YieldSpec.NEVER),
                new Op.DirtyLogEnable(0, false, true, YieldSpec.NEVER, Variants.KERNEL)), z.ops());

        assertEquals(List.of(ScheduleStep.toEnd("v0").at(22), ScheduleStep.ops("W", 1).at(23),
                ScheduleStep.gracePeriod().at(24), ScheduleStep.toEnd("W").at(25),
                ScheduleStep.action("v1", new Op.Fault(0x20, false, false)).at(26)), sc.schedule);
    }

    @Test
    void expectationsKeepTheirPlaceAndPolicies() {
        LoadedScenario s = Scenarios.get().load(TEXT, "all.tdp");
        List<Expectation> e = s.expectations();
        assertEquals(2, e.size());
        assertEquals(29, e.get(0).line());
        assertEquals(5, e.get(0).column());
        assertEquals("under fifo: W visited [B, C]", e.get(0).text());
        assertEquals(List.of(Policy.FIFO), e.get(0).policies());
        assertFalse(e.get(0).appliesTo(Policy.CONTINUE));
        assertTrue(e.get(1).appliesTo(Policy.CONTINUE));
        assertEquals(List.of(e.get(1)), s.expectationsFor(Policy.CONTINUE));
    }

    @Test
    void defaultsAndPolicyWords() {
        LoadedScenario s = Scenarios.get().load("scenario \"d\" { vm { memslot 0: gfn 0 .. 16 } }", "d.tdp");
        assertFalse(s.hasErrors(), s.diagnostics().toString());
        assertEquals(List.of(Policy.CONTINUE), s.policies());
        assertEquals(4, s.scenario().tdpLevels);
        assertTrue(s.scenario().accessedDirty);
        assertEquals(null, s.scenario().schedule);
        LoadedScenario all = Scenarios.get().load("scenario \"a\" { policy compare all }", "a.tdp");
        assertEquals(List.of(Policy.values()), all.policies());
        LoadedScenario one = Scenarios.get().load("scenario \"a\" { policy terminate }", "a.tdp");
        assertEquals(List.of(Policy.TERMINATE), one.policies());
    }

    @Test
    void failedExpectationsSayWhatTheRunShows() {
        LoadedScenario s = Scenarios.get().load("""
                scenario "f" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x1000
                    vcpu v0
                  }
                  kernel v5.16 threads { vcpu v0: load root; fault gfn 0x10 write }
                  expect {
                    roots [B]
                    A refcount 2
                    A freed
                    A invalid
                    violation use-after-free
                    spte gfn 0x10 in A not present
                    Q refcount 1
                    roots [A]
                    A not freed
                    A valid
                    v0 on root A
                    spte gfn 0x10 in A writable
                    spte gfn 0x300 in A not present
                  }
                }
                """, "f.tdp");
        assertFalse(s.hasErrors(), s.diagnostics().toString());
        RunResult run = s.run(Policy.CONTINUE);
        List<ExpectationResult> r = s.check(run);
        assertEquals(13, r.size());
        for (int i = 0; i < 7; i++) {
            assertFalse(r.get(i).holds(), r.get(i).toString());
        }
        for (int i = 7; i < 13; i++) {
            assertTrue(r.get(i).holds(), r.get(i).toString());
        }
        assertEquals("roots [A]", r.get(0).actual());
        assertEquals("A refcount 1", r.get(1).actual());
        assertTrue(r.get(6).actual().startsWith("no root Q"), r.get(6).actual());
    }
}
