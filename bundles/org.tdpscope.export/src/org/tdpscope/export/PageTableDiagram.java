/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.OrderingStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.BoxLayouterOptions;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;
import org.tdpscope.sim.Kvm;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.Vcpu;
import org.tdpscope.sim.mmu.CpuRegs;
import org.tdpscope.sim.mmu.GuestPte;
import org.tdpscope.sim.mmu.HostMemory;
import org.tdpscope.sim.mmu.Memslots;
import org.tdpscope.sim.mmu.Spte;
import org.tdpscope.sim.mmu.TdpMmu;
import org.tdpscope.trace.InferredRoot;
import org.tdpscope.trace.PageTable;
import org.tdpscope.trace.Sptes;
import org.tdpscope.trace.TraceReconstruction;

/**
 * Page-table trees: the TDP tables for a gfn range (one node per table page: its level, hpfn and
 * the present entries in the range: index, gfn, and for a leaf its size, hpfn, R/W/X and A/D), or a
 * vCPU's guest tables for a gva range (from its CR3, entries read from guest memory: index, gva,
 * and P, RW, US, XD, A, D, page size). An edge from each non-leaf entry to its child table. Both
 * are a {@link Forest} laid out by the same ELK layered layout (levels left to right), not by hand; the many
 * last-level tables below one table are packed in rows beside it (ELK's box layout). Tables past a cap, or past
 * what fits {@link Scene#MAX_SIDE}, are counted in a "… N more tables" note, entries past {@link #MAX_ENTRIES}
 * of a table in a "… N more entries" line.
 */
public final class PageTableDiagram {

    public static final int DEFAULT_MAX_TABLES = 500;
    static final int MAX_ENTRIES = 8;
    static final int HEAD = 58;
    static final int LINE_H = 14;
    static final double CHAR_W = 6.6;

    /**
     * A table page: a stable id, its heading, its entry lines, the ids of its child tables; {@code dashed}
     * for what is not known for sure (a root a trace only lets be inferred, the "?" of tables under no root).
     */
    public record Table(String id, String head, List<String> entries, List<String> children, boolean root,
            boolean dashed) {

        public Table(String id, String head, List<String> entries, List<String> children, boolean root) {
            this(id, head, entries, children, root, false);
        }
    }

    /** The tables to draw (parents before children) and how many more the cap left out. */
    public record Forest(List<Table> tables, int hidden) {
    }

    private static volatile boolean registered;

    private PageTableDiagram() {
    }

    /** ELK outside Eclipse's extension registry: the layered and box algorithms are registered by hand, once. */
    private static void register() {
        if (!registered) {
            synchronized (PageTableDiagram.class) {
                if (!registered) {
                    LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredMetaDataProvider(),
                            new BoxLayouterOptions());
                    registered = true;
                }
            }
        }
    }

    /**
     * The TDP tables of the roots not yet freed, breadth first from each root, restricted to
     * {@code [gfnStart, gfnEnd)}; at most {@code maxTables} tables.
     */
    public static Forest tdp(Kvm kvm, long gfnStart, long gfnEnd, int maxTables) {
        TdpMmu mmu = kvm.mmu();
        HostMemory mem = mmu.memory();
        List<Table> tables = new ArrayList<>();
        int hidden = 0;
        record Pending(String id, String rootName, long hpfn, int level, long baseGfn, boolean root) {
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        ArrayDeque<Pending> queue = new ArrayDeque<>();
        for (Root r : kvm.allRoots()) {
            if (!r.freed()) {
                queue.add(new Pending("t-" + r.name() + "-0x" + Long.toHexString(r.hpfn()), r.name(), r.hpfn(),
                        mmu.levels(), 0, true));
            }
        }
        while (!queue.isEmpty()) {
            Pending p = queue.poll();
            if (!seen.add(p.id())) {
                continue;
            }
            if (tables.size() >= maxTables) {
                hidden++;
                continue;
            }
            long[] page = mem.peekPage(p.hpfn());
            long span = Spte.pagesPerLevel(p.level());
            List<String> lines = new ArrayList<>();
            List<String> children = new ArrayList<>();
            int more = 0;
            for (int i = 0; page != null && i < HostMemory.ENTRIES; i++) {
                long gfn = p.baseGfn() + i * span;
                if (gfn >= gfnEnd || gfn + span <= gfnStart) {
                    continue;
                }
                long spte = page[i];
                if (!Spte.isPresent(spte)) {
                    continue;
                }
                boolean leaf = Spte.isLeaf(spte, p.level());
                if (lines.size() < MAX_ENTRIES) {
                    lines.add(entry(i, gfn, spte, p.level(), leaf));
                } else {
                    more++;
                }
                if (!leaf) {
                    String child = "t-" + p.rootName() + "-0x" + Long.toHexString(Spte.pfn(spte));
                    children.add(child);
                    queue.add(new Pending(child, p.rootName(), Spte.pfn(spte), p.level() - 1, gfn, false));
                }
            }
            if (more > 0) {
                lines.add("… " + more + " more entries");
            }
            if (lines.isEmpty()) {
                lines.add(page == null ? "(not materialized)" : "(no present entry in range)");
            }
            boolean root = p.root();
            String head = (root ? "root " + p.rootName() + " · " : p.rootName() + " · ") + "L" + p.level()
                    + " · hpfn 0x" + Long.toHexString(p.hpfn());
            String sub = "gfn 0x" + Long.toHexString(p.baseGfn()) + "+0x"
                    + Long.toHexString(span * HostMemory.ENTRIES);
            List<String> all = new ArrayList<>();
            all.add(sub);
            all.addAll(lines);
            tables.add(new Table(p.id(), head, all, children, root));
        }
        return new Forest(tables, hidden);
    }

    /** The heading of the "?" node: tables the trace shows no top-level SPTE above (as the Trace view says it). */
    public static final String NO_ROOT = "? (no root seen)";

    /**
     * The page tables reconstructed from an imported trace, as the Trace view's tree shows them: each root's
     * table (an inferred root said so, and dashed), its tables still linked below it, and the tables under no
     * root the trace showed below a dashed "?" node. Each table lists its traced SPTEs (index, gfn, what the
     * value is, and the trace line that last set it: "who set this SPTE?"), at most {@link #MAX_ENTRIES}; an
     * edge from an entry to its child table. Tables a parent no longer points to (detached, zapped) are not
     * drawn, as the view and {@code --xmi} leave them out; at most {@code maxTables} tables, the rest counted.
     */
    public static Forest trace(TraceReconstruction rec, int maxTables) {
        List<PageTable> all = rec.tables();
        // children of each table, by index, computed once (the reconstruction's children() scans every table)
        Map<PageTable, java.util.TreeMap<Integer, PageTable>> kids = new java.util.IdentityHashMap<>();
        for (PageTable t : all) {
            PageTable p = t.parent();
            int i = t.parentIndex();
            if (p != null && i >= 0 && i < 512 && t.state() == PageTable.State.LIVE && p.traced(i)
                    && Sptes.isTable(p.spte(i), p.level()) && Sptes.hpa(p.spte(i)) == t.hpa()) {
                kids.computeIfAbsent(p, k -> new java.util.TreeMap<>()).put(i, t);
            }
        }
        record Pending(PageTable table, String rootName, InferredRoot root) {
        }
        ArrayDeque<Pending> queue = new ArrayDeque<>();
        for (InferredRoot r : rec.roots()) {
            if (r.table() != null) {
                queue.add(new Pending(r.table(), Root.nameOf(r.id()), r));
            }
        }
        List<String> unrooted = new ArrayList<>();
        for (PageTable t : rec.unrootedTables()) {
            queue.add(new Pending(t, "?", null));
            unrooted.add(traceId(t));
        }
        List<Table> tables = new ArrayList<>();
        if (!unrooted.isEmpty()) {
            tables.add(new Table("t-no-root", NO_ROOT, List.of("no top-level SPTE traced above", unrooted.size()
                    + (unrooted.size() == 1 ? " table" : " tables")), unrooted, false, true));
        }
        // NPT and EPT leaves keep their permission and accessed/dirty bits in different places
        org.tdpscope.trace.Paging paging = rec.paging().readAs();
        java.util.Set<PageTable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int drawn = tables.size(); // the "?" node counts against the cap: the note says the cap as drawn
        int hidden = 0;
        while (!queue.isEmpty()) {
            Pending p = queue.poll();
            PageTable t = p.table();
            if (!seen.add(t)) {
                continue;
            }
            Map<Integer, PageTable> children = kids.getOrDefault(t, new java.util.TreeMap<>());
            for (PageTable c : children.values()) {
                queue.add(new Pending(c, p.rootName(), null));
            }
            if (drawn >= maxTables) {
                hidden++;
                continue;
            }
            drawn++;
            List<String> lines = new ArrayList<>();
            lines.add("gfn 0x" + Long.toHexString(t.baseGfn()) + "+0x" + Long.toHexString(t.span())
                    + (t.firstLine() > 0 ? " · first seen at line " + t.firstLine() : ""));
            List<String> childIds = new ArrayList<>();
            int more = 0;
            for (int i = 0; i < 512; i++) {
                PageTable child = children.get(i);
                if (child != null) {
                    childIds.add(traceId(child));
                }
                if (!t.traced(i)) {
                    continue;
                }
                if (lines.size() - 1 < MAX_ENTRIES) {
                    lines.add(traceEntry(t, i, child, paging));
                } else {
                    more++;
                }
            }
            if (more > 0) {
                lines.add("… " + more + " more entries");
            }
            if (lines.size() == 1) {
                lines.add("(no SPTE of it traced)");
            }
            String where = t.hpaKnown() ? "hpa 0x" + Long.toHexString(t.hpa()) : "address not traced";
            String state = t.state() == PageTable.State.LIVE ? "" : " · " + t.state().toString().toLowerCase(
                    java.util.Locale.ROOT);
            InferredRoot r = p.root();
            String head = r != null ? "root " + p.rootName() + (r.inferred() ? " (inferred)" : "") + " · L"
                    + t.level() + " · as " + t.asId() + " · " + where + state
                    : p.rootName() + " · L" + t.level() + " · " + where + state;
            tables.add(new Table(traceId(t), head, lines, childIds, r != null, r != null && r.inferred()));
        }
        return new Forest(tables, hidden);
    }

    /** The trace's tables as a picture; the subtitle says what is drawn and what is not. */
    public static Scene traceLayout(String title, TraceReconstruction rec, int maxTables, Theme theme) {
        Forest f = trace(rec, maxTables);
        long drawn = f.tables().stream().filter(t -> !t.id().equals("t-no-root")).count();
        long inTree = drawn + f.hidden();
        long left = rec.tables().size() - inTree;
        String sub = String.format(java.util.Locale.ROOT, "%d page table%s reconstructed from the trace, %d root%s"
                + "; entries: the traced SPTEs and the line that last set each", inTree, inTree == 1 ? "" : "s", rec
                        .roots().size(), rec.roots().size() == 1 ? "" : "s")
                + (left > 0 ? String.format(java.util.Locale.ROOT, "; %d unlinked or zapped not drawn", left) : "")
                + "; " + rec.paging().brief();
        return layout(title, sub, f, theme);
    }

    /** The reconstruction has a table to draw. */
    public static boolean hasTraceTables(TraceReconstruction rec) {
        return !rec.tables().isEmpty();
    }

    private static String traceId(PageTable t) {
        return "t-trace-" + t.id();
    }

    /**
     * E.g. {@code [  0] gfn 0x0 → L3 table 18af606000 · set at line 19}; a leaf as {@link #entry} shows it,
     * its bits read under the trace's paging.
     */
    static String traceEntry(PageTable t, int i, PageTable child, org.tdpscope.trace.Paging paging) {
        long spte = t.spte(i);
        long gfn = t.gfnOf(i);
        String where = String.format(java.util.Locale.ROOT, "[%3d] gfn 0x%x", i, gfn);
        String what = switch (Sptes.kind(spte, t.level())) {
        case TABLE -> where + " → L" + (t.level() - 1) + " table " + Long.toHexString(Sptes.hpa(spte))
                + (child == null ? " (its entries not traced)" : "");
        case LEAF -> where + " " + Sptes.sizeName(t.level()) + " 0x" + Long.toHexString(Sptes.hpa(spte) >>> 12) + " "
                + paging.permissions(spte);
        case FROZEN -> where + " frozen 0x" + Long.toHexString(spte);
        case MMIO -> where + " mmio 0x" + Long.toHexString(spte);
        case NONE -> where + " empty 0x" + Long.toHexString(spte);
        };
        return what + " · set at line " + t.setBy(i);
    }

    /**
     * The vCPU has guest page tables to draw: 4- or 5-level paging on, and CR3 pointing at a table in
     * guest memory with a present entry (a scenario without guest mappings leaves CR3 at an empty page).
     */
    public static boolean hasGuestTables(Kvm kvm, Vcpu vcpu) {
        CpuRegs regs = vcpu.regs();
        if (!regs.paging() || !regs.longModeActive() || (regs.cr4 & CpuRegs.CR4_PAE) == 0) {
            return false;
        }
        long table = regs.cr3 & GuestPte.PFN_MASK;
        if (kvm.memslots().find(table >>> 12) == null) {
            return false;
        }
        for (int i = 0; i < HostMemory.ENTRIES; i++) {
            if ((kvm.memslots().readGpa(table + 8L * i) & GuestPte.P) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The guest page tables of {@code vcpu}, breadth first from its CR3, read from guest memory as
     * the simulation stands; only the present entries whose gva span meets {@code [gvaFirst,
     * gvaLast]} (unsigned, inclusive, canonical addresses); at most {@code maxTables} tables. Empty
     * when the vCPU has no guest tables ({@link #hasGuestTables}).
     */
    public static Forest guest(Kvm kvm, Vcpu vcpu, long gvaFirst, long gvaLast, int maxTables) {
        List<Table> tables = new ArrayList<>();
        if (!hasGuestTables(kvm, vcpu)) {
            return new Forest(tables, 0);
        }
        Memslots slots = kvm.memslots();
        CpuRegs regs = vcpu.regs();
        String v = vcpu.name();
        int hidden = 0;
        record Pending(long gpa, int level, long baseGva, boolean root) {
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        ArrayDeque<Pending> queue = new ArrayDeque<>();
        queue.add(new Pending(regs.cr3 & GuestPte.PFN_MASK, regs.levels(), 0, true));
        while (!queue.isEmpty()) {
            Pending p = queue.poll();
            // keyed by level too: a guest may map one page as a table at two levels (recursive mappings)
            String id = guestId(v, p.level(), p.gpa());
            if (!seen.add(id)) {
                continue;
            }
            if (tables.size() >= maxTables) {
                hidden++;
                continue;
            }
            long span = GuestPte.pageSize(p.level());
            boolean inMemory = slots.find(p.gpa() >>> 12) != null;
            List<String> lines = new ArrayList<>();
            List<String> children = new ArrayList<>();
            int more = 0;
            for (int i = 0; inMemory && i < HostMemory.ENTRIES; i++) {
                long gva = canonical(p.baseGva() + i * span, regs.la57());
                if (Long.compareUnsigned(gva, gvaLast) > 0 || Long.compareUnsigned(gva + span - 1, gvaFirst) < 0) {
                    continue;
                }
                long pte = slots.readGpa(p.gpa() + 8L * i);
                if ((pte & GuestPte.P) == 0) {
                    continue;
                }
                boolean leaf = GuestPte.isLeaf(pte, p.level());
                if (lines.size() < MAX_ENTRIES) {
                    lines.add(guestEntry(i, gva, pte, p.level(), leaf));
                } else {
                    more++;
                }
                if (!leaf) {
                    long child = GuestPte.address(pte, p.level());
                    children.add(guestId(v, p.level() - 1, child));
                    queue.add(new Pending(child, p.level() - 1, gva, false));
                }
            }
            if (more > 0) {
                lines.add("… " + more + " more entries");
            }
            if (lines.isEmpty()) {
                lines.add(inMemory ? "(no present entry in range)" : "(gpa in no memslot)");
            }
            String head = (p.root() ? v + " CR3 · " : v + " · ") + TABLE_NAMES[p.level()] + " · gpa 0x"
                    + Long.toHexString(p.gpa());
            List<String> all = new ArrayList<>();
            all.add("gva 0x" + Long.toHexString(p.baseGva()) + "+0x" + Long.toHexString(span * HostMemory.ENTRIES));
            all.addAll(lines);
            tables.add(new Table(id, head, all, children, p.root()));
        }
        return new Forest(tables, hidden);
    }

    private static final String[] TABLE_NAMES = { "", "PT", "PD", "PDPT", "PML4", "PML5" };

    private static String guestId(String vcpu, int level, long gpa) {
        return "g-" + vcpu + "-L" + level + "-0x" + Long.toHexString(gpa);
    }

    /** Sign-extends bit 47 (bit 56 with LA57): the upper half of the top table maps kernel addresses. */
    private static long canonical(long gva, boolean la57) {
        int shift = la57 ? 64 - 57 : 64 - 48;
        return (gva << shift) >> shift;
    }

    /** E.g. {@code [254] gva 0x7f0000000000 2M gpa 0x200000 P RW US -- A D}; non-leaves point to their table. */
    static String guestEntry(int index, long gva, long pte, int level, boolean leaf) {
        String flags = "P " + ((pte & GuestPte.RW) != 0 ? "RW" : "--") + " " + ((pte & GuestPte.US) != 0 ? "US" : "--")
                + " " + ((pte & GuestPte.XD) != 0 ? "XD" : "--") + " " + ((pte & GuestPte.A) != 0 ? "A" : "-");
        String where = String.format("[%3d] gva 0x%x", index, gva);
        if (!leaf) {
            return where + " → " + TABLE_NAMES[level - 1] + " 0x" + Long.toHexString(GuestPte.address(pte, level))
                    + " " + flags;
        }
        String size = level == 1 ? "4K" : level == 2 ? "2M" : "1G";
        return where + " " + size + " gpa 0x" + Long.toHexString(GuestPte.address(pte, level)) + " " + flags + " "
                + ((pte & GuestPte.D) != 0 ? "D" : "-");
    }

    static String entry(int index, long gfn, long spte, int level, boolean leaf) {
        String where = String.format("[%3d] gfn 0x%x", index, gfn);
        if (!leaf) {
            return where + " → L" + (level - 1) + " 0x" + Long.toHexString(Spte.pfn(spte));
        }
        // the simulator's SPTEs are EPT's: read as an imported EPT trace's are
        return where + " " + Sptes.sizeName(level) + " 0x" + Long.toHexString(Spte.pfn(spte)) + " "
                + org.tdpscope.trace.Paging.EPT.permissions(spte);
    }

    public static String svg(String title, String subtitle, Forest forest, Theme theme) {
        return SvgRenderer.render(layout(title, subtitle, forest, theme));
    }

    /**
     * Lays the forest out with ELK (layered, left to right, orthogonal edges) and draws it. A table with
     * {@link #GRID_MIN} or more child tables that have none of their own (the last level, mostly: hundreds of
     * L1 tables under one L2) gets them in a frame, in rows in gfn order (ELK's box layout), with one edge
     * to the frame: as one column they made a picture tens of thousands of pixels tall whose root lay
     * out of sight. The picture keeps within {@link Scene#MAX_SIDE}: when the tables do not fit, the first
     * ones breadth first (the upper levels) are drawn and the rest counted in the note.
     */
    public static Scene layout(String title, String subtitle, Forest forest, Theme theme) {
        register();
        int limit = Scene.MAX_SIDE - 2 * DX;
        int limitHeight = limit - HEAD - 120; // the title, the note and the legend below
        double rowLimit = Double.MAX_VALUE;
        Forest drawn = forest;
        Placed p = place(drawn, rowLimit);
        for (int round = 0; round < 8 && (p.width() > limit || p.height() > limitHeight); round++) {
            double left = p.gridsLeft();
            if (p.width() > limit && left < limit - 400 && rowLimit > limit - left - 8) {
                rowLimit = limit - left - 8; // first the grids' rows narrowed to the room beside the upper levels
            } else if (drawn.tables().size() > 1) {
                // then fewer tables: about the share of the area that fits (grids fill about their tables' area)
                double share = Math.min(0.95, Math.min(limit / p.width(), 1.0) * Math.min(limitHeight / p.height(),
                        1.0));
                int keep = Math.max(1, (int) (drawn.tables().size() * share));
                drawn = new Forest(List.copyOf(forest.tables().subList(0, keep)), forest.hidden()
                        + forest.tables().size() - keep);
            } else {
                break; // one table too large: the PNG writer's guard cuts it
            }
            p = place(drawn, rowLimit);
        }
        return draw(title, subtitle, drawn, drawn != forest, p, theme);
    }

    /** Fewest child tables (without children of their own) drawn as a grid in a frame rather than a column. */
    static final int GRID_MIN = 4;
    private static final int DX = 16;
    private static final int GRID_CAPTION = 22;

    /** An ELK layout of a forest: the graph, each table's node, the frames of the grids and their captions. */
    private record Placed(ElkNode graph, Map<String, ElkNode> nodes, Map<ElkNode, String> frames, List<ElkEdge> edges) {
        double width() {
            return graph.getWidth();
        }

        double height() {
            return graph.getHeight();
        }

        /** Where the leftmost grid starts, or the whole width when there is none. */
        double gridsLeft() {
            double x = graph.getWidth();
            for (ElkNode f : frames.keySet()) {
                x = Math.min(x, f.getX());
            }
            return x;
        }
    }

    /** Lays the forest out, the grids' rows at most {@code rowLimit} wide. */
    private static Placed place(Forest forest, double rowLimit) {
        ElkNode graph = ElkGraphUtil.createGraph();
        graph.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        graph.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
        graph.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        graph.setProperty(LayeredOptions.SPACING_NODE_NODE, 14.0);
        graph.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, LAYER_GAP);
        graph.setProperty(CoreOptions.PADDING, new ElkPadding(0));
        // children in table order (by gfn), and one shared outgoing bus per table rather than a fan of lines
        graph.setProperty(LayeredOptions.CONSIDER_MODEL_ORDER_STRATEGY, OrderingStrategy.NODES_AND_EDGES);
        graph.setProperty(LayeredOptions.MERGE_EDGES, true);

        Map<String, Table> byId = new HashMap<>();
        Map<String, Integer> parents = new HashMap<>();
        for (Table t : forest.tables()) {
            byId.put(t.id(), t);
        }
        for (Table t : forest.tables()) {
            for (String c : t.children()) {
                if (byId.containsKey(c)) {
                    parents.merge(c, 1, Integer::sum);
                }
            }
        }
        // the parents whose drawn children all end there (and have no other parent): those go in a grid
        Map<String, List<Table>> grids = new java.util.LinkedHashMap<>();
        Map<String, String> gridOf = new HashMap<>();
        for (Table t : forest.tables()) {
            List<Table> kids = new ArrayList<>();
            boolean leaves = true;
            for (String c : t.children()) {
                Table k = byId.get(c);
                if (k == null) {
                    continue;
                }
                kids.add(k);
                leaves &= parents.get(c) == 1 && k.children().stream().noneMatch(byId::containsKey);
            }
            if (leaves && kids.size() >= GRID_MIN) {
                grids.put(t.id(), kids);
                for (Table k : kids) {
                    gridOf.put(k.id(), t.id());
                }
            }
        }
        // The grids stack in one layer, right of the levels above them (about `left` wide). Rows of k tables make
        // the whole about left + k tables wide and the sum of the grids' rows high: k is the count (of the two
        // around the continuous answer) that brings the whole nearest to ASPECT wide for its height.
        double allArea = 0;
        double widest = 0;
        double tall = 0;
        int gridded = 0;
        Map<String, Double> gridArea = new HashMap<>();
        for (Map.Entry<String, List<Table>> g : grids.entrySet()) {
            double a = boxArea(g.getValue());
            gridArea.put(g.getKey(), a);
            allArea += a;
            for (Table k : g.getValue()) {
                widest = Math.max(widest, width(k));
                tall += height(k);
                gridded++;
            }
        }
        double rowWidth = rowLimit;
        if (gridded > 0) {
            double left = leftOfGrids(forest, byId, grids.keySet());
            double tile = widest + GRID_SPACING;
            double rowHeight = tall / gridded + GRID_SPACING;
            double w = (Math.sqrt(left * left + 4 * ASPECT * allArea) - left) / 2;
            int k0 = Math.max(1, (int) (w / tile));
            int best = k0;
            double bestMiss = Double.MAX_VALUE;
            for (int k = k0; k <= k0 + 1; k++) {
                double rows = 0;
                for (List<Table> g : grids.values()) {
                    rows += Math.ceil((double) g.size() / k);
                }
                double miss = Math.abs(Math.log((left + k * tile + 2 * DX) / (rows * rowHeight + GRID_CAPTION + HEAD
                        + 120) / ASPECT));
                if (miss < bestMiss) {
                    bestMiss = miss;
                    best = k;
                }
            }
            // half a table of slack: the box layout's own estimate of the room its boxes need differs a little
            // from boxArea's, and k tables must fit a row while k + 1 do not
            rowWidth = Math.min(best * tile + 8 + tile / 2, rowLimit);
        }
        Map<String, ElkNode> nodes = new HashMap<>();
        Map<String, ElkNode> frameOf = new HashMap<>();
        Map<ElkNode, String> frames = new java.util.LinkedHashMap<>();
        for (Table t : forest.tables()) {
            String parent = gridOf.get(t.id());
            ElkNode container = graph;
            if (parent != null) {
                container = frameOf.get(parent);
                if (container == null) {
                    container = ElkGraphUtil.createNode(graph);
                    container.setIdentifier("grid-" + parent);
                    container.setProperty(CoreOptions.ALGORITHM, BoxLayouterOptions.ALGORITHM_ID);
                    container.setProperty(BoxLayouterOptions.SPACING_NODE_NODE, (double) GRID_SPACING);
                    container.setProperty(BoxLayouterOptions.PADDING, new ElkPadding(GRID_CAPTION + 6, 8, 8, 8));
                    // the aspect that gives rows of rowWidth: the box layout makes rows sqrt(area * aspect) wide
                    container.setProperty(BoxLayouterOptions.ASPECT_RATIO, Math.max(0.05, (rowWidth - 8) * (rowWidth
                            - 8) / gridArea.get(parent)));
                    frameOf.put(parent, container);
                    // the parent's children past the cap are counted here too
                    int all = byId.get(parent).children().size();
                    int in = grids.get(parent).size();
                    // guest tables (ids of guestId) are ordered by gva, TDP tables by gfn
                    String order = parent.startsWith("g-") ? ", in gva order" : ", in gfn order";
                    String caption = (in == all ? in + " tables" : in + " of " + all + " tables") + " below "
                            + byId.get(parent).head() + order;
                    frames.put(container, caption);
                    // a frame at least as wide as its caption (a grid of one column is narrower)
                    container.setProperty(CoreOptions.NODE_SIZE_CONSTRAINTS, java.util.EnumSet.of(
                            org.eclipse.elk.core.options.SizeConstraint.MINIMUM_SIZE));
                    container.setProperty(CoreOptions.NODE_SIZE_MINIMUM, new org.eclipse.elk.core.math.KVector(
                            Math.ceil(caption.length() * CHAR_W) + 16, 0));
                }
            }
            ElkNode n = ElkGraphUtil.createNode(container);
            n.setIdentifier(t.id());
            n.setDimensions(width(t), height(t));
            if (parent != null) {
                // the box layout puts higher priorities first, else sorts by size: priorities keep gfn order
                n.setProperty(BoxLayouterOptions.PRIORITY, forest.tables().size() - nodes.size());
            }
            nodes.put(t.id(), n);
        }
        List<ElkEdge> edges = new ArrayList<>();
        for (Table t : forest.tables()) {
            ElkNode frame = frameOf.get(t.id());
            if (frame != null) {
                ElkEdge e = ElkGraphUtil.createSimpleEdge(nodes.get(t.id()), frame);
                ElkGraphUtil.updateContainment(e);
                edges.add(e);
                continue;
            }
            for (String c : t.children()) {
                ElkNode target = nodes.get(c);
                if (target != null) {
                    ElkEdge e = ElkGraphUtil.createSimpleEdge(nodes.get(t.id()), target);
                    ElkGraphUtil.updateContainment(e);
                    edges.add(e);
                }
            }
        }
        new RecursiveGraphLayoutEngine().layout(graph, new BasicProgressMonitor());
        return new Placed(graph, nodes, frames, edges);
    }

    private static final int GRID_SPACING = 10;
    /** The width for a height the whole picture aims at when it has grids: a screen's or a page's. */
    private static final double ASPECT = 1.6;
    private static final double LAYER_GAP = 48;

    /**
     * About how wide the levels left of the grids are: per depth (breadth first from the tables no drawn table
     * points to) down to the deepest table with a grid, its widest table and the gap to the next layer.
     */
    private static double leftOfGrids(Forest forest, Map<String, Table> byId, java.util.Set<String> gridParents) {
        Map<String, Integer> depth = new HashMap<>();
        List<Double> widths = new ArrayList<>();
        int deepest = -1;
        for (Table t : forest.tables()) { // parents before children
            int d = depth.getOrDefault(t.id(), 0);
            while (widths.size() <= d) {
                widths.add(0.0);
            }
            widths.set(d, Math.max(widths.get(d), width(t)));
            if (gridParents.contains(t.id())) {
                deepest = Math.max(deepest, d);
            }
            for (String c : t.children()) {
                if (byId.containsKey(c)) {
                    depth.putIfAbsent(c, d + 1);
                }
            }
        }
        double left = 0;
        for (int d = 0; d <= deepest; d++) {
            left += widths.get(d) + LAYER_GAP;
        }
        return left;
    }

    /**
     * The area ELK's box layout reckons its boxes need, from which it makes its rows sqrt(area * aspect)
     * wide: the boxes' own area, plus their count times the deviation of their areas (rows of unequal
     * boxes leave gaps), plus the frame's top and bottom padding along a side.
     */
    private static double boxArea(List<Table> boxes) {
        double sum = 0;
        for (Table t : boxes) {
            sum += width(t) * height(t);
        }
        double mean = sum / boxes.size();
        double var = 0;
        for (Table t : boxes) {
            double d = width(t) * height(t) - mean;
            var += d * d;
        }
        double a = sum + boxes.size() * Math.sqrt(var / Math.max(1, boxes.size() - 1));
        a += Math.sqrt(a) * (GRID_CAPTION + 6 + 8);
        return a + Math.sqrt(a) * 8;
    }

    private static double width(Table t) {
        int chars = t.head().length() + 2;
        for (String l : t.entries()) {
            chars = Math.max(chars, l.length());
        }
        return Math.ceil(chars * CHAR_W) + 20;
    }

    private static double height(Table t) {
        return 30 + t.entries().size() * LINE_H + 8;
    }

    /** The picture of a laid-out forest; {@code fitted}: tables were left out to keep within Scene.MAX_SIDE. */
    private static Scene draw(String title, String subtitle, Forest forest, boolean fitted, Placed p, Theme theme) {
        ElkNode graph = p.graph();
        int dx = DX;
        int dy = HEAD + 8;
        int notes = forest.hidden() > 0 ? 24 : 0;
        int width = (int) Math.ceil(Math.max(graph.getWidth() + 2 * dx, Math.max(title.length() * 11 + 32,
                subtitle.length() * 7 + 32)));
        int height = (int) Math.ceil(graph.getHeight()) + dy + 16 + notes + (forest.tables().isEmpty() ? 24 : 0) + 24;
        // the legend fits: two boxes, and the dashed one when a table is drawn dashed
        width = Math.max(width, forest.tables().stream().anyMatch(Table::dashed) ? 16 + 720 : 16 + 420);
        Scene s = new Scene(width, height, title + " — page tables", theme.background);
        s.text(16, 28, title, 18, theme.text, null, true);
        s.text(16, 50, subtitle, 13, theme.muted, null, false);
        for (Map.Entry<ElkNode, String> f : p.frames().entrySet()) {
            ElkNode n = f.getKey();
            s.rect(n.getIdentifier(), r(n.getX()) + dx, r(n.getY()) + dy, r(n.getWidth()), r(n.getHeight()), 5,
                    theme.background, theme.muted, 1, null);
            s.text(r(n.getX()) + dx + 8, r(n.getY()) + dy + 16, f.getValue(), 11, theme.muted, null, false);
        }
        for (ElkEdge e : p.edges()) {
            for (ElkEdgeSection sec : e.getSections()) {
                List<int[]> pts = new ArrayList<>();
                pts.add(new int[] { r(sec.getStartX()) + dx, r(sec.getStartY()) + dy });
                for (ElkBendPoint b : sec.getBendPoints()) {
                    pts.add(new int[] { r(b.getX()) + dx, r(b.getY()) + dy });
                }
                pts.add(new int[] { r(sec.getEndX()) + dx, r(sec.getEndY()) + dy });
                for (int i = 1; i < pts.size(); i++) {
                    s.line(pts.get(i - 1)[0], pts.get(i - 1)[1], pts.get(i)[0], pts.get(i)[1], theme.muted, 1,
                            i == pts.size() - 1);
                }
            }
        }
        for (Table t : forest.tables()) {
            ElkNode n = p.nodes().get(t.id());
            // a table in a grid lies in its frame, whose position ELK gives relative to the graph
            ElkNode parent = n.getParent();
            int ox = parent == graph ? 0 : r(parent.getX());
            int oy = parent == graph ? 0 : r(parent.getY());
            int x = r(n.getX()) + ox + dx;
            int y = r(n.getY()) + oy + dy;
            int w = r(n.getWidth());
            int h = r(n.getHeight());
            s.rect(t.id(), x, y, w, h, 5, t.root() ? theme.invalidFill : theme.validFill,
                    t.root() ? theme.invalidStroke : theme.validStroke, t.root() ? 2 : 1, t.dashed() ? "6 4" : null);
            s.text(x + 8, y + 16, t.head(), 12, theme.text, null, true);
            int ty = y + 32;
            for (int i = 0; i < t.entries().size(); i++) {
                String line = t.entries().get(i);
                s.text(x + 8, ty, line, 11, i == 0 || line.startsWith("…") || line.startsWith("(") ? theme.muted
                        : theme.text, null, false);
                ty += LINE_H;
            }
        }
        int y = dy + (int) Math.ceil(graph.getHeight()) + 16;
        if (forest.tables().isEmpty()) {
            s.text(16, y, "(no table)", 12, theme.muted, null, false);
            y += 24;
        }
        if (forest.hidden() > 0) {
            // a note, not a finding: muted, not in the violation colour
            String why = fitted ? String.format(java.util.Locale.ROOT, "%d drawn, as many as fit a picture of %,d "
                    + "pixels a side", forest.tables().size(), Scene.MAX_SIDE) : "cap " + forest.tables().size();
            s.text(16, y, "… " + forest.hidden() + " more tables not drawn (" + why + ")", 12, theme.muted, null,
                    true);
            y += 24;
        }
        s.legend(16, y + 4, theme.invalidFill, theme.invalidStroke, null, "top-level table", theme.muted);
        s.legend(166, y + 4, theme.validFill, theme.validStroke, null, "lower-level table", theme.muted);
        if (forest.tables().stream().anyMatch(Table::dashed)) {
            s.legend(316, y + 4, theme.background, theme.muted, "6 4",
                    "dashed: not named by the trace (an inferred root, or ?)", theme.muted);
        }
        return s;
    }

    private static int r(double v) {
        return (int) Math.round(v);
    }
}
