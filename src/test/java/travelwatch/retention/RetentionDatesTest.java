package travelwatch.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.config.RetentionConfig;

@DisplayName("What is kept on a service day")
class RetentionDatesTest {
  private static final RetentionConfig DEFAULTS = new RetentionConfig(400, 31, 2190);
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 24);
  private static final Instant NOW = Instant.parse("2026-11-24T07:30:00Z");
  private final RetentionDates dates = RetentionDates.on(TODAY, NOW, DEFAULTS);

  @Test
  @DisplayName(
      "Events go with their month once all of it is older than the limit; positions day by day")
  void limits() {
    // 400 days before 2026-11-24 is 2025-10-20: September 2025 is wholly older, October is not.
    assertThat(dates.eventsFrom()).isEqualTo(LocalDate.of(2025, 10, 1));
    assertThat(dates.expired(RetentionDates.month(YearMonth.of(2025, 9)))).isTrue();
    assertThat(dates.expired(RetentionDates.month(YearMonth.of(2025, 10)))).isFalse();
    assertThat(dates.positionsFrom()).isEqualTo(LocalDate.of(2026, 10, 24));
    assertThat(dates.expired(RetentionDates.day(LocalDate.of(2026, 10, 23)))).isTrue();
    assertThat(dates.expired(RetentionDates.day(LocalDate.of(2026, 10, 24)))).isFalse();
    assertThat(dates.auditFrom()).isEqualTo(Instant.parse("2020-11-25T07:30:00Z"));
    assertThat(dates.messagesFrom()).isEqualTo(Instant.parse("2025-10-20T07:30:00Z"));
  }

  @Test
  @DisplayName("This month and the next two, and positions' days from yesterday to a week ahead")
  void partitionsDue() {
    assertThat(RetentionDates.due(TODAY))
        .extracting(RetentionDates.Partition::name)
        .containsExactly(
            "event_main_p202611",
            "event_main_p202612",
            "event_main_p202701",
            "event_position_p20261123",
            "event_position_p20261124",
            "event_position_p20261125",
            "event_position_p20261126",
            "event_position_p20261127",
            "event_position_p20261128",
            "event_position_p20261129",
            "event_position_p20261130",
            "event_position_p20261201");
  }

  @Test
  @DisplayName("Only the job's own partition names are read back; defaults and others are not")
  void names() {
    assertThat(RetentionDates.named("event_main_p202512"))
        .contains(RetentionDates.month(YearMonth.of(2025, 12)));
    assertThat(RetentionDates.named("event_position_p20260229")).isEmpty();
    assertThat(RetentionDates.named("event_main_default")).isEmpty();
    assertThat(RetentionDates.named("event_position_p2026111")).isEmpty();
  }
}
