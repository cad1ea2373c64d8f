package io.smack.collector;

import com.typesafe.config.Config;
import io.smack.common.QuoteSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * Replays a CSV file (a path, or {@code classpath:name}) as quotes, as fast as possible or paced to
 * the rows' own times at a speed factor. A restart replays the file from its first row: quotes
 * already sent are sent again, and the pipeline's idempotent writes absorb them.
 */
final class CsvReplay implements QuoteSource {

  private static final int MAX_LINE = 64 * 1024;

  /**
   * @param location a file path, or {@code classpath:} and a resource name
   * @param speed 0: as fast as possible; 1: the rows' own pace; N: N times faster
   */
  record Settings(
      String name, String location, char delimiter, FieldMapping mapping, double speed) {

    static Settings from(String name, Config source, QuoteSettings quotes) {
      String delimiter = source.getString("delimiter");
      if (delimiter.length() != 1) {
        throw new IllegalArgumentException(
            "source " + name + ": delimiter '" + delimiter + "' is not one character");
      }
      return new Settings(
          name,
          source.getString("path"),
          delimiter.charAt(0),
          FieldMapping.from(source, quotes),
          source.getDouble("speed"));
    }
  }

  private final Settings settings;
  private final Clock clock;

  CsvReplay(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public Source<Collected, ?> create(ActorSystem system) {
    return bytes()
        .via(Framing.delimiter(ByteString.fromString("\n"), MAX_LINE, FramingTruncation.ALLOW))
        .map(ByteString::utf8String)
        .prefixAndTail(1)
        .flatMapConcat(headerAndRows -> parse(headerAndRows.first(), headerAndRows.second()))
        .via(pace(settings.speed(), system));
  }

  private Source<Collected, ?> parse(List<String> header, Source<String, ?> rows) {
    if (header.isEmpty()) {
      throw misconfigured(settings.location() + " is empty: it has no header line", null);
    }
    CsvRows csv;
    try {
      csv = new CsvRows(settings.name(), settings.mapping(), settings.delimiter(), header.get(0));
    } catch (IllegalArgumentException e) {
      // the message names the source and the setting of the column; this adds the file
      throw new SourceMisconfigured(e.getMessage() + ", in " + settings.location(), e);
    }
    return rows.map(line -> csv.parse(line, clock.instant()))
        .filter(Optional::isPresent)
        .map(Optional::get);
  }

  /**
   * The file's bytes; a file that is missing or unreadable fails the source for good: no retry
   * makes it appear, and replaying it is the source's whole work.
   */
  private Source<ByteString, ?> bytes() {
    String location = settings.location();
    if (location.startsWith("classpath:")) {
      String resource = location.substring("classpath:".length());
      return StreamConverters.fromInputStream(
          () -> {
            InputStream in = CsvReplay.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
              throw misconfigured(resource + " is not on the classpath", null);
            }
            return in;
          });
    }
    Path file = Path.of(location).toAbsolutePath();
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      return Source.failed(
          misconfigured(
              file + (Files.exists(file) ? " is not a readable file" : " does not exist"), null));
    }
    return FileIO.fromPath(file);
  }

  private SourceMisconfigured misconfigured(String problem, Throwable cause) {
    return new SourceMisconfigured(
        "source "
            + settings.name()
            + ": "
            + problem
            + " (smack.collector.source."
            + settings.name()
            + ".path = "
            + settings.location()
            + ")",
        cause);
  }

  /**
   * Delays each quote until its place in time: the first quote goes at once, a quote {@code d}
   * after it (by event time) goes {@code d / speed} later. Dead letters are not delayed.
   */
  private Flow<Collected, Collected, ?> pace(double speed, ActorSystem system) {
    if (speed <= 0) {
      return Flow.create();
    }
    AtomicReference<Instant[]> anchor = new AtomicReference<>();
    return Flow.<Collected>create()
        .mapAsync(
            1,
            collected -> {
              if (!(collected instanceof Collected.Accepted accepted)) {
                return CompletableFuture.completedFuture(collected);
              }
              Instant now = clock.instant();
              Instant[] first =
                  anchor.updateAndGet(
                      a -> a != null ? a : new Instant[] {accepted.quote().ts(), now});
              long eventNanos = Duration.between(first[0], accepted.quote().ts()).toNanos();
              Instant due = first[1].plusNanos((long) (eventNanos / speed));
              Duration wait = Duration.between(now, due);
              return wait.isNegative() || wait.isZero()
                  ? CompletableFuture.completedFuture(collected)
                  : Patterns.after(
                      wait, system, () -> CompletableFuture.completedFuture(collected));
            });
  }
}
