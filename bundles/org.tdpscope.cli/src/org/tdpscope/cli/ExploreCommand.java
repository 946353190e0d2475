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
 * ({@link Main#explore}); the options of the searches still to come (a swarm of randomized
 * searches, a cluster of machines) are declared hidden and refused in {@link #checkSearch} until
 * they exist, so adding one means filling in that method and the choice, nothing more.
 */
@Command(name = "explore", customSynopsis = "tdpscope explore FILE [OPTIONS]", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = { "Run every interleaving of the scenario's threads (its schedule is ignored), check the invariants"
                + " (and the expect block with --expectations) in each, list the distinct outcomes and a shortest"
                + " schedule to each bad one.",
                "Bounds, policies and 'check expectations' come from the scenario's explore block; flags override it." })
final class ExploreCommand extends Main.ScenarioCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..*", hideParamSyntax = true, description = "the scenario (.tdp)")
    List<String> files = new ArrayList<>();
    @Option(names = "--time", paramLabel = "T", description = "stop after T (90s, 10m, 2h) and print what was found")
    String time;
    @Option(names = "--depth", paramLabel = "N", description = "at most N steps per run")
    String depth;
    @Option(names = "--yields", paramLabel = "N", description = "at most N yields per run")
    String yields;
    @Option(names = "--invalidations", paramLabel = "N", description = "at most N invalidations per run")
    String invalidations;
    @Option(names = "--max-visits", paramLabel = "N", description = "at most N visits (default 2,000,000)")
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
    // A search still to come: declared so it is recognized, refused until it exists.
    @Option(names = "--cluster", hidden = true)
    boolean cluster;
    @Option(names = "--member", paramLabel = "HOST:PORT", hidden = true)
    List<String> members = new ArrayList<>();

    ExploreCommand(Main main) {
        super(main);
    }

    @Override
    public Integer call() {
        return main.explore(this);
    }

    /** Refuses the options of searches this build does not have, by name. */
    void checkSearch() {
        if (seed != null && swarm == null) {
            throw new Main.UsageException("--seed is the seed of a --swarm search; add --swarm N");
        }
        String missing = cluster ? "--cluster" : !members.isEmpty() ? "--member" : null;
        if (missing != null) {
            throw new Main.UsageException("explore " + missing + " is not available in this build yet (the exhaustive"
                    + " search and --swarm are)");
        }
    }
}
