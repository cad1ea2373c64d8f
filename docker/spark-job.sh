#!/usr/bin/env bash
# spark-job NAME [SPARK-SUBMIT OPTION ...] [-- JOB ARGUMENT ...]
#
# The entry point of the Spark job images: submits $SMACK_JOB_CLASS from $SMACK_JOB_JAR (both set by
# the image) to $SPARK_MASTER in client mode, so the driver runs in this container and its executors
# wherever the master puts them. NAME is the run's Spark application name; the options are
# spark-submit's (--conf spark.cores.max=4 ...); what follows -- goes to the job itself.
#
# On Marathon (host networking) the driver listens on the ports Marathon gave the task, found by
# their port names: PORT_DRIVER, PORT_BLOCKMANAGER, PORT_UI, PORT_LIBPROCESS (libmesos' own) and
# PORT_HTTP (the job's /health). Without them (Chronos, docker run) Spark picks free ports.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: spark-job NAME [SPARK-SUBMIT OPTION ...] [-- JOB ARGUMENT ...]" >&2
  exit 64
fi
: "${SMACK_JOB_CLASS:?the image sets SMACK_JOB_CLASS}"
: "${SMACK_JOB_JAR:?the image sets SMACK_JOB_JAR}"
: "${SPARK_MASTER:?set SPARK_MASTER: mesos://zk://zk-1:2181/mesos on Mesos, local[*] in one container}"

case "$SPARK_MASTER" in
  mesos://*)
    # Spark's Mesos scheduler is a jar of its own; an image built without it cannot register
    if ! compgen -G "$SPARK_HOME/jars/spark-mesos_*.jar" >/dev/null; then
      echo "spark-job: SPARK_MASTER is a Mesos master, but this image has no spark-mesos jar in $SPARK_HOME/jars (docker/README.md says how to build it in)" >&2
      exit 1
    fi
    ;;
esac

name="$1"
shift
options=()
job_args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    job_args=("$@")
    break
  fi
  options+=("$1")
  shift
done

# A driver started inside a Mesos task inherits the task's MESOS_* variables; libmesos would take
# them for its own settings and the framework would not register.
unset MESOS_EXECUTOR_ID MESOS_FRAMEWORK_ID MESOS_SLAVE_ID MESOS_SLAVE_PID MESOS_TASK_ID

if [ -n "${HOST:-}" ]; then
  # executors connect back to the driver at the agent's name
  options+=(--conf "spark.driver.host=$HOST")
fi
if [ -n "${PORT_DRIVER:-}" ]; then
  options+=(--conf "spark.driver.port=$PORT_DRIVER")
fi
if [ -n "${PORT_BLOCKMANAGER:-}" ]; then
  options+=(--conf "spark.driver.blockManager.port=$PORT_BLOCKMANAGER")
fi
if [ -n "${PORT_UI:-}" ]; then
  options+=(--conf "spark.ui.port=$PORT_UI")
fi
if [ -n "${PORT_LIBPROCESS:-}" ]; then
  export LIBPROCESS_PORT="$PORT_LIBPROCESS"
fi
if [ -n "${PORT_HTTP:-}" ]; then
  export HTTP_PORT="$PORT_HTTP"
fi

# spark-submit execs java in the end: the driver is this process and receives the stop signal
exec "$SPARK_HOME/bin/spark-submit" \
  --master "$SPARK_MASTER" \
  --deploy-mode client \
  --name "$name" \
  --class "$SMACK_JOB_CLASS" \
  "${options[@]}" \
  "$SMACK_JOB_JAR" \
  "${job_args[@]}"
