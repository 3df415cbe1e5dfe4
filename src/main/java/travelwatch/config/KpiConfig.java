package travelwatch.config;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * KPI snapshots: when the weekly snapshot is taken (a local weekday and time after the week ends),
 * when each day's figures are taken, and how often a node checks for due snapshots and refreshes
 * the KPI gauges.
 */
public record KpiConfig(
    DayOfWeek weeklyDay, LocalTime weeklyAt, LocalTime dailyAt, int refreshSeconds) {

  static KpiConfig from(Settings settings) {
    String weekly = settings.text("kpiWeeklyAt", "FRIDAY 18:00");
    String[] parts = weekly.trim().split("\\s+");
    DayOfWeek day;
    LocalTime weeklyAt;
    try {
      if (parts.length != 2) {
        throw new IllegalArgumentException();
      }
      day = DayOfWeek.valueOf(parts[0].toUpperCase(Locale.ROOT));
      weeklyAt = LocalTime.parse(parts[1]);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new ConfigException(
          settings.label("kpiWeeklyAt"),
          "must be a weekday and a 24-hour time like 'FRIDAY 18:00', got '" + weekly + "'");
    }
    String daily = settings.text("kpiDailyAt", "18:30");
    LocalTime dailyAt;
    try {
      dailyAt = LocalTime.parse(daily.trim());
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          settings.label("kpiDailyAt"), "must be a 24-hour time like '18:30', got '" + daily + "'");
    }
    int refreshSeconds = settings.integer("kpiRefreshSeconds", 60, 1, 86_400);
    return new KpiConfig(day, weeklyAt, dailyAt, refreshSeconds);
  }
}
