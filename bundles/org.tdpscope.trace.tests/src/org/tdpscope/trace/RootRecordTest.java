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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.tdpscope.trace.Payload.*;

/**
 * The root records of the capture recipe (docs/capture/README.md, "Record format"): kprobe_events lines of
 * the tdpscope group, kvm-roots.bt lines, and what they make exact in the reconstruction. Expectations are
 * written by hand from the lines.
 */
class RootRecordTest {

    private static final long POB = 0xffff888000000000L;
    private static final String A = "sp=0xffff888100a00000 spt=0xffff888101000000"; // table at 0x101000000
    private static final String B = "sp=0xffff888100a00100 spt=0xffff888102000000"; // table at 0x102000000
    private static final String PUT = "(kvm_tdp_mmu_put_root+0x0/0xe0 [kvm]) ";
    private static final String NEXT = "(kvm_tdp_mmu_zap_invalidated_roots+0x5c/0x110 [kvm] <- tdp_mmu_next_root [kvm]) ";
    private static final String ALLOC = "(kvm_mmu_load+0x1a3/0x5c0 [kvm] <- kvm_tdp_mmu_alloc_root [kvm]) ";

    /** A tracefs line ({@code "%16s-%-7d [%03d] %s %5lu.%06lu: "}) at 8123 s + usec. */
    private static String tf(String comm, int pid, int cpu, int usec, String event) {
        return String.format("%16s-%-7d [%03d] d..1. %5d.%06d: %s", comm, pid, cpu, 8123, usec, event);
    }

    private static String vcpu0(int usec, String event) {
        return tf("CPU 0/KVM", 2001, 0, usec, event);
    }

    private static String vcpu1(int usec, String event) {
        return tf("CPU 1/KVM", 2002, 1, usec, event);
    }

    private static String qemu(int usec, String event) {
        return tf("qemu-system-x86", 2000, 2, usec, event);
    }

    private static String root(String which, String role, int count, int invalid) {
        return which + " role=0x" + role + " count=" + count + " invalid=" + invalid + " pob=0xffff888000000000";
    }

    private static List<TraceEvent> read(String text, int unparsed, int unknown) throws IOException {
        try (TraceReader r = TraceReader.of(text)) {
            List<TraceEvent> all = r.readAll();
            assertEquals(unparsed, r.diagnostics().unparsedLines(), () -> r.diagnostics().unparsed().toString());
            assertEquals(unknown, r.diagnostics().unknownEvents(), () -> r.diagnostics().unknown().toString());
            return all;
        }
    }

    private static TraceReconstruction rebuild(String text) throws IOException {
        try (TraceReader r = TraceReader.of(text)) {
            TraceReconstruction t = TraceReconstruction.read(r);
            assertEquals(0, r.diagnostics().unparsedLines(), () -> r.diagnostics().unparsed().toString());
            assertEquals(0, r.diagnostics().unknownEvents(), () -> r.diagnostics().unknown().toString());
            return t;
        }
    }

    // ---- parsing ----------------------------------------------------------------------------------

    /**
     * Return probes that cannot read {@code $arg} (the recipe's fallback): the alloc record names no root, so
     * the load_pgd records tell its address; and a load of a root no record named (the alloc probe missed it)
     * names the root the task's next top-level SPTE makes the importer infer.
     */
    @Test
    void loadPgdRecordsNameTheRootsAllocRecordsCouldNot() throws IOException {
        String load = "(vmx_load_mmu_pgd+0x0/0x100 [kvm_intel]) ";
        TraceReconstruction r = rebuild(String.join("\n",
                vcpu0(10, "tdpscope_alloc_root: " + ALLOC.trim()),
                vcpu0(11, "tdpscope_load_pgd: " + load + "hpa=0x101000000 level=4"),
                vcpu0(12, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 102001907"),
                vcpu1(20, "tdpscope_load_pgd: " + load + "hpa=0x105000000 level=4"),
                vcpu1(21, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 106001907"), ""));
        assertEquals(2, r.roots().size(), r.roots().toString());
        InferredRoot first = r.roots().get(0);
        assertTrue(first.exact(), first.toString());
        assertEquals(0x101000000L, first.hpa());
        assertTrue(first.reason().contains("alloc record at line 1 named none"), first.reason());
        InferredRoot second = r.roots().get(1);
        assertTrue(second.exact(), second.toString());
        assertEquals(0x105000000L, second.hpa());
        assertTrue(second.reason().startsWith("the root the task loaded at line 4"), second.reason());
        // the tables under each are the ones their top-level SPTEs link
        assertEquals(0x102001000L & ~0xfffL, Sptes.hpa(first.table().spte(0)));
    }

    /**
     * A task that had a root and loads one no record named (an L2 guest's, say): its next top-level SPTE is in
     * the new one; and a load of an unnamed root followed by a load of a known one leaves nothing pending.
     */
    @Test
    void aLoadOfAnUnnamedRootMovesTheTaskAndALaterLoadSupersedesIt() throws IOException {
        String load = "(vmx_load_mmu_pgd+0x0/0x100 [kvm_intel]) ";
        TraceReconstruction r = rebuild(String.join("\n",
                vcpu0(10, "tdpscope_alloc_root: " + ALLOC + "mirror=0 hpa=0x101000000 mirror_hpa=0x0"),
                vcpu0(11, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 102001907"),
                vcpu0(20, "tdpscope_load_pgd: " + load + "hpa=0x105000000 level=4"),
                vcpu0(21, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 106001907"),
                vcpu1(30, "tdpscope_load_pgd: " + load + "hpa=0x107000000 level=4"),
                vcpu1(31, "tdpscope_load_pgd: " + load + "hpa=0x101000000 level=4"),
                vcpu1(32, "kvm_tdp_mmu_spte_changed: as id 0 gfn 8000000 level 4 old_spte 0 new_spte 108001907"),
                ""));
        assertEquals(2, r.roots().size(), r.roots().toString());
        InferredRoot a = r.roots().get(0);
        InferredRoot b = r.roots().get(1);
        assertEquals(0x101000000L, a.hpa());
        assertEquals(0x105000000L, b.hpa(), "the root vcpu0 loaded: " + b);
        assertEquals(0x106001000L, Sptes.hpa(b.table().spte(0)), "vcpu0's second SPTE went to it, not to A");
        assertTrue(r.exactRoot(0x107000000L) == null, "vcpu1's first load was superseded: no root named by it");
        assertEquals(0x108001000L, Sptes.hpa(a.table().spte(1)), "vcpu1's SPTE went to A, the root it loaded last");
    }

    @Test
    void kprobeEventLinesInEveryShape() throws IOException {
        String text = String.join("\n",
                vcpu0(100, "tdpscope_put_root: " + PUT + root(A, "3784", 2, 0)),
                vcpu0(101, "tdpscope_alloc_root: " + ALLOC + "mirror=0 hpa=0x101000000 mirror_hpa=0x0"),
                vcpu0(102, "tdpscope_alloc_root: " + ALLOC + "mirror=1 hpa=0x101000000 mirror_hpa=0x1f0000000"),
                vcpu0(103, "tdpscope_next_root: " + NEXT + "sp=0x0 spt=0x0 role=0x0 count=0 invalid=0 "
                        + "pob=0xffff888000000000"),
                // trace-cmd report prints the probe address from the event's print fmt "(%lx)"
                "       CPU 0/KVM-2001  [000]  8123.000104: tdpscope_zap_root:    (ffffffffc0a1b2c0) "
                        + root(A, "3f84", 3, 1) + " shared=1",
                // perf script: group:event
                "       CPU 0/KVM  2001 [000]  8123.000105: tdpscope:tdpscope_zap_root_done: "
                        + "(ffffffffc0a1c3d0 <- ffffffffc0a1b2c0)",
                qemu(106, "tdpscope_invalidate_roots: (kvm_tdp_mmu_invalidate_roots+0x0/0x90 [kvm]) types=0x2"),
                qemu(107, "tdpscope_invalidate_roots: (kvm_tdp_mmu_invalidate_all_roots+0x0/0x80 [kvm])"),
                qemu(108, "tdpscope_zap_invalidated_roots: (kvm_tdp_mmu_zap_invalidated_roots+0x0/0x110 [kvm]) "
                        + "shared=1"),
                qemu(109, "tdpscope_zap_invalidated_roots_done: (kvm_mmu_zap_all_fast+0x1d4/0x250 [kvm] <- "
                        + "kvm_tdp_mmu_zap_invalidated_roots [kvm])"),
                vcpu0(110, "tdpscope_load_pgd: (vmx_load_mmu_pgd+0x0/0x110 [kvm_intel]) hpa=0x101000000 level=4"),
                vcpu0(111, "tdpscope_alloc_root: (kvm_mmu_load+0x9b/0x5c0 [kvm] <- kvm_tdp_mmu_get_vcpu_root_hpa "
                        + "[kvm]) hpa=0x101000000"),
                vcpu0(112, "tdpscope_put_root: " + PUT + A + " role=0x3784 count=(fault) invalid=0 pob=0xffff888000000000 "
                        + "future_key=7"));
        List<TraceEvent> e = read(text, 0, 0);
        assertEquals(13, e.size());

        RootPut put = (RootPut) e.get(0).payload();
        assertEquals("kvm_tdp_mmu_put_root+0x0/0xe0 [kvm]", put.site());
        RootFields f = put.root();
        assertEquals(0xffff888100a00000L, f.sp());
        assertEquals(0xffff888101000000L, f.spt());
        assertNull(f.hpa());
        assertEquals(POB, f.pob());
        assertEquals(0x101000000L, f.physical());
        assertEquals(0x3784L, f.role());
        assertEquals(4, f.level());
        assertEquals(0, f.asId());
        assertTrue(f.direct());
        assertFalse(f.mirror());
        assertEquals(2L, f.count());
        assertEquals(false, f.invalid());
        assertEquals("tdpscope", e.get(0).system());

        assertEquals(new RootAlloc("kvm_mmu_load+0x1a3/0x5c0 [kvm] <- kvm_tdp_mmu_alloc_root [kvm]",
                new RootFields(null, null, 0x101000000L, null, null, null, null), false), e.get(1).payload());
        assertEquals(0x1f0000000L, ((RootAlloc) e.get(2).payload()).root().hpa()); // mirror=1: mirror_root_hpa
        assertTrue(((RootNext) e.get(3).payload()).root().walkEnded());

        RootZap zap = (RootZap) e.get(4).payload();
        assertEquals(Prefix.Shape.TRACE_CMD, e.get(4).prefix().shape());
        assertEquals("ffffffffc0a1b2c0", zap.site());
        assertFalse(zap.done());
        assertEquals(true, zap.shared());
        assertEquals(true, zap.root().invalidNow());
        assertEquals(3L, zap.root().count());
        RootZap done = (RootZap) e.get(5).payload();
        assertEquals(Prefix.Shape.PERF_SCRIPT, e.get(5).prefix().shape());
        assertEquals("tdpscope_zap_root_done", e.get(5).name());
        assertTrue(done.done());
        assertEquals(RootFields.NONE, done.root());

        assertEquals(new RootsInvalidate("kvm_tdp_mmu_invalidate_roots+0x0/0x90 [kvm]", 2L), e.get(6).payload());
        assertNull(((RootsInvalidate) e.get(7).payload()).types());
        assertEquals(true, ((RootsZapInvalidated) e.get(8).payload()).shared());
        assertTrue(((RootsZapInvalidated) e.get(9).payload()).done());
        assertEquals(new RootLoad("vmx_load_mmu_pgd+0x0/0x110 [kvm_intel]", 0x101000000L, 4), e.get(10).payload());
        assertEquals(0x101000000L, ((RootAlloc) e.get(11).payload()).root().physical());
        RootFields faulted = ((RootPut) e.get(12).payload()).root();
        assertNull(faulted.count()); // (fault): the probe could not read it
        assertEquals(0x101000000L, faulted.physical()); // the unknown key is skipped
    }

    @Test
    void malformedRootRecordsAreCountedNotFatal() throws IOException {
        String text = String.join("\n",
                vcpu0(1, "tdpscope_put_root: " + PUT + "sp=zz"), // not a number
                vcpu0(2, "tdpscope_put_root: " + PUT), // names no root
                vcpu0(3, "tdpscope_next_root: " + NEXT + "sp 0x1"), // not key=value
                vcpu0(4, "tdpscope_load_pgd: (vmx_load_mmu_pgd+0x0/0x110 [kvm_intel]) level=4"), // no hpa
                vcpu0(5, "tdpscope_zap_root: (tdp_mmu_zap_root+0x0/0x150 [kvm] sp=0x1"), // site not closed
                vcpu0(6, "tdpscope_frobnicate: (x) sp=0x1"), // an op this reader does not know
                vcpu0(7, "tdpscope_put_root: " + PUT + root(A, "3784", 2, 0)));
        try (TraceReader r = TraceReader.of(text)) {
            List<TraceEvent> e = r.readAll();
            TraceDiagnostics d = r.diagnostics();
            assertEquals(2, e.size()); // the unknown op, and the good record after the bad ones
            assertEquals(5, d.unparsedLines());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L),
                    d.unparsed().stream().map(TraceDiagnostics.Issue::line).collect(Collectors.toList()));
            assertTrue(d.unparsed().get(0).message().contains("tdpscope_put_root"), d.unparsed().toString());
            assertEquals(1, d.unknownEvents());
            assertEquals(6, d.unknown().get(0).line());
            assertEquals(7, e.get(1).line());
        }
    }

    @Test
    void kernelPrintedKprobeRecords() throws IOException {
        // The definitions kvm-roots-kprobes.sh printed on 6.18, as uprobe events on a stand-in: this is
        // the kernel's own text for these fetch args (x64 as 0x%Lx, u32 and bitfields as %u, u8 as %u).
        List<TraceEvent> e;
        try (TraceReader r = Captures.reader("kprobe-record-format-uprobe-standin.txt")) {
            e = r.readAll();
            assertEquals(0, r.diagnostics().unparsedLines() + r.diagnostics().unknownEvents(),
                    () -> r.diagnostics().unparsed() + " " + r.diagnostics().unknown());
        }
        assertEquals(10, e.size());
        assertEquals(new RootAlloc("0x4011b1 <- 0x401106", new RootFields(null, null, 0x112345000L, null, null, null,
                null), false), e.get(0).payload());
        RootFields next = ((RootNext) e.get(1).payload()).root();
        assertEquals(0x4043c0L, next.sp());
        assertEquals(0x112345000L, next.physical());
        assertEquals(2L, next.count());
        assertEquals(false, next.invalidNow());
        assertTrue(((RootNext) e.get(2).payload()).root().walkEnded());
        assertEquals(new RootsInvalidate("0x401135", 2L), e.get(4).payload());
        assertEquals(new RootsZapInvalidated("0x401141", true, false), e.get(5).payload());
        RootZap zap = (RootZap) e.get(6).payload();
        assertEquals(0x3f84L, zap.root().role());
        assertEquals(true, zap.root().invalid());
        assertEquals(true, zap.shared());
        assertTrue(((RootZap) e.get(7).payload()).done());
        assertEquals(1L, ((RootPut) e.get(8).payload()).root().count());
        assertTrue(((RootsZapInvalidated) e.get(9).payload()).done());

        TraceReconstruction r = Captures.reconstruct("kprobe-record-format-uprobe-standin.txt");
        assertEquals(1, r.roots().size());
        InferredRoot root = r.roots().get(0);
        assertTrue(root.exact());
        assertEquals(0x112345000L, root.hpa());
        assertEquals(6, root.invalidatedLine()); // the invalidate record (line 6: line 1 is the source note)
        assertEquals(8, root.zapStartLine());
        assertEquals(9, root.zapEndLine());
        assertEquals(10, root.freedLine()); // put with count 1 on an invalid root
        assertEquals(0, root.refcount());
    }

    @Test
    void bpftracePrintedRecords() throws IOException {
        List<TraceEvent> e;
        try (TraceReader r = Captures.reader("bpftrace-record-format-sample.txt")) {
            e = r.readAll();
            assertEquals(0, r.diagnostics().unparsedLines() + r.diagnostics().unknownEvents());
        }
        assertEquals(6, e.size());
        assertEquals(5_012_345_678_901L, e.get(0).timestampNs()); // nanoseconds kept
        assertEquals("bpftrace-31359", e.get(0).prefix().task());
        assertEquals(1, e.get(0).cpu());
        RootAlloc a = (RootAlloc) e.get(0).payload();
        assertEquals("kretprobe:kvm_tdp_mmu_alloc_root", a.site());
        assertEquals(new RootFields(0xffff88810a3c4e00L, 0xffff888112345000L, 0x112345000L, null, 0x3784L, 2L, false),
                a.root());
        assertEquals(false, a.mirror());
        assertEquals(3L, ((RootNext) e.get(1).payload()).root().count());
        assertTrue(((RootNext) e.get(2).payload()).root().walkEnded());
        assertEquals(new RootLoad("kprobe:vmx_load_mmu_pgd|svm_load_mmu_pgd", 0x112345000L, 4), e.get(5).payload());
    }

    // ---- reconstruction ---------------------------------------------------------------------------

    /**
     * Two vCPUs, a fast zap and its zap of the invalidated root while vCPU 0 already runs on a new root:
     * kvmmmu tracepoints and kprobe root records in one tracefs buffer (6.14+ kernel).
     */
    private static List<String> mixedTrace() {
        return List.of(
                vcpu0(1, "kvm_mmu_get_page: sp gen 0 gfn 0 l4 8-byte q0 direct wux nxe ad root 0 sync new"), // 1
                vcpu0(2, "tdpscope_alloc_root: " + ALLOC + "mirror=0 hpa=0x101000000 mirror_hpa=0x0"), // 2
                vcpu0(3, "kvm_page_fault: vcpu 0 rip 0xfff0 address 0x0000000000001000 error_code 0x181"), // 3
                vcpu0(4, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 200000907"), // 4
                vcpu1(5, "tdpscope_next_root: (kvm_tdp_mmu_alloc_root+0x4a/0x2d0 [kvm] <- tdp_mmu_next_root [kvm]) "
                        + root(A, "3784", 3, 0)), // 5: vCPU 1's alloc finds A (phase 1)
                vcpu1(6, "tdpscope_alloc_root: " + ALLOC + "mirror=0 hpa=0x101000000 mirror_hpa=0x0"), // 6
                qemu(7, "kvm_mmu_zap_all_fast: kvm-mmu-valid-gen 1 used_pages 0"), // 7
                qemu(8, "tdpscope_invalidate_roots: (kvm_tdp_mmu_invalidate_roots+0x0/0x90 [kvm]) types=0x2"), // 8
                qemu(9, "tdpscope_zap_invalidated_roots: (kvm_tdp_mmu_zap_invalidated_roots+0x0/0x110 [kvm]) "
                        + "shared=1"), // 9
                qemu(10, "tdpscope_next_root: " + NEXT + root(A, "3f84", 4, 1)), // 10
                qemu(11, "tdpscope_zap_root: (tdp_mmu_zap_root+0x0/0x150 [kvm]) " + root(A, "3f84", 4, 1)
                        + " shared=1"), // 11
                vcpu0(12, "tdpscope_put_root: " + PUT + root(A, "3f84", 4, 1)), // 12: vCPU 0 drops the obsolete root
                vcpu0(13, "kvm_mmu_get_page: sp gen 1 gfn 0 l4 8-byte q0 direct wux nxe ad root 0 sync new"), // 13
                vcpu0(14, "tdpscope_alloc_root: " + ALLOC + "mirror=0 hpa=0x102000000 mirror_hpa=0x0"), // 14
                vcpu0(15, "kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 4 old_spte 0 new_spte 300000907"), // 15
                // the zapper clears an entry of A whose child the trace never showed: only the zap record says
                // which root it is in (the inference would pick the newest root, B)
                qemu(16, "kvm_tdp_mmu_spte_changed: as id 0 gfn 8000000 level 4 old_spte 400000907 new_spte 0"), // 16
                qemu(17, "tdpscope_zap_root_done: (kvm_tdp_mmu_zap_invalidated_roots+0x8e/0x110 [kvm] <- "
                        + "tdp_mmu_zap_root [kvm]) " + root(A, "3f84", 3, 1)), // 17
                qemu(18, "tdpscope_put_root: " + PUT + root(A, "3f84", 3, 1)), // 18: the gifted reference
                qemu(19, "tdpscope_put_root: " + PUT + root(A, "3f84", 2, 1)), // 19: the walker's, in next_root
                qemu(20, "tdpscope_next_root: " + NEXT + "sp=0x0 spt=0x0 role=0x0 count=0 invalid=0 "
                        + "pob=0xffff888000000000"), // 20
                qemu(21, "tdpscope_zap_invalidated_roots_done: (kvm_mmu_zap_all_fast+0x1d4/0x250 [kvm] <- "
                        + "kvm_tdp_mmu_zap_invalidated_roots [kvm])"), // 21
                vcpu1(22, "tdpscope_put_root: " + PUT + root(A, "3f84", 1, 1)), // 22: last reference: freed
                vcpu1(23, "tdpscope_next_root: (kvm_tdp_mmu_alloc_root+0x4a/0x2d0 [kvm] <- tdp_mmu_next_root [kvm]) "
                        + root(B, "3784", 3, 0)), // 23
                vcpu1(24, "tdpscope_alloc_root: " + ALLOC + "mirror=0 hpa=0x102000000 mirror_hpa=0x0"), // 24
                vcpu1(25, "kvm_tdp_mmu_spte_changed: as id 0 gfn 8000000 level 4 old_spte 0 new_spte 500000907")); // 25
    }

    @Test
    void kprobeRecordsMakeRootsExactInAMixedTrace() throws IOException {
        TraceReconstruction r = rebuild(String.join("\n", mixedTrace()));
        assertEquals(17, r.rootRecords());
        assertEquals(POB, r.pageOffsetBase());
        assertEquals(2, r.roots().size());
        InferredRoot a = r.roots().get(0);
        InferredRoot b = r.roots().get(1);

        assertTrue(a.exact());
        assertFalse(a.inferred());
        assertEquals(InferredRoot.Evidence.EXACT, a.evidence());
        assertEquals(0x101000000L, a.hpa());
        assertEquals(0xffff888100a00000L, a.sp());
        assertEquals(0xffff888101000000L, a.spt());
        assertEquals(1, a.line()); // announced by kvm_mmu_get_page ...
        assertEquals(2, a.exactLine()); // ... named by the alloc record of the same task
        assertEquals("l4 8-byte q0 direct wux nxe ad", a.role());
        assertEquals(0x3f84L, a.roleWord()); // last role word seen
        assertEquals(0, a.asId());
        assertEquals(4, a.level());
        assertEquals(8, a.invalidatedLine());
        assertEquals(1, a.invalidatedGen());
        assertEquals(11, a.zapStartLine());
        assertEquals(17, a.zapEndLine());
        assertEquals(22, a.freedLine());
        assertTrue(a.freed());
        assertEquals(0, a.refcount());
        assertEquals(Set.of("CPU 0/KVM-2001", "CPU 1/KVM-2002"), a.vcpuTasks());
        List<String> steps = new ArrayList<>();
        a.history().forEach(s -> steps.add(s.line() + " " + s.op() + " " + s.before() + "->" + s.after()));
        assertEquals(List.of("2 alloc_root -1->-1", "5 next_root -1->3", "6 alloc_root -1->-1",
                "8 invalidate_roots 3->3", "10 next_root -1->4", "11 zap_root 4->4", "12 put_root 4->3",
                "17 zap_root_done 3->3", "18 put_root 3->2", "19 put_root 2->1", "22 put_root 1->0"), steps);
        assertEquals("CPU 1/KVM-2002", a.history().get(10).task());
        assertEquals(8_123_000_022_000L, a.history().get(10).timestampNs());

        assertTrue(b.exact());
        assertEquals(0x102000000L, b.hpa());
        assertEquals(13, b.line());
        assertEquals(14, b.exactLine());
        assertEquals(1, b.gen());
        assertEquals(0, b.invalidatedLine());
        assertFalse(b.freed());
        assertEquals(3, b.refcount());
        assertEquals(Set.of("CPU 0/KVM-2001", "CPU 1/KVM-2002"), b.vcpuTasks());

        // roots are named by the physical address of their table
        assertSame(a.table(), r.table(0x101000000L));
        assertSame(b.table(), r.table(0x102000000L));
        assertEquals("root #0 101000000", a.table().label());
        assertSame(a, r.exactRoot(0x101000000L));
        assertTrue(a.toString().startsWith("exact root #0 101000000 as 0 level 4"), a.toString());
        assertTrue(a.toString().endsWith("refcount 0 freed at line 22"), a.toString());

        // top-level SPTEs went to the root each task was known to work on
        assertEquals(0x200000907L, a.table().spte(0));
        assertEquals(4, a.table().setBy(0));
        assertEquals(0, a.table().spte(1)); // the zapper's change, in A
        assertEquals(16, a.table().setBy(1));
        assertEquals(0x300000907L, b.table().spte(0));
        assertEquals(15, b.table().setBy(0));
        assertEquals(0x500000907L, b.table().spte(1)); // vCPU 1's install after it got B
        assertEquals(25, b.table().setBy(1));
        assertSame(a.table(), r.table(0x200000000L).parent());
        assertSame(b.table(), r.table(0x300000000L).parent());
        assertEquals(0, r.spteMismatches());

        // the fast zap counts the root its invalidate record invalidated
        assertEquals(List.of(new TraceReconstruction.FastZap(1, 0, 7, 8_123_000_007_000L, 1)), r.fastZaps());
        assertEquals(0, r.diagnostics().warningCount(), () -> r.diagnostics().warnings().toString());
    }

    @Test
    void withoutRootRecordsTheSameTraceOnlyInfersRoots() throws IOException {
        List<String> kvmmmu = mixedTrace().subList(0, 24).stream().filter(l -> !l.contains("tdpscope_"))
                .collect(Collectors.toList()); // without root records, and without vCPU 1's last install
        TraceReconstruction r = rebuild(String.join("\n", kvmmmu));
        assertEquals(0, r.rootRecords());
        assertEquals(2, r.roots().size());
        assertTrue(r.roots().stream().allMatch(InferredRoot::inferred));
        assertEquals(-1, r.roots().get(0).hpa());
        assertEquals("root #0 (address not traced)", r.roots().get(0).table().label());
        // the zapper's change (line 7 here) lands in the newest root: what the root records correct
        assertEquals(7, kvmmmu.indexOf(mixedTrace().get(15)) + 1);
        assertEquals(7, r.roots().get(1).table().setBy(1));
        assertFalse(r.roots().get(0).table().traced(1));
    }

    @Test
    void bpftraceRecordsMergedIntoATrace() throws IOException {
        // kvm-roots.bt output merged by time into a trace-cmd report (-C mono): the bpftrace lines carry
        // hpa themselves and nanosecond timestamps; roots for SMM (role.smm) and a 5-level root
        String bt = "(kretprobe:kvm_tdp_mmu_alloc_root) ";
        String text = String.join("\n",
                "cpus=4",
                "       CPU 0/KVM-3001  [000]  9000.000001: kvm_mmu_get_page:     sp gen 0 gfn 0 l5 8-byte q0 "
                        + "direct wux nxe ad root 0 sync new", // 2
                "       CPU 0/KVM-3001  [000] 9000.000001500: tdpscope_alloc_root: " + bt
                        + "sp=0xffff888100b00000 spt=0xffff888103000000 hpa=0x103000000 role=0x3785 count=2 "
                        + "invalid=0 mirror=0", // 3
                "       CPU 0/KVM-3001  [000]  9000.000002: kvm_mmu_get_page:     sp gen 0 gfn 0 l5 8-byte q0 "
                        + "direct wux nxe ad root 0 sync new", // 4: the SMM root (the page text prints no smm)
                "       CPU 0/KVM-3001  [000] 9000.000002500: tdpscope_alloc_root: " + bt
                        + "sp=0xffff888100b00100 spt=0xffff888104000000 hpa=0x104000000 role=0x1003785 count=2 "
                        + "invalid=0 mirror=0", // 5
                "       CPU 0/KVM-3001  [000]  9000.000003: kvm_tdp_mmu_spte_changed: as id 1 gfn 0 level 5 "
                        + "old_spte 0 new_spte 600000907", // 6
                "       CPU 0/KVM-3001  [000]  9000.000004: kvm_tdp_mmu_spte_changed: as id 0 gfn 0 level 5 "
                        + "old_spte 0 new_spte 700000907", // 7
                "       CPU 0/KVM-3001  [000] 9000.000005000: tdpscope_load_pgd: "
                        + "(kprobe:vmx_load_mmu_pgd|svm_load_mmu_pgd) hpa=0x104000000 level=5", // 8
                "       CPU 0/KVM-3001  [000] 9000.000006000: tdpscope_put_root: (kprobe:kvm_tdp_mmu_put_root) "
                        + "sp=0xffff888100b00100 spt=0xffff888104000000 hpa=0x104000000 role=0x1003f85 count=1 "
                        + "invalid=1"); // 9
        TraceReconstruction r = rebuild(text);
        assertEquals(2, r.roots().size());
        InferredRoot normal = r.roots().get(0);
        InferredRoot smm = r.roots().get(1);
        assertTrue(normal.exact() && smm.exact());
        assertEquals(5, normal.level());
        assertEquals(0, normal.asId());
        assertEquals(0x103000000L, normal.hpa());
        assertEquals(2, normal.refcount());
        assertEquals(1, smm.asId()); // from role.smm
        assertEquals(5, smm.level());
        assertEquals(0x104000000L, smm.hpa());
        assertTrue(smm.reason().contains("role.smm"), smm.reason());
        assertEquals(0x600000907L, smm.table().spte(0));
        assertEquals(6, smm.table().setBy(0));
        assertEquals(0x700000907L, normal.table().spte(0));
        assertEquals(7, normal.table().setBy(0));
        assertEquals(9, smm.invalidatedLine()); // no invalidate record: the first record showing role.invalid
        assertEquals(9, smm.freedLine());
        assertEquals(List.of("alloc_root", "load_pgd", "put_root"),
                smm.history().stream().map(InferredRoot.Step::op).collect(Collectors.toList()));
        assertEquals(0xffff888000000000L, r.pageOffsetBase()); // learned from spt - hpa
        assertEquals(9_000_000_002_500L, smm.history().get(0).timestampNs());
    }

    @Test
    void recordsWithoutPhysicalAddressNameRootsByPointer() throws IOException {
        // kprobe records on a kernel without page_offset_base in kallsyms and no TDPSCOPE_PAGE_OFFSET
        String noPob = "sp=0xffff888100a00000 spt=0xffff888101000000 role=0x3784";
        TraceReconstruction r = rebuild(String.join("\n",
                qemu(1, "tdpscope_next_root: " + NEXT + noPob + " count=2 invalid=0"),
                qemu(2, "tdpscope_put_root: " + PUT + noPob + " count=2 invalid=0")));
        assertEquals(1, r.roots().size());
        InferredRoot root = r.roots().get(0);
        assertTrue(root.exact());
        assertEquals(-1, root.hpa());
        assertEquals(0xffff888100a00000L, root.sp());
        assertEquals(1, root.refcount());
        assertEquals("root #0 (address not traced)", root.table().label());
        assertTrue(root.toString().startsWith("exact root #0 sp ffff888100a00000"), root.toString());
        assertEquals(-1, r.pageOffsetBase());
        assertEquals(1, r.diagnostics().warningCount());
        assertTrue(r.diagnostics().warnings().get(0).message().contains("no physical address"));
    }

    @Test
    void lastPutOnAValidRootIsAWarningNotAFree() throws IOException {
        TraceReconstruction r = rebuild(qemu(1, "tdpscope_put_root: " + PUT + root(A, "3784", 1, 0)));
        InferredRoot root = r.roots().get(0);
        assertFalse(root.freed());
        assertEquals(1, root.invalidatedLine()); // defunct on 5.18-6.3
        assertEquals(1, r.diagnostics().warningCount());
        assertTrue(r.diagnostics().warnings().get(0).message().contains("defunct"));
    }

    @Test
    void rootRecordsSurviveAReprintInEveryShape() throws IOException {
        List<TraceEvent> original = read(String.join("\n", mixedTrace()), 0, 0);
        for (Prefix.Shape shape : Prefix.Shape.values()) {
            StringBuilder printed = new StringBuilder();
            List<TraceEvent> reshaped = new ArrayList<>();
            for (TraceEvent e : original) {
                Prefix p = e.prefix();
                TraceEvent x = new TraceEvent(new Prefix(p.comm(), p.pid(), p.tgid(), p.cpu(),
                        shape == Prefix.Shape.TRACEFS ? p.flags() : "", p.timestampNs(), p.line(), shape, p.stack()),
                        e.name(), e.payload());
                reshaped.add(x.withLine(0));
                KernelTraceFormat.write(x, printed);
            }
            List<TraceEvent> again = new ArrayList<>();
            read(printed.toString(), 0, 0).forEach(e -> again.add(e.withLine(0)));
            assertEquals(reshaped, again, shape.toString());
        }
        assertEquals(vcpu0(2, "tdpscope_alloc_root: " + ALLOC + "hpa=0x101000000 mirror=0"),
                KernelTraceFormat.line(original.get(1))); // fields in the printer's order
    }
}
