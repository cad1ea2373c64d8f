package io.smack.common;

import java.util.List;
import java.util.Optional;

/**
 * The access services the API is split into: one image, each service started with the families of
 * views it serves ({@code ACCESS_VIEWS}), each scaled on its own behind one balancer that routes by
 * path. The deploy files ({@code deploy/marathon/access-*.json}) and the local cluster's HAProxy
 * follow this table; the deploy module's tests hold the Marathon labels to it, and the access
 * service names the service of a view it does not serve from it.
 *
 * <p>The families are split by load: {@code latest} is one row read that dashboards poll, {@code
 * quotes} and {@code bars} are paged ranges that a burst makes heavy, {@code predictions} and
 * {@code models} evaluate and describe models, {@code status} and {@code page} are what people look
 * at.
 */
public final class AccessServices {

  /**
   * One service: its name (the Marathon app {@code /smack/NAME}), the families it serves, and the
   * HAProxy condition that routes a request to it ({@code path_beg} or {@code path_reg}, as
   * marathon-lb writes them); empty for the service that takes what no other takes.
   */
  public record Service(String name, List<String> views, Optional<String> route) {

    /** {@code ACCESS_VIEWS} of its instances. */
    public String setting() {
      return String.join(",", views);
    }
  }

  /**
   * The services in the order the balancer tries their routes: {@code /quotes/{symbol}/latest}
   * before the other {@code /quotes/} paths, the one without a route last.
   */
  public static final List<Service> ALL =
      List.of(
          // a symbol is one path segment: /quotes/{symbol}/latest and nothing longer
          new Service(
              "access-latest", List.of("latest"), Optional.of("path_reg ^/quotes/[^/]+/latest$")),
          new Service(
              "access-series",
              List.of("quotes", "bars"),
              Optional.of("path_beg /symbols /quotes/ /bars/ /features/")),
          new Service(
              "access-predictions",
              List.of("predictions", "models"),
              Optional.of("path_beg /predictions/ /models/")),
          // the page, /status and /catalog, and an instance's own endpoints through the balancer
          new Service("access-status", List.of("status", "page"), Optional.empty()));

  private AccessServices() {}

  /** The service that serves the family of views {@code view}, e.g. {@code latest}. */
  public static Optional<Service> serving(String view) {
    return ALL.stream().filter(s -> s.views().contains(view)).findFirst();
  }

  /** The service by its name. */
  public static Optional<Service> named(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
