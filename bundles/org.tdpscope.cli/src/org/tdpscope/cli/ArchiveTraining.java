/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.tdpscope.trace.EventStream;
import org.tdpscope.trace.ParallelTraceReader;

/**
 * The fixed run the launcher records its class-data archive from ({@code -XX:ArchiveClassesAtExit}): the
 * classes a run loads are then mapped, already verified, by every later command. It runs the scenario it is
 * given (the seed example), writes that run's kernel trace, and imports it, the way {@code import} reads
 * a large file too (the parallel reader): an archive of the run alone gave {@code import} nothing, since
 * almost none of the trace reader's classes were in it. Quiet; the exit status says whether both worked.
 */
public final class ArchiveTraining {

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ArchiveTraining SCENARIO.tdp");
            System.exit(Main.BAD_INPUT);
        }
        System.exit(train(Path.of(args[0])));
    }

    /** Runs {@code scenario}, imports its kernel traces, and returns the exit status; leaves no file behind. */
    static int train(Path scenario) throws IOException {
        Path dir = Files.createTempDirectory("tdpscope-archive-training");
        try {
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            Path trace = dir.resolve("kernel.txt");
            int code = Main.run(new String[] {"run", scenario.toString(), "--quiet", "--kernel-trace",
                    trace.toString()}, quiet, quiet);
            List<Path> traces = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) { // one file per policy the scenario compares
                s.sorted().forEach(traces::add);
            }
            if (code == Main.OK && traces.isEmpty()) {
                code = Main.FAILED;
            }
            for (Path t : traces) {
                if (code == Main.OK) {
                    code = Main.run(new String[] {"import", t.toString()}, quiet, quiet);
                }
            }
            if (code == Main.OK) { // a large file's way, which import takes from 16 MiB on
                try (EventStream events = ParallelTraceReader.open(traces.get(0), 2)) {
                    while (events.next() != null) {
                        // every event, as an import would take them
                    }
                }
            }
            return code;
        } finally {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
