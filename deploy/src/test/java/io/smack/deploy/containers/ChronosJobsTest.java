package io.smack.deploy.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ChronosJobsTest {

  @Test
  void should_run_the_training_job_as_chronos_starts_it_and_again_on_each_retry() {
    // when
    ChronosJobs.Job job =
        ChronosJobs.read(
            Descriptors.chronos("model-training"),
            Descriptors.file("chronos", "model-training"),
            Descriptors.oneNode());

    // then three runs at most: the first and two retries
    assertThat(job.name()).isEqualTo("smack-model-training");
    assertThat(job.retries()).isEqualTo(2);
    assertThat(job.attempts())
        .extracting(ContainerSpec::name)
        .containsExactly(
            "smack-model-training-run-1",
            "smack-model-training-run-2",
            "smack-model-training-run-3");
    ContainerSpec run = job.attempts().get(0);
    // shell false: the image's entry point gets the command, then the arguments
    assertThat(run.entrypoint()).isEmpty();
    assertThat(run.command())
        .containsExactly(
            "smack-training",
            "--conf",
            "spark.cores.max=4",
            "--conf",
            "spark.executor.cores=2",
            "--conf",
            "spark.executor.memory=3g",
            "--conf",
            "spark.mesos.executor.docker.image=smack/model-training:0.1.0-SNAPSHOT",
            "--conf",
            "spark.mesos.executor.home=/opt/spark");
    assertThat(run.env())
        .containsEntry("SPARK_MASTER", "spark://127.0.0.1:37077")
        .containsEntry("CASSANDRA_CONTACT_POINTS", "127.0.0.1:39042")
        .containsEntry("TRAINING_SERIES", "bars")
        .doesNotContainKey("MESOS_NATIVE_JAVA_LIBRARY");
    assertThat(run.memoryMb()).isEqualTo(3200);
    assertThat(run.volumes()).isEmpty();
  }

  @Test
  void should_refuse_a_shell_command_and_a_job_without_an_image() {
    ObjectNode shell = Descriptors.chronos("model-training").put("shell", true);
    ObjectNode noImage = Descriptors.chronos("model-training");
    noImage.withObject("/container").remove("image");

    assertThatThrownBy(() -> read(shell))
        .hasMessageStartingWith("deploy/chronos/model-training.json: shell: true runs the command");
    assertThatThrownBy(() -> read(noImage))
        .hasMessage("deploy/chronos/model-training.json: container.image: missing");
  }

  private static ChronosJobs.Job read(ObjectNode job) {
    return ChronosJobs.read(
        job, Descriptors.file("chronos", "model-training"), Descriptors.oneNode());
  }
}
