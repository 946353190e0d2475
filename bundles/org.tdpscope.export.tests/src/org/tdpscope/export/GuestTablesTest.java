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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.Kvm;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.Vcpu;
import org.tdpscope.sim.mmu.GuestPte;

/**
 * A vCPU's guest page tables (from its CR3, read from guest memory) drawn with the TDP tables'
 * ELK layout: golden file, flags, gva range, 5-level paging, PNG pixels, determinism.
 */
class GuestTablesTest {

    private static final long ALL = -1L;

    private static Kvm kvm(LoadedScenario s) {
        return new Simulation(s.scenario(), Policy.CONTINUE, e -> { }).run().kvm();
    }

    private static Scene scene(LoadedScenario s, long first, long last, Theme theme) {
        Kvm kvm = kvm(s);
        PageTableDiagram.Forest f = PageTableDiagram.guest(kvm, kvm.vcpu("v0"), first, last, 500);
        return PageTableDiagram.layout(s.name(), "guest page tables of v0", f, theme);
    }

    private static String exported(LoadedScenario s) {
        RunExport.Result r = RunExport.documents("two-d-walk", s.name(), s.scenario(), new RunExport.Choices(
                List.of(RunExport.Diagram.TABLES), List.of(Policy.CONTINUE), Theme.LIGHT, true, false, null, null,
                null));
        for (RunExport.Document d : r.documents()) {
            if (d.name().equals("two-d-walk.continue.tables.guest-v0.svg")) {
                return new String(d.bytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no guest tables among " + r.documents().stream().map(RunExport.Document::name)
                .toList() + " " + r.problems());
    }

    /** How many levels deep the drawn tables go, checking that ELK put each child right of its parent. */
    private static int levelsLeftToRight(LoadedScenario s, long first, long last) {
        Kvm kvm = kvm(s);
        PageTableDiagram.Forest f = PageTableDiagram.guest(kvm, kvm.vcpu("v0"), first, last, 500);
        Map<String, Scene.Rect> boxes = new HashMap<>();
        for (Scene.Shape sh : PageTableDiagram.layout("t", "s", f, Theme.LIGHT).shapes()) {
            if (sh instanceof Scene.Rect r && r.id() != null && r.id().startsWith("g-")) {
                boxes.put(r.id(), r);
            }
        }
        assertEquals(f.tables().size(), boxes.size(), "a box per table");
        Set<String> levels = new HashSet<>();
        for (PageTableDiagram.Table t : f.tables()) {
            levels.add(t.id().split("-")[2]);
            Scene.Rect parent = boxes.get(t.id());
            for (String c : t.children()) {
                Scene.Rect child = boxes.get(c);
                assertTrue(child.x() >= parent.x() + parent.w(), c + " right of " + t.id());
            }
        }
        return levels.size();
    }

    @Test
    void guestTablesOfTheTwoDWalkMatchTheirGoldenFile() throws Exception {
        LoadedScenario s = Golden.example("two-d-walk");
        // the file `tdpscope export examples/two-d-walk.tdp --diagram tables` writes beside the TDP tables
        String svg = exported(s);
        Golden.check("two-d-walk.tables.guest-v0", svg);
        assertEquals(svg, exported(s), "deterministic");
        // PML4 -> two PDPTs -> two PDs -> one PT (the 2M mapping needs none): six tables in four ELK layers
        Scene scene = scene(s, 0, ALL, Theme.LIGHT);
        assertEquals(6, scene.shapes().stream().filter(sh -> sh instanceof Scene.Rect r && r.id() != null
                && r.id().startsWith("g-")).count());
        assertEquals(4, levelsLeftToRight(s, 0, ALL), "PML4, PDPT, PD, PT");
        assertTrue(svg.contains("marker-end=\"url(#arrow)\""), "edges drawn");
    }

    @Test
    void entriesShowTheirFlagsAsTheGuestLeftThem() {
        LoadedScenario s = Golden.example("two-d-walk");
        String svg = SvgRenderer.render(scene(s, 0, ALL, Theme.LIGHT));
        // user rw 2M page, read then written by v0: accessed and dirty
        assertTrue(svg.contains("gva 0x7f0000000000 2M gpa 0x200000 P RW US -- A D"), svg);
        // ro supervisor 4K pages; v0 fetched the first: accessed, not dirty; the others untouched
        assertTrue(svg.contains("[  0] gva 0x400000 4K gpa 0x600000 P -- -- -- A -"), svg);
        assertTrue(svg.contains("[  1] gva 0x401000 4K gpa 0x601000 P -- -- -- - -"), svg);
        assertTrue(svg.contains(">v0 CR3 · PML4 · gpa 0x"), "the root is CR3's table");
        // every drawn leaf agrees with the raw entry in guest memory
        Kvm kvm = kvm(s);
        Vcpu v0 = kvm.vcpu("v0");
        long pml4 = v0.regs().cr3 & GuestPte.PFN_MASK;
        long pml4e = kvm.memslots().readGpa(pml4 + 8L * GuestPte.index(0x7f0000000000L, 4));
        assertTrue((pml4e & GuestPte.P) != 0 && (pml4e & GuestPte.US) != 0);
        assertTrue(svg.contains("gva 0x7f0000000000 → PDPT 0x" + Long.toHexString(GuestPte.address(pml4e, 4))),
                "the PML4E points to the PDPT it names");
    }

    @Test
    void aGvaRangeKeepsOnlyTheTablesThatMapIt() {
        LoadedScenario s = Golden.example("two-d-walk");
        Scene scene = scene(s, 0x400000, 0x401fff, Theme.LIGHT);
        String svg = SvgRenderer.render(scene);
        assertFalse(svg.contains("0x7f0000000000"), "the 2M mapping is outside the range");
        assertTrue(svg.contains("gva 0x400000 4K") && svg.contains("gva 0x401000 4K"));
        assertFalse(svg.contains("gva 0x402000 4K"), "past the range's end");
        assertEquals(4, levelsLeftToRight(s, 0x400000, 0x401fff), "PML4, PDPT, PD, PT");
    }

    @Test
    void fiveLevelPagingStartsAtPml5() throws Exception {
        String text = Files.readString(Golden.EXAMPLES.resolve("two-d-walk.tdp")).replace("guest paging 4-level",
                "guest paging 5-level");
        LoadedScenario s = Golden.load(text, "five.tdp");
        Kvm kvm = kvm(s);
        assertEquals(5, kvm.vcpu("v0").regs().levels());
        Scene scene = scene(s, 0, ALL, Theme.LIGHT);
        String svg = SvgRenderer.render(scene);
        assertTrue(svg.contains(">v0 CR3 · PML5 · gpa 0x"), svg);
        assertEquals(5, levelsLeftToRight(s, 0, ALL), "PML5 to PT");
        assertTrue(svg.contains("gva 0x7f0000000000 2M gpa 0x200000 P RW US -- A D"));
    }

    @Test
    void aVcpuWithoutGuestPagingHasNoGuestTables() {
        LoadedScenario s = Golden.example("seed-terminate");
        Kvm kvm = kvm(s);
        for (Vcpu v : kvm.vcpus()) {
            assertFalse(PageTableDiagram.hasGuestTables(kvm, v), v.name());
            assertTrue(PageTableDiagram.guest(kvm, v, 0, ALL, 500).tables().isEmpty());
        }
    }

    @Test
    void pngOfTheGuestTablesHasTheSceneColours() throws Exception {
        LoadedScenario s = Golden.example("two-d-walk");
        for (Theme theme : Theme.values()) {
            Scene scene = scene(s, 0, ALL, theme);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(PngRenderer.png(scene, 1)));
            assertEquals(scene.width(), img.getWidth());
            assertEquals(scene.height(), img.getHeight());
            assertEquals(rgb(theme.background), img.getRGB(2, 2) & 0xffffff, "background");
            List<Scene.Rect> tables = scene.shapes().stream().filter(sh -> sh instanceof Scene.Rect r
                    && r.id() != null && r.id().startsWith("g-")).map(sh -> (Scene.Rect) sh)
                    .collect(Collectors.toList());
            Scene.Rect root = tables.get(0);
            assertTrue(root.id().contains("-L4-"), root.id());
            // inside each box, below its last line of text: the fill (CR3's table as a root, the others plain)
            for (Scene.Rect t : tables) {
                String fill = t == root ? theme.invalidFill : theme.validFill;
                assertEquals(rgb(fill), img.getRGB(t.x() + t.w() - 6, t.y() + t.h() - 4) & 0xffffff, t.id());
            }
            Path shots = Path.of("target/screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("guest-tables-" + theme.name().toLowerCase() + ".png"), PngRenderer.png(scene,
                    2));
        }
    }

    private static int rgb(String hex) {
        return Integer.parseInt(hex.substring(1), 16);
    }
}
