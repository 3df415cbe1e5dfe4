package travelwatch.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.support.TestClock;

@DisplayName("Job health: each scheduled job's last outcome, its reason, and independent steps")
class JobHealthTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestClock clock = new TestClock(Instant.parse("2026-09-04T17:45:00Z"));
  private final JobHealth jobs = new JobHealth(registry, clock, ZoneId.of("Europe/London"));

  private double gauge(String name) {
    return registry.get("travelwatch.job.failing").tag("job_name", name).gauge().value();
  }

  private double failures(String name) {
    return registry.get("travelwatch.job.failures").tag("job_name", name).counter().count();
  }

  @Test
  @DisplayName(
      "A job not yet run is NOT_RUN; a failure shows FAILED since its first failure with the last"
          + " success, and the next success shows OK again")
  void outcomes() {
    JobHealth.Job job = jobs.job("kpi_daily");
    assertThat(jobs.toJson().getJsonObject("kpi_daily").getString("status")).isEqualTo("NOT_RUN");

    job.run(Future::succeededFuture);
    clock.advance(Duration.ofMinutes(1));
    job.run(() -> Future.failedFuture(new IllegalStateException("bad row")));
    clock.advance(Duration.ofMinutes(1));
    job.run(() -> Future.failedFuture(new IllegalStateException("bad row")));

    JsonObject failed = jobs.toJson().getJsonObject("kpi_daily");
    assertThat(failed.getString("status")).isEqualTo("FAILED");
    assertThat(failed.getString("since")).isEqualTo("2026-09-04T18:46:00+01:00");
    assertThat(failed.getString("lastSuccess")).isEqualTo("2026-09-04T18:45:00+01:00");
    assertThat(failed.getString("reason")).isEqualTo("java.lang.IllegalStateException: bad row");
    assertThat(JobHealth.anyFailed(jobs.toJson())).isTrue();
    assertThat(gauge("kpi_daily")).isEqualTo(1.0);
    assertThat(failures("kpi_daily")).isEqualTo(2.0);

    clock.advance(Duration.ofMinutes(1));
    job.run(Future::succeededFuture);
    JsonObject ok = jobs.toJson().getJsonObject("kpi_daily");
    assertThat(ok.getString("status")).isEqualTo("OK");
    assertThat(ok.getString("since")).isEqualTo("2026-09-04T18:48:00+01:00");
    assertThat(ok.containsKey("reason")).isFalse();
    assertThat(JobHealth.anyFailed(jobs.toJson())).isFalse();
    assertThat(gauge("kpi_daily")).isZero();
  }

  @Test
  @DisplayName(
      "A job that throws instead of failing its future is recorded as failed, with a reason on one"
          + " bounded line")
  void thrownAndLongReasons() {
    JobHealth.Job job = jobs.job("mail_relay");
    Future<Object> run =
        job.run(
            () -> {
              throw new IllegalArgumentException("line one\nline two " + "x".repeat(1000));
            });
    assertThat(run.failed()).isTrue();
    String reason = jobs.toJson().getJsonObject("mail_relay").getString("reason");
    assertThat(reason)
        .startsWith("java.lang.IllegalArgumentException: line one line two x")
        .doesNotContain("\n")
        .hasSizeLessThanOrEqualTo(300);
  }

  @Test
  @DisplayName("Steps in turn: each runs after a failing one, and the first failure is returned")
  void inTurn() {
    List<String> ran = new ArrayList<>();
    Future<Void> all =
        JobHealth.inTurn(
            () -> {
              ran.add("weekly");
              return Future.failedFuture("weekly refused");
            },
            () -> {
              ran.add("daily");
              throw new IllegalStateException("daily refused");
            },
            () -> {
              ran.add("gauges");
              return Future.succeededFuture();
            });
    assertThat(ran).containsExactly("weekly", "daily", "gauges");
    assertThat(all.failed()).isTrue();
    assertThat(all.cause()).hasMessage("weekly refused");
  }
}
