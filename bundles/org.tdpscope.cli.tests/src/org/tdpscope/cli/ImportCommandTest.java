/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;

/**
 * {@code tdpscope import} as a user runs it on the real captures: the scenario skeleton replays what the
 * trace shows, outputs go to standard output with '-', and bad input or bad outputs are refused with nothing
 * written.
 */
class ImportCommandTest {

    /** The captures live with the trace reader's tests. */
    private static final Path CAPTURES = Path.of("../org.tdpscope.trace.tests/resources").toAbsolutePath().normalize();
    private static final Path FAULTS_ZAP = CAPTURES.resolve("01-linuxmaxxing-virt-ept-seg1-root1-create-faults-zap-start.txt");
    private static final Path HUGEPAGE = CAPTURES.resolve("07-lkml-2022-06-30-annapurve-tdp-hugepage-collapse-wrapped.txt");

    private static final TdpScenarios SCENARIOS = TdpScenarios.create();

    private static LoadedScenario load(Path tdp) {
        LoadedScenario s = SCENARIOS.load(tdp);
        assertEquals(List.of(), s.diagnostics().stream().filter(d -> d.severity()
                == org.tdpscope.dsl.api.Diagnostic.Severity.ERROR).toList());
        return s;
    }

    @Test
    void theSkeletonOfCapture01ReplaysItsFaultsUnmapAndZap(@TempDir Path dir) throws IOException {
        Path tdp = dir.resolve("s.tdp");
        MainTest.Outcome o = MainTest.tdpscope("import", FAULTS_ZAP.toString(), "--scenario", tdp.toString());
        assertEquals(0, o.code(), o.err());
        String s = Files.readString(tdp);
        // kvm_page_fault's error code is the EPT exit qualification: 0x784 a fetch, 0x782 a write (lines 17, 30, 41)
        assertTrue(s.contains("vcpu v0: load root; fault gfn 0x0 exec; fault gfn 0x7 write; fault gfn 0x7 write"), s);
        // the unmap at line 37 zapped gfn 7 (line 38); the zap from line 48 took the level-3 entry of gfn 0
        assertTrue(s.contains("walker N: notifier unmap gfn 0x7 .. 0x8"), s);
        assertTrue(s.contains("walker K: zap gfn 0x0 .. 0x40000"), s);
        assertTrue(s.contains("1 unmap(s) that zapped no traced SPTE"), s);
        // in trace order: the unmap between the second and third fault
        assertTrue(s.indexOf("N 1 op") > s.indexOf("fault gfn 0x7 write, line 30")
                && s.indexOf("N 1 op") < s.indexOf("fault gfn 0x7 write, line 41"), s);
        assertTrue(s.contains("dirty-logging"), "4K installs only: the slot keeps the simulator's leaves 4K");
        assertTrue(load(tdp).run(load(tdp).policies().get(0)).complete(), s);
        // faults are counted per tracepoint, not added up
        assertTrue(o.out().contains("faults: 3 kvm_page_fault, 3 kvm_mmu_spte_requested"), o.out());
    }

    @Test
    void aWrappedHugePageFaultIsOneFaultInAnAlignedSlot(@TempDir Path dir) throws IOException {
        Path tdp = dir.resolve("s.tdp");
        assertEquals(0, MainTest.tdpscope("import", HUGEPAGE.toString(), "--scenario", tdp.toString()).code());
        String s = Files.readString(tdp);
        // kvm_page_fault at 0x84d000, spte_requested gfn 84d level 2 and set_spte gfn 800 level 2: one fault;
        // an AMD host (non-leaf SPTE ...827: accessed bit 5), so error code 4 is the #NPF code of a user read,
        // not an EPT fetch
        assertTrue(s.contains("vcpu v0: load root; fault gfn 0x84d read\n"), s);
        assertTrue(s.contains("the trace is from AMD NPT (line 6: a non-leaf SPTE 0x100b1b16827 has its accessed "
                + "bit at bit 5)"), s);
        assertTrue(s.contains("what was mapped before the trace began: 5 SPTEs were already present when it first "
                + "shows them\n//     (gfn 0x800 .. 0x9ff, the first at line 6)"), s);
        assertTrue(s.contains("memslot 0: gfn 0x800 .. 0xa00\n"), "2M-aligned, no dirty logging: " + s);
        load(tdp);
    }

    /**
     * A mistake made while editing an imported scenario is told as such: the trace records its comments quote
     * do not make it "look like a kernel trace"; a trace given to check still does.
     */
    @Test
    void anEditedImportIsNotTakenForATrace(@TempDir Path dir) throws IOException {
        Path tdp = dir.resolve("s.tdp");
        assertEquals(0, MainTest.tdpscope("import", FAULTS_ZAP.toString(), "--scenario", tdp.toString()).code());
        String s = Files.readString(tdp);
        assertTrue(s.contains(": kvm_page_fault"), "its comments quote the trace: " + s);
        Files.writeString(tdp, s.replace("  schedule {\n", "  schedule {\n    Q 1 op\n"));
        MainTest.Outcome o = MainTest.tdpscope("check", tdp.toString());
        assertEquals(Main.BAD_INPUT, o.code());
        assertTrue(o.err().contains("no thread or vCPU named 'Q'"), o.err());
        assertFalse(o.err().contains("looks like a kernel trace"), o.err());
        MainTest.Outcome trace = MainTest.tdpscope("check", FAULTS_ZAP.toString());
        assertTrue(trace.err().contains("looks like a kernel trace, not a scenario"), trace.err());
    }

    /** A five-level root gives a five-level TDP; a 4K leaf installed by an SPTE change alone gives 4K leaves. */
    @Test
    void fiveLevelRootsAndLeavesSeenOnlyAsSpteChangesCarryOver(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("l5.txt");
        String task = "       CPU 0/KVM-2001    [000] ...1.  8123.0000";
        Files.writeString(trace, "       CPU 0/KVM-2001    [000] d..1.  8123.000010: kvm_page_fault: vcpu 0 rip 0xfff0 "
                + "address 0x0000000000001000 error_code 0x182\n"
                + task + "12: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 5 old_spte 0 new_spte 102000907\n"
                + task + "13: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 102001907\n"
                + task + "14: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 3 old_spte 0 new_spte 102002907\n"
                + task + "15: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 2 old_spte 0 new_spte 102003907\n"
                + task + "16: kvm_tdp_mmu_spte_changed: as id 0 gfn 1 level 1 old_spte 0 new_spte 6000001234b77\n");
        Path tdp = dir.resolve("l5.tdp");
        assertEquals(0, MainTest.tdpscope("import", trace.toString(), "--scenario", tdp.toString()).code());
        String s = Files.readString(tdp);
        assertTrue(s.contains("    tdp 5-level"), s);
        assertTrue(s.contains("memslot 0: gfn 0x0 .. 0x200 dirty-logging"), "4K leaves, as the trace installs: " + s);
        assertFalse(s.contains("no leaf size"), s);
        load(tdp);
    }

    /**
     * A capture with the recipe's root records: the events the views get say which roots are exact, and carry
     * the reference counts the records printed (every root event had rc -1).
     */
    @Test
    void rootRecordsGiveExactRootsAndTheirCounts() {
        Path kprobe = CAPTURES.resolve("kprobe-record-format-uprobe-standin.txt");
        MainTest.Outcome o = MainTest.tdpscope("import", kprobe.toString(), "--trace", "-");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("\"event\":\"root.create\",\"root\":\"A\",\"rc\":-1,\"detail\":\"root (exact: a "
                + "tdpscope root record)"), o.out());
        assertTrue(o.out().contains("\"event\":\"root.get\",\"root\":\"A\",\"rc\":2,\"detail\":\"tdpscope_next_root"),
                o.out());
        assertTrue(o.out().contains("\"event\":\"root.put\",\"root\":\"A\",\"rc\":0,"), "the last reference: " + o.out());
    }

    @Test
    void dataOutputsGoToStandardOutputWithADash(@TempDir Path dir) throws IOException {
        MainTest.Outcome o = MainTest.tdpscope("import", FAULTS_ZAP.toString(), "--trace", "-");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().startsWith("{\"tdpscope\":\"run\""), o.out());
        assertTrue(o.out().contains("\"event\":\"fault\""), o.out());
        assertTrue(o.err().contains("trace: standard output"), "the report goes to standard error: " + o.err());
        assertFalse(Files.exists(Path.of("-")), "no file named '-'");
        MainTest.Outcome x = MainTest.tdpscope("import", FAULTS_ZAP.toString(), "--xmi", "-");
        assertTrue(x.out().startsWith("<?xml"), x.out());
        MainTest.Outcome s = MainTest.tdpscope("import", FAULTS_ZAP.toString(), "--scenario", "-");
        assertTrue(s.out().contains("scenario \"imported: "), s.out());
        MainTest.Outcome two = MainTest.tdpscope("import", FAULTS_ZAP.toString(), "--trace", "-", "--xmi", "-");
        assertEquals(Main.BAD_INPUT, two.code());
        assertTrue(two.err().contains("only one output can go to standard output"), two.err());
    }

    @Test
    void badInputAndBadOutputsAreRefusedWithNothingWritten(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("t.txt");
        Files.copy(FAULTS_ZAP, copy);
        byte[] before = Files.readAllBytes(copy);
        MainTest.Outcome self = MainTest.tdpscope("import", copy.toString(), "--scenario", copy.toString());
        assertEquals(Main.BAD_INPUT, self.code());
        assertTrue(self.err().contains("would overwrite the trace it reads"), self.err());
        assertEquals(new String(before), new String(Files.readAllBytes(copy)));

        Path same = dir.resolve("o.out");
        MainTest.Outcome both = MainTest.tdpscope("import", copy.toString(), "--trace", same.toString(), "--scenario",
                same.toString());
        assertTrue(both.err().contains("name the same file"), both.err());
        assertFalse(Files.exists(same));

        Path w = dir.resolve("w.tdp");
        MainTest.Outcome past = MainTest.tdpscope("import", copy.toString(), "--scenario", w.toString(), "--window",
                "1000..2000");
        assertEquals(Main.BAD_INPUT, past.code());
        assertTrue(past.err().contains("--window 1000..2000 starts after the trace's last line (66)"), past.err());
        assertFalse(Files.exists(w));

        // a window with no event (capture 01's first is on line 14), or one before line 1
        MainTest.Outcome none = MainTest.tdpscope("import", copy.toString(), "--scenario", w.toString(), "--window",
                "1..14");
        assertEquals(Main.BAD_INPUT, none.code());
        assertTrue(none.err().contains("--window 1..14 holds no event (the trace's events are on lines 14 to 66)"),
                none.err());
        assertFalse(Files.exists(w));
        // a window's first fault of a task is only the window's first
        assertEquals(0, MainTest.tdpscope("import", copy.toString(), "--scenario", w.toString(), "--window", "29..48")
                .code());
        assertTrue(Files.readString(w).contains(": the task's first fault in the window\n"), Files.readString(w));
        Files.delete(w);
        MainTest.Outcome zero = MainTest.tdpscope("import", copy.toString(), "--scenario", w.toString(), "--window",
                "0..20");
        assertEquals(Main.BAD_INPUT, zero.code());
        assertTrue(zero.err().contains("a trace's lines start at 1"), zero.err());
        MainTest.Outcome huge = MainTest.tdpscope("import", copy.toString(), "--scenario", w.toString(), "--window",
                "1..99999999999999999999");
        assertTrue(huge.err().contains("--window 1..99999999999999999999: a number past 64 bits"), huge.err());

        MainTest.Outcome folder = MainTest.tdpscope("import", dir.toString());
        assertTrue(folder.err().contains("a directory, not a trace file"), folder.err());

        Path garbage = dir.resolve("g.bin");
        byte[] noise = new byte[64 << 10];
        new java.util.Random(7).nextBytes(noise);
        Files.write(garbage, noise);
        MainTest.Outcome g = MainTest.tdpscope("import", garbage.toString(), "--scenario", w.toString());
        assertEquals(Main.BAD_INPUT, g.code());
        assertTrue(g.err().contains("not a trace this reader knows"), g.err());
        assertFalse(Files.exists(w), "nothing written for a file that is no trace");
        assertTrue(g.err().contains("unparsed line 1: "), "the lines that tell it: " + g.err());
        assertEquals("", g.out(), "no summary of zeros");
    }
}
