package io.smack.deploy.containers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs containers as Marathon and Chronos would have a Mesos agent run them — a faithful executor
 * of the deploy files for testing, not a scheduler: no offers, no placement beyond one host, no
 * upgrades. Apps start in the order of their dependencies, each once its dependencies' tasks are
 * healthy and ready (those that wait for the same ones start together, as Marathon starts them);
 * their health checks are polled as Marathon polls them and a task that fails them, or exits, is
 * stopped and started again after Marathon's backoff; a stop sends SIGTERM and SIGKILL after the
 * app's kill grace period. Closing the group stops and removes every container it started, in the
 * reverse order, with their logs saved under its folder.
 */
public final class ContainerGroup implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerGroup.class);
  private static final Duration TICK = Duration.ofSeconds(1);

  /** What a stop took, and how the container ended. */
  public record Stopped(String name, Duration took, Duration grace, int exitCode) {

    public boolean withinGrace() {
      return took.compareTo(grace) < 0 && exitCode != 137;
    }
  }

  private final Engine engine;
  private final Path dir;
  private final Map<String, String> runLabel;
  private final List<Task> tasks = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Stopped> stopped = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ScheduledExecutorService supervisor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "container-supervisor");
            thread.setDaemon(true);
            return thread;
          });

  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  // a JVM stopped by a signal (a test run interrupted, the launcher's Ctrl-C) leaves no container
  private final Thread closeOnExit = new Thread(this::close, "close-containers");

  public ContainerGroup(Engine engine, Path dir, String run) {
    this.engine = engine;
    this.dir = dir;
    this.runLabel = Map.of("io.smack.run", run);
    supervisor.scheduleWithFixedDelay(this::superviseQuietly, 1, 1, TimeUnit.SECONDS);
    Runtime.getRuntime().addShutdownHook(closeOnExit);
  }

  public Engine engine() {
    return engine;
  }

  /** Lines of what happened: starts, failed checks, restarts, with the reason. */
  public List<String> events() {
    return List.copyOf(events);
  }

  public List<Stopped> stopped() {
    return List.copyOf(stopped);
  }

  /** A container outside Marathon's apps (the Spark stand-in): started again when it exits. */
  public void start(ContainerSpec spec, Duration grace) {
    Task task = new Task(spec, null, grace, Backoff.MARATHON_DEFAULT);
    tasks.add(task);
    task.launch();
  }

  /**
   * Starts the apps in the order of their dependencies; returns once every task is healthy and
   * ready.
   *
   * @throws IllegalStateException when a task is not healthy and ready within {@code timeout}
   */
  public void deploy(List<App> apps, Duration timeout) throws InterruptedException {
    List<App> waiting = new ArrayList<>(StartOrder.of(apps));
    Set<String> ready = new HashSet<>();
    while (!waiting.isEmpty()) {
      // as Marathon deploys a group: every app whose dependencies are ready starts at once
      List<App> wave =
          waiting.stream().filter(app -> ready.containsAll(app.dependencies())).toList();
      List<Task> started = new ArrayList<>();
      for (App app : wave) {
        if (app.instances().size() < app.asked()) {
          event(
              app.id()
                  + ": "
                  + app.asked()
                  + " instances asked, "
                  + app.instances().size()
                  + " placed on this one host (hostname:UNIQUE)");
        }
        for (ContainerSpec spec : app.instances()) {
          Task task = new Task(spec, app, app.killGrace(), app.backoff());
          tasks.add(task);
          started.add(task);
          task.launch();
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      for (App app : wave) {
        List<Task> own = started.stream().filter(t -> t.app == app).toList();
        while (!own.stream().allMatch(Task::healthyAndReady)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                app.id() + " is not healthy and ready within " + timeout + ": " + lastEvent(app));
          }
          TimeUnit.MILLISECONDS.sleep(500);
        }
        event(app.id() + " is healthy and ready");
        ready.add(app.id());
      }
      waiting.removeAll(wave);
    }
  }

  /**
   * Runs a Chronos job: each attempt's container to its end, again after a non-zero exit, up to the
   * job's retries; the last exit code.
   */
  public int run(ChronosJobs.Job job, Duration timeout) {
    int exit = -1;
    for (ContainerSpec attempt : job.attempts()) {
      engine.remove(attempt.name());
      engine.run(attempt, dir, runLabel);
      event(job.name() + ": " + attempt.name() + " started");
      exit = engine.await(attempt.name(), timeout);
      String why = exit == 0 ? "exited with 0" : ended(attempt, exit);
      engine.saveLogs(attempt.name(), dir.resolve("logs").resolve(attempt.name() + ".log"));
      engine.remove(attempt.name());
      event(job.name() + ": " + attempt.name() + " " + why);
      if (exit == 0) {
        return 0;
      }
    }
    return exit;
  }

  /**
   * Stops one task as a Marathon kill would (SIGTERM, SIGKILL after the grace) and keeps it down.
   */
  public Stopped stop(String name) {
    Task task = tasks.stream().filter(t -> t.spec.name().equals(name)).findFirst().orElseThrow();
    tasks.remove(task);
    return task.stop();
  }

  /**
   * Stops one task as a Marathon kill would and starts it again at once (a restart of the task, as
   * {@code POST /v2/apps/ID/restart} does); what the stop took.
   */
  public Stopped restart(String name) {
    Task task = tasks.stream().filter(t -> t.spec.name().equals(name)).findFirst().orElseThrow();
    synchronized (task) {
      Stopped result = task.stop();
      task.launch();
      return result;
    }
  }

  /** Whether the task of {@code name} is healthy and ready now. */
  public boolean healthy(String name) {
    return tasks.stream().anyMatch(t -> t.spec.name().equals(name) && t.healthyAndReady());
  }

  /**
   * Stops and removes every container of the group, once; a call made meanwhile waits until that is
   * done (the launcher stops the stack only after), later calls return at once.
   */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(closeOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is stopping: this is the hook, or it runs beside this call and finds it done
    }
    supervisor.shutdownNow();
    List<Task> reversed = new ArrayList<>(tasks);
    java.util.Collections.reverse(reversed);
    for (Task task : reversed) {
      task.stop();
    }
    tasks.clear();
    // anything of this run's left over (a half-started deploy)
    for (String name : engine.labelled("io.smack.run", runLabel.get("io.smack.run"))) {
      engine.remove(name);
    }
  }

  /** How a container ended, with the line of its log that says why. */
  private String ended(ContainerSpec spec, int exitCode) {
    String how =
        exitCode == 137
            ? "was killed (exit 137: SIGKILL, which the kernel sends a container that reaches its"
                + " memory limit, "
                + spec.memoryMb()
                + " MB here; on cgroup v1 podman does not report it as OOMKilled)"
            : "exited with " + exitCode;
    return how + " (its log: " + engine.lastWords(spec.name()) + ")";
  }

  private void superviseQuietly() {
    try {
      Instant now = Instant.now();
      for (Task task : tasks) {
        task.supervise(now);
      }
    } catch (RuntimeException e) {
      LOG.warn("supervising the containers failed once: {}", e.toString());
    }
  }

  private void event(String line) {
    LOG.info("{}", line);
    events.add(Instant.now() + " " + line);
  }

  private String lastEvent(App app) {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).contains(app.part())) {
        return events.get(i);
      }
    }
    return "no check answered";
  }

  /** One container of an app (or of the stand-in), with what its checks said. */
  private final class Task {
    private final ContainerSpec spec;
    private final App app;
    private final Duration grace;
    private final Backoff backoff;
    private volatile List<HealthState> health = List.of();
    private volatile boolean ready;
    private volatile Instant restartAt;
    private int failures;

    Task(ContainerSpec spec, App app, Duration grace, Backoff backoff) {
      this.spec = spec;
      this.app = app;
      this.grace = grace;
      this.backoff = backoff;
    }

    void launch() {
      engine.remove(spec.name());
      engine.run(spec, dir, runLabel);
      Instant now = Instant.now();
      health =
          app == null
              ? List.of()
              : app.healthChecks().stream().map(check -> new HealthState(check, now)).toList();
      ready = app == null || app.readinessChecks().isEmpty();
      event(spec.name() + " started (" + spec.image() + ")");
    }

    boolean healthyAndReady() {
      return ready && health.stream().allMatch(h -> h.verdict() == HealthState.Verdict.HEALTHY);
    }

    synchronized void supervise(Instant now) {
      if (restartAt != null) {
        if (now.isAfter(restartAt)) {
          restartAt = null;
          launch();
        }
        return;
      }
      Engine.State state = engine.state(spec.name());
      if (!state.running()) {
        failures++;
        String why = ended(spec, state.exitCode());
        engine.saveLogs(spec.name(), dir.resolve("logs").resolve(spec.name() + ".log"));
        scheduleRestart(now, spec.name() + " " + why);
        return;
      }
      for (HealthState check : health) {
        if (check.due(now)) {
          String failure = poll(check.check().url(LocalSite.HOST), check.check().timeout(), null);
          HealthState.Verdict verdict = check.record(failure == null, failure, now);
          if (verdict == HealthState.Verdict.HEALTHY) {
            failures = 0;
          } else if (verdict == HealthState.Verdict.KILL) {
            failures++;
            stopContainer();
            scheduleRestart(
                now,
                spec.name()
                    + " failed its health check "
                    + check.check().path()
                    + " "
                    + check.consecutiveFailures()
                    + " times in a row ("
                    + failure
                    + "): killed");
            return;
          }
        }
      }
      if (!ready && app != null) {
        ready =
            app.readinessChecks().stream()
                .allMatch(
                    r ->
                        poll("http://" + LocalSite.HOST + ":" + r.port() + r.path(), r.timeout(), r)
                            == null);
      }
    }

    private void scheduleRestart(Instant now, String why) {
      Duration delay = backoff.delay(failures);
      restartAt = now.plus(delay);
      event(why + "; started again in " + delay.toSeconds() + " s, as Marathon would");
    }

    /** null when the check passes, else why not. */
    private String poll(String url, Duration timeout, App.Readiness readiness) {
      try {
        int status =
            http.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        boolean ok =
            readiness == null ? HealthCheck.healthy(status) : readiness.ready().contains(status);
        return ok ? null : url + " answered " + status;
      } catch (java.io.IOException e) {
        return url + ": " + e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    private void stopContainer() {
      engine.stop(spec.name(), grace);
      engine.saveLogs(spec.name(), dir.resolve("logs").resolve(spec.name() + ".log"));
    }

    synchronized Stopped stop() {
      long started = System.nanoTime();
      engine.stop(spec.name(), grace);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      Engine.State state = engine.state(spec.name());
      engine.saveLogs(spec.name(), dir.resolve("logs").resolve(spec.name() + ".log"));
      engine.remove(spec.name());
      Stopped result = new Stopped(spec.name(), took, grace, state.exitCode());
      stopped.add(result);
      event(
          spec.name()
              + " stopped in "
              + took.toMillis()
              + " ms (grace "
              + grace.toSeconds()
              + " s), exit "
              + state.exitCode());
      return result;
    }
  }
}
