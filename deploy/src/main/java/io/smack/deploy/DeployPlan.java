package io.smack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What {@code bin/smack deploy} sends, rendered from the definitions under {@code deploy/}: the
 * Marathon apps ({@code deploy/marathon/*.json}, one file per app) assembled into their group, and
 * the Chronos jobs ({@code deploy/chronos/*.json}) with their schedules moved to their first start
 * after now; the options applied to both; and the problems Marathon's and Chronos's rules find in
 * the result, before anything is sent.
 */
final class DeployPlan {

  /** The group the apps deploy into: the pipeline as one unit, started in dependency order. */
  static final String GROUP_ID = "/smack";

  /** Images are named {@code smack/NAME:TAG} in the definitions; a deploy may point elsewhere. */
  private static final String IMAGE_PREFIX = "smack/";

  private static final String EXECUTOR_IMAGE = "spark.mesos.executor.docker.image=";

  /** One HTTP call: to Marathon or Chronos, its method and path, the body, and what it does. */
  record Request(String service, String method, String path, JsonNode body, String summary) {}

  private final ObjectMapper json = new ObjectMapper();
  private final DeployOptions options;
  private final Instant now;
  private final List<JsonNode> apps = new ArrayList<>();
  private final List<JsonNode> jobs = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  private DeployPlan(DeployOptions options, Instant now) {
    this.options = options;
    this.now = now;
  }

  /** The plan for the definitions under {@code deployDir}, deployed at {@code now}. */
  static DeployPlan load(Path deployDir, DeployOptions options, Instant now) {
    DeployPlan plan = new DeployPlan(options, now);
    plan.apps.addAll(plan.read(deployDir.resolve("marathon")));
    plan.jobs.addAll(plan.read(deployDir.resolve("chronos")));
    plan.apps.sort(
        Comparator.comparingInt(plan::depth).thenComparing(app -> app.path("id").asText()));
    plan.apply();
    plan.problems.addAll(MarathonRules.checkGroup(plan.group()));
    plan.problems.addAll(MarathonLb.check(plan.apps));
    for (JsonNode job : plan.jobs) {
      plan.problems.addAll(ChronosRules.check(job, now));
    }
    return plan;
  }

  /** Problems that must be fixed before deploying; empty when the plan can be sent. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  /** The Marathon group of every app. */
  ObjectNode group() {
    ObjectNode group = json.createObjectNode();
    group.put("id", GROUP_ID);
    ArrayNode list = group.putArray("apps");
    apps.forEach(list::add);
    return group;
  }

  /** The calls, in order: the Marathon group, the scheduled jobs, then the dependent jobs. */
  List<Request> requests() {
    List<Request> requests = new ArrayList<>();
    String force = options.force() ? "?force=true" : "";
    requests.add(
        new Request(
            "marathon",
            "PUT",
            "/v2/groups" + GROUP_ID + force,
            group(),
            "group "
                + GROUP_ID
                + ": "
                + String.join(", ", apps.stream().map(a -> a.path("id").asText()).toList())));
    for (JsonNode job : jobs) {
      if (job.has("schedule")) {
        RepeatingSchedule schedule = RepeatingSchedule.parse(job.get("schedule").asText());
        requests.add(
            new Request(
                "chronos",
                "POST",
                "/v1/scheduler/iso8601",
                job,
                "job "
                    + job.path("name").asText()
                    + ": first run "
                    + schedule.start()
                    + ", then every "
                    + schedule.period().text()));
      }
    }
    for (JsonNode job : jobs) {
      if (job.has("parents")) {
        requests.add(
            new Request(
                "chronos",
                "POST",
                "/v1/scheduler/dependency",
                job,
                "job " + job.path("name").asText() + ": after " + job.get("parents")));
      }
    }
    return requests;
  }

  private List<JsonNode> read(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<JsonNode> read = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try {
          read.add(json.readTree(file.toFile()));
        } catch (IOException e) {
          problems.add(file + ": not JSON: " + e.getMessage());
        }
      }
      return read;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** How many dependencies deep an app is: the order Marathon starts them in. */
  private int depth(JsonNode app) {
    int depth = 0;
    for (JsonNode dependency : app.path("dependencies")) {
      for (JsonNode other : apps) {
        if (other != app && other.path("id").asText().equals(dependency.asText())) {
          depth = Math.max(depth, 1 + depth(other));
        }
      }
    }
    return depth;
  }

  private void apply() {
    Set<String> unused = new TreeSet<>(options.settings().keySet());
    for (JsonNode app : apps) {
      JsonNode docker = app.path("container").path("docker");
      if (docker.has("image")) {
        ((ObjectNode) docker).put("image", image(docker.get("image").asText()));
      }
      executorImages(app.path("args"));
      JsonNode env = app.path("env");
      for (Map.Entry<String, String> setting : options.settings().entrySet()) {
        if (env.has(setting.getKey())) {
          ((ObjectNode) env).put(setting.getKey(), setting.getValue());
          unused.remove(setting.getKey());
        }
      }
    }
    for (JsonNode job : jobs) {
      if (job.has("schedule")) {
        try {
          String next =
              RepeatingSchedule.parse(job.get("schedule").asText()).nextAfter(now).toString();
          ((ObjectNode) job).put("schedule", next);
        } catch (IllegalArgumentException e) {
          // left as it is: ChronosRules names the problem
        }
      }
      JsonNode container = job.path("container");
      if (container.has("image")) {
        ((ObjectNode) container).put("image", image(container.get("image").asText()));
      }
      executorImages(job.path("arguments"));
      for (JsonNode variable : job.path("environmentVariables")) {
        String name = variable.path("name").asText();
        if (options.settings().containsKey(name)) {
          ((ObjectNode) variable).put("value", options.settings().get(name));
          unused.remove(name);
        }
      }
    }
    for (String name : unused) {
      problems.add(
          "--set " + name + ": no app or job sets " + name + "; they set " + variableNames());
    }
  }

  private void executorImages(JsonNode args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i).asText();
      if (arg.startsWith(EXECUTOR_IMAGE)) {
        ((ArrayNode) args)
            .set(
                i,
                TextNode.valueOf(EXECUTOR_IMAGE + image(arg.substring(EXECUTOR_IMAGE.length()))));
      }
    }
  }

  /** {@code smack/NAME:TAG} in the repository and with the tag the options name. */
  String image(String image) {
    if (!image.startsWith(IMAGE_PREFIX)) {
      return image;
    }
    String nameAndTag = image.substring(IMAGE_PREFIX.length());
    int colon = nameAndTag.indexOf(':');
    String name = colon < 0 ? nameAndTag : nameAndTag.substring(0, colon);
    String tag = colon < 0 ? "latest" : nameAndTag.substring(colon + 1);
    String repository = options.imageRepository().orElse("smack");
    return repository + "/" + name + ":" + options.imageTag().orElse(tag);
  }

  private Set<String> variableNames() {
    Set<String> names = new TreeSet<>();
    apps.forEach(app -> app.path("env").fieldNames().forEachRemaining(names::add));
    jobs.forEach(
        job -> job.path("environmentVariables").forEach(v -> names.add(v.path("name").asText())));
    return names;
  }
}
