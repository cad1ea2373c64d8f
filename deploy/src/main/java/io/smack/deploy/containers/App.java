package io.smack.deploy.containers;

import java.time.Duration;
import java.util.List;

/**
 * A Marathon app as the launcher runs it: a container per placed instance, the checks Marathon
 * polls, the apps it waits for, how it is stopped and how soon it is started again.
 *
 * @param id the app's Marathon id, {@code /smack/access-service}
 * @param part the app's last path segment, {@code access-service}
 * @param asked the instances the definition asks for
 * @param instances a container each, those placed on this one host
 * @param ports the host ports of the app's ports, in their order (bridge: where each container port
 *     is published)
 * @param killGrace between the SIGTERM and the SIGKILL of a stop
 */
public record App(
    String id,
    String part,
    int asked,
    List<ContainerSpec> instances,
    List<Integer> ports,
    List<HealthCheck> healthChecks,
    List<Readiness> readinessChecks,
    List<String> dependencies,
    Duration killGrace,
    Backoff backoff) {

  /** A Marathon readiness check: ready when a GET of {@code path} answers one of {@code ready}. */
  public record Readiness(
      String name,
      String path,
      int port,
      Duration interval,
      Duration timeout,
      List<Integer> ready) {

    public Readiness {
      ready = List.copyOf(ready);
    }
  }

  public App {
    instances = List.copyOf(instances);
    ports = List.copyOf(ports);
    healthChecks = List.copyOf(healthChecks);
    readinessChecks = List.copyOf(readinessChecks);
    dependencies = List.copyOf(dependencies);
  }
}
