/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.export;

/**
 * Writes a {@link Scene} as SVG, deterministically: fixed element and attribute order, integer
 * coordinates, text kept as real {@code <text>}, stable ids, no timestamps.
 */
public final class SvgRenderer {

    private SvgRenderer() {
    }

    public static String render(Scene scene) {
        StringBuilder sb = new StringBuilder(8192);
        header(sb, scene.width(), scene.height(), scene.title(), scene.background(), arrowColour(scene));
        shapes(sb, scene, "");
        return sb.append("</svg>\n").toString();
    }

    /** The prologue: XML declaration, svg element, title, the arrow marker if any, the background. */
    static void header(StringBuilder sb, int width, int height, String title, String background, String arrowColour) {
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n");
        sb.append("<title>").append(escape(title)).append("</title>\n");
        if (arrowColour != null) {
            sb.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" ")
                    .append("markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"")
                    .append(arrowColour).append("\"/></marker></defs>\n");
        }
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"").append(background).append("\"/>\n");
    }

    /** The colour of the first arrow line, or null when the scene has no arrow. */
    static String arrowColour(Scene scene) {
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Line l && l.arrow()) {
                return l.stroke();
            }
        }
        return null;
    }

    /** The scene's shapes, one element a line. */
    static void shapes(StringBuilder sb, Scene scene, String idPrefix) {
        for (Scene.Shape s : scene.shapes()) {
            if (s instanceof Scene.Rect r) {
                rect(sb, r, idPrefix);
            } else if (s instanceof Scene.Line l) {
                sb.append("<line x1=\"").append(l.x1()).append("\" y1=\"").append(l.y1()).append("\" x2=\"")
                        .append(l.x2()).append("\" y2=\"").append(l.y2()).append("\" stroke=\"").append(l.stroke())
                        .append("\" stroke-width=\"").append(l.width()).append('"');
                if (l.arrow()) {
                    sb.append(" marker-end=\"url(#arrow)\"");
                }
                sb.append("/>\n");
            } else if (s instanceof Scene.Text t) {
                sb.append("<text x=\"").append(t.x()).append("\" y=\"").append(t.y()).append("\" font-size=\"")
                        .append(t.size()).append("\" fill=\"").append(t.fill()).append('"');
                if (!t.anchor().equals("start")) {
                    sb.append(" text-anchor=\"").append(t.anchor()).append('"');
                }
                if (t.bold()) {
                    sb.append(" font-weight=\"bold\"");
                }
                sb.append('>').append(escape(t.text())).append("</text>\n");
            } else if (s instanceof Scene.Polygon p) {
                sb.append("<polygon points=\"");
                for (int i = 0; i < p.points().length; i += 2) {
                    if (i > 0) {
                        sb.append(' ');
                    }
                    sb.append(p.points()[i]).append(',').append(p.points()[i + 1]);
                }
                sb.append("\" fill=\"").append(p.fill()).append("\"/>\n");
            }
        }
    }

    private static void rect(StringBuilder sb, Scene.Rect r, String idPrefix) {
        sb.append("<rect");
        if (r.id() != null) {
            sb.append(" id=\"").append(escape(idPrefix + r.id())).append('"');
        }
        sb.append(" x=\"").append(r.x()).append("\" y=\"").append(r.y()).append("\" width=\"").append(r.w())
                .append("\" height=\"").append(r.h()).append("\" rx=\"").append(r.radius()).append("\" fill=\"")
                .append(r.fill()).append("\" stroke=\"").append(r.stroke()).append("\" stroke-width=\"")
                .append(r.strokeWidth()).append('"');
        if (r.dash() != null) {
            sb.append(" stroke-dasharray=\"").append(r.dash()).append('"');
        }
        sb.append("/>\n");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 ? ' ' : c);
            }
        }
        return out.toString();
    }
}
