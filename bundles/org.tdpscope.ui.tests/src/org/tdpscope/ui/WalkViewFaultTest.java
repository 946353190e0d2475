/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.export.Scene;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.ui.testing.Screens;

/**
 * The Walk panel on a run whose guest access faults: the failing reference is drawn with the banner naming its
 * check (asserted on the pixels), the position label says which reference failed and why, and the EPT violation
 * met on the way is listed with its exit qualification.
 */
class WalkViewFaultTest {

    /** v0 writes a read-only guest page: an EPT violation on the guest tables (served), then a guest #PF. */
    private static final String SCENARIO = """
            scenario "a faulting write" {
              vm {
                memslot 0: gfn 0x0 .. 0x1000
                tdp 4-level, accessed-dirty on
                guest paging 4-level
                vcpu v0 role default
                guest maps:
                  map gva 0x400000 .. +16K -> gpa 0x600000 ro 4K
              }
              threads {
                vcpu v0: load root; access gva 0x400000 write
              }
            }
            """;

    @TempDir
    Path dir;

    private Display display;
    private Shell shell;
    private RootsPanel roots;
    private WalkPanel walk;
    private SceneCanvas canvas;
    private final Consumer<RootsPanel> follow = p -> canvas.setScene(walk.follow(p));

    @BeforeEach
    void open() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1300, 1000);
        SashForm sash = new SashForm(shell, SWT.VERTICAL);
        roots = new RootsPanel(sash, SWT.NONE);
        roots.setAnimated(false);
        walk = new WalkPanel(sash, SWT.NONE);
        canvas = new SceneCanvas(walk.body(), SWT.NONE);
        walk.setCanvas(canvas);
        sash.setWeights(new int[] { 25, 75 });
        RunSelection.listen(follow);
        shell.open();
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        RunSelection.unlisten(follow);
        shell.dispose();
    }

    private Scene.Rect rect(String id) {
        for (Scene.Shape s : canvas.scene().shapes()) {
            if (s instanceof Scene.Rect r && id.equals(r.id())) {
                return r;
            }
        }
        throw new AssertionError(id + " is not drawn");
    }

    private List<String> texts() {
        return canvas.scene().shapes().stream().filter(s -> s instanceof Scene.Text).map(s -> ((Scene.Text) s).text())
                .toList();
    }

    @Test
    void theFailingReferenceIsDrawnAndNamed() throws Exception {
        Path file = dir.resolve("fault.tdp");
        Files.writeString(file, SCENARIO);
        assertTrue(roots.open(file), roots.statusText());
        long access = -1;
        for (TraceEvent e : roots.events()) {
            if (e.type().id().equals("access")) {
                access = e.step();
            }
        }
        assertTrue(access > 0, "the run has an access event");
        roots.goTo(access);
        Screens.settle(display);

        assertEquals("v0", walk.subjectCombo().getText());
        assertEquals("reference 16 / 16 — failed at reference 16: guest PTE is read-only (R/W=0): supervisor write"
                + " with CR0.WP=1", walk.positionText());
        Scene.Rect cell = rect("ref-16");
        Scene.Rect banner = rect("fail-16");
        assertTrue(texts().contains("✗ R/W=0: read-only"), texts().toString());
        ImageData img = Screens.capture(canvas, "walk-fault");
        assertEquals(Screens.rgb(cell.stroke()), Screens.pixel(img, cell.x(), cell.y() + cell.h() / 2),
                "the failing cell's red outline");
        assertEquals(Screens.rgb(banner.fill()), Screens.pixel(img, banner.x() + 4, banner.y() + banner.h() / 2),
                "the banner");
        assertTrue(Screens.count(img, Screens.rgb(banner.fill()), 0) > banner.w() * banner.h() / 2,
                "the banner is painted");

        // stepping back to reference 15 leaves the failing cell unlit; the label drops nothing of the failure
        walk.buttons()[1].notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
        assertTrue(walk.positionText().startsWith("reference 15 / 16 — failed at reference 16"), walk.positionText());
        assertTrue(canvas.scene().shapes().stream().noneMatch(s -> s instanceof Scene.Rect r
                && "fail-16".equals(r.id())), "no banner before the failing reference is read");

        // the EPT violation of the same access, with its qualification
        String[] items = walk.subjectCombo().getItems();
        assertEquals(List.of("v0", "v0 · EPT violation 1"), List.of(items));
        walk.subjectCombo().select(1);
        walk.subjectCombo().notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
        assertEquals("reference 1 / 1 — failed at reference 1: EPT PML4E not present (read/write of guest PML4E,"
                + " EPT A/D on), exit qualification 0x83", walk.positionText());
        assertTrue(texts().stream().anyMatch(t -> t.contains("qual=0x83")), texts().toString());
        assertTrue(texts().contains("exit qualification 0x83: read+write; gpa was not present; guest paging entry"),
                texts().toString());
        Screens.capture(canvas, "walk-fault-exit");
    }
}
