package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.monitor.RunProgress.Happened;
import travelwatch.monitor.RunProgress.PupilAtStop;
import travelwatch.monitor.RunProgress.StopProgress;
import travelwatch.monitor.RunProgress.StopPupils;

@DisplayName("A run's progress from its events: stops reached and left, and each pupil's state")
class RunProgressTest {
  private static final List<StopPupils> STOPS =
      List.of(
          new StopPupils("H1", 52.50, -1.90, List.of("P1", "P2"), List.of()),
          new StopPupils("H2", 52.52, -1.95, List.of("P3"), List.of()),
          new StopPupils("SCH", 52.48, -1.89, List.of(), List.of("P1", "P2", "P3")));

  private static Instant at(String hhmm) {
    return Instant.parse("2026-11-23T" + hhmm + ":00Z");
  }

  private static Happened event(String type, String hhmm, String stop, String pupil) {
    return new Happened(type, at(hhmm), stop, pupil, null, null, null);
  }

  private static Happened fix(String hhmm, double lat, double lon) {
    return new Happened("vehicle.position", at(hhmm), null, null, null, lat, lon);
  }

  @Test
  @DisplayName(
      "Absent with its reason, boarded then dropped here or elsewhere, expected while the stop"
          + " is not yet left")
  void states() {
    List<StopProgress> p =
        RunProgress.of(
            STOPS,
            List.of(
                new Happened("pupil.absent", at("07:50"), null, "P2", "unwell", null, null),
                event("pupil.boarded", "08:05", "H1", "P1"),
                fix("08:06", 52.50, -1.90),
                fix("08:20", 52.485, -1.891),
                event("pupil.dropped", "08:31", "SCH2", "P1"),
                event("run.arrived", "08:32", null, null)));
    assertThat(p.get(0).reachedAt()).isEqualTo(at("08:05"));
    assertThat(p.get(0).leftAt()).isEqualTo(at("08:20"));
    assertThat(p.get(0).pupils())
        .containsExactly(
            new PupilAtStop("P1", "pickup", "boarded", null, at("08:05")),
            new PupilAtStop("P2", "pickup", "absent", "unwell", at("07:50")));
    assertThat(p.get(1).reachedAt()).as("H2 never reached").isNull();
    assertThat(p.get(1).pupils())
        .containsExactly(new PupilAtStop("P3", "pickup", "expected", null, null));
    assertThat(p.get(2).reachedAt()).isEqualTo(at("08:32"));
    assertThat(p.get(2).leftAt()).isNull();
    assertThat(p.get(2).pupils())
        .containsExactly(
            new PupilAtStop("P1", "dropoff", "dropped_elsewhere", null, at("08:31")),
            new PupilAtStop("P2", "dropoff", "absent", "unwell", at("07:50")),
            new PupilAtStop("P3", "dropoff", "expected", null, null));
    assertThat(RunProgress.path(List.of(fix("08:20", 1, 2), fix("08:06", 3, 4))))
        .extracting(RunProgress.Fix::at)
        .containsExactly(at("08:06"), at("08:20"));
  }

  @Test
  @DisplayName("Reaching a later stop leaves the earlier one; a pupil not boarded there is missed")
  void missedWhenLaterStopReached() {
    List<StopProgress> p =
        RunProgress.of(
            STOPS,
            List.of(
                event("pupil.boarded", "08:05", "H1", "P1"),
                event("pupil.boarded", "08:05", "H1", "P2"),
                event("pupil.dropped", "08:30", "SCH", "P1")));
    assertThat(p.get(0).leftAt()).isEqualTo(at("08:30"));
    assertThat(p.get(1).pupils().get(0).state()).isEqualTo("expected");
    assertThat(p.get(2).pupils())
        .extracting(PupilAtStop::state)
        .containsExactly("dropped", "boarded", "expected");
    List<StopProgress> left =
        RunProgress.of(STOPS, List.of(fix("08:10", 52.52, -1.95), fix("08:15", 52.50, -1.90)));
    assertThat(left.get(1).leftAt()).isEqualTo(at("08:15"));
    assertThat(left.get(1).pupils().get(0).state()).isEqualTo("missed");
    assertThat(left.get(2).pupils().get(2).state()).isEqualTo("missed");
  }
}
