/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.tdpscope.dsl.api.TdpScenarios;

/** One shared language setup for all tests (building it takes a while), and the examples folder. */
final class Scenarios {

    private static TdpScenarios instance;

    private Scenarios() {
    }

    static synchronized TdpScenarios get() {
        if (instance == null) {
            instance = TdpScenarios.create();
        }
        return instance;
    }

    static Path examplesDir() {
        String p = System.getProperty("tdpscope.examples");
        Path dir = p != null ? Path.of(p) : Path.of("../../examples");
        return dir.toAbsolutePath().normalize();
    }

    /** The gallery of real races, {@code examples/races/*.tdp}. */
    static List<Path> races() throws IOException {
        try (Stream<Path> s = Files.list(examplesDir().resolve("races"))) {
            return s.filter(f -> f.toString().endsWith(".tdp")).sorted().collect(Collectors.toList());
        }
    }

    static List<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(examplesDir())) {
            return s.filter(f -> f.toString().endsWith(".tdp")).sorted().collect(Collectors.toList());
        }
    }
}
