/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tdpscope explore}: its options. The search itself is chosen in one place
 * ({@link Main#explore}): one JVM, a swarm of randomized searches ({@code --swarm}) or a cluster of
 * machines ({@code --cluster}, with {@code tdpscope worker} on the others); {@link #checkSearch}
 * checks their options against each other.
 */
@Command(name = "explore", customSynopsis = "tdpscope explore FILE [OPTIONS]", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = { "Run every interleaving of the scenario's threads (its schedule is ignored), check the invariants"
                + " (and the expect block with --expectations) in each, list the distinct outcomes and a shortest"
                + " schedule to each bad one.",
                "Bounds, policies and 'check expectations' come from the scenario's explore block; flags override it." })
final class ExploreCommand extends Main.ScenarioCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..*", hideParamSyntax = true, description = "the scenario (.tdp)")
    List<String> files = new ArrayList<>();
    @Option(names = "--time", paramLabel = "T", description = "stop after T (90s, 10m, 2h) in all, shared evenly by the policies and eras, and print what was found")
    String time;
    @Option(names = "--depth", paramLabel = "N", description = "at most N steps per run")
    String depth;
    @Option(names = "--yields", paramLabel = "N", description = "at most N yields per run")
    String yields;
    @Option(names = "--invalidations", paramLabel = "N", description = "at most N invalidations per run")
    String invalidations;
    @Option(names = "--max-visits", paramLabel = "N", description = "at most N visits per search thread (default 2,000,000)")
    String maxVisits;
    @Option(names = "--repeat", paramLabel = "T,...", description = "threads that repeat forever ('' for none)")
    String repeat;
    @Option(names = "--workers", paramLabel = "N", description = "search threads")
    String workers;
    @Option(names = "--expectations", description = "a run failing the expect block is a bad outcome")
    boolean expectations;
    @Option(names = "--outcomes-file", paramLabel = "OUT.txt", description = "every outcome and every bad outcome's"
            + " shortest schedule, however many ('-': stdout)")
    String outcomesFile;

    @Option(names = "--swarm", paramLabel = "N", description = "N randomized depth-first searches under a budget"
            + " (--time, --max-visits per member), outcomes merged; not exhaustive, and says so")
    String swarm;
    @Option(names = "--seed", paramLabel = "S", description = "the swarm's seed (same seed and visit budget, same"
            + " result)")
    String seed;
    @Option(names = "--cluster", description = "coordinate a search over several machines (tdpscope worker on each);"
            + " same result as one JVM")
    boolean cluster;
    @Option(names = "--bind", paramLabel = "ADDR:PORT", description = "with --cluster: the address of this machine"
            + " this member listens on (default 127.0.0.1:5701 or the next free port, this machine only; a port given is"
            + " that port)")
    String bind;
    @Option(names = { "--members", "--member" }, paramLabel = "HOST:PORT,...", split = ",", hideParamSyntax = true,
            description = "with --cluster: members to reach (workers started before the coordinator)")
    List<String> members = new ArrayList<>();
    @Option(names = "--expect-members", paramLabel = "N", description = "with --cluster: wait for N members (this"
            + " one included) before searching")
    String expectMembers;
    @Option(names = "--cluster-name", paramLabel = "NAME", description = "with --cluster: the"
            + " cluster's name (default tdpscope); members of another name are not let in")
    String clusterName;

    ExploreCommand(Main main) {
        super(main);
    }

    @Override
    public Integer call() {
        return main.explore(this);
    }

    /** Checks the options of the searches against each other. */
    void checkSearch() {
        if (seed != null && swarm == null) {
            throw new Main.UsageException("--seed is the seed of a --swarm search; add --swarm N");
        }
        Main.excludes(cluster, "--cluster", swarm != null, "--swarm", "a cluster search is exhaustive");
        String clusterOnly = bind != null ? "--bind" : !members.isEmpty() ? "--members" : expectMembers != null
                ? "--expect-members" : clusterName != null ? "--cluster-name" : null;
        if (clusterOnly != null) {
            Main.needs(true, clusterOnly, cluster, "--cluster", "");
        }
    }
}
