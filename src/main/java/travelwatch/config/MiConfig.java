package travelwatch.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;

/**
 * Operators' monthly returns: the working day of the next month a return is due by, the bank
 * holidays (England's) that are not working days, and how often overdue returns are looked for.
 */
public record MiConfig(int dueWorkingDay, Set<LocalDate> bankHolidays, Duration overdueCheckEvery) {
  /** England's bank holidays in 2026 and 2027, substitute days included (GOV.UK). */
  public static final String ENGLAND_2026_2027 =
      "2026-01-01,2026-04-03,2026-04-06,2026-05-04,2026-05-25,2026-08-31,2026-12-25,2026-12-28,"
          + "2027-01-01,2027-03-26,2027-03-29,2027-05-03,2027-05-31,2027-08-30,2027-12-27,"
          + "2027-12-28";

  public MiConfig {
    bankHolidays = Set.copyOf(bankHolidays);
  }

  static MiConfig from(Settings s) {
    return new MiConfig(
        s.integer("miDueWorkingDay", 5, 1, 15),
        dates(s, "miBankHolidays", ENGLAND_2026_2027),
        Duration.ofSeconds(s.integer("miOverdueCheckSeconds", 300, 1, 86_400)));
  }

  private static Set<LocalDate> dates(Settings s, String name, String fallback) {
    String text = s.text(name, fallback);
    Set<LocalDate> dates = new TreeSet<>();
    for (String part : text.split(",")) {
      String day = part.trim();
      if (day.isEmpty()) {
        continue;
      }
      try {
        if (!day.matches("\\d{4}-\\d{2}-\\d{2}")) {
          throw new DateTimeException("not YYYY-MM-DD");
        }
        dates.add(LocalDate.parse(day));
      } catch (DateTimeException e) {
        throw new ConfigException(
            s.label(name), "must be dates as YYYY-MM-DD separated by commas, got '" + day + "'");
      }
    }
    return dates;
  }
}
