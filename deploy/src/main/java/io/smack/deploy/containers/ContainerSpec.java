package io.smack.deploy.containers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One container as an engine ({@code docker} or {@code podman}) starts it: what a Marathon app's
 * task or a Chronos job's run becomes here. Turning it into the engine's {@code run} arguments is
 * the whole of the translation; the environment goes through a file, never the command line (a
 * value may be a secret, and {@code ps} shows command lines).
 *
 * @param name the container's name, unique on the engine
 * @param entrypoint replaces the image's ENTRYPOINT when present
 * @param command what follows the image: the image's ENTRYPOINT gets it as arguments
 * @param cpus the CPU limit ({@code --cpus}); 0 for none
 * @param memoryMb the memory limit, swap included; 0 for none
 */
public record ContainerSpec(
    String name,
    String image,
    Optional<String> entrypoint,
    List<String> command,
    Map<String, String> env,
    double cpus,
    int memoryMb,
    List<Volume> volumes,
    Map<String, String> labels) {

  /** A host path mounted into the container. */
  public record Volume(Path hostPath, String containerPath, boolean readOnly) {}

  public ContainerSpec {
    if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
      throw new IllegalArgumentException("'" + name + "' is not a container name");
    }
    command = List.copyOf(command);
    env = new TreeMap<>(env);
    volumes = List.copyOf(volumes);
    labels = new TreeMap<>(labels);
  }

  /**
   * {@code run -d ...} for the engine: on the host's network (see {@link LocalSite} for why), the
   * limits as given, the environment from {@code envFile} (written by {@link #envFileText()}).
   */
  public List<String> runArguments(Path envFile) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host"));
    args.addAll(List.of("--env-file", envFile.toString()));
    if (cpus > 0) {
      args.addAll(List.of("--cpus", String.valueOf(cpus)));
    }
    if (memoryMb > 0) {
      // swap counted in: a part that outgrows its mem is killed, as on a Mesos agent
      args.addAll(List.of("--memory", memoryMb + "m", "--memory-swap", memoryMb + "m"));
    }
    for (Volume volume : volumes) {
      args.addAll(
          List.of(
              "--volume",
              volume.hostPath()
                  + ":"
                  + volume.containerPath()
                  + (volume.readOnly() ? ":ro" : ":rw")));
    }
    labels.forEach((key, value) -> args.addAll(List.of("--label", key + "=" + value)));
    entrypoint.ifPresent(e -> args.addAll(List.of("--entrypoint", e)));
    args.add(image);
    args.addAll(command);
    return args;
  }

  /** The environment as an {@code --env-file}: one {@code NAME=value} a line. */
  public String envFileText() {
    StringBuilder text = new StringBuilder();
    env.forEach(
        (key, value) -> {
          if (value.contains("\n")) {
            throw new IllegalArgumentException(key + ": a value of several lines cannot be passed");
          }
          text.append(key).append('=').append(value).append('\n');
        });
    return text.toString();
  }

  /** Names and sizes, never the environment's values: they may be secrets. */
  @Override
  public String toString() {
    return name + " (" + image + " " + String.join(" ", command) + "; env " + env.keySet() + ")";
  }
}
