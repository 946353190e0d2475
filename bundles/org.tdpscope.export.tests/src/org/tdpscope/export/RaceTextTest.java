/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;

/**
 * The plain-text race diagram for commit messages: never wider than a commit message (75 columns),
 * one column per thread, the violation marked, and each example's diagram as its golden file
 * ({@code TDPSCOPE_UPDATE_GOLDEN=1} rewrites them).
 */
class RaceTextTest {

    @ParameterizedTest
    @ValueSource(strings = { "use-after-free", "seed-terminate" })
    void aRunAsACommitMessageRaceDiagram(String example) throws IOException {
        LoadedScenario s = Golden.example(example);
        List<TraceEvent> events = new ArrayList<>();
        new Simulation(s.scenario(), s.policies().get(0), events::add).run();
        String text = RaceText.of(s.name() + " (kernel " + s.scenario().kernel.word() + ", policy "
                + s.policies().get(0).word() + ")", events);
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= RaceText.WIDTH, "at most 75 columns: '" + line + "'");
        }
        if (example.equals("use-after-free")) {
            assertTrue(text.contains("\n!!! use-after-free: W resumes in root A"), text);
            assertTrue(text.contains("~~~ RCU grace period: root A freed ~~~"), text);
        }
        Path golden = Golden.GOLDEN.resolve(example + ".race.txt");
        if ("1".equals(System.getenv("TDPSCOPE_UPDATE_GOLDEN"))) {
            Files.writeString(golden, text, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(golden), text, "golden " + golden);
    }
}
