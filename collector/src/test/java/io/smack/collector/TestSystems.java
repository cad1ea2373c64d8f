package io.smack.collector;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;

/** Actor systems for tests: like the service's, but terminating one does not end the test JVM. */
final class TestSystems {

  private TestSystems() {}

  static ActorSystem actorSystem(String name) {
    return ActorSystem.create(
        name,
        ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
            .withFallback(ConfigFactory.load()));
  }
}
