package travelwatch.kpi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

/**
 * Takes the weekly and daily snapshots when they fall due, on every node: each check asks the store
 * for the latest due snapshot, which the period's advisory lock and an "already taken since it fell
 * due" check make happen once per cluster. Each check also refreshes the KPI gauges.
 */
final class KpiScheduler {
  private static final Logger log = LoggerFactory.getLogger(KpiScheduler.class);

  private final Vertx vertx;
  private final KpiStore store;
  private final KpiSchedule schedule;
  private final KpiMetrics metrics;
  private final Clock clock;
  private final ZoneId zone;
  private final Duration every;
  private final AtomicBoolean checking = new AtomicBoolean();

  KpiScheduler(
      Vertx vertx,
      KpiStore store,
      KpiSchedule schedule,
      KpiMetrics metrics,
      Clock clock,
      Duration every) {
    this.vertx = vertx;
    this.store = store;
    this.schedule = schedule;
    this.metrics = metrics;
    this.clock = clock;
    this.zone = schedule.zone();
    this.every = every;
  }

  /** Checks now (catching up on a snapshot missed while no node ran) and then periodically. */
  void start() {
    vertx.setTimer(1, id -> check());
    vertx.setPeriodic(every.toMillis(), id -> check());
  }

  private void check() {
    tick().onFailure(e -> log.warn("KPI snapshot check failed; retrying in {}", every, e));
  }

  /** One check; a check still running when the next is due makes that one a no-op. */
  Future<Void> tick() {
    if (!checking.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    WeeklyDue week = schedule.latestWeekly(now);
    DailyDue day = schedule.latestDaily(now);
    return store
        .takeWeeklyIfDue(week.weekEnding(), week.at())
        .onSuccess(
            taken ->
                taken.ifPresent(
                    s ->
                        log.info(
                            "Took the weekly KPI snapshot for the week ending {} (version {})",
                            s.weekEnding(),
                            s.version())))
        .compose(v -> store.takeDailyIfDue(day.date(), day.at()))
        .onSuccess(
            taken ->
                taken.ifPresent(
                    s ->
                        log.info(
                            "Took the daily KPI figures for {} (version {})",
                            s.date(),
                            s.version())))
        .compose(v -> refreshGauges(now, week.weekEnding()))
        .eventually(
            () -> {
              checking.set(false);
              return Future.succeededFuture();
            });
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
