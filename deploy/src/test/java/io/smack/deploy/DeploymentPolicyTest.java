package io.smack.deploy;

import static io.smack.deploy.Definitions.chronosJob;
import static io.smack.deploy.Definitions.marathonApp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.smack.common.AccessServices;
import io.smack.localstack.Haproxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What this pipeline asks of its own definitions beyond Marathon's and Chronos's rules: how each
 * part must run on a cluster (several API instances on different hosts, one streaming driver, grace
 * for a starting JVM, the Spark settings of a driver in client mode).
 */
class DeploymentPolicyTest {

  @Test
  void should_run_several_access_instances_on_different_hosts_behind_marathon_lb() {
    for (AccessServices.Service service : AccessServices.ALL) {
      accessApp(marathonApp(service.name()));
    }
  }

  private static void accessApp(JsonNode access) {

    assertThat(access.get("instances").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(access.get("constraints").toString()).contains("[\"hostname\",\"UNIQUE\"]");
    assertThat(access.get("labels").get("HAPROXY_GROUP").asText()).isEqualTo("external");
    assertThat(access.get("labels").get("HAPROXY_0_MODE").asText()).isEqualTo("http");
    assertThat(access.get("container").get("portMappings").get(0).get("servicePort").asInt())
        .isBetween(10000, 20000);
    assertThat(access.get("readinessChecks").get(0).get("path").asText())
        .isEqualTo("/health/ready");
    // a rolling upgrade that never goes below the serving capacity
    assertThat(access.get("upgradeStrategy").get("minimumHealthCapacity").asDouble()).isEqualTo(1);
    assertThat(access.get("upgradeStrategy").get("maximumOverCapacity").asDouble()).isPositive();
  }

  @Test
  void should_give_marathon_lb_the_slow_client_limits_of_the_local_cluster_haproxy() {
    for (AccessServices.Service service : AccessServices.ALL) {
      JsonNode labels = marathonApp(service.name()).get("labels");

      // marathon-lb fills its templates with Python's str.format: {{ }} are literal braces
      String frontend =
          labels.get("HAPROXY_0_FRONTEND_HEAD").asText().replace("{{", "{").replace("}}", "}");

      // the lines SlowClientsIT holds against slowloris, behind the service port's frontend
      assertThat(frontend.lines())
          .as(service.name())
          .startsWith("", "frontend {backend}", "  bind {bindAddr}:{servicePort}{sslCertOptions}")
          .containsSubsequence(Haproxy.SLOW_CLIENT_LIMITS);
    }
  }

  @Test
  void should_never_run_the_streaming_driver_twice_on_its_checkpoint() {
    JsonNode ingest = marathonApp("ingest-streaming");

    assertThat(ingest.get("instances").asInt()).isEqualTo(1);
    assertThat(ingest.get("upgradeStrategy").get("minimumHealthCapacity").asDouble()).isZero();
    assertThat(ingest.get("upgradeStrategy").get("maximumOverCapacity").asDouble()).isZero();
    assertThat(ingest.get("labels").get("MARATHON_SINGLE_INSTANCE_APP").asText()).isEqualTo("true");
    // the checkpoint outlives the container: a shared file system, not the sandbox
    assertThat(ingest.get("env").get("INGEST_CHECKPOINT_DIR").asText()).matches("(hdfs|s3a)://.+");
  }

  @Test
  void should_read_and_write_at_local_quorum_and_create_the_keyspace_as_the_deployment_does() {
    Map<String, Map<String, String>> cassandraUsers = new LinkedHashMap<>();
    for (String name : Definitions.marathonApps()) {
      if (!marathonApp(name).get("env").has("CASSANDRA_CONTACT_POINTS")) {
        continue;
      }
      Map<String, String> env = new LinkedHashMap<>();
      marathonApp(name)
          .get("env")
          .fields()
          .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      cassandraUsers.put("marathon " + name, env);
    }
    Map<String, String> training = new LinkedHashMap<>();
    chronosJob("model-training")
        .get("environmentVariables")
        .forEach(v -> training.put(v.get("name").asText(), v.get("value").asText()));
    cassandraUsers.put("chronos model-training", training);

    for (Map.Entry<String, Map<String, String>> user : cassandraUsers.entrySet()) {
      Map<String, String> env = user.getValue();
      assertThat(env.get("CASSANDRA_CONSISTENCY")).as(user.getKey()).isEqualTo("LOCAL_QUORUM");
    }
    // every part that may create the keyspace (the jobs do, when it is missing) asks for the same
    // replication: NetworkTopologyStrategy, three replicas in the data centre it reads from
    for (String creator : List.of("marathon ingest-streaming", "chronos model-training")) {
      Map<String, String> env = cassandraUsers.get(creator);
      assertThat(env.get("CASSANDRA_REPLICATION_STRATEGY"))
          .as(creator)
          .isEqualTo("NetworkTopologyStrategy");
      assertThat(env.get("CASSANDRA_REPLICATION_DATA_CENTERS"))
          .as(creator)
          .isEqualTo(env.get("CASSANDRA_LOCAL_DC") + ":3");
    }
  }

  @Test
  void should_give_every_app_a_health_check_that_waits_for_its_jvm() {
    for (String name : Definitions.marathonApps()) {
      JsonNode check = marathonApp(name).get("healthChecks").get(0);

      assertThat(check.get("protocol").asText()).as(name).isEqualTo("MESOS_HTTP");
      assertThat(check.get("gracePeriodSeconds").asInt()).as(name).isGreaterThanOrEqualTo(60);
      assertThat(check.get("path").asText()).as(name).startsWith("/health");
    }
  }

  @Test
  void should_run_spark_drivers_in_client_mode_with_executors_in_their_own_image() {
    JsonNode ingest = marathonApp("ingest-streaming");
    JsonNode training = chronosJob("model-training");

    for (JsonNode[] part :
        List.of(
            new JsonNode[] {ingest.get("args"), ingest.get("container").get("docker").get("image")},
            new JsonNode[] {training.get("arguments"), training.get("container").get("image")})) {
      Map<String, String> conf = sparkConf(part[0]);

      assertThat(conf).containsKey("spark.cores.max");
      assertThat(conf.get("spark.mesos.executor.docker.image")).isEqualTo(part[1].asText());
      assertThat(conf.get("spark.mesos.executor.home")).isEqualTo("/opt/spark");
    }
    assertThat(portNames(ingest))
        .containsExactly("http", "driver", "blockmanager", "ui", "libprocess");
    assertThat(ingest.get("networks").get(0).get("mode").asText()).isEqualTo("host");
  }

  @Test
  void should_retrain_nightly_with_retries_in_the_training_image() {
    JsonNode training = chronosJob("model-training");

    assertThat(training.get("schedule").asText()).endsWith("/P1D");
    assertThat(training.get("retries").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(training.get("concurrent").asBoolean()).isFalse();
    assertThat(training.get("container").get("image").asText()).startsWith("smack/model-training:");
  }

  private static Map<String, String> sparkConf(JsonNode args) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).asText().equals("--conf")) {
        String[] setting = args.get(i + 1).asText().split("=", 2);
        conf.put(setting[0], setting[1]);
      }
    }
    return conf;
  }

  private static List<String> portNames(JsonNode app) {
    List<String> names = new ArrayList<>();
    app.get("portDefinitions").forEach(port -> names.add(port.get("name").asText()));
    return names;
  }
}
