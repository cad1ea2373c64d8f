package io.smack.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A line chart of time series as an SVG file: one polyline per series on one time axis, labelled
 * ticks on both axes, a legend. Written here rather than with a chart library: a polyline and two
 * axes are a page of code, the file opens in any browser, and its points can be counted (each
 * series is a {@code <polyline data-series="NAME">} of one point per value).
 */
final class SvgChart {

  /** One line: its name and its values at their times, oldest first. */
  record Series(String name, List<Instant> times, double[] values) {}

  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 40;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final int TICKS = 5;
  private static final String[] COLOURS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  private SvgChart() {}

  /** Writes the chart to {@code file}; returns the file. */
  static Path write(Path file, String title, List<Series> series) throws IOException {
    if (series.stream().allMatch(s -> s.values().length == 0)) {
      throw new IllegalArgumentException("nothing to draw: the series are empty");
    }
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    double minValue = Double.MAX_VALUE;
    double maxValue = -Double.MAX_VALUE;
    for (Series s : series) {
      for (int i = 0; i < s.values().length; i++) {
        long t = s.times().get(i).toEpochMilli();
        minTime = Math.min(minTime, t);
        maxTime = Math.max(maxTime, t);
        minValue = Math.min(minValue, s.values()[i]);
        maxValue = Math.max(maxValue, s.values()[i]);
      }
    }
    if (maxTime == minTime) {
      maxTime = minTime + 1;
    }
    if (maxValue == minValue) {
      maxValue = minValue + 1;
    }
    Scale x = new Scale(minTime, maxTime, LEFT, WIDTH - RIGHT);
    Scale y = new Scale(minValue, maxValue, HEIGHT - BOTTOM, TOP);
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n",
            LEFT,
            escape(title)));
    axes(svg, x, y, minTime, maxTime, minValue, maxValue);
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      String colour = COLOURS[k % COLOURS.length];
      svg.append(
          String.format(
              "<polyline data-series=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\""
                  + " points=\"",
              escape(s.name()), colour));
      for (int i = 0; i < s.values().length; i++) {
        svg.append(
            String.format(
                Locale.ROOT,
                "%s%.1f,%.1f",
                i == 0 ? "" : " ",
                x.at(s.times().get(i).toEpochMilli()),
                y.at(s.values()[i])));
      }
      svg.append("\"/>\n");
      // the legend, in the title's row, right-aligned
      int lx = WIDTH - RIGHT - 90 * (series.size() - k);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"16\" x2=\"%d\" y2=\"16\" stroke=\"%s\" stroke-width=\"3\"/>"
                  + "<text class=\"legend\" x=\"%d\" y=\"20\">%s</text>%n",
              lx,
              lx + 20,
              colour,
              lx + 25,
              escape(s.name())));
    }
    svg.append("</svg>\n");
    Path absolute = file.toAbsolutePath();
    if (absolute.getParent() != null) {
      Files.createDirectories(absolute.getParent());
    }
    Files.writeString(absolute, svg, StandardCharsets.UTF_8);
    return absolute;
  }

  private static void axes(
      StringBuilder svg,
      Scale x,
      Scale y,
      long minTime,
      long maxTime,
      double minValue,
      double maxValue) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            LEFT,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
            LEFT,
            TOP,
            LEFT,
            HEIGHT - BOTTOM));
    DateTimeFormatter format = timeFormat(Duration.ofMillis(maxTime - minTime));
    for (int i = 0; i <= TICKS; i++) {
      long t = minTime + (maxTime - minTime) * i / TICKS;
      double value = minValue + (maxValue - minValue) * i / TICKS;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=\"x-tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x.at(t),
              HEIGHT - BOTTOM + 18,
              format.format(Instant.ofEpochMilli(t))));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=\"y-tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              LEFT - 6,
              y.at(value) + 4,
              String.format(Locale.ROOT, "%.2f", value)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (UTC)</text>%n",
            (LEFT + WIDTH - RIGHT) / 2,
            HEIGHT - 10));
  }

  /** Dates for a span of days or more, times of day for a shorter one. */
  private static DateTimeFormatter timeFormat(Duration span) {
    String pattern = span.toDays() >= 2 ? "yyyy-MM-dd" : "HH:mm:ss";
    return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
  }

  /** A linear map of [from, to] onto [start, end] in pixels. */
  private record Scale(double from, double to, double start, double end) {
    double at(double value) {
      return start + (value - from) / (to - from) * (end - start);
    }
  }
}
