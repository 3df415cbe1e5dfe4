package travelwatch.parent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.config.ParentConfig;
import travelwatch.parent.JourneyNotices.Kind;
import travelwatch.parent.JourneyNotices.Notice;

@DisplayName("What a parent is told, and when (plain Java)")
class JourneyNoticesTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ParentConfig DEFAULTS =
      new ParentConfig(
          MonthDay.of(8, 31),
          Duration.ofMinutes(10),
          Duration.ofMinutes(15),
          LocalTime.of(21, 0),
          LocalTime.of(6, 30),
          10,
          Duration.ofSeconds(15));
  private static final Set<Kind> ALL = EnumSet.allOf(Kind.class);
  private final JourneyNotices rules = new JourneyNotices(DEFAULTS, LONDON);

  private static Instant at(String time) {
    return Instant.parse("2026-11-23T" + time + ":00Z");
  }

  /** An evening journey home: picked up at school at 20:30, home planned at 21:10. */
  private static Journey eveningHome(Instant started, Instant boarded, Instant cancelled) {
    return new Journey(
        "R-PM",
        "P1",
        "PM",
        at("20:30"),
        null,
        at("21:10"),
        null,
        null,
        null,
        started,
        boarded,
        null,
        null,
        false,
        cancelled,
        null,
        null);
  }

  private static Journey morning(Instant expectedPickup, Instant started, Instant boarded) {
    return new Journey(
        "R-AM",
        "P1",
        "AM",
        at("08:00"),
        expectedPickup,
        at("08:35"),
        null,
        null,
        null,
        started,
        boarded,
        null,
        null,
        false,
        null,
        null,
        "BX19 ABC");
  }

  @Test
  @DisplayName("Late once at ten minutes, again only when it has grown by fifteen more")
  void lateThenStep() {
    Journey j = morning(at("08:12"), at("07:50"), null);
    assertThat(rules.due(j, ALL, List.of(), at("07:55")))
        .containsExactly(new Notice(Kind.LATE, 12));
    List<Notice> told = List.of(new Notice(Kind.LATE, 12));
    assertThat(rules.due(morning(at("08:26"), at("07:50"), null), ALL, told, at("08:00")))
        .isEmpty();
    assertThat(rules.due(morning(at("08:27"), at("07:50"), null), ALL, told, at("08:00")))
        .containsExactly(new Notice(Kind.LATE, 27));
    assertThat(rules.due(morning(at("08:09"), at("07:50"), null), ALL, List.of(), at("07:55")))
        .isEmpty();
  }

  @Test
  @DisplayName("A run not started is late by the time that has passed since its planned pickup")
  void notStartedCountsFromNow() {
    Journey j = morning(null, null, null);
    assertThat(rules.due(j, ALL, List.of(), at("08:09"))).isEmpty();
    assertThat(rules.due(j, ALL, List.of(), at("08:10")))
        .containsExactly(new Notice(Kind.LATE, 10));
  }

  @Test
  @DisplayName("Only what the parent asked for; no late notice once the child is picked up")
  void onlyWhatWasAskedFor() {
    Journey boarded = morning(at("08:20"), at("07:50"), at("08:20"));
    assertThat(rules.due(boarded, EnumSet.of(Kind.LATE), List.of(), at("08:21"))).isEmpty();
    assertThat(rules.due(boarded, ALL, List.of(), at("08:21")))
        .containsExactly(new Notice(Kind.PICKED_UP, 0));
    assertThat(rules.due(boarded, ALL, List.of(new Notice(Kind.PICKED_UP, 0)), at("08:22")))
        .isEmpty();
    assertThat(rules.due(boarded, ALL, List.of(), at("09:00")))
        .as("a pick-up an hour old is not news")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "No late notice once the vehicle has been at the stop, though the crew did not tap the"
          + " pupil, nor once the run has arrived")
  void notLateOnceTheStopIsBehind() {
    Journey passed =
        new Journey(
            "R-AM",
            "P1",
            "AM",
            at("08:00"),
            at("08:02"),
            at("08:35"),
            null,
            at("08:02"),
            null,
            at("07:50"),
            null,
            null,
            null,
            false,
            null,
            null,
            null);
    assertThat(rules.due(passed, ALL, List.of(), at("08:30"))).isEmpty();
    assertThat(passed.minutesLateAtTheirStop(at("09:30"))).isEqualTo(2);
    Journey arrived =
        new Journey(
            "R-AM",
            "P1",
            "AM",
            at("08:00"),
            null,
            at("08:35"),
            null,
            null,
            null,
            at("07:50"),
            null,
            null,
            null,
            true,
            null,
            null,
            null);
    assertThat(rules.due(arrived, ALL, List.of(), at("08:40"))).isEmpty();
    Journey notYet =
        new Journey(
            "R-AM",
            "P1",
            "AM",
            at("08:00"),
            at("08:12"),
            at("08:35"),
            null,
            null,
            null,
            at("07:50"),
            null,
            null,
            null,
            false,
            null,
            null,
            null);
    assertThat(rules.due(notYet, ALL, List.of(), at("08:05")))
        .containsExactly(new Notice(Kind.LATE, 12));
  }

  @Test
  @DisplayName("From 21:00 to 06:30 only a cancellation is sent")
  void quietHours() {
    Journey late = eveningHome(at("20:40"), null, null);
    assertThat(rules.due(late, ALL, List.of(), at("20:59"))).isEmpty();
    // Planned home at 21:10, not started at 21:25: 15 minutes late, but quiet.
    assertThat(rules.due(late, ALL, List.of(), at("21:25"))).as("late, but quiet").isEmpty();
    Journey lateEarlier =
        new Journey(
            "R-PM",
            "P1",
            "PM",
            at("20:00"),
            null,
            at("20:40"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            null,
            null,
            null);
    assertThat(rules.due(lateEarlier, ALL, List.of(), at("20:55")))
        .as("late before the quiet hours: told")
        .containsExactly(new Notice(Kind.LATE, 15));
    assertThat(rules.due(lateEarlier, ALL, List.of(), at("21:05")))
        .as("the same, once they begin: held back")
        .isEmpty();
    Journey cancelled = eveningHome(null, null, at("21:20"));
    assertThat(rules.due(cancelled, ALL, List.of(), at("21:25")))
        .containsExactly(new Notice(Kind.CANCELLED, 0));
    ParentConfig none =
        new ParentConfig(
            MonthDay.of(8, 31),
            Duration.ofMinutes(10),
            Duration.ofMinutes(15),
            LocalTime.MIDNIGHT,
            LocalTime.MIDNIGHT,
            10,
            Duration.ofSeconds(15));
    assertThat(none.quiet(LocalTime.of(23, 30))).as("the same start and end: none").isFalse();
    assertThat(none.quiet(LocalTime.MIDNIGHT)).isFalse();
    assertThat(DEFAULTS.quiet(LocalTime.of(6, 29))).isTrue();
    assertThat(DEFAULTS.quiet(LocalTime.of(6, 30))).isFalse();
    assertThat(DEFAULTS.quiet(LocalTime.of(20, 59))).isFalse();
  }

  @Test
  @DisplayName("The page's sentence says how late, and when to expect the vehicle")
  void sentences() {
    Journey j = morning(at("08:12"), at("07:50"), null);
    assertThat(j.message(at("07:55"), LONDON, Duration.ofMinutes(10)))
        .isEqualTo(
            "On the way — running about 12 minutes late, expected at your stop at about 08:12.");
    assertThat(morning(null, null, null).message(at("07:00"), LONDON, Duration.ofMinutes(10)))
        .isEqualTo("Not started yet — planned to pick up at 08:00.");
  }
}
