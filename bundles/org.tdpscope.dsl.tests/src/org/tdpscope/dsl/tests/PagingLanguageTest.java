/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.Diagnostic;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.validation.TdpIssueCodes;
import org.tdpscope.sim.Op;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.mmu.CpuRegs;

/**
 * The language of guest CPU state, raw entry writes and access expectations: what parses into what, and which
 * mistakes are errors (at the word) or warnings (reserved bits: allowed, but said).
 */
class PagingLanguageTest {

    /** Line numbers below count from the first line of this text. */
    private static final String HEAD = """
            scenario "t" {
              vm {
                memslot 0: gfn 0x0 .. 0x1000 dirty-logging
                guest paging 4-level
                vcpu v0; vcpu v1
                guest maps:
                  map gva 0x400000 .. +16K -> gpa 0x400000 user rw 4K
            """;

    private static LoadedScenario load(String text) {
        return Scenarios.get().load(text, "t.tdp");
    }

    private static Diagnostic find(LoadedScenario s, Diagnostic.Severity sev, int line, String code) {
        for (Diagnostic d : s.diagnostics()) {
            if (d.severity() == sev && d.line() == line && code.equals(d.code())) {
                return d;
            }
        }
        throw new AssertionError("no " + sev + " " + code + " at line " + line + " in " + s.diagnostics());
    }

    @Test
    void cpuStateRawWritesAndNamedAccessesParseIntoTheScenario() {
        LoadedScenario s = load(HEAD + """
                    cpu v0: cr0.wp off; efer.nxe off; cr4 smep smap pge on; rflags.ac on; cpl 3
                    guest entry gva 0x400000 level 1 clear rw, us
                  }
                  threads {
                    vcpu v0: load root; access a1: gva 0x400000 write implicit; cpu cr4.smap off
                      guest entry gva 0x400000 level 1 = 0x400067; ept entry gfn 0x400 level 1 in A set bit 10
                  }
                  schedule {
                    v0 to end
                    v1 cpu cpl 3
                    v1 access gva 0x400000 read
                  }
                  expect {
                    v0 access a1 faults #PF 0x7
                    v1 access 1 translates to gpa 0x400000 in 24 references
                  }
                }
                """);
        assertEquals(List.of(), s.diagnostics());
        Scenario sc = s.scenario();
        List<Op.CpuWrite> cpu = sc.cpuSetup.get("v0");
        assertEquals(List.of(new Op.CpuWrite(CpuRegs.Reg.CR0, 0, CpuRegs.CR0_WP, 0),
                new Op.CpuWrite(CpuRegs.Reg.EFER, 0, CpuRegs.EFER_NXE, 0),
                new Op.CpuWrite(CpuRegs.Reg.CR4, CpuRegs.CR4_SMEP | CpuRegs.CR4_SMAP | CpuRegs.CR4_PGE, 0, 0),
                new Op.CpuWrite(CpuRegs.Reg.RFLAGS, CpuRegs.RFLAGS_AC, 0, 0), new Op.CpuWrite(null, 0, 0, 3)), cpu);
        assertEquals(List.of(new Op.GuestEntryWrite(0x400000, 1, false, 0, 0, 0b110)), sc.guestEntryWrites);
        List<Op> ops = sc.threads.get(0).ops();
        assertEquals(new Op.Access(0x400000, true, false, false, true, "a1"), ops.get(1));
        assertEquals(new Op.CpuWrite(CpuRegs.Reg.CR4, 0, CpuRegs.CR4_SMAP, 0), ops.get(2));
        assertEquals(new Op.GuestEntryWrite(0x400000, 1, true, 0x400067, 0, 0), ops.get(3));
        assertEquals(new Op.EptEntryWrite(0x400, 1, "A", false, 0, 1L << 10, 0), ops.get(4));
        assertEquals(2, s.expectations().size());
    }

    @Test
    void anUnknownBitIsAnErrorAtTheWord() {
        LoadedScenario s = load(HEAD + """
                    cpu v0: cr4 smep smop on
                  }
                }
                """);
        Diagnostic d = find(s, Diagnostic.Severity.ERROR, 8, TdpIssueCodes.BAD_BIT);
        assertEquals(22, d.column(), d.toString());
        assertTrue(d.message().contains("no bit 'smop' in cr4") && d.message().contains("smap"), d.message());
        s = load(HEAD + """
                    guest entry gva 0x400000 level 1 set rw, wx
                  }
                }
                """);
        d = find(s, Diagnostic.Severity.ERROR, 8, TdpIssueCodes.BAD_BIT);
        assertTrue(d.message().contains("no bit 'wx' in a guest paging entry"), d.message());
        s = load(HEAD + """
                  }
                  threads {
                    vcpu v0: load root; ept entry gfn 0x400 level 1 in A set bit 64
                  }
                }
                """);
        find(s, Diagnostic.Severity.ERROR, 10, TdpIssueCodes.BAD_BIT);
    }

    @Test
    void aLevelThePagingModeHasNotIsAnError() {
        LoadedScenario s = load(HEAD + """
                    guest entry gva 0x400000 level 5 set ps
                  }
                }
                """);
        Diagnostic d = find(s, Diagnostic.Severity.ERROR, 8, TdpIssueCodes.BAD_LEVELS);
        assertTrue(d.message().contains("levels 1 to 4"), d.message());
        s = load(HEAD + """
                  }
                  expect {
                    guest entry gva 0x400000 level 0 accessed
                  }
                }
                """);
        find(s, Diagnostic.Severity.ERROR, 10, TdpIssueCodes.BAD_LEVELS);
        s = load(HEAD + """
                  }
                  threads {
                    vcpu v0: load root; ept entry gfn 0x400 level 5 in A = 0x7
                  }
                }
                """);
        find(s, Diagnostic.Severity.ERROR, 10, TdpIssueCodes.BAD_LEVELS);
    }

    @Test
    void reservedBitsAreWarnedAboutButAllowed() {
        LoadedScenario s = load(HEAD + """
                    guest entry gva 0x400000 level 4 set ps
                    guest entry gva 0x400000 level 1 set bit 50
                    guest entry gva 0x400000 level 1 clear ps
                    guest entry gva 0x400000 level 2 = 0x6020a3
                    guest entry gva 0x400000 level 2 = 0x602022
                  }
                  threads {
                    vcpu v0: load root; access gva 0x400000 read
                      ept entry gfn 0xe00 level 1 in A = 0x2
                  }
                  expect { v0 access 1 faults #PF 0x9 }
                }
                """);
        assertFalse(s.hasErrors(), s.diagnostics().toString());
        assertNotNull(s.scenario());
        assertTrue(find(s, Diagnostic.Severity.WARNING, 8, TdpIssueCodes.RESERVED_BIT).message()
                .contains("bit 7 (PS) in a PML4E"));
        assertTrue(find(s, Diagnostic.Severity.WARNING, 9, TdpIssueCodes.RESERVED_BIT).message()
                .contains("bit 50 (above MAXPHYADDR 46)"));
        assertTrue(find(s, Diagnostic.Severity.WARNING, 11, TdpIssueCodes.RESERVED_BIT).message()
                .contains("bit 13 in a 2M PDE"));
        assertTrue(find(s, Diagnostic.Severity.WARNING, 16, TdpIssueCodes.RESERVED_BIT).message()
                .contains("write without read"));
        // clearing a bit, and a not-present value, reserve nothing
        assertEquals(4, s.diagnostics().size(), s.diagnostics().toString());
        // and the run does what was written: the PML4E's PS faults the access with RSVD
        assertTrue(s.check(s.run(s.policies().get(0))).get(0).holds());
    }

    @Test
    void xdIsReservedOnlyWhenSomeVcpuTurnsNxeOff() {
        LoadedScenario s = load(HEAD + """
                    guest entry gva 0x400000 level 1 set xd
                  }
                }
                """);
        assertEquals(List.of(), s.diagnostics());
        s = load(HEAD + """
                    cpu v1: efer.nxe off
                    guest entry gva 0x400000 level 1 set xd
                  }
                }
                """);
        assertTrue(find(s, Diagnostic.Severity.WARNING, 9, TdpIssueCodes.RESERVED_BIT).message()
                .contains("XD) while EFER.NXE is off"));
    }

    @Test
    void cpuStateTheSimulatorCannotTakeIsAnError() {
        LoadedScenario s = load(HEAD + """
                    cpu v0: cr4.la57 on; cpl 4; efer.lma off
                  }
                  threads { vcpu v1: cpu cr4.la57 off }
                }
                """);
        assertTrue(find(s, Diagnostic.Severity.ERROR, 8, TdpIssueCodes.BAD_CPU_STATE).message()
                .contains("guest paging 4-level"));
        assertEquals(3, s.diagnostics().stream().filter(d -> d.line() == 8).count(), s.diagnostics().toString());
        assertTrue(find(s, Diagnostic.Severity.ERROR, 10, TdpIssueCodes.BAD_CPU_STATE).message()
                .contains("MOV to CR4 raises #GP"));
    }

    @Test
    void anAccessExpectationMustNameAnAccess() {
        LoadedScenario s = load(HEAD + """
                  }
                  threads {
                    vcpu v0: access a1: gva 0x400000 read; access gva 0x400000 write
                    walker W: age gfn 0x0 .. 0x10
                  }
                  expect {
                    v0 access 3 translates
                    v0 access a2 translates
                    v1 access 1 translates
                    W access 1 translates
                    v0 processed 3 entries in A
                  }
                }
                """);
        assertTrue(find(s, Diagnostic.Severity.ERROR, 14, TdpIssueCodes.NO_SUCH_ACCESS).message()
                .contains("v0 has 2 access operations"));
        assertTrue(find(s, Diagnostic.Severity.ERROR, 15, TdpIssueCodes.NO_SUCH_ACCESS).message()
                .contains("no access named a2"));
        find(s, Diagnostic.Severity.ERROR, 16, TdpIssueCodes.NO_SUCH_ACCESS);
        find(s, Diagnostic.Severity.ERROR, 17, TdpIssueCodes.NOT_A_VCPU);
        find(s, Diagnostic.Severity.WARNING, 18, TdpIssueCodes.NOT_A_WALKER);
    }

    @Test
    void twoAccessesOfOneVcpuCannotShareAName() {
        LoadedScenario s = load(HEAD + """
                  }
                  threads { vcpu v0: access a1: gva 0x400000 read; access a1: gva 0x401000 read }
                }
                """);
        find(s, Diagnostic.Severity.ERROR, 9, TdpIssueCodes.DUPLICATE_NAME);
    }

    @Test
    void theNewStatementsFormatStably() {
        String messy = HEAD + """
                cpu v0 : cr0 . wp off;cr4 smep   smap on
                guest entry gva 0x400000 level 2 clear rw ,us
                  }
                  threads { vcpu v0: access a1 : gva 0x400000 read implicit
                  ept entry gfn 0x400 level 1 in A = 0x2 }
                  expect { v0 access a1 faults #PF 0x5; spte gfn 0x400 in A accessed not dirty
                  guest entry gva 0x400000 level 1 = 0x0 }
                }
                """;
        String once = Scenarios.get().format(messy);
        assertEquals(once, Scenarios.get().format(once));
        assertTrue(once.contains("    cpu v0: cr0.wp off; cr4 smep smap on\n"), once);
        assertTrue(once.contains("    guest entry gva 0x400000 level 2 clear rw, us\n"), once);
        assertTrue(once.contains("vcpu v0: access a1: gva 0x400000 read implicit"), once);
        assertTrue(once.contains("v0 access a1 faults #PF 0x5; spte gfn 0x400 in A accessed not dirty"), once);
        assertEquals(load(messy).diagnostics().size(), load(once).diagnostics().size());
        assertEquals(load(messy).scenario().threads, load(once).scenario().threads);
    }
}
