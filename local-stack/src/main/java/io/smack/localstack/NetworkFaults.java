package io.smack.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network faults between the local stack's processes, injected as Jepsen and Kafka's Trogdor
 * ({@code NetworkPartitionFault}) inject them: {@code iptables} rules that drop a link's packets,
 * deleted to heal. Packets only ever go to this machine's own loopback addresses.
 *
 * <p>On loopback every connection leaves from 127.0.0.1, whichever 127.0.0.x it goes to, so an
 * address cannot tell two senders apart (Kafka's brokers do not bind their outgoing sockets). Each
 * process of a stack started with {@link #jvmOption(String)} therefore joins a cgroup (v2) of its
 * own as it starts ({@link ExitWithParent}), before it opens a socket, and a rule matches the
 * sending socket's cgroup ({@code -m cgroup --path}) with where the packet goes. A process started
 * again joins the same cgroup, so a cut holds across a restart, as a real one would.
 *
 * <p>Every rule lives in a chain of this object's own, jumped to from {@code OUTPUT}: {@link
 * #heal()} empties it, {@link #close()} removes it, the jump and the cgroups; a JVM that ends
 * without closing heals at its shutdown, and {@link #open(String)} removes what an earlier run that
 * was killed left behind. Needs root, {@code iptables} and a cgroup v2 hierarchy.
 *
 * <p>A slow link ({@link #slow}) is shaped by {@code tc} on the loopback device: an HTB queue whose
 * default class passes everything at 10 Gbit/s, and a narrow class per slowed link that {@code u32}
 * filters send its packets to by address and port (this kernel has no {@code netem}, and its {@code
 * fw} classifier is missing, so marks cannot choose the class). Healing removes the queue.
 */
public final class NetworkFaults implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NetworkFaults.class);
  private static final String CHAIN_PREFIX = "SMACK-";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  /** The handle of the loopback's queue while a link is slowed: ours to remove, no one else's. */
  private static final String QDISC = "5a:";

  private final String chain;
  private final Path mount;
  private final Path root;
  private final Thread healAtExit;
  private final List<String> rules = new ArrayList<>();
  private int slowLinks;

  private NetworkFaults(String chain, Path mount, Path root) {
    this.chain = chain;
    this.mount = mount;
    this.root = root;
    this.healAtExit = new Thread(this::removeQuietly, "heal-network-faults");
  }

  /**
   * Creates the cgroups' folder and the rules' chain of a set of faults named {@code name}
   * (letters, digits and dashes), after removing any left by an earlier run of the same name.
   *
   * @throws IllegalStateException naming what this machine lacks: root, {@code iptables}, cgroup v2
   */
  public static NetworkFaults open(String name) {
    if (!name.matches("[a-z0-9-]{1,20}")) {
      throw new IllegalArgumentException("'" + name + "': 1 to 20 of a-z, 0-9 and -");
    }
    Path mount = cgroup2Mount();
    String chain = CHAIN_PREFIX + name.toUpperCase(Locale.ROOT);
    NetworkFaults faults = new NetworkFaults(chain, mount, mount.resolve("smack-" + name));
    faults.removeQuietly();
    try {
      Files.createDirectories(faults.root);
    } catch (IOException e) {
      throw new IllegalStateException(
          "network faults need a writable cgroup v2 hierarchy (run as root): " + e.getMessage(), e);
    }
    iptables("-N", chain);
    iptables("-I", "OUTPUT", "1", "-j", chain);
    Runtime.getRuntime().addShutdownHook(faults.healAtExit);
    LOG.info("network faults ready: chain {}, cgroups under {}", chain, faults.root);
    return faults;
  }

  /**
   * The JVM option that has a process of the stack join the cgroup {@code process} (letters, digits
   * and dashes) when it starts: {@code -Dlocalstack.cgroup=…}.
   */
  public String jvmOption(String process) {
    return "-D" + ExitWithParent.CGROUP_PROPERTY + "=" + cgroup(process);
  }

  /** Drops every TCP packet that {@code from}'s sockets send to {@code host} on {@code ports}. */
  public void drop(String from, String host, int... ports) {
    for (int port : ports) {
      add(from, host, port, "-j", "DROP");
    }
  }

  /**
   * Drops a random share ({@code probability}, 0 to 1) of the TCP packets that {@code from}'s
   * sockets send to {@code host} on {@code ports}: a lossy link, TCP retransmitting what is lost.
   */
  public void lose(String from, String host, double probability, int... ports) {
    if (!(probability > 0 && probability < 1)) {
      throw new IllegalArgumentException(probability + " is not in (0, 1)");
    }
    for (int port : ports) {
      add(
          from,
          host,
          port,
          "-m",
          "statistic",
          "--mode",
          "random",
          "--probability",
          String.valueOf(probability),
          "-j",
          "DROP");
    }
  }

  /**
   * Slows the link of {@code host:port} both ways, for every process: its packets share {@code
   * rate} (as {@code tc} writes rates: {@code 1mbit}, {@code 512kbit}) and lose a random share
   * ({@code lossProbability}, 0 to 1; 0: none), TCP retransmitting what is lost. A slow, lossy link
   * to a server, as a bad switch port or a congested path makes it.
   */
  public void slow(String host, int port, String rate, double lossProbability) {
    if (!(lossProbability >= 0 && lossProbability < 1)) {
      throw new IllegalArgumentException(lossProbability + " is not in [0, 1)");
    }
    if (slowLinks == 0) {
      tc("qdisc", "add", "dev", "lo", "root", "handle", QDISC, "htb", "default", "1");
      tc(
          "class",
          "add",
          "dev",
          "lo",
          "parent",
          QDISC,
          "classid",
          QDISC + "1",
          "htb",
          "rate",
          "10gbit",
          "quantum",
          "200000");
    }
    slowLinks++;
    String narrow = QDISC + (slowLinks + 1);
    tc(
        "class", "add", "dev", "lo", "parent", QDISC, "classid", narrow, "htb", "rate", rate,
        "quantum", "1514");
    String address = host + "/32";
    String number = String.valueOf(port);
    // both ways: what goes to host:port, and what comes back from it
    for (String[] end : List.of(new String[] {"dst", "dport"}, new String[] {"src", "sport"})) {
      tc(
          "filter",
          "add",
          "dev",
          "lo",
          "parent",
          QDISC,
          "protocol",
          "ip",
          "prio",
          "1",
          "u32",
          "match",
          "ip",
          end[0],
          address,
          "match",
          "ip",
          end[1],
          number,
          "0xffff",
          "flowid",
          narrow);
    }
    LOG.info("network fault: {}:{} shaped to {}", host, port, rate);
    if (lossProbability > 0) {
      String[] lose = {
        "-m",
        "statistic",
        "--mode",
        "random",
        "--probability",
        String.valueOf(lossProbability),
        "-j",
        "DROP"
      };
      addRule(List.of("-p", "tcp", "-d", host, "--dport", number), lose);
      addRule(List.of("-p", "tcp", "-s", host, "--sport", number), lose);
    }
  }

  /** The rules in force, as {@code iptables -S} prints them, for a test's report. */
  public List<String> rules() {
    return List.copyOf(rules);
  }

  /** Removes every rule: each link carries packets again (TCP resends what was dropped). */
  public void heal() {
    iptables("-F", chain);
    if (slowLinks > 0) {
      tc("qdisc", "del", "dev", "lo", "root", "handle", QDISC);
      slowLinks = 0;
    }
    if (!rules.isEmpty()) {
      LOG.info("healed: {} rule(s) removed", rules.size());
    }
    rules.clear();
  }

  /**
   * Whether this machine still holds anything of these faults: a rule, the chain or a cgroup (what
   * a test checks at its end).
   */
  public boolean leftBehind() {
    return iptablesRules().stream().anyMatch(line -> line.contains(chain))
        || Files.exists(root)
        || shaping();
  }

  /** Heals, removes the chain and its jump, and the cgroups (their processes moved to the root). */
  @Override
  public void close() {
    removeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(healAtExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing to remove
    }
  }

  private void add(String from, String host, int port, String... action) {
    addRule(
        List.of(
            "-p",
            "tcp",
            "-d",
            host,
            "--dport",
            String.valueOf(port),
            "-m",
            "cgroup",
            "--path",
            mount.relativize(cgroup(from)).toString()),
        action);
  }

  private void addRule(List<String> match, String... action) {
    List<String> rule = new ArrayList<>(List.of("-A", chain));
    rule.addAll(match);
    rule.addAll(List.of(action));
    iptables(rule.toArray(String[]::new));
    rules.add(String.join(" ", rule));
    LOG.info("network fault: {}", String.join(" ", rule));
  }

  private Path cgroup(String process) {
    if (!process.matches("[a-z0-9-]{1,40}")) {
      throw new IllegalArgumentException("cgroup '" + process + "': 1 to 40 of a-z, 0-9 and -");
    }
    Path cgroup = root.resolve(process);
    try {
      // made now: a rule may only name a cgroup that exists
      Files.createDirectories(cgroup);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cgroup;
  }

  private void removeQuietly() {
    List<String> lines = iptablesRules();
    if (lines.stream().anyMatch(line -> line.startsWith("-N " + chain))) {
      quietly("-F", chain);
      while (lines.contains("-A OUTPUT -j " + chain)) {
        quietly("-D", "OUTPUT", "-j", chain);
        lines = iptablesRules();
      }
      quietly("-X", chain);
    }
    rules.clear();
    if (shaping()) {
      try {
        tc("qdisc", "del", "dev", "lo", "root", "handle", QDISC);
      } catch (IllegalStateException e) {
        LOG.warn("{}", e.getMessage());
      }
    }
    slowLinks = 0;
    if (Files.isDirectory(root)) {
      try (Stream<Path> cgroups = Files.list(root)) {
        for (Path cgroup : cgroups.filter(Files::isDirectory).toList()) {
          for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
            Files.writeString(mount.resolve("cgroup.procs"), pid, StandardCharsets.US_ASCII);
          }
          Files.delete(cgroup);
        }
        Files.delete(root);
      } catch (IOException e) {
        LOG.warn("could not remove the cgroups under {}: {}", root, e.toString());
      }
    }
  }

  private static void quietly(String... args) {
    try {
      iptables(args);
    } catch (IllegalStateException e) {
      LOG.warn("{}", e.getMessage());
    }
  }

  private static List<String> iptablesRules() {
    return List.of(iptables("-S").split("\n"));
  }

  /** Whether the loopback's queue is this class's (a link is slowed, or was left slowed). */
  private static boolean shaping() {
    try {
      return tc("qdisc", "show", "dev", "lo").contains("htb " + QDISC);
    } catch (IllegalStateException noTc) {
      return false; // without tc nothing can have been shaped
    }
  }

  /** Runs {@code iptables ARGS} (waiting for the table's lock); its output. */
  private static String iptables(String... args) {
    List<String> command = new ArrayList<>(List.of("iptables", "-w", "10"));
    command.addAll(List.of(args));
    return run(command, "iptables (Debian package iptables)");
  }

  /** Runs {@code tc ARGS}; its output. */
  private static String tc(String... args) {
    List<String> command = new ArrayList<>(List.of("tc"));
    command.addAll(List.of(args));
    return run(command, "tc (Debian package iproute2)");
  }

  private static String run(List<String> command, String tool) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(
          "network faults need " + tool + " and root: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** Where the cgroup v2 hierarchy is mounted: {@code /sys/fs/cgroup}, or its unified part. */
  private static Path cgroup2Mount() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
        String[] fields = line.split(" ");
        if (fields.length > 2 && fields[2].equals("cgroup2")) {
          return Path.of(fields[1]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(
        "network faults need a cgroup v2 hierarchy: none is mounted (/proc/self/mounts)");
  }
}
