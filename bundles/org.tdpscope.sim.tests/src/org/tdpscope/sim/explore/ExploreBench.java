/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.util.Locale;

import org.tdpscope.sim.Op;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootRole;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.Scenario.ThreadKind;
import org.tdpscope.sim.Variants;
import org.tdpscope.sim.YieldSpec;
import org.tdpscope.sim.mmu.SpteOp;

/**
 * Benchmark harness (not a timed test): explores the scenario (two vCPUs of different roles
 * that fault and reload, so up to 4 roots; one yielding write-protect walker; up to 3 fast zaps)
 * under each policy, with 2 workers and with 1, and prints states, states/s and the saving of POR; the
 * reduction factors of hashing and POR against a search without any reduction are measured on a smaller
 * scenario that can be enumerated in full.
 *
 * <pre>java -cp ... org.tdpscope.sim.explore.ExploreBench [zaps] [policy|all]</pre>
 */
public final class ExploreBench {

    private ExploreBench() {
    }

    static Scenario scenario(int zaps) {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false), new Op.Reload(),
                new Op.Fault(0x20, true, false));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false), new Op.Reload(),
                new Op.Fault(0x20, true, false));
        s.thread("W", ThreadKind.WALKER,
                new Op.Walk(SpteOp.WRPROT, 0, 0x100, true, true, YieldSpec.every(0x10), Variants.KERNEL, false));
        Op[] z = new Op[zaps];
        for (int i = 0; i < zaps; i++) {
            z[i] = new Op.FastZap(true, YieldSpec.NEVER);
        }
        s.thread("Z", ThreadKind.INVALIDATOR, z);
        return s;
    }

    /** Small enough to enumerate without any reduction: exact reduction factors. */
    static Scenario small() {
        Scenario s = new Scenario();
        s.kernel = org.tdpscope.sim.Era.V5_16.rules(); // the v5.16 rules these cases were written for
        s.memslots.add(new Scenario.MemslotSpec(0, 0, 0x1000, false, true));
        s.vcpu("v0", RootRole.DEFAULT).vcpu("v1", RootRole.of("smm"));
        s.thread("v0", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false),
                new Op.Fault(0x20, true, false));
        s.thread("v1", ThreadKind.VCPU, new Op.LoadRoot(), new Op.Fault(0x10, true, false),
                new Op.Fault(0x20, true, false));
        s.thread("W", ThreadKind.WALKER,
                new Op.Walk(SpteOp.WRPROT, 0, 0x100, true, true, YieldSpec.every(0x40), Variants.KERNEL, false));
        s.thread("Z", ThreadKind.INVALIDATOR, new Op.FastZap(true, YieldSpec.NEVER));
        return s;
    }

    public static void main(String[] args) {
        int zaps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String which = args.length > 1 ? args[1] : "all";
        Scenario s = scenario(zaps);
        Explorer x = new Explorer();
        // warm-up: the JIT needs a few seconds of the whole search (forks, hashing, both workers) first
        for (Policy p : Policy.values()) {
            x.explore(scenario(2), p, ExploreBounds.defaults(), null, null);
            x.explore(scenario(2), p, ExploreBounds.defaults().withWorkers(1), null, null);
        }
        System.out.println("-- small scenario (2 vCPUs x 3 ops, walker, 1 fast zap), policy continue: exact factors");
        ExploreBounds sb = ExploreBounds.defaults().withWorkers(1);
        ExploreResult sBoth = run(x, small(), Policy.CONTINUE, sb, "hashing + POR, 1 worker ");
        ExploreResult sHash = run(x, small(), Policy.CONTINUE, sb.withReductions(true, false), "hashing only, 1 worker  ");
        ExploreResult sPor = run(x, small(), Policy.CONTINUE, sb.withReductions(false, true), "POR only, 1 worker      ");
        ExploreResult sNone = run(x, small(), Policy.CONTINUE, sb.withReductions(false, false), "no reduction, 1 worker  ");
        System.out.printf(Locale.ROOT, "   reduction in visits: hashing %sx%.1f, POR alone %sx%.2f, POR on top of hashing x%.2f,"
                + " both %sx%.1f; outcomes %d/%d/%d/%d%n", ge(sNone), ratio(sNone, sHash), ge(sNone, sPor),
                ratio(sNone, sPor), ratio(sHash, sBoth), ge(sNone), ratio(sNone, sBoth), sBoth.outcomes().size(),
                sHash.outcomes().size(), sPor.outcomes().size(), sNone.outcomes().size());
        for (Policy p : Policy.values()) {
            if (!which.equals("all") && !which.equals(p.word())) {
                continue;
            }
            System.out.println("-- policy " + p.word() + ", " + zaps + " fast zap(s)");
            ExploreBounds b = ExploreBounds.defaults().withMaxVisits(20_000_000L);
            ExploreResult both = run(x, s, p, b, "hashing + POR, 2 workers");
            ExploreResult both1 = run(x, s, p, b.withWorkers(1), "hashing + POR, 1 worker ");
            ExploreResult hashOnly = run(x, s, p, b.withReductions(true, false).withWorkers(1),
                    "hashing only, 1 worker  ");
            System.out.printf(Locale.ROOT, "   POR on top of hashing: visits x%.2f (unreduced runs: see the small scenario)%n",
                    ratio(hashOnly, both1));
            int bad = both.bad().size();
            System.out.println("   outcomes " + both.outcomes().size() + " (" + bad + " bad)");
        }
    }

    private static String ge(ExploreResult... rs) {
        for (ExploreResult r : rs) {
            if (r.stats().truncated()) {
                return ">=";
            }
        }
        return "";
    }

    private static double ratio(ExploreResult base, ExploreResult reduced) {
        return (double) base.stats().visits() / Math.max(1, reduced.stats().visits());
    }

    private static ExploreResult run(Explorer x, Scenario s, Policy p, ExploreBounds b, String label) {
        ExploreResult r = x.explore(s, p, b, null, null);
        ExploreResult.Stats st = r.stats();
        System.out.printf(Locale.ROOT,
                "   %s: %,10d visits %,9d distinct states %,8d ms %,9.0f distinct states/s %,9.0f visits/s"
                        + " (%,d forks, %,d sim steps, %d tasks%s)%n",
                label, st.visits(), st.distinctStates(), st.millis(), st.distinctStatesPerSecond(),
                st.visits() * 1000.0 / Math.max(1, st.millis()), st.forks(), st.steps(), st.tasks(),
                st.truncated() ? ", TRUNCATED" : "");
        return r;
    }
}
