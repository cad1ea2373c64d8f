package io.smack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Marathon's rules for a group of apps ({@code PUT /v2/groups}), as its REST API reference defines
 * them (the RAML types App, Group, AppHealthCheck, ReadinessCheck, Container, Network,
 * PortDefinition, UpgradeStrategy, UnreachableStrategy, AppConstraint) and its documented
 * validations: fields, types, ranges, enums, id paths, port names and indices. A field Marathon
 * does not know is ignored or rejected at deploy time; here it is a problem before.
 */
final class MarathonRules extends JsonChecks {

  /** A path of names: lowercase letters, digits, dashes and dots, not starting with a dash. */
  static final Pattern PATH_ID =
      Pattern.compile("^(/?((\\.{2})|([a-z0-9][a-z0-9\\-.]*[a-z0-9]+)|([a-z0-9]*))($|/))+$");

  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern ENV_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern ANY = Pattern.compile("(?s).*");

  private static final Set<String> GROUP_FIELDS =
      Set.of("id", "apps", "groups", "pods", "dependencies", "version");
  private static final Set<String> APP_FIELDS =
      Set.of(
          "id",
          "acceptedResourceRoles",
          "args",
          "backoffFactor",
          "backoffSeconds",
          "cmd",
          "constraints",
          "container",
          "cpus",
          "dependencies",
          "disk",
          "env",
          "executor",
          "fetch",
          "healthChecks",
          "instances",
          "labels",
          "maxLaunchDelaySeconds",
          "mem",
          "gpus",
          "ipAddress",
          "networks",
          "ports",
          "portDefinitions",
          "readinessChecks",
          "residency",
          "requirePorts",
          "secrets",
          "storeUrls",
          "taskKillGracePeriodSeconds",
          "upgradeStrategy",
          "uris",
          "user",
          "version",
          "versionInfo",
          "killSelection",
          "unreachableStrategy");
  private static final Set<String> CONTAINER_FIELDS =
      Set.of("type", "docker", "appc", "volumes", "portMappings");
  private static final Set<String> DOCKER_FIELDS =
      Set.of(
          "credential",
          "forcePullImage",
          "image",
          "network",
          "parameters",
          "portMappings",
          "privileged");
  private static final Set<String> PORT_MAPPING_FIELDS =
      Set.of("containerPort", "hostPort", "labels", "name", "protocol", "servicePort");
  private static final Set<String> PORT_DEFINITION_FIELDS =
      Set.of("port", "labels", "name", "protocol");
  private static final Set<String> NETWORK_FIELDS = Set.of("name", "mode", "labels");
  private static final Set<String> VOLUME_FIELDS =
      Set.of("containerPath", "hostPath", "persistent", "external", "mode");
  private static final Set<String> HEALTH_CHECK_FIELDS =
      Set.of(
          "command",
          "gracePeriodSeconds",
          "ignoreHttp1xx",
          "intervalSeconds",
          "maxConsecutiveFailures",
          "path",
          "port",
          "portIndex",
          "protocol",
          "ipProtocol",
          "timeoutSeconds",
          "delaySeconds");
  private static final Set<String> READINESS_CHECK_FIELDS =
      Set.of(
          "name",
          "protocol",
          "path",
          "portName",
          "intervalSeconds",
          "timeoutSeconds",
          "httpStatusCodesForReady",
          "preserveLastResponse");
  private static final Set<String> HEALTH_PROTOCOLS =
      Set.of("HTTP", "HTTPS", "TCP", "COMMAND", "MESOS_TCP", "MESOS_HTTP", "MESOS_HTTPS");
  private static final Set<String> HTTP_PROTOCOLS =
      Set.of("HTTP", "HTTPS", "MESOS_HTTP", "MESOS_HTTPS");
  private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "udp,tcp");
  private static final Set<String> CONSTRAINT_OPERATORS =
      Set.of("UNIQUE", "CLUSTER", "GROUP_BY", "LIKE", "UNLIKE", "MAX_PER", "IS");
  private static final Set<String> NEEDS_VALUE = Set.of("LIKE", "UNLIKE", "MAX_PER", "IS");

  private MarathonRules() {}

  /** The problems of a group definition and of each of its apps; empty when it is valid. */
  static List<String> checkGroup(JsonNode group) {
    MarathonRules rules = new MarathonRules();
    rules.group(group);
    return rules.problems();
  }

  /** The problems of one app definition ({@code PUT /v2/apps/ID}); empty when it is valid. */
  static List<String> checkApp(JsonNode app) {
    MarathonRules rules = new MarathonRules();
    rules.app(app, "app " + app.path("id").asText("?"));
    return rules.problems();
  }

  private void group(JsonNode group) {
    String where = "group " + group.path("id").asText("?");
    if (!object(group, where, GROUP_FIELDS) || !required(group, "id", where)) {
      return;
    }
    string(group, "id", where, PATH_ID, "a Marathon path id");
    String groupId = group.get("id").asText();
    Map<String, JsonNode> apps = new HashMap<>();
    for (JsonNode app : group.path("apps")) {
      String appId = app.path("id").asText();
      String appWhere = "app " + appId;
      app(app, appWhere);
      String absolute = appId.startsWith("/") ? appId : groupId + "/" + appId;
      if (!absolute.startsWith(groupId + "/")) {
        problem(appWhere, "is not a child of " + groupId + " (use an id under it)");
      }
      if (apps.put(absolute, app) != null) {
        problem(appWhere, "is defined twice in the group");
      }
    }
    for (Map.Entry<String, JsonNode> app : apps.entrySet()) {
      for (JsonNode dependency : app.getValue().path("dependencies")) {
        if (dependency.asText().startsWith(groupId + "/")
            && !apps.containsKey(dependency.asText())) {
          problem(
              "app " + app.getKey(), "depends on " + dependency.asText() + ", not in the group");
        }
      }
    }
    cycles(apps);
  }

  private void cycles(Map<String, JsonNode> apps) {
    for (String start : apps.keySet()) {
      List<String> path = new ArrayList<>();
      if (reaches(start, start, apps, path, new HashSet<>())) {
        problem("app " + start, "depends on itself through " + path);
      }
    }
  }

  private static boolean reaches(
      String from, String target, Map<String, JsonNode> apps, List<String> path, Set<String> seen) {
    JsonNode app = apps.get(from);
    if (app == null || !seen.add(from)) {
      return false;
    }
    for (JsonNode dependency : app.path("dependencies")) {
      path.add(dependency.asText());
      if (dependency.asText().equals(target)
          || reaches(dependency.asText(), target, apps, path, seen)) {
        return true;
      }
      path.remove(path.size() - 1);
    }
    return false;
  }

  private void app(JsonNode app, String where) {
    if (!object(app, where, APP_FIELDS) || !required(app, "id", where)) {
      return;
    }
    string(app, "id", where, PATH_ID, "a Marathon path id (a-z, 0-9, '-', '.', separated by /)");
    if (app.has("cmd") && app.has("args")) {
      problem(where, "has both cmd and args; Marathon takes one");
    }
    strings(app, "args", where);
    number(app, "cpus", where, 0.001, Double.MAX_VALUE);
    number(app, "mem", where, 0, Double.MAX_VALUE);
    number(app, "disk", where, 0, Double.MAX_VALUE);
    integer(app, "gpus", where, 0);
    integer(app, "instances", where, 0);
    number(app, "backoffFactor", where, 1, Double.MAX_VALUE);
    integer(app, "backoffSeconds", where, 0);
    integer(app, "maxLaunchDelaySeconds", where, 0);
    integer(app, "taskKillGracePeriodSeconds", where, 0);
    bool(app, "requirePorts", where);
    strings(app, "dependencies", where);
    for (JsonNode dependency : app.path("dependencies")) {
      if (!PATH_ID.matcher(dependency.asText()).matches()) {
        problem(where + ".dependencies", "'" + dependency.asText() + "' is not a path id");
      }
    }
    stringMap(app, "labels", where, ANY, "a label");
    env(app, where);
    List<String> portNames = new ArrayList<>();
    String mode = networks(app, where);
    int ports = container(app, where, mode, portNames);
    ports += portDefinitions(app, where, mode, portNames);
    constraints(app, where);
    healthChecks(app, where, ports);
    readinessChecks(app, where, portNames);
    upgradeStrategy(app, where);
    unreachableStrategy(app, where);
    singleInstance(app, where);
  }

  private void env(JsonNode app, String where) {
    JsonNode env = app.get("env");
    if (env == null) {
      return;
    }
    if (!env.isObject()) {
      problem(where + ".env", "must be an object of NAME: value");
      return;
    }
    env.fields()
        .forEachRemaining(
            entry -> {
              if (!ENV_NAME.matcher(entry.getKey()).matches()) {
                problem(where + ".env", "'" + entry.getKey() + "' is not a variable name");
              }
              JsonNode value = entry.getValue();
              boolean secret = value.isObject() && value.path("secret").isTextual();
              if (!value.isTextual() && !secret) {
                problem(
                    where + ".env." + entry.getKey(),
                    "must be a string or {\"secret\": NAME} (quote numbers), not " + value);
              }
            });
  }

  /** The network mode of the app ({@code host} when it names none). */
  private String networks(JsonNode app, String where) {
    JsonNode networks = app.get("networks");
    if (networks == null) {
      return "host";
    }
    if (!networks.isArray() || networks.isEmpty()) {
      problem(where + ".networks", "must be a non-empty array");
      return "host";
    }
    Set<String> modes = new HashSet<>();
    for (int i = 0; i < networks.size(); i++) {
      JsonNode network = networks.get(i);
      String at = where + ".networks[" + i + "]";
      if (!object(network, at, NETWORK_FIELDS)) {
        continue;
      }
      oneOf(network, "mode", at, Set.of("container", "container/bridge", "host"));
      String mode = network.path("mode").asText("container");
      modes.add(mode);
      if (mode.equals("host") && network.has("name")) {
        problem(at, "a host network has no name");
      }
      if (mode.equals("container") && !network.has("name")) {
        problem(at, "a container network needs the name of the network to join");
      }
    }
    if (modes.size() > 1) {
      problem(where + ".networks", "mixes modes " + modes);
    }
    return modes.iterator().next();
  }

  /** Checks the container; returns the number of ports its port mappings ask for. */
  private int container(JsonNode app, String where, String mode, List<String> portNames) {
    JsonNode container = app.get("container");
    if (container == null) {
      return 0;
    }
    String at = where + ".container";
    if (!object(container, at, CONTAINER_FIELDS)) {
      return 0;
    }
    oneOf(container, "type", at, Set.of("MESOS", "DOCKER"));
    JsonNode docker = container.get("docker");
    if (docker != null && object(docker, at + ".docker", DOCKER_FIELDS)) {
      if (required(docker, "image", at + ".docker")) {
        string(docker, "image", at + ".docker", Pattern.compile("\\S+"), "an image name");
      }
      bool(docker, "forcePullImage", at + ".docker");
      bool(docker, "privileged", at + ".docker");
      for (String deprecated : List.of("network", "portMappings")) {
        if (docker.has(deprecated)) {
          problem(
              at + ".docker." + deprecated,
              "is the deprecated form; use app.networks and container.portMappings");
        }
      }
    }
    if ("DOCKER".equals(container.path("type").asText("DOCKER")) && docker == null) {
      problem(at, "a DOCKER container needs docker.image");
    }
    JsonNode volumes = container.path("volumes");
    for (int i = 0; i < volumes.size(); i++) {
      JsonNode volume = volumes.get(i);
      String vat = at + ".volumes[" + i + "]";
      if (object(volume, vat, VOLUME_FIELDS)) {
        required(volume, "containerPath", vat);
        required(volume, "mode", vat);
        oneOf(volume, "mode", vat, Set.of("RO", "RW"));
      }
    }
    JsonNode mappings = container.get("portMappings");
    if (mappings == null) {
      return 0;
    }
    if (mode.equals("host")) {
      problem(
          at + ".portMappings", "are for container or bridge networks; host uses portDefinitions");
    }
    for (int i = 0; i < mappings.size(); i++) {
      JsonNode mapping = mappings.get(i);
      String mat = at + ".portMappings[" + i + "]";
      if (object(mapping, mat, PORT_MAPPING_FIELDS)) {
        for (String port : List.of("containerPort", "hostPort", "servicePort")) {
          number(mapping, port, mat, 0, 65535);
        }
        oneOf(mapping, "protocol", mat, PROTOCOLS);
        portName(mapping, mat, portNames);
      }
    }
    return mappings.size();
  }

  /** Checks the port definitions; returns how many there are. */
  private int portDefinitions(JsonNode app, String where, String mode, List<String> portNames) {
    JsonNode definitions = app.get("portDefinitions");
    if (definitions == null) {
      return 0;
    }
    if (!mode.equals("host")) {
      problem(where + ".portDefinitions", "are for host networking; use container.portMappings");
    }
    for (int i = 0; i < definitions.size(); i++) {
      JsonNode definition = definitions.get(i);
      String at = where + ".portDefinitions[" + i + "]";
      if (object(definition, at, PORT_DEFINITION_FIELDS)) {
        number(definition, "port", at, 0, 65535);
        oneOf(definition, "protocol", at, PROTOCOLS);
        portName(definition, at, portNames);
      }
    }
    return definitions.size();
  }

  private void portName(JsonNode port, String where, List<String> portNames) {
    if (!port.has("name")) {
      return;
    }
    string(port, "name", where, PORT_NAME, "a port name (a-z, 0-9, '-')");
    if (portNames.contains(port.get("name").asText())) {
      problem(where + ".name", "'" + port.get("name").asText() + "' names two ports");
    }
    portNames.add(port.get("name").asText());
  }

  private void constraints(JsonNode app, String where) {
    JsonNode constraints = app.path("constraints");
    for (int i = 0; i < constraints.size(); i++) {
      JsonNode constraint = constraints.get(i);
      String at = where + ".constraints[" + i + "]";
      if (!constraint.isArray() || constraint.size() < 2 || constraint.size() > 3) {
        problem(at, "must be [field, OPERATOR] or [field, OPERATOR, value]");
        continue;
      }
      String operator = constraint.get(1).asText();
      if (!CONSTRAINT_OPERATORS.contains(operator)) {
        problem(at, "'" + operator + "' is not one of " + new TreeSet<>(CONSTRAINT_OPERATORS));
      } else if (NEEDS_VALUE.contains(operator) && constraint.size() < 3) {
        problem(at, operator + " needs a value");
      } else if (operator.equals("UNIQUE") && constraint.size() == 3) {
        problem(at, "UNIQUE takes no value");
      } else if (operator.equals("MAX_PER") && !constraint.get(2).asText().matches("\\d+")) {
        problem(at, "MAX_PER takes a number");
      }
    }
  }

  private void healthChecks(JsonNode app, String where, int ports) {
    JsonNode checks = app.path("healthChecks");
    for (int i = 0; i < checks.size(); i++) {
      JsonNode check = checks.get(i);
      String at = where + ".healthChecks[" + i + "]";
      if (!object(check, at, HEALTH_CHECK_FIELDS)) {
        continue;
      }
      oneOf(check, "protocol", at, HEALTH_PROTOCOLS);
      oneOf(check, "ipProtocol", at, Set.of("IPv4", "IPv6"));
      for (String field :
          List.of(
              "gracePeriodSeconds",
              "intervalSeconds",
              "maxConsecutiveFailures",
              "timeoutSeconds",
              "delaySeconds")) {
        integer(check, field, at, 0);
      }
      String protocol = check.path("protocol").asText("HTTP");
      if (protocol.equals("COMMAND")) {
        if (!check.path("command").path("value").isTextual()) {
          problem(at, "a COMMAND check needs command.value");
        }
      } else if (check.has("portIndex")) {
        integer(check, "portIndex", at, 0);
        if (check.get("portIndex").asInt() >= ports) {
          problem(
              at + ".portIndex", check.get("portIndex") + " but the app has " + ports + " port(s)");
        }
      } else if (!check.has("port")) {
        problem(at, "a " + protocol + " check needs portIndex or port");
      }
      if (check.has("path") && !HTTP_PROTOCOLS.contains(protocol)) {
        problem(at + ".path", "is only used by HTTP checks, this one is " + protocol);
      }
      if (check.path("timeoutSeconds").asInt(20) >= check.path("intervalSeconds").asInt(60)) {
        problem(at, "timeoutSeconds must be smaller than intervalSeconds");
      }
    }
  }

  private void readinessChecks(JsonNode app, String where, List<String> portNames) {
    JsonNode checks = app.path("readinessChecks");
    if (checks.size() > 1) {
      problem(where + ".readinessChecks", "Marathon allows one readiness check per app");
    }
    for (int i = 0; i < checks.size(); i++) {
      JsonNode check = checks.get(i);
      String at = where + ".readinessChecks[" + i + "]";
      if (!object(check, at, READINESS_CHECK_FIELDS)) {
        continue;
      }
      oneOf(check, "protocol", at, Set.of("HTTP", "HTTPS"));
      integer(check, "intervalSeconds", at, 0);
      integer(check, "timeoutSeconds", at, 1);
      bool(check, "preserveLastResponse", at);
      String portName = check.path("portName").asText("http-api");
      if (!portNames.contains(portName)) {
        problem(at + ".portName", "'" + portName + "' names none of the app's ports " + portNames);
      }
      if (check.path("timeoutSeconds").asInt(10) >= check.path("intervalSeconds").asInt(30)) {
        problem(at, "timeoutSeconds must be smaller than intervalSeconds");
      }
      JsonNode codes = check.get("httpStatusCodesForReady");
      if (codes != null) {
        Set<Integer> seen = new HashSet<>();
        if (!codes.isArray() || codes.isEmpty()) {
          problem(at + ".httpStatusCodesForReady", "must list at least one status code");
        }
        for (JsonNode code : codes) {
          if (!code.isInt()
              || code.asInt() < 100
              || code.asInt() > 999
              || !seen.add(code.asInt())) {
            problem(at + ".httpStatusCodesForReady", code + " is not a distinct HTTP status");
          }
        }
      }
    }
  }

  private void upgradeStrategy(JsonNode app, String where) {
    JsonNode strategy = app.get("upgradeStrategy");
    if (strategy != null
        && object(
            strategy,
            where + ".upgradeStrategy",
            Set.of("minimumHealthCapacity", "maximumOverCapacity"))) {
      number(strategy, "minimumHealthCapacity", where + ".upgradeStrategy", 0, 1);
      number(strategy, "maximumOverCapacity", where + ".upgradeStrategy", 0, 1);
    }
  }

  private void unreachableStrategy(JsonNode app, String where) {
    JsonNode strategy = app.get("unreachableStrategy");
    String at = where + ".unreachableStrategy";
    if (strategy == null || (strategy.isTextual() && strategy.asText().equals("disabled"))) {
      return;
    }
    if (!object(strategy, at, Set.of("inactiveAfterSeconds", "expungeAfterSeconds"))) {
      return;
    }
    integer(strategy, "inactiveAfterSeconds", at, 1);
    integer(strategy, "expungeAfterSeconds", at, 1);
    if (strategy.path("expungeAfterSeconds").asLong(600)
        <= strategy.path("inactiveAfterSeconds").asLong(300)) {
      problem(at, "expungeAfterSeconds must be greater than inactiveAfterSeconds");
    }
  }

  /** The label Marathon reads to refuse a second instance, and what it requires. */
  private void singleInstance(JsonNode app, String where) {
    if (!app.path("labels").path("MARATHON_SINGLE_INSTANCE_APP").asText().equals("true")) {
      return;
    }
    if (app.path("instances").asInt(1) > 1) {
      problem(where, "MARATHON_SINGLE_INSTANCE_APP allows one instance");
    }
    JsonNode strategy = app.path("upgradeStrategy");
    if (strategy.path("minimumHealthCapacity").asDouble(1) != 0
        || strategy.path("maximumOverCapacity").asDouble(1) != 0) {
      problem(where, "MARATHON_SINGLE_INSTANCE_APP needs upgradeStrategy 0 and 0");
    }
  }
}
