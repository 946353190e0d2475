/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;

/**
 * Golden SVG files (as Sirius tests its SVG export): the committed {@code golden/NAME.svg} is
 * compared with the actual drawing after normalisation (line ends, trailing blanks). A mismatch
 * writes the actual file to {@code target/golden-actual/} for a look and a diff; with the
 * environment variable {@code TDPSCOPE_UPDATE_GOLDEN=1} the golden file is (re)written instead.
 */
final class Golden {

    static final Path GOLDEN = Path.of("golden");
    static final Path ACTUAL = Path.of("target/golden-actual");
    static final Path EXAMPLES = Path.of("../../examples").toAbsolutePath().normalize();
    private static TdpScenarios scenarios;

    private Golden() {
    }

    static synchronized LoadedScenario example(String name) {
        if (scenarios == null) {
            scenarios = TdpScenarios.create();
        }
        LoadedScenario loaded = scenarios.load(EXAMPLES.resolve(name + ".tdp"));
        if (loaded.hasErrors()) {
            fail(name + ": " + loaded.diagnostics());
        }
        return loaded;
    }

    static synchronized LoadedScenario load(String text, String name) {
        if (scenarios == null) {
            scenarios = TdpScenarios.create();
        }
        LoadedScenario loaded = scenarios.load(text, name);
        if (loaded.hasErrors()) {
            fail(name + ": " + loaded.diagnostics());
        }
        return loaded;
    }

    static List<String> exampleNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (var files = Files.list(EXAMPLES)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tdp")).sorted()
                    .forEach(n -> names.add(n.substring(0, n.length() - 4)));
        }
        return names;
    }

    static String normalise(String svg) {
        StringBuilder out = new StringBuilder(svg.length());
        for (String line : svg.replace("\r\n", "\n").split("\n", -1)) {
            out.append(line.stripTrailing()).append('\n');
        }
        return out.toString().stripTrailing() + "\n";
    }

    static void check(String name, String actual) throws IOException {
        Path golden = GOLDEN.resolve(name + ".svg");
        if ("1".equals(System.getenv("TDPSCOPE_UPDATE_GOLDEN"))) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
            return;
        }
        Files.createDirectories(ACTUAL);
        Path out = ACTUAL.resolve(name + ".svg");
        if (!Files.exists(golden)) {
            Files.writeString(out, actual, StandardCharsets.UTF_8);
            fail("no golden file " + golden.toAbsolutePath() + "; the actual drawing is in " + out.toAbsolutePath()
                    + " (TDPSCOPE_UPDATE_GOLDEN=1 writes it)");
        }
        String expected = normalise(Files.readString(golden, StandardCharsets.UTF_8));
        if (!expected.equals(normalise(actual))) {
            Files.writeString(out, actual, StandardCharsets.UTF_8);
            String[] e = expected.split("\n");
            String[] a = normalise(actual).split("\n");
            int i = 0;
            while (i < Math.min(e.length, a.length) && e[i].equals(a[i])) {
                i++;
            }
            fail(name + ".svg differs from its golden file at line " + (i + 1) + ":\n  expected "
                    + (i < e.length ? e[i] : "(end)") + "\n  actual   " + (i < a.length ? a[i] : "(end)")
                    + "\nactual written to " + out.toAbsolutePath());
        }
    }
}
