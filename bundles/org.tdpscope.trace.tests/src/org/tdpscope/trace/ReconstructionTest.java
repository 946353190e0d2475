/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Synthetic traces for what the reconstruction infers: roots, generations, zaps, MMIO, splits, lanes. */
class ReconstructionTest {

    /** One tracefs line per event, timestamps 1 µs apart, so line n is at 1.000000 + n µs. */
    private static String trace(String... records) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < records.length; i++) {
            String[] r = records[i].split(" ", 3); // "cpu/pid name payload"
            String[] where = r[0].split("/");
            b.append(String.format("%16s-%-7s [%03d] ...1. %d.%06d: %s: %s%n", "CPU " + where[0] + "/KVM", where[1],
                    Integer.parseInt(where[0]), 1, i + 1, r[1], r[2]));
        }
        return b.toString();
    }

    private static TraceReconstruction rebuild(String text) throws IOException {
        try (TraceReader r = TraceReader.of(text)) {
            TraceReconstruction t = TraceReconstruction.read(r);
            assertEquals(0, r.diagnostics().unparsedLines(), () -> r.diagnostics().unparsed().toString());
            return t;
        }
    }

    @Test
    void rootsFromGetPageFastZapAndTeardown() throws IOException {
        TraceReconstruction r = rebuild(trace(
                "0/100 kvm_mmu_get_page sp gen 0 gfn 0 l4 8-byte q0 direct wux nxe ad root 0 sync new", // 1
                "0/100 kvm_mmu_get_page sp gen 0 gfn 0 l3 8-byte q0 direct wux nxe ad root 0 sync new", // 2
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 4 old_spte 0 new_spte 1000907", // 3
                "0/100 kvm_mmu_get_page sp gen 0 gfn 0 l2 8-byte q0 direct wux nxe ad root 0 sync new", // 4
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 3 old_spte 0 new_spte 1001907", // 5
                "0/100 kvm_mmu_get_page sp gen 0 gfn 0 l1 8-byte q0 direct wux nxe ad root 0 sync new", // 6
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 2 old_spte 0 new_spte 1002907", // 7
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 3 level 1 old_spte 0 new_spte 600000abcdefb77", // 8
                "0/100 kvm_mmu_set_spte gfn 3 spte 600000abcdefb77 (rwxu) level 1 at 1002018", // 9
                "1/101 kvm_mmu_zap_all_fast kvm-mmu-valid-gen 1 used_pages 0", // 10
                "0/100 kvm_mmu_get_page sp gen 1 gfn 0 l4 8-byte q0 direct wux nxe ad root 0 sync new", // 11
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 4 old_spte 0 new_spte 2000907", // 12
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 4 old_spte 1000907 new_spte 0", // 13
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 3 old_spte 1001907 new_spte 5a0", // 14
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 2 old_spte 1002907 new_spte 80000000000005a0", // 15
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 3 level 1 old_spte 600000abcdefb77 new_spte "
                        + "80000000000005a0")); // 16

        assertEquals(2, r.roots().size());
        InferredRoot old = r.roots().get(0);
        InferredRoot neu = r.roots().get(1);
        assertTrue(old.inferred());
        assertEquals("l4 8-byte q0 direct wux nxe ad", old.role());
        assertEquals(0, old.gen());
        assertEquals(1, old.line());
        assertTrue(old.reason().contains("kvm_mmu_get_page new"), old.reason());
        assertEquals(10, old.invalidatedLine());
        assertEquals(1, old.invalidatedGen());
        assertEquals(1, neu.gen());
        assertEquals(11, neu.line());
        assertEquals(0, neu.invalidatedLine());

        // the old root's only entry was torn down at 13; the new root points at the new PDPT
        assertEquals(0, old.table().spte(0));
        assertEquals(13, old.table().setBy(0));
        assertEquals(0x2000907L, neu.table().spte(0));
        assertEquals(12, neu.table().setBy(0));
        assertTrue(r.children(old.table()).isEmpty());
        assertEquals(Map.of(0, r.table(0x2000000L)), r.children(neu.table()));

        // the announced pages got their addresses from the installs that followed them
        PageTable pdpt = r.table(0x1000000L);
        assertEquals(2, pdpt.createdLine());
        assertEquals(3, pdpt.linkedLine());
        assertEquals(0, pdpt.page().gen());
        assertSame(old.table(), pdpt.parent());
        assertEquals(13, pdpt.detachedLine());
        assertEquals(14, pdpt.zappedLine());
        assertEquals(PageTable.State.ZAPPED, pdpt.state());
        assertEquals(4, r.table(0x1001000L).createdLine());
        PageTable pt = r.table(0x1002000L);
        assertEquals(6, pt.createdLine());
        assertEquals(0x80000000000005a0L, pt.spte(3)); // TDX-era frozen marker (bit 63)
        assertEquals(16, pt.setBy(3));
        assertEquals(1, pt.frozenEntries());
        assertEquals(1, r.table(0x1001000L).frozenEntries());
        assertEquals(16, r.spte(0, 3, 1).line());
        assertEquals(Sptes.Kind.FROZEN, r.spte(0, 3, 1).kind());
        assertEquals(0, r.spteMismatches());
        assertEquals(3, r.frozenWrites());
        assertEquals(6, r.tables().size()); // 2 roots, 3 old tables, 1 new PDPT

        assertEquals(List.of(new TraceReconstruction.FastZap(1, 0, 10, 1_000_010_000L, 1)), r.fastZaps());
        assertEquals(List.of(new TraceReconstruction.Generation(0, 1, 6, 4, 0),
                new TraceReconstruction.Generation(1, 10, 11, 1, 10)), r.generations());
        assertEquals(5, r.pagesCreated());
    }

    @Test
    void rootsFromSpteChangesOnly() throws IOException {
        TraceReconstruction r = rebuild(trace(
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 4 old_spte 0 new_spte 1000907", // 1
                "0/100 kvm_mmu_zap_all_fast kvm-mmu-valid-gen 1 used_pages 0", // 2
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 4 old_spte 0 new_spte 3000907", // 3
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 4 old_spte 1000907 new_spte 0", // 4
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 8000000 level 4 old_spte 0 new_spte 4000907")); // 5
        assertEquals(2, r.roots().size());
        InferredRoot first = r.roots().get(0);
        InferredRoot second = r.roots().get(1);
        assertEquals(1, first.line());
        assertEquals(2, first.invalidatedLine());
        assertEquals(3, second.line());
        assertTrue(second.reason().contains("kvm_mmu_zap_all_fast (line 2)"), second.reason());
        assertEquals(0, first.table().spte(0));
        assertEquals(4, first.table().setBy(0)); // found through the old value's child, not the newer root
        assertEquals(0x3000907L, second.table().spte(0));
        assertEquals(0x4000907L, second.table().spte(1)); // gfn 0x8000000 = 512 GiB: PML4 index 1
        assertEquals(-1, first.gen());
    }

    @Test
    void fiveLevelRootAndSmmAddressSpace() throws IOException {
        TraceReconstruction r = rebuild(trace(
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 5 old_spte 0 new_spte 1000907",
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 4 old_spte 0 new_spte 1001907",
                "0/100 kvm_tdp_mmu_spte_changed as id 1 gfn 0 level 4 old_spte 0 new_spte 2000907"));
        assertEquals(2, r.roots().size());
        assertEquals(5, r.roots().get(0).level());
        assertEquals(0, r.roots().get(0).asId());
        assertEquals(4, r.roots().get(1).level());
        assertEquals(1, r.roots().get(1).asId());
        PageTable l4 = r.table(0x1000000L);
        assertEquals(4, l4.level());
        assertFalse(l4.isRoot());
        assertSame(r.roots().get(0).table(), l4.parent());
        assertEquals(0x1001907L, l4.spte(0));
        assertEquals(0x2000907L, r.spte(1, 0, 4).value());
        assertEquals(0x1001907L, r.spte(0, 0, 4).value());
    }

    @Test
    void mmioSplitsFaultsUnmapsAndLanes() throws IOException {
        TraceReconstruction r = rebuild(trace(
                "0/100 kvm_mmu_set_spte gfn 10 spte 600000000123b77 (rwxu) level 1 at 5000080", // 1
                "0/100 mark_mmio_spte sptep:00000000deadbeef gfn fee00 access 6 gen 1a2", // 2
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn fee00 level 1 old_spte 0 new_spte 3e000000a056", // 3
                "1/101 handle_mmio_page_fault addr:fee00000 gfn fee00 access 6", // 4
                "1/101 check_mmio_spte spte 3e000000a056 kvm_gen 1a2 spte-gen 1a2 valid 1", // 5
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 200 level 2 old_spte 0 new_spte 6000001234a0bf3", // 6
                "1/101 kvm_mmu_split_huge_page gfn 200 spte 6000001234a0bf3 level 2 errno 0", // 7
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 200 level 2 old_spte 6000001234a0bf3 new_spte 7000907", // 8
                "1/101 kvm_mmu_split_huge_page gfn 400 spte 6000001234c0bf3 level 2 errno -12", // 9
                "1/100 fast_page_fault vcpu 0 gva 7ffde000 error_code P|W sptep 00000000aa55aa55 old 0x6000012345b75 "
                        + "new 6000012345b77 spurious 0 fixed 1", // 10
                "0/102 kvm_unmap_hva_range mmu notifier unmap range: 0x007f0000000000 -- 0x007f0000200000", // 11
                "0/102 kvm_age_hva mmu notifier age hva: 0x007f0000000000 -- 0x007f0000001000", // 12
                "0/102 kvm_test_age_hva mmu notifier test age hva: 0x007f0000000000", // 13
                "0/100 kvm_mmu_spte_requested gfn fee00 pfn 8000000000000000 level 1", // 14
                "0/100 kvm_page_fault vcpu 0 rip 0xfff0 address 0x00000000fee00000 error_code 0x182")); // 15

        // set_spte alone: the table is named by "at", the SPTE by its index (0x80 / 8 = 16 = gfn 0x10)
        PageTable t = r.table(0x5000000L);
        assertEquals(1, t.level());
        assertEquals(0x600000000123b77L, t.spte(16));
        assertEquals(1, t.setBy(16));
        assertEquals(0x600000000123b77L, r.spte(0, 0x10, 1).value());

        assertEquals(Map.of(0xfee00L, new TraceReconstruction.MmioSpte(0xfee00, 0x3e000000a056L, 6, 0x1a2, 3)),
                r.mmioSptes());
        assertEquals(Sptes.Kind.MMIO, r.spte(0, 0xfee00, 1).kind());
        assertEquals(1, r.mmioFaults());
        assertEquals(1, r.mmioChecks());
        assertEquals(1, r.noSlotRequests());

        assertEquals(List.of(new TraceReconstruction.Split(0x200, 2, 0x6000001234a0bf3L, 0, 7),
                new TraceReconstruction.Split(0x400, 2, 0x6000001234c0bf3L, -12, 9)), r.splits());
        assertEquals(1, r.failedSplits());
        PageTable pd = r.tableCovering(0, 2, 0x200);
        assertEquals(Map.of(1, r.table(0x7000000L)), r.children(pd)); // the huge SPTE became a table
        assertEquals(0x200, r.table(0x7000000L).baseGfn());
        assertEquals(Sptes.Kind.TABLE, r.spte(0, 0x200, 2).kind());

        assertEquals(1, r.fastPageFaults());
        assertEquals(1, r.fastPageFaultsFixed());
        assertEquals(1, r.pageFaults());
        assertEquals(1, r.unmaps());
        assertEquals(0x200000, r.unmapBytes());
        assertEquals(2, r.ageEvents());

        assertEquals(List.of(0, 1), List.copyOf(r.cpuLanes().keySet()));
        Lane cpu0 = r.cpuLanes().get(0);
        assertEquals(8, cpu0.events()); // lines 1-3, 11-15
        assertEquals(1_000_001_000L, cpu0.firstNs());
        assertEquals(1_000_015_000L, cpu0.lastNs());
        assertEquals(List.of("CPU 0/KVM-100", "CPU 0/KVM-102"), List.copyOf(cpu0.partners()));
        Lane task = r.taskLanes().get(100);
        assertEquals("CPU 0/KVM-100", task.label()); // the comm of the first event
        assertEquals(6, task.events()); // lines 1-3, 10, 14, 15
        assertEquals(2, task.migrations()); // CPU 0 -> 1 at line 10, back at 14
        assertEquals(List.of("CPU 0", "CPU 1"), List.copyOf(task.partners()));
        assertEquals(List.of(100, 101, 102), List.copyOf(r.taskLanes().keySet()));
    }

    @Test
    void frozenMarkersGoToTheRemovedTableAndReusedPagesRetireOldTables() throws IOException {
        List<TraceEvent> events;
        try (TraceReader reader = TraceReader.of(trace(
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 4 old_spte 0 new_spte 1000907", // 1
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 3 old_spte 0 new_spte 1001907", // 2
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 2 old_spte 0 new_spte 1002907", // 3
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 5 level 1 old_spte 0 new_spte 600000000005b77", // 4
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 2 old_spte 1002907 new_spte 0", // 5
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 2 old_spte 0 new_spte 1003907", // 6
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 5 level 1 old_spte 600000000005b77 new_spte 5a0", // 7
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 6 level 1 old_spte 0 new_spte 600000000006b77", // 8
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 2 old_spte 1003907 new_spte 0", // 9
                "1/101 kvm_tdp_mmu_spte_changed as id 0 gfn 0 level 2 old_spte 0 new_spte 1002907"))) { // 10
            events = reader.readAll();
        }
        TraceReconstruction r = new TraceReconstruction();
        events.subList(0, 8).forEach(r::accept);
        PageTable removed = r.table(0x1002000L);
        PageTable fresh = r.table(0x1003000L);
        assertEquals(5, removed.detachedLine());
        assertEquals(Sptes.FROZEN, removed.spte(5)); // not into the new PT that covers the same gfns
        assertEquals(7, removed.setBy(5));
        assertFalse(fresh.traced(5));
        assertEquals(0x600000000006b77L, fresh.spte(6));
        assertEquals(0, r.spteMismatches());

        events.subList(8, 10).forEach(r::accept);
        PageTable reused = r.table(0x1002000L);
        assertFalse(reused == removed); // the freed page now holds a new table
        assertEquals(10, reused.linkedLine());
        assertEquals(0, reused.tracedEntries());
        assertEquals(1, r.retiredTables());
        assertFalse(r.tables().contains(removed));
        assertEquals(5, r.tables().size()); // root, PDPT, PD, the detached 0x1003000 and the reused page
    }

    @Test
    void mismatchedOldValueIsAWarning() throws IOException {
        try (TraceReader reader = TraceReader.of(trace(
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 1 level 1 old_spte 0 new_spte 600000000001b77",
                "0/100 kvm_tdp_mmu_spte_changed as id 0 gfn 1 level 1 old_spte 600000000002b77 new_spte 0"))) {
            TraceReconstruction r = TraceReconstruction.read(reader);
            assertEquals(1, r.spteMismatches());
            assertEquals(1, reader.diagnostics().warningCount());
            assertEquals(2, reader.diagnostics().warnings().get(0).line());
            assertEquals(0, r.spte(0, 1, 1).value());
        }
    }
}
