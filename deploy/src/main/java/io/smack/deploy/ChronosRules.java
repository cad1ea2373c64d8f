package io.smack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Chronos's rules for a job ({@code POST /v1/scheduler/iso8601} or {@code /dependency}), as its
 * REST API documentation defines them: the job configuration fields, the name's characters, a
 * schedule or parents (not both), the ISO-8601 schedule and epsilon, the Docker container.
 */
final class ChronosRules extends JsonChecks {

  /** Letters, digits, whitespace and {@code . # _ -}: Chronos's {@code ([\w\s\.#_-]+)}. */
  static final Pattern JOB_NAME = Pattern.compile("[\\w\\s.#_-]+");

  private static final Set<String> JOB_FIELDS =
      Set.of(
          "name",
          "description",
          "command",
          "arguments",
          "shell",
          "executor",
          "executorFlags",
          "taskInfoData",
          "retries",
          "owner",
          "ownerName",
          "successCount",
          "errorCount",
          "lastSuccess",
          "lastError",
          "cpus",
          "mem",
          "disk",
          "disabled",
          "concurrent",
          "uris",
          "fetch",
          "schedule",
          "scheduleTimeZone",
          "parents",
          "runAsUser",
          "container",
          "dataJob",
          "environmentVariables",
          "constraints",
          "epsilon",
          "async",
          "softError",
          "highPriority");
  private static final Set<String> CONTAINER_FIELDS =
      Set.of("type", "image", "network", "networkName", "volumes", "forcePullImage", "parameters");

  private ChronosRules() {}

  /**
   * The problems of a job as it is posted at {@code now}: a scheduled job must start after now
   * (Chronos runs a job whose start has passed at once, on every post). Empty when it is valid.
   */
  static List<String> check(JsonNode job, Instant now) {
    ChronosRules rules = new ChronosRules();
    rules.job(job, now);
    return rules.problems();
  }

  private void job(JsonNode job, Instant now) {
    String where = "job " + job.path("name").asText("?");
    if (!object(job, where, JOB_FIELDS)) {
      return;
    }
    if (required(job, "name", where)) {
      string(job, "name", where, JOB_NAME, "a Chronos job name (letters, digits, . # _ -)");
    }
    if (required(job, "command", where)) {
      string(job, "command", where, Pattern.compile("(?s).*\\S.*"), "a command");
    }
    strings(job, "arguments", where);
    for (String flag :
        List.of(
            "shell", "async", "disabled", "concurrent", "softError", "highPriority", "dataJob")) {
      bool(job, flag, where);
    }
    if (job.has("arguments") && job.path("shell").asBoolean(true)) {
      problem(where + ".arguments", "are ignored unless shell is false");
    }
    integer(job, "retries", where, 0);
    number(job, "cpus", where, 0.001, Double.MAX_VALUE);
    number(job, "mem", where, 1, Double.MAX_VALUE);
    number(job, "disk", where, 0, Double.MAX_VALUE);
    if (job.has("schedule") == job.has("parents")) {
      problem(where, "needs a schedule or parents (a dependent job), not both or neither");
    }
    schedule(job, where, now);
    strings(job, "parents", where);
    if (job.has("epsilon")) {
      duration(job.get("epsilon").asText(), where + ".epsilon");
    }
    container(job, where);
    environment(job, where);
    constraints(job, where);
  }

  private void schedule(JsonNode job, String where, Instant now) {
    if (!job.has("schedule")) {
      return;
    }
    try {
      RepeatingSchedule schedule = RepeatingSchedule.parse(job.get("schedule").asText());
      if (!schedule.start().toInstant().isAfter(now)) {
        problem(
            where + ".schedule",
            "starts at "
                + schedule.start()
                + ", not after now: Chronos would run it at once, on every post");
      }
    } catch (IllegalArgumentException e) {
      problem(where + ".schedule", e.getMessage());
    }
  }

  private void duration(String text, String where) {
    try {
      IsoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      problem(where, e.getMessage());
    }
  }

  private void container(JsonNode job, String where) {
    JsonNode container = job.get("container");
    String at = where + ".container";
    if (container == null || !object(container, at, CONTAINER_FIELDS)) {
      return;
    }
    required(container, "type", at);
    oneOf(container, "type", at, Set.of("DOCKER", "MESOS"));
    if (required(container, "image", at)) {
      string(container, "image", at, Pattern.compile("\\S+"), "an image name");
    }
    oneOf(container, "network", at, Set.of("BRIDGE", "HOST", "USER", "NONE"));
    bool(container, "forcePullImage", at);
    JsonNode volumes = container.path("volumes");
    for (int i = 0; i < volumes.size(); i++) {
      JsonNode volume = volumes.get(i);
      String vat = at + ".volumes[" + i + "]";
      if (object(volume, vat, Set.of("containerPath", "hostPath", "mode"))) {
        required(volume, "containerPath", vat);
        oneOf(volume, "mode", vat, Set.of("RO", "RW"));
      }
    }
    JsonNode parameters = container.path("parameters");
    for (int i = 0; i < parameters.size(); i++) {
      object(parameters.get(i), at + ".parameters[" + i + "]", Set.of("key", "value"));
    }
  }

  private void environment(JsonNode job, String where) {
    JsonNode variables = job.path("environmentVariables");
    for (int i = 0; i < variables.size(); i++) {
      JsonNode variable = variables.get(i);
      String at = where + ".environmentVariables[" + i + "]";
      if (object(variable, at, Set.of("name", "value"))) {
        if (required(variable, "name", at)) {
          string(variable, "name", at, Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*"), "a name");
        }
        if (required(variable, "value", at) && !variable.get("value").isTextual()) {
          problem(at + ".value", "must be a string (quote numbers), not " + variable.get("value"));
        }
      }
    }
  }

  private void constraints(JsonNode job, String where) {
    JsonNode constraints = job.path("constraints");
    for (int i = 0; i < constraints.size(); i++) {
      JsonNode constraint = constraints.get(i);
      String at = where + ".constraints[" + i + "]";
      if (!constraint.isArray()
          || constraint.size() != 3
          || !Set.of("EQUALS", "LIKE", "UNLIKE").contains(constraint.get(1).asText())) {
        problem(at, "must be [attribute, EQUALS|LIKE|UNLIKE, value]");
      }
    }
  }
}
