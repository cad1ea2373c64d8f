package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The links {@link NetworkFaults} cuts are the ones it names, and only those: a JVM started in a
 * cut cgroup cannot reach the address and port cut, while another JVM (and the cut one on another
 * port) still can; a heal restores it; closing leaves no rule, chain or cgroup on the machine.
 */
class NetworkFaultsIT {

  private static final Path WORK = Path.of("target", "network-faults").toAbsolutePath();

  /** Exit codes of {@link Connect}. */
  private static final int CONNECTED = 0;

  private static final int NO_ANSWER = 3;

  @Test
  void should_cut_only_the_named_link_and_leave_nothing_behind_when_closed() throws Exception {
    // given two listeners on the second loopback address, and the faults of this test
    NetworkFaults faults = open();
    try (ServerSocket cutPort = listen();
        ServerSocket otherPort = listen();
        faults) {
      // when: what the cgroup "cut" sends to the first listener is dropped
      faults.drop("cut", LocalStack.host(1), cutPort.getLocalPort());

      // then: a JVM in "cut" gets no answer from it, but reaches the other port; a JVM in
      // "spared" reaches both
      assertThat(connect(faults, "cut", cutPort)).as("cut to the cut port").hasValue(NO_ANSWER);
      assertThat(connect(faults, "cut", otherPort)).as("cut to another port").hasValue(CONNECTED);
      assertThat(connect(faults, "spared", cutPort))
          .as("spared to the cut port")
          .hasValue(CONNECTED);
      assertThat(faults.rules()).hasSize(1);

      // and when healed, the link carries packets again
      faults.heal();
      assertThat(connect(faults, "cut", cutPort)).as("cut, healed").hasValue(CONNECTED);
      assertThat(faults.rules()).isEmpty();

      // and a lossy link (a twentieth of the packets dropped) still connects: TCP resends a lost
      // SYN after 1 s, 3 s, 7 s, so 10 s fail only if four in a row are lost
      faults.lose("cut", LocalStack.host(1), 0.05, cutPort.getLocalPort());
      assertThat(faults.rules()).singleElement().asString().contains("statistic");
      assertThat(connect(faults, "cut", cutPort, 10)).as("cut, lossy").hasValue(CONNECTED);
    }
    // then: closed, nothing of it is left on the machine
    assertThat(faults.leftBehind()).as("a rule, the chain or a cgroup left behind").isFalse();
  }

  @Test
  void should_slow_only_the_named_link_and_leave_no_queue_behind() throws Exception {
    // given two listeners on the second loopback address
    NetworkFaults faults = open();
    try (ServerSocket slowPort = listen();
        ServerSocket otherPort = listen();
        faults) {
      // when: the first one's link is narrowed to 1 Mbit/s, losing a twentieth of its packets
      faults.slow(LocalStack.host(1), slowPort.getLocalPort(), "1mbit", 0.05);

      // then: 256 KiB take it at least 2 s (1 Mbit/s lets 2 Mbit through in 2 s: anything faster
      // went past the queue), and the other link carries them in a fraction of that
      Duration slow = transfer(slowPort);
      Duration fast = transfer(otherPort);
      System.out.printf(
          "256 KiB: %d ms on the slowed link, %d ms on another%n",
          slow.toMillis(), fast.toMillis());
      assertThat(slow).as("the slowed link").isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
      assertThat(fast).as("another link").isLessThan(slow.dividedBy(3));
      assertThat(faults.rules()).hasSize(2).allMatch(rule -> rule.contains("statistic"));

      // and when healed, the slowed link is fast again
      faults.heal();
      assertThat(transfer(slowPort)).as("healed").isLessThan(slow.dividedBy(3));
    }
    assertThat(faults.leftBehind()).as("a rule, the chain, a cgroup or a queue").isFalse();
  }

  /** How long 256 KiB take from a client's first byte to the listener's last. */
  private static Duration transfer(ServerSocket to) throws Exception {
    byte[] payload = new byte[256 * 1024];
    CompletableFuture<Long> received =
        CompletableFuture.supplyAsync(
            () -> {
              try (Socket accepted = to.accept()) {
                accepted.getInputStream().readAllBytes();
                return System.nanoTime();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    long began;
    try (Socket socket = new Socket()) {
      socket.connect(to.getLocalSocketAddress(), 10_000);
      began = System.nanoTime();
      socket.getOutputStream().write(payload);
    }
    return Duration.ofNanos(received.get(60, TimeUnit.SECONDS) - began);
  }

  private static NetworkFaults open() {
    Optional<NetworkFaults> faults;
    String missing = "";
    try {
      faults = Optional.of(NetworkFaults.open("faults-it"));
    } catch (IllegalStateException e) {
      faults = Optional.empty();
      missing = e.getMessage();
    }
    return TestTools.required(
        "a way to cut links (" + missing + ")",
        faults,
        "run as root, with iptables and a cgroup v2 hierarchy");
  }

  private static ServerSocket listen() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(LocalStack.host(1), 0));
    return socket;
  }

  /** The exit code of a JVM in {@code cgroup} that connects to {@code to} within 3 s. */
  private static OptionalInt connect(NetworkFaults faults, String cgroup, ServerSocket to)
      throws InterruptedException {
    return connect(faults, cgroup, to, 3);
  }

  private static OptionalInt connect(
      NetworkFaults faults, String cgroup, ServerSocket to, int seconds)
      throws InterruptedException {
    try (ServerProcess probe =
        ServerProcess.start(
            "connect from " + cgroup,
            System.getProperty("java.class.path"),
            List.of("-Xmx64m", faults.jvmOption(cgroup)),
            Map.of(),
            Connect.class.getName(),
            List.of(LocalStack.host(1), String.valueOf(to.getLocalPort()), String.valueOf(seconds)),
            WORK.resolve(cgroup + ".log"))) {
      // the JVM's start on a busy machine, and the connect's own timeout
      return probe.awaitExit(Duration.ofSeconds(60));
    }
  }

  /** Connects to HOST PORT within SECONDS: exit 0 when connected, 3 when no answer came. */
  public static final class Connect {

    public static void main(String[] args) throws IOException {
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(args[0], Integer.parseInt(args[1])),
            Integer.parseInt(args[2]) * 1_000);
        socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        System.out.println("connected");
        System.exit(CONNECTED);
      } catch (java.net.SocketTimeoutException e) {
        System.out.println("no answer: " + e.getMessage());
        System.exit(NO_ANSWER);
      }
    }
  }
}
