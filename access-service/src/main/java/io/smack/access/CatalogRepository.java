package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.smack.access.Views.CatalogColumn;
import io.smack.common.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * What Cassandra says of the keyspace's tables, for {@code /catalog}: their columns ({@code
 * system_schema.columns}), their size as the node estimates it ({@code system.size_estimates}: its
 * primary ranges, refreshed every few minutes, so an estimate) and the newest model trained and
 * promoted (the models tables hold a row per version and per symbol: a read of them all is small).
 */
final class CatalogRepository {

  /** An estimate of a table's size on the node asked. */
  record Size(long partitions, long bytes) {}

  private final CqlSession session;
  private final String keyspace;
  private final PreparedStatement columns;
  private final PreparedStatement sizes;
  private final PreparedStatement trained;
  private final PreparedStatement promoted;

  CatalogRepository(CqlSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
    this.columns =
        session.prepare(
            "SELECT table_name, column_name, kind, position, type FROM system_schema.columns"
                + " WHERE keyspace_name = ?");
    this.sizes =
        session.prepare(
            "SELECT table_name, partitions_count, mean_partition_size FROM system.size_estimates"
                + " WHERE keyspace_name = ?");
    this.trained = session.prepare("SELECT trained_at FROM " + keyspace + "." + Tables.MODELS);
    this.promoted =
        session.prepare("SELECT promoted_at FROM " + keyspace + "." + Tables.SERVED_MODELS);
  }

  /** Each table's columns: partition key, then clustering columns, in order, then the rest. */
  CompletionStage<Map<String, List<CatalogColumn>>> columns() {
    return all(columns.bind(keyspace))
        .thenApply(
            rows -> {
              Map<String, List<Row>> byTable = new TreeMap<>();
              rows.forEach(
                  r -> byTable.computeIfAbsent(r.getString(0), t -> new ArrayList<>()).add(r));
              Map<String, List<CatalogColumn>> out = new TreeMap<>();
              byTable.forEach(
                  (table, cols) ->
                      out.put(
                          table,
                          cols.stream()
                              .sorted(
                                  Comparator.comparingInt(CatalogRepository::rank)
                                      .thenComparingInt(r -> r.getInt(3))
                                      .thenComparing(r -> r.getString(1)))
                              .map(
                                  r ->
                                      new CatalogColumn(
                                          r.getString(1), r.getString(4), r.getString(2)))
                              .toList()));
              return out;
            });
  }

  /** Each table's estimated partitions and bytes, summed over the node's ranges. */
  CompletionStage<Map<String, Size>> sizes() {
    return all(sizes.bind(keyspace))
        .thenApply(
            rows -> {
              Map<String, long[]> sums = new HashMap<>();
              for (Row row : rows) {
                long[] sum = sums.computeIfAbsent(row.getString(0), t -> new long[2]);
                sum[0] += row.getLong(1);
                sum[1] += row.getLong(1) * row.getLong(2);
              }
              Map<String, Size> out = new HashMap<>();
              sums.forEach((table, sum) -> out.put(table, new Size(sum[0], sum[1])));
              return out;
            });
  }

  /** When the newest model version was trained; empty before the first. */
  CompletionStage<Optional<Instant>> newestTrained() {
    return newest(trained);
  }

  /** When the newest served pointer was set; empty before the first. */
  CompletionStage<Optional<Instant>> newestPromoted() {
    return newest(promoted);
  }

  private CompletionStage<Optional<Instant>> newest(PreparedStatement statement) {
    return all(statement.bind())
        .thenApply(
            rows ->
                rows.stream()
                    .map(r -> r.getInstant(0))
                    .filter(t -> t != null)
                    .max(Comparator.naturalOrder()));
  }

  private static int rank(Row column) {
    return switch (column.getString(2)) {
      case "partition_key" -> 0;
      case "clustering" -> 1;
      default -> 2;
    };
  }

  private CompletionStage<List<Row>> all(Statement<?> statement) {
    return DaySeries.all(session.executeAsync(statement.setIdempotent(true)), row -> row);
  }
}
