/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;
import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RootListSnapshot;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Simulation;
import org.tdpscope.sim.TraceEvent;

/**
 * The animated GIF of the root list: frame count, delays, the loop extension, determinism, and
 * each frame's pixels against the static root-list diagram at that frame's step.
 */
class AnimatedGifTest {

    private static final Policy POLICY = Policy.TERMINATE;

    /** The static roots diagram at {@code step}, drawn as {@code tdpscope export --step N} draws it. */
    private static Scene staticRoots(LoadedScenario s, long step) {
        List<TraceEvent> all = new ArrayList<>();
        Simulation.run(s.scenario(), POLICY, all);
        long total = all.get(all.size() - 1).step();
        List<TraceEvent> events = new ArrayList<>();
        Simulation sim = new Simulation(s.scenario(), POLICY, events::add);
        RunResult run = sim.runTo(step);
        return RootListDiagram.layout(s.name(), RootListSnapshot.of(sim, events.get(events.size() - 1)),
                run.violations(), Theme.LIGHT, total);
    }

    private static List<Long> steps(LoadedScenario s) {
        List<TraceEvent> events = new ArrayList<>();
        Simulation.run(s.scenario(), POLICY, events);
        return AnimatedRootList.frameSteps(events);
    }

    @Test
    void gifHasOneFramePerStepWithItsDelayAndLoops() throws Exception {
        LoadedScenario s = Golden.example("seed-terminate");
        List<Scene> frames = AnimatedRootList.frames(s.name(), s.scenario(), POLICY, Theme.LIGHT);
        byte[] gif = AnimatedRootList.gif(frames, Theme.LIGHT);
        assertEquals("GIF89a", new String(gif, 0, 6, StandardCharsets.US_ASCII));
        assertArrayEquals(gif, AnimatedRootList.gif(AnimatedRootList.frames(s.name(), s.scenario(), POLICY,
                Theme.LIGHT), Theme.LIGHT), "same run, same bytes");
        assertTrue(frames.size() > 5, frames.size() + " frames");
        assertEquals(steps(s).size(), frames.size());

        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            assertEquals(frames.size(), reader.getNumImages(true));
            for (int k = 0; k < frames.size(); k++) {
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(k)
                        .getAsTree(AnimatedGif.GIF_IMAGE_METADATA);
                IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
                int want = k == frames.size() - 1 ? 100 * AnimatedRootList.GIF_LAST_FRAME_HOLD : 100;
                assertEquals(Integer.toString(want), gce.getAttribute("delayTime"), "frame " + k);
                IIOMetadataNode app = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
                if (k == 0) {
                    assertNotNull(app, "NETSCAPE2.0 on the first frame");
                    assertEquals("NETSCAPE", app.getAttribute("applicationID"));
                    assertEquals("2.0", app.getAttribute("authenticationCode"));
                    assertArrayEquals(new byte[] { 1, 0, 0 }, (byte[]) app.getUserObject(), "loop forever");
                }
            }
        } finally {
            reader.dispose();
        }
        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        Files.write(shots.resolve("seed-terminate.animated.gif"), gif);
    }

    @Test
    void frameKShowsTheStaticRootListAtItsStep() throws Exception {
        LoadedScenario s = Golden.example("seed-terminate");
        List<Scene> frames = AnimatedRootList.frames(s.name(), s.scenario(), POLICY, Theme.LIGHT);
        List<Long> steps = steps(s);
        byte[] gif = AnimatedRootList.gif(frames, Theme.LIGHT);
        int width = frames.stream().mapToInt(Scene::width).max().orElseThrow();
        int height = frames.stream().mapToInt(Scene::height).max().orElseThrow();
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            // the picture a viewer shows: each frame's rectangle drawn over what the frames before left
            BufferedImage shown = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            for (int k = 0; k < frames.size(); k++) {
                Scene still = staticRoots(s, steps.get(k));
                assertEquals(SvgRenderer.render(still), SvgRenderer.render(frames.get(k)), "frame " + k
                        + " is the roots diagram at step " + steps.get(k));
                BufferedImage decoded = reader.read(k);
                IIOMetadataNode d = (IIOMetadataNode) ((IIOMetadataNode) reader.getImageMetadata(k)
                        .getAsTree(AnimatedGif.GIF_IMAGE_METADATA)).getElementsByTagName("ImageDescriptor").item(0);
                int left = Integer.parseInt(d.getAttribute("imageLeftPosition"));
                int top = Integer.parseInt(d.getAttribute("imageTopPosition"));
                if (k == 0) {
                    assertEquals(width, decoded.getWidth(), "the first frame is whole");
                    assertEquals(height, decoded.getHeight());
                } else {
                    assertTrue(decoded.getWidth() * decoded.getHeight() < width * height, "frame " + k
                            + ": only the rectangle that changed");
                }
                java.awt.Graphics2D g = shown.createGraphics();
                g.drawImage(decoded, left, top, null);
                g.dispose();
                // the still's own Java2D rendering, but for a few anti-aliased edge pixels past 256 colours
                BufferedImage raw = AnimatedGif.frame(still, width, height, Theme.LIGHT.background, 1);
                int same = 0;
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        same += (shown.getRGB(x, y) & 0xffffff) == (raw.getRGB(x, y) & 0xffffff) ? 1 : 0;
                    }
                }
                double exact = same / (double) (width * height);
                assertTrue(exact > 0.99, "frame " + k + ": " + exact + " of the pixels exact");
            }
        } finally {
            reader.dispose();
        }
    }

    @Test
    void aFrameWithFewColoursIsLossless() {
        Scene scene = new Scene(40, 20, "t", Theme.LIGHT.background);
        scene.rect("r", 5, 5, 20, 10, 0, Theme.LIGHT.validFill, Theme.LIGHT.validStroke, 1, null);
        BufferedImage raw = PngRenderer.image(scene, 1);
        BufferedImage indexed = AnimatedGif.indexed(raw);
        for (int y = 0; y < raw.getHeight(); y++) {
            for (int x = 0; x < raw.getWidth(); x++) {
                assertEquals(raw.getRGB(x, y), indexed.getRGB(x, y), x + "," + y);
            }
        }
    }
}
