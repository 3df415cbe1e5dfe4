package travelwatch.kpi;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/**
 * When snapshots fall due: the weekly one at a local weekday and time (the week is the latest one
 * ended by then), the daily one at a local time each evening. Asked at any instant, it names the
 * latest snapshot that should exist, so a node that was down catches up when it starts.
 */
public record KpiSchedule(DayOfWeek weeklyDay, LocalTime weeklyAt, LocalTime dailyAt, ZoneId zone) {

  /** The week whose snapshot fell due {@code at}. */
  public record WeeklyDue(WeekEnding weekEnding, Instant at) {}

  /** The day whose figures fell due {@code at}. */
  public record DailyDue(LocalDate date, Instant at) {}

  public WeeklyDue latestWeekly(Instant now) {
    LocalDate today = now.atZone(zone).toLocalDate();
    LocalDate day = today.with(TemporalAdjusters.previousOrSame(weeklyDay));
    Instant at = ZonedDateTime.of(day, weeklyAt, zone).toInstant();
    if (at.isAfter(now)) {
      day = day.minusWeeks(1);
      at = ZonedDateTime.of(day, weeklyAt, zone).toInstant();
    }
    return new WeeklyDue(WeekEnding.lastEndedBy(day), at);
  }

  public DailyDue latestDaily(Instant now) {
    LocalDate day = now.atZone(zone).toLocalDate();
    Instant at = ZonedDateTime.of(day, dailyAt, zone).toInstant();
    if (at.isAfter(now)) {
      day = day.minusDays(1);
      at = ZonedDateTime.of(day, dailyAt, zone).toInstant();
    }
    return new DailyDue(day, at);
  }
}
