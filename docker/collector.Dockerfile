# The collector: quote sources (simulator, CSV replay, HTTP feed) into Kafka.
# Built from the repository root once `mvn package` has made the jar (bin/smack images does both):
#   docker build -f docker/collector.Dockerfile -t smack/collector:0.1.0-SNAPSHOT .
# The Java 17 runtime underneath: the public image by default; bin/smack images passes one made
# from Debian's packages where no image registry answers (see docker/README.md).
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy
FROM ${JRE_IMAGE}

RUN groupadd --system --gid 10001 smack \
 && useradd --system --uid 10001 --gid smack --home-dir /opt/smack --shell /usr/sbin/nologin smack

COPY collector/target/smack-collector.jar /opt/smack/smack-collector.jar

# Configured by the environment only (collector/src/main/resources/reference.conf):
# KAFKA_BOOTSTRAP_SERVERS, COLLECTOR_SOURCES, SIMULATOR_SYMBOLS, SIMULATOR_RATE, FEED_URL,
# FEED_SYMBOLS, CSV_PATH, CSV_SPEED, HTTP_PORT; JVM flags through JAVA_TOOL_OPTIONS.
USER smack
WORKDIR /opt/smack
# GET /health and GET /metrics
EXPOSE 8081
# Exec form: java is PID 1 and gets the SIGTERM of a stop; the collector then stops its sources and
# flushes the producer before it exits. The heap follows the container's memory limit.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/smack/smack-collector.jar"]
