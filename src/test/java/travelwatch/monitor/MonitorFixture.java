package travelwatch.monitor;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.config.MonitorSettings;
import travelwatch.monitor.Observation.Meta;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.HrClearance;

/**
 * One AM run for the rule tests: R1 of operator OPA picks up P1 at H1 (08:10) and P2 at H2 (08:20),
 * arrives at school SCH (08:35), must arrive by 08:40 and needs a guide. Planned crew D1 and G1.
 * The crew registry holds one of each compliance problem.
 */
final class MonitorFixture {
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  static final double[] H1 = {52.5000, -1.9000};
  static final double[] H2 = {52.4900, -1.8900};
  static final double[] SCH = {52.4800, -1.8800};

  private final AtomicLong seq = new AtomicLong();

  static Instant at(String hhmm) {
    return DAY.atTime(LocalTime.parse(hhmm)).atZone(LONDON).toInstant();
  }

  static RunPlan run(String id, boolean requiresGuide) {
    return new RunPlan(
        id,
        "RT1",
        "OPA",
        "SCH",
        "Hillcrest School",
        DAY,
        "AM",
        at("08:40"),
        requiresGuide,
        "D1",
        requiresGuide ? "G1" : null,
        List.of(
            new RunPlan.StopPlan("H1", 1, H1[0], H1[1], at("08:10")),
            new RunPlan.StopPlan("H2", 2, H2[0], H2[1], at("08:20")),
            new RunPlan.StopPlan("SCH", 3, SCH[0], SCH[1], at("08:35"))),
        List.of(new RunPlan.PupilPlan("P1", 0, 2, 45), new RunPlan.PupilPlan("P2", 1, 2, 45)),
        "Oakfield Travel");
  }

  static CrewRegistry crew() {
    CrewRegistry crew = new CrewRegistry();
    DbsCheck clear = new DbsCheck("C", DAY.minusYears(1), DbsOutcome.CLEAR, true, false);
    DbsCheck positive = new DbsCheck("P", DAY.minusYears(1), DbsOutcome.POSITIVE, true, false);
    Badge badge = new Badge("B1", "Birmingham City Council", DAY.plusYears(1));
    crew.register(
        new Crew(
            "D1",
            "OPA",
            CrewRole.DRIVER,
            Optional.of(clear),
            Optional.empty(),
            Optional.of(badge)));
    crew.register(
        new Crew(
            "G1", "OPA", CrewRole.GUIDE, Optional.of(clear), Optional.empty(), Optional.empty()));
    crew.register(
        new Crew(
            "G2", "OPA", CrewRole.GUIDE, Optional.of(clear), Optional.empty(), Optional.empty()));
    crew.register(
        new Crew(
            "D2",
            "OPA",
            CrewRole.DRIVER,
            Optional.of(positive),
            Optional.empty(),
            Optional.of(badge)));
    crew.register(
        new Crew(
            "D3",
            "OPA",
            CrewRole.DRIVER,
            Optional.of(positive),
            Optional.of(HrClearance.CLEARED),
            Optional.of(badge)));
    crew.register(
        new Crew(
            "D4", "OPA", CrewRole.DRIVER, Optional.empty(), Optional.empty(), Optional.of(badge)));
    crew.register(
        new Crew(
            "D5",
            "OPA",
            CrewRole.DRIVER,
            Optional.of(new DbsCheck("O", DAY.minusYears(4), DbsOutcome.CLEAR, true, false)),
            Optional.empty(),
            Optional.of(badge)));
    crew.register(
        new Crew(
            "D6",
            "OPA",
            CrewRole.DRIVER,
            Optional.of(new DbsCheck("U", DAY.minusYears(4), DbsOutcome.CLEAR, true, true)),
            Optional.empty(),
            Optional.of(badge)));
    crew.register(
        new Crew(
            "D7",
            "OPA",
            CrewRole.DRIVER,
            Optional.of(clear),
            Optional.empty(),
            Optional.of(new Badge("B7", "Birmingham City Council", DAY.minusDays(2)))));
    crew.register(
        new Crew(
            "D8",
            "OPA",
            CrewRole.DRIVER,
            Optional.of(new DbsCheck("N", DAY.minusYears(1), DbsOutcome.CLEAR, false, false)),
            Optional.empty(),
            Optional.of(badge)));
    crew.register(
        new Crew(
            "D9",
            "OPA",
            CrewRole.DRIVER,
            Optional.of(clear),
            Optional.empty(),
            Optional.of(badge)));
    crew.register(
        new Crew(
            "X1",
            "OPB",
            CrewRole.DRIVER,
            Optional.of(clear),
            Optional.empty(),
            Optional.of(badge)));
    return crew;
  }

  static Monitor monitor(MonitorSettings settings, RunPlan... runs) {
    return new Monitor(DAY, LONDON, List.of(runs), crew(), true, settings);
  }

  static Monitor monitor(RunPlan... runs) {
    return monitor(MonitorSettings.defaults(), runs);
  }

  Meta meta(String hhmm) {
    long n = seq.incrementAndGet();
    return new Meta(n, "operator:OP1", "e" + n, at(hhmm), at(hhmm));
  }

  Observation assigned(String hhmm, String driver, String guide) {
    return new Observation.CrewAssigned(meta(hhmm), "R1", driver, guide, "BX19 ABC");
  }

  Observation started(String hhmm, String driver, String guide) {
    return new Observation.RunStarted(meta(hhmm), "R1", driver, guide, "BX19 ABC", null, null);
  }

  Observation position(String hhmm, double[] where) {
    return new Observation.VehiclePosition(meta(hhmm), "R1", where[0], where[1], null);
  }

  Observation position(String hhmm, double lat, double lon) {
    return new Observation.VehiclePosition(meta(hhmm), "R1", lat, lon, null);
  }

  Observation boarded(String hhmm, String pupil, String stop) {
    return new Observation.PupilBoarded(meta(hhmm), "R1", pupil, stop, null, null);
  }

  Observation absent(String hhmm, String pupil) {
    return new Observation.PupilAbsent(meta(hhmm), "R1", pupil);
  }

  Observation dropped(String hhmm, String pupil, String stop) {
    return new Observation.PupilDropped(meta(hhmm), "R1", pupil, stop, null, null);
  }

  Observation arrived(String hhmm) {
    return new Observation.RunArrived(meta(hhmm), "R1", "SCH");
  }

  Observation cancelled(String hhmm) {
    return new Observation.RunCancelled(meta(hhmm), "R1", "vehicle breakdown");
  }

  Observation incident(String hhmm, String category) {
    return new Observation.IncidentReported(meta(hhmm), "R1", category, "summary");
  }

  Observation cleared(String hhmm, String crewId) {
    return new Observation.CrewCleared(meta(hhmm), crewId, HrClearance.CLEARED, DAY);
  }

  Observation call(String hhmm, String callId, Observation.CallStep step) {
    return new Observation.Call(meta(hhmm), callId, step);
  }

  /** A normal, healthy journey of R1 with the planned crew. */
  List<Observation> healthyJourney() {
    List<Observation> events = new ArrayList<>();
    events.add(assigned("07:40", "D1", "G1"));
    events.add(started("07:58", "D1", "G1"));
    events.add(position("08:09", H1));
    events.add(boarded("08:10", "P1", "H1"));
    events.add(position("08:15", 52.495, -1.895));
    events.add(position("08:19", H2));
    events.add(boarded("08:20", "P2", "H2"));
    events.add(position("08:28", 52.484, -1.884));
    events.add(position("08:34", SCH));
    events.add(arrived("08:35"));
    events.add(dropped("08:36", "P1", "SCH"));
    events.add(dropped("08:36", "P2", "SCH"));
    return events;
  }

  static List<AlertType> types(List<Condition> conditions) {
    return conditions.stream().map(Condition::type).toList();
  }
}
