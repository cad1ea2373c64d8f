package io.smack.common;

import com.typesafe.config.Config;

/**
 * Where Kafka is and which topics the pipeline uses ({@code smack.kafka}).
 *
 * @param bootstrapServers host:port list, comma-separated, as Kafka clients take it
 * @param quotesTopic the topic of quotes
 * @param deadLetterTopic the topic of refused inputs
 */
public record KafkaSettings(String bootstrapServers, String quotesTopic, String deadLetterTopic) {

  public static KafkaSettings from(Config config) {
    Settings.addresses(config, "smack.kafka.bootstrap-servers");
    return new KafkaSettings(
        config.getString("smack.kafka.bootstrap-servers"),
        config.getString("smack.kafka.topics.quotes"),
        config.getString("smack.kafka.topics.dead-letters"));
  }
}
