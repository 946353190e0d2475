/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpscope.trace.Payload.*;

/**
 * The four real captures: every line is used, and the reconstruction matches what the text shows.
 * Expected values were read off the capture files by hand (line numbers from the files as stored).
 */
class CaptureTest {

    private static final long TABLE_L3 = 0x18af606000L;
    private static final long TABLE_L2 = 0x18af605000L;
    private static final long TABLE_L1 = 0x18af604000L;

    @ParameterizedTest
    @ValueSource(strings = { Captures.TDP_FAULTS_ZAP, Captures.HUGEPAGE_WRAPPED, Captures.NESTED_TRACE_CMD,
            Captures.GET_PAGE_STACK })
    void everyLineIsUsed(String capture) throws IOException {
        TraceReconstruction r = Captures.reconstruct(capture);
        TraceDiagnostics d = r.diagnostics();
        assertEquals(0, d.unknownEvents(), () -> d.unknown().toString());
        assertEquals(0, d.unparsedLines(), () -> d.unparsed().toString());
        assertEquals(0, d.warningCount(), () -> d.warnings().toString());
        assertEquals(d.lines(), d.events() + d.headerLines() + d.gaps() + d.stackLines() + d.continuationLines()
                + d.blankLines());
    }

    // ---- 01: tracefs with header, EPT, first root built, faults, start of a zap ----------------------

    @Test
    void faultsAndZapCaptureEvents() throws IOException {
        List<TraceEvent> events;
        TraceDiagnostics d;
        try (TraceReader r = Captures.reader(Captures.TDP_FAULTS_ZAP)) {
            events = r.readAll();
            d = r.diagnostics();
        }
        assertEquals(66, d.lines());
        assertEquals(13, d.headerLines()); // "# source" plus the 12-line ftrace header
        assertEquals(53, d.events());

        TraceEvent first = events.get(0);
        assertEquals(14, first.line());
        assertEquals("vmm", first.prefix().comm());
        assertEquals(36697, first.prefix().pid());
        assertEquals(-1, first.prefix().tgid());
        assertEquals(31, first.cpu());
        assertEquals(".....", first.prefix().flags());
        assertEquals(136276_018621_000L, first.timestampNs());
        assertEquals(Prefix.Shape.TRACEFS, first.prefix().shape());
        assertEquals(new KvmUnmapHvaRange(0x70f1aac05000L, 0x70f1aac06000L), first.payload());

        assertEquals("d..1.", events.get(1).prefix().flags());
        assertEquals(new KvmEntry(0, 0L, false, null, EntryText.KERNEL), events.get(1).payload());
        assertEquals(new KvmExit(0, "EPT_VIOLATION", 0, null, 0x784, 0, 0L, 0L, ExitText.KERNEL),
                events.get(2).payload());
        assertEquals(new KvmPageFault(0, 0L, 0, 0x784), events.get(3).payload());
        assertEquals(new MmuSpteRequested(0, 0x1980dc3L, 1), events.get(4).payload());
        assertEquals(new TdpMmuSpteChanged(0, 0, 4, 0, 0x18af606907L), events.get(5).payload());
        assertEquals(new TdpMmuSpteChanged(0, 0, 1, 0, 0x600001980dc3b77L), events.get(8).payload());
        MmuSetSpte set = (MmuSetSpte) events.get(9).payload();
        assertEquals(new MmuSetSpte(0, 0x600001980dc3b77L, "rwxu", 1, 0x18af604000L), set);
        assertTrue(set.readable() && set.writable() && set.executable() && set.user());
        assertEquals(new KvmUserspaceExit("KVM_EXIT_IO", 2), events.get(22).payload());

        Map<String, Long> counts = countByName(events);
        assertEquals(Map.of("kvm_tdp_mmu_spte_changed", 26L, "kvm_mmu_set_spte", 3L, "kvm_mmu_spte_requested", 3L,
                "kvm_page_fault", 3L, "kvm_unmap_hva_range", 2L, "kvm_entry", 7L, "kvm_exit", 7L,
                "kvm_userspace_exit", 2L), counts);
    }

    @Test
    void faultsAndZapCaptureTables() throws IOException {
        TraceReconstruction r = Captures.reconstruct(Captures.TDP_FAULTS_ZAP);

        // One root, inferred from the level-4 install at line 19; its address is never printed.
        assertEquals(1, r.roots().size());
        InferredRoot root = r.roots().get(0);
        assertTrue(root.inferred());
        assertEquals(0, root.asId());
        assertEquals(4, root.level());
        assertEquals(19, root.line());
        assertNull(root.role());
        assertEquals(-1, root.gen());
        assertEquals(0, root.invalidatedLine());
        assertFalse(root.table().hpaKnown());
        assertEquals(0x18af606907L, root.table().spte(0));
        assertEquals(19, root.table().setBy(0));
        assertEquals(1, root.table().tracedEntries());

        assertEquals(4, r.tables().size());
        PageTable l3 = r.table(TABLE_L3);
        PageTable l2 = r.table(TABLE_L2);
        PageTable l1 = r.table(TABLE_L1);
        assertSame(root.table(), l3.parent());
        assertEquals(0, l3.parentIndex());
        assertSame(l3, l2.parent());
        assertSame(l2, l1.parent());
        assertEquals(List.of(3, 2, 1), List.of(l3.level(), l2.level(), l1.level()));
        assertEquals(List.of(0L, 0L, 0L), List.of(l3.baseGfn(), l2.baseGfn(), l1.baseGfn()));
        assertEquals(List.of(19L, 20L, 21L), List.of(l3.linkedLine(), l2.linkedLine(), l1.linkedLine()));

        // Zap start: PDPTE[0] -> 0 at line 48, PDE[0] frozen at 49, then PTEs 0..0x10 frozen at 50..66.
        assertEquals(0, l3.spte(0));
        assertEquals(48, l3.setBy(0));
        assertEquals(PageTable.State.LIVE, l3.state());
        assertEquals(48, l2.detachedLine());
        assertEquals(Sptes.FROZEN, l2.spte(0));
        assertEquals(49, l2.setBy(0));
        assertEquals(PageTable.State.ZAPPED, l2.state());
        assertEquals(49, l1.detachedLine());
        assertEquals(50, l1.zappedLine());
        assertEquals(17, l1.tracedEntries());
        assertEquals(17, l1.frozenEntries());
        for (int i = 0; i <= 0x10; i++) {
            assertEquals(Sptes.FROZEN, l1.spte(i));
            assertEquals(50 + i, l1.setBy(i));
        }
        assertFalse(l1.traced(0x11));

        // "Who set this SPTE?": gfn 7's PTE was installed (32), zapped by the unmap (38), re-installed (43),
        // and finally frozen at line 57.
        TraceReconstruction.SpteRef pte7 = r.spte(0, 7, 1);
        assertEquals(Sptes.FROZEN, pte7.value());
        assertEquals(57, pte7.line());
        assertSame(l1, pte7.table());
        assertEquals(7, pte7.index());
        assertEquals(Sptes.Kind.FROZEN, pte7.kind());
        assertEquals(0x18af606907L, r.spte(0, 0, 4).value());
        assertNull(r.spte(0, 0x11, 1));
        assertEquals(0, r.spteMismatches());
        assertEquals(26, r.spteChanges());
        assertEquals(18, r.frozenWrites()); // line 49 and lines 50..66

        assertEquals(3, r.pageFaults());
        assertEquals(3, r.spteRequests());
        assertEquals(3, r.setSptes());
        assertEquals(2, r.unmaps());
        assertEquals(0x2000, r.unmapBytes());
        assertTrue(r.fastZaps().isEmpty());
        assertTrue(r.generations().isEmpty());

        assertEquals(1, r.cpuLanes().size());
        Lane cpu = r.cpuLanes().get(31);
        assertEquals("CPU 31", cpu.label());
        assertEquals(53, cpu.events());
        assertEquals(136276_018621_000L, cpu.firstNs());
        assertEquals(136276_021761_000L, cpu.lastNs());
        assertEquals(List.of("vmm-36697"), List.copyOf(cpu.partners()));
        Lane task = r.taskLanes().get(36697);
        assertEquals("vmm-36697", task.label());
        assertEquals(53, task.events());
        assertEquals(0, task.migrations());
        assertEquals(26L, task.counts().get("kvm_tdp_mmu_spte_changed"));
    }

    @Test
    void spteValuesOfTheFaultCapture() {
        // Non-leaf: RWX + A + MMU-present, pointing at the next table.
        assertEquals(Sptes.Kind.TABLE, Sptes.kind(0x18af606907L, 4));
        assertEquals(TABLE_L3, Sptes.hpa(0x18af606907L));
        // 4K leaf; its pfn is the one kvm_mmu_spte_requested asked for (line 18).
        assertEquals(Sptes.Kind.LEAF, Sptes.kind(0x600001980dc3b77L, 1));
        assertEquals(0x1980dc3L, Sptes.pfn(0x600001980dc3b77L));
        assertEquals(new MmuSetSpte(7, 0x6000019816e1b77L, "rwxu", 1, 0x18af604038L).tableIndex(), 7);
    }

    // ---- 07: mail-wrapped tracefs, huge page collapse -------------------------------------------------

    @Test
    void wrappedHugePageCaptureEvents() throws IOException {
        List<TraceEvent> events;
        TraceDiagnostics d;
        try (TraceReader r = Captures.reader(Captures.HUGEPAGE_WRAPPED)) {
            events = r.readAll();
            d = r.diagnostics();
        }
        assertEquals(23, d.lines());
        assertEquals(11, d.events());
        assertEquals(10, d.continuationLines());
        assertEquals(1, d.gaps()); // the "...." elision at line 18
        assertEquals(List.of(18L), d.gapLines(), "where the copy left records out");
        // what was mapped before the capture began: the level-2 table SPTE and the leaves 800, 801, 802 and 9ff
        // (803 was empty); a replay starts without them
        TraceReconstruction mapped = Captures.reconstruct(Captures.HUGEPAGE_WRAPPED);
        assertEquals(5, mapped.presentBefore());
        assertEquals(List.of(0x800L, 0x9ffL, 6L), java.util.Arrays.stream(mapped.presentBeforeRange()).boxed()
                .toList());
        assertEquals(0, Captures.reconstruct(Captures.TDP_FAULTS_ZAP).presentBefore(), "capture 01 maps all it zaps");
        assertEquals(1, d.headerLines());

        TraceEvent fault = events.get(0);
        assertEquals(2, fault.line());
        assertEquals("VCPU-0", fault.prefix().comm());
        assertEquals(61883, fault.prefix().pid());
        assertEquals(78, fault.cpu());
        assertEquals(72276_115679_000L, fault.timestampNs());
        assertEquals(new KvmPageFault(null, null, 0x84d000, 4), fault.payload());
        assertEquals(new MmuSpteRequested(0x84d, 0x100b4a4dL, 2), events.get(1).payload());
        assertEquals(new TdpMmuSpteChanged(0, 0x800, 2, 0x100b1b16827L, 0x100b4a00ea7L), events.get(2).payload());
        MmuPage zap = ((MmuPrepareZapPage) events.get(3).payload()).page();
        assertEquals(new MmuPage(MmuPage.Text.KERNEL, 0, 0x800, 1, 0, 8, 0, true, "wux", false, false, true, true,
                false, false, false, false, false, 0, false), zap);
        assertEquals(new TdpMmuSpteChanged(0, 0x9ff, 1, 0x100a43f4e67L, Sptes.FROZEN), events.get(8).payload());
        assertEquals(19, events.get(8).line());
        assertEquals(new MmuSetSpte(0x800, 0x100b4a00ea7L, "rwxu", 2, 0x10052fa5020L), events.get(9).payload());
        assertEquals(21, events.get(9).line());
        assertEquals(new KvmFpu(false), events.get(10).payload());
    }

    @Test
    void wrappedHugePageCaptureTables() throws IOException {
        TraceReconstruction r = Captures.reconstruct(Captures.HUGEPAGE_WRAPPED);
        assertTrue(r.roots().isEmpty()); // no top-level SPTE and no root page in this excerpt
        assertEquals(2, r.tables().size());

        // The PD: first seen through the level-2 change (line 6), address from set_spte's "at" (line 21).
        PageTable pd = r.table(0x10052fa5000L);
        assertEquals(2, pd.level());
        assertEquals(0, pd.baseGfn());
        assertEquals(6, pd.firstLine());
        assertNull(pd.parent());
        assertEquals(1, pd.tracedEntries());
        assertEquals(0x100b4a00ea7L, pd.spte(4)); // gfn 0x800 >> 9 = index 4: a 2M leaf
        assertEquals(6, pd.setBy(4));
        assertEquals(Sptes.Kind.LEAF, Sptes.kind(pd.spte(4), 2));
        assertEquals(0x100b4a00L, Sptes.pfn(pd.spte(4)));

        // The collapsed PT: named by the old PDE value, then prepare_zap_page and frozen entries.
        PageTable pt = r.table(0x100b1b16000L);
        assertEquals(1, pt.level());
        assertEquals(0x800, pt.baseGfn());
        assertSame(pd, pt.parent());
        assertEquals(4, pt.parentIndex());
        assertEquals(6, pt.detachedLine());
        assertEquals(8, pt.prepareZapLine());
        assertEquals(0, pt.page().gen());
        assertEquals(10, pt.zappedLine());
        assertEquals(PageTable.State.ZAPPED, pt.state());
        assertEquals(5, pt.frozenEntries());
        int[] idx = { 0, 1, 2, 3, 0x1ff };
        long[] lines = { 10, 12, 14, 16, 19 };
        for (int k = 0; k < idx.length; k++) {
            assertEquals(Sptes.FROZEN, pt.spte(idx[k]));
            assertEquals(lines[k], pt.setBy(idx[k]));
        }
        assertEquals(19, r.spte(0, 0x9ff, 1).line());
        assertEquals(1, r.prepareZaps());
        assertEquals(List.of(new TraceReconstruction.Generation(0, 8, 8, 1, 0)), r.generations());
        assertEquals(11, r.cpuLanes().get(78).events());
        assertEquals("VCPU-0-61883", r.taskLanes().get(61883).label());
    }

    // ---- 09: old trace-cmd report, nested, shadow paging ---------------------------------------------

    @Test
    void traceCmdCapture() throws IOException {
        List<TraceEvent> events;
        try (TraceReader r = Captures.reader(Captures.NESTED_TRACE_CMD)) {
            events = r.readAll();
            assertEquals(18, r.diagnostics().lines());
        }
        assertEquals(17, events.size());
        TraceEvent e = events.get(0);
        assertEquals("qemu-system-x86", e.prefix().comm());
        assertEquals(6660, e.prefix().pid());
        assertEquals(7, e.cpu());
        assertEquals("", e.prefix().flags());
        assertEquals(Prefix.Shape.TRACE_CMD, e.prefix().shape());
        assertEquals(398_691401_000L, e.timestampNs());
        assertEquals(new KvmNestedVmexit(null, "IO_INSTRUCTION", 0x7fa9ee5224e4L, null, 0x5658000bL, 0, 0, 0, false),
                e.payload());
        assertEquals(new KvmFpu(false), events.get(1).payload());
        assertEquals(new KvmUserspaceExit("KVM_EXIT_IO", 2), events.get(2).payload());
        assertEquals(new KvmPio(false, 0x5658, 4, 1, 4L, false), events.get(4).payload());
        MmuGetPage get = (MmuGetPage) events.get(5).payload();
        assertFalse(get.created());
        assertEquals(new MmuPage(MmuPage.Text.PLUGIN_OLD, -1, 0x3a22e, 1, 4, 0, 3, true, "--x", false, false, false,
                null, false, false, false, false, false, 6, false), get.page());
        assertEquals(new KvmEntry(3, null, false, null, EntryText.VCPU), events.get(6).payload());
        assertEquals(new KvmExit(null, "IO_INSTRUCTION", 0x7fa9ee5224e4L, null, 0x5658000bL, 0, null, null,
                ExitText.PLUGIN), events.get(7).payload());
        assertEquals(Map.of("kvm_nested_vmexit", 3L, "kvm_fpu", 4L, "kvm_userspace_exit", 2L, "kvm_pio", 2L,
                "kvm_mmu_get_page", 2L, "kvm_entry", 2L, "kvm_exit", 2L), countByName(events));
        assertEquals(398_691534_000L, events.get(16).timestampNs());

        TraceReconstruction r = Captures.reconstruct(Captures.NESTED_TRACE_CMD);
        assertTrue(r.roots().isEmpty());
        assertTrue(r.tables().isEmpty()); // gfn 3a22e is not aligned to a level-1 table: a shadow page
        assertEquals(2, r.pagesExisting());
        assertEquals(2, r.shadowPages());
        assertEquals(17, r.cpuLanes().get(7).events());
    }

    // ---- 14: tracefs with a stack trace, kernel text of kvm_mmu_get_page ------------------------------

    @Test
    void stackTraceCapture() throws IOException {
        List<TraceEvent> events;
        TraceDiagnostics d;
        try (TraceReader r = Captures.reader(Captures.GET_PAGE_STACK)) {
            events = r.readAll();
            d = r.diagnostics();
        }
        assertEquals(1, events.size());
        assertEquals(12, d.stackLines()); // the marker and 11 "=>" lines
        TraceEvent e = events.get(0);
        assertEquals("qemu-system-x86", e.prefix().comm());
        assertEquals(1695082, e.prefix().pid());
        assertEquals(12, e.cpu());
        assertEquals("...1.", e.prefix().flags());
        assertEquals(722267_552895_000L, e.timestampNs());
        MmuGetPage get = (MmuGetPage) e.payload();
        assertTrue(get.created());
        assertEquals(new MmuPage(MmuPage.Text.KERNEL, 0, 0x14b600, 1, 0, 8, 0, true, "wux", false, false, true, true,
                false, false, false, false, false, 0, false), get.page());
        assertEquals("l1 8-byte q0 direct wux nxe ad", get.page().role());
        List<String> stack = e.prefix().stack();
        assertEquals(11, stack.size());
        assertEquals("trace_event_raw_event_kvm_mmu_get_page", stack.get(0));
        assertEquals("tdp_mmu_init_sp", stack.get(1));
        assertEquals("entry_SYSCALL_64_after_hwframe", stack.get(10));

        TraceReconstruction r = Captures.reconstruct(Captures.GET_PAGE_STACK);
        assertTrue(r.roots().isEmpty()); // a level-1 page, not a root
        assertEquals(1, r.tables().size());
        PageTable t = r.tables().get(0);
        assertFalse(t.hpaKnown());
        assertEquals(1, t.level());
        assertEquals(0x14b600, t.baseGfn());
        assertEquals(2, t.createdLine());
        assertEquals(0, t.tracedEntries());
        assertSame(t, r.tableCovering(0, 1, 0x14b7ff));
        assertEquals(1, r.pagesCreated());
        assertEquals(List.of(new TraceReconstruction.Generation(0, 2, 2, 1, 0)), r.generations());
    }

    static Map<String, Long> countByName(List<TraceEvent> events) {
        Map<String, Long> m = new java.util.HashMap<>();
        events.forEach(e -> m.merge(e.name(), 1L, Long::sum));
        return m;
    }
}
