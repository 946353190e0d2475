/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Scenario;

/**
 * Harness (not a test): prints everything an exploration reports that must not depend on how it is carried out
 * (outcomes, counts, shortest schedules, distinct-state totals) for a set of scenarios, policies and bounds, so
 * two versions of the explorer can be compared with diff.
 *
 * <pre>java -cp ... org.tdpscope.sim.explore.ExploreGolden &gt; out.txt</pre>
 */
public final class ExploreGolden {

    private ExploreGolden() {
    }

    record Case(String name, Scenario scenario, ExploreBounds bounds) {
    }

    static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        ExploreBounds d = ExploreBounds.defaults();
        cs.add(new Case("walkerDuringFastZap", ExplorerTest.walkerDuringFastZap(ExplorerTest.NO_REF), d));
        cs.add(new Case("walkerDuringFastZap/kernel", ExplorerTest.walkerDuringFastZap(org.tdpscope.sim.Variants.KERNEL), d));
        cs.add(new Case("staleSpte/after", ExplorerTest.staleSpte(false), d));
        cs.add(new Case("staleSpte/first", ExplorerTest.staleSpte(true), d));
        cs.add(new Case("storm/repeat", ExplorerTest.invalidationStorm(), d.withRepeating("v0", "Z").withMaxDepth(24)));
        cs.add(new Case("bench small", ExploreBench.small(), d));
        cs.add(new Case("bench 1 zap", ExploreBench.scenario(1), d));
        cs.add(new Case("bench 1 zap, 1 worker", ExploreBench.scenario(1), d.withWorkers(1)));
        // 7 threads (3 bits a path choice): one worker, so where the visit bound stops it does not depend on timing
        cs.add(new Case("7 threads, 1 worker, 60,000 visits", ExploreBench.scale7(), d.withWorkers(1).withMaxVisits(60_000)));
        return cs;
    }

    static void print(PrintStream out, String label, ExploreResult r) {
        ExploreResult.Stats st = r.stats();
        out.println("== " + label + ": distinct states " + st.distinctStates() + (st.truncated() ? " TRUNCATED" : ""));
        for (Outcome o : r.outcomes()) {
            out.println("  " + o + " count " + o.count());
            out.println("    schedule " + o.stem() + " cycle " + o.cycle());
        }
    }

    public static void main(String[] args) {
        for (Case c : cases()) {
            if (args.length > 0 && !c.name().startsWith(args[0])) {
                continue;
            }
            for (Policy p : Policy.values()) {
                print(System.out, c.name() + " / " + p.word(), new Explorer().explore(c.scenario(), p, c.bounds(), null, null));
            }
        }
    }
}
