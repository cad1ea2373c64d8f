package io.smack.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay whose settings cannot fit its file fails as misconfigured, naming the setting. */
class CsvReplayTest {

  private static final FieldMapping BY_SYMBOL =
      new FieldMapping(
          Optional.of("symbol"),
          Optional.empty(),
          "date",
          "yyyy-MM-dd",
          ZoneOffset.UTC,
          "close",
          Optional.empty(),
          Duration.ofMinutes(5),
          Optional.empty());

  private static ActorSystem system;

  @BeforeAll
  static void startSystem() {
    system = TestSystems.actorSystem("csv-replay-test");
  }

  @AfterAll
  static void stopSystem() {
    system.terminate();
  }

  @Test
  void should_replay_a_file_that_fits_its_settings(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("quotes.csv");
    Files.writeString(file, "symbol,date,close\nSPX,2020-04-17,2874.56\n");

    assertThat(run(file)).singleElement().isInstanceOf(Collected.Accepted.class);
  }

  @Test
  void should_fail_as_misconfigured_naming_the_column_setting_and_the_file(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("sp500.csv");
    Files.writeString(file, "date,open,high,low,close\n2020-04-17,1,2,1,2\n");

    assertThat(failure(file))
        .isInstanceOf(SourceMisconfigured.class)
        .hasMessageContaining("has no column 'symbol'")
        .hasMessageContaining("smack.collector.source.replay.symbol-field")
        .hasMessageContaining(file.toString());
  }

  @Test
  void should_fail_as_misconfigured_on_a_missing_or_empty_file(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.csv"), "");

    assertThat(failure(dir.resolve("missing.csv")))
        .isInstanceOf(SourceMisconfigured.class)
        .hasMessageContaining("missing.csv does not exist")
        .hasMessageContaining("smack.collector.source.replay.path");
    assertThat(failure(empty))
        .isInstanceOf(SourceMisconfigured.class)
        .hasMessageContaining("empty.csv is empty");
  }

  private static List<Collected> run(Path file) throws Exception {
    return new CsvReplay(
            new CsvReplay.Settings("replay", file.toString(), ',', BY_SYMBOL, 0), Clock.systemUTC())
        .create(system)
        .runWith(Sink.seq(), system)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(Path file) {
    try {
      run(file);
    } catch (Exception e) {
      return e instanceof java.util.concurrent.ExecutionException
              || e instanceof CompletionException
          ? e.getCause()
          : e;
    }
    throw new AssertionError("the replay of " + file + " did not fail");
  }
}
