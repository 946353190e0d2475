/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/** PNG from the same Scene as the SVG: decoded and sampled where the shapes are. */
class PngRendererTest {

    private static Scene scene() {
        Scene s = new Scene(200, 100, "t", "#ffffff");
        s.rect("root-A", 10, 10, 80, 50, 8, "#d0e4ff", "#1f6feb", 2, null);
        s.rect("root-B", 110, 10, 80, 50, 8, "#ffe2b8", "#bc4c00", 2, "6 4");
        s.text(50, 85, "tdp_mmu_roots", 12, "#1f2328", "middle", true);
        s.polygon("#8250df", 140, 70, 160, 70, 150, 90);
        return s;
    }

    @Test
    void pixelsAreTheScenesColours() throws Exception {
        byte[] png = PngRenderer.png(scene(), 1);
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(200, img.getWidth());
        assertEquals(0xd0e4ff, img.getRGB(30, 35) & 0xffffff, "inside A: valid fill");
        assertEquals(0xffe2b8, img.getRGB(150, 35) & 0xffffff, "inside B: invalid fill");
        assertEquals(0xffffff, img.getRGB(100, 35) & 0xffffff, "between the boxes: background");
        assertEquals(0x8250df, img.getRGB(150, 75) & 0xffffff, "the cursor triangle");
        int dark = 0;
        for (int x = 0; x < 200; x++) {
            for (int y = 72; y < 90; y++) {
                dark += (img.getRGB(x, y) & 0xff) < 0x80 && (img.getRGB(x, y) & 0xffffff) != 0x8250df ? 1 : 0;
            }
        }
        assertTrue(dark > 20, "the label's glyphs are drawn: " + dark + " dark pixels");
        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        Files.write(shots.resolve("png-renderer.png"), png);
    }

    @Test
    void scaleDoublesTheSizeAndRenderingIsDeterministic() throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(PngRenderer.png(scene(), 2)));
        assertEquals(400, img.getWidth());
        assertEquals(200, img.getHeight());
        assertArrayEquals(PngRenderer.png(scene(), 2), PngRenderer.png(scene(), 2));
    }
}
