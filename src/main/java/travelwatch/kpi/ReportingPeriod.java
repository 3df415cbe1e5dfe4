package travelwatch.kpi;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The local dates a KPI figure covers, first to last inclusive. Its instants come from the service
 * zone, so a week across a clock change is 7 days plus or minus an hour of real time.
 */
public record ReportingPeriod(LocalDate first, LocalDate last) {
  public ReportingPeriod {
    if (last.isBefore(first)) {
      throw new IllegalArgumentException("a period cannot end (" + last + ") before " + first);
    }
  }

  public static ReportingPeriod day(LocalDate date) {
    return new ReportingPeriod(date, date);
  }

  /** The first instant of the period: midnight at the start of {@code first}, local time. */
  public Instant startsAt(ZoneId zone) {
    return first.atStartOfDay(zone).toInstant();
  }

  /** The instant the period is over: midnight at the end of {@code last}, local time. */
  public Instant endsAt(ZoneId zone) {
    return last.plusDays(1).atStartOfDay(zone).toInstant();
  }
}
