package io.smack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How marathon-lb routes the apps of a group on its one HTTP entry point (port 80), read from their
 * labels as marathon-lb reads them: an app with {@code HAPROXY_0_VHOST} is reached through that
 * host; {@code HAPROXY_0_PATH} adds a {@code path_beg} condition (a space-separated list), which an
 * app may replace by its own ACL line ({@code HAPROXY_0_HTTP_FRONTEND_ACL_WITH_PATH}, e.g. a {@code
 * path_reg}); the {@code use_backend} lines are ordered by {@code HAPROXY_0_BACKEND_WEIGHT}, higher
 * first; an app of the host without a path takes what no path took.
 *
 * <p>The deploy rules check the labels with it before anything is sent, the deploy tests hold the
 * routes to the API's families, and the containers run puts a real HAProxy with these routes in
 * front of the access services.
 */
public final class MarathonLb {

  /** The per-app ACL override, and the line of it that names the path condition. */
  static final String ACL_WITH_PATH = "HAPROXY_0_HTTP_FRONTEND_ACL_WITH_PATH";

  static final String HTTPS_ACL_WITH_PATH = "HAPROXY_0_HTTPS_FRONTEND_ACL_ONLY_WITH_PATH";
  private static final Pattern PATH_ACL =
      Pattern.compile("^\\s*acl path_\\{backend} (.+)$", Pattern.MULTILINE);

  /**
   * One app's route: the app's name (the last segment of its id), the HAProxy condition on the path
   * ({@code path_beg /bars/}, {@code path_reg ^...$}; empty: every path of its host), and its
   * weight.
   */
  public record Route(String app, Optional<String> condition, int weight) {

    /**
     * Whether HAProxy's condition holds for {@code path}, as {@code path_beg} and {@code path_reg}
     * do.
     */
    boolean matches(String path) {
      if (condition.isEmpty()) {
        return true;
      }
      String[] words = condition.get().trim().split("\\s+");
      List<String> values = List.of(words).subList(1, words.length);
      return switch (words[0]) {
        case "path_beg" -> values.stream().anyMatch(path::startsWith);
        case "path_reg" -> values.stream().anyMatch(r -> Pattern.compile(r).matcher(path).find());
        default -> throw new IllegalArgumentException("not a path condition: " + condition.get());
      };
    }
  }

  private MarathonLb() {}

  /**
   * The routes of the apps reached through a virtual host, in the order marathon-lb writes their
   * {@code use_backend} lines: higher weight first, an app's place in the list among equals.
   */
  public static List<Route> routes(List<JsonNode> apps) {
    List<Route> routes = new ArrayList<>();
    for (JsonNode app : apps) {
      JsonNode labels = app.path("labels");
      if (!labels.has("HAPROXY_0_VHOST")) {
        continue;
      }
      String id = app.path("id").asText();
      routes.add(
          new Route(
              id.substring(id.lastIndexOf('/') + 1), condition(labels), weight(labels).orElse(0)));
    }
    routes.sort(Comparator.comparingInt(Route::weight).reversed());
    return routes;
  }

  /** The app whose backend answers {@code path}: the first route it matches. */
  public static Optional<String> routedTo(List<Route> routes, String path) {
    return routes.stream().filter(r -> r.matches(path)).map(Route::app).findFirst();
  }

  /** The problems of the marathon-lb labels of a group's apps; empty when they route. */
  static List<String> check(List<JsonNode> apps) {
    List<String> problems = new ArrayList<>();
    Map<String, List<String>> catchAll = new TreeMap<>();
    for (JsonNode app : apps) {
      JsonNode labels = app.path("labels");
      String where = "app " + app.path("id").asText("?") + ".labels";
      boolean vhost = labels.has("HAPROXY_0_VHOST");
      if (labels.has("HAPROXY_0_PATH") && !vhost) {
        problems.add(
            where
                + ".HAPROXY_0_PATH: marathon-lb routes a path only on a virtual host;"
                + " set HAPROXY_0_VHOST");
      }
      if (labels.has("HAPROXY_0_BACKEND_WEIGHT") && weight(labels).isEmpty()) {
        problems.add(
            where
                + ".HAPROXY_0_BACKEND_WEIGHT: '"
                + labels.get("HAPROXY_0_BACKEND_WEIGHT").asText()
                + "' is not an integer");
      }
      for (String override : List.of(ACL_WITH_PATH, HTTPS_ACL_WITH_PATH)) {
        if (labels.has(override)) {
          if (!labels.has("HAPROXY_0_PATH")) {
            problems.add(
                where + "." + override + ": marathon-lb uses it only with HAPROXY_0_PATH set");
          }
          if (overridden(labels.get(override).asText()).isEmpty()) {
            problems.add(
                where + "." + override + ": no 'acl path_{backend} CONDITION' line to route by");
          }
        }
      }
      if (labels.has(ACL_WITH_PATH)
          && !labels.get(ACL_WITH_PATH).asText().contains("use_backend {backend} if")) {
        problems.add(where + "." + ACL_WITH_PATH + ": no 'use_backend {backend} if' line");
      }
      if (labels.has(ACL_WITH_PATH)
          && !overridden(labels.get(ACL_WITH_PATH).asText())
              .equals(overridden(labels.path(HTTPS_ACL_WITH_PATH).asText()))) {
        problems.add(
            where
                + "."
                + HTTPS_ACL_WITH_PATH
                + ": routes HTTPS by another condition than "
                + ACL_WITH_PATH
                + " routes HTTP");
      }
      if (vhost && !labels.has("HAPROXY_0_PATH")) {
        catchAll
            .computeIfAbsent(labels.get("HAPROXY_0_VHOST").asText(), h -> new ArrayList<>())
            .add(app.path("id").asText());
      }
    }
    catchAll.forEach(
        (host, ids) -> {
          if (ids.size() > 1) {
            problems.add(
                "virtual host "
                    + host
                    + ": apps without HAPROXY_0_PATH take every path, and "
                    + ids
                    + " are several; only one would answer");
          }
        });
    return problems;
  }

  private static Optional<String> condition(JsonNode labels) {
    if (!labels.has("HAPROXY_0_PATH")) {
      return Optional.empty();
    }
    if (labels.has(ACL_WITH_PATH)) {
      return overridden(labels.get(ACL_WITH_PATH).asText());
    }
    return Optional.of("path_beg " + labels.get("HAPROXY_0_PATH").asText().trim());
  }

  private static Optional<String> overridden(String template) {
    Matcher acl = PATH_ACL.matcher(template);
    return acl.find() ? Optional.of(acl.group(1).trim()) : Optional.empty();
  }

  private static Optional<Integer> weight(JsonNode labels) {
    try {
      return Optional.of(Integer.parseInt(labels.path("HAPROXY_0_BACKEND_WEIGHT").asText("0")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
