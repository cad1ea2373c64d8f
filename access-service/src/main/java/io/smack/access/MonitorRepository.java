package io.smack.access;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.smack.access.Views.Demotion;
import io.smack.access.Views.Monitor;
import io.smack.common.Tables;
import io.smack.common.model.ForecastMonitor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The streaming job's live check of each symbol's served model ({@code prediction_monitor}): one
 * row per symbol, its rolling figures worked out here from the stored errors with {@code common}'s
 * {@link ForecastMonitor}, as the job does.
 */
final class MonitorRepository {

  private final CqlSession session;
  private final PreparedStatement select;

  MonitorRepository(CqlSession session, String keyspace) {
    this.session = session;
    this.select =
        session.prepare(
            "SELECT model_version, scored_through, model_errors, naive_errors, scored, skipped,"
                + " demoted_version, demoted_to, demoted_at, demotion, model_problem FROM "
                + keyspace
                + "."
                + Tables.PREDICTION_MONITOR
                + " WHERE symbol = ?");
  }

  /** The symbol's monitor; empty when the streaming job has not scored a bar of it. */
  CompletionStage<Optional<Monitor>> monitor(String symbol) {
    return session
        .executeAsync(select.bind(symbol).setIdempotent(true))
        .thenApply(page -> Optional.ofNullable(page.one()).map(MonitorRepository::monitor));
  }

  private static Monitor monitor(Row row) {
    List<Double> model = row.getList(2, Double.class);
    List<Double> naive = row.getList(3, Double.class);
    Optional<ForecastMonitor.Figures> figures =
        model.isEmpty() || model.size() != naive.size()
            ? Optional.empty()
            : new ForecastMonitor(model.size(), 0, model, naive).figures();
    Demotion demotion =
        row.isNull(6)
            ? null
            : new Demotion(
                row.getInt(6),
                row.isNull(7) ? null : row.getInt(7),
                row.getInstant(8),
                row.getString(9));
    return new Monitor(
        row.isNull(0) ? null : row.getInt(0),
        row.getInstant(1),
        figures.map(ForecastMonitor.Figures::steps).orElse(0),
        figures.map(ForecastMonitor.Figures::rmse).orElse(null),
        figures.map(ForecastMonitor.Figures::mae).orElse(null),
        figures.map(ForecastMonitor.Figures::naiveRmse).orElse(null),
        figures.map(ForecastMonitor.Figures::naiveMae).orElse(null),
        row.isNull(4) ? 0 : row.getLong(4),
        row.isNull(5) ? 0 : row.getLong(5),
        row.getString(10),
        demotion);
  }
}
