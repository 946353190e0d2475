/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.tdpscope.explore.cluster.ClusterMember;
import org.tdpscope.explore.cluster.ClusterOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tdpscope worker --join HOST:PORT}: a member of an exploration cluster on this machine; it searches the
 * subtrees of whatever {@code tdpscope explore FILE --cluster} coordinates, until Ctrl-C. It needs no scenario file:
 * the coordinator sends the scenario's text. Nothing on stdout (there is no report here); membership changes on
 * stderr.
 */
@Command(name = "worker", customSynopsis = "tdpscope worker --join HOST:PORT [OPTIONS]",
        mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false, description = {
                "Join an exploration cluster and search for its coordinator (tdpscope explore FILE --cluster) until"
                        + " Ctrl-C.",
                "Run the same tdpscope version on every machine; bind to an address the others can reach." })
final class WorkerCommand implements Callable<Integer> {

    private final PrintStream err;

    @Option(names = "--join", paramLabel = "HOST:PORT,...", split = ",", hideParamSyntax = true, required = true,
            description = "the coordinator (or any member)")
    List<String> join = new ArrayList<>();
    @Option(names = "--bind", paramLabel = "ADDR:PORT", description = "the address of this machine this member"
            + " listens on (default 127.0.0.1:5701 or the next free port: this machine only; a port given is that"
            + " port)")
    String bind;
    @Option(names = "--threads", paramLabel = "N", description = "search threads (default: one per core)")
    String threads;
    @Option(names = "--cluster-name", paramLabel = "NAME", description = "the cluster's name (default tdpscope)")
    String clusterName;

    WorkerCommand(Main main, PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        int n = Runtime.getRuntime().availableProcessors();
        if (threads != null) {
            try {
                n = Integer.parseInt(threads);
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new Main.UsageException("--threads wants a number, 1 or more, not '" + threads + "'");
            }
        }
        ClusterOptions o;
        try {
            o = ClusterOptions.parse(bind, join, clusterName, n);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        ClusterMember m;
        try {
            m = ClusterMember.start(o, err);
        } catch (IllegalStateException e) {
            throw new Main.UsageException(e.getMessage());
        }
        err.println("worker: member " + m.address() + " of cluster '" + o.name() + "', " + m.members() + " member"
                + (m.members() == 1 ? " (the coordinator is not there yet: waiting for it)" : "s") + ", " + n
                + " search thread" + (n == 1 ? "" : "s") + "; Ctrl-C to leave");
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            m.close(); // leave at once: the coordinator searches this member's share again
            forever.countDown();
        }, "tdpscope-worker-leave"));
        // never silent while alone: a worker whose --join names nobody (yet) says so every half minute
        while (!forever.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            try {
                if (m.members() == 1) {
                    err.println("worker: still alone: no member answers at " + String.join(", ", join) + " (is the "
                            + "coordinator started, with the same --cluster-name, and can this machine reach it?)");
                }
            } catch (RuntimeException leaving) { // the member is shutting down
                break;
            }
        }
        forever.await();
        return Main.OK;
    }
}
