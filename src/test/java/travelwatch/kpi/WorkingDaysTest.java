package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
@DisplayName("Working days: weekdays less the England and Wales bank holidays")
class WorkingDaysTest {
  private final WorkingDays days = WorkingDays.england();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2026-01-01", // New Year's Day
    "2026-04-03", // Good Friday
    "2026-04-06", // Easter Monday
    "2026-05-04", // Early May bank holiday
    "2026-05-25", // Spring bank holiday
    "2026-08-31", // Summer bank holiday (England, not Scotland's first Monday)
    "2026-12-25", // Christmas Day
    "2026-12-28", // Boxing Day falls on a Saturday: the Monday is the bank holiday
    "2027-03-26", // Good Friday 2027
    "2022-06-03", // the Platinum Jubilee
  })
  @DisplayName("England's bank holidays are not working days")
  void bankHolidays(LocalDate day) {
    assertThat(days.isBankHoliday(day)).isTrue();
    assertThat(days.isWorkingDay(day)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2026-08-03", // Scotland's summer holiday, a working day in England
    "2026-03-17", // St Patrick's Day: Northern Ireland only
    "2026-11-30", // St Andrew's Day: Scotland only
    "2026-06-12",
  })
  @DisplayName("Other nations' holidays and ordinary weekdays are working days")
  void workingDays(LocalDate day) {
    assertThat(days.isWorkingDay(day)).isTrue();
  }

  @Test
  @DisplayName("Saturdays and Sundays are not working days")
  void weekends() {
    assertThat(days.isWorkingDay(LocalDate.of(2026, 6, 13))).isFalse();
    assertThat(days.isWorkingDay(LocalDate.of(2026, 6, 14))).isFalse();
    assertThat(days.isBankHoliday(LocalDate.of(2026, 6, 13))).isFalse();
  }

  @Test
  @DisplayName("The 20th working day after a Friday skips four weekends and two bank holidays")
  void twentiethAcrossBankHolidaysAndWeekends() {
    // 24 Apr 2026 (Fri); 4 May and 25 May are bank holidays.
    assertThat(days.after(LocalDate.of(2026, 4, 24), 20)).isEqualTo(LocalDate.of(2026, 5, 26));
    assertThat(days.after(LocalDate.of(2026, 4, 24), 1)).isEqualTo(LocalDate.of(2026, 4, 27));
    // Received on a bank holiday: counting starts the next working day.
    assertThat(days.after(LocalDate.of(2026, 5, 4), 1)).isEqualTo(LocalDate.of(2026, 5, 5));
    assertThat(days.after(LocalDate.of(2026, 12, 24), 1)).isEqualTo(LocalDate.of(2026, 12, 29));
  }

  @Test
  @DisplayName("Overdue at the end of a day means received before the date 20 working days back")
  void overdueCutoff() {
    LocalDate friday = LocalDate.of(2026, 5, 29);
    LocalDate before = days.overdueIfReceivedBefore(friday, 20);
    assertThat(before).isEqualTo(LocalDate.of(2026, 4, 30));
    // The cut-off agrees with counting forward: the day before it is due on or before Friday.
    assertThat(days.after(before.minusDays(1), 20)).isBeforeOrEqualTo(friday);
    assertThat(days.after(before, 20)).isAfter(friday);
  }

  @Test
  @DisplayName("The cut-off and counting forward agree on every day of two years")
  void cutoffAgreesWithCountingForward() {
    for (LocalDate d = LocalDate.of(2026, 1, 1); d.isBefore(LocalDate.of(2028, 1, 1)); ) {
      LocalDate before = days.overdueIfReceivedBefore(d, 20);
      assertThat(days.after(before.minusDays(1), 20)).as("as at %s", d).isBeforeOrEqualTo(d);
      assertThat(days.after(before, 20)).as("as at %s", d).isAfter(d);
      d = d.plusDays(1);
    }
  }
}
