/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;

/**
 * The SDM's paging cases written as scenarios ({@code examples/paging/*.tdp}): each loads with no diagnostic but
 * the reserved-bit warnings its raw writes earn, runs under every era and policy it names, meets every expectation,
 * and survives formatting.
 */
class PagingExamplesTest {

    static Stream<Path> paging() throws IOException {
        try (Stream<Path> s = Files.list(Scenarios.examplesDir().resolve("paging"))) {
            return s.filter(f -> f.toString().endsWith(".tdp")).sorted().collect(Collectors.toList()).stream();
        }
    }

    @Test
    void theCasesAreThere() throws IOException {
        List<String> names = paging().map(p -> p.getFileName().toString()).collect(Collectors.toList());
        assertTrue(names.containsAll(List.of("sdm-cases.tdp", "sdm-5-level.tdp", "ept-cases.tdp", "cr-writes.tdp",
                "iterator.tdp")), names.toString());
    }

    @ParameterizedTest
    @MethodSource("paging")
    void holdsItsExpectations(Path file) {
        LoadedScenario s = Scenarios.get().load(file);
        for (Diagnostic d : s.diagnostics()) {
            assertTrue(d.severity() == Diagnostic.Severity.WARNING && TdpIssueCodes.RESERVED_BIT.equals(d.code()),
                    d.toString());
        }
        assertFalse(s.expectations().isEmpty());
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (KernelRules k : s.kernels()) {
            for (Policy p : s.policies()) {
                RunResult run = s.run(k, p);
                assertNull(run.error(), () -> file + ": " + run.error());
                for (ExpectationResult r : s.check(run)) {
                    checked++;
                    if (!r.holds()) {
                        failures.add(k.word() + " " + p.word() + ": line " + r.expectation().line() + " '"
                                + r.expectation().text() + "' but " + r.actual());
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(checked >= s.expectations().size(), file.toString());
    }

    @ParameterizedTest
    @MethodSource("paging")
    void formattingIsIdempotentAndKeepsTheMeaning(Path file) throws IOException {
        String text = Files.readString(file);
        String once = Scenarios.get().format(text);
        assertEquals(once, Scenarios.get().format(once));
        LoadedScenario before = Scenarios.get().load(text, "a.tdp");
        LoadedScenario after = Scenarios.get().load(once, "a.tdp");
        assertEquals(before.diagnostics().size(), after.diagnostics().size());
        assertEquals(before.expectations().size(), after.expectations().size());
        for (int i = 0; i < before.expectations().size(); i++) {
            assertEquals(before.expectations().get(i).text(), after.expectations().get(i).text());
        }
        assertEquals(before.scenario().threads, after.scenario().threads);
        assertEquals(before.scenario().cpuSetup, after.scenario().cpuSetup);
        assertEquals(before.scenario().guestEntryWrites, after.scenario().guestEntryWrites);
    }

    /** The bundled examples are laid out as the formatter lays them out. */
    @ParameterizedTest
    @MethodSource("paging")
    void areFormatted(Path file) throws IOException {
        String text = Files.readString(file);
        assertEquals(text, Scenarios.get().format(text));
    }
}
