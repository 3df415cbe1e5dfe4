package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
@DisplayName("KPI weeks and schedule: Saturday to Friday, local time, due after the week ends")
class KpiScheduleTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private final KpiSchedule schedule =
      new KpiSchedule(DayOfWeek.FRIDAY, LocalTime.of(18, 0), LocalTime.of(18, 30), LONDON);

  @Test
  @DisplayName("A week is the seven days ending on its Friday; other days are refused")
  void weekEndingIsAFriday() {
    WeekEnding week = WeekEnding.of(LocalDate.of(2026, 6, 12));
    assertThat(week.period())
        .isEqualTo(new ReportingPeriod(LocalDate.of(2026, 6, 6), LocalDate.of(2026, 6, 12)));
    assertThat(WeekEnding.containing(LocalDate.of(2026, 6, 6))).isEqualTo(week);
    assertThat(WeekEnding.containing(LocalDate.of(2026, 6, 12))).isEqualTo(week);
    assertThat(WeekEnding.containing(LocalDate.of(2026, 6, 13)).friday())
        .isEqualTo(LocalDate.of(2026, 6, 19));
    assertThatThrownBy(() -> WeekEnding.of(LocalDate.of(2026, 6, 11)))
        .hasMessage("2026-06-11 is a Thursday, not a Friday");
  }

  @Test
  @DisplayName("The week across the October clock change is 7 days and one hour long")
  void clockChangeWeek() {
    ReportingPeriod week = WeekEnding.of(LocalDate.of(2026, 10, 30)).period();
    assertThat(week.startsAt(LONDON)).isEqualTo(Instant.parse("2026-10-23T23:00:00Z"));
    assertThat(week.endsAt(LONDON)).isEqualTo(Instant.parse("2026-10-31T00:00:00Z"));
  }

  @Test
  @DisplayName("The weekly snapshot is due at Friday 18:00 London time, BST or GMT")
  void weeklyDue() {
    KpiSchedule.WeeklyDue justAfter = schedule.latestWeekly(Instant.parse("2026-06-12T17:00:01Z"));
    assertThat(justAfter.weekEnding().friday()).isEqualTo(LocalDate.of(2026, 6, 12));
    assertThat(justAfter.at()).isEqualTo(Instant.parse("2026-06-12T17:00:00Z"));

    KpiSchedule.WeeklyDue justBefore = schedule.latestWeekly(Instant.parse("2026-06-12T16:59:59Z"));
    assertThat(justBefore.weekEnding().friday()).isEqualTo(LocalDate.of(2026, 6, 5));

    KpiSchedule.WeeklyDue winter = schedule.latestWeekly(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(winter.weekEnding().friday()).isEqualTo(LocalDate.of(2026, 10, 30));
    assertThat(winter.at()).isEqualTo(Instant.parse("2026-10-30T18:00:00Z"));
  }

  @Test
  @DisplayName("Configured for Monday morning, the snapshot is of the week that ended on Friday")
  void weeklyDueOnMonday() {
    KpiSchedule monday =
        new KpiSchedule(DayOfWeek.MONDAY, LocalTime.of(7, 0), LocalTime.of(18, 30), LONDON);
    KpiSchedule.WeeklyDue due = monday.latestWeekly(Instant.parse("2026-06-15T06:30:00Z"));
    assertThat(due.weekEnding().friday()).isEqualTo(LocalDate.of(2026, 6, 12));
    assertThat(due.at()).isEqualTo(Instant.parse("2026-06-15T06:00:00Z"));
  }

  @Test
  @DisplayName("The daily figures are due each evening; before then, yesterday's are the latest")
  void dailyDue() {
    assertThat(schedule.latestDaily(Instant.parse("2026-06-10T17:30:00Z")).date())
        .isEqualTo(LocalDate.of(2026, 6, 10));
    assertThat(schedule.latestDaily(Instant.parse("2026-06-10T17:29:59Z")).date())
        .isEqualTo(LocalDate.of(2026, 6, 9));
    assertThat(schedule.latestDaily(Instant.parse("2026-06-10T23:30:00Z")).date())
        .as("00:30 BST on the 11th")
        .isEqualTo(LocalDate.of(2026, 6, 10));
  }
}
