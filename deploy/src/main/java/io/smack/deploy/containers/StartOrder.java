package io.smack.deploy.containers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The apps in the order Marathon starts a group: each after the apps it depends on. */
public final class StartOrder {

  private StartOrder() {}

  /**
   * @throws IllegalArgumentException naming an app whose dependency is not in the group, or a cycle
   */
  public static List<App> of(List<App> apps) {
    Map<String, App> byId = new LinkedHashMap<>();
    apps.forEach(app -> byId.put(app.id(), app));
    List<App> order = new ArrayList<>();
    List<String> visiting = new ArrayList<>();
    for (App app : apps) {
      visit(app, byId, visiting, order);
    }
    return order;
  }

  private static void visit(
      App app, Map<String, App> byId, List<String> visiting, List<App> order) {
    if (order.contains(app)) {
      return;
    }
    if (visiting.contains(app.id())) {
      throw new IllegalArgumentException("the dependencies of " + visiting + " form a cycle");
    }
    visiting.add(app.id());
    for (String dependency : app.dependencies()) {
      App needed = byId.get(dependency);
      if (needed == null) {
        throw new IllegalArgumentException(
            app.id() + " depends on " + dependency + ", which is not in the group");
      }
      visit(needed, byId, visiting, order);
    }
    visiting.remove(app.id());
    order.add(app);
  }
}
