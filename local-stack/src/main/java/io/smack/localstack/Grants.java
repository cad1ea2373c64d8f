package io.smack.localstack;

import static io.smack.localstack.Principal.ACCESS;
import static io.smack.localstack.Principal.COLLECTOR;
import static io.smack.localstack.Principal.INGEST;
import static io.smack.localstack.Principal.OPERATOR;
import static io.smack.localstack.Principal.TRAINING;

import io.smack.common.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each {@link Principal} may do on a secured stack, and nothing more: Kafka ACLs (with {@code
 * StandardAuthorizer}, whatever no ACL allows is refused) and Cassandra grants ({@code
 * CassandraAuthorizer}). SECURITY.md lists the same for a real cluster.
 */
final class Grants {

  /**
   * The prefix of the consumer groups Spark's Kafka source makes for each query ({@code
   * groupIdPrefix}'s default); Spark assigns partitions itself, so the group only names the
   * consumers.
   */
  static final String SPARK_GROUPS = "spark-kafka-source";

  /** The prefix of a person's consumer groups (reading the dead letters, say). */
  static final String OPERATOR_GROUPS = "smack-";

  /** The tables the streaming job writes: everything but the models. */
  static final List<String> INGEST_WRITES =
      List.of(
          Tables.QUOTES_BY_DAY,
          Tables.QUOTE_DAYS,
          Tables.LATEST_QUOTE,
          Tables.SYMBOLS,
          Tables.BARS_1M,
          Tables.PREDICTIONS,
          Tables.PREDICTION_MONITOR,
          Tables.INGEST_BATCHES);

  /** The tables the training job reads: the series and their indexes. */
  static final List<String> TRAINING_READS =
      List.of(Tables.QUOTES_BY_DAY, Tables.QUOTE_DAYS, Tables.SYMBOLS, Tables.BARS_1M);

  /**
   * The tables the training job writes, and the streaming job reads to score and writes to demote.
   */
  static final List<String> MODEL_TABLES = List.of(Tables.MODELS, Tables.SERVED_MODELS);

  private Grants() {}

  /**
   * The ACLs of the topics {@code quotes} and {@code deadLetters}. WRITE and READ imply DESCRIBE;
   * WRITE on a topic lets a producer be idempotent (Kafka 3.0 on).
   */
  static List<AclBinding> kafka(String quotes, String deadLetters) {
    List<AclBinding> acls = new ArrayList<>();
    allow(acls, COLLECTOR, topic(quotes), AclOperation.WRITE);
    allow(acls, COLLECTOR, topic(deadLetters), AclOperation.WRITE);
    allow(acls, INGEST, topic(quotes), AclOperation.READ);
    allow(acls, INGEST, groups(SPARK_GROUPS), AclOperation.READ);
    allow(acls, INGEST, topic(deadLetters), AclOperation.WRITE);
    allow(acls, OPERATOR, topic(quotes), AclOperation.READ);
    allow(acls, OPERATOR, topic(deadLetters), AclOperation.READ);
    allow(acls, OPERATOR, groups(OPERATOR_GROUPS), AclOperation.READ);
    return acls;
  }

  /**
   * The CQL statements that give each principal its permissions on {@code keyspace}'s tables (which
   * must exist). Idempotent; the first takes back what an earlier version of the stack gave the
   * operator's user (every permission on every keyspace).
   */
  static List<String> cassandra(String keyspace) {
    List<String> statements = new ArrayList<>();
    statements.add("REVOKE ALL PERMISSIONS ON ALL KEYSPACES FROM " + OPERATOR.user());
    for (String table : INGEST_WRITES) {
      grant(statements, "SELECT", keyspace + "." + table, INGEST);
      grant(statements, "MODIFY", keyspace + "." + table, INGEST);
    }
    for (String table : MODEL_TABLES) {
      grant(statements, "SELECT", keyspace + "." + table, INGEST);
      // its live monitor demotes a model that loses to naive: a naive version, the pointer on it
      grant(statements, "MODIFY", keyspace + "." + table, INGEST);
      // a promotion is a lightweight transaction: it reads as it writes
      grant(statements, "SELECT", keyspace + "." + table, TRAINING);
      grant(statements, "MODIFY", keyspace + "." + table, TRAINING);
    }
    for (String table : TRAINING_READS) {
      grant(statements, "SELECT", keyspace + "." + table, TRAINING);
    }
    grant(statements, "SELECT", "KEYSPACE " + keyspace, ACCESS);
    // the predictions it computes on request (predictions = "request") are recorded
    grant(statements, "MODIFY", keyspace + "." + Tables.PREDICTIONS, ACCESS);
    grant(statements, "SELECT", "KEYSPACE " + keyspace, OPERATOR);
    return statements;
  }

  private static void grant(
      List<String> statements, String permission, String resource, Principal to) {
    statements.add("GRANT " + permission + " ON " + resource + " TO " + to.user());
  }

  private static ResourcePattern topic(String name) {
    return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
  }

  private static ResourcePattern groups(String prefix) {
    return new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED);
  }

  private static void allow(
      List<AclBinding> acls, Principal principal, ResourcePattern resource, AclOperation what) {
    acls.add(
        new AclBinding(
            resource,
            new AccessControlEntry(
                "User:" + principal.user(), "*", what, AclPermissionType.ALLOW)));
  }
}
