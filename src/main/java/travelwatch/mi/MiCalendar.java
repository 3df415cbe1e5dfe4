package travelwatch.mi;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Set;

/**
 * When a month's return is due: by the end of the nth working day (Monday to Friday, not a bank
 * holiday in England) of the next month, so an operator without one is overdue from the start of
 * the working day after.
 */
public final class MiCalendar {
  private final int dueWorkingDay;
  private final Set<LocalDate> bankHolidays;

  public MiCalendar(int dueWorkingDay, Set<LocalDate> bankHolidays) {
    if (dueWorkingDay < 1) {
      throw new IllegalArgumentException("the due working day is at least 1");
    }
    this.dueWorkingDay = dueWorkingDay;
    this.bankHolidays = Set.copyOf(bankHolidays);
  }

  public boolean isWorkingDay(LocalDate day) {
    DayOfWeek d = day.getDayOfWeek();
    return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY && !bankHolidays.contains(day);
  }

  /** The last day the month's return is on time. */
  public LocalDate dueOn(YearMonth month) {
    return nthWorkingDay(month.plusMonths(1), dueWorkingDay);
  }

  /** The working day from whose start an operator without the month's return is overdue. */
  public LocalDate overdueFrom(YearMonth month) {
    return nthWorkingDay(month.plusMonths(1), dueWorkingDay + 1);
  }

  /** The latest month whose return is overdue for anyone without one on {@code today}. */
  public YearMonth latestOverdueMonth(LocalDate today) {
    YearMonth month = YearMonth.from(today).minusMonths(1);
    return today.isBefore(overdueFrom(month)) ? month.minusMonths(1) : month;
  }

  private LocalDate nthWorkingDay(YearMonth month, int n) {
    LocalDate d = month.atDay(1);
    int counted = isWorkingDay(d) ? 1 : 0;
    while (counted < n) {
      d = d.plusDays(1);
      if (isWorkingDay(d)) {
        counted++;
      }
    }
    return d;
  }
}
