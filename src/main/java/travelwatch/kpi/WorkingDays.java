package travelwatch.kpi;

import de.focus_shift.jollyday.core.HolidayCalendar;
import de.focus_shift.jollyday.core.HolidayManager;
import de.focus_shift.jollyday.core.ManagerParameters;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Year;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The council's working days: Monday to Friday, except the England and Wales bank holidays. Case
 * work targets ("20 working days") count in these.
 */
public final class WorkingDays {
  private static final String ENGLAND = "eng";

  private final HolidayManager holidays;
  private final ConcurrentHashMap<Integer, Set<LocalDate>> bankHolidaysByYear =
      new ConcurrentHashMap<>();

  private WorkingDays(HolidayManager holidays) {
    this.holidays = holidays;
  }

  public static WorkingDays england() {
    return new WorkingDays(
        HolidayManager.getInstance(ManagerParameters.create(HolidayCalendar.UNITED_KINGDOM)));
  }

  public boolean isBankHoliday(LocalDate day) {
    return bankHolidaysByYear
        .computeIfAbsent(
            day.getYear(),
            year ->
                holidays.getHolidays(Year.of(year), ENGLAND).stream()
                    // A holiday on a weekend is observed on a weekday (the "substitute day").
                    .map(h -> h.getObservedDate().orElse(h.getDate()))
                    .collect(Collectors.toUnmodifiableSet()))
        .contains(day);
  }

  public boolean isWorkingDay(LocalDate day) {
    DayOfWeek weekday = day.getDayOfWeek();
    return weekday != DayOfWeek.SATURDAY && weekday != DayOfWeek.SUNDAY && !isBankHoliday(day);
  }

  /** The {@code n}th working day after {@code day} (the day itself is day 0), n ≥ 1. */
  public LocalDate after(LocalDate day, int n) {
    requirePositive(n);
    LocalDate d = day;
    int counted = 0;
    while (counted < n) {
      d = d.plusDays(1);
      if (isWorkingDay(d)) {
        counted++;
      }
    }
    return d;
  }

  /**
   * The first receipt date that is not yet overdue at the end of {@code day} against a target of
   * {@code n} working days: anything received before it has its nth working day on or before {@code
   * day}. The target is monotone in the receipt date, so one date splits overdue from not.
   */
  public LocalDate overdueIfReceivedBefore(LocalDate day, int n) {
    requirePositive(n);
    LocalDate d = day.plusDays(1);
    int counted = 0;
    while (counted < n) {
      d = d.minusDays(1);
      if (isWorkingDay(d)) {
        counted++;
      }
    }
    return d;
  }

  private static void requirePositive(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("working days must be at least 1, got " + n);
    }
  }
}
