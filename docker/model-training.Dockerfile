# The training job: a forecasting model per symbol from Cassandra, versioned with its metrics. Run
# by Chronos on a schedule (deploy/chronos/model-training.json); executors on Mesos in this image.
#   docker build -f docker/model-training.Dockerfile -t smack/model-training:0.1.0-SNAPSHOT .
ARG SPARK_IMAGE=smack/spark:3.5.4-scala2.13-java17
FROM ${SPARK_IMAGE}

COPY docker/spark-job.sh /opt/smack/bin/spark-job
COPY model-training/target/smack-model-training.jar /opt/smack/smack-model-training.jar

# What spark-job submits. The job is configured by the environment (CASSANDRA_CONTACT_POINTS,
# TRAINING_SYMBOLS, TRAINING_SERIES, SPARK_MASTER, ...: model-training's reference.conf); spark.*
# settings are the arguments after the run's name. Exit 0: trained (or nothing to train), 1: failed,
# 2: Cassandra unreachable; Chronos retries non-zero runs.
ENV SMACK_JOB_CLASS=io.smack.training.TrainingMain \
    SMACK_JOB_JAR=/opt/smack/smack-model-training.jar
USER spark
ENTRYPOINT ["/opt/smack/bin/spark-job"]
CMD ["smack-training"]
