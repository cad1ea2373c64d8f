package io.smack.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyTest {

  @Test
  void should_write_a_configuration_that_haproxy_itself_accepts(@TempDir Path dir)
      throws Exception {
    TestTools.required(
        "HAProxy", Haproxy.binary(), "Debian package haproxy; bin/smack test installs it as root");
    // given
    Path config = dir.resolve("haproxy.cfg");
    Files.writeString(
        config,
        Haproxy.config(
            18080,
            List.of(
                new Haproxy.Backend(
                    "access-latest",
                    Optional.of("path_reg ^/quotes/[^/]+/latest$"),
                    List.of(InetSocketAddress.createUnresolved("127.0.0.1", 18083))),
                Haproxy.Backend.only(
                    "access",
                    List.of(
                        InetSocketAddress.createUnresolved("127.0.0.1", 18081),
                        InetSocketAddress.createUnresolved("127.0.0.1", 18082))))));

    // when: HAProxy checks it (-c: parse and validate, start nothing)
    Process check =
        new ProcessBuilder(Haproxy.binary().orElseThrow().toString(), "-c", "-f", config.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(check.getInputStream().readAllBytes());
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();

    // then
    assertThat(check.exitValue()).as(output).isZero();
    assertThat(output).doesNotContain("WARNING");
    assertThat(Files.readString(config))
        .contains("uri /health/ready ver HTTP/1.1 hdr Host", "retry-on all-retryable-errors")
        .contains("option forwardfor")
        .contains(Haproxy.SLOW_CLIENT_LIMITS)
        .contains("server access-1 127.0.0.1:18081 check", "server access-2 127.0.0.1:18082 check")
        .contains(
            "  acl path_access-latest path_reg ^/quotes/[^/]+/latest$\n"
                + "  use_backend access-latest if path_access-latest\n"
                + "  default_backend access\n",
            "server access-latest-1 127.0.0.1:18083 check");
  }
}
