package travelwatch.kpi;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import travelwatch.config.KpiConfig;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.jobs.JobHealth;

/**
 * The KPI capability: its routes on a store on the service's pool, and the scheduler (a verticle)
 * that takes snapshots when they fall due (jobs {@code kpi_weekly} and {@code kpi_daily}) and keeps
 * the gauges in the registry.
 */
public record Kpi(KpiRoutes routes, KpiScheduler scheduler) {
  public static Kpi create(
      KpiConfig config,
      ServiceClock time,
      Pool pool,
      MeterRegistry registry,
      WeeklyKpiOutbox mail,
      JobHealth jobs) {
    ZoneId zone = time.zone();
    Clock clock = time.clock();
    KpiStore store = new KpiStore(pool, WorkingDays.england(), zone, clock);
    store.mailWeekly(mail);
    KpiScheduler scheduler =
        new KpiScheduler(
            store,
            new KpiSchedule(config.weeklyDay(), config.weeklyAt(), config.dailyAt(), zone),
            new KpiMetrics(registry),
            jobs,
            clock,
            Duration.ofSeconds(config.refreshSeconds()));
    return new Kpi(new KpiRoutes(store), scheduler);
  }
}
