package io.smack.deploy.containers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Chronos job turned into the container of one run, as Chronos has Mesos start it: with {@code
 * shell} false, the image's entry point gets {@code command} then {@code arguments}; {@code
 * environmentVariables} (made local by {@link LocalSite}), {@code cpus} and {@code mem} as limits.
 * A failed run is run again up to {@code retries} times.
 */
public final class ChronosJobs {

  /** A job: its name, its retries, and the container of its {@code attempt}-th run. */
  public record Job(String name, int retries, List<ContainerSpec> attempts) {}

  private ChronosJobs() {}

  public static Job read(JsonNode job, Path file, LocalSite site) {
    String name = job.path("name").asText("");
    if (name.isEmpty()) {
      throw new DescriptorException(file, "name", "missing");
    }
    JsonNode container = job.path("container");
    String image = container.path("image").asText("");
    if (image.isEmpty()) {
      throw new DescriptorException(file, "container.image", "missing");
    }
    if (job.path("shell").asBoolean(true)) {
      throw new DescriptorException(
          file, "shell", "true runs the command with /bin/sh, past the image's entry point");
    }
    if (!container.path("network").asText("HOST").equals("HOST")) {
      throw new DescriptorException(file, "container.network", "only HOST is run here");
    }
    List<String> command = new ArrayList<>();
    command.add(job.path("command").asText());
    job.path("arguments").forEach(a -> command.add(a.asText()));
    Map<String, String> descriptor = new LinkedHashMap<>();
    for (JsonNode variable : job.path("environmentVariables")) {
      descriptor.put(variable.path("name").asText(), variable.path("value").asText());
    }
    String part = image.replaceAll(".*/([^/:]+)(:.*)?", "$1");
    Map<String, String> env = new LinkedHashMap<>(site.environment(descriptor, part));
    env.put("HOST", LocalSite.HOST);
    List<ContainerSpec.Volume> volumes = new ArrayList<>();
    for (JsonNode volume : container.path("volumes")) {
      site.volume(
              volume.path("hostPath").asText(),
              volume.path("containerPath").asText(),
              volume.path("mode").asText("RW").equals("RO"))
          .ifPresent(volumes::add);
    }
    int retries = job.path("retries").asInt(2);
    List<ContainerSpec> attempts = new ArrayList<>();
    for (int attempt = 1; attempt <= retries + 1; attempt++) {
      attempts.add(
          new ContainerSpec(
              "smack-" + name.replaceFirst("^smack-", "") + "-run-" + attempt,
              image,
              Optional.empty(),
              command,
              env,
              job.path("cpus").asDouble(0.1),
              job.path("mem").asInt(128),
              volumes,
              Map.of("io.smack.job", name)));
    }
    return new Job(name, retries, attempts);
  }
}
