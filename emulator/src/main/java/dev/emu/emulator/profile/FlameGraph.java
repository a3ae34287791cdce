package dev.emu.emulator.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A self-contained SVG flame graph of folded stacks, in the layout of flamegraph.pl: the roots
 * (the comm) at the bottom, each frame a rectangle as wide as its share of the samples, its
 * callees stacked on it, children in name order. Every frame has a {@code <title>} (shown on
 * hover: name, samples, percentage) and, when wide enough, a label; colours come from a hash of
 * the name (warm hues, as flamegraph.pl's default), so a function keeps its colour from run to
 * run. A small embedded script zooms on click (a frame and its callees fill the width;
 * clicking the background resets); nothing is loaded from elsewhere.
 */
public final class FlameGraph {
    private FlameGraph() {}

    static final int WIDTH = 1200, FRAME_HEIGHT = 16, PAD_TOP = 40, PAD_BOTTOM = 30, PAD_SIDE = 10;
    /** Frames narrower than this many pixels are left out (flamegraph.pl's minwidth 0.1). */
    static final double MIN_WIDTH = 0.1;
    /** Width of one character of the 12px monospace-ish font, for truncating labels. */
    static final double CHAR_WIDTH = 12 * 0.59;

    /** A node of the merged call tree. */
    static final class Node {
        final String name;
        long samples;
        final TreeMap<String, Node> children = new TreeMap<>();

        Node(String name) {
            this.name = name;
        }
    }

    /** The call tree of {@code stacks} under a root holding all samples. */
    static Node tree(Map<String, Long> stacks) {
        Node root = new Node("all");
        stacks.forEach((stack, count) -> {
            root.samples += count;
            Node n = root;
            for (String f : stack.split(";")) {
                n = n.children.computeIfAbsent(f, Node::new);
                n.samples += count;
            }
        });
        return root;
    }

    /** The SVG document for {@code stacks}, titled {@code title}. */
    public static String svg(Map<String, Long> stacks, String title) {
        Node root = tree(stacks);
        int depth = depth(root);
        int height = PAD_TOP + (depth + 1) * FRAME_HEIGHT + PAD_BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" standalone=\"no\"?>\n");
        sb.append("<svg version=\"1.1\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" onload=\"init(evt)\">\n");
        sb.append("<style>text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n")
                .append(".frame:hover rect { stroke: black; stroke-width: 0.5; cursor: pointer; }\n")
                .append("#title { font-size: 17px; text-anchor: middle; }</style>\n");
        sb.append("<script type=\"text/ecmascript\"><![CDATA[\n").append(SCRIPT).append("]]></script>\n");
        sb.append("<rect id=\"background\" x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" fill=\"rgb(238,238,238)\"/>\n");
        sb.append("<text id=\"title\" x=\"").append(WIDTH / 2).append("\" y=\"24\">").append(escape(title)).append("</text>\n");
        sb.append("<text id=\"details\" x=\"").append(PAD_SIDE).append("\" y=\"").append(height - 10).append("\"> </text>\n");
        sb.append("<g id=\"frames\">\n");
        double scale = root.samples == 0 ? 0 : (WIDTH - 2.0 * PAD_SIDE) / root.samples;
        emit(sb, root, PAD_SIDE, 0, depth, height, scale, root.samples);
        sb.append("</g>\n</svg>\n");
        return sb.toString();
    }

    private static int depth(Node n) {
        int d = 0;
        for (Node c : n.children.values()) {
            d = Math.max(d, 1 + depth(c));
        }
        return d;
    }

    private static void emit(StringBuilder sb, Node n, double x, int level, int depth, int height, double scale, long total) {
        double w = n.samples * scale;
        if (w < MIN_WIDTH) {
            return;
        }
        double y = height - PAD_BOTTOM - (level + 1) * FRAME_HEIGHT;
        String pct = total == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.2f", 100.0 * n.samples / total);
        String info = n.name + " (" + n.samples + " sample" + (n.samples == 1 ? "" : "s") + ", " + pct + "%)";
        sb.append("<g class=\"frame\"><title>").append(escape(info)).append("</title>");
        sb.append(String.format(java.util.Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" rx=\"2\" ry=\"2\"/>",
                x, y, w, FRAME_HEIGHT - 1, level == 0 ? "rgb(220,220,220)" : colour(n.name)));
        sb.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + FRAME_HEIGHT - 4.5))
                .append(escape(label(n.name, w))).append("</text></g>\n");
        double cx = x;
        for (Node c : n.children.values()) {
            emit(sb, c, cx, level + 1, depth, height, scale, total);
            cx += c.samples * scale;
        }
    }

    /** The name cut to fit {@code width} pixels ("..." at the end), or empty when not even two characters fit. */
    static String label(String name, double width) {
        int fit = (int) ((width - 6) / CHAR_WIDTH);
        if (fit < 3) {
            return "";
        }
        return name.length() <= fit ? name : name.substring(0, fit - 2) + "..";
    }

    /** A warm colour from a hash of the name (flamegraph.pl's "hot" palette, deterministic). */
    static String colour(String name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            h = h * 31 + name.charAt(i);
        }
        h ^= h >>> 16;
        double v1 = (h & 0xff) / 255.0, v2 = ((h >>> 8) & 0xff) / 255.0, v3 = ((h >>> 16) & 0xff) / 255.0;
        int r = 205 + (int) (50 * v3), g = (int) (230 * v1), b = (int) (55 * v2);
        return "rgb(" + r + "," + g + "," + b + ")";
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c < 0x20 ? '?' : c);
            }
        }
        return sb.toString();
    }

    /** Hover shows the frame's title at the bottom; click zooms on a frame, the background resets. */
    private static final String SCRIPT = """
            var details, frames, full;
            function init(evt) {
              details = document.getElementById("details").firstChild;
              frames = document.getElementById("frames");
              full = [];
              for (var g of frames.children) {
                var r = g.querySelector("rect");
                full.push([g, +r.getAttribute("x"), +r.getAttribute("width")]);
                g.addEventListener("mouseover", function () { details.nodeValue = this.querySelector("title").textContent; });
                g.addEventListener("mouseout", function () { details.nodeValue = " "; });
                g.addEventListener("click", function (e) { zoom(this); e.stopPropagation(); });
              }
              document.getElementById("background").addEventListener("click", function () { zoom(null); });
            }
            function zoom(target) {
              var x0 = 10, w0 = %d - 20, ty = Infinity;
              if (target) {
                var tr = target.querySelector("rect");
                x0 = +tr.getAttribute("x"); w0 = +tr.getAttribute("width"); ty = +tr.getAttribute("y");
              }
              var k = (%d - 20) / w0;
              for (var f of full) {
                var g = f[0], r = g.querySelector("rect"), t = g.querySelector("text");
                var y = +r.getAttribute("y");
                var inside = f[1] >= x0 - 0.01 && f[1] + f[2] <= x0 + w0 + 0.01;
                var show = !target || (inside && y <= ty) || (y > ty && f[1] <= x0 + 0.01 && f[1] + f[2] >= x0 + w0 - 0.01);
                g.style.display = show ? "" : "none";
                var nx = show ? 10 + (Math.max(f[1], x0) - x0) * k : f[1];
                var nw = show ? Math.min(f[2], w0) * k : f[2];
                if (!target) { nx = f[1]; nw = f[2]; }
                r.setAttribute("x", nx); r.setAttribute("width", nw);
                t.setAttribute("x", nx + 3);
                var name = g.querySelector("title").textContent.replace(/ \\([^(]*\\)$/, "");
                var fit = Math.floor((nw - 6) / %s);
                t.textContent = fit < 3 ? "" : name.length <= fit ? name : name.substring(0, fit - 2) + "..";
              }
            }
            """.formatted(WIDTH, WIDTH, Double.toString(CHAR_WIDTH));

    /** The frames of {@code stacks} as (depth, name, samples) in drawing order, for tests. */
    static List<String> frames(Map<String, Long> stacks) {
        List<String> out = new ArrayList<>();
        collect(tree(stacks), 0, out);
        return out;
    }

    private static void collect(Node n, int level, List<String> out) {
        out.add(level + " " + n.name + " " + n.samples);
        for (Node c : n.children.values()) {
            collect(c, level + 1, out);
        }
    }
}
