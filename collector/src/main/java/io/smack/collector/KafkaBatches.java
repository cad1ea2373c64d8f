package io.smack.collector;

import io.smack.common.KafkaSettings;
import io.smack.common.QuoteCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The Kafka producer as a stream stage: what the sources yield is grouped into batches, each batch
 * is handed to the producer, and a batch goes downstream once Kafka has acknowledged every record
 * of it. At most {@code inFlight} batches await acknowledgement, which is the backpressure that
 * slows the sources when the broker is slow.
 *
 * <p>Why not Pekko Connectors Kafka's {@code Producer.flexiFlow}: it keeps a future per record, and
 * at the simulator's full speed that halved the collector's rate against a bare producer loop on
 * the same machine ({@code bin/smack bench collector}); one future per batch does not.
 */
final class KafkaBatches {

  /**
   * A batch as records for Kafka, and what it adds to its sources' health once acknowledged. The
   * records are only held until they are handed to the producer (which copies them into its own
   * buffers), so that they die young instead of waiting for Kafka's acknowledgement in the heap.
   */
  record Batch(List<ProducerRecord<String, byte[]>> records, List<SourceHealth.Tally> tallies) {}

  private KafkaBatches() {}

  /**
   * Groups the sources' chunks into batches of about {@code size} records (a chunk is not split) or
   * what came within {@code within}.
   */
  static Flow<List<Collected>, Batch, NotUsed> batch(
      KafkaSettings kafka, int size, Duration within) {
    return Flow.<List<Collected>>create()
        .groupedWeightedWithin(size, chunk -> (long) chunk.size(), within)
        .map(
            chunks -> {
              List<ProducerRecord<String, byte[]>> records =
                  new ArrayList<>(chunks.stream().mapToInt(List::size).sum());
              List<SourceHealth.Tally> tallies = new ArrayList<>();
              for (List<Collected> chunk : chunks) {
                chunk.forEach(collected -> records.add(record(kafka, collected)));
                tallies.addAll(SourceHealth.Tally.of(chunk));
              }
              return new Batch(records, tallies);
            });
  }

  /**
   * Sends each batch; emits its tallies once every record is acknowledged, fails on the first
   * error.
   */
  static Flow<Batch, List<SourceHealth.Tally>, NotUsed> send(
      Producer<String, byte[]> producer, int inFlight, KafkaReach reach) {
    return Flow.<Batch>create().mapAsync(inFlight, batch -> send(producer, batch, reach));
  }

  /** Key = symbol for quotes (so one symbol stays in order), key = source for dead letters. */
  static ProducerRecord<String, byte[]> record(KafkaSettings kafka, Collected collected) {
    if (collected instanceof Collected.Accepted accepted) {
      return new ProducerRecord<>(
          kafka.quotesTopic(), accepted.quote().symbol(), QuoteCodec.encode(accepted.quote()));
    }
    Collected.Rejected rejected = (Collected.Rejected) collected;
    return new ProducerRecord<>(
        kafka.deadLetterTopic(), rejected.letter().source(), rejected.letter().toJson());
  }

  private static CompletionStage<List<SourceHealth.Tally>> send(
      Producer<String, byte[]> producer, Batch batch, KafkaReach reach) {
    CompletableFuture<List<SourceHealth.Tally>> acknowledged = new CompletableFuture<>();
    List<SourceHealth.Tally> tallies = batch.tallies();
    AtomicInteger pending = new AtomicInteger(batch.records().size());
    reach.sending(batch.records().size());
    // one callback for the whole batch (Kafka calls it once per record)
    Callback callback =
        (metadata, error) -> {
          if (error != null) {
            acknowledged.completeExceptionally(error);
          } else if (pending.decrementAndGet() == 0) {
            acknowledged.complete(tallies);
          }
        };
    for (ProducerRecord<String, byte[]> record : batch.records()) {
      producer.send(record, callback);
    }
    // once per batch, not in the per-record callback: Kafka's I/O thread calls that thousands of
    // times a second
    acknowledged.whenComplete((done, error) -> reach.done(batch.records().size()));
    return acknowledged;
  }
}
