package io.smack.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one micro-batch holds, worked out in one pass over its decoded rows: how many quotes and
 * rejects, the newest event time, and where the bars the quotes within the watermark touch lie.
 *
 * @param newest the newest event time of the batch's quotes, empty when it has none
 * @param late quotes older than the watermark: stored, but their bars are final
 * @param days the (symbol, UTC day) pairs of the batch's quotes, for {@code quote_days}
 * @param barSymbols the symbols of the bars that quotes within the watermark touch
 * @param barDays the UTC days of those bars
 * @param barsFrom the first minute of those bars, empty when there are none
 * @param barsUntil the end of the last minute of those bars (exclusive)
 */
record BatchSummary(
    long quotes,
    long rejected,
    Optional<Instant> newest,
    long late,
    List<Row> days,
    List<String> barSymbols,
    List<Date> barDays,
    Optional<Instant> barsFrom,
    Optional<Instant> barsUntil) {

  BatchSummary {
    days = List.copyOf(days);
    barSymbols = List.copyOf(barSymbols);
    barDays = List.copyOf(barDays);
  }

  /**
   * @param decoded the rows of {@link QuoteParsing#decode}
   * @param watermark quotes before it are late
   */
  static BatchSummary of(Dataset<Row> decoded, Instant watermark) {
    Column valid = col("decoded.valid");
    Column ts = col("decoded.ts");
    Column symbol = col("decoded.symbol");
    Column onTime = valid.and(ts.geq(lit(Timestamp.from(watermark))));
    Row row =
        decoded
            .agg(
                count(when(valid, 1)),
                count(when(not(valid), 1)),
                max(ts),
                count(when(valid.and(not(onTime)), 1)),
                collect_set(when(valid, struct(symbol.as("symbol"), to_date(ts).as("day")))),
                collect_set(when(onTime, symbol)),
                collect_set(when(onTime, to_date(ts))),
                min(when(onTime, ts)),
                max(when(onTime, ts)))
            .first();
    return new BatchSummary(
        row.getLong(0),
        row.getLong(1),
        instant(row, 2),
        row.getLong(3),
        row.getList(4),
        row.getList(5),
        row.getList(6),
        instant(row, 7).map(from -> from.truncatedTo(ChronoUnit.MINUTES)),
        instant(row, 8).map(to -> to.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES)));
  }

  private static Optional<Instant> instant(Row row, int field) {
    return row.isNullAt(field)
        ? Optional.empty()
        : Optional.of(row.<Timestamp>getAs(field).toInstant());
  }
}
