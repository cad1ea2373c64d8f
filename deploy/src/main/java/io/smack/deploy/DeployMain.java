package io.smack.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rendering half of {@code bin/smack deploy}: checks the definitions under {@code deploy/} with
 * the deploy's options, and writes what to send into a folder — one JSON body per call and {@code
 * requests}, a line per call ({@code SERVICE METHOD PATH BODY-FILE}) — for the shell to send with
 * curl. Prints a line per call; exits 1 with the problems, sending nothing, when there are any, and
 * 2 on a bad option.
 */
public final class DeployMain {

  private static final String USAGE =
      "usage: DeployMain --root DIR --out DIR [--force] [--image-repository REPO]"
          + " [--image-tag TAG] [--set NAME=VALUE]...";

  private DeployMain() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    Path root = null;
    Path out = null;
    Optional<String> repository = Optional.empty();
    Optional<String> tag = Optional.empty();
    boolean force = false;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--force")) {
        force = true;
        continue;
      }
      if (i + 1 >= args.length) {
        fail(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--root" -> root = Path.of(value);
        case "--out" -> out = Path.of(value);
        case "--image-repository" -> repository = Optional.of(value);
        case "--image-tag" -> tag = Optional.of(value);
        case "--set" -> {
          int equals = value.indexOf('=');
          if (equals < 1) {
            fail("--set takes NAME=VALUE, not '" + value + "'");
          }
          settings.put(value.substring(0, equals), value.substring(equals + 1));
        }
        default -> fail("unknown option '" + option + "'");
      }
    }
    if (root == null || out == null) {
      fail("--root and --out are required");
    }
    DeployPlan plan =
        DeployPlan.load(
            root.resolve("deploy"),
            new DeployOptions(repository, tag, settings, force),
            Instant.now());
    if (!plan.problems().isEmpty()) {
      System.err.println("smack deploy: nothing sent; fix these first:");
      plan.problems().forEach(problem -> System.err.println("  " + problem));
      System.exit(1);
    }
    write(plan.requests(), out);
  }

  private static void write(List<DeployPlan.Request> requests, Path out) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Files.createDirectories(out);
    List<String> lines = new ArrayList<>();
    int n = 0;
    for (DeployPlan.Request request : requests) {
      String file = String.format("%02d-%s.json", ++n, request.service());
      Files.writeString(
          out.resolve(file),
          json.writerWithDefaultPrettyPrinter().writeValueAsString(request.body()) + "\n",
          StandardCharsets.UTF_8);
      lines.add(String.join(" ", request.service(), request.method(), request.path(), file));
      System.out.printf(
          "%-8s %-4s %-26s %s%n",
          request.service(), request.method(), request.path(), request.summary());
    }
    Files.write(out.resolve("requests"), lines, StandardCharsets.UTF_8);
  }

  private static void fail(String message) {
    System.err.println("smack deploy: " + message);
    System.err.println(USAGE);
    System.exit(2);
  }
}
