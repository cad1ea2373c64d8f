package io.smack.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The streaming job's CPU samples sorted into what a quote costs: each stack goes to the first
 * part, in the order below, that one of its frames names. The JVM's own threads first; then the
 * work inside tasks by what it does; then what the driver does per batch.
 */
final class JobCpu {

  /** A part of the job's work and the frames that mark it (any frame containing one). */
  record Part(String name, String... markers) {

    boolean holds(String stack) {
      for (String marker : markers) {
        if (stack.contains(marker)) {
          return true;
        }
      }
      return false;
    }

    /** The part's name as a figure's: lower case, words joined by hyphens. */
    String slug() {
      return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "");
    }
  }

  static final Part OTHER = new Part("other");

  /** In the order a stack is matched. */
  static final List<Part> PARTS =
      List.of(
          new Part("GC", "G1", "GangWorker", "GCTaskThread", "ConcurrentGCThread", "VM_GC_"),
          new Part("JIT compiler", "CompileBroker", "C2Compiler", "C1Compiler"),
          new Part(
              "JSON decode and validation",
              "io/smack/ingest/QuoteParsing.decode",
              "io/smack/common/QuoteCodec",
              "io/smack/common/DeadLetter"),
          new Part(
              "Kafka fetch and offsets",
              "org/apache/kafka/",
              "org/apache/spark/sql/kafka010/KafkaDataConsumer",
              "org/apache/spark/sql/kafka010/consumer"),
          new Part("state store", "org/rocksdb/", "state/RocksDB", "StateStoreChangelog"),
          new Part("quote writes", "io/smack/ingest/QuoteWriter", "io/smack/ingest/AsyncWrites"),
          new Part("bar writes (connector)", "com/datastax/spark/connector/writer/"),
          new Part(
              "backfill and scoring", "io/smack/ingest/StoredQuotes", "io/smack/ingest/BarScorer"),
          new Part(
              "Cassandra driver I/O",
              "com/datastax/oss/driver/",
              "com/datastax/spark/connector/",
              "io/netty/"),
          new Part(
              "shuffle",
              "org/apache/spark/shuffle/",
              "ShuffleBlockFetcherIterator",
              "ExternalSorter",
              "ShuffleExternalSorter"),
          new Part(
              "serialization",
              "JavaSerializer",
              "java/io/ObjectOutputStream",
              "java/io/ObjectInputStream",
              "KryoSerializer",
              "com/esotericsoftware/kryo/"),
          new Part("persisting blocks", "org/apache/spark/storage/", "org/apache/spark/util/io/"),
          new Part("operators in tasks (dedup, aggregate, join)", "Executor$TaskRunner"),
          new Part(
              "planning per batch",
              "MicroBatchExecution",
              "org/apache/spark/sql/catalyst/",
              "org/apache/spark/sql/execution/",
              "QueryExecution",
              "org/codehaus/janino/",
              "ClosureCleaner"),
          new Part(
              "scheduling",
              "org/apache/spark/scheduler/",
              "org/apache/spark/rpc/",
              "org/apache/spark/network/"),
          new Part(
              "progress reporting",
              "io/smack/ingest/IngestProgress",
              "StreamingQueryListenerBus",
              "org/apache/spark/util/ListenerBus",
              "AsyncEventQueue"));

  private JobCpu() {}

  /** The part a stack belongs to. */
  static Part of(String stack) {
    for (Part part : PARTS) {
      if (part.holds(stack)) {
        return part;
      }
    }
    return OTHER;
  }

  /** Samples per part, in the order of {@link #PARTS}, {@link #OTHER} last; every part listed. */
  static Map<Part, Long> samples(FlameGraph profile) {
    Map<Part, Long> byPart = new LinkedHashMap<>();
    PARTS.forEach(p -> byPart.put(p, 0L));
    byPart.put(OTHER, 0L);
    profile.stacks().forEach((stack, count) -> byPart.merge(of(stack), count, Long::sum));
    return byPart;
  }
}
