/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.dsl.bench.Fuzzing;

/**
 * Thousands of mutated and random scripts through the public API: nothing may escape as an
 * exception, every diagnostic is positioned inside the text, and a script without errors runs.
 * The mutations and checks live in {@link Fuzzing}; {@code org.tdpscope.dsl.bench.FuzzMain} runs
 * 100,000 inputs of the same kind (releng/bench fuzz).
 */
class FuzzTest {

    private static final int MUTANTS = 2500;
    private static final int RANDOM = 500;
    private static final int STATEMENT_MUTANTS = 1000;

    /** Exercises one input; returns whether it loaded without errors. */
    private static boolean exercise(TdpScenarios api, String text) {
        Fuzzing.Outcome o = Fuzzing.exercise(api, text);
        assertNull(o.problem(), () -> o.problem() + "\n" + text);
        return o.clean();
    }

    @Test
    void mutatedExamples() throws IOException {
        TdpScenarios api = Scenarios.get();
        List<String> seeds = Fuzzing.seeds(Scenarios.examplesDir());
        Random rnd = new Random(0x7d9L);
        int clean = 0;
        for (int i = 0; i < MUTANTS; i++) {
            if (exercise(api, Fuzzing.mutate(seeds.get(i % seeds.size()), rnd))) {
                clean++;
            }
        }
        assertTrue(clean > 0, "some mutants should still be valid scenarios");
    }

    /** The grammar-aware mutator: whole statements moved or dropped, numbers at their boundaries. */
    @Test
    void statementMutantsAndBoundaryNumbers() throws IOException {
        TdpScenarios api = Scenarios.get();
        List<String> seeds = Fuzzing.seeds(Scenarios.examplesDir());
        Random rnd = new Random(0x5eedL);
        for (int i = 0; i < STATEMENT_MUTANTS; i++) {
            exercise(api, Fuzzing.mutateStatements(seeds.get(i % seeds.size()), rnd));
        }
    }

    @Test
    void randomWordSoup() {
        TdpScenarios api = Scenarios.get();
        Random rnd = new Random(42);
        for (int i = 0; i < RANDOM; i++) {
            exercise(api, Fuzzing.wordSoup(rnd));
        }
    }

    @Test
    void controlCharactersAndOddInput() {
        TdpScenarios api = Scenarios.get();
        for (String text : Fuzzing.ODD_INPUTS) {
            exercise(api, text);
        }
        assertAPlainScenarioStillLoads(api);
    }

    private static void assertAPlainScenarioStillLoads(TdpScenarios api) {
        LoadedScenario s = api.load("scenario \"ok\" { }", "ok.tdp");
        if (s.hasErrors()) {
            fail(s.diagnostics().toString());
        }
        assertEquals("ok", s.name());
    }
}
