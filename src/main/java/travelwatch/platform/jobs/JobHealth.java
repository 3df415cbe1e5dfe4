package travelwatch.platform.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.platform.Rfc3339;

/**
 * The outcome of each scheduled job's last run, so a job that keeps failing is seen: on {@code
 * /health/ready} (its {@code jobs} section, and the node DEGRADED while one has failed) and in
 * Prometheus ({@code travelwatch_job_failing}, {@code travelwatch_job_failures_total}, labelled
 * {@code job_name}: a {@code job} label would clash with Prometheus's own target label).
 */
public final class JobHealth {
  private static final Logger log = LoggerFactory.getLogger(JobHealth.class);
  private static final int REASON_MAX = 300;

  private final MeterRegistry registry;
  private final Clock clock;
  private final ZoneId zone;
  private final Map<String, Job> jobs = new ConcurrentSkipListMap<>();

  /** Times are read from {@code clock} and shown in {@code zone}. */
  public JobHealth(MeterRegistry registry, Clock clock, ZoneId zone) {
    this.registry = registry;
    this.clock = clock;
    this.zone = zone;
  }

  /** The job of that name (lower case and underscores), registering its meters the first time. */
  public Job job(String name) {
    if (!name.matches("[a-z][a-z_]*")) {
      throw new IllegalArgumentException("A job name is lower case and underscores: " + name);
    }
    return jobs.computeIfAbsent(name, Job::new);
  }

  /** Each job by name: its status ({@code NOT_RUN}, {@code OK} or {@code FAILED}) and times. */
  public JsonObject toJson() {
    JsonObject section = new JsonObject();
    jobs.forEach((name, job) -> section.put(name, job.toJson()));
    return section;
  }

  /** Whether a section from {@link #toJson()} names a job whose last run failed. */
  public static boolean anyFailed(JsonObject section) {
    return section.stream()
        .anyMatch(
            e -> e.getValue() instanceof JsonObject j && "FAILED".equals(j.getString("status")));
  }

  /**
   * Runs each step once the one before has finished, whether it succeeded or not, so one failing
   * step never stops the others; fails with the first failure once all have run.
   */
  @SafeVarargs
  public static Future<Void> inTurn(Supplier<Future<?>>... steps) {
    Future<Throwable> firstFailure = Future.succeededFuture(null);
    for (Supplier<Future<?>> step : steps) {
      firstFailure =
          firstFailure.compose(
              failed ->
                  attempt(step)
                      .transform(
                          done ->
                              Future.succeededFuture(
                                  failed != null || done.succeeded() ? failed : done.cause())));
    }
    return firstFailure.compose(
        failed -> failed == null ? Future.succeededFuture() : Future.failedFuture(failed));
  }

  /** The step's future; a step that throws instead of failing its future fails the same way. */
  private static <T> Future<T> attempt(Supplier<? extends Future<? extends T>> step) {
    try {
      return step.get().map(t -> t);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The reason shown for a failure: one line, the exception's class and message, bounded. */
  static String reason(Throwable e) {
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    String line = (e.getClass().getName() + message).replaceAll("\\s+", " ").trim();
    return line.length() <= REASON_MAX ? line : line.substring(0, REASON_MAX - 1) + "…";
  }

  /** What a job's last run said; {@code since} is when that status began. */
  private record Outcome(boolean failed, Instant since, String reason, Instant lastSuccess) {}

  /** One scheduled job: each run goes through {@link #run}, which records how it ended. */
  public final class Job {
    private final String name;
    private final Counter failures;
    private volatile Outcome last;

    private Job(String name) {
      this.name = name;
      this.failures =
          Counter.builder("travelwatch.job.failures")
              .description("Runs of a scheduled job that failed")
              .tag("job_name", name)
              .register(registry);
      Gauge.builder("travelwatch.job.failing", this, j -> j.failing() ? 1 : 0)
          .description("1 while the scheduled job's last run failed, else 0")
          .tag("job_name", name)
          .register(registry);
    }

    public String name() {
      return name;
    }

    @Override
    public String toString() {
      return name;
    }

    /** Runs the job once and records how it ended; returns the run's own outcome. */
    public <T> Future<T> run(Supplier<? extends Future<? extends T>> work) {
      return attempt(work).onComplete(done -> record(done.failed() ? done.cause() : null));
    }

    boolean failing() {
      Outcome o = last;
      return o != null && o.failed();
    }

    private void record(Throwable failure) {
      Instant now = clock.instant();
      Outcome before = last;
      boolean wasFailing = before != null && before.failed();
      Instant lastSuccess = before == null ? null : before.lastSuccess();
      if (failure == null) {
        last = new Outcome(false, wasFailing || before == null ? now : before.since(), null, now);
        if (wasFailing) {
          log.info("Job {} succeeded again (failing since {})", name, before.since());
        }
        return;
      }
      failures.increment();
      String reason = reason(failure);
      last = new Outcome(true, wasFailing ? before.since() : now, reason, lastSuccess);
      if (wasFailing) {
        log.warn("Job {} failed again: {}", name, reason);
      } else {
        // The stack trace once per run of failures, not on every retry.
        log.warn("Job {} failed: {}", name, reason, failure);
      }
    }

    private JsonObject toJson() {
      Outcome o = last;
      if (o == null) {
        return new JsonObject().put("status", "NOT_RUN");
      }
      JsonObject json =
          new JsonObject()
              .put("status", o.failed() ? "FAILED" : "OK")
              .put("since", Rfc3339.format(o.since(), zone));
      if (o.failed()) {
        json.put("reason", o.reason());
      }
      return json.put("lastSuccess", Rfc3339.format(o.lastSuccess(), zone));
    }
  }
}
