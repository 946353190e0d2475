/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdpscope.trace.Payload.*;

/**
 * Every event of FORMATS.md in each of its texts (kernel eras, trace-cmd plugins): parsed into the
 * expected fields, and printed back by {@link KernelTraceFormat} to the same text.
 */
class EventTextTest {

    private static MmuPage kernelPage(long gen, long gfn, int level, boolean direct, String access, int root) {
        return new MmuPage(MmuPage.Text.KERNEL, gen, gfn, level, 0, 8, 0, direct, access, false, false, true, true,
                false, false, false, false, false, root, false);
    }

    /** name, payload text, expected payload, whether printing gives the same text back. */
    static Stream<Arguments> texts() {
        return Stream.of(
                // kvmmmu, mmutrace.h
                t("kvm_tdp_mmu_spte_changed", "as id 1 gfn 7f000 level 2 old_spte 0 new_spte 80000000000005a0",
                        new TdpMmuSpteChanged(1, 0x7f000, 2, 0, 0x80000000000005a0L)),
                t("kvm_mmu_set_spte", "gfn 7 spte 6000019816e1b77 (rwxu) level 1 at 18af604038",
                        new MmuSetSpte(7, 0x6000019816e1b77L, "rwxu", 1, 0x18af604038L)),
                t("kvm_mmu_set_spte", "gfn 1 spte 600000012345bf5 (r-x) level 2 at 10000008",
                        new MmuSetSpte(1, 0x600000012345bf5L, "r-x", 2, 0x10000008L)),
                t("kvm_mmu_spte_requested", "gfn fee00 pfn 8000000000000000 level 1",
                        new MmuSpteRequested(0xfee00, 0x8000000000000000L, 1)),
                t("kvm_mmu_get_page", "sp gen 1 gfn 0 l4 8-byte q0 direct wux nxe ad root 0 sync new",
                        new MmuGetPage(kernelPage(1, 0, 4, true, "wux", 0), true)),
                t("kvm_mmu_get_page", "sp gen 2 gfn 40000 l3 4-byte q1 -u- invalid !nxe !ad root 3 unsync existing",
                        new MmuGetPage(new MmuPage(MmuPage.Text.KERNEL, 2, 0x40000, 3, 0, 4, 1, false, "-u-", true,
                                false, false, false, false, false, false, false, false, 3, true), false)),
                t("kvm_mmu_get_page", "sp gen 1f gfn 0 4 pae q0 direct wux nxe root 1 sync new",
                        new MmuGetPage(new MmuPage(MmuPage.Text.KERNEL_4X, 0x1f, 0, 4, 0, 0, 0, true, "wux", false,
                                true, true, null, false, false, false, false, false, 1, false), true)),
                t("kvm_mmu_get_page", "sp gen a gfn 100 1 q0 --- !nxe !ad root 0 unsync existing",
                        new MmuGetPage(new MmuPage(MmuPage.Text.KERNEL_4X, 0xa, 0x100, 1, 0, 0, 0, false, "---", false,
                                false, false, false, false, false, false, false, false, 0, true), false)),
                t("kvm_mmu_get_page", "new sp gfn 0 4 q0 direct wux pae nxe wp smm root 0 sync",
                        new MmuGetPage(new MmuPage(MmuPage.Text.PLUGIN, -1, 0, 4, 0, 0, 0, true, "wux", false, true,
                                true, null, true, false, false, true, false, 0, false), true)),
                t("kvm_mmu_get_page", "existing sp gfn 200 1 q0 direct wux !pae !nxe !wp smep smap root 2 unsync",
                        new MmuGetPage(new MmuPage(MmuPage.Text.PLUGIN, -1, 0x200, 1, 0, 0, 0, true, "wux", false,
                                false, false, null, false, true, true, false, false, 2, true), false)),
                t("kvm_mmu_get_page", "existing sp gfn 3a22e 1/4 q3 direct --x !pge !nxe root 6 sync",
                        new MmuGetPage(new MmuPage(MmuPage.Text.PLUGIN_OLD, -1, 0x3a22e, 1, 4, 0, 3, true, "--x",
                                false, false, false, null, false, false, false, false, false, 6, false), false)),
                t("kvm_mmu_prepare_zap_page", "sp gen 0 gfn 800 l1 8-byte q0 direct wux nxe ad root 0 sync",
                        new MmuPrepareZapPage(kernelPage(0, 0x800, 1, true, "wux", 0))),
                t("kvm_mmu_prepare_zap_page", "1 q0 direct wux pae nxe wp root 0 sync",
                        new MmuPrepareZapPage(new MmuPage(MmuPage.Text.PLUGIN, -1, -1, 1, 0, 0, 0, true, "wux", false,
                                true, true, null, true, false, false, false, false, 0, false))),
                t("kvm_mmu_sync_page", "sp gen 0 gfn 1234 l1 8-byte q0 wux nxe ad root 0 sync",
                        new MmuSyncPage(kernelPage(0, 0x1234, 1, false, "wux", 0))),
                t("kvm_mmu_unsync_page", "sp gen 0 gfn 1234 l1 8-byte q0 wux nxe ad root 0 sync",
                        new MmuUnsyncPage(kernelPage(0, 0x1234, 1, false, "wux", 0))),
                t("kvm_mmu_zap_page", "2/4 q0 wux pge nxe root 0 unsync",
                        new MmuZapPage(new MmuPage(MmuPage.Text.PLUGIN_OLD, -1, -1, 2, 4, 0, 0, false, "wux", false,
                                false, true, null, false, false, false, false, true, 0, true))),
                t("kvm_mmu_zap_all_fast", "kvm-mmu-valid-gen 1 used_pages 1a", new MmuZapAllFast(1, 0x1a)),
                t("kvm_mmu_invalidate_zap_all_pages", "kvm-mmu-valid-gen 1f used_pages 0", new MmuZapAllFast(0x1f, 0)),
                t("kvm_mmu_split_huge_page", "gfn 200 spte 6000001234a0bf3 level 2 errno 0",
                        new MmuSplitHugePage(0x200, 0x6000001234a0bf3L, 2, 0)),
                t("kvm_mmu_split_huge_page", "gfn 40000 spte 0 level 3 errno -12", new MmuSplitHugePage(0x40000, 0, 3,
                        -12)),
                t("mark_mmio_spte", "sptep:00000000c8f4e1f2 gfn fee00 access 6 gen 1a2",
                        new MarkMmioSpte("00000000c8f4e1f2", 0xfee00, 6, 0x1a2)),
                t("handle_mmio_page_fault", "addr:fee00000 gfn fee00 access 6",
                        new HandleMmioPageFault(0xfee00000L, 0xfee00, 6)),
                t("check_mmio_spte", "spte 3e000000a056 kvm_gen 1a2 spte-gen 1a2 valid 1",
                        new CheckMmioSpte(0x3e000000a056L, 0x1a2, 0x1a2, true)),
                t("fast_page_fault", "vcpu 0 gva 7ffde000 error_code P|W sptep 00000000aa55aa55 old 0x6000012345b75 "
                        + "new 6000012345b77 spurious 0 fixed 1", new FastPageFault(0, 0x7ffde000L, "P|W",
                                "00000000aa55aa55", 0x6000012345b75L, 0x6000012345b77L, false, true)),
                t("fast_page_fault", "vcpu 1 gva 0 error_code  sptep ffff888100000000 old 0x0 new 0 spurious 1 fixed 0",
                        new FastPageFault(1, 0, "", "ffff888100000000", 0, 0, true, false)),
                t("kvm_mmu_pagetable_walk", "addr ffffffff81000000 pferr 10 F",
                        new MmuPagetableWalk(0xffffffff81000000L, 0x10, "F")),
                t("kvm_mmu_pagetable_walk", "addr 1000 pferr 0", new MmuPagetableWalk(0x1000, 0, "")),
                t("kvm_mmu_paging_element", "pte 12345067 level 2", new MmuPagingElement(0x12345067L, 2)),
                t("kvm_mmu_walker_error", "pferr 5 P|U", new MmuWalkerError(5, "P|U")),
                t("kvm_mmu_walker_error", "pferr 0", new MmuWalkerError(0, "")),
                t("kvm_mmu_set_accessed_bit", "gpa 1000", new MmuSetAccessedBit(0x1000)),
                t("kvm_mmu_set_dirty_bit", "gpa 2000", new MmuSetDirtyBit(0x2000)),
                // kvm, trace.h and include/trace/events/kvm.h
                t("kvm_entry", "vcpu 0", new KvmEntry(0, null, false, null, EntryText.VCPU)),
                t("kvm_entry", "vcpu 0, rip 0xfff0", new KvmEntry(0, 0xfff0L, false, null, EntryText.KERNEL)),
                t("kvm_entry", "vcpu 2, rip 0x1000[immediate exit]",
                        new KvmEntry(2, 0x1000L, true, null, EntryText.KERNEL)),
                t("kvm_entry", "vcpu 3 rip 0x7fa9ee5224e4", new KvmEntry(3, 0x7fa9ee5224e4L, false, null,
                        EntryText.PLUGIN)),
                t("kvm_entry", "vcpu 3 rip 0xffffffff81000000 native_safe_halt+0x6",
                        new KvmEntry(3, 0xffffffff81000000L, false, "native_safe_halt+0x6", EntryText.PLUGIN)),
                t("kvm_exit", "vcpu 0 reason EPT_VIOLATION rip 0x0 info1 0x0000000000000784 info2 0x0000000000000000 "
                        + "intr_info 0x00000000 error_code 0x00000000",
                        new KvmExit(0, "EPT_VIOLATION", 0, null, 0x784, 0, 0L, 0L, ExitText.KERNEL)),
                t("kvm_exit", "vcpu 1 reason EXIT_NPF rip 0xffffffff8105f0e2 info1 0x0000000100000004 "
                        + "info2 0x00000000fee00000 intr_info 0x00000000 error_code 0x00000000",
                        new KvmExit(1, "EXIT_NPF", 0xffffffff8105f0e2L, null, 0x100000004L, 0xfee00000L, 0L, 0L,
                                ExitText.KERNEL)),
                t("kvm_exit", "vcpu 1 reason EPT_VIOLATION rip 0xffffffff8105f0e2 info 181 0",
                        new KvmExit(1, "EPT_VIOLATION", 0xffffffff8105f0e2L, null, 0x181, 0, null, null,
                                ExitText.KERNEL_4X)),
                t("kvm_exit", "reason IO_INSTRUCTION rip 0x7fa9ee5224e4 info 5658000b 0",
                        new KvmExit(null, "IO_INSTRUCTION", 0x7fa9ee5224e4L, null, 0x5658000bL, 0, null, null,
                                ExitText.PLUGIN)),
                t("kvm_exit", "reason HLT rip 0xffffffff81abcdef default_idle+0x4 info 0 0",
                        new KvmExit(null, "HLT", 0xffffffff81abcdefL, "default_idle+0x4", 0, 0, null, null,
                                ExitText.PLUGIN)),
                t("kvm_exit", "reason UNKNOWN (99) rip 0x0 info 0 0",
                        new KvmExit(null, "UNKNOWN (99)", 0, null, 0, 0, null, null, ExitText.PLUGIN)),
                t("kvm_nested_vmexit", "rip 7fa9ee5224e4 reason IO_INSTRUCTION info1 5658000b info2 0 int_info 0 "
                        + "int_info_err 0", new KvmNestedVmexit(null, "IO_INSTRUCTION", 0x7fa9ee5224e4L, null,
                                0x5658000bL, 0, 0, 0, false)),
                t("kvm_nested_vmexit", "vcpu 0 reason EPT_VIOLATION rip 0x401000 info1 0x0000000000000181 "
                        + "info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000",
                        new KvmNestedVmexit(0, "EPT_VIOLATION", 0x401000, null, 0x181, 0, 0, 0, true)),
                t("kvm_page_fault", "vcpu 0 rip 0x39 address 0x0000000000007000 error_code 0x782",
                        new KvmPageFault(0, 0x39L, 0x7000, 0x782)),
                t("kvm_page_fault", "address 84d000 error_code 4", new KvmPageFault(null, null, 0x84d000, 4)),
                t("kvm_unmap_hva_range", "mmu notifier unmap range: 0x0070f1aac05000 -- 0x0070f1aac06000",
                        new KvmUnmapHvaRange(0x70f1aac05000L, 0x70f1aac06000L)),
                t("kvm_age_hva", "mmu notifier age hva: 0x007f1234560000 -- 0x007f1234570000",
                        new KvmAgeHva(0x7f1234560000L, 0x7f1234570000L)),
                t("kvm_test_age_hva", "mmu notifier test age hva: 0x007f1234560000",
                        new KvmTestAgeHva(0x7f1234560000L)),
                t("kvm_userspace_exit", "reason KVM_EXIT_MMIO (6)", new KvmUserspaceExit("KVM_EXIT_MMIO", 6)),
                t("kvm_fpu", "load", new KvmFpu(true)),
                t("kvm_pio", "pio_write at 0x3f8 size 1 count 2 val 0x41 (...)",
                        new KvmPio(true, 0x3f8, 1, 2, 0x41L, true)),
                t("kvm_pio", "pio_read at 0x5658 size 4 count 1 val 0x4", new KvmPio(false, 0x5658, 4, 1, 4L, false)),
                // texts that read fine but print in the canonical form
                Arguments.of("kvm_unmap_hva_range", "mmu notifier unmap range: 0x7f0000 -- 0x7f1000",
                        new KvmUnmapHvaRange(0x7f0000, 0x7f1000), false),
                Arguments.of("kvm_entry", "vcpu 2, rip 0x1000 [immediate exit]",
                        new KvmEntry(2, 0x1000L, true, null, EntryText.KERNEL), false));
    }

    private static Arguments t(String name, String text, Payload expected) {
        return Arguments.of(name, text, expected, true);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("texts")
    void parsesAndPrintsBack(String name, String text, Payload expected, boolean canonical) throws IOException {
        String line = "       CPU 0/KVM-4021    [003] d..1. 51234.000100: " + name + ": " + text;
        TraceEvent e = one(line);
        assertEquals(name, e.name());
        assertEquals(expected, e.payload());
        String printed = KernelTraceFormat.payload(e);
        if (canonical) {
            assertEquals(text, printed.stripTrailing()); // the kernel leaves a trailing space after empty %s
        }
        assertEquals(e, one(KernelTraceFormat.line(e)));
    }

    @Test
    void setSpteWithoutUserColumn() throws IOException {
        MmuSetSpte s = (MmuSetSpte) one("q-1 [000] .... 1.000000: kvm_mmu_set_spte: gfn 1 spte 1 (r-x) level 1 at 1008")
                .payload();
        assertTrue(s.readable());
        assertFalse(s.writable());
        assertTrue(s.executable());
        assertNull(s.user());
        assertEquals(1, s.tableIndex());
        assertEquals(0x1000, s.tableHpa());
    }

    @Test
    void pageRolesAndRootCandidates() throws IOException {
        MmuPage root = ((MmuGetPage) one("q-1 [000] .... 1.0: kvm_mmu_get_page: "
                + "sp gen 0 gfn 0 l5 8-byte q0 direct wux nxe ad root 0 sync new").payload()).page();
        assertTrue(root.looksLikeTdpRoot());
        assertEquals("l5 8-byte q0 direct wux nxe ad", root.role());
        MmuPage smm = ((MmuGetPage) one("q-1 [000] 1.0: kvm_mmu_get_page: new sp gfn 0 4 q0 direct wux pae nxe wp smm "
                + "root 0 sync").payload()).page();
        assertEquals(1, smm.asId());
        assertEquals("4 q0 direct wux pae nxe wp smm", smm.role());
        MmuPage indirect = ((MmuGetPage) one("q-1 [000] .... 1.0: kvm_mmu_get_page: "
                + "sp gen 0 gfn 0 l4 8-byte q0 wux nxe ad root 1 sync new").payload()).page();
        assertFalse(indirect.looksLikeTdpRoot());
    }

    @Test
    void everyKnownEventHasATextHere() {
        List<String> covered = texts().map(a -> (String) a.get()[0]).distinct().toList();
        for (String name : List.of("kvm_tdp_mmu_spte_changed", "kvm_mmu_set_spte", "kvm_mmu_spte_requested",
                "kvm_mmu_get_page", "kvm_mmu_prepare_zap_page", "kvm_mmu_sync_page", "kvm_mmu_unsync_page",
                "kvm_mmu_zap_page", "kvm_mmu_zap_all_fast", "kvm_mmu_invalidate_zap_all_pages",
                "kvm_mmu_split_huge_page", "mark_mmio_spte", "handle_mmio_page_fault", "check_mmio_spte",
                "fast_page_fault", "kvm_mmu_pagetable_walk", "kvm_mmu_paging_element", "kvm_mmu_walker_error",
                "kvm_mmu_set_accessed_bit", "kvm_mmu_set_dirty_bit", "kvm_entry", "kvm_exit", "kvm_nested_vmexit",
                "kvm_page_fault", "kvm_unmap_hva_range", "kvm_age_hva", "kvm_test_age_hva", "kvm_userspace_exit",
                "kvm_fpu", "kvm_pio")) {
            assertTrue(covered.contains(name), name);
            assertTrue(EventParser.known(name), name);
        }
    }

    static TraceEvent one(String text) throws IOException {
        try (TraceReader r = TraceReader.of(text)) {
            List<TraceEvent> all = r.readAll();
            TraceDiagnostics d = r.diagnostics();
            assertEquals(0, d.unparsedLines() + d.unknownEvents() + d.warningCount(), () -> d.unparsed() + " "
                    + d.unknown() + " " + d.warnings());
            assertEquals(1, all.size());
            return all.get(0).withLine(0);
        }
    }
}
