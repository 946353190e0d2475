/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * Intel EPT or AMD NPT: which a trace was recorded under, and its SPTE bits and fault error codes read
 * accordingly. Capture 07 is AMD's: its non-leaf SPTE 100b1b16827 has the accessed bit at bit 5 (0x20),
 * its leaves ...e67 P, W, U, A and D (bits 0, 1, 2, 5, 6); capture 01 is Intel's (...907, EPT_VIOLATION).
 */
class PagingTest {

    @Test
    void capture07IsAmdNptAndItsLeavesReadSo() throws IOException {
        TraceReconstruction r = Captures.reconstruct(Captures.HUGEPAGE_WRAPPED);
        assertEquals(Paging.NPT, r.paging().paging());
        assertTrue(r.paging().clue().startsWith("line 6: a non-leaf SPTE 0x100b1b16827"), r.paging().clue());
        // the collapsed 2M leaf: P W U A PS, not dirty, NX clear
        assertEquals("RWX A-", Paging.NPT.permissions(0x100b4a00ea7L));
        // a 4K leaf of the table it replaced: A and D set
        assertEquals("RWX AD", Paging.NPT.permissions(0x1003eb27e67L));
        // kvm_page_fault error_code 4 on AMD: a user-mode read (bit 4 would be a fetch)
        assertEquals("read", Paging.NPT.access(4));
        assertEquals("exec", Paging.NPT.access(0x10));
        assertEquals("write", Paging.NPT.access(0x100000006L));
        // read-only, not executable, accessed and dirty
        assertEquals("R-- AD", Paging.NPT.permissions(0x8600001234e65L | 1L << 63));
    }

    @Test
    void capture01IsIntelEptAndItsLeavesReadSo() throws IOException {
        TraceReconstruction r = Captures.reconstruct(Captures.TDP_FAULTS_ZAP);
        assertEquals(Paging.EPT, r.paging().paging());
        assertTrue(r.paging().clue().contains("EPT_VIOLATION") || r.paging().clue().contains("bit 8"), r.paging()
                .clue());
        // 600001980dc3b77: RWX, WB, ignore-PAT, A (bit 8), D (bit 9); 977 the same without D
        assertEquals("RWX AD", Paging.EPT.permissions(0x600001980dc3b77L));
        assertEquals("RWX A-", Paging.EPT.permissions(0x600001980dc3977L));
        // exit qualification 0x784: a fetch; 0x782: a write
        assertEquals("exec", Paging.EPT.access(0x784));
        assertEquals("write", Paging.EPT.access(0x782));
    }

    @Test
    void aTraceWithoutCluesOrWithBothSaysWhatItAssumes() throws IOException {
        TraceReconstruction none = reconstruct(
                " vmm-1 [001] ...1. 100.000001: kvm_mmu_spte_requested: gfn 2 pfn 2234 level 1\n");
        assertNull(none.paging().paging());
        assertEquals("SPTE bits read as Intel EPT, assumed: the trace does not show the vendor",
                none.paging().reading());
        TraceReconstruction svm = reconstruct(
                " vmm-1 [001] d..1. 100.000001: kvm_exit: vcpu 0 reason npf rip 0x10 info1 0x0000000100000004 info2"
                        + " 0x0000000000002000 intr_info 0x00000000 error_code 0x00000000\n");
        assertEquals(Paging.NPT, svm.paging().paging(), "SVM's exit reasons are lower case");
        TraceReconstruction both = reconstruct(
                " vmm-1 [001] d..1. 100.000001: kvm_exit: vcpu 0 reason npf rip 0x10 info1 0x0000000100000004 info2"
                        + " 0x0000000000002000 intr_info 0x00000000 error_code 0x00000000\n"
                        + " vmm-1 [001] d..1. 100.000002: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0x10 info1"
                        + " 0x0000000000000782 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000\n");
        assertNull(both.paging().paging());
        assertTrue(both.paging().reading().contains("clues of both"), both.paging().reading());
    }

    /**
     * trace-cmd's kvm plugin names SVM's exits {@code EXIT_NPF} (upper case, like VMX's), and there may be many
     * of them before the first SPTE: the SPTE's bits decide, and an exit reason printed as a number says nothing.
     */
    @Test
    void svmExitsAsTraceCmdNamesThemAndTheSptesBitsDecide() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 70; i++) {
            b.append(String.format(java.util.Locale.ROOT, " vmm-1 [001] d..1. 100.%06d: kvm_exit: reason EXIT_NPF rip "
                    + "0x10 info 100000004 2000%n", i + 1));
        }
        b.append(" vmm-1 [001] ...1. 100.000100: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte "
                + "100b1b16827\n");
        TraceReconstruction r = reconstruct(b.toString());
        assertEquals(Paging.NPT, r.paging().paging(), r.paging().reading());
        assertTrue(r.paging().clue().contains("has its accessed bit at bit 5"), "the SPTE's bits are the clue given: "
                + r.paging().clue());
        // a VMX-looking exit name outvoted by the SPTE's bits, and a number saying nothing
        TraceReconstruction mixed = reconstruct(" vmm-1 [001] d..1. 100.000001: kvm_exit: reason EPT_VIOLATION rip 0x10"
                + " info 782 0\n vmm-1 [001] d..1. 100.000002: kvm_exit: reason 0x80000021 rip 0x10 info 0 0\n"
                + " vmm-1 [001] ...1. 100.000100: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte "
                + "100b1b16827\n");
        assertEquals(Paging.NPT, mixed.paging().paging(), mixed.paging().reading());
        TraceReconstruction number = reconstruct(" vmm-1 [001] d..1. 100.000002: kvm_exit: reason 0x80000021 rip 0x10"
                + " info 0 0\n");
        assertNull(number.paging().paging(), number.paging().reading());
        // a 64-bit #NPF code is read as such even where the paging is not known
        assertEquals("read", Paging.EPT.access(0x100000004L));
    }

    private static TraceReconstruction reconstruct(String text) throws IOException {
        try (TraceReader reader = new TraceReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1,
                false)) {
            TraceReconstruction r = new TraceReconstruction(reader.diagnostics());
            for (TraceEvent e = reader.next(); e != null; e = reader.next()) {
                r.accept(e);
            }
            return r;
        }
    }
}
