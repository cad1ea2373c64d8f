# Spark 3.5.4 built for Scala 2.13, on Java 17: the base of the two Spark jobs' images, and an image
# their executors run in (spark.mesos.executor.docker.image, with spark.mesos.executor.home=/opt/spark;
# locally a standalone worker in the job's image starts them). Apache's own Spark images are built
# for Scala 2.12 only, and nothing may be downloaded during a build, so the image holds the very
# jars the jobs were compiled and tested against: bin/smack images lays them out as a distribution in
# deploy/target/spark-dist (io.smack.deploy.images.SparkDistribution), from the local Maven
# repository the build resolved them into.
#   docker build -f docker/spark.Dockerfile -t smack/spark:3.5.4-scala2.13-java17 .
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy
FROM ${JRE_IMAGE}

ARG SPARK_UID=185

# procps: Spark's worker and scripts call ps. The rest are the shared libraries a stock build of
# libmesos links against: a driver on Mesos loads the agent's libmesos (MESOS_NATIVE_JAVA_LIBRARY,
# mounted by Marathon and Chronos; see deploy/README.md), and it needs them in here. Installed from
# the base's own package archive (Ubuntu's for the public base, Debian's for the one bin/smack makes).
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends procps \
      libcurl4 libsasl2-2 libsasl2-modules libsvn1 libapr1 libaprutil1 zlib1g; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system --gid ${SPARK_UID} spark; \
    useradd --system --uid ${SPARK_UID} --gid spark --home-dir /opt/spark --shell /usr/sbin/nologin spark

# jars/ (Spark and what it ships, one version of each), conf/jvm.flags (what Spark needs on Java 17),
# RELEASE (which makes Spark's launchers take /opt/spark for a distribution)
COPY deploy/target/spark-dist /opt/spark/
COPY docker/spark/spark-class /opt/spark/bin/spark-class
COPY docker/spark/spark-submit /opt/spark/bin/spark-submit
RUN set -eux; \
    mkdir -p /opt/spark/work-dir; \
    chown spark:spark /opt/spark/work-dir; \
    test -f /opt/spark/jars/spark-core_2.13-3.5.4.jar

ENV SPARK_HOME=/opt/spark \
    SPARK_WORKER_DIR=/opt/spark/work-dir \
    SPARK_SCALA_VERSION=2.13 \
    PATH=/opt/spark/bin:$PATH
WORKDIR /opt/spark/work-dir
USER spark
