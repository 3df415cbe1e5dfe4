package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.platform.db.Database;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

@Timeout(60)
@DisplayName("KPI scheduler: each due snapshot taken once per cluster, idempotently")
class KpiSchedulerTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final KpiSchedule SCHEDULE =
      new KpiSchedule(DayOfWeek.FRIDAY, LocalTime.of(18, 0), LocalTime.of(18, 30), LONDON);

  private static TestServer server;
  private static final List<Pool> pools = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = new TestServer();
  }

  @AfterAll
  static void stop() {
    pools.forEach(p -> p.close().await());
    server.close();
  }

  /** A scheduler as another node would run it: its own pool on the same database. */
  private static KpiScheduler node(Instant now) {
    Pool pool = Database.pool(server.server.vertx(), server.database, 4);
    pools.add(pool);
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return new KpiScheduler(
        new KpiStore(pool, WorkingDays.england(), LONDON, clock),
        SCHEDULE,
        new KpiMetrics(new SimpleMeterRegistry()),
        new JobHealth(new SimpleMeterRegistry(), clock, LONDON),
        clock,
        Duration.ofHours(1));
  }

  private static long snapshots(String table, String column, LocalDate date) {
    return TestPostgres.count(
        server.database,
        "select count(*) from " + table + " where " + column + " = '" + date + "'");
  }

  @Test
  @DisplayName(
      "Two nodes checking at once after Friday 18:00 take one weekly and one daily snapshot")
  void twoSchedulersOneSnapshot() {
    // Friday 4 September 2026, 18:05 BST: the week is due; the day's figures are due at 18:30.
    Instant now = Instant.parse("2026-09-04T17:05:00Z");
    KpiScheduler a = node(now);
    KpiScheduler b = node(now);

    Future.all(a.tick(), b.tick()).await();

    assertThat(snapshots("kpi_weekly_snapshot", "week_ending", LocalDate.of(2026, 9, 4)))
        .isEqualTo(1);
    assertThat(snapshots("kpi_daily_snapshot", "service_date", LocalDate.of(2026, 9, 3)))
        .isEqualTo(1);
    assertThat(snapshots("kpi_daily_snapshot", "service_date", LocalDate.of(2026, 9, 4)))
        .as("not due until 18:30")
        .isZero();

    Future.all(a.tick(), b.tick()).await();
    Future.all(node(now.plusSeconds(3600)).tick(), b.tick()).await();
    assertThat(snapshots("kpi_weekly_snapshot", "week_ending", LocalDate.of(2026, 9, 4)))
        .as("checking again takes nothing more")
        .isEqualTo(1);
    assertThat(snapshots("kpi_daily_snapshot", "service_date", LocalDate.of(2026, 9, 4)))
        .as("19:05: the day is now due")
        .isEqualTo(1);
  }

  @Test
  @DisplayName("While another node holds the week's lock, a check takes nothing; after, it does")
  void lockHolderAlone() throws Exception {
    Instant now = Instant.parse("2026-09-11T17:10:00Z");
    LocalDate friday = LocalDate.of(2026, 9, 11);
    try (Connection other = TestPostgres.connect(server.database)) {
      other.setAutoCommit(false);
      try (PreparedStatement lock = other.prepareStatement("select pg_advisory_xact_lock(?, ?)")) {
        lock.setInt(1, KpiStore.WEEKLY_LOCK);
        lock.setInt(2, (int) friday.toEpochDay());
        lock.execute();
      }
      node(now).tick().await();
      assertThat(snapshots("kpi_weekly_snapshot", "week_ending", friday)).isZero();
      other.commit();
    }

    node(now).tick().await();

    assertThat(snapshots("kpi_weekly_snapshot", "week_ending", friday)).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "A snapshot someone asked for before the week was due does not stop the scheduled one")
  void earlySnapshotDoesNotCount() {
    LocalDate friday = LocalDate.of(2026, 9, 18);
    Instant early = Instant.parse("2026-09-18T09:00:00Z");
    new KpiStore(server.pool(), WorkingDays.england(), LONDON, Clock.fixed(early, ZoneOffset.UTC))
        .recomputeWeekly(WeekEnding.of(friday))
        .await();

    node(Instant.parse("2026-09-18T17:01:00Z")).tick().await();
    node(Instant.parse("2026-09-18T17:02:00Z")).tick().await();

    assertThat(snapshots("kpi_weekly_snapshot", "week_ending", friday)).isEqualTo(2);
    assertThat(
            TestPostgres.count(
                server.database,
                "select max(version) from kpi_weekly_snapshot where week_ending = '"
                    + friday
                    + "' and computed_at >= '2026-09-18T17:00:00Z'"))
        .isEqualTo(2);
  }
}
