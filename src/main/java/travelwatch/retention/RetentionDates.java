package travelwatch.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.config.RetentionConfig;

/**
 * What is kept on a service day: the first service date whose events and whose positions stay, the
 * instant before which audit records and parents' messages go, and the event store's partitions
 * that should exist by then. Events go a month at a time, once the whole month is older than the
 * limit (a partition is dropped, never rows deleted one by one); positions a day at a time.
 */
public record RetentionDates(
    LocalDate eventsFrom, LocalDate positionsFrom, Instant auditFrom, Instant messagesFrom) {

  /** A partition of the event store: its branch, name and service dates [from, until). */
  public record Partition(String branch, String name, LocalDate from, LocalDate until) {}

  static final String MAIN = "event_main";
  static final String POSITIONS = "event_position";
  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("uuuuMM").withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);

  /** Months made ahead, after the current one; days of positions made ahead, after today. */
  static final int MONTHS_AHEAD = 2;

  static final int DAYS_AHEAD = 7;

  /** The dates of service day {@code today}, whose time is {@code now}. */
  public static RetentionDates on(LocalDate today, Instant now, RetentionConfig limits) {
    return new RetentionDates(
        today.minusDays(limits.eventsDays()).withDayOfMonth(1),
        today.minusDays(limits.positionsDays()),
        now.minus(Duration.ofDays(limits.auditDays())),
        now.minus(Duration.ofDays(limits.eventsDays())));
  }

  /**
   * The partitions due by {@code today}: this month's and the next ones' for events, and for
   * positions yesterday's (late fixes), today's and the next days'.
   */
  public static List<Partition> due(LocalDate today) {
    List<Partition> due = new ArrayList<>();
    YearMonth month = YearMonth.from(today);
    for (int i = 0; i <= MONTHS_AHEAD; i++) {
      due.add(month(month.plusMonths(i)));
    }
    for (int i = -1; i <= DAYS_AHEAD; i++) {
      due.add(day(today.plusDays(i)));
    }
    return due;
  }

  static Partition month(YearMonth m) {
    return new Partition(MAIN, MAIN + "_p" + m.format(MONTH), m.atDay(1), m.plusMonths(1).atDay(1));
  }

  static Partition day(LocalDate d) {
    return new Partition(POSITIONS, POSITIONS + "_p" + d.format(DAY), d, d.plusDays(1));
  }

  /** The partition a name of {@link #month} or {@link #day} stands for; empty for any other. */
  static Optional<Partition> named(String name) {
    try {
      if (name.matches(MAIN + "_p\\d{6}")) {
        return Optional.of(month(YearMonth.parse(name.substring(MAIN.length() + 2), MONTH)));
      }
      if (name.matches(POSITIONS + "_p\\d{8}")) {
        return Optional.of(day(LocalDate.parse(name.substring(POSITIONS.length() + 2), DAY)));
      }
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Whether every event the partition may hold is older than what is kept. */
  boolean expired(Partition p) {
    LocalDate keptFrom = p.branch().equals(POSITIONS) ? positionsFrom : eventsFrom;
    return !p.until().isAfter(keptFrom);
  }
}
