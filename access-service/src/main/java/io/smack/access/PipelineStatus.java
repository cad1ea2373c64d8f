package io.smack.access;

import io.smack.access.ProgressRepository.Batch;
import io.smack.access.Views.Status;
import io.smack.access.Views.StreamStatus;
import io.smack.access.Views.SymbolStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The answer to "is data flowing?", from the streaming job's batch rows (its quotes query and its
 * bars query) and the symbols' newest quotes. Pure. Freshness follows processing time (when batches
 * ran), not event time, so that a replay of old prices through a healthy pipeline is {@code ok};
 * but event time that runs ahead of the clock, or quotes that mostly come behind the bars'
 * watermark, are told.
 *
 * <ul>
 *   <li>{@code down}: the quotes query recorded no batch (today or yesterday)
 *   <li>{@code stale}: no batch of either query for longer than {@code staleAfter} (the job, the
 *       collector or the topic stopped), the job is more than {@code maxLag} records behind the
 *       topic, or no quote is stored
 *   <li>{@code degraded}: a symbol's newest quote lies more than {@code futureAfter} ahead of this
 *       clock (it pins {@code latest_quote} until the clock gets there), a symbol with a served
 *       model is scored more than {@code predictionStaleAfter} behind its newest quote, a symbol's
 *       served model cannot be used (its bars go unscored), or most recent quotes came behind the
 *       bars' watermark (their bars are given from stored quotes, later)
 *   <li>{@code ok}: otherwise
 * </ul>
 */
final class PipelineStatus {

  /**
   * How the verdict is drawn.
   *
   * @param predictionStaleAfter how far behind its newest quote a symbol's scoring may be
   * @param streamedPredictions whether predictions come from the streaming job's scoring (only then
   *     can they fall behind)
   */
  record Thresholds(
      String query,
      Duration staleAfter,
      long maxLag,
      Duration recentWindow,
      Duration futureAfter,
      Duration predictionStaleAfter,
      boolean streamedPredictions) {

    /** The bars query's name, as the streaming job derives it. */
    String barsQuery() {
      return query + "-bars";
    }
  }

  private PipelineStatus() {}

  /**
   * @param batches the quotes query's newest batches, newest first
   * @param barsBatches the bars query's newest batches, newest first
   * @param symbols every symbol's status
   */
  static Status of(
      List<Batch> batches,
      List<Batch> barsBatches,
      List<SymbolStatus> symbols,
      Instant now,
      Thresholds thresholds) {
    StreamStatus stream = stream(batches, barsBatches, now, thresholds);
    if (batches.isEmpty()) {
      return new Status(
          "down",
          "the streaming job '"
              + thresholds.query()
              + "' has recorded no batch today or yesterday: is it running (bin/smack ingest)?",
          now,
          stream,
          symbols);
    }
    Optional<String> stale = stale(batches, barsBatches, stream, symbols, now, thresholds);
    if (stale.isPresent()) {
      return new Status("stale", stale.get(), now, stream, symbols);
    }
    Optional<String> degraded = degraded(stream, symbols, thresholds);
    if (degraded.isPresent()) {
      return new Status("degraded", degraded.get(), now, stream, symbols);
    }
    return new Status(
        "ok",
        "last batch "
            + stream.lastBatchAgeSeconds()
            + " s ago, "
            + (stream.offsetsBehind() == null ? "?" : stream.offsetsBehind())
            + " records behind the topic, "
            + symbols.size()
            + (symbols.size() == 1 ? " symbol" : " symbols"),
        now,
        stream,
        symbols);
  }

  private static Optional<String> stale(
      List<Batch> batches,
      List<Batch> barsBatches,
      StreamStatus stream,
      List<SymbolStatus> symbols,
      Instant now,
      Thresholds thresholds) {
    Duration sinceLast = Duration.between(batches.get(0).at(), now);
    if (sinceLast.compareTo(thresholds.staleAfter()) > 0) {
      return Optional.of(
          "no batch for "
              + sinceLast.toSeconds()
              + " s (more than "
              + thresholds.staleAfter().toSeconds()
              + " s): the streaming job or the collector stopped, or no quote comes in");
    }
    if (barsBatches.isEmpty()) {
      // both queries start together: the bars query is late only once the quotes query has run
      // for longer than staleAfter (the oldest batch at hand is at most as old as its first)
      Duration sinceFirst = Duration.between(batches.get(batches.size() - 1).at(), now);
      if (sinceFirst.compareTo(thresholds.staleAfter()) > 0) {
        return Optional.of(
            "the bars query '"
                + thresholds.barsQuery()
                + "' has run no batch in the "
                + sinceFirst.toSeconds()
                + " s since the quotes query's first (more than "
                + thresholds.staleAfter().toSeconds()
                + " s): bars are not updated");
      }
    } else if (Duration.between(barsBatches.get(0).at(), now).compareTo(thresholds.staleAfter())
        > 0) {
      return Optional.of(
          "the bars query '"
              + thresholds.barsQuery()
              + "' has run no batch for more than "
              + thresholds.staleAfter().toSeconds()
              + " s while quotes come in: bars are not updated");
    }
    if (stream.offsetsBehind() != null && stream.offsetsBehind() > thresholds.maxLag()) {
      return Optional.of(
          "the streaming job is "
              + stream.offsetsBehind()
              + " records behind the topic (more than "
              + thresholds.maxLag()
              + ")");
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
      return Optional.of("batches run but no quote is stored: " + why);
    }
    return Optional.empty();
  }

  private static Optional<String> degraded(
      StreamStatus stream, List<SymbolStatus> symbols, Thresholds thresholds) {
    long futureSeconds = thresholds.futureAfter().toSeconds();
    for (SymbolStatus symbol : symbols) {
      if (-symbol.newestQuoteAgeSeconds() > futureSeconds) {
        return Optional.of(
            symbol.symbol()
                + "'s newest quote ("
                + symbol.newestQuote()
                + ") is "
                + -symbol.newestQuoteAgeSeconds()
                + " s ahead of this clock (more than "
                + futureSeconds
                + " s): a source's clock runs ahead, and its latest quote stays pinned until this"
                + " clock gets there");
      }
    }
    for (SymbolStatus symbol : symbols) {
      Long behind = symbol.predictionLagSeconds();
      if (thresholds.streamedPredictions()
          && symbol.servedModel() != null
          && behind != null
          && behind > thresholds.predictionStaleAfter().toSeconds()) {
        return Optional.of(
            symbol.symbol()
                + "'s streamed predictions are "
                + behind
                + " s behind its newest quote (more than "
                + thresholds.predictionStaleAfter().toSeconds()
                + " s): its bars are not being scored (see the streaming job's log)");
      }
      if (symbol.modelProblem() != null) {
        return Optional.of(
            symbol.symbol()
                + " is not scored: "
                + symbol.modelProblem()
                + " (a model a newer training job wrote? upgrade the streaming job and this"
                + " service, or promote a version they can use)");
      }
    }
    if (stream.recentQuotes() > 0 && stream.recentLate() * 2 > stream.recentQuotes()) {
      return Optional.of(
          "most recent quotes came behind the bars' watermark ("
              + stream.recentLate()
              + " of "
              + stream.recentQuotes()
              + " in the last "
              + thresholds.recentWindow().toSeconds()
              + " s, watermark "
              + stream.watermark()
              + "): their bars come from stored quotes, later; is a source replaying history"
              + " or its clock behind?");
    }
    return Optional.empty();
  }

  private static StreamStatus stream(
      List<Batch> batches, List<Batch> barsBatches, Instant now, Thresholds thresholds) {
    Instant since = now.minus(thresholds.recentWindow());
    List<Batch> recent = batches.stream().filter(b -> b.at().isAfter(since)).toList();
    List<Batch> recentBars = barsBatches.stream().filter(b -> b.at().isAfter(since)).toList();
    Batch last = batches.isEmpty() ? null : batches.get(0);
    Batch lastBars = barsBatches.isEmpty() ? null : barsBatches.get(0);
    return new StreamStatus(
        thresholds.query(),
        last == null ? null : last.batchId(),
        last == null ? null : last.at(),
        last == null ? null : Duration.between(last.at(), now).toSeconds(),
        last == null ? null : last.offsetsBehind(),
        last == null ? null : last.inputRate(),
        last == null ? null : last.processedRate(),
        thresholds.recentWindow().toSeconds(),
        recent.stream().mapToLong(Batch::inputRows).sum(),
        recent.stream().mapToLong(Batch::quotes).sum(),
        recent.stream().mapToLong(Batch::rejected).sum(),
        recentBars.stream().mapToLong(Batch::late).sum(),
        thresholds.barsQuery(),
        lastBars == null ? null : Duration.between(lastBars.at(), now).toSeconds(),
        lastBars == null ? null : lastBars.watermark(),
        recentBars.stream().mapToLong(Batch::bars).sum(),
        recentBars.stream().mapToLong(Batch::backfilled).sum());
  }
}
