# The streaming job: Kafka into Cassandra with Spark Structured Streaming. Its driver runs here, in
# client mode, with executors on Mesos in this same image (it holds Spark, see docker/spark.Dockerfile).
#   docker build -f docker/ingest-streaming.Dockerfile -t smack/ingest-streaming:0.1.0-SNAPSHOT .
ARG SPARK_IMAGE=smack/spark:3.5.4-scala2.13-java17
FROM ${SPARK_IMAGE}

COPY docker/spark-job.sh /opt/smack/bin/spark-job
COPY ingest-streaming/target/smack-ingest-streaming.jar /opt/smack/smack-ingest-streaming.jar

# What spark-job submits. The job is configured by the environment (KAFKA_BOOTSTRAP_SERVERS,
# CASSANDRA_CONTACT_POINTS, INGEST_CHECKPOINT_DIR, SPARK_MASTER, ...: ingest-streaming's
# reference.conf); spark.* settings are the arguments after the run's name.
ENV SMACK_JOB_CLASS=io.smack.ingest.IngestMain \
    SMACK_JOB_JAR=/opt/smack/smack-ingest-streaming.jar
USER spark
# GET /health and GET /metrics of the driver; on Marathon the port comes from PORT_HTTP
EXPOSE 8082
# Exec form, and spark-job execs spark-submit, which execs java: the driver gets the SIGTERM of a
# stop and ends its query between micro-batches.
ENTRYPOINT ["/opt/smack/bin/spark-job"]
CMD ["smack-ingest"]
