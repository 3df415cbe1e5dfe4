package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.support.JarProcess;
import travelwatch.support.JobProbe;
import travelwatch.support.Refusal;
import travelwatch.support.TestClock;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

@Timeout(120)
@DisplayName("KPI snapshots that fail: seen on /health/ready and in Prometheus, and never blocking")
class KpiJobHealthTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static TestClock clock;
  private static TestServer server;
  private static JobProbe jobs;

  @BeforeAll
  static void start() {
    // Thursday 3 September 2026, 12:00 BST: the first check takes last week's and yesterday's.
    clock = new TestClock(Instant.parse("2026-09-03T11:00:00Z"));
    server = new TestServer(Map.of("TW_KPI_REFRESH_SECONDS", "1"), clock);
    jobs = new JobProbe(server);
    jobs.await("kpi_weekly", "OK");
    jobs.await("kpi_daily", "OK");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long snapshots(String table, String column, LocalDate date) {
    return TestPostgres.count(
        server.database,
        "select count(*) from " + table + " where " + column + " = '" + date + "'");
  }

  private static void awaitSnapshot(String table, String column, LocalDate date) {
    JarProcess.await(table + " for " + date, WAIT, () -> snapshots(table, column, date) == 1);
  }

  @Test
  @DisplayName(
      "While PostgreSQL refuses the daily snapshot, /health/ready answers 200 DEGRADED naming"
          + " kpi_daily and why, the failing gauge is 1, and the weekly snapshot is still taken;"
          + " once it is accepted, UP and the day's snapshot taken")
  void dailyFails() {
    LocalDate friday = LocalDate.of(2026, 9, 4);
    double failuresBefore = jobs.failures("kpi_daily");
    try (Refusal refusal = Refusal.of(server.pool(), "kpi_daily_snapshot", "insert")) {
      // Friday 18:45 BST: the week (due 18:00) and the day (due 18:30) are both due.
      clock.set(Instant.parse("2026-09-04T17:45:00Z"));

      JsonObject failed = jobs.await("kpi_daily", "FAILED");
      assertThat(failed.getString("reason"))
          .startsWith("io.vertx.pgclient.PgException: ")
          .contains(Refusal.MESSAGE)
          .doesNotContain("\n");
      assertThat(failed.getString("since")).isNotNull();
      assertThat(failed.getString("lastSuccess")).as("the first check's").isNotNull();
      JsonObject ready = jobs.ready();
      assertThat(ready.getString("status")).isEqualTo("DEGRADED");
      assertThat(ready.getString("database")).isEqualTo("UP");
      assertThat(ready.getJsonObject("jobs").getJsonObject("kpi_weekly").getString("status"))
          .isEqualTo("OK");
      assertThat(jobs.failing("kpi_daily")).isEqualTo(1.0);
      assertThat(jobs.failing("kpi_weekly")).isZero();
      assertThat(jobs.failures("kpi_daily")).isGreaterThan(failuresBefore);
      awaitSnapshot("kpi_weekly_snapshot", "week_ending", friday);
      assertThat(snapshots("kpi_daily_snapshot", "service_date", friday)).isZero();
    }

    jobs.await("kpi_daily", "OK");
    assertThat(jobs.ready().getString("status")).isEqualTo("UP");
    assertThat(jobs.failing("kpi_daily")).isZero();
    awaitSnapshot("kpi_daily_snapshot", "service_date", friday);
  }

  @Test
  @DisplayName(
      "While PostgreSQL refuses the weekly snapshot, the day's figures are still taken every"
          + " evening and kpi_weekly shows FAILED; once accepted, the week is taken and all is UP")
  void weeklyFails() {
    LocalDate friday = LocalDate.of(2026, 9, 11);
    try (Refusal refusal = Refusal.of(server.pool(), "kpi_weekly_snapshot", "insert")) {
      // Friday 18:45 BST: the week and the day are due.
      clock.set(Instant.parse("2026-09-11T17:45:00Z"));
      jobs.await("kpi_weekly", "FAILED");
      awaitSnapshot("kpi_daily_snapshot", "service_date", friday);

      // Monday 18:45 BST: the next day falls due, and is taken while the week still fails.
      clock.set(Instant.parse("2026-09-14T17:45:00Z"));
      awaitSnapshot("kpi_daily_snapshot", "service_date", LocalDate.of(2026, 9, 14));
      JsonObject ready = jobs.ready();
      assertThat(ready.getString("status")).isEqualTo("DEGRADED");
      assertThat(ready.getJsonObject("jobs").getJsonObject("kpi_weekly").getString("status"))
          .isEqualTo("FAILED");
      assertThat(ready.getJsonObject("jobs").getJsonObject("kpi_daily").getString("status"))
          .isEqualTo("OK");
      assertThat(jobs.failing("kpi_weekly")).isEqualTo(1.0);
      assertThat(snapshots("kpi_weekly_snapshot", "week_ending", friday)).isZero();
    }

    jobs.await("kpi_weekly", "OK");
    awaitSnapshot("kpi_weekly_snapshot", "week_ending", friday);
    assertThat(jobs.ready().getString("status")).isEqualTo("UP");
    assertThat(jobs.failing("kpi_weekly")).isZero();
  }
}
