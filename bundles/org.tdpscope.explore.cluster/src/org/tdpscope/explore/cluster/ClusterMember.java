/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.sim.explore.ExploreMonitor;
import org.tdpscope.sim.explore.ExploreResult;
import org.tdpscope.sim.explore.SubtreeSearch;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.QueueConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * A member of an exploration cluster (Hazelcast, embedded): it searches the subtree tasks of whichever exploration
 * the cluster runs, and the one that calls {@link #explore} coordinates that exploration.
 *
 * <p>Per exploration (a job) and attempt (an epoch) the cluster holds: the visited states, partitioned by state hash
 * ({@link ClusterVisited}); a queue of subtree tasks; the tasks being searched, by member ({@code inflight}); each
 * task's outcomes once searched ({@code results}). A small control map says which job and epoch run and whether
 * they are cancelled; members poll it. A member that leaves while a job runs takes with it the visited records of
 * the subtrees it had not finished (which other members may already have been pruned by) and its share of the
 * maps: the coordinator then starts the job again, on the members left, in a new epoch. Results are never merged
 * from an attempt that lost a member.
 *
 * <p>Progress: each member publishes, a few times a second, the visits its threads checked and the states they added
 * ({@code figures}, by member); the coordinator sums them and reports the cluster's totals to its monitor as one
 * worker (the explorer's own per-thread reports come only every few thousand visits, seconds apart in a cluster).
 */
public final class ClusterMember implements AutoCloseable {

    private static final String CONTROL = "tdpscope.control";
    private static final String CURRENT = "current";
    private static final int RUNNING = 0, CANCEL = 1, DONE = 2;
    /** Held so its level stays set (loggers are held weakly). */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    private final HazelcastInstance hz;
    private final ClusterOptions options;
    private final PrintStream log;
    private final IMap<String, String> control;
    private final IMap<String, byte[]> jobs;
    private final IMap<String, String> errors;
    private final Map<String, Local> coordinated = new ConcurrentHashMap<>();
    private final Map<String, ClusterJob.Resolved> resolved = new ConcurrentHashMap<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private final AtomicInteger left = new AtomicInteger();
    private volatile String lastLeft;
    private volatile boolean closed;
    private volatile Serving serving;
    private TdpScenarios scenarios;
    private String parsedText;
    private org.tdpscope.dsl.api.LoadedScenario parsed;
    private final Thread poller;

    /** A job this JVM coordinates: its own threads use the resolved job and report to its monitor. */
    private record Local(ClusterJob.Resolved resolved, ExploreMonitor monitor) {
    }

    /** What one run of {@link #explore} found, with the cluster's figures. */
    public record Run(ExploreResult result, int members, int restarts, String restartReason) {
    }

    private ClusterMember(HazelcastInstance hz, ClusterOptions options, PrintStream log) {
        this.hz = hz;
        this.options = options;
        this.log = log;
        control = hz.getMap(CONTROL);
        jobs = hz.getMap("tdpscope.jobs");
        errors = hz.getMap("tdpscope.errors");
        hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                log.println("cluster: " + e.getMember().getAddress() + " joined (" + e.getMembers().size()
                        + " members)");
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                lastLeft = e.getMember().getAddress().toString();
                left.incrementAndGet();
                log.println("cluster: " + lastLeft + " left (" + e.getMembers().size() + " members)");
            }
        });
        poller = new Thread(this::poll, "tdpscope-cluster-poll");
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * Starts a member (it joins {@code options.members()}, or starts a cluster of its own) and serves the cluster's
     * explorations with {@code options.threads()} search threads until {@link #close}.
     *
     * @param log where membership changes and errors of this member are written (stderr: stdout is the report)
     * @throws IllegalStateException when the member cannot start (e.g. no free port at the bind address)
     */
    public static ClusterMember start(ClusterOptions options, PrintStream log) {
        firstFreePort(options); // or a clear error, before Hazelcast logs one
        HAZELCAST_LOG.setLevel(Level.parse(System.getProperty("tdpscope.cluster.log", "SEVERE")));
        Config cfg = new Config();
        cfg.setClusterName(options.name());
        cfg.setInstanceName("tdpscope-" + UUID.randomUUID());
        cfg.setClassLoader(ClusterMember.class.getClassLoader()); // under OSGi: this bundle's classes and Hazelcast's
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        cfg.setProperty("hazelcast.logging.type", "jdk");
        cfg.setProperty("hazelcast.shutdownhook.enabled", "false"); // a coordinator prints partial results on Ctrl-C
        cfg.setProperty("hazelcast.socket.bind.any", "false"); // only the bind address, never 0.0.0.0
        cfg.setProperty("hazelcast.health.monitoring.level", "OFF");
        cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
        // a worker started before its coordinator forms a cluster of one: merge it in soon, not after 5 minutes
        cfg.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        cfg.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        // a member address that answers but is no member (another program on 5701) holds the join: a minute, then
        // a clear error, not Hazelcast's five
        cfg.setProperty("hazelcast.max.join.seconds", String.valueOf(MAX_JOIN_SECONDS));
        cfg.getJetConfig().setEnabled(false);
        cfg.getSerializationConfig().addDataSerializableFactory(VisitProcessor.FACTORY, new VisitProcessor.Factory());
        NetworkConfig net = cfg.getNetworkConfig();
        // a port given is that port; the default one moves on to the next free. The range stays whole: members
        // named without a port are looked for on every port of it.
        net.setPort(options.bindPort()).setPortAutoIncrement(options.nextFreePort())
                .setPortCount(lastPort(options) - options.bindPort() + 1);
        net.setReuseAddress(true); // a member restarted at once takes its port back (not held by TIME_WAIT)
        net.getInterfaces().setEnabled(true).addInterface(options.bindHost());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        List<String> members = new ArrayList<>(options.members());
        if (members.isEmpty()) {
            members.add(options.bindHost());
        }
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
        // visited records: objects in place (the entry processor reads and writes them without serializing), no
        // backups (a lost member restarts the job anyway)
        cfg.addMapConfig(new MapConfig("tdpscope.visited.*").setInMemoryFormat(InMemoryFormat.OBJECT)
                .setBackupCount(0).setAsyncBackupCount(0).setStatisticsEnabled(false).setPerEntryStatsEnabled(false));
        cfg.addMapConfig(new MapConfig("tdpscope.results.*").setBackupCount(0).setStatisticsEnabled(false));
        cfg.addMapConfig(new MapConfig("tdpscope.inflight.*").setBackupCount(0).setStatisticsEnabled(false));
        cfg.addMapConfig(new MapConfig("tdpscope.figures.*").setBackupCount(0).setStatisticsEnabled(false));
        cfg.addQueueConfig(new QueueConfig("tdpscope.tasks.*").setBackupCount(0).setStatisticsEnabled(false));
        HazelcastInstance hz;
        try {
            hz = Hazelcast.newHazelcastInstance(cfg);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start a cluster member at " + options.bindHost() + ":"
                    + options.bindPort() + ": " + e.getMessage() + " (after " + MAX_JOIN_SECONDS + " s: does every "
                    + "address of " + members + " answer as a tdpscope member? another program on a member's port "
                    + "holds the join; --bind and --members/--join name free ones)", e);
        }
        return new ClusterMember(hz, options, log);
    }

    /** How long a member tries to join the members it was given before it gives up with a message. */
    static final int MAX_JOIN_SECONDS = 60;

    private static int lastPort(ClusterOptions o) {
        return o.nextFreePort() ? Math.min(65535, o.bindPort() + ClusterOptions.PORT_COUNT - 1) : o.bindPort();
    }

    /**
     * The first port of the member's range that is free now: checked here because Hazelcast, given no free port,
     * logs a stack trace before it throws.
     *
     * @throws IllegalStateException the port given is taken, or every port from the default one is
     */
    static int firstFreePort(ClusterOptions o) {
        String why = null;
        for (int p = o.bindPort(); p <= lastPort(o); p++) {
            why = cannotListen(o.bindHost(), p);
            if (why == null) {
                return p;
            }
        }
        String at = o.bindHost() + ":" + o.bindPort();
        if (!o.nextFreePort()) {
            throw new IllegalStateException("--bind " + at + ": " + (why.equals(IN_USE) ? "the port is in use (by"
                    + " another program or another member on this machine); give a free port, or none to take the"
                    + " first free one from " + ClusterOptions.DEFAULT_PORT : "cannot listen there: " + why));
        }
        throw new IllegalStateException("cannot listen at " + o.bindHost() + ": ports " + o.bindPort() + " to "
                + lastPort(o) + " are " + (why.equals(IN_USE) ? "all in use" : "refused (" + why + ")")
                + "; give a free port with --bind " + o.bindHost() + ":PORT");
    }

    private static final String IN_USE = "in use";

    /** Null when this machine lets a server listen at {@code host:port} now, else why not. */
    private static String cannotListen(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as Hazelcast's: a port held only by TIME_WAIT is free
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return null;
        } catch (java.net.BindException e) {
            String m = String.valueOf(e.getMessage());
            return m.toLowerCase(java.util.Locale.ROOT).contains("in use") ? IN_USE : m;
        } catch (IOException | SecurityException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** This member's address ({@code HOST:PORT}). */
    public String address() {
        var a = hz.getCluster().getLocalMember().getAddress();
        return a.getHost() + ":" + a.getPort();
    }

    /** Members in the cluster now, this one included. */
    public int members() {
        return hz.getCluster().getMembers().size();
    }

    /** Waits until the cluster has {@code n} members, {@code timeoutMillis} passed or {@code stop} says so. */
    public int awaitMembers(int n, long timeoutMillis, BooleanSupplier stop) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (members() < n && System.nanoTime() < end && !stop.getAsBoolean()) {
            Thread.sleep(100);
        }
        return members();
    }

    /**
     * Coordinates one exploration: explores down to the split depth here, queues the subtrees for every member
     * (this one included), waits for their outcomes and merges them; the result is the single-JVM
     * {@link org.tdpscope.sim.explore.Explorer}'s. When the monitor cancels (Ctrl-C, a time bound), the members stop
     * and what was searched so far is merged and marked cancelled. When a member leaves mid-search the job starts
     * again on the members left.
     *
     * @param here  the job resolved on this JVM (the coordinator's own scenario objects)
     * @param note  one-line notes for the user (a restart, a member that cannot run the job), for stderr
     * @throws IllegalStateException when a member cannot run the job (its message says which and why)
     */
    public Run explore(ClusterJob job, ClusterJob.Resolved here, ExploreMonitor monitor, Consumer<String> note) {
        ExploreMonitor m = monitor == null ? ExploreMonitor.NONE : monitor;
        // the split reports through the cluster's totals below, not as a worker of its own (it would count twice)
        ExploreMonitor quiet = new ExploreMonitor() {
            @Override
            public boolean cancelled() {
                return m.cancelled();
            }
        };
        String id = UUID.randomUUID().toString();
        long t0 = System.nanoTime();
        coordinated.put(id, new Local(here, m));
        jobs.set(id, job.encode());
        String me = hz.getCluster().getLocalMember().getUuid().toString();
        int restarts = 0;
        String reason = null;
        try {
            for (int epoch = 1;; epoch++) {
                int leftBefore = left.get();
                String names = id + "." + epoch;
                ClusterVisited visited = new ClusterVisited(hz.getMap("tdpscope.visited." + names),
                        here.bounds().maxYields(), cacheBytes(), null);
                SubtreeSearch search = new SubtreeSearch(here.scenario(), here.policy(), here.bounds(),
                        here.expectations(), quiet, visited);
                IMap<Integer, byte[]> results = hz.getMap("tdpscope.results." + names);
                IMap<Integer, String> inflight = hz.getMap("tdpscope.inflight." + names);
                IMap<String, long[]> figures = hz.getMap("tdpscope.figures." + names);
                var queue = hz.<byte[]>getQueue("tdpscope.tasks." + names);
                try {
                    List<byte[]> tasks = search.split(here.bounds().splitDepth());
                    List<byte[]> items = new ArrayList<>();
                    for (int i = 0; i < tasks.size(); i++) {
                        items.add(ByteBuffer.allocate(4 + tasks.get(i).length).putInt(i).put(tasks.get(i)).array());
                    }
                    queue.addAll(items);
                    control.set(CURRENT, id + " " + epoch + " " + RUNNING + " " + me);
                    synchronized (this) { // this member's threads start now, not at the next poll
                        stopServing();
                        startServing(id, epoch);
                    }
                    boolean cancelled = search.splitTruncated() && m.cancelled();
                    long reported = 0;
                    long[] shown = new long[2];
                    while (!cancelled && results.size() < tasks.size() && left.get() == leftBefore) {
                        if (System.nanoTime() - reported > 250_000_000L) {
                            reported = System.nanoTime();
                            report(m, visited, figures, shown);
                        }
                        String err = errors.get(id);
                        if (err != null) {
                            throw new IllegalStateException(err);
                        }
                        if (m.cancelled()) {
                            cancelled = true;
                            control.set(CURRENT, id + " " + epoch + " " + CANCEL + " " + me);
                            // the members finish their subtree as cancelled (within a second) and send what they found
                            long end = System.nanoTime() + 2_500_000_000L;
                            Thread.sleep(300);
                            while (!inflight.isEmpty() && System.nanoTime() < end) {
                                Thread.sleep(50);
                            }
                            break;
                        }
                        Thread.sleep(20);
                    }
                    if (left.get() != leftBefore && !cancelled) {
                        restarts++;
                        control.set(CURRENT, id + " " + epoch + " " + DONE + " " + me);
                        errors.delete(id); // a member's error in a lost attempt is not the job's
                        reason = lastLeft + " left the cluster during the search";
                        note.accept("cluster: " + reason + "; searching again on " + members() + " member"
                                + (members() == 1 ? "" : "s") + " (the visited states it had claimed cannot be"
                                + " trusted)");
                        continue;
                    }
                    List<byte[]> partials = new ArrayList<>(results.values());
                    long distinct = visited.exactSize();
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    control.set(CURRENT, id + " " + epoch + " " + DONE + " " + me);
                    return new Run(search.result(partials, distinct, millis, tasks.size(), cancelled), members(),
                            restarts, reason);
                } finally {
                    stopServing();
                    for (var o : List.of(visited.map(), results, inflight, figures, queue)) {
                        try {
                            o.destroy();
                        } catch (RuntimeException e) {
                            // a member left: nothing to clean there
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the cluster search was interrupted", e);
        } finally {
            try {
                control.set(CURRENT, id + " 0 " + DONE + " " + me);
                jobs.delete(id);
                errors.delete(id);
            } catch (RuntimeException e) {
                // shutting down
            }
            coordinated.remove(id);
        }
    }

    /**
     * The cluster's visits and distinct states so far, to the coordinator's monitor as one worker (0): the members'
     * published figures and the split's. Visits never fall below distinct states (each state added is a visit
     * checked, and a member publishes both at once); neither goes down while the attempt runs ({@code shown}: the
     * largest reported, should a member's entry be missed while its partition moves to a member joining).
     */
    private static void report(ExploreMonitor m, ClusterVisited split, IMap<String, long[]> figures, long[] shown) {
        long[] total = split.figures();
        try {
            for (long[] f : figures.values()) {
                total[0] += f[0];
                total[1] += f[1];
            }
        } catch (RuntimeException e) {
            return; // a member came or went mid-call: the next tick reports
        }
        shown[0] = Math.max(shown[0], total[0]);
        shown[1] = Math.max(shown[1], total[1]);
        m.progress(0, shown[0], shown[1]);
    }

    /** The share of the heap this member's cache of visited records may take. */
    private static long cacheBytes() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    /** Follows the control map: starts, cancels and stops this member's part of the running job. */
    private void poll() {
        while (!closed) {
            try {
                Thread.sleep(50);
                String cur = control.get(CURRENT);
                if (cur == null) {
                    synchronized (this) {
                        follow(null, 0, DONE, false);
                    }
                    continue;
                }
                String[] f = cur.split(" ");
                String id = f[0];
                int epoch = Integer.parseInt(f[1]);
                int state = Integer.parseInt(f[2]);
                boolean coordinatorHere = false;
                for (Member mb : hz.getCluster().getMembers()) {
                    coordinatorHere |= mb.getUuid().toString().equals(f[3]);
                }
                synchronized (this) {
                    follow(id, epoch, state, coordinatorHere);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed || !hz.getLifecycleService().isRunning()) {
                    return;
                }
                // a member came or went mid-call: try again at the next tick
            }
        }
    }

    /** One tick of {@link #poll}: what the control map says (null: nothing runs), done here. */
    private void follow(String id, int epoch, int state, boolean coordinatorHere) {
        Serving s = serving;
        if (id != null && coordinated.containsKey(id) || s != null && coordinated.containsKey(s.id)) {
            return; // a job this JVM coordinates: its explore() starts and stops the threads
        }
        if (id == null || state == DONE || !coordinatorHere || failed.containsKey(id)) {
            stopServing();
        } else if (s == null || !s.id.equals(id) || s.epoch != epoch) {
            stopServing();
            startServing(id, epoch);
            if (state == CANCEL && serving != null) {
                serving.cancel = true;
            }
        } else if (state == CANCEL) {
            s.cancel = true;
        }
    }

    private synchronized void startServing(String id, int epoch) {
        Local local = coordinated.get(id);
        ClusterJob.Resolved r = local != null ? local.resolved : resolved.get(id);
        if (r == null) {
            byte[] bytes = jobs.get(id);
            if (bytes == null) {
                return;
            }
            try {
                ClusterJob job = ClusterJob.decode(bytes);
                if (scenarios == null) {
                    scenarios = TdpScenarios.create();
                }
                if (!job.text().equals(parsedText)) { // the policies and kernels of one file: parsed once
                    parsed = scenarios.load(job.text(), job.file());
                    parsedText = job.text();
                }
                r = job.resolve(parsed);
                resolved.clear(); // one job at a time: forget the previous one
                resolved.put(id, r);
            } catch (RuntimeException e) {
                String why = "member " + address() + " cannot run the search: " + e.getMessage();
                failed.put(id, why);
                log.println("cluster: " + why);
                errors.putIfAbsent(id, why);
                return;
            }
        }
        serving = new Serving(id, epoch, r, local != null ? local.monitor : ExploreMonitor.NONE);
    }

    private synchronized void stopServing() {
        Serving s = serving;
        serving = null;
        if (s != null) {
            s.stop();
        }
    }

    /** This member's search threads on one epoch of one job. */
    private final class Serving {
        final String id;
        final int epoch;
        volatile boolean cancel;
        volatile boolean abort;
        final List<Thread> threads = new ArrayList<>();
        private final ClusterVisited visited;
        private final IMap<String, long[]> figures;
        private final String me;
        private long published = -1;

        Serving(String id, int epoch, ClusterJob.Resolved r, ExploreMonitor outer) {
            this.id = id;
            this.epoch = epoch;
            String names = id + "." + epoch;
            // progress goes through the published figures (see report), not to the monitor: only its cancellation
            ExploreMonitor m = new ExploreMonitor() {
                @Override
                public boolean cancelled() {
                    return abort || cancel || outer.cancelled();
                }
            };
            visited = new ClusterVisited(hz.getMap("tdpscope.visited." + names), r.bounds().maxYields(),
                    cacheBytes(), m::cancelled);
            figures = hz.getMap("tdpscope.figures." + names);
            me = hz.getCluster().getLocalMember().getUuid().toString();
            SubtreeSearch search = new SubtreeSearch(r.scenario(), r.policy(), r.bounds(), r.expectations(), m,
                    visited);
            IMap<Integer, byte[]> results = hz.getMap("tdpscope.results." + names);
            IMap<Integer, String> inflight = hz.getMap("tdpscope.inflight." + names);
            var queue = hz.<byte[]>getQueue("tdpscope.tasks." + names);
            for (int t = 0; t < options.threads(); t++) {
                SubtreeSearch.Runner runner = search.runner(t);
                Thread th = new Thread(() -> {
                    try {
                        while (!abort && !cancel && !runner.cancelled()) {
                            byte[] item = queue.poll(100, TimeUnit.MILLISECONDS);
                            if (item == null || abort) {
                                continue;
                            }
                            int task = ByteBuffer.wrap(item).getInt();
                            inflight.set(task, me);
                            byte[] partial = runner.run(Arrays.copyOfRange(item, 4, item.length));
                            if (!abort) {
                                publish(); // before the result: the coordinator's last report counts this subtree
                                results.set(task, partial);
                            }
                            inflight.delete(task);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        if (!abort && !closed) {
                            String why = "member " + address() + " failed in the search: " + e;
                            log.println("cluster: " + why);
                            try {
                                errors.putIfAbsent(id, why);
                            } catch (RuntimeException gone) {
                                // the cluster is going away too
                            }
                        }
                    }
                }, "tdpscope-cluster-search-" + t);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
            Thread publisher = new Thread(() -> {
                try {
                    while (!abort) {
                        Thread.sleep(200);
                        publish();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "tdpscope-cluster-figures");
            publisher.setDaemon(true);
            threads.add(publisher);
            publisher.start();
        }

        /** This member's figures into the attempt's map, when they changed (a few times a second at most). */
        synchronized void publish() {
            long[] f = visited.figures();
            if (f[0] == published || abort) {
                return;
            }
            try {
                figures.set(me, f);
                published = f[0];
            } catch (RuntimeException e) {
                // the attempt is over or a member went: nothing to report to
            }
        }

        void stop() {
            abort = true;
            for (Thread t : threads) {
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Leaves the cluster at once (its share of a running job is searched again by the others). */
    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        stopServing();
        hz.getLifecycleService().terminate();
    }
}
