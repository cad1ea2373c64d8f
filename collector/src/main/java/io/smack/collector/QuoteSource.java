package io.smack.collector;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;

/** A configured origin of quotes: a simulator, a CSV replay, an HTTP feed. */
interface QuoteSource {

  /** The name it is configured under, written into its quotes and dead letters. */
  String name();

  /** A new run of the source; called again after a failure, with backoff. */
  Source<Collected, ?> create(ActorSystem system);
}
