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

/**
 * What a user laid out on purpose survives Format: every bundled example is already formatted (formatting
 * it changes nothing), a statement wrapped onto a second line keeps the break, trailing comments aligned
 * in a column stay aligned, a block written {@code { like this }} on one line stays on one line.
 */
class FormatterLayoutTest {

    /** Every bundled example, the race gallery and explorer examples in sub-folders included. */
    static Stream<Path> examples() throws IOException {
        try (Stream<Path> all = Files.walk(Scenarios.examplesDir())) {
            return all.filter(f -> f.toString().endsWith(".tdp")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void formattingAnExampleChangesNothing(Path file) throws IOException {
        String text = Files.readString(file);
        assertEquals(text, Scenarios.get().format(text), file.toString());
    }

    @Test
    void wrappedLinesAlignedCommentsAndOneLineBlocksStay() {
        String text = """
                scenario "x" {
                  vm {
                    memslot 0: gfn 0x0 .. 0x40000 dirty-logging   // 1 GiB
                    vcpu v0 role default                          // the only vCPU
                  }
                  threads {
                    vcpu v0: load root; fault gfn 0x10 write
                    walker W: clear-dirty gfn 0x0 .. 0x100,
                      yield after gfn 0x10, broken: no-root-ref
                    invalidator Z: fast zap
                  }
                  schedule { v0 to end; W until yield; Z to end; W to end }
                  explore { depth 8 }
                }
                """;
        assertEquals(text, Scenarios.get().format(text));
    }

    @Test
    void aWrappedLineIsReIndentedAndStillWrapped() {
        String messy = """
                scenario "x" {
                vm {
                vcpu v0 role default
                }
                threads {
                vcpu v0: load root ;fault gfn 0x10 write     // A
                walker W: clear-dirty gfn 0x0 .. 0x100,
                yield after gfn 0x10
                }
                }
                """;
        String want = """
                scenario "x" {
                  vm {
                    vcpu v0 role default
                  }
                  threads {
                    vcpu v0: load root; fault gfn 0x10 write     // A
                    walker W: clear-dirty gfn 0x0 .. 0x100,
                      yield after gfn 0x10
                  }
                }
                """;
        assertEquals(want, Scenarios.get().format(messy));
        assertEquals(want, Scenarios.get().format(want));
    }
}
