package io.smack.deploy.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerSpecTest {

  private static final ContainerSpec COLLECTOR =
      new ContainerSpec(
          "smack-collector-1",
          "smack/collector:1",
          Optional.empty(),
          List.of("--verbose"),
          Map.of("KAFKA_PASSWORD", "s3cret", "COLLECTOR_SOURCES", "sim"),
          0.5,
          768,
          List.of(new ContainerSpec.Volume(Path.of("/srv/feed"), "/data", true)),
          Map.of("io.smack.app", "/smack/collector"));

  @Test
  void
      should_give_the_engine_the_limits_volumes_and_command_and_keep_values_off_its_command_line() {
    // when
    List<String> args = COLLECTOR.runArguments(Path.of("/run/x.env"));

    // then
    assertThat(args)
        .containsExactly(
            "run",
            "-d",
            "--name",
            "smack-collector-1",
            "--network",
            "host",
            "--env-file",
            "/run/x.env",
            "--cpus",
            "0.5",
            "--memory",
            "768m",
            "--memory-swap",
            "768m",
            "--volume",
            "/srv/feed:/data:ro",
            "--label",
            "io.smack.app=/smack/collector",
            "smack/collector:1",
            "--verbose");
    assertThat(String.join(" ", args)).doesNotContain("s3cret");
    assertThat(COLLECTOR.envFileText()).isEqualTo("COLLECTOR_SOURCES=sim\nKAFKA_PASSWORD=s3cret\n");
    assertThat(COLLECTOR.toString()).doesNotContain("s3cret").contains("KAFKA_PASSWORD");
  }

  @Test
  void should_refuse_a_name_the_engine_refuses_and_a_value_of_several_lines() {
    assertThatThrownBy(
            () ->
                new ContainerSpec(
                    "a b", "i", Optional.empty(), List.of(), Map.of(), 0, 0, List.of(), Map.of()))
        .hasMessage("'a b' is not a container name");
    ContainerSpec twoLines =
        new ContainerSpec(
            "c", "i", Optional.empty(), List.of(), Map.of("K", "a\nb"), 0, 0, List.of(), Map.of());
    assertThatThrownBy(twoLines::envFileText).hasMessageContaining("K: a value of several lines");
  }
}
