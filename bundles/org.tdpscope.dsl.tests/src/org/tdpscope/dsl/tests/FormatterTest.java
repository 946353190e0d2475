/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdpscope.dsl.api.LoadedScenario;

class FormatterTest {

    @Test
    void messyTextGetsTheCanonicalLayout() {
        String messy = "scenario \"x\"{vm{memslot 0:gfn 0x0..+0x100 read-only\n"
                + "vcpu v0 role smm;vcpu v1}\n"
                + "policy   compare continue ,fifo\n"
                + "threads{vcpu v0:load root;fault gfn 0x10 write\n"
                + "  walker W : zap gfn 0 .. 0x10,yield after gfn 0x5 in root B ,broken : no-root-ref\n"
                + "}\n\n\n"
                + "schedule{v0 to end;W until yield\n"
                + "grace period}expect{under fifo:W visited[ B,C ] ; no violation}}\n";
        String want = """
                scenario "x" {
                  vm {
                    memslot 0: gfn 0x0 .. +0x100 read-only
                    vcpu v0 role smm; vcpu v1
                  }
                  policy compare continue, fifo
                  threads {
                    vcpu v0: load root; fault gfn 0x10 write
                    walker W: zap gfn 0 .. 0x10, yield after gfn 0x5 in root B, broken: no-root-ref
                  }

                  schedule {
                    v0 to end; W until yield
                    grace period
                  }
                  expect {
                    under fifo: W visited [B, C]; no violation
                  }
                }
                """;
        assertEquals(want, Scenarios.get().format(messy));
        assertEquals(want, Scenarios.get().format(want));
    }

    @Test
    void textThatDoesNotParseIsLeftAlone() {
        String bad = "scenario \"x\" { vm { memslot : } }";
        assertEquals(bad, Scenarios.get().format(bad));
    }

    static Stream<Path> examples() throws IOException {
        return Scenarios.examples().stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void formattingIsIdempotentAndKeepsTheMeaning(Path file) throws IOException {
        String text = Files.readString(file);
        String once = Scenarios.get().format(text);
        assertEquals(once, Scenarios.get().format(once));
        LoadedScenario before = Scenarios.get().load(text, "a.tdp");
        LoadedScenario after = Scenarios.get().load(once, "a.tdp");
        assertEquals(before.diagnostics().size(), after.diagnostics().size());
        assertEquals(before.policies(), after.policies());
        assertEquals(before.expectations().size(), after.expectations().size());
        for (int i = 0; i < before.expectations().size(); i++) {
            assertEquals(before.expectations().get(i).text(), after.expectations().get(i).text());
        }
        assertEquals(before.scenario().threads, after.scenario().threads);
        assertEquals(before.scenario().memslots, after.scenario().memslots);
    }
}
