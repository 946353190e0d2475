/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import org.tdpscope.model.EventKind;
import org.tdpscope.model.FastZap;
import org.tdpscope.model.HostTablePage;
import org.tdpscope.model.Invariant;
import org.tdpscope.model.Machine;
import org.tdpscope.model.ModelFactory;
import org.tdpscope.model.Policy;
import org.tdpscope.model.Root;
import org.tdpscope.model.RootRole;
import org.tdpscope.model.RootState;
import org.tdpscope.model.Run;
import org.tdpscope.model.Spte;
import org.tdpscope.model.TraceEvent;
import org.tdpscope.model.Vcpu;

/** A small run built by hand (the simulator-backed round trip lives in org.tdpscope.sim.tests). */
final class SampleRuns {

    private static final ModelFactory F = ModelFactory.eINSTANCE;

    private SampleRuns() {
    }

    static TraceEvent event(long step, String thread, EventKind kind, String root, int rc) {
        TraceEvent e = F.createTraceEvent();
        e.setStep(step);
        e.setThread(thread);
        e.setKind(kind);
        e.setRootName(root);
        e.setRc(root == null ? -1 : rc);
        return e;
    }

    static Run small() {
        Run run = F.createRun();
        run.setScenarioName("two roots");
        run.setScenarioPath("examples/two-roots.tdp");
        run.setPolicy(Policy.TERMINATE);
        run.getSchedule().add("v0 to end");
        run.getSchedule().add("W until yield");
        run.setComplete(true);
        run.setSteps(4);
        run.getTrace().add(event(1, "v0", EventKind.ROOT_CREATE, "A", 1));
        TraceEvent set = event(2, "v0", EventKind.SPTE_SET, "A", 1);
        set.setGfn(0x10);
        set.setLevel(1);
        set.setNewSpte(0x600000000010e77L);
        run.getTrace().add(set);
        TraceEvent v = event(3, "W", EventKind.VIOLATION, "A", 1);
        v.setInvariant(Invariant.USE_AFTER_FREE);
        v.setDetail("W gets root A freed at step 2 \"quoted\"\n");
        run.getTrace().add(v);
        run.getViolations().add(v);
        FastZap z = F.createFastZap();
        z.setStep(4);
        z.setThread("Z");
        z.setGeneration(1);
        z.getInvalidatedRoots().add("A");
        run.getInvalidations().add(z);

        Machine m = F.createMachine();
        m.setStep(4);
        m.setTdp(F.createTdpConfig());
        m.getTdp().setPolicy(Policy.TERMINATE);
        Root a = F.createRoot();
        a.setName("A");
        RootRole role = F.createRootRole();
        role.setName("default");
        a.setRole(role);
        a.setRefcount(1);
        a.setState(RootState.LISTED);
        a.setListPosition(0);
        a.setCreatedAtStep(1);
        HostTablePage p = F.createHostTablePage();
        p.setLevel(4);
        for (int i = 0; i < 512; i++) {
            Spte s = F.createSpte();
            s.setIndex(i);
            s.setRaw(i == 0 ? 0x20L << 12 | 0xb07L : 0);
            p.getEntries().add(s);
        }
        a.getPages().add(p);
        m.getRoots().add(a);
        m.getRootList().add(a);
        Vcpu v0 = F.createVcpu();
        v0.setName("v0");
        RootRole vr = F.createRootRole();
        vr.setName("default");
        v0.setRole(vr);
        v0.setCurrentRoot(a);
        v0.setCr0(0x80010001L);
        v0.setEfer(0xd00L);
        m.getVcpus().add(v0);
        run.setFinalSnapshot(m);
        return run;
    }
}
