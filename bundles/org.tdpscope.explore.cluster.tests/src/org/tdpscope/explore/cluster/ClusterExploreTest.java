/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.explore.ExploreBounds;
import org.tdpscope.sim.explore.ExploreMonitor;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.Explorer;
import org.tdpscope.sim.explore.Outcome;

/**
 * A cluster of 1, 2 and 3 member JVMs on this machine (the test JVM coordinates, the others are forked) gives what the
 * single-JVM explorer gives: outcomes, counts, shortest schedules, distinct-state totals; a member killed mid-search
 * changes nothing but the time; a cancelled search stops and keeps what it found.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterExploreTest {

    /** Small and quick (under a second each in one JVM), with bad outcomes, livelocks and expectations. */
    static final String[] EXAMPLES = { "examples/stale-spte-fifo.tdp", "examples/explore-restart-livelock.tdp",
            "examples/races/04-fault-into-invalidated-root.tdp" };

    static TdpScenarios scenarios;
    static ClusterMember coordinator;
    static String name;
    static int port;
    static final List<Process> forked = new ArrayList<>();

    @BeforeAll
    static void start() {
        scenarios = TdpScenarios.create();
        name = "tdpscope-test-" + ProcessHandle.current().pid();
        port = 20000 + ThreadLocalRandom.current().nextInt(20000);
        coordinator = ClusterMember.start(new ClusterOptions("127.0.0.1", port, List.of(), name, 1), System.err);
    }

    @AfterAll
    static void stop() {
        for (Process p : forked) {
            p.destroyForcibly();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }

    static Path example(String rel) {
        Path p = Path.of("../..").resolve(rel);
        return p.toFile().exists() ? p : Path.of(rel);
    }

    /** Every (example, policy) under its explore block's bounds, one worker thread. */
    record Job(String label, ClusterJob job, ClusterJob.Resolved here) {
    }

    static List<Job> jobs() {
        List<Job> out = new ArrayList<>();
        for (String e : EXAMPLES) {
            LoadedScenario loaded = scenarios.load(example(e));
            assertFalse(loaded.hasErrors(), loaded.errorText());
            KernelRules k = loaded.kernels().get(0);
            ExploreBounds b = loaded.exploreBounds().withMaxVisits(2_000_000).withWorkers(1);
            boolean expect = loaded.exploreChecksExpectations();
            List<Policy> ps = loaded.explorePolicies();
            for (Policy p : ps.subList(0, Math.min(2, ps.size()))) { // two policies each: the test stays short
                ClusterJob job = ClusterJob.of(loaded, k, p, b, expect);
                ClusterJob.Resolved here = new ClusterJob.Resolved(loaded.scenarioFor(k), p, b,
                        expect ? loaded.expectationsPredicate(k, p) : null);
                out.add(new Job(e + " / " + p.word(), job, here));
            }
        }
        return out;
    }

    /** What must not depend on how the search ran. */
    static String report(String label, ExploreResult r) {
        StringBuilder sb = new StringBuilder("== " + label + ": distinct states " + r.stats().distinctStates()
                + (r.stats().truncated() ? " TRUNCATED" : "") + "\n");
        for (Outcome o : r.outcomes()) {
            sb.append("  ").append(o).append(" count ").append(o.count()).append('\n');
            sb.append("    schedule ").append(o.stem()).append(" cycle ").append(o.cycle()).append('\n');
        }
        return sb.toString();
    }

    static final java.util.Map<String, String> SINGLE = new java.util.HashMap<>();

    static String single(Job j) {
        return SINGLE.computeIfAbsent(j.label, x -> report(j.label, new Explorer().explore(j.here.scenario(),
                j.here.policy(), j.here.bounds(), j.here.expectations(), null)));
    }

    /** The first {@code jobs} jobs of {@link #jobs()} (the test machine has two cores: the suite stays short). */
    static void sameAsOneJvm(int members, int jobs) {
        assertEquals(members, coordinator.members());
        long one = 0, cluster = 0, states = 0;
        List<Job> all = jobs();
        for (Job j : all.subList(0, Math.min(jobs, all.size()))) {
            long t0 = System.nanoTime();
            String expected = single(j);
            long t1 = System.nanoTime();
            ClusterMember.Run run = coordinator.explore(j.job, j.here, null, System.err::println);
            long t2 = System.nanoTime();
            assertEquals(expected, report(j.label, run.result()), members + " members: " + j.label);
            assertEquals(0, run.restarts());
            one += t1 - t0;
            cluster += t2 - t1;
            states += run.result().stats().distinctStates();
        }
        System.err.printf(Locale.ROOT, "cluster of %d: %,d distinct states, one JVM %.2f s, cluster %.2f s%n", members,
                states, one / 1e9, cluster / 1e9);
    }

    /** A member JVM joining the test's cluster; returns once it is in. */
    static Process fork() throws Exception {
        String join = coordinator.address();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", classPath(), MemberProcess.class.getName(), "127.0.0.1:" + (port + 1 + forked.size()), join,
                name, "1"); // a port given is taken exactly: one each
        int before = coordinator.members();
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        forked.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertTrue(line != null && line.startsWith("ready"), "member did not start: " + line);
        assertTrue(coordinator.awaitMembers(before + 1, 30_000, () -> false) == before + 1, "member did not join");
        return p;
    }

    @Test
    @Order(1)
    void oneMember() {
        sameAsOneJvm(1, 99);
    }

    @Test
    @Order(2)
    void twoMembers() throws Exception {
        fork();
        sameAsOneJvm(2, 2);
    }

    @Test
    @Order(3)
    void threeMembers() throws Exception {
        fork();
        sameAsOneJvm(3, 99);
    }

    /**
     * The coordinator's monitor sees the whole cluster's figures (every member's threads, as one worker): visits never
     * below distinct states nor going down, reported while the members search, and close to the final figures.
     */
    @Test
    @Order(4)
    void progressCountsEveryMembersVisits() throws Exception {
        while (coordinator.members() < 3) {
            fork();
        }
        Job j = bigger();
        String expected = single(j);
        List<long[]> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        ExploreMonitor m = new ExploreMonitor() {
            @Override
            public void progress(int worker, long visits, long distinctStates) {
                seen.add(new long[] { worker, visits, distinctStates });
            }
        };
        ClusterMember.Run run = coordinator.explore(j.job, j.here, m, System.err::println);
        assertEquals(expected, report(j.label, run.result()));
        ExploreResult.Stats st = run.result().stats();
        assertTrue(st.visits() >= st.distinctStates(), st.toString());
        assertTrue(seen.size() >= 2, "reported while searching: " + seen.size() + " reports");
        long lastVisits = 0, lastDistinct = 0;
        for (long[] s : seen) {
            assertEquals(0, s[0], "the cluster reports as one worker");
            assertTrue(s[1] >= s[2], "visits " + s[1] + " below distinct states " + s[2]);
            assertTrue(s[1] >= lastVisits && s[2] >= lastDistinct, "figures went down");
            lastVisits = s[1];
            lastDistinct = s[2];
        }
        assertTrue(lastDistinct <= st.distinctStates() && lastVisits <= st.visits(), lastVisits + " " + st);
        // the coordinator's own thread searched about a third: the reports count the other members' visits too
        assertTrue(lastVisits * 2 > st.visits(), "last report " + lastVisits + " visits of " + st.visits());
    }

    /** A member killed mid-search: the search starts again on the others, with the same result. */
    @Test
    @Order(5)
    void aKilledMemberChangesNothingButTheTime() throws Exception {
        while (coordinator.members() < 3) {
            fork();
        }
        Job j = bigger();
        String expected = single(j);
        Process victim = forked.get(forked.size() - 1);
        AtomicLong progress = new AtomicLong();
        ExploreMonitor m = new ExploreMonitor() {
            @Override
            public void progress(int worker, long visits, long distinctStates) {
                if (visits > 2000 && progress.incrementAndGet() == 1) {
                    victim.destroyForcibly(); // mid-search: the cluster has searched a few thousand states
                }
            }
        };
        List<String> notes = new ArrayList<>();
        ClusterMember.Run run = coordinator.explore(j.job, j.here, m, notes::add);
        assertTrue(victim.waitFor(10, TimeUnit.SECONDS));
        assertEquals(expected, report(j.label, run.result()));
        assertEquals(1, run.restarts(), "the member was killed mid-search: " + notes);
        assertTrue(notes.get(0).contains("left the cluster during the search"), notes.toString());
        assertEquals(2, coordinator.members());
    }

    /** Cancelled (as by Ctrl-C): every member stops within a second or so, what was found is kept and marked. */
    @Test
    @Order(6)
    void cancelStopsEveryMemberAndKeepsWhatWasFound() throws Exception {
        Job j = bigger();
        String full = single(j);
        long t0 = System.nanoTime();
        ExploreMonitor m = new ExploreMonitor() {
            @Override
            public boolean cancelled() {
                return System.nanoTime() - t0 > 1_500_000_000L;
            }
        };
        ClusterMember.Run run = coordinator.explore(j.job, j.here, m, System.err::println);
        double secs = (System.nanoTime() - t0) / 1e9;
        ExploreResult r = run.result();
        assertTrue(r.stats().cancelled() && r.stats().truncated());
        assertTrue(secs < 6, "stopped after " + secs + " s");
        // every member's last subtree came back: no visit lost
        assertTrue(r.stats().visits() >= r.stats().distinctStates(), r.stats().toString());
        // what was found is a part of the full answer: each outcome found is one the full search finds
        for (Outcome o : r.outcomes()) {
            assertTrue(full.contains(" walks " + o.walks() + " roots " + o.finalRoots() + " violations "
                    + o.violations()), o.toString());
        }
        // and the cluster is ready for the next search
        Job small = jobs().get(0);
        assertEquals(single(small), report(small.label, coordinator.explore(small.job, small.here, null,
                System.err::println).result()));
    }

    /** A search of a second or two in one JVM (the smallest scenario of issue 18: some 60,000 states). */
    static Job bigger() {
        String text = """
                scenario "cluster: 2 vcpus, a walker, a zap" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x40000 dirty-logging
                    vcpu v0 role default
                    vcpu v1 role smm
                  }
                  policy compare continue
                  threads {
                    vcpu v0: load root; fault gfn 0x10 write; reload; fault gfn 0x20 write
                    vcpu v1: load root; fault gfn 0x10 write; reload; fault gfn 0x20 write
                    walker W: write-protect gfn 0x0 .. 0x100 on valid roots, mmu_lock shared, yield every 16
                    invalidator Z: fast zap
                  }
                }
                """;
        LoadedScenario loaded = scenarios.load(text, "bigger.tdp");
        assertFalse(loaded.hasErrors(), loaded.errorText());
        KernelRules k = loaded.kernels().get(0);
        Policy p = Policy.fromWord("continue");
        ExploreBounds b = ExploreBounds.defaults().withMaxVisits(2_000_000).withWorkers(1);
        return new Job("bigger / continue", ClusterJob.of(loaded, k, p, b, false),
                new ClusterJob.Resolved(loaded.scenarioFor(k), p, b, null));
    }

    /** The class path of this test JVM (OSGi: the bundles it runs, as {@code WritesTest} in the CLI tests does). */
    static String classPath() {
        org.osgi.framework.Bundle bundle = org.osgi.framework.FrameworkUtil.getBundle(ClusterMember.class);
        if (bundle == null) {
            return System.getProperty("java.class.path");
        }
        List<String> locations = new ArrayList<>();
        String listed = System.getProperty("osgi.bundles");
        if (listed != null && !listed.isBlank()) {
            for (String l : listed.split(",")) {
                locations.add(l.replaceFirst("@[^@/]*$", ""));
            }
        } else {
            try {
                if (bundle.getBundleContext() == null) {
                    bundle.start();
                }
                for (org.osgi.framework.Bundle b : bundle.getBundleContext().getBundles()) {
                    locations.add(b.getLocation());
                }
            } catch (org.osgi.framework.BundleException | RuntimeException e) {
                throw new AssertionError("cannot list the test runtime's bundles for a forked JVM: " + e, e);
            }
        }
        Set<String> entries = new LinkedHashSet<>();
        for (String location : locations) {
            String l = location.trim();
            for (int k = 0; k < 2; k++) {
                l = l.replaceFirst("^initial@", "").replaceFirst("^reference:", "");
            }
            File f = l.startsWith("file:") ? new File(URI.create(l.replace(" ", "%20"))) : new File(l);
            if (f.isDirectory() && new File(f, "target/classes").isDirectory()) {
                entries.add(new File(f, "target/classes").getAbsolutePath());
                if (new File(f, "target/test-classes").isDirectory()) {
                    entries.add(new File(f, "target/test-classes").getAbsolutePath());
                }
            } else if (f.exists()) {
                entries.add(f.getAbsolutePath());
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
