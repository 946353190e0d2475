/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.trace.TraceReconstruction;

/**
 * The page tables reconstructed from a real capture as a diagram: the tree the Trace view shows, each traced
 * SPTE with the line that set it, tables under no root below "?".
 */
class TracePageTablesTest {

    /** The real captures live with the trace reader's tests (Tycho and jt run tests in the bundle folder). */
    private static final Path CAPTURES = Path.of("../org.tdpscope.trace.tests/resources").toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;

    private static TraceReconstruction read(String name) throws Exception {
        return TraceReconstruction.read(CAPTURES.resolve(name));
    }

    private static PageTableDiagram.Table byId(PageTableDiagram.Forest f, String id) {
        return f.tables().stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
    }

    @Test
    void capture01HasInferredRootAAboveItsLevel3TableAndTheEntryOfLine48() throws Exception {
        TraceReconstruction rec = read("01-linuxmaxxing-virt-ept-seg1-root1-create-faults-zap-start.txt");
        PageTableDiagram.Forest f = PageTableDiagram.trace(rec, PageTableDiagram.DEFAULT_MAX_TABLES);
        PageTableDiagram.Table root = f.tables().get(0);
        // line 19 sets the root's entry 0 to the level-3 table 18af606000; no tracepoint names the root itself
        assertTrue(root.head().startsWith("root A (inferred) · L4"), root.head());
        assertTrue(root.root() && root.dashed(), "an inferred root is a dashed top-level table");
        assertTrue(root.entries().stream().anyMatch(e -> e.startsWith("[  0] gfn 0x0 → L3 table 18af606000")
                && e.endsWith("set at line 19")), root.entries().toString());
        assertEquals(1, root.children().size(), root.children().toString());
        PageTableDiagram.Table l3 = byId(f, root.children().get(0));
        assertNotNull(l3, "the level-3 table is drawn");
        assertTrue(l3.head().startsWith("A · L3 · hpa 0x18af606000"), l3.head());
        assertFalse(l3.dashed());
        // line 48 cleared the level-3 entry of gfn 0 (the zap of the level-2 table 18af605000 starts there)
        assertTrue(l3.entries().contains("[  0] gfn 0x0 empty 0x0 · set at line 48"), l3.entries().toString());
        assertTrue(l3.entries().stream().noneMatch(e -> e.contains("18af605000")), "the table zapped at line 48 "
                + "is not linked any more: " + l3.entries());
        assertEquals(0, f.hidden());
        assertTrue(f.tables().stream().noneMatch(t -> t.head().startsWith("?")), "every table of 01 is under A");

        Scene s = PageTableDiagram.traceLayout("01 (imported)", rec, PageTableDiagram.DEFAULT_MAX_TABLES,
                Theme.LIGHT);
        String svg = SvgRenderer.render(s);
        assertTrue(svg.contains("root A (inferred)"), "the root is said to be inferred");
        assertTrue(svg.contains("set at line 48"));
        assertTrue(svg.contains("stroke-dasharray"), "the inferred root is drawn dashed");
        Path png = dir.resolve("01.page-tables.png");
        Files.write(png, PngRenderer.png(s, 2));
        String keep = System.getProperty("tdpscope.pictures");
        if (keep != null) { // to look at it: -Dtdpscope.pictures=DIR
            Files.copy(png, Path.of(keep).resolve("01.page-tables.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void capture07sTableIsUnderQuestionMark() throws Exception {
        TraceReconstruction rec = read("07-lkml-2022-06-30-annapurve-tdp-hugepage-collapse-wrapped.txt");
        PageTableDiagram.Forest f = PageTableDiagram.trace(rec, PageTableDiagram.DEFAULT_MAX_TABLES);
        PageTableDiagram.Table none = f.tables().get(0);
        assertEquals(PageTableDiagram.NO_ROOT, none.head());
        assertTrue(none.dashed() && !none.root(), "\"?\" is no table the trace showed");
        // the zapped level-1 table is gone from the tree, as from the Trace view and --xmi: one table under "?"
        assertEquals(1, none.children().size());
        PageTableDiagram.Table l2 = byId(f, none.children().get(0));
        assertNotNull(l2);
        assertEquals("? · L2 · hpa 0x10052fa5000", l2.head());
        // the 2 MB SPTE of gfn 0x800, set by the record wrapped over two lines of the mail
        assertTrue(l2.entries().stream().anyMatch(e -> e.startsWith("[  4] gfn 0x800 2M 0x100b4a00 ") && e
                .contains("set at line ")), l2.entries().toString());
        assertEquals(2, f.tables().size(), "the \"?\" node and the one table");
    }

    @Test
    void tablesPastTheCapAreCounted() throws Exception {
        TraceReconstruction rec = read("01-linuxmaxxing-virt-ept-seg1-root1-create-faults-zap-start.txt");
        PageTableDiagram.Forest all = PageTableDiagram.trace(rec, PageTableDiagram.DEFAULT_MAX_TABLES);
        PageTableDiagram.Forest capped = PageTableDiagram.trace(rec, 1);
        assertEquals(1, capped.tables().size());
        assertEquals(all.tables().size() - 1, capped.hidden());
        for (PageTableDiagram.Table t : all.tables()) {
            assertTrue(t.entries().size() <= PageTableDiagram.MAX_ENTRIES + 2, "subtitle, entries, \"… more\": "
                    + t.entries());
        }
    }

    @Test
    void aTraceWithNoTableHasNone() throws Exception {
        Path f = dir.resolve("faults-only.txt");
        Files.writeString(f, "# tracer: nop\n             vmm-36697   [031] ..... 136276.020264: kvm_page_fault: "
                + "vcpu 0 rip 0x0 address 0x0000000000000000 error_code 0x784\n");
        TraceReconstruction rec = TraceReconstruction.read(f);
        assertFalse(PageTableDiagram.hasTraceTables(rec));
        assertEquals(List.of(), PageTableDiagram.trace(rec, 10).tables());
    }
}
