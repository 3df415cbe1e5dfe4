package travelwatch.planchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.Stop;
import travelwatch.planchange.PlanDifference.Action;
import travelwatch.planchange.PlanDifference.CrewRole;
import travelwatch.planchange.PlanDifference.StopChangeKind;

@DisplayName("A plan change's difference from what stood, and the rules of change control")
class PlanDifferenceTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
  private static final LocalDate TOMORROW = TODAY.plusDays(1);

  private static Stop stop(String id, int seq, String time, List<String> up, List<String> down) {
    return new Stop(id, seq, 52.5, -1.9 + seq / 100.0, LocalTime.parse(time), up, down);
  }

  private static Run run(String id, String route, LocalDate date, String arriveBy) {
    return new Run(
        id,
        route,
        date,
        Direction.AM,
        LocalTime.parse(arriveBy),
        Optional.of("D1"),
        Optional.of("G1"),
        List.of(
            stop("H1", 1, "08:00", List.of("P1"), List.of()),
            stop("H2", 2, "08:10", List.of("P2"), List.of()),
            stop("S", 3, "08:30", List.of(), List.of("P1", "P2"))));
  }

  private static Plan plan(List<Route> routes, List<Run> runs) {
    return new Plan(
        List.of(new Operator("OPA", "A", "a@x.example"), new Operator("OPB", "B", "b@x.example")),
        List.of(),
        List.of(),
        List.of(),
        routes,
        runs);
  }

  private static final List<Route> ROUTES =
      List.of(new Route("RA", "OPA", "S1", false), new Route("RB", "OPB", "S1", false));

  /** What stood: four runs of route RA tomorrow, one of RB next month. */
  private static Plan stood() {
    return plan(
        ROUTES,
        List.of(
            run("A1", "RA", TOMORROW, "08:40"),
            run("A2", "RA", TOMORROW, "08:40"),
            run("A3", "RA", TOMORROW, "08:40"),
            run("A4", "RA", TOMORROW, "08:40"),
            run("B1", "RB", TODAY.plusDays(30), "08:40")));
  }

  @Test
  @DisplayName("The difference lists exactly what changed: each kind once, nothing unchanged")
  void listsExactlyWhatChanged() {
    Run a1 = run("A1", "RA", TOMORROW, "08:30"); // retimed
    Run a2 = run("A2", "RA", TOMORROW, "08:40");
    a2 =
        new Run(
            a2.id(),
            a2.routeId(),
            a2.date(),
            a2.direction(),
            a2.arriveBy(),
            Optional.of("D2"), // driver changed
            Optional.of("G1"),
            List.of(
                stop("H1", 1, "08:00", List.of("P1", "P2"), List.of()), // P2 picked up at H1
                stop("S", 3, "08:30", List.of(), List.of("P1", "P2")))); // H2 removed
    Run a3 = run("A3", "RA", TOMORROW, "08:40"); // unchanged
    Run n1 = run("N1", "RB", TOMORROW, "08:40"); // added
    Plan incoming =
        plan(
            List.of(new Route("RB", "OPA", "S1", false)), // RB moves from OPB to OPA
            List.of(a1, a2, a3, n1));

    PlanDifference d = PlanDifference.between(stood(), incoming, List.of("A4"), TODAY);

    assertThat(d.runsAdded()).extracting(PlanDifference.RunRef::runId).containsExactly("N1");
    assertThat(d.runsAdded().get(0).operatorId()).isEqualTo("OPA");
    assertThat(d.runsRemoved()).extracting(PlanDifference.RunRef::runId).containsExactly("A4");
    assertThat(d.runsRetimed()).hasSize(1);
    assertThat(d.runsRetimed().get(0).run().runId()).isEqualTo("A1");
    assertThat(d.runsRetimed().get(0).was().arriveBy()).isEqualTo(LocalTime.of(8, 40));
    assertThat(d.runsRetimed().get(0).now().arriveBy()).isEqualTo(LocalTime.of(8, 30));
    assertThat(d.runsRerouted()).isEmpty();
    assertThat(d.stopsChanged()).hasSize(1);
    assertThat(d.stopsChanged().get(0).run().runId()).isEqualTo("A2");
    assertThat(d.stopsChanged().get(0).stopId()).isEqualTo("H2");
    assertThat(d.stopsChanged().get(0).change()).isEqualTo(StopChangeKind.REMOVED);
    assertThat(d.pupilsMoved()).hasSize(1);
    var moved = d.pupilsMoved().get(0);
    assertThat(moved.pupilId()).isEqualTo("P2");
    assertThat(moved.action()).isEqualTo(Action.PICKUP);
    assertThat(moved.fromStopId()).contains("H2");
    assertThat(moved.toStopId()).contains("H1");
    assertThat(d.crewChanged()).hasSize(1);
    assertThat(d.crewChanged().get(0).role()).isEqualTo(CrewRole.DRIVER);
    assertThat(d.crewChanged().get(0).was()).contains("D1");
    assertThat(d.crewChanged().get(0).now()).contains("D2");
    assertThat(d.routesMoved()).hasSize(1);
    assertThat(d.routesMoved().get(0).fromOperatorId()).isEqualTo("OPB");
    assertThat(d.routesMoved().get(0).toOperatorId()).isEqualTo("OPA");
    assertThat(d.routesMoved().get(0).runs())
        .extracting(PlanDifference.RunRef::runId)
        .containsExactly("N1", "B1");
    // Each operator is told of its runs altered or removed; the moved route's runs, both.
    var byOperator = ChangeControl.byOperator(d);
    assertThat(byOperator.get("OPA"))
        .extracting(t -> t.run().runId())
        .containsExactly("A1", "A2", "A4", "N1", "B1");
    assertThat(byOperator.get("OPB")).extracting(t -> t.run().runId()).containsExactly("N1", "B1");
    assertThat(byOperator.get("OPA").get(1).what())
        .containsExactlyInAnyOrder(
            "pupils' stops changed", "planned crew changed", "stops changed");
  }

  @Test
  @DisplayName("A document that repeats what stands changes nothing")
  void sameDocumentChangesNothing() {
    PlanDifference d = PlanDifference.between(stood(), stood(), List.of(), TODAY);

    assertThat(d.isEmpty()).isTrue();
    assertThat(ChangeControl.byOperator(d)).isEmpty();
  }

  @Test
  @DisplayName("Stops moved and retimed, a guide taken off and a run put on another route are told")
  void stopsCrewAndRoute() {
    Run was = run("A1", "RA", TOMORROW, "08:40");
    Run now =
        new Run(
            "A1",
            "RB",
            TOMORROW,
            Direction.AM,
            LocalTime.of(8, 40),
            Optional.of("D1"),
            Optional.empty(),
            List.of(
                new Stop("H1", 1, 52.6, -1.89, LocalTime.of(8, 0), List.of("P1"), List.of()),
                stop("H2", 2, "08:15", List.of("P2"), List.of()),
                stop("S", 3, "08:30", List.of(), List.of("P1", "P2"))));

    PlanDifference d =
        PlanDifference.between(
            plan(ROUTES, List.of(was)), plan(List.of(), List.of(now)), List.of(), TODAY);

    assertThat(d.stopsChanged())
        .extracting(s -> s.stopId() + ":" + s.change())
        .containsExactly("H1:MOVED", "H2:RETIMED");
    assertThat(d.crewChanged()).hasSize(1);
    assertThat(d.crewChanged().get(0).role()).isEqualTo(CrewRole.GUIDE);
    assertThat(d.crewChanged().get(0).now()).isEmpty();
    assertThat(d.runsRerouted()).hasSize(1);
    assertThat(d.runsRerouted().get(0).fromRouteId()).isEqualTo("RA");
    // Both operators hear of a run moved between them.
    assertThat(ChangeControl.byOperator(d)).containsOnlyKeys("OPA", "OPB");
  }

  @Test
  @DisplayName("A reason is required for a change to runs of today to a week ahead, not later ones")
  void reasonNearTerm() {
    Run inAWeek = run("A1", "RA", TODAY.plusDays(7), "08:40");
    Run inEightDays = run("A2", "RA", TODAY.plusDays(8), "08:40");
    Plan stood = plan(ROUTES, List.of(inAWeek, inEightDays));

    assertThat(
            ChangeControl.reasonRequired(
                PlanDifference.between(
                    stood,
                    plan(List.of(), List.of(run("A1", "RA", TODAY.plusDays(7), "08:30"))),
                    List.of(),
                    TODAY),
                TODAY))
        .isTrue();
    assertThat(
            ChangeControl.reasonRequired(
                PlanDifference.between(
                    stood,
                    plan(List.of(), List.of(run("A2", "RA", TODAY.plusDays(8), "08:30"))),
                    List.of(),
                    TODAY),
                TODAY))
        .isFalse();
    // A run added where none stood alters nothing anyone relies on yet.
    assertThat(
            ChangeControl.reasonRequired(
                PlanDifference.between(
                    stood,
                    plan(List.of(), List.of(run("N", "RA", TODAY, "08:40"))),
                    List.of(),
                    TODAY),
                TODAY))
        .isFalse();
  }

  @Test
  @DisplayName("Approval is needed for a run starting within 24 hours, or today's, not later")
  void approvalWithin24Hours() {
    Plan stood = plan(ROUTES, List.of(run("A1", "RA", TOMORROW, "08:40")));
    PlanDifference retimed =
        PlanDifference.between(
            stood, plan(List.of(), List.of(run("A1", "RA", TOMORROW, "08:30"))), List.of(), TODAY);
    // Tomorrow's run starts at 08:00 London time.
    ZonedDateTime dayBefore = TODAY.atTime(8, 1).atZone(LONDON);

    assertThat(ChangeControl.approvalRequired(retimed, dayBefore)).isTrue();
    assertThat(ChangeControl.approvalRequired(retimed, TODAY.atTime(7, 59).atZone(LONDON)))
        .isFalse();
    // Earlier today's run, already past its start, is still today's.
    Plan today = plan(ROUTES, List.of(run("A1", "RA", TODAY, "08:40")));
    PlanDifference todays =
        PlanDifference.between(
            today, plan(List.of(), List.of(run("A1", "RA", TODAY, "08:30"))), List.of(), TODAY);
    assertThat(ChangeControl.approvalRequired(todays, TODAY.atTime(15, 0).atZone(LONDON))).isTrue();
  }
}
