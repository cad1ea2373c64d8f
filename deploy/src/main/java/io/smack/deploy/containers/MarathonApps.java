package io.smack.deploy.containers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Marathon app definition turned into the containers of its tasks, as Marathon and a Mesos agent
 * would start them: the image with {@code args} after it, {@code env} (made local by {@link
 * LocalSite}) with the variables Marathon gives every task ({@code HOST}, {@code PORT0}, {@code
 * PORT_NAME}, {@code PORTS}, {@code MARATHON_APP_ID}, {@code MESOS_TASK_ID}), {@code cpus} and
 * {@code mem} as limits, the volumes, the health and readiness checks on the ports they name. Pure:
 * a free port comes from the site.
 */
public final class MarathonApps {

  private MarathonApps() {}

  public static App read(JsonNode app, Path file, LocalSite site) {
    String id = text(app, "id", file);
    String part = id.substring(id.lastIndexOf('/') + 1);
    JsonNode container = app.path("container");
    String image = container.path("docker").path("image").asText("");
    if (image.isEmpty()) {
      throw new DescriptorException(file, "container.docker.image", "missing");
    }
    if (app.has("cmd")) {
      throw new DescriptorException(
          file, "cmd", "the launcher runs images with their own entry point; use args");
    }
    String network = app.path("networks").path(0).path("mode").asText("host");
    List<String> portNames = new ArrayList<>();
    List<Integer> ports = ports(app, network, file, site, portNames);
    int asked = app.path("instances").asInt(1);
    boolean unique = false;
    for (JsonNode constraint : app.path("constraints")) {
      unique |=
          constraint.path(0).asText().equals("hostname")
              && constraint.path(1).asText().equals("UNIQUE");
    }
    int placed = unique ? Math.min(asked, 1) : asked;
    List<ContainerSpec> instances = new ArrayList<>();
    for (int i = 1; i <= placed; i++) {
      instances.add(
          container(app, file, site, part, image, ports, portNames, id, "smack-" + part + "-" + i));
    }
    List<HealthCheck> health = new ArrayList<>();
    JsonNode checks = app.path("healthChecks");
    for (int i = 0; i < checks.size(); i++) {
      health.add(healthCheck(checks.get(i), "healthChecks[" + i + "]", ports, file));
    }
    List<App.Readiness> readiness = new ArrayList<>();
    JsonNode ready = app.path("readinessChecks");
    for (int i = 0; i < ready.size(); i++) {
      readiness.add(readiness(ready.get(i), "readinessChecks[" + i + "]", ports, portNames, file));
    }
    List<String> dependencies = new ArrayList<>();
    app.path("dependencies").forEach(d -> dependencies.add(d.asText()));
    return new App(
        id,
        part,
        asked,
        instances,
        ports,
        health,
        readiness,
        dependencies,
        Duration.ofSeconds(app.path("taskKillGracePeriodSeconds").asLong(3)),
        new Backoff(
            Duration.ofMillis(Math.round(app.path("backoffSeconds").asDouble(1) * 1000)),
            app.path("backoffFactor").asDouble(1.15),
            Duration.ofSeconds(app.path("maxLaunchDelaySeconds").asLong(300))));
  }

  /**
   * The task's ports on this machine: a host-network app's {@code portDefinitions} get free ports
   * (port 0) or their own; a bridge app's {@code portMappings} are served on their {@code
   * containerPort}, the container sharing the host's network (see {@link LocalSite}).
   */
  private static List<Integer> ports(
      JsonNode app, String network, Path file, LocalSite site, List<String> names) {
    List<Integer> ports = new ArrayList<>();
    if (network.equals("host")) {
      for (JsonNode definition : app.path("portDefinitions")) {
        int port = definition.path("port").asInt(0);
        ports.add(port == 0 ? site.freePorts().getAsInt() : port);
        names.add(definition.path("name").asText(""));
      }
    } else if (network.equals("container/bridge")) {
      JsonNode mappings = app.path("container").path("portMappings");
      for (int i = 0; i < mappings.size(); i++) {
        int port = mappings.get(i).path("containerPort").asInt(0);
        if (port <= 0) {
          throw new DescriptorException(
              file, "container.portMappings[" + i + "].containerPort", "a bridge port needs one");
        }
        ports.add(port);
        names.add(mappings.get(i).path("name").asText(""));
      }
    } else {
      throw new DescriptorException(file, "networks[0].mode", "'" + network + "' is not run here");
    }
    return ports;
  }

  private static ContainerSpec container(
      JsonNode app,
      Path file,
      LocalSite site,
      String part,
      String image,
      List<Integer> ports,
      List<String> portNames,
      String id,
      String name) {
    Map<String, String> descriptor = new LinkedHashMap<>();
    app.path("env")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual()) {
                throw new DescriptorException(
                    file,
                    "env." + e.getKey(),
                    "a secret reference: the local run has no secret store; set it as a string");
              }
              descriptor.put(e.getKey(), e.getValue().asText());
            });
    Map<String, String> env = new TreeMap<>(site.environment(descriptor, part));
    env.put("HOST", LocalSite.HOST);
    env.put("MARATHON_APP_ID", id);
    env.put("MESOS_TASK_ID", name);
    List<String> all = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      env.put("PORT" + i, String.valueOf(ports.get(i)));
      if (!portNames.get(i).isEmpty()) {
        env.put("PORT_" + portNames.get(i).toUpperCase().replace('-', '_'), "" + ports.get(i));
      }
      all.add(String.valueOf(ports.get(i)));
    }
    if (!ports.isEmpty()) {
      env.put("PORT", String.valueOf(ports.get(0)));
      env.put("PORTS", String.join(",", all));
    }
    List<String> args = new ArrayList<>();
    app.path("args").forEach(a -> args.add(a.asText()));
    List<ContainerSpec.Volume> volumes = new ArrayList<>();
    for (JsonNode volume : app.path("container").path("volumes")) {
      site.volume(
              volume.path("hostPath").asText(),
              volume.path("containerPath").asText(),
              volume.path("mode").asText("RW").equals("RO"))
          .ifPresent(volumes::add);
    }
    if (env.containsKey("INGEST_CHECKPOINT_DIR")) {
      volumes.add(site.checkpointVolume());
    }
    return new ContainerSpec(
        name,
        image,
        Optional.empty(),
        args,
        env,
        app.path("cpus").asDouble(1),
        app.path("mem").asInt(128),
        volumes,
        Map.of("io.smack.app", id));
  }

  private static HealthCheck healthCheck(
      JsonNode check, String field, List<Integer> ports, Path file) {
    String protocol = check.path("protocol").asText("HTTP");
    if (!protocol.matches("(MESOS_)?HTTPS?")) {
      throw new DescriptorException(file, field + ".protocol", protocol + " is not polled here");
    }
    int port;
    if (check.has("port")) {
      port = check.get("port").asInt();
    } else {
      int index = check.path("portIndex").asInt(0);
      if (index < 0 || index >= ports.size()) {
        throw new DescriptorException(
            file, field + ".portIndex", index + " is beyond the app's " + ports.size() + " ports");
      }
      port = ports.get(index);
    }
    return new HealthCheck(
        protocol,
        check.path("path").asText("/"),
        port,
        Duration.ofSeconds(check.path("delaySeconds").asLong(15)),
        Duration.ofSeconds(check.path("gracePeriodSeconds").asLong(300)),
        Duration.ofSeconds(check.path("intervalSeconds").asLong(60)),
        Duration.ofSeconds(check.path("timeoutSeconds").asLong(20)),
        check.path("maxConsecutiveFailures").asInt(3));
  }

  private static App.Readiness readiness(
      JsonNode check, String field, List<Integer> ports, List<String> names, Path file) {
    String portName = check.path("portName").asText("http");
    int index = names.indexOf(portName);
    if (index < 0) {
      throw new DescriptorException(
          file, field + ".portName", "'" + portName + "' names none of the ports " + names);
    }
    List<Integer> ready = new ArrayList<>();
    check.path("httpStatusCodesForReady").forEach(s -> ready.add(s.asInt()));
    return new App.Readiness(
        check.path("name").asText("readinessCheck"),
        check.path("path").asText("/"),
        ports.get(index),
        Duration.ofSeconds(check.path("intervalSeconds").asLong(30)),
        Duration.ofSeconds(check.path("timeoutSeconds").asLong(10)),
        ready.isEmpty() ? List.of(200) : ready);
  }

  private static String text(JsonNode node, String field, Path file) {
    String value = node.path(field).asText("");
    if (value.isEmpty()) {
      throw new DescriptorException(file, field, "missing");
    }
    return value;
  }
}
