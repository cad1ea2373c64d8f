package io.smack.access;

import io.smack.access.ProgressRepository.Batch;
import io.smack.access.Views.Status;
import io.smack.access.Views.StreamStatus;
import io.smack.access.Views.SymbolStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The answer to "is data flowing?", from the streaming job's progress rows and the symbols' newest
 * quotes. Pure. The verdict follows processing time (when batches ran), not event time, so that a
 * replay of old prices through a healthy pipeline is {@code ok}.
 *
 * <ul>
 *   <li>{@code down}: the streaming job never recorded a batch
 *   <li>{@code stale}: no batch for longer than {@code staleAfter} (the job, the collector or the
 *       topic stopped), the job is more than {@code maxLag} records behind the topic, or no quote
 *       is stored
 *   <li>{@code ok}: otherwise
 * </ul>
 */
final class PipelineStatus {

  /** How the verdict is drawn. */
  record Thresholds(String query, Duration staleAfter, long maxLag, Duration recentWindow) {}

  private PipelineStatus() {}

  /**
   * @param batches the query's newest batches, newest first
   * @param symbols every symbol's status
   */
  static Status of(
      List<Batch> batches, List<SymbolStatus> symbols, Instant now, Thresholds thresholds) {
    StreamStatus stream = stream(batches, now, thresholds);
    if (batches.isEmpty()) {
      return new Status(
          "down",
          "the streaming job '"
              + thresholds.query()
              + "' has recorded no batch: is it running (bin/smack ingest)?",
          now,
          stream,
          symbols);
    }
    Duration sinceLast = Duration.between(batches.get(0).at(), now);
    if (sinceLast.compareTo(thresholds.staleAfter()) > 0) {
      return new Status(
          "stale",
          "no batch for "
              + sinceLast.toSeconds()
              + " s (more than "
              + thresholds.staleAfter().toSeconds()
              + " s): the streaming job or the collector stopped, or no quote comes in",
          now,
          stream,
          symbols);
    }
    if (stream.offsetsBehind() != null && stream.offsetsBehind() > thresholds.maxLag()) {
      return new Status(
          "stale",
          "the streaming job is "
              + stream.offsetsBehind()
              + " records behind the topic (more than "
              + thresholds.maxLag()
              + ")",
          now,
          stream,
          symbols);
    }
    if (symbols.isEmpty()) {
      String why =
          stream.recentRejected() > 0
              ? "every input is rejected ("
                  + stream.recentRejected()
                  + " in the last "
                  + thresholds.recentWindow().toSeconds()
                  + " s; see the dead-letter topic)"
              : "no quote has come in yet: is the collector running?";
      return new Status(
          "stale", "batches run but no quote is stored: " + why, now, stream, symbols);
    }
    return new Status(
        "ok",
        "last batch "
            + sinceLast.toSeconds()
            + " s ago, "
            + (stream.offsetsBehind() == null ? "?" : stream.offsetsBehind())
            + " records behind the topic, "
            + symbols.size()
            + " symbols",
        now,
        stream,
        symbols);
  }

  private static StreamStatus stream(List<Batch> batches, Instant now, Thresholds thresholds) {
    if (batches.isEmpty()) {
      return new StreamStatus(
          thresholds.query(),
          null,
          null,
          null,
          null,
          null,
          null,
          thresholds.recentWindow().toSeconds(),
          0,
          0,
          0,
          0);
    }
    Batch last = batches.get(0);
    Instant since = now.minus(thresholds.recentWindow());
    List<Batch> recent = batches.stream().filter(b -> b.at().isAfter(since)).toList();
    return new StreamStatus(
        thresholds.query(),
        last.batchId(),
        last.at(),
        Duration.between(last.at(), now).toSeconds(),
        last.offsetsBehind(),
        last.inputRate(),
        last.processedRate(),
        thresholds.recentWindow().toSeconds(),
        recent.stream().mapToLong(Batch::inputRows).sum(),
        recent.stream().mapToLong(Batch::quotes).sum(),
        recent.stream().mapToLong(Batch::rejected).sum(),
        recent.stream().mapToLong(Batch::late).sum());
  }
}
