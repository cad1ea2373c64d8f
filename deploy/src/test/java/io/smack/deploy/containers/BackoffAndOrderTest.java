package io.smack.deploy.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffAndOrderTest {

  @Test
  void should_double_the_launch_delay_up_to_its_maximum() {
    Backoff ingest = new Backoff(Duration.ofSeconds(10), 2, Duration.ofSeconds(300));

    assertThat(List.of(1, 2, 3, 4, 5, 6, 7).stream().map(n -> ingest.delay(n).toSeconds()))
        .containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L);
  }

  @Test
  void should_start_each_app_of_the_group_after_the_apps_it_depends_on() {
    // given the project's group, read in file order
    List<App> group =
        List.of("access-latest", "access-status", "collector", "ingest-streaming").stream()
            .map(
                name ->
                    MarathonApps.read(
                        Descriptors.marathon(name),
                        Descriptors.file("marathon", name),
                        Descriptors.oneNode()))
            .toList();

    // then the streaming job, which creates the keyspace, comes first
    assertThat(StartOrder.of(group))
        .extracting(App::id)
        .containsExactly(
            "/smack/ingest-streaming",
            "/smack/access-latest",
            "/smack/access-status",
            "/smack/collector");
  }

  @Test
  void should_refuse_a_missing_dependency_and_a_cycle() {
    App a = app("/smack/a", "/smack/b");
    App b = app("/smack/b", "/smack/a");
    App lonely = app("/smack/c", "/smack/nowhere");

    assertThatThrownBy(() -> StartOrder.of(List.of(a, b))).hasMessageContaining("form a cycle");
    assertThatThrownBy(() -> StartOrder.of(List.of(lonely)))
        .hasMessage("/smack/c depends on /smack/nowhere, which is not in the group");
  }

  private static App app(String id, String dependency) {
    return new App(
        id,
        id.substring(7),
        1,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(dependency),
        Duration.ofSeconds(3),
        Backoff.MARATHON_DEFAULT);
  }
}
