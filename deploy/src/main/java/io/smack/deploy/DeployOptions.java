package io.smack.deploy;

import java.util.Map;
import java.util.Optional;

/**
 * What a deploy changes in the definitions under {@code deploy/}: where the images are ({@code
 * --image-repository registry.example.com/smack}, {@code --image-tag 0.1.0}), the environment of
 * the cluster ({@code --set KAFKA_BOOTSTRAP_SERVERS=...}, applied to every app and job that sets
 * that variable), and whether to override a Marathon deployment in progress ({@code --force}).
 */
record DeployOptions(
    Optional<String> imageRepository,
    Optional<String> imageTag,
    Map<String, String> settings,
    boolean force) {

  /** The definitions as they are. */
  static DeployOptions none() {
    return new DeployOptions(Optional.empty(), Optional.empty(), Map.of(), false);
  }
}
