package travelwatch.config;

import java.time.Duration;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.format.DateTimeParseException;

/**
 * Parents' links and emails: when a link ends (the end of the school year), how late a journey is
 * before a parent is told and by how much more before they are told again, the quiet hours in which
 * only cancellations are sent, how many messages a link may send a day, and how often the notices
 * are looked for.
 */
public record ParentConfig(
    MonthDay linksEnd,
    Duration lateAfter,
    Duration lateStep,
    LocalTime quietFrom,
    LocalTime quietUntil,
    int messagesPerDay,
    Duration noticeEvery) {

  /**
   * Whether {@code time} (the service's local time) falls in the quiet hours; the same start and
   * end means none.
   */
  public boolean quiet(LocalTime time) {
    return quietFrom.isAfter(quietUntil)
        ? !time.isBefore(quietFrom) || time.isBefore(quietUntil)
        : !time.isBefore(quietFrom) && time.isBefore(quietUntil);
  }

  static ParentConfig from(Settings s) {
    return new ParentConfig(
        monthDay(s, "parentLinksEnd", "08-31"),
        Duration.ofMinutes(s.integer("parentLateMinutes", 10, 1, 240)),
        Duration.ofMinutes(s.integer("parentLateStepMinutes", 15, 1, 240)),
        time(s, "parentQuietFrom", "21:00"),
        time(s, "parentQuietUntil", "06:30"),
        s.integer("parentMessagesPerDay", 10, 1, 1000),
        Duration.ofSeconds(s.integer("parentNoticeSeconds", 15, 1, 3600)));
  }

  private static MonthDay monthDay(Settings s, String name, String fallback) {
    String text = s.text(name, fallback);
    try {
      return MonthDay.parse("--" + text);
    } catch (DateTimeParseException e) {
      throw new ConfigException(s.label(name), "must be a month and day like 08-31, got " + text);
    }
  }

  private static LocalTime time(Settings s, String name, String fallback) {
    String text = s.text(name, fallback);
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new ConfigException(s.label(name), "must be a time like 21:00, got " + text);
    }
  }
}
