package io.smack.deploy.containers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What stands in for Mesos here: a Spark standalone master in the Spark image, and a worker in each
 * Spark job's own image (the image Marathon and Chronos name in {@code
 * spark.mesos.executor.docker.image}), so that executors start from the job images as they would on
 * a Mesos agent. Each worker offers {@link #WORKER_CORES} slots and {@link #WORKER_MEMORY}: enough
 * for the deploy files' executors ({@code spark.executor.cores=2}; {@code 2g}, {@code 3g}) of both
 * jobs at once. Worker {@code n} listens on 127.0.0.(n + 1), as agents have addresses of their own:
 * Spark reads the shuffle files of an executor on the same host from its disk, which another
 * container does not share (with every worker on 127.0.0.1, each stage after a shuffle failed on a
 * missing file).
 */
public final class SparkStandIn {

  static final int WORKER_CORES = 4;
  static final String WORKER_MEMORY = "6g";

  private SparkStandIn() {}

  /** Worker {@code number}'s address (1-based): 127.0.0.2, 127.0.0.3, ... */
  static String host(int number) {
    return "127.0.0." + (number + 1);
  }

  public static ContainerSpec master(String sparkImage, int port, int webUiPort) {
    return new ContainerSpec(
        "smack-spark-master",
        sparkImage,
        Optional.of("/opt/spark/bin/spark-class"),
        List.of(
            "org.apache.spark.deploy.master.Master",
            "--host",
            LocalSite.HOST,
            "--port",
            String.valueOf(port),
            "--webui-port",
            String.valueOf(webUiPort)),
        Map.of("SPARK_DAEMON_MEMORY", "256m"),
        0,
        0,
        List.of(),
        Map.of("io.smack.app", "spark-master"));
  }

  /** A worker in {@code jobImage}, the checkpoint folder mounted as in the driver. */
  public static ContainerSpec worker(int number, String jobImage, LocalSite site, int webUiPort) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                host(number),
                "--cores",
                String.valueOf(WORKER_CORES),
                "--memory",
                WORKER_MEMORY,
                "--webui-port",
                String.valueOf(webUiPort),
                site.sparkMaster()));
    return new ContainerSpec(
        "smack-spark-worker-" + number,
        jobImage,
        Optional.of("/opt/spark/bin/spark-class"),
        command,
        Map.of("SPARK_DAEMON_MEMORY", "256m"),
        0,
        0,
        List.of(site.checkpointVolume()),
        Map.of("io.smack.app", "spark-worker"));
  }
}
