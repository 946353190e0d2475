/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Explorer;

/**
 * Harness (not a test): the cost per distinct state of the cluster path against one JVM, on the test's larger
 * scenario, one search thread per member: {@code ClusterBench MEMBERS ROUNDS}.
 */
public final class ClusterBench {

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        int members = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        ClusterExploreTest.scenarios = TdpScenarios.create();
        int port = 24000 + (int) (ProcessHandle.current().pid() % 1000) * 3;
        String name = "tdpscope-bench-" + ProcessHandle.current().pid();
        ClusterMember c = ClusterMember.start(new ClusterOptions("127.0.0.1", port, List.of(), name, 1), System.err);
        List<Process> forked = new ArrayList<>();
        for (int i = 1; i < members; i++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dtdpscope.cluster.noBatch=" + Boolean.getBoolean("tdpscope.cluster.noBatch"), "-cp",
                    System.getProperty("java.class.path"), MemberProcess.class.getName(), "127.0.0.1:" + (port + 1),
                    c.address(), name, "1").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            forked.add(p);
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
        c.awaitMembers(members, 60_000, () -> false);
        ClusterExploreTest.Job j = ClusterExploreTest.bigger();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            ExploreResult one = new Explorer().explore(j.here().scenario(), j.here().policy(), j.here().bounds(),
                    null, null);
            long t1 = System.nanoTime();
            ClusterMember.Run run = c.explore(j.job(), j.here(), null, System.err::println);
            long t2 = System.nanoTime();
            long n = one.stats().distinctStates();
            System.out.printf(Locale.ROOT, "round %d: %,d distinct states (cluster %,d), %,d visits (cluster %,d);"
                    + " one JVM %.2f s = %.1f us/state, cluster of %d %.2f s = %.1f us/state%n", r, n,
                    run.result().stats().distinctStates(), one.stats().visits(), run.result().stats().visits(),
                    (t1 - t0) / 1e9, (t1 - t0) / 1e3 / n, run.members(), (t2 - t1) / 1e9, (t2 - t1) / 1e3 / n);
        }
        for (Process p : forked) {
            p.destroyForcibly();
        }
        c.close();
        System.exit(0);
    }
}
