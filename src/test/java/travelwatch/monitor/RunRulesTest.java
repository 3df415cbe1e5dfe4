package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.monitor.MonitorFixture.H1;
import static travelwatch.monitor.MonitorFixture.H2;
import static travelwatch.monitor.MonitorFixture.at;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.config.MonitorSettings;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.monitor.Observation.CallStep;

@DisplayName("Rules, with virtual time: each fires when it should and not when it should not")
class RunRulesTest {
  private final MonitorFixture f = new MonitorFixture();

  /** The rules' settings as the service reads them from the environment. */
  private static MonitorSettings configured(String name, String value) {
    return TravelWatchConfig.from(new Settings(null, Map.of(name, value)), null).monitor().rules();
  }

  /**
   * Applies events one by one at their own time, then ticks at {@code now}; returns what is active.
   */
  private static Map<String, Condition> run(Monitor m, List<Observation> events, String now) {
    Map<String, Condition> active = new LinkedHashMap<>();
    for (Observation o : events) {
      track(active, m.apply(List.of(o), o.at()));
    }
    track(active, m.tick(at(now)));
    return active;
  }

  private static void track(Map<String, Condition> active, Monitor.Changes c) {
    c.raised().forEach(x -> active.put(x.dedupKey(), x));
    c.updated().forEach(x -> active.put(x.dedupKey(), x));
    c.cleared().forEach(x -> active.remove(x.dedupKey()));
  }

  private static List<AlertType> types(Map<String, Condition> active) {
    return active.values().stream().map(Condition::type).toList();
  }

  private List<Observation> with(Observation... extra) {
    List<Observation> events = new ArrayList<>(List.of(extra));
    return events;
  }

  @Test
  @DisplayName("A healthy journey with the planned crew raises nothing")
  void healthyRunRaisesNothing() {
    Monitor m = MonitorFixture.monitor(MonitorFixture.run("R1", true));
    assertThat(run(m, f.healthyJourney(), "09:30")).isEmpty();
    assertThat(m.run("R1").status()).isEqualTo(RunState.Status.ARRIVED);
  }

  @Nested
  @DisplayName("Crew compliance")
  class Compliance {
    @Test
    @DisplayName(
        "A positive-DBS driver without HR clearance on the run is critical; with clearance it is not")
    void dbsNotCleared() {
      var critical =
          run(
              MonitorFixture.monitor(MonitorFixture.run("R1", true)),
              with(f.assigned("07:40", "D2", "G1")),
              "07:41");
      assertThat(types(critical)).contains(AlertType.CREW_DBS_NOT_CLEARED);
      assertThat(
              critical.values().stream()
                  .filter(c -> c.type() == AlertType.CREW_DBS_NOT_CLEARED)
                  .findFirst()
                  .orElseThrow()
                  .crewId())
          .isEqualTo("D2");
      var cleared =
          run(
              MonitorFixture.monitor(MonitorFixture.run("R1", true)),
              with(f.started("07:58", "D3", "G1")),
              "07:59");
      assertThat(types(cleared)).doesNotContain(AlertType.CREW_DBS_NOT_CLEARED);
    }

    @Test
    @DisplayName(
        "Ticks keep the crew findings as they were; a crew change on the run or a clearance between"
            + " ticks is judged at once and kept by the ticks after")
    void crewFindingsFollowEveryChangeAndOnlyChanges() {
      Monitor m = MonitorFixture.monitor(MonitorFixture.run("R1", true));
      Map<String, Condition> active = new LinkedHashMap<>();
      track(active, m.apply(List.of(f.assigned("07:40", "D1", "G1")), at("07:40")));
      track(active, m.tick(at("07:41")));
      assertThat(types(active)).doesNotContain(AlertType.CREW_DBS_NOT_CLEARED);
      List<Condition> found = m.run("R1").crewFindings.found();
      assertThat(m.tick(at("07:42")).isEmpty()).isTrue();
      assertThat(m.run("R1").crewFindings.found()).as("reused: nothing changed").isSameAs(found);

      track(active, m.apply(List.of(f.assigned("07:45", "D2", "G1")), at("07:45")));
      assertThat(types(active)).contains(AlertType.CREW_DBS_NOT_CLEARED);
      assertThat(m.tick(at("07:46")).isEmpty()).isTrue();
      assertThat(m.tick(at("07:47")).isEmpty()).isTrue();

      track(active, m.apply(List.of(f.cleared("07:50", "D2")), at("07:50")));
      assertThat(types(active)).doesNotContain(AlertType.CREW_DBS_NOT_CLEARED);
      assertThat(m.tick(at("07:51")).isEmpty()).isTrue();
      assertThat(types(active)).doesNotContain(AlertType.CREW_DBS_NOT_CLEARED);
    }

    @Test
    @DisplayName("A later HR clearance re-evaluates the live run and clears the condition")
    void laterClearanceClears() {
      Monitor m = MonitorFixture.monitor(MonitorFixture.run("R1", true));
      var active = run(m, with(f.started("07:58", "D2", "G1"), f.cleared("08:05", "D2")), "08:06");
      assertThat(types(active)).doesNotContain(AlertType.CREW_DBS_NOT_CLEARED);
    }

    @Test
    @DisplayName(
        "No DBS, no barred-list check, or a DBS over 3 years old off the Update Service is invalid")
    void dbsInvalid() {
      for (String driver : List.of("D4", "D5", "D8")) {
        var active =
            run(
                MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                with(f.started("07:58", driver, "G1")),
                "07:59");
        assertThat(types(active)).as(driver).contains(AlertType.CREW_DBS_INVALID);
      }
      var onUpdateService =
          run(
              MonitorFixture.monitor(MonitorFixture.run("R1", true)),
              with(f.started("07:58", "D6", "G1")),
              "07:59");
      assertThat(types(onUpdateService)).doesNotContain(AlertType.CREW_DBS_INVALID);
    }

    @Test
    @DisplayName("The DBS age limit comes from the settings")
    void dbsAgeFromSettings() {
      MonitorSettings fiveYears = configured("TW_DBS_MAX_AGE_YEARS", "5");
      var active =
          run(
              MonitorFixture.monitor(fiveYears, MonitorFixture.run("R1", true)),
              with(f.started("07:58", "D5", "G1")),
              "07:59");
      assertThat(types(active)).doesNotContain(AlertType.CREW_DBS_INVALID);
    }

    @Test
    @DisplayName("A driver registered to another operator, or to none, is unknown")
    void unknownCrew() {
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      with(f.started("07:58", "X1", "G1")),
                      "07:59")))
          .contains(AlertType.CREW_UNKNOWN);
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      with(f.started("07:58", "NOBODY", "G1")),
                      "07:59")))
          .contains(AlertType.CREW_UNKNOWN);
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      with(f.started("07:58", "D1", "G1")),
                      "07:59")))
          .doesNotContain(AlertType.CREW_UNKNOWN);
    }

    @Test
    @DisplayName(
        "A run whose route needs a guide starting without one is critical; a route without the need is fine")
    void guideMissing() {
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      with(f.started("07:58", "D1", null)),
                      "07:59")))
          .contains(AlertType.CREW_GUIDE_MISSING);
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", false)),
                      with(f.started("07:58", "D1", null)),
                      "07:59")))
          .doesNotContain(AlertType.CREW_GUIDE_MISSING);
    }

    @Test
    @DisplayName("Crew different from the plan is a warning (a guide change)")
    void crewChanged() {
      var active =
          run(
              MonitorFixture.monitor(MonitorFixture.run("R1", true)),
              with(f.assigned("07:40", "D1", "G2")),
              "07:41");
      assertThat(types(active)).containsExactly(AlertType.CREW_CHANGED);
      assertThat(active.values().iterator().next().summary()).contains("guide G1 → G2");
    }

    @Test
    @DisplayName("A driver whose badge has expired starting a run is high")
    void badgeExpired() {
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      with(f.started("07:58", "D7", "G1")),
                      "07:59")))
          .contains(AlertType.CREW_BADGE_EXPIRED);
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      with(f.started("07:58", "D9", "G1")),
                      "07:59")))
          .doesNotContain(AlertType.CREW_BADGE_EXPIRED);
    }
  }

  @Nested
  @DisplayName("Punctuality")
  class Punctuality {
    @Test
    @DisplayName("Not started 10 minutes before the first pickup: at 08:00, not at 07:59")
    void notStarted() {
      assertThat(run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), List.of(), "07:59"))
          .isEmpty();
      assertThat(
              types(
                  run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), List.of(), "08:00")))
          .containsExactly(AlertType.RUN_NOT_STARTED);
    }

    @Test
    @DisplayName("The not-started threshold comes from the settings")
    void notStartedThreshold() {
      MonitorSettings twenty = configured("TW_NOT_STARTED_MINUTES", "20");
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(twenty, MonitorFixture.run("R1", true)),
                      List.of(),
                      "07:50")))
          .containsExactly(AlertType.RUN_NOT_STARTED);
    }

    @Test
    @DisplayName(
        "Starting clears not-started; a cancelled run is never not-started, only cancelled")
    void startClearsAndCancelInhibits() {
      Monitor m = MonitorFixture.monitor(MonitorFixture.run("R1", true));
      assertThat(types(run(m, List.of(), "08:01"))).containsExactly(AlertType.RUN_NOT_STARTED);
      assertThat(run(m, with(f.started("08:02", "D1", "G1")), "08:03")).isEmpty();
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      with(f.cancelled("07:30")),
                      "09:30")))
          .containsExactly(AlertType.RUN_CANCELLED);
    }

    @Test
    @DisplayName("Arriving after arriveBy + 5 minutes is late; within it is not")
    void lateOnArrival() {
      List<Observation> late =
          new ArrayList<>(
              List.of(
                  f.started("07:58", "D1", "G1"),
                  f.boarded("08:10", "P1", "H1"),
                  f.boarded("08:20", "P2", "H2"),
                  f.arrived("08:46")));
      assertThat(types(run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), late, "08:47")))
          .contains(AlertType.RUN_LATE);
      List<Observation> onTime =
          new ArrayList<>(
              List.of(
                  f.started("07:58", "D1", "G1"),
                  f.boarded("08:10", "P1", "H1"),
                  f.boarded("08:20", "P2", "H2"),
                  f.arrived("08:44")));
      assertThat(
              types(run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), onTime, "08:47")))
          .doesNotContain(AlertType.RUN_LATE);
    }

    @Test
    @DisplayName("Lateness is predicted from positions before it happens")
    void latePredicted() {
      // At 08:37 the vehicle is still at the first stop, some 2.7 km (3.5 km by road) from school.
      List<Observation> events =
          List.of(
              f.started("08:05", "D1", "G1"),
              f.position("08:37", H1),
              f.boarded("08:37", "P1", "H1"));
      Map<String, Condition> active =
          run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), events, "08:37");
      assertThat(types(active)).contains(AlertType.RUN_LATE);
      assertThat(
              active.values().stream()
                  .filter(c -> c.type() == AlertType.RUN_LATE)
                  .findFirst()
                  .orElseThrow()
                  .summary())
          .contains("predicted");
    }

    @Test
    @DisplayName("A started run that sends nothing for 10 minutes is silent; 9 minutes is not")
    void feedSilent() {
      List<Observation> events = List.of(f.started("07:58", "D1", "G1"), f.position("08:00", H1));
      assertThat(
              types(run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), events, "08:09")))
          .doesNotContain(AlertType.RUN_FEED_SILENT);
      List<Observation> again = List.of(f.started("07:58", "D1", "G1"), f.position("08:00", H1));
      assertThat(types(run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), again, "08:10")))
          .contains(AlertType.RUN_FEED_SILENT);
    }
  }

  @Nested
  @DisplayName("Pupils")
  class Pupils {
    @Test
    @DisplayName(
        "The vehicle leaving a stop without the pupil boarded or absent is a missed pickup (after the grace)")
    void missedPickup() {
      List<Observation> events =
          List.of(
              f.started("07:58", "D1", "G1"),
              f.position("08:09", H1),
              f.position("08:19", H2),
              f.boarded("08:20", "P2", "H2"));
      assertThat(
              types(run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), events, "08:19")))
          .doesNotContain(AlertType.PUPIL_MISSED);
      Map<String, Condition> later =
          run(
              MonitorFixture.monitor(MonitorFixture.run("R1", true)),
              List.of(
                  f.started("07:58", "D1", "G1"),
                  f.position("08:09", H1),
                  f.position("08:19", H2),
                  f.boarded("08:20", "P2", "H2")),
              "08:21");
      assertThat(types(later)).containsExactly(AlertType.PUPIL_MISSED);
      assertThat(later.values().iterator().next().pupilId()).isEqualTo("P1");
    }

    @Test
    @DisplayName("An absent pupil, a boarded pupil, or a cancelled run is no missed pickup")
    void notMissed() {
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      List.of(
                          f.absent("07:30", "P1"),
                          f.started("07:58", "D1", "G1"),
                          f.position("08:09", H1),
                          f.position("08:19", H2),
                          f.boarded("08:20", "P2", "H2")),
                      "08:30")))
          .doesNotContain(AlertType.PUPIL_MISSED);
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      List.of(
                          f.started("07:58", "D1", "G1"),
                          f.position("08:09", H1),
                          f.position("08:19", H2),
                          f.cancelled("08:20")),
                      "08:30")))
          .doesNotContain(AlertType.PUPIL_MISSED, AlertType.RUN_LATE, AlertType.RUN_NOT_STARTED);
    }

    @Test
    @DisplayName("A pupil dropped at a stop other than their own is a critical wrong drop-off")
    void wrongDropoff() {
      List<Observation> events = new ArrayList<>(f.healthyJourney().subList(0, 10));
      events.add(f.dropped("08:36", "P1", "H2"));
      events.add(f.dropped("08:36", "P2", "SCH"));
      Map<String, Condition> active =
          run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), events, "08:40");
      assertThat(types(active)).containsExactly(AlertType.PUPIL_WRONG_DROPOFF);
      assertThat(active.values().iterator().next().summary())
          .contains("P1", "H2", "SCH")
          .doesNotContain("P2");
    }

    @Test
    @DisplayName("On board longer than the limit, or predicted to be, is too long a journey")
    void journeyTooLong() {
      List<Observation> stillOnBoard =
          List.of(
              f.started("07:30", "D1", "G1"),
              f.boarded("07:40", "P1", "H1"),
              f.position("07:41", H1));
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      stillOnBoard,
                      "08:26")))
          .contains(AlertType.PUPIL_JOURNEY_TOO_LONG);
      List<Observation> predicted =
          List.of(
              f.started("07:30", "D1", "G1"),
              f.boarded("07:40", "P1", "H1"),
              f.position("08:20", H1));
      Map<String, Condition> early =
          run(MonitorFixture.monitor(MonitorFixture.run("R1", true)), predicted, "08:20");
      assertThat(types(early)).contains(AlertType.PUPIL_JOURNEY_TOO_LONG);
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      f.healthyJourney(),
                      "09:30")))
          .doesNotContain(AlertType.PUPIL_JOURNEY_TOO_LONG);
    }
  }

  @Nested
  @DisplayName("Incidents and calls")
  class IncidentsAndCalls {
    @Test
    @DisplayName("A safeguarding incident is critical; other categories raise nothing")
    void safeguarding() {
      assertThat(
              types(
                  run(
                      MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                      List.of(f.started("07:58", "D1", "G1"), f.incident("08:12", "safeguarding")),
                      "08:13")))
          .containsExactly(AlertType.INCIDENT_SAFEGUARDING);
      assertThat(
              run(
                  MonitorFixture.monitor(MonitorFixture.run("R1", true)),
                  List.of(f.started("07:58", "D1", "G1"), f.incident("08:12", "behaviour")),
                  "08:13"))
          .isEmpty();
    }

    private List<Observation> calls(int offered, int answered) {
      List<Observation> calls = new ArrayList<>();
      for (int i = 0; i < offered; i++) {
        String t = String.format("08:%02d", i);
        calls.add(f.call(t, "C" + i, CallStep.OFFERED));
        calls.add(
            i < answered
                ? f.call(t, "C" + i, CallStep.ANSWERED)
                : f.call(t, "C" + i, CallStep.ABANDONED));
      }
      return calls;
    }

    @Test
    @DisplayName(
        "Under 95% of at least 10 calls answered in the last hour is high; 95% or fewer calls is fine")
    void answerRate() {
      assertThat(types(run(MonitorFixture.monitor(), calls(10, 9), "08:30")))
          .containsExactly(AlertType.CALLS_ANSWER_RATE_LOW);
      assertThat(run(MonitorFixture.monitor(), calls(20, 19), "08:30")).isEmpty();
      assertThat(run(MonitorFixture.monitor(), calls(9, 0), "08:30")).isEmpty();
      assertThat(run(MonitorFixture.monitor(), calls(10, 9), "09:30"))
          .as("an hour later")
          .isEmpty();
    }

    @Test
    @DisplayName("A call waiting over 5 minutes is a warning, until it is answered")
    void longWait() {
      Monitor m = MonitorFixture.monitor();
      assertThat(run(m, List.of(f.call("08:00", "C1", CallStep.OFFERED)), "08:04")).isEmpty();
      assertThat(types(run(m, List.of(), "08:05"))).containsExactly(AlertType.CALLS_LONG_WAIT);
      Monitor.Changes answered =
          m.apply(List.of(f.call("08:06", "C1", CallStep.ANSWERED)), at("08:06"));
      assertThat(MonitorFixture.types(answered.cleared()))
          .containsExactly(AlertType.CALLS_LONG_WAIT);
    }
  }
}
