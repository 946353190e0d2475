/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.ExpectationResult;
import org.tdpscope.dsl.api.LoadedScenario;

/** Each form of access expectation, holding and failing, and what a failure says. */
class AccessExpectationTest {

    private static final String SCENARIO = """
            scenario "t" {
              vm {
                memslot 0: gfn 0x0 .. 0x1000 dirty-logging
                vcpu v0
                cpu v0: cpl 3
                guest maps:
                  map gva 0x400000 .. +16K -> gpa 0x400000 user rw 4K
                  map gva 0x800000 .. +4K -> gpa 0x500000 ro 4K
              }
              threads {
                vcpu v0: access gva 0x400000 read; access gva 0x800000 read; access gva 0x800000000000 read
                  ept entry gfn 0x401 level 1 in A = 0x2
                  access mis: gva 0x401000 read
                  ept entry gfn 0x400 level 1 in A clear w
                  access gva 0x400000 write
                walker W: age gfn 0x400 .. 0x600, yield after gfn 0x480
              }
              expect {
            %s
              }
            }
            """;

    /** The results of {@code lines} as expectations of the scenario above, in order. */
    private static List<ExpectationResult> check(String lines) {
        LoadedScenario s = Scenarios.get().load(String.format(SCENARIO, lines), "t.tdp");
        assertEquals(1, s.diagnostics().size(), s.diagnostics().toString()); // the W-without-R warning
        assertTrue(s.diagnostics().get(0).message().contains("write without read"));
        return s.check(s.run(s.policies().get(0)));
    }

    private static void holds(String line) {
        ExpectationResult r = check(line).get(0);
        assertTrue(r.holds(), line + " but " + r.actual());
    }

    /** {@code line} fails, and its message contains {@code says}. */
    private static void fails(String line, String says) {
        ExpectationResult r = check(line).get(0);
        assertTrue(!r.holds(), line + " should fail: " + r.actual());
        assertTrue(r.actual().contains(says), r.actual());
    }

    @Test
    void translates() {
        holds("v0 access 1 translates");
        holds("v0 access 1 translates to gpa 0x400000 hpa 0x40400000 in 24 references");
        fails("v0 access 1 translates to gpa 0x401000", "translates to gpa 0x400000 hpa 0x40400000 in 24 references");
        fails("v0 access 1 translates in 19 references", "in 24 references");
        fails("v0 access 2 translates", "faults #PF 0x5 [P R U]");
    }

    @Test
    void pageFault() {
        holds("v0 access 2 faults #PF");
        holds("v0 access 2 faults #PF 0x5");
        fails("v0 access 2 faults #PF 0x7", "then faults #PF 0x5 [P R U]: guest PTE is supervisor-only");
        fails("v0 access 1 faults #PF", "translates to gpa 0x400000");
    }

    @Test
    void generalProtection() {
        holds("v0 access 3 raises #GP");
        fails("v0 access 2 raises #GP", "faults #PF 0x5");
    }

    @Test
    void eptMisconfiguration() {
        holds("v0 access mis exits EPT misconfiguration");
        holds("v0 access 4 exits EPT misconfiguration");
        fails("v0 access 1 exits EPT misconfiguration", "translates");
    }

    @Test
    void eptViolation() {
        holds("v0 access 1 exits EPT violation");
        holds("v0 access 1 exits EPT violation qualification 0x83");    // a guest table read (and write: EPT A/D)
        holds("v0 access 1 exits EPT violation qualification 0x181");   // the data read, to the translated page
        holds("v0 access 5 exits EPT violation qualification 0x1aa");
        fails("v0 access 5 exits EPT violation qualification 0x182",
                "exits EPT violation qualification 0x1aa at gpa 0x400000, then translates");
        fails("v0 access 3 exits EPT violation", "raises #GP: non-canonical");
    }

    @Test
    void anAccessThatDidNotRunSaysSo() {
        LoadedScenario s = Scenarios.get().load(String.format(SCENARIO, "v0 access 5 translates")
                .replace("  access gva 0x400000 write\n", "\n"), "t.tdp");
        assertTrue(s.hasErrors(), "5 accesses are not written: " + s.diagnostics());
    }

    @Test
    void accessedAndDirtyBits() {
        holds("guest entry gva 0x400000 level 1 accessed dirty");
        holds("guest entry gva 0x403000 level 1 not accessed not dirty");
        fails("guest entry gva 0x400000 level 1 not dirty", "guest PTE of gva 0x400000 accessed dirty (0x");
        holds("spte gfn 0x400 in A not accessed dirty");                // W aged it after v0's write
        fails("spte gfn 0x400 in A accessed", "spte gfn 0x400 in A not accessed dirty (0x");
        fails("spte gfn 0x7ff in A accessed", "not present");
        holds("guest entry gva 0x800000 level 1 = 0x500001");          // A is set only by an access that passes
        fails("guest entry gva 0x800000 level 1 = 0x500005", "guest PTE of gva 0x800000 = 0x500001 (PTE gpa=0x500000 P)");
    }

    @Test
    void processedEntries() {
        holds("W processed 515 entries in A");
        fails("W processed 512 entries in A", "W processed 515 entries in A {A=515}");
        fails("W processed 1 entries in B", "W processed 0 entries in B");
    }
}
