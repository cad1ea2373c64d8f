package io.smack.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.smack.access.AccessSettings.Series;
import io.smack.access.CassandraConnection.Repositories;
import io.smack.access.Forecast.Price;
import io.smack.access.PredictionRepository.Recorded;
import io.smack.access.RequestParameters.TimeRange;
import io.smack.access.Views.Actual;
import io.smack.access.Views.BarView;
import io.smack.access.Views.BarsPage;
import io.smack.access.Views.ErrorsPage;
import io.smack.access.Views.FeatureRow;
import io.smack.access.Views.FeaturesPage;
import io.smack.access.Views.LatestQuote;
import io.smack.access.Views.ModelVersion;
import io.smack.access.Views.Models;
import io.smack.access.Views.Monitor;
import io.smack.access.Views.PredictionError;
import io.smack.access.Views.PredictionView;
import io.smack.access.Views.Promotion;
import io.smack.access.Views.QuoteView;
import io.smack.access.Views.QuotesPage;
import io.smack.access.Views.Status;
import io.smack.access.Views.SymbolStatus;
import io.smack.access.Views.Symbols;
import io.smack.common.model.ForecastFeatures;
import io.smack.common.model.ServedModels.Served;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What each endpoint answers, over the repositories: the routes only read the request and write the
 * answer. Unknown symbols and missing models become 404s here.
 */
final class AccessService {

  /**
   * Batch rows /status reads per query, at most: more than a 5-minute window holds at four batches
   * a second (the quotes query's 250 ms trigger), from one or two day partitions.
   */
  private static final int STATUS_BATCHES = 1500;

  /** Lookups of what happened after each prediction, at most this many at once. */
  private static final int LOOKUPS_IN_FLIGHT = 8;

  private final CassandraConnection cassandra;
  private final SymbolCache<Optional<Served>> models;
  private final SymbolCache<Optional<LatestQuote>> latest;

  /**
   * The last verdict, kept for {@code status-cache-ttl}: a verdict reads up to 3 000 batch rows,
   * and one a second is as fresh as a dashboard or a load balancer's check needs, however many ask.
   */
  private final SymbolCache<Status> statusCache;

  /**
   * The last {@code /catalog}, kept as long as a status verdict: it reads every row of the models
   * tables (a row per version and symbol) and the schema, which a page polling it need not repeat.
   */
  private final SymbolCache<Views.Catalog> catalogCache;

  private final int maxSymbols;
  private final Series series;
  private final boolean streamedPredictions;
  private final PipelineStatus.Thresholds thresholds;
  private final String keyspace;
  private final Clock clock;
  private final ActorSystem system;

  /**
   * The asOf and version last recorded per symbol: the same prediction is not written again (a
   * symbol that falls out only has its prediction written once more).
   */
  private final Cache<String, String> lastRecorded;

  AccessService(
      CassandraConnection cassandra,
      AccessSettings settings,
      Clock clock,
      ActorSystem system,
      HttpMetrics metrics) {
    this.cassandra = cassandra;
    int size = settings.cacheMaxSymbols();
    Ticker ticker = Ticker.systemTicker();
    this.models =
        SymbolCache.of("served-model", settings.modelReloadInterval(), size, ticker, metrics);
    this.latest = SymbolCache.of("latest-quote", settings.latestCacheTtl(), size, ticker, metrics);
    this.statusCache = SymbolCache.of("status", settings.statusCacheTtl(), 1, ticker, metrics);
    this.catalogCache = SymbolCache.of("catalog", settings.statusCacheTtl(), 1, ticker, metrics);
    this.lastRecorded = Caffeine.newBuilder().maximumSize(size).build();
    this.maxSymbols = settings.maxSymbols();
    this.series = settings.predictionSeries();
    this.streamedPredictions = settings.streamedPredictions();
    this.thresholds = settings.status();
    this.keyspace = settings.cassandra().keyspace();
    this.clock = clock;
    this.system = system;
  }

  CompletionStage<Symbols> symbols() {
    return repositories().quotes().symbols(maxSymbols).thenApply(Symbols::new);
  }

  CompletionStage<LatestQuote> latest(String symbol) {
    return newest(symbol).thenApply(quote -> quote.orElseThrow(() -> unknown(symbol)));
  }

  CompletionStage<QuotesPage> quotes(String symbol, TimeRange range) {
    DaySeries<QuoteView> quotes = repositories().quotes().quotes();
    return page(symbol, range, quotes, QuoteView::ts)
        .thenApply(
            page -> new QuotesPage(symbol, range.from(), range.to(), page.items(), page.next()));
  }

  CompletionStage<BarsPage> bars(String symbol, TimeRange range) {
    DaySeries<BarView> bars = repositories().quotes().bars();
    return page(symbol, range, bars, BarView::minute)
        .thenApply(
            page -> new BarsPage(symbol, range.from(), range.to(), page.items(), page.next()));
  }

  /**
   * The feature vectors the model sees, one per price of the prediction series in the range, newest
   * first: each from the {@link ForecastFeatures#PRICES_NEEDED} prices ending at it, by the code
   * training and scoring use. A price with fewer before it has no vector (null).
   */
  CompletionStage<FeaturesPage> features(String symbol, TimeRange range) {
    DaySeries<Price> prices = repositories().quotes().prices(series);
    return page(symbol, range, prices, Price::ts)
        .thenCompose(
            page -> {
              if (page.items().isEmpty()) {
                return CompletableFuture.completedFuture(
                    new FeaturesPage(
                        symbol, range.from(), range.to(), ForecastFeatures.NAMES, List.of(), null));
              }
              Instant oldest = page.items().get(page.items().size() - 1).ts();
              return prices
                  .newestFirst(
                      symbol,
                      RequestParameters.EARLIEST,
                      oldest,
                      ForecastFeatures.PRICES_NEEDED - 1)
                  .thenApply(
                      before ->
                          new FeaturesPage(
                              symbol,
                              range.from(),
                              range.to(),
                              ForecastFeatures.NAMES,
                              FeatureRow.of(page.items(), before),
                              page.next()));
            });
  }

  /** Every view and every table behind it: see {@link DataCatalog}. */
  CompletionStage<Views.Catalog> catalog() {
    Repositories repositories = repositories();
    return catalogCache.get("catalog", key -> readCatalog(repositories));
  }

  private CompletionStage<Views.Catalog> readCatalog(Repositories repositories) {
    Instant now = clock.instant();
    CatalogRepository catalog = repositories.catalog();
    CompletionStage<Map<String, List<Views.CatalogColumn>>> columns = catalog.columns();
    CompletionStage<Map<String, CatalogRepository.Size>> sizes = catalog.sizes();
    Map<DataCatalog.Freshness, CompletionStage<Optional<Instant>>> newest =
        Map.of(
            DataCatalog.Freshness.QUOTES, newestBatch(repositories, thresholds.query(), now),
            DataCatalog.Freshness.BARS, newestBatch(repositories, thresholds.barsQuery(), now),
            DataCatalog.Freshness.TRAINED, catalog.newestTrained(),
            DataCatalog.Freshness.PROMOTED, catalog.newestPromoted());
    CompletionStage<Map<DataCatalog.Freshness, Instant>> known =
        CompletableFuture.completedFuture(new EnumMap<>(DataCatalog.Freshness.class));
    for (Map.Entry<DataCatalog.Freshness, CompletionStage<Optional<Instant>>> one :
        newest.entrySet()) {
      known =
          known.thenCombine(
              one.getValue(),
              (map, at) -> {
                at.ifPresent(t -> map.put(one.getKey(), t));
                return map;
              });
    }
    return columns
        .thenCombine(sizes, (c, s) -> Map.entry(c, s))
        .thenCombine(
            known,
            (schema, fresh) ->
                DataCatalog.of(keyspace, now, schema.getKey(), schema.getValue(), fresh));
  }

  private static CompletionStage<Optional<Instant>> newestBatch(
      Repositories repositories, String query, Instant now) {
    return repositories
        .progress()
        .newest(query, 1, now)
        .thenApply(batches -> batches.stream().map(ProgressRepository.Batch::at).findFirst());
  }

  CompletionStage<Models> models(String symbol) {
    Repositories repositories = repositories();
    CompletionStage<List<ModelVersion>> versions = repositories.models().versions(symbol);
    CompletionStage<Optional<Integer>> served = repositories.models().servedVersion(symbol);
    CompletionStage<Optional<Monitor>> monitor = repositories.monitors().monitor(symbol);
    return versions.thenCompose(
        stored ->
            served.thenCombine(
                monitor,
                (version, live) -> {
                  if (stored.isEmpty()) {
                    throw ApiException.notFound("no_model", "no model of " + symbol + " yet");
                  }
                  Map<Integer, Promotion> promotion = new LinkedHashMap<>();
                  stored.forEach(v -> promotion.put(v.version(), Promotion.of(v.metrics())));
                  return new Models(
                      symbol, version.orElse(null), stored, promotion, live.orElse(null));
                }));
  }

  /**
   * The newest prediction the streaming job scored, with {@code predictions = stream} once it has
   * scored one; else the live prediction, evaluated now on the newest prices and recorded in {@code
   * predictions} unless the same one already was. 404 when no model serves, saying so when the live
   * monitor demoted the last one. Either says how far its newest input lies behind the symbol's
   * newest quote, and whether that makes it stale.
   */
  CompletionStage<PredictionView> predict(String symbol) {
    Repositories repositories = repositories();
    return latest(symbol)
        .thenCompose(
            newestQuote ->
                predict(repositories, symbol)
                    .thenApply(
                        view ->
                            view.withBasis(newestQuote.ts(), thresholds.predictionStaleAfter())));
  }

  private CompletionStage<PredictionView> predict(Repositories repositories, String symbol) {
    return models
        .get(symbol, repositories.models()::served)
        .thenCompose(
            served ->
                served.isPresent()
                    ? CompletableFuture.completedFuture(served.get())
                    : repositories
                        .monitors()
                        .monitor(symbol)
                        .thenApply(
                            monitor -> {
                              throw ApiException.notFound(
                                  "no_model",
                                  monitor
                                      .map(Monitor::lastDemotion)
                                      .filter(d -> d != null && d.fallback() == null)
                                      .map(
                                          d -> "no promoted model of " + symbol + ": " + d.detail())
                                      .orElse("no promoted model of " + symbol + " yet"));
                            }))
        .thenCompose(model -> predict(repositories, symbol, model));
  }

  private CompletionStage<PredictionView> predict(
      Repositories repositories, String symbol, Served model) {
    Forecast.usable(symbol, model); // 503 unservable_model, streamed or not
    return (streamedPredictions
            ? streamed(repositories, symbol)
            : CompletableFuture.completedFuture(Optional.<PredictionView>empty()))
        .thenCompose(
            newest ->
                newest.isPresent()
                    ? CompletableFuture.completedFuture(newest.get())
                    : newestPrices(symbol, ForecastFeatures.PRICES_NEEDED)
                        .thenApply(
                            prices -> Forecast.predict(symbol, model, prices, clock.instant()))
                        .thenCompose(prediction -> recordOnce(repositories, prediction)));
  }

  /** The newest stored prediction, when the streaming job scored it, with its inputs. */
  private CompletionStage<Optional<PredictionView>> streamed(
      Repositories repositories, String symbol) {
    PredictionRepository predictions = repositories.predictions();
    return predictions
        .recorded()
        .newestFirst(symbol, RequestParameters.EARLIEST, RequestParameters.LATEST, 1)
        .thenCompose(
            newest -> {
              if (newest.isEmpty() || !newest.get(0).streamed()) {
                return CompletableFuture.completedFuture(Optional.<PredictionView>empty());
              }
              Recorded recorded = newest.get(0);
              return predictions
                  .inputs(symbol, recorded.asOf())
                  .thenApply(
                      inputs ->
                          Optional.of(
                              new PredictionView(
                                  symbol,
                                  recorded.modelVersion(),
                                  recorded.asOf(),
                                  recorded.naive(),
                                  recorded.targetTs(),
                                  Math.log(recorded.predicted() / recorded.naive()),
                                  recorded.predicted(),
                                  inputs
                                      .map(PredictionRepository.Inputs::features)
                                      .orElse(Map.of()),
                                  inputs.map(PredictionRepository.Inputs::prices).orElse(List.of()),
                                  inputs.map(PredictionRepository.Inputs::from).orElse(null),
                                  inputs.map(PredictionRepository.Inputs::at).orElse(null),
                                  PredictionView.STREAM,
                                  0,
                                  false)));
            });
  }

  /** Is data flowing? See {@link PipelineStatus}. */
  CompletionStage<Status> status() {
    Repositories repositories = repositories();
    return statusCache.get("status", key -> readStatus(repositories));
  }

  private CompletionStage<Status> readStatus(Repositories repositories) {
    Instant now = clock.instant();
    CompletionStage<List<ProgressRepository.Batch>> batches =
        repositories.progress().newest(thresholds.query(), STATUS_BATCHES, now);
    CompletionStage<List<ProgressRepository.Batch>> barsBatches =
        repositories.progress().newest(thresholds.barsQuery(), STATUS_BATCHES, now);
    QuoteRepository quotes = repositories.quotes();
    return quotes
        .symbols(maxSymbols)
        .thenCompose(quotes::latest)
        .thenCompose(
            latest ->
                Source.from(latest)
                    .mapAsync(
                        LOOKUPS_IN_FLIGHT,
                        quote ->
                            models
                                .get(quote.symbol(), repositories.models()::served)
                                .thenCombine(
                                    repositories.monitors().monitor(quote.symbol()),
                                    (model, monitor) -> symbolStatus(quote, model, monitor)))
                    .runWith(Sink.seq(), system))
        .thenCombine(
            batches.thenCombine(barsBatches, List::of),
            (symbols, recent) ->
                PipelineStatus.of(
                    recent.get(0), recent.get(1), symbols, clock.instant(), thresholds));
  }

  private SymbolStatus symbolStatus(
      LatestQuote quote, Optional<Served> model, Optional<Monitor> monitor) {
    Instant now = clock.instant();
    return new SymbolStatus(
        quote.symbol(),
        quote.ts(),
        Duration.between(quote.ts(), now).toSeconds(),
        model.map(Served::version).orElse(null),
        model.filter(Served::usable).map(m -> m.model().kind()).orElse(null),
        model.map(Served::reason).orElse(null),
        model.map(Served::trainedAt).orElse(null),
        model.map(m -> Duration.between(m.trainedAt(), now).toSeconds()).orElse(null),
        monitor
            .map(Monitor::scoredThrough)
            .filter(scored -> scored != null)
            .map(scored -> Math.max(0, Duration.between(scored, quote.ts()).toSeconds()))
            .orElse(null),
        model
            .filter(m -> !m.usable())
            .map(Served::unusable)
            .or(() -> monitor.map(Monitor::modelProblem))
            .orElse(null),
        monitor.orElse(null));
  }

  /** Recorded predictions next to the first price that came after each. */
  CompletionStage<ErrorsPage> errors(String symbol, TimeRange range) {
    DaySeries<Recorded> recorded = repositories().predictions().recorded();
    return page(symbol, range, recorded, Recorded::asOf)
        .thenCompose(
            page ->
                Source.from(page.items())
                    .mapAsync(LOOKUPS_IN_FLIGHT, prediction -> withActual(symbol, prediction))
                    .runWith(Sink.seq(), system)
                    .thenApply(
                        errors ->
                            new ErrorsPage(symbol, range.from(), range.to(), errors, page.next())));
  }

  /**
   * A prediction with what happened next: stored with a streamed prediction (the streaming job
   * writes the outcome when the next bar closes; null until then), looked up for one served on
   * demand (the first price of the series after it).
   */
  private CompletionStage<PredictionError> withActual(String symbol, Recorded prediction) {
    if (prediction.streamed()) {
      Actual actual =
          prediction.actual() == null
              ? null
              : new Actual(prediction.actualTs(), prediction.actual());
      return CompletableFuture.completedFuture(
          new PredictionError(
              prediction.asOf(),
              prediction.targetTs(),
              prediction.predicted(),
              prediction.modelVersion(),
              prediction.naive(),
              actual,
              prediction.error(),
              actual == null ? null : prediction.error() / actual.price(),
              prediction.naiveError()));
    }
    return firstPriceAfter(symbol, prediction.asOf())
        .thenApply(
            actual -> {
              if (actual.isEmpty()) {
                return new PredictionError(
                    prediction.asOf(),
                    prediction.targetTs(),
                    prediction.predicted(),
                    prediction.modelVersion(),
                    null,
                    null,
                    null,
                    null,
                    null);
              }
              Price price = actual.get();
              double error = price.price() - prediction.predicted();
              return new PredictionError(
                  prediction.asOf(),
                  prediction.targetTs(),
                  prediction.predicted(),
                  prediction.modelVersion(),
                  null,
                  new Actual(price.ts(), price.price()),
                  error,
                  error / price.price(),
                  null);
            });
  }

  /** The newest {@code n} prices of the series the models are trained on, newest first. */
  private CompletionStage<List<Price>> newestPrices(String symbol, int n) {
    return repositories()
        .quotes()
        .prices(series)
        .newestFirst(symbol, RequestParameters.EARLIEST, RequestParameters.LATEST, n);
  }

  /** The first price of the series after {@code time}: what happened after a prediction. */
  private CompletionStage<Optional<Price>> firstPriceAfter(String symbol, Instant time) {
    return repositories().quotes().prices(series).firstAfter(symbol, time);
  }

  private CompletionStage<PredictionView> recordOnce(
      Repositories repositories, PredictionView prediction) {
    String key = prediction.asOf() + "@" + prediction.modelVersion();
    if (key.equals(lastRecorded.getIfPresent(prediction.symbol()))) {
      return CompletableFuture.completedFuture(prediction);
    }
    return repositories
        .predictions()
        .record(prediction)
        .thenApply(
            done -> {
              lastRecorded.put(prediction.symbol(), key);
              return prediction;
            });
  }

  private record Page<T>(List<T> items, String next) {}

  /** One page of a range, 404 for an unknown symbol; reads one item more to know if it is last. */
  private <T> CompletionStage<Page<T>> page(
      String symbol, TimeRange range, DaySeries<T> series, Function<T, Instant> time) {
    return known(symbol)
        .thenCompose(
            ok -> series.newestFirst(symbol, range.start(), range.end(), range.limit() + 1))
        .thenApply(
            items -> {
              if (items.size() <= range.limit()) {
                return new Page<>(items, null);
              }
              List<T> page = items.subList(0, range.limit());
              return new Page<>(page, Json.INSTANT.format(time.apply(page.get(page.size() - 1))));
            });
  }

  private CompletionStage<Boolean> known(String symbol) {
    return newest(symbol)
        .thenApply(
            quote -> {
              if (quote.isEmpty()) {
                throw unknown(symbol);
              }
              return true;
            });
  }

  private CompletionStage<Optional<LatestQuote>> newest(String symbol) {
    QuoteRepository quotes = repositories().quotes();
    return latest.get(symbol, quotes::latest);
  }

  private Repositories repositories() {
    return cassandra.repositories();
  }

  private static ApiException unknown(String symbol) {
    return ApiException.notFound("unknown_symbol", "no quotes of " + symbol);
  }
}
