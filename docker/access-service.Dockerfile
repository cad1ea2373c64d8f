# The access service: the JSON API over Cassandra (series, ranges, latest, bars, predictions).
# Built from the repository root once `mvn package` has made the jar (bin/smack images does both):
#   docker build -f docker/access-service.Dockerfile -t smack/access-service:0.1.0-SNAPSHOT .
# The Java 17 runtime underneath: the public image by default; bin/smack images passes one made
# from Debian's packages where no image registry answers (see docker/README.md).
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy
FROM ${JRE_IMAGE}

RUN groupadd --system --gid 10001 smack \
 && useradd --system --uid 10001 --gid smack --home-dir /opt/smack --shell /usr/sbin/nologin smack

COPY access-service/target/smack-access-service.jar /opt/smack/smack-access-service.jar

# Configured by the environment only (access-service/src/main/resources/reference.conf):
# CASSANDRA_CONTACT_POINTS, CASSANDRA_LOCAL_DC, CASSANDRA_KEYSPACE, ACCESS_AUTH_TOKENS,
# PREDICTION_SERIES, HTTP_PORT, ...; JVM flags through JAVA_TOOL_OPTIONS.
USER smack
WORKDIR /opt/smack
# the API, /health/live, /health/ready and /metrics
EXPOSE 8080
# Exec form: java is PID 1 and gets the SIGTERM of a stop (Pekko's coordinated shutdown unbinds,
# lets requests in flight finish, closes the Cassandra session). The heap follows the memory limit.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/smack/smack-access-service.jar"]
