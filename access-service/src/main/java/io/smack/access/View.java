package io.smack.access;

import com.typesafe.config.ConfigException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A family of views: the endpoints one access service serves when it is deployed for them alone
 * ({@code ACCESS_VIEWS}), so that each feature of the API scales on its own behind the balancer.
 * One image serves any of them; every instance serves its own health, metrics and {@code
 * openapi.json} besides.
 *
 * <p>The families follow the load, not the tables: {@link #LATEST} is one read of one row and what
 * a dashboard polls, {@link #QUOTES} and {@link #BARS} are paged ranges that a burst can make
 * heavy, {@link #PREDICTIONS} evaluates models.
 */
enum View {
  /** {@code /quotes/{symbol}/latest}: the newest quote of a symbol. */
  LATEST,
  /** {@code /symbols}, {@code /quotes/{symbol}}: the symbols and their quotes over a range. */
  QUOTES,
  /** {@code /bars/{symbol}}, {@code /features/{symbol}}: one-minute bars and their features. */
  BARS,
  /** {@code /predictions/{symbol}} and its errors: live forecasts against what happened. */
  PREDICTIONS,
  /** {@code /models/{symbol}}: the trained models, their metrics and the one served. */
  MODELS,
  /** {@code /status}, {@code /catalog}: the pipeline's verdict and what the API reads. */
  STATUS,
  /** {@code /} and its scripts: the page that charts the API. */
  PAGE;

  /** The name {@code ACCESS_VIEWS} gives it. */
  String setting() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The families a comma-separated list names: {@code all}, or names of {@link View} in any case.
   * An empty list or an unknown name stops the service naming the setting and the known names.
   */
  static Set<View> parse(String list) {
    String[] names =
        Arrays.stream(list.split(","))
            .map(String::strip)
            .filter(n -> !n.isEmpty())
            .toArray(String[]::new);
    if (names.length == 1 && names[0].equalsIgnoreCase("all")) {
      return EnumSet.allOf(View.class);
    }
    if (names.length == 0) {
      throw bad("'" + list + "' names no view");
    }
    Set<View> views = EnumSet.noneOf(View.class);
    for (String name : names) {
      views.add(
          Arrays.stream(values())
              .filter(view -> view.setting().equalsIgnoreCase(name))
              .findFirst()
              .orElseThrow(() -> bad("'" + name + "' is not a view")));
    }
    return views;
  }

  /** The names of {@code views}, as {@code ACCESS_VIEWS} takes them. */
  static String names(Set<View> views) {
    return views.stream().map(View::setting).collect(Collectors.joining(","));
  }

  private static ConfigException bad(String problem) {
    return new ConfigException.BadValue(
        "smack.access.views",
        problem
            + " (ACCESS_VIEWS): all, or a comma-separated list of "
            + names(EnumSet.allOf(View.class)));
  }
}
