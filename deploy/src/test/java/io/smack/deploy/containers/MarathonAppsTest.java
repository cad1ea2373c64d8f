package io.smack.deploy.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MarathonAppsTest {

  @Test
  void should_run_the_streaming_driver_on_the_local_addresses_with_marathons_task_variables() {
    // given the streaming job's app
    ObjectNode ingest = Descriptors.marathon("ingest-streaming");

    // when it is made a container on one local node
    App app =
        MarathonApps.read(
            ingest, Descriptors.file("marathon", "ingest-streaming"), Descriptors.oneNode());

    // then the cluster's addresses are the local ones, the rest as written
    ContainerSpec driver = app.instances().get(0);
    assertThat(app.instances()).hasSize(1);
    assertThat(driver.image()).isEqualTo("smack/ingest-streaming:0.1.0-SNAPSHOT");
    assertThat(driver.command()).first().isEqualTo("smack-ingest");
    assertThat(driver.command())
        .contains("spark.mesos.executor.docker.image=smack/ingest-streaming:0.1.0-SNAPSHOT");
    assertThat(driver.env())
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:39092")
        .containsEntry("CASSANDRA_CONTACT_POINTS", "127.0.0.1:39042")
        .containsEntry("CASSANDRA_LOCAL_DC", "datacenter1")
        .containsEntry("CASSANDRA_CONSISTENCY", "LOCAL_ONE")
        .containsEntry("CASSANDRA_REPLICATION_STRATEGY", "SimpleStrategy")
        .containsEntry("SPARK_MASTER", "spark://127.0.0.1:37077")
        .containsEntry("INGEST_CHECKPOINT_DIR", "file:///var/lib/smack/checkpoints/ingest")
        .containsEntry("INGEST_SHUFFLE_PARTITIONS", "4")
        .doesNotContainKey("MESOS_NATIVE_JAVA_LIBRARY");
    // five named ports, free ones, as Marathon hands them to a host-network task
    assertThat(driver.env())
        .containsEntry("PORT0", "40001")
        .containsEntry("PORT_HTTP", "40001")
        .containsEntry("PORT_DRIVER", "40002")
        .containsEntry("PORT_LIBPROCESS", "40005")
        .containsEntry("PORTS", "40001,40002,40003,40004,40005")
        .containsEntry("HOST", "127.0.0.1")
        .containsEntry("MARATHON_APP_ID", "/smack/ingest-streaming");
    assertThat(driver.cpus()).isEqualTo(1.0);
    assertThat(driver.memoryMb()).isEqualTo(2304);
    // libmesos is not mounted; the checkpoint folder is
    assertThat(driver.volumes())
        .containsExactly(
            new ContainerSpec.Volume(
                java.nio.file.Path.of("/srv/run/checkpoints"),
                "/var/lib/smack/checkpoints",
                false));
    assertThat(app.healthChecks())
        .containsExactly(
            new HealthCheck(
                "MESOS_HTTP",
                "/health",
                40001,
                Duration.ofSeconds(15),
                Duration.ofSeconds(300),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                3));
    assertThat(app.killGrace()).isEqualTo(Duration.ofSeconds(60));
    assertThat(app.backoff())
        .isEqualTo(new Backoff(Duration.ofSeconds(10), 2, Duration.ofSeconds(300)));
  }

  @Test
  void should_place_one_unique_instance_on_one_host_and_serve_bridge_ports_on_the_container_port() {
    // given the access service: two instances, hostname:UNIQUE, a bridge port 8080
    ObjectNode access = Descriptors.marathon("access-status");

    // when
    App app =
        MarathonApps.read(
            access, Descriptors.file("marathon", "access-status"), Descriptors.oneNode());

    // then
    assertThat(app.asked()).isEqualTo(2);
    assertThat(app.instances())
        .extracting(ContainerSpec::name)
        .containsExactly("smack-access-status-1");
    assertThat(app.instances().get(0).env())
        .containsEntry("PORT_HTTP", "8080")
        .containsEntry("PORT0", "8080");
    assertThat(app.healthChecks())
        .extracting(HealthCheck::port, HealthCheck::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(8080, "/health/live"));
    assertThat(app.readinessChecks())
        .containsExactly(
            new App.Readiness(
                "cassandra-ready",
                "/health/ready",
                8080,
                Duration.ofSeconds(5),
                Duration.ofSeconds(3),
                java.util.List.of(200)));
    assertThat(app.dependencies()).containsExactly("/smack/ingest-streaming");
  }

  @Test
  void should_add_the_local_runs_settings_only_to_the_part_that_reads_them() {
    // when
    App collector =
        MarathonApps.read(
            Descriptors.marathon("collector"),
            Descriptors.file("marathon", "collector"),
            Descriptors.oneNode());
    App access =
        MarathonApps.read(
            Descriptors.marathon("access-status"),
            Descriptors.file("marathon", "access-status"),
            Descriptors.oneNode());

    // then
    assertThat(collector.instances().get(0).env()).containsEntry("SIMULATOR_HISTORY", "2h");
    assertThat(access.instances().get(0).env()).doesNotContainKeys("SIMULATOR_HISTORY");
  }

  @Test
  void should_name_the_file_and_field_of_what_it_cannot_run() {
    ObjectNode beyond = Descriptors.marathon("access-status");
    ((ObjectNode) beyond.withArray("healthChecks").get(0)).put("portIndex", 1);
    ObjectNode secret = Descriptors.marathon("access-status");
    secret.withObject("/env").putObject("CASSANDRA_PASSWORD").put("secret", "cassandra-password");
    ObjectNode readiness = Descriptors.marathon("access-status");
    ((ObjectNode) readiness.withArray("readinessChecks").get(0)).put("portName", "admin");
    ObjectNode noImage = Descriptors.marathon("collector");
    noImage.withObject("/container").withObject("/docker").remove("image");

    assertThatThrownBy(() -> read(beyond))
        .isInstanceOf(DescriptorException.class)
        .hasMessage(
            "deploy/marathon/access-status.json: healthChecks[0].portIndex: 1 is beyond the app's 1 ports");
    assertThatThrownBy(() -> read(secret))
        .hasMessageStartingWith(
            "deploy/marathon/access-status.json: env.CASSANDRA_PASSWORD: a secret reference");
    assertThatThrownBy(() -> read(readiness))
        .hasMessage(
            "deploy/marathon/access-status.json: readinessChecks[0].portName: 'admin' names none of the ports [http]");
    assertThatThrownBy(() -> read(noImage))
        .hasMessage("deploy/marathon/access-status.json: container.docker.image: missing");
  }

  private static App read(ObjectNode app) {
    return MarathonApps.read(
        app, Descriptors.file("marathon", "access-status"), Descriptors.oneNode());
  }
}
