/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.export.RunExport.Choices;
import org.tdpscope.export.RunExport.Diagram;
import org.tdpscope.export.RunExport.Document;
import org.tdpscope.export.RunExport.Result;
import org.tdpscope.sim.Kvm;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.mmu.EptExitQualification;
import org.tdpscope.sim.mmu.MemRef;
import org.tdpscope.sim.mmu.TwoDResult;

/**
 * A faulting 2-D walk is drawn with its failing reference: a red outline and a banner naming the check on the
 * entry that failed, the failure and (for an EPT violation) the exit qualification in the last lines.
 */
class FaultingWalkDiagramTest {

    /** v0 writes a read-only guest page (#PF at the guest PTE, after one EPT violation on the guest tables); v1
     * then reads it (an EPT violation on the data gpa, which KVM serves). */
    static final String SCENARIO = """
            scenario "faulting walks" {
              vm {
                memslot 0: gfn 0x0 .. 0x1000
                tdp 4-level, accessed-dirty on
                guest paging 4-level
                vcpu v0 role default
                vcpu v1 role default
                guest maps:
                  map gva 0x400000 .. +16K -> gpa 0x600000 ro 4K
              }
              threads {
                vcpu v0: load root; access gva 0x400000 write
                vcpu v1: load root; access gva 0x400000 read
              }
            }
            """;

    private final LoadedScenario scenario = Golden.load(SCENARIO, "faulting-walks.tdp");
    private final Kvm kvm = new Simulation(scenario.scenario(), Policy.CONTINUE, e -> {
    }).run().kvm();

    private static Scene.Rect rect(Scene s, String id) {
        return s.shapes().stream().filter(sh -> sh instanceof Scene.Rect r && id.equals(r.id()))
                .map(sh -> (Scene.Rect) sh).findFirst().orElseThrow(() -> new AssertionError("no " + id));
    }

    private static List<String> texts(Scene s) {
        return s.shapes().stream().filter(sh -> sh instanceof Scene.Text).map(sh -> ((Scene.Text) sh).text())
                .toList();
    }

    @Test
    void aGuestPageFaultMarksTheGuestEntryThatDeniedIt() throws Exception {
        TwoDResult pf = kvm.lastWalk("v0");
        assertEquals(TwoDResult.Kind.GUEST_PAGE_FAULT, pf.kind());
        assertEquals(16, pf.failingReference(), "the guest PTE read, after 3 × (3 EPT + 1) + 3 EPT (2M EPT)");
        for (Theme theme : Theme.values()) {
            Scene s = TwoDWalkDiagram.layout(scenario.name(), "v0", pf, theme);
            Scene.Rect cell = rect(s, "ref-16");
            assertEquals(theme.violation, cell.stroke());
            assertEquals(3, cell.strokeWidth());
            Scene.Rect banner = rect(s, "fail-16");
            assertEquals(theme.violation, banner.fill());
            assertTrue(banner.x() >= cell.x() && banner.y() >= cell.y()
                    && banner.y() + banner.h() <= cell.y() + cell.h(), "the banner sits in the failing cell");
            for (MemRef m : pf.refs()) {
                if (m.index() != 16) {
                    assertFalse(theme.violation.equals(rect(s, "ref-" + m.index()).stroke()), "only one cell fails");
                }
            }
            List<String> texts = texts(s);
            assertTrue(texts.contains("✗ R/W=0: read-only"), texts.toString());
            assertTrue(texts.contains("16 memory references; failed at reference 16: guest PTE is read-only (R/W=0):"
                    + " supervisor write with CR0.WP=1"), texts.toString());
            Golden.check("faulting-walks.walk.v0" + (theme == Theme.DARK ? ".dark" : ""), SvgRenderer.render(s));
            // the PNG: the banner in the theme's violation colour, its label's pixels in the background colour
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(PngRenderer.png(s, 1)));
            assertEquals(rgb(theme.violation), img.getRGB(banner.x() + 4, banner.y() + banner.h() / 2) & 0xffffff);
            assertEquals(rgb(theme.violation), img.getRGB(cell.x(), cell.y() + cell.h() / 2) & 0xffffff,
                    "the red outline");
            boolean label = false;
            for (int x = banner.x() + 10; x < banner.x() + banner.w() - 10; x++) {
                label |= (img.getRGB(x, banner.y() + banner.h() / 2) & 0xffffff) == rgb(theme.background);
            }
            assertTrue(label, "the check's words are written on the banner");
            Path shots = Path.of("target/screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("faulting-walk-" + theme.name().toLowerCase() + ".png"), PngRenderer.png(s, 1));
        }
    }

    @Test
    void anEptViolationShowsItsQualification() throws Exception {
        List<TwoDResult> exits = TwoDWalkDiagram.lastExits(kvm.vcpu("v1"));
        TwoDResult data = exits.get(exits.size() - 1);
        assertEquals(TwoDResult.Kind.EPT_VIOLATION, data.kind());
        assertEquals(0x181, EptExitQualification.of(data), "read, not present, final gpa");
        Scene s = TwoDWalkDiagram.layout(scenario.name(), TwoDWalkDiagram.exitName("v1", exits.size()), data,
                Theme.LIGHT);
        int k = data.failingReference();
        assertEquals(2, data.refs().get(k - 1).eptLevel(), "the data gpa's EPT PDE: not present yet");
        assertEquals(0, data.refs().get(k - 1).guestLevel());
        assertEquals(Theme.LIGHT.violation, rect(s, "ref-" + k).stroke());
        List<String> texts = texts(s);
        assertTrue(texts.contains("✗ not present (R=W=X=0)"), texts.toString());
        assertTrue(texts.contains("exit qualification 0x181: read; gpa was not present; final gpa"), texts.toString());
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("v1 · EPT violation " + exits.size()
                + ": EPT_VIOLATION at gpa=0x600000 qual=0x181")), texts.toString());
        Golden.check("faulting-walks.walk.v1.exit", SvgRenderer.render(s));

        // stepped to the failing reference, the caption says what failed there
        Scene stepped = TwoDWalkDiagram.layout(scenario.name(), "v1", data, Theme.LIGHT, k);
        assertTrue(texts(stepped).stream().anyMatch(t -> t.startsWith("reference " + k + " / " + k + ": data × EPT L2")
                && t.endsWith(" — ✗ EPT PDE not present (read access)")), texts(stepped).toString());
    }

    @Test
    void exportWritesTheExitsOfTheLastAccess() {
        Result r = RunExport.documents("faulting-walks", scenario.name(), scenario.scenario(), new Choices(
                List.of(Diagram.WALK), List.of(Policy.CONTINUE), Theme.LIGHT, true, false, null, null, null, null));
        assertEquals(List.of(), r.problems());
        List<String> names = r.documents().stream().map(Document::name).toList();
        assertEquals(List.of("faulting-walks.continue.walk.v0.svg", "faulting-walks.continue.walk.v0.exit1.svg",
                "faulting-walks.continue.walk.v1.svg", "faulting-walks.continue.walk.v1.exit1.svg"), names);
        String exit = new String(r.documents().get(3).bytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(exit.contains("exit qualification 0x181"), exit);
    }

    private static int rgb(String hex) {
        return Integer.parseInt(hex.substring(1), 16);
    }
}
