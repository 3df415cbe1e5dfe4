package travelwatch.kpi;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import travelwatch.kpi.KpiSchedule.DailyDue;
import travelwatch.kpi.KpiSchedule.WeeklyDue;
import travelwatch.platform.jobs.JobHealth;

/**
 * Takes the weekly and daily snapshots when they fall due, on every node: each check asks the store
 * for the latest due snapshot, which the period's advisory lock and an "already taken since it fell
 * due" check make happen once per cluster. Each check also refreshes the KPI gauges. The weekly
 * snapshot, the daily one and the gauges are independent: one failing never stops the others, and
 * each snapshot's outcome is recorded as a job ({@code kpi_weekly}, {@code kpi_daily}).
 */
public final class KpiScheduler extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(KpiScheduler.class);

  private final KpiStore store;
  private final KpiSchedule schedule;
  private final KpiMetrics metrics;
  private final JobHealth.Job weekly;
  private final JobHealth.Job daily;
  private final Clock clock;
  private final ZoneId zone;
  private final Duration every;
  private final AtomicBoolean checking = new AtomicBoolean();
  private long timer = -1;

  KpiScheduler(
      KpiStore store,
      KpiSchedule schedule,
      KpiMetrics metrics,
      JobHealth jobs,
      Clock clock,
      Duration every) {
    this.store = store;
    this.schedule = schedule;
    this.metrics = metrics;
    this.weekly = jobs.job("kpi_weekly");
    this.daily = jobs.job("kpi_daily");
    this.clock = clock;
    this.zone = schedule.zone();
    this.every = every;
  }

  /** Checks now (catching up on a snapshot missed while no node ran) and then periodically. */
  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(1, every.toMillis(), id -> check());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void check() {
    // Each part logs and records its own failure; the next check tries again.
    tick();
  }

  /**
   * One check: the weekly snapshot, the daily one and the gauges, each whatever the others did;
   * fails with the first failure once all have run. A check still running when the next is due
   * makes that one a no-op.
   */
  Future<Void> tick() {
    if (!checking.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    WeeklyDue week = schedule.latestWeekly(now);
    DailyDue day = schedule.latestDaily(now);
    return JobHealth.inTurn(
            () -> weekly.run(() -> takeWeekly(week)),
            () -> daily.run(() -> takeDaily(day)),
            () ->
                refreshGauges(now, week.weekEnding())
                    .onFailure(
                        e ->
                            log.warn(
                                "KPI gauges not refreshed; retrying in {}: {}",
                                every,
                                e.toString())))
        .eventually(
            () -> {
              checking.set(false);
              return Future.succeededFuture();
            });
  }

  private Future<?> takeWeekly(WeeklyDue week) {
    return store
        .takeWeeklyIfDue(week.weekEnding(), week.at())
        .onSuccess(
            taken ->
                taken.ifPresent(
                    s ->
                        log.info(
                            "Took the weekly KPI snapshot for the week ending {} (version {})",
                            s.weekEnding(),
                            s.version())));
  }

  private Future<?> takeDaily(DailyDue day) {
    return store
        .takeDailyIfDue(day.date(), day.at())
        .onSuccess(
            taken ->
                taken.ifPresent(
                    s ->
                        log.info(
                            "Took the daily KPI figures for {} (version {})",
                            s.date(),
                            s.version())));
  }

  /**
   * The newest week up to the one last due (not a week someone asked for early), and the week so
   * far.
   */
  private Future<Void> refreshGauges(Instant now, WeekEnding lastDue) {
    LocalDate today = now.atZone(zone).toLocalDate();
    return store
        .newestWeeklyUpTo(lastDue)
        .compose(
            newest -> {
              metrics.weekly(newest);
              return store.figures(WeekEnding.containing(today).toDate(today));
            })
        .map(
            figures -> {
              metrics.weekToDate(figures);
              return null;
            });
  }
}
