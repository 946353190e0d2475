/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Predicate;

import org.eclipse.jface.viewers.AbstractTreeViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TreeItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.ui.testing.Screens;

/**
 * The Page tables tree beside a Roots panel in a real shell: tables are read only when their row
 * is opened, guest and TDP entries show their range, value and flags, dirty and write-protected
 * entries are drawn in their colours, and the tree follows the step keeping its open rows.
 */
class PageTablesPanelTest {

    private Display display;
    private Shell shell;
    private RootsPanel roots;
    private PageTablesPanel tables;

    @BeforeEach
    void open() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1200, 900);
        SashForm sash = new SashForm(shell, SWT.VERTICAL);
        roots = new RootsPanel(sash, SWT.NONE);
        roots.setAnimated(false);
        tables = new PageTablesPanel(sash, SWT.NONE);
        sash.setWeights(1, 2);
        shell.open();
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        shell.dispose();
    }

    private TreeItem find(Predicate<TreeItem> p) {
        for (TreeItem i : tables.viewer().getTree().getItems()) {
            TreeItem hit = find(i, p);
            if (hit != null) {
                return hit;
            }
        }
        return null;
    }

    private static TreeItem find(TreeItem item, Predicate<TreeItem> p) {
        if (item.getData() != null && p.test(item)) {
            return item;
        }
        if (item.getExpanded()) {
            for (TreeItem c : item.getItems()) {
                TreeItem hit = find(c, p);
                if (hit != null) {
                    return hit;
                }
            }
        }
        return null;
    }

    private void expandAll(String top) {
        TreeItem item = find(i -> i.getText(0).equals(top));
        assertNotNull(item, top);
        tables.viewer().expandToLevel(item.getData(), AbstractTreeViewer.ALL_LEVELS);
        Screens.settle(display);
    }

    private static boolean near(RGB a, RGB b, int d) {
        return Math.abs(a.red - b.red) + Math.abs(a.green - b.green) + Math.abs(a.blue - b.blue) <= d;
    }

    /** Whether some pixel of the cell is (close to) the colour: text is anti-aliased. */
    private static boolean cellHas(ImageData img, Rectangle cell, RGB colour, int tolerance) {
        for (int x = cell.x; x < cell.x + cell.width && x < img.width; x++) {
            for (int y = cell.y; y < cell.y + cell.height && y < img.height; y++) {
                if (near(Screens.pixel(img, x, y), colour, tolerance)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An item's bounds on the printed tree: GTK gives them below the header, print draws the header too. */
    private Rectangle onImage(Rectangle bounds) {
        return new Rectangle(bounds.x, bounds.y + tables.viewer().getTree().getHeaderHeight(), bounds.width,
                bounds.height);
    }

    /** Orange text on any background: anti-aliased glyph pixels keep red well above green and blue. */
    private static boolean orangeIn(ImageData img, Rectangle cell) {
        for (int x = cell.x; x < cell.x + cell.width && x < img.width; x++) {
            for (int y = cell.y; y < cell.y + cell.height && y < img.height; y++) {
                RGB p = Screens.pixel(img, x, y);
                if (p.red - p.blue > 100 && p.red - p.green > 40) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void guestAndTdpTablesAreReadLazilyAndShowTheirEntries() throws Exception {
        assertTrue(roots.open(Screens.example("two-d-walk.tdp")), roots.statusText());
        roots.goTo(roots.totalSteps());
        Screens.settle(display);
        assertEquals(List.of("Guest tables", "TDP tables"), tables.visibleRows());
        assertEquals(0, tables.tablesRead(), "nothing read before a row is opened");

        TreeItem tdp = find(i -> i.getText(0).equals("TDP tables"));
        tables.viewer().expandToLevel(tdp.getData(), 1);
        Screens.settle(display);
        TreeItem rootA = find(i -> i.getText(0).equals("root A"));
        assertNotNull(rootA, tables.visibleRows().toString());
        assertEquals(0, tables.tablesRead(), "listing the roots reads no table");
        tables.viewer().expandToLevel(rootA.getData(), 1);
        Screens.settle(display);
        assertEquals(1, tables.tablesRead(), "opening root A reads its PML4 only");
        assertTrue(find(i -> i.getText(0).startsWith("PML4E[")) != null, tables.visibleRows().toString());

        expandAll("TDP tables");
        // the scenario's memslot allows 2M mappings: gfn 0x600 is mapped by a huge PDE
        TreeItem leaf = find(i -> i.getText(1).equals("gfn 0x600 .. +2M"));
        assertNotNull(leaf, "the SPTE for gfn 0x600: " + tables.visibleRows());
        assertEquals("PDE[3]", leaf.getText(0));
        assertTrue(leaf.getText(3).startsWith("present huge"), leaf.getText(3));

        expandAll("Guest tables");
        TreeItem v0 = find(i -> i.getText(0).equals("vCPU v0"));
        assertTrue(v0.getText(2).startsWith("CR3 0x"), v0.getText(2));
        // the guest maps gva 0x7f0000001000 with a 2M page
        TreeItem gpte = find(i -> i.getText(1).equals("gva 0x7f0000000000 .. +2M"));
        assertNotNull(gpte, "the guest PDE of the accessed gva: " + tables.visibleRows());
        assertEquals("PDE[0]", gpte.getText(0));
        assertTrue(gpte.getText(3).contains("huge"), gpte.getText(3));
        assertTrue(gpte.getText(3).contains("present") && gpte.getText(3).contains("accessed")
                && gpte.getText(3).contains("dirty"), "written by the guest: " + gpte.getText(3));

        ImageData img = Screens.capture(tables.viewer().getTree(), "tables-two-d-walk");
        Rectangle cell = onImage(gpte.getBounds(4));
        RGB background = Screens.pixel(img, cell.x + cell.width - 4, cell.y + cell.height / 2);
        assertEquals(Screens.rgb(PageTablesPanel.DIRTY_BACKGROUND), background, "a dirty entry's row is yellow");
        assertTrue(cellHas(img, onImage(gpte.getBounds(0)), Screens.rgb(PageTablesPanel.HUGE), 90),
                "a huge page's entry is written in blue");
    }

    /** The seed under fifo at its first write-protect, the TDP tables open; returns that step. */
    private long seedAtFirstWriteProtect() {
        assertTrue(roots.open(Screens.example("seed-terminate.tdp")), roots.statusText());
        roots.setPolicy(Policy.FIFO);
        long wrprot = roots.events().stream().filter(e -> e.type().id().equals("spte.wrprot")).findFirst()
                .orElseThrow().step();
        roots.goTo(wrprot);
        Screens.settle(display);
        expandAll("TDP tables");
        return wrprot;
    }

    @Test
    void theTreeFollowsTheStepAndKeepsItsOpenRows() throws Exception {
        long wrprot = seedAtFirstWriteProtect();
        TreeItem wp = find(i -> i.getText(3).contains("write-protected"));
        assertNotNull(wp, "the write-protect walk left write-protected SPTEs: " + tables.visibleRows());
        ImageData img = Screens.capture(tables.viewer().getTree(), "tables-seed-write-protected");
        assertTrue(orangeIn(img, onImage(wp.getBounds(3))), "write-protected entries are drawn in orange");
        TreeItem writable = find(i -> i.getText(0).startsWith("PTE[") && !i.getText(3).contains("write-protected"));
        assertTrue(!orangeIn(img, onImage(writable.getBounds(3))), "writable ones are not");
        int rows = tables.visibleRows().size();

        roots.goTo(0);
        Screens.settle(display);
        assertTrue(tables.visibleRows().contains("  no root yet"), tables.visibleRows().toString());
        Screens.capture(tables.viewer().getTree(), "tables-step-0");

        roots.goTo(wrprot);
        Screens.settle(display);
        assertEquals(rows, tables.visibleRows().size(), "the rows open before are open again");
        assertNotNull(find(i -> i.getText(3).contains("write-protected")));
    }

    /**
     * Who wrote this SPTE? From a TDP entry the run goes to the step of the entry's last change: the
     * event there is that root's, gfn's and level's, and the value it wrote is the value shown; the row
     * stays selected. Double-click does it too; a guest entry has no such step.
     */
    @Test
    void anEntryLeadsToTheStepThatLastChangedIt() throws Exception {
        // where the write-protect walk has just been: tables full of SPTEs of several ages
        long end = seedAtFirstWriteProtect();
        expandAll("Guest tables");
        for (String kind : new String[] { "PTE[", "PML4E[" }) {
            roots.goTo(end);
            Screens.settle(display);
            TreeItem item = find(i -> i.getText(0).startsWith(kind) && i.getParentItem() != null
                    && tables.lastChange((PageTablesPanel.Node) i.getData()) > 0);
            assertNotNull(item, "a TDP " + kind + " row: " + tables.visibleRows());
            PageTablesPanel.Node row = (PageTablesPanel.Node) item.getData();
            String value = item.getText(2);
            assertTrue(tables.goToLastChange(row));
            Screens.settle(display);
            long at = roots.step();
            assertTrue(at > 0 && at <= end, "step " + at);
            TraceEvent e = roots.events().get((int) at - 1);
            assertTrue(e.type().id().startsWith("spte."), e.toString());
            assertEquals(row.path.split("/")[1], e.root());
            assertEquals(row.base, e.gfn());
            assertEquals("0x" + Long.toHexString(e.newSpte()), value, "the last change wrote the value shown");
            var selection = (org.eclipse.jface.viewers.IStructuredSelection) tables.viewer().getSelection();
            assertEquals(row, selection.getFirstElement(), "the row is still selected");
        }
        // rows that are not TDP entries have no such step: a root, a vCPU (the seed's guests run without paging)
        for (String label : new String[] { "root A", "vCPU v0" }) {
            TreeItem other = find(i -> i.getText(0).equals(label));
            assertNotNull(other, label + " in " + tables.visibleRows());
            assertEquals(-1, tables.lastChange((PageTablesPanel.Node) other.getData()), label);
        }
        // double-click on the write-protected leaf goes to the write-protect walk's visit
        roots.goTo(end);
        Screens.settle(display);
        TreeItem wp = find(i -> i.getText(3).contains("write-protected"));
        assertNotNull(wp, tables.visibleRows().toString());
        tables.viewer().setSelection(new org.eclipse.jface.viewers.StructuredSelection(wp.getData()));
        tables.viewer().getTree().notifyListeners(SWT.DefaultSelection, new org.eclipse.swt.widgets.Event());
        Screens.settle(display);
        assertEquals("spte.wrprot", roots.events().get((int) roots.step() - 1).type().id());

        // guest entries live in guest memory, not in the trace: no step either
        assertTrue(roots.open(Screens.example("two-d-walk.tdp")), roots.statusText());
        roots.goTo(roots.totalSteps());
        Screens.settle(display);
        expandAll("Guest tables");
        TreeItem guest = find(i -> i.getText(0).startsWith("PML4E[") && ((PageTablesPanel.Node) i.getData()).guest);
        assertNotNull(guest, tables.visibleRows().toString());
        assertEquals(-1, tables.lastChange((PageTablesPanel.Node) guest.getData()));
    }
}
