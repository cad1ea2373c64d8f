package io.smack.collector;

import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/** A configured origin of quotes: a simulator, a CSV replay, an HTTP feed. */
interface QuoteSource {

  /** The name it is configured under, written into its quotes and dead letters. */
  String name();

  /** A new run of the source; called again after a failure, with backoff. */
  Source<Collected, ?> create(ActorSystem system);

  /**
   * What the collector runs: a new run of the source, its items in chunks. Each stage between a
   * source and the producer (restart, merge, batching) costs something per element; a source that
   * yields hundreds of thousands of quotes a second yields them in chunks to pay it once per chunk.
   * By default, one item a chunk.
   */
  default Source<List<Collected>, ?> chunks(ActorSystem system) {
    return create(system).map(List::of);
  }
}
