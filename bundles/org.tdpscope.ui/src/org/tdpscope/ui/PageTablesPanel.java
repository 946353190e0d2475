/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.ITableColorProvider;
import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeColumn;
import org.tdpscope.sim.Kvm;
import org.tdpscope.sim.Root;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.Vcpu;
import org.tdpscope.sim.mmu.GuestPte;
import org.tdpscope.sim.mmu.Spte;

/**
 * The Page tables view's content: guest tables (per vCPU, from CR3) and TDP tables (per root) as a
 * tree, root → PML4E/PDPTE/PDE/PTE, each entry with its index, the gfn or gva range it covers, its
 * value and what it says (present, huge, write-protected, dirty, accessed). Lazy: a table's 512
 * entries are read when its row is expanded, so a 64 GiB guest costs nothing until one looks.
 * Follows the Roots panel's step and keeps the rows that were open.
 */
public final class PageTablesPanel extends Composite {

    /** Row colours: entries not present are muted, write-protected leaves orange, dirty leaves on yellow. */
    static final String MUTED = "#8c959f";
    static final String WRITE_PROTECTED = "#bc4c00";
    static final String DIRTY_BACKGROUND = "#fff1c2";
    static final String HUGE = "#1f6feb";

    private final TreeViewer viewer;
    private final Consumer<RootsPanel> follow = this::follow;
    private final Color muted;
    private final Color writeProtected;
    private final Color dirty;
    private final Color huge;
    private int tablesRead;
    private final java.util.Set<Object> open = new java.util.LinkedHashSet<>();
    private RootsPanel run;

    public PageTablesPanel(Composite parent, int style) {
        super(parent, style);
        setLayout(new FillLayout());
        viewer = new TreeViewer(this, SWT.FULL_SELECTION | SWT.BORDER | SWT.H_SCROLL | SWT.V_SCROLL);
        Tree tree = viewer.getTree();
        tree.setHeaderVisible(true);
        tree.setLinesVisible(true);
        for (String[] c : new String[][] { { "Entry", "230" }, { "Range", "250" }, { "Value", "170" },
                { "Flags", "260" }, { "Points to", "150" } }) {
            TreeColumn col = new TreeColumn(tree, SWT.LEFT);
            col.setText(c[0]);
            col.setWidth(Integer.parseInt(c[1]));
        }
        muted = colour(MUTED);
        writeProtected = colour(WRITE_PROTECTED);
        dirty = colour(DIRTY_BACKGROUND);
        huge = colour(HUGE);
        addDisposeListener(e -> {
            RunSelection.unlisten(follow);
            muted.dispose();
            writeProtected.dispose();
            dirty.dispose();
            huge.dispose();
        });
        viewer.setContentProvider(new Content());
        viewer.setLabelProvider(new Labels());
        viewer.setUseHashlookup(true);
        viewer.addTreeListener(new org.eclipse.jface.viewers.ITreeViewerListener() {
            @Override
            public void treeExpanded(org.eclipse.jface.viewers.TreeExpansionEvent e) {
                open.add(e.getElement());
            }

            @Override
            public void treeCollapsed(org.eclipse.jface.viewers.TreeExpansionEvent e) {
                // closing a row forgets the rows open below it, or expanding them would reopen it
                String path = ((Node) e.getElement()).path;
                open.removeIf(o -> ((Node) o).path.equals(path) || ((Node) o).path.startsWith(path + "/"));
            }
        });
        // who wrote this SPTE? double-click, or the context menu, goes to the step of its last change
        Action lastChange = new Action("Go to the Step That Last Changed This Entry") {
            @Override
            public void run() {
                goToLastChange(selected());
            }
        };
        MenuManager menu = new MenuManager();
        menu.setRemoveAllWhenShown(true);
        menu.addMenuListener(m -> {
            Node n = selected();
            lastChange.setEnabled(n != null && lastChange(n) > 0);
            m.add(lastChange);
        });
        tree.setMenu(menu.createContextMenu(tree));
        addDisposeListener(e -> menu.dispose());
        viewer.addDoubleClickListener(e -> goToLastChange(selected()));
        RunSelection.listen(follow);
    }

    private Node selected() {
        Object o = ((IStructuredSelection) viewer.getSelection()).getFirstElement();
        return o instanceof Node n ? n : null;
    }

    /**
     * The step (at or before the current one) whose event last changed the TDP entry of row {@code n}
     * (set, zap, write-protect, freeze, ... of that root, gfn and level); -1 if none or not a TDP entry.
     */
    long lastChange(Node n) {
        if (run == null || n == null || n.kind != Node.Kind.ENTRY || n.guest) {
            return -1;
        }
        String root = n.path.split("/")[1];
        int level = n.level + 1; // a row's level is that of the table it opens
        List<TraceEvent> events = run.events();
        for (int i = (int) Math.min(run.step(), events.size()) - 1; i >= 0; i--) {
            TraceEvent e = events.get(i);
            if (e.type().id().startsWith("spte.") && root.equals(e.root()) && e.gfn() == n.base
                    && e.level() == level) {
                return e.step();
            }
        }
        return -1;
    }

    /** Moves the run to {@link #lastChange} of the row and selects the row again there. */
    boolean goToLastChange(Node n) {
        long step = lastChange(n);
        if (step < 0) {
            return false;
        }
        run.goTo(step);
        viewer.setSelection(new StructuredSelection(n), true);
        return true;
    }

    private Color colour(String hex) {
        int v = Integer.parseInt(hex.substring(1), 16);
        return new Color(getDisplay(), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
    }

    void follow(RootsPanel p) {
        if (isDisposed() || p.simulationAtStep() == null) {
            return;
        }
        run = p;
        show(p.simulationAtStep());
    }

    /** Shows the tables of a simulation as it stands, keeping open the rows that were open (same path). */
    public void show(Simulation sim) {
        // rows opened at an earlier step stay wanted through steps where they do not exist (no root yet)
        open.addAll(Arrays.asList(viewer.getExpandedElements()));
        viewer.getTree().setRedraw(false);
        try {
            viewer.setInput(sim);
            viewer.setExpandedElements(open.toArray());
        } finally {
            viewer.getTree().setRedraw(true);
        }
    }

    public TreeViewer viewer() {
        return viewer;
    }

    /** How many 512-entry tables have been read (the tree reads one when a row is first expanded). */
    public int tablesRead() {
        return tablesRead;
    }

    /** A row of the tree. Equal rows (same path) at two steps let the tree keep what was open. */
    static final class Node {
        enum Kind { GROUP, TABLE_OWNER, ENTRY, NOTE }

        final Kind kind;
        final Node parent;
        final String path;
        final String[] columns;
        final boolean guest;
        /** The table this row opens: gpa for guest tables, hpfn for TDP tables; -1 if none. */
        final long table;
        /** The level of that table (4 = PML4) and the first gfn / gva it covers. */
        final int level;
        final long base;
        final boolean present;
        final boolean writeProtected;
        final boolean dirty;
        final boolean huge;

        Node(Kind kind, Node parent, String path, String[] columns, boolean guest, long table, int level, long base,
                boolean present, boolean writeProtected, boolean dirty, boolean huge) {
            this.kind = kind;
            this.parent = parent;
            this.path = path;
            this.columns = columns;
            this.guest = guest;
            this.table = table;
            this.level = level;
            this.base = base;
            this.present = present;
            this.writeProtected = writeProtected;
            this.dirty = dirty;
            this.huge = huge;
        }

        static Node group(String name, boolean guest) {
            return new Node(Kind.GROUP, null, name, new String[] { name, "", "", "", "" }, guest, -1, 0, 0, true,
                    false, false, false);
        }

        boolean expandable() {
            return kind == Kind.GROUP || table >= 0;
        }

        String label() {
            return columns[0];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Node n && n.path.equals(path);
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }

        @Override
        public String toString() {
            return String.join(" | ", columns);
        }
    }

    private final class Content implements ITreeContentProvider {
        private Simulation sim;

        @Override
        public void inputChanged(org.eclipse.jface.viewers.Viewer v, Object oldInput, Object newInput) {
            sim = (Simulation) newInput;
        }

        @Override
        public Object[] getElements(Object input) {
            return new Object[] { Node.group("Guest tables", true), Node.group("TDP tables", false) };
        }

        @Override
        public Object[] getChildren(Object element) {
            Node n = (Node) element;
            if (sim == null) {
                return new Object[0];
            }
            if (n.kind == Node.Kind.GROUP) {
                return (n.guest ? guestOwners(n) : tdpRoots(n)).toArray();
            }
            if (n.table < 0) {
                return new Object[0];
            }
            tablesRead++;
            return (n.guest ? guestEntries(n) : tdpEntries(n)).toArray();
        }

        @Override
        public Object getParent(Object element) {
            return ((Node) element).parent;
        }

        @Override
        public boolean hasChildren(Object element) {
            return ((Node) element).expandable();
        }

        private List<Node> guestOwners(Node group) {
            List<Node> out = new ArrayList<>();
            for (Vcpu v : sim.kvm().vcpus()) {
                var regs = v.regs();
                String path = group.path + "/" + v.name();
                if (!regs.paging()) {
                    out.add(new Node(Node.Kind.TABLE_OWNER, group, path,
                            new String[] { "vCPU " + v.name(), "paging off", "", "", "" }, true, -1, 0, 0, false,
                            false, false, false));
                    continue;
                }
                long cr3 = regs.cr3 & GuestPte.PFN_MASK;
                out.add(new Node(Node.Kind.TABLE_OWNER, group, path,
                        new String[] { "vCPU " + v.name(), regs.levels() + "-level paging", hex("CR3 ", regs.cr3),
                                regs.la57() ? "LA57" : "", hex("gpa ", cr3) },
                        true, cr3, regs.levels(), 0, true, false, false, false));
            }
            if (out.isEmpty()) {
                out.add(note(group, "no vCPU"));
            }
            return out;
        }

        private List<Node> tdpRoots(Node group) {
            Kvm kvm = sim.kvm();
            int levels = kvm.mmu().levels();
            List<Node> out = new ArrayList<>();
            for (Root r : kvm.allRoots()) {
                String state = r.freed() ? "freed" : r.invalid() ? "invalid" : "valid";
                String path = group.path + "/" + r.name();
                out.add(new Node(Node.Kind.TABLE_OWNER, group, path,
                        new String[] { "root " + r.name(), r.role().name(), "rc " + r.refcount(),
                                state + ", " + r.state().name().toLowerCase(java.util.Locale.ROOT),
                                hex("hpfn ", r.hpfn()) },
                        false, r.freed() ? -1 : r.hpfn(), levels, 0, !r.freed(), false, false, false));
            }
            if (out.isEmpty()) {
                out.add(note(group, "no root yet"));
            }
            return out;
        }

        private List<Node> tdpEntries(Node t) {
            long[] page = sim.kvm().mmu().memory().peekPage(t.table);
            if (page == null) {
                return List.of(note(t, "table page not populated"));
            }
            List<Node> out = new ArrayList<>();
            long span = Spte.pagesPerLevel(t.level);
            for (int i = 0; i < page.length; i++) {
                long v = page[i];
                if (v == 0) {
                    continue; // an empty entry; most of a table
                }
                long gfn = t.base + i * span;
                boolean present = Spte.isPresent(v);
                boolean leaf = Spte.isLeaf(v, t.level);
                boolean wp = leaf && !Spte.isWritable(v);
                boolean d = leaf && (v & Spte.DIRTY) != 0;
                boolean a = present && (v & Spte.ACCESSED) != 0;
                boolean huge = leaf && t.level > 1;
                List<String> flags = new ArrayList<>();
                flags.add(Spte.isRemoved(v) ? "removed" : Spte.isMmio(v) ? "mmio" : present ? "present" : "not present");
                if (huge) {
                    flags.add("huge");
                }
                if (wp) {
                    flags.add("write-protected");
                }
                if (d) {
                    flags.add("dirty");
                }
                if (a) {
                    flags.add("accessed");
                }
                boolean table = present && !leaf && t.level > 1;
                out.add(new Node(Node.Kind.ENTRY, t, t.path + "/" + i,
                        new String[] { GuestPte.levelName(t.level) + "[" + i + "]",
                                "gfn " + range(gfn, span), hex("", v), String.join(" ", flags),
                                present ? hex(table ? "table hpfn " : "pfn ", Spte.pfn(v)) : "" },
                        false, table ? Spte.pfn(v) : -1, t.level - 1, gfn, present, wp, d, huge));
            }
            if (out.isEmpty()) {
                out.add(note(t, "all 512 entries empty"));
            }
            return out;
        }

        private List<Node> guestEntries(Node t) {
            var slots = sim.kvm().memslots();
            if (slots.find(t.table >>> 12) == null) {
                return List.of(note(t, hex("table at gpa ", t.table) + " is in no memslot"));
            }
            List<Node> out = new ArrayList<>();
            int shift = 12 + 9 * (t.level - 1);
            for (int i = 0; i < 512; i++) {
                long e = slots.readGpa(t.table + 8L * i);
                if (e == 0) {
                    continue;
                }
                long gva = canonical(t.base + ((long) i << shift));
                boolean present = (e & GuestPte.P) != 0;
                boolean leaf = present && GuestPte.isLeaf(e, t.level);
                boolean wp = leaf && (e & GuestPte.RW) == 0;
                boolean d = leaf && (e & GuestPte.D) != 0;
                boolean huge = leaf && t.level > 1;
                List<String> flags = new ArrayList<>();
                flags.add(present ? "present" : "not present");
                if (huge) {
                    flags.add("huge");
                }
                if (wp) {
                    flags.add("read-only");
                }
                if (d) {
                    flags.add("dirty");
                }
                if (present && (e & GuestPte.A) != 0) {
                    flags.add("accessed");
                }
                boolean table = present && !leaf;
                long target = GuestPte.address(e, t.level);
                out.add(new Node(Node.Kind.ENTRY, t, t.path + "/" + i,
                        new String[] { GuestPte.levelName(t.level) + "[" + i + "]",
                                "gva " + range(gva, 1L << (shift - 12)), hex("", e), String.join(" ", flags),
                                present ? hex(table ? "table gpa " : "gpa ", target) : "" },
                        true, table ? target : -1, t.level - 1, gva, present, wp, d, huge));
            }
            if (out.isEmpty()) {
                out.add(note(t, "all 512 entries empty"));
            }
            return out;
        }

        private Node note(Node parent, String text) {
            return new Node(Node.Kind.NOTE, parent, parent.path + "/note", new String[] { text, "", "", "", "" },
                    parent.guest, -1, 0, 0, false, false, false, false);
        }
    }

    /** A 48-bit gva with bit 47 copied upwards, as the CPU requires. */
    static long canonical(long gva) {
        return (gva & (1L << 47)) != 0 ? gva | 0xffff_0000_0000_0000L : gva;
    }

    /** The first gfn or gva and the size covered, in the scenario language's {@code 0x0 .. +4K} form. */
    static String range(long first, long pages) {
        return "0x" + Long.toHexString(first) + " .. +" + size(pages);
    }

    private static String size(long pages) {
        long bytes = pages * 4096;
        if (bytes >= 1L << 30) {
            return (bytes >> 30) + "G";
        }
        if (bytes >= 1L << 20) {
            return (bytes >> 20) + "M";
        }
        return (bytes >> 10) + "K";
    }

    private static String hex(String prefix, long v) {
        return prefix + "0x" + Long.toHexString(v);
    }

    private final class Labels extends LabelProvider implements ITableLabelProvider, ITableColorProvider {
        @Override
        public Image getColumnImage(Object element, int column) {
            return null;
        }

        @Override
        public String getColumnText(Object element, int column) {
            return ((Node) element).columns[column];
        }

        @Override
        public Color getForeground(Object element, int column) {
            Node n = (Node) element;
            if (n.kind == Node.Kind.NOTE || !n.present) {
                return muted;
            }
            if (n.writeProtected) {
                return writeProtected;
            }
            return n.huge ? huge : null;
        }

        @Override
        public Color getBackground(Object element, int column) {
            return ((Node) element).dirty ? dirty : null;
        }
    }

    /** The rows currently in the tree, depth first, for tests: what is shown, not what could be. */
    List<String> visibleRows() {
        List<String> out = new ArrayList<>();
        for (var item : viewer.getTree().getItems()) {
            collect(item, 0, out);
        }
        return out;
    }

    private static void collect(org.eclipse.swt.widgets.TreeItem item, int depth, List<String> out) {
        if (item.getData() == null) {
            return; // a placeholder for children not computed yet
        }
        String[] cols = new String[5];
        for (int i = 0; i < 5; i++) {
            cols[i] = item.getText(i);
        }
        out.add("  ".repeat(depth) + String.join(" | ", Arrays.asList(cols)).replaceAll("( \\| )+$", ""));
        if (item.getExpanded()) {
            for (var child : item.getItems()) {
                collect(child, depth + 1, out);
            }
        }
    }
}
