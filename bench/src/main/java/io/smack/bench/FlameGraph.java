package io.smack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sampled stacks in the collapsed format ({@code root;...;leaf count}, as async-profiler and
 * flamegraph.pl's stackcollapse write them), and their flame graph as a static SVG.
 *
 * <p>Why a renderer of our own: async-profiler's own graph is an HTML page with a script, which a
 * README cannot show and a review cannot diff; flamegraph.pl is not packaged where this project
 * builds. The drawing is Brendan Gregg's, upside down (an icicle graph, flamegraph.pl's {@code
 * --inverted}): a frame's width is its share of the samples, its callees below it, siblings in name
 * order, a tooltip with its samples. Upside down because Spark's stacks run hundreds of frames
 * deep: the wide frames, at the root, are then where a browser opens the page.
 */
final class FlameGraph {

  private static final int WIDTH = 1200;
  private static final int FRAME = 16;
  private static final int TOP = 48;
  private static final double MIN_WIDTH = 1.0;
  private static final double CHAR = 6.6;

  private final Map<String, Long> stacks;

  private FlameGraph(Map<String, Long> stacks) {
    this.stacks = stacks;
  }

  /** The stacks of a collapsed file; a missing file is an empty profile. */
  static FlameGraph read(Path collapsed) throws IOException {
    return Files.exists(collapsed) ? parse(Files.readAllLines(collapsed)) : parse(List.of());
  }

  static FlameGraph parse(List<String> lines) {
    Map<String, Long> stacks = new LinkedHashMap<>();
    for (String line : lines) {
      int cut = line.lastIndexOf(' ');
      if (cut > 0) {
        stacks.merge(
            line.substring(0, cut), Long.parseLong(line.substring(cut + 1).trim()), Long::sum);
      }
    }
    return new FlameGraph(stacks);
  }

  /** The samples of both. */
  FlameGraph plus(FlameGraph other) {
    Map<String, Long> sum = new LinkedHashMap<>(stacks);
    other.stacks.forEach((stack, count) -> sum.merge(stack, count, Long::sum));
    return new FlameGraph(sum);
  }

  long samples() {
    return stacks.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Each stack ({@code root;...;leaf}) with its samples. */
  Map<String, Long> stacks() {
    return stacks;
  }

  /** The flame graph, titled, with the total below the title. */
  String svg(String title, String subtitle) {
    Node root = new Node("all");
    stacks.forEach((stack, count) -> root.add(stack.split(";"), count));
    double scale = (double) (WIDTH - 20) / Math.max(1, root.samples);
    // as tall as the frames drawn: Spark's stacks run hundreds deep in frames too narrow to draw
    int depth = root.depth((long) Math.ceil(MIN_WIDTH / scale));
    int height = TOP + (depth + 1) * FRAME + 8;
    StringBuilder svg = new StringBuilder();
    svg.append("<?xml version=\"1.0\" standalone=\"no\"?>\n")
        .append("<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" font-family=\"Verdana, sans-serif\" font-size=\"11\">\n")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#f8f8f4\"/>\n")
        .append("<text x=\"")
        .append(WIDTH / 2)
        .append("\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">")
        .append(escape(title))
        .append("</text>\n<text x=\"")
        .append(WIDTH / 2)
        .append("\" y=\"38\" text-anchor=\"middle\" fill=\"#555\">")
        .append(escape(subtitle))
        .append("</text>\n");
    draw(svg, root, 0, 0, scale, height, root.samples);
    return svg.append("</svg>\n").toString();
  }

  private static void draw(
      StringBuilder svg, Node node, double x, int level, double scale, int height, long total) {
    double width = node.samples * scale;
    if (width < MIN_WIDTH) {
      return;
    }
    double left = 10 + x;
    int y = TOP + level * FRAME;
    svg.append(
            String.format(
                "<g><title>%s (%,d samples, %.2f%%)</title>",
                escape(node.name), node.samples, 100.0 * node.samples / total))
        .append(
            String.format(
                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\""
                    + " fill=\"%s\"/>",
                left, y, width, FRAME - 1, color(node.name)));
    int fits = (int) ((width - 6) / CHAR);
    if (fits >= 3) {
      String label =
          node.name.length() <= fits ? node.name : node.name.substring(0, fits - 2) + "..";
      svg.append(
          String.format(
              "<text x=\"%.1f\" y=\"%d\">%s</text>", left + 3, y + FRAME - 4, escape(label)));
    }
    svg.append("</g>\n");
    double childX = x;
    for (Node child : node.children.values()) {
      draw(svg, child, childX, level + 1, scale, height, total);
      childX += child.samples * scale;
    }
  }

  /** Java frames in greens, the JVM's and the kernel's native frames in reds, by name. */
  private static String color(String name) {
    int hash = Math.abs(name.hashCode() % 1000);
    boolean java = name.contains("/") || name.contains(".");
    int red = java ? 50 + hash % 60 : 200 + hash % 55;
    int green = java ? 170 + hash % 70 : 80 + hash % 80;
    int blue = java ? 50 + hash % 40 : 40 + hash % 30;
    return String.format("rgb(%d,%d,%d)", red, green, blue);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** A frame in one place of the call tree and its samples, those of its callees included. */
  private static final class Node {
    final String name;
    final Map<String, Node> children = new TreeMap<>();
    long samples;

    Node(String name) {
      this.name = name;
    }

    void add(String[] frames, long count) {
      samples += count;
      Node node = this;
      for (String frame : frames) {
        node = node.children.computeIfAbsent(frame, Node::new);
        node.samples += count;
      }
    }

    /** The levels below this node that hold a node of at least {@code samples}. */
    int depth(long samples) {
      int deepest = 0;
      List<Node> level = wide(children.values(), samples);
      while (!level.isEmpty()) {
        deepest++;
        List<Node> next = new ArrayList<>();
        level.forEach(n -> next.addAll(wide(n.children.values(), samples)));
        level = next;
      }
      return deepest;
    }

    private static List<Node> wide(java.util.Collection<Node> nodes, long samples) {
      return nodes.stream().filter(n -> n.samples >= samples).toList();
    }
  }
}
