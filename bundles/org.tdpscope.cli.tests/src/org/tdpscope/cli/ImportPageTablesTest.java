/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tdpscope import TRACE --svg DIR} also draws the page tables it reconstructed, when the trace showed
 * any, beside the two timelines, and says whose they are with {@code --window}.
 */
class ImportPageTablesTest {

    /** The captures live with the trace reader's tests. */
    private static final Path CAPTURES = Path.of("../org.tdpscope.trace.tests/resources").toAbsolutePath()
            .normalize();
    private static final String BASE = "01-linuxmaxxing-virt-ept-seg1-root1-create-faults-zap-start";

    @Test
    void capture01sPageTablesAreDrawnAndListed(@TempDir Path dir) throws IOException {
        MainTest.Outcome o = MainTest.tdpscope("import", CAPTURES.resolve(BASE + ".txt").toString(), "--svg", dir
                .toString(), "--png");
        assertEquals(0, o.code(), o.err());
        Path svg = dir.resolve(BASE + ".page-tables.svg");
        assertTrue(o.out().contains("diagram: " + svg + " (reconstructed page tables)"), o.out());
        assertTrue(o.out().contains("diagram: " + dir.resolve(BASE + ".page-tables.png")), o.out());
        assertTrue(o.out().contains("diagram: " + dir.resolve(BASE + ".trace-timeline.svg")), "the timelines too");
        String text = Files.readString(svg);
        assertTrue(text.contains("root A (inferred)"), "no tracepoint names a root: it is said to be inferred");
        assertTrue(text.contains("A · L3 · hpa 0x18af606000"), "the level-3 table below it");
        assertTrue(text.contains("[  0] gfn 0x0 empty 0x0 · set at line 48"), "who set the SPTE");
        byte[] png = Files.readAllBytes(dir.resolve(BASE + ".page-tables.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }

    @Test
    void withAWindowTheTablesAreSaidToBeTheWholeTraces(@TempDir Path dir) throws IOException {
        MainTest.Outcome o = MainTest.tdpscope("import", CAPTURES.resolve(BASE + ".txt").toString(), "--svg", dir
                .toString(), "--window", "14..40");
        assertEquals(0, o.code(), o.err());
        Path svg = dir.resolve(BASE + ".page-tables.svg");
        assertTrue(o.out().contains("diagram: " + svg + " (reconstructed page tables of the whole trace, not of the "
                + "window)"), o.out());
        // the reconstruction read line 48 though the window ends at 40: the picture says so in its title
        String text = Files.readString(svg);
        assertTrue(text.contains("the whole trace's tables, not only lines 14..40"), "the title says whose");
        assertTrue(text.contains("set at line 48"));
    }

    /**
     * The step timeline of capture 01: the root inferred at line 19 is created at step 4 of the whole trace; a window
     * that starts after line 19 begins with that root, drawn at its first step as made earlier, not as made there.
     * The last column, which only carries the lane to the trace's end, says so.
     */
    @Test
    void theStepTimelineSaysWhatItsFirstAndLastColumnsAre(@TempDir Path dir) throws IOException {
        MainTest.Outcome o = MainTest.tdpscope("import", CAPTURES.resolve(BASE + ".txt").toString(), "--svg", dir
                .toString());
        assertEquals(0, o.code(), o.err());
        String whole = Files.readString(dir.resolve(BASE + ".timeline.svg"));
        assertTrue(whole.contains(">create A</text>"), "made within what is drawn");
        assertTrue(whole.contains(">last step</text>"), "the unmarked last column is named");

        Path w = dir.resolve("window");
        o = MainTest.tdpscope("import", CAPTURES.resolve(BASE + ".txt").toString(), "--svg", w.toString(), "--window",
                "30..60");
        assertEquals(0, o.code(), o.err());
        String window = Files.readString(w.resolve(BASE + ".timeline.svg"));
        assertTrue(window.contains(">A from line 19</text>"), "made before the window, at line 19");
        assertFalse(window.contains(">create A</text>"), "not made at the window's first step");
    }

    /**
     * A guest of 300 MiB faulted in 4K pages: 300 L1 tables below one L2. The picture, SVG and PNG alike, shows
     * the root and the upper levels with the L1 tables in rows beside their L2 (as one column they made a
     * picture 45,000 pixels tall whose PNG, cut at 4,096, showed neither root nor L2), as many as fit, the
     * rest counted.
     */
    @Test
    void manyLastLevelTablesAreDrawnInRowsAndThePngShowsTheRoot(@TempDir Path dir) throws IOException {
        StringBuilder b = new StringBuilder("# tracer: nop\n");
        long[] us = { 0 };
        java.util.function.BiConsumer<String, Long> spte = (what, neu) -> b.append(String.format(java.util.Locale.ROOT,
                "       CPU 0/KVM-36697   [000] ...1. 136276.%06d: kvm_tdp_mmu_spte_changed: %s old_spte 0 new_spte "
                        + "%x%n", ++us[0], what, neu));
        spte.accept("as id 0 gfn 0 level 4", 0x18af600907L);
        spte.accept("as id 0 gfn 0 level 3", 0x18af601907L);
        for (int k = 0; k < 300; k++) {
            spte.accept("as id 0 gfn " + Long.toHexString(k * 512L) + " level 2", 0x18b0000907L + 0x1000L * k);
            spte.accept("as id 0 gfn " + Long.toHexString(k * 512L + 7) + " level 1", 0x600000000000b77L | (0x1980000L
                    + k) << 12);
        }
        Path trace = dir.resolve("guest.txt");
        Files.writeString(trace, b);
        Path out = dir.resolve("svg");
        MainTest.Outcome o = MainTest.tdpscope("import", trace.toString(), "--svg", out.toString(), "--png");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("page tables: 303 seen"), o.out());
        String svg = Files.readString(out.resolve("guest.page-tables.svg"));
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("<svg [^>]*width=\"(\\d+)\" height=\"(\\d+)\"")
                .matcher(svg);
        assertTrue(size.find(), svg.substring(0, 300));
        int width = Integer.parseInt(size.group(1));
        int height = Integer.parseInt(size.group(2));
        assertTrue(width <= 4096 && height <= 4096, width + " x " + height);
        assertTrue(svg.contains("root A (inferred)") && svg.contains("A · L3 · hpa 0x18af600000")
                && svg.contains("A · L2 · hpa 0x18af601000"), "the upper levels");
        java.util.regex.Matcher frame = java.util.regex.Pattern.compile(">(\\d+) of 300 tables below A · L2 · hpa "
                + "0x18af601000, in gfn order<").matcher(svg);
        assertTrue(frame.find() || svg.contains(">300 tables below A · L2"), "the L1 tables in a frame that says so");
        int drawn = svg.split("<rect id=\"t-trace-", -1).length - 1;
        assertTrue(drawn >= 100, "a hundred tables at least: " + drawn);
        assertTrue(drawn == 303 || svg.contains("… " + (303 - drawn) + " more tables not drawn"), "the rest counted");
        // the PNG is the whole picture, not its top: the SVG's width and height at one scale (2, or 1 for a large one)
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.resolve("guest.page-tables.png").toFile());
        int scale = png.getWidth() / width;
        assertTrue(scale >= 1 && png.getWidth() == width * scale && png.getHeight() == height * scale, png.getWidth()
                + " x " + png.getHeight() + " for " + width + " x " + height);
    }

    @Test
    void aTraceWithNoTableGetsNoPageTableDiagram(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("faults.txt");
        Files.writeString(trace, "# tracer: nop\n"
                + "             vmm-36697   [031] ..... 136276.020264: kvm_page_fault: vcpu 0 rip 0x0 address "
                + "0x0000000000000000 error_code 0x784\n"
                + "             vmm-36697   [031] ...1. 136276.020295: kvm_mmu_spte_requested: gfn 0 pfn 1980dc3 "
                + "level 1\n");
        Path out = dir.resolve("svg");
        Files.createDirectories(out);
        MainTest.Outcome o = MainTest.tdpscope("import", trace.toString(), "--svg", out.toString(), "--png");
        assertEquals(0, o.code(), o.err());
        assertTrue(Files.exists(out.resolve("faults.trace-timeline.svg")), o.out());
        assertFalse(Files.exists(out.resolve("faults.page-tables.svg")), "no table, no picture");
        assertFalse(Files.exists(out.resolve("faults.page-tables.png")));
        assertTrue(o.out().contains("page tables: 0 seen"), o.out());
        assertFalse(o.out().contains("page-tables") || o.out().contains("reconstructed page tables"), o.out());

        // capture 09 (nested shadow paging, kvm_mmu_get_page of shadow pages only): no TDP table either
        Path out09 = dir.resolve("svg09");
        Files.createDirectories(out09);
        MainTest.Outcome o09 = MainTest.tdpscope("import", CAPTURES.resolve(
                "09-kvm-2019-07-08-kiszka-nested-shadow-get-page-trace-cmd.txt").toString(), "--svg", out09.toString());
        assertEquals(0, o09.code(), o09.err());
        assertTrue(o09.out().contains("page tables: 0 seen"), o09.out());
        try (var files = Files.list(out09)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".svg")).count(),
                    "the trace's timeline only: no step of its records is one the step timeline draws");
        }
        assertTrue(o09.out().contains(".timeline.svg not drawn: none of the trace's records"), o09.out());
        assertFalse(o09.out().contains("page-tables"), o09.out());
    }

    /** A directory of pictures is one import's: a second import's lack of a picture removes the first one's. */
    @Test
    void aSecondImportIntoTheSameFolderLeavesNoPictureOfTheFirst(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("svg");
        Files.createDirectories(out);
        Path first = dir.resolve("a").resolve("cap.txt");
        Path second = dir.resolve("b").resolve("cap.txt");
        Files.createDirectories(first.getParent());
        Files.createDirectories(second.getParent());
        Files.copy(CAPTURES.resolve("01-linuxmaxxing-virt-ept-seg1-root1-create-faults-zap-start.txt"), first);
        Files.copy(CAPTURES.resolve("09-kvm-2019-07-08-kiszka-nested-shadow-get-page-trace-cmd.txt"), second);
        assertEquals(0, MainTest.tdpscope("import", first.toString(), "--svg", out.toString(), "--png").code());
        assertTrue(Files.exists(out.resolve("cap.page-tables.svg")) && Files.exists(out.resolve("cap.page-tables.png")));
        MainTest.Outcome o = MainTest.tdpscope("import", second.toString(), "--svg", out.toString(), "--png");
        assertEquals(0, o.code(), o.err());
        for (String gone : List.of("cap.page-tables.svg", "cap.page-tables.png", "cap.timeline.svg",
                "cap.timeline.png")) {
            assertFalse(Files.exists(out.resolve(gone)), gone + " of the first import");
            assertTrue(o.out().contains("removed: " + out.resolve(gone)), o.out());
        }
        assertTrue(Files.exists(out.resolve("cap.trace-timeline.svg")), "the second import's own");
        // a third without --png: the PNG beside the SVG it rewrites would show the second trace
        assertTrue(Files.exists(out.resolve("cap.trace-timeline.png")));
        MainTest.Outcome third = MainTest.tdpscope("import", first.toString(), "--svg", out.toString());
        assertEquals(0, third.code(), third.err());
        assertFalse(Files.exists(out.resolve("cap.trace-timeline.png")), third.out());
        assertTrue(third.out().contains("removed: " + out.resolve("cap.trace-timeline.png")), third.out());
    }
}
