package travelwatch.kpi;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** A KPI week, named by its Friday: the seven days Saturday to Friday, local time. */
public record WeekEnding(LocalDate friday) implements Comparable<WeekEnding> {
  public WeekEnding {
    if (friday.getDayOfWeek() != DayOfWeek.FRIDAY) {
      throw new IllegalArgumentException(
          friday
              + " is a "
              + friday.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.UK)
              + ", not a Friday");
    }
  }

  public static WeekEnding of(LocalDate friday) {
    return new WeekEnding(friday);
  }

  /** The week a day belongs to: the week ending on that day's Friday or the next one. */
  public static WeekEnding containing(LocalDate day) {
    return new WeekEnding(day.with(TemporalAdjusters.nextOrSame(DayOfWeek.FRIDAY)));
  }

  /** The latest week that has ended by the end of {@code day}. */
  public static WeekEnding lastEndedBy(LocalDate day) {
    return new WeekEnding(day.with(TemporalAdjusters.previousOrSame(DayOfWeek.FRIDAY)));
  }

  public ReportingPeriod period() {
    return new ReportingPeriod(friday.minusDays(6), friday);
  }

  /** The week so far on {@code day}: Saturday of this week to {@code day}. */
  public ReportingPeriod toDate(LocalDate day) {
    LocalDate first = friday.minusDays(6);
    if (day.isBefore(first) || day.isAfter(friday)) {
      throw new IllegalArgumentException(day + " is not in the week ending " + friday);
    }
    return new ReportingPeriod(first, day);
  }

  public WeekEnding previous() {
    return new WeekEnding(friday.minusWeeks(1));
  }

  @Override
  public int compareTo(WeekEnding other) {
    return friday.compareTo(other.friday);
  }

  @Override
  public String toString() {
    return friday.toString();
  }
}
