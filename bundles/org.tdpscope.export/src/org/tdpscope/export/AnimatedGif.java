/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * An animated GIF of any frames, for the places that take no SVG animation (mail, chat, slides):
 * each frame rendered by {@link PngRenderer}'s Java2D path on a canvas the size of the largest
 * frame, written with javax.imageio's GIF writer, the NETSCAPE2.0 extension looping forever and a
 * delay per frame; after the first frame, only the rectangle that changed (nothing is disposed). Deterministic: each frame's palette is computed from its own pixels (exact when
 * the frame has at most 256 colours, as flat diagrams with anti-aliased text usually do; otherwise
 * the 256 most frequent colours and the nearest of them), with no clock and no hash order.
 */
public final class AnimatedGif {

    static final String GIF_IMAGE_METADATA = "javax_imageio_gif_image_1.0";

    private AnimatedGif() {
    }

    /**
     * The frames as a looping GIF; frame {@code i} is shown {@code delays[i]} hundredths of a
     * second.
     */
    public static byte[] gif(List<Scene> frames, int[] delays, String background, int scale) {
        if (frames.isEmpty() || delays.length != frames.size()) {
            throw new IllegalArgumentException(frames.size() + " frames, " + delays.length + " delays");
        }
        int width = 1;
        int height = 1;
        for (Scene f : frames) {
            width = Math.max(width, f.width());
            height = Math.max(height, f.height());
        }
        // a GIF is at most 65,535 pixels a side; the declared limit keeps far below it
        width = Math.min(width, Scene.MAX_SIDE);
        height = Math.min(height, Scene.MAX_SIDE);
        scale = PngRenderer.fit(new Scene(width, height, "", background), scale);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            writer.prepareWriteSequence(null);
            int[] previous = null;
            for (int i = 0; i < frames.size(); i++) {
                BufferedImage full = frame(frames.get(i), width, height, background, scale);
                int w = full.getWidth();
                int h = full.getHeight();
                int[] pixels = full.getRGB(0, 0, w, h, null, 0, w);
                // after the first frame only the rectangle that changed is written (frames are not disposed, so the
                // rest stays as the frame before left it): a few boxes change a step, not the whole picture
                int[] box = previous == null ? new int[] { 0, 0, w, h } : changed(previous, pixels, w, h);
                BufferedImage img = indexed(box[0] == 0 && box[1] == 0 && box[2] == w && box[3] == h ? full
                        : full.getSubimage(box[0], box[1], box[2] - box[0], box[3] - box[1]));
                IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), param);
                control(meta, delays[i], i == 0, box[0], box[1]);
                writer.writeToSequence(new IIOImage(img, null, meta), param);
                previous = pixels;
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to grow
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The rectangle {x0, y0, x1, y1} (end exclusive) where two frames differ; one pixel when they do not. */
    static int[] changed(int[] a, int[] b, int w, int h) {
        int x0 = w;
        int y0 = h;
        int x1 = 0;
        int y1 = 0;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                if (a[row + x] != b[row + x]) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x + 1);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y + 1);
                }
            }
        }
        return x1 == 0 ? new int[] { 0, 0, 1, 1 } : new int[] { x0, y0, x1, y1 };
    }

    /** A frame drawn at the top left of a {@code width} x {@code height} canvas of the background colour. */
    static BufferedImage frame(Scene scene, int width, int height, String background, int scale) {
        BufferedImage img = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(PngRenderer.colour(background));
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.drawImage(PngRenderer.image(scene, scale), 0, 0, null);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The image with a palette of its own colours: the most frequent first, ties by RGB value. */
    static BufferedImage indexed(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] pixels = rgb.getRGB(0, 0, w, h, null, 0, w);
        Map<Integer, int[]> counts = new HashMap<>();
        // diagrams are mostly runs of one colour: count a run at a time
        for (int i = 0; i < pixels.length;) {
            int c = pixels[i] & 0xffffff;
            int j = i + 1;
            while (j < pixels.length && (pixels[j] & 0xffffff) == c) {
                j++;
            }
            counts.computeIfAbsent(c, k -> new int[1])[0] += j - i;
            i = j;
        }
        List<Map.Entry<Integer, int[]>> byCount = new ArrayList<>(counts.entrySet());
        byCount.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Integer.compare(b.getValue()[0], a.getValue()[0])
                : Integer.compare(a.getKey(), b.getKey()));
        int n = Math.min(256, byCount.size());
        int size = 2; // GIF colour tables have a power-of-two size
        while (size < n) {
            size *= 2;
        }
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        int[] palette = new int[n];
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int c = byCount.get(i).getKey();
            palette[i] = c;
            r[i] = (byte) (c >> 16);
            g[i] = (byte) (c >> 8);
            b[i] = (byte) c;
            index.put(c, i);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, size, r, g, b));
        WritableRaster raster = out.getRaster();
        int[] row = new int[w];
        int previous = -1;
        int previousIndex = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = pixels[y * w + x] & 0xffffff;
                if (c != previous) {
                    previous = c;
                    previousIndex = index.computeIfAbsent(c, k -> nearest(palette, k));
                }
                row[x] = previousIndex;
            }
            raster.setPixels(0, y, w, 1, row);
        }
        return out;
    }

    private static int nearest(int[] palette, int c) {
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int i = 0; i < palette.length; i++) {
            int dr = ((palette[i] >> 16) & 0xff) - ((c >> 16) & 0xff);
            int dg = ((palette[i] >> 8) & 0xff) - ((c >> 8) & 0xff);
            int db = (palette[i] & 0xff) - (c & 0xff);
            long d = (long) dr * dr + (long) dg * dg + (long) db * db;
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }

    /** The frame's delay, no disposal, and on the first frame the NETSCAPE2.0 loop-forever block. */
    private static void control(IIOMetadata meta, int delay, boolean first, int left, int top)
            throws IIOInvalidTreeException {
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(GIF_IMAGE_METADATA);
        IIOMetadataNode descriptor = child(root, "ImageDescriptor");
        descriptor.setAttribute("imageLeftPosition", Integer.toString(left));
        descriptor.setAttribute("imageTopPosition", Integer.toString(top));
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delay));
        gce.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] { 1, 0, 0 }); // sub-block 1: loop count 0 = forever
            child(root, "ApplicationExtensions").appendChild(app);
        }
        meta.setFromTree(GIF_IMAGE_METADATA, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        for (int i = 0; i < parent.getLength(); i++) {
            if (parent.item(i).getNodeName().equals(name)) {
                return (IIOMetadataNode) parent.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        parent.appendChild(node);
        return node;
    }
}
