package travelwatch.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** What a running server says of its scheduled jobs, on {@code /health/ready} and at /metrics. */
public final class JobProbe {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestServer server;

  public JobProbe(TestServer server) {
    this.server = server;
  }

  /** The ready probe's answer; a failing job degrades it, but the node stays ready. */
  public JsonObject ready() {
    var response = server.get("/health/ready", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** The job's entry in the ready probe's {@code jobs} section. */
  public JsonObject job(String name) {
    JsonObject job = ready().getJsonObject("jobs").getJsonObject(name);
    assertThat(job).as("job " + name + " on /health/ready").isNotNull();
    return job;
  }

  /** Waits for the job's last run to have ended with {@code status} (OK or FAILED). */
  public JsonObject await(String name, String status) {
    JsonObject[] last = {null};
    JarProcess.await(
        "job " + name + " " + status,
        WAIT,
        () -> {
          last[0] = job(name);
          return status.equals(last[0].getString("status"));
        });
    return last[0];
  }

  /**
   * Waits until the job has run successfully twice after now (real time): the second of those runs
   * began after this call, so it saw everything done before it.
   */
  public void awaitFreshRun(String name) {
    for (int i = 0; i < 2; i++) {
      java.time.Instant after = java.time.Instant.now();
      JarProcess.await(
          "a run of job " + name + " after " + after,
          WAIT,
          () -> {
            String last = job(name).getString("lastSuccess");
            return last != null && java.time.OffsetDateTime.parse(last).toInstant().isAfter(after);
          });
    }
  }

  /** Waits until the outbox has no email left to send now: what was written has gone out. */
  public void awaitOutboxSent() {
    JarProcess.await(
        "the outbox to be sent",
        WAIT,
        () -> ready().getJsonObject("mail").getLong("pending", 0L) == 0);
  }

  /** {@code travelwatch_job_failing} of the job: 1 while its last run failed. */
  public double failing(String name) {
    return sample("travelwatch_job_failing{job_name=\"" + name + "\"}");
  }

  /** {@code travelwatch_job_failures_total} of the job. */
  public double failures(String name) {
    return sample("travelwatch_job_failures_total{job_name=\"" + name + "\"}");
  }

  private double sample(String series) {
    String prefix = series + " ";
    return server
        .get("/metrics", null)
        .bodyAsString()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + series + " at /metrics"));
  }
}
