# Spark 3.5.4 built for Scala 2.13, on Java 17: the base of the two Spark jobs' images, and an image
# their executors can run in on Mesos (spark.mesos.executor.docker.image, with
# spark.mesos.executor.home=/opt/spark). Apache's own Spark images are built for Scala 2.12 only, and
# the jobs are Scala 2.13 code, so the 2.13 distribution is installed here, checked against the
# signature of its release manager's key.
#   docker build -f docker/spark.Dockerfile -t smack/spark:3.5.4-scala2.13-java17 .
FROM eclipse-temurin:17-jre-jammy

ARG SPARK_VERSION=3.5.4
ARG SPARK_DIST=spark-3.5.4-bin-hadoop3-scala2.13
# the key that signed the 3.5.4 release (https://downloads.apache.org/spark/KEYS)
ARG SPARK_GPG_KEY=19F745C40A0E550420BB2C522541488DA93FE4B4
ARG SPARK_UID=185

RUN groupadd --system --gid ${SPARK_UID} spark \
 && useradd --system --uid ${SPARK_UID} --gid spark --home-dir /opt/spark --shell /usr/sbin/nologin spark

# procps: Spark's scripts call ps. The rest are the shared libraries a stock build of libmesos links
# against: a driver on Mesos loads the agent's libmesos (MESOS_NATIVE_JAVA_LIBRARY, mounted by
# Marathon and Chronos; see deploy/README.md), and it needs them in here.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends gnupg wget procps \
      libcurl4 libsasl2-2 libsasl2-modules libsvn1 libapr1 libaprutil1 zlib1g; \
    rm -rf /var/lib/apt/lists/*

RUN set -eux; \
    tmp="$(mktemp -d)"; cd "$tmp"; \
    wget -nv -O spark.tgz "https://archive.apache.org/dist/spark/spark-${SPARK_VERSION}/${SPARK_DIST}.tgz"; \
    wget -nv -O spark.tgz.asc "https://archive.apache.org/dist/spark/spark-${SPARK_VERSION}/${SPARK_DIST}.tgz.asc"; \
    export GNUPGHOME="$(mktemp -d)"; \
    gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$SPARK_GPG_KEY" \
      || gpg --batch --keyserver hkps://keyserver.ubuntu.com --recv-keys "$SPARK_GPG_KEY"; \
    gpg --batch --verify spark.tgz.asc spark.tgz; \
    gpgconf --kill all; \
    mkdir -p /opt/spark/work-dir; \
    tar -xzf spark.tgz --strip-components=1 -C /opt/spark; \
    rm -rf /opt/spark/examples /opt/spark/data /opt/spark/R /opt/spark/python "$GNUPGHOME" "$tmp"; \
    test -n "$(ls /opt/spark/jars/spark-mesos_2.13-${SPARK_VERSION}.jar)"; \
    chown -R spark:spark /opt/spark/work-dir

ENV SPARK_HOME=/opt/spark \
    PATH=/opt/spark/bin:$PATH
WORKDIR /opt/spark/work-dir
USER spark
