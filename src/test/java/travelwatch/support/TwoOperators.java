package travelwatch.support;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;
import travelwatch.plan.PlanJson;

/**
 * A small hand-built plan with two operators, A and B, each with one route, an AM run on {@link
 * #DATE}, a driver, a guide and one pupil; for tests of who may touch what.
 */
public final class TwoOperators {
  public static final LocalDate DATE = LocalDate.of(2026, 11, 23);
  public static final String RUN_A = "RA-AM";
  public static final String OPA_PHONE = "0121 496 0000";
  public static final String RUN_B = "RB-AM";
  public static final String RUN_A_PM = "RA-PM";
  public static final String PUPIL_A = "P-A1";
  public static final String PUPIL_B = "P-B1";
  public static final String DRIVER_A = "A-D1";
  public static final String GUIDE_A = "A-G1";
  public static final String DRIVER_B = "B-D1";

  /** Operator A's driver with a positive DBS and no HR clearance. */
  public static final String UNCLEARED_DRIVER_A = "A-D2";

  private TwoOperators() {}

  public static Plan plan() {
    DbsCheck clear = new DbsCheck("001234567890", DATE.minusYears(1), DbsOutcome.CLEAR, true, true);
    Badge badge = new Badge("BHX000123", "Birmingham City Council", DATE.plusYears(1));
    return new Plan(
        List.of(
            new Operator("OPA", "Oakfield Travel", "ops@a.example", OPA_PHONE, null),
            new Operator("OPB", "Brookvale Cars", "ops@b.example")),
        List.of(
            new School(
                "SCH1",
                "Hillcrest School",
                52.48,
                -1.89,
                LocalTime.of(8, 50),
                LocalTime.of(15, 10),
                Phase.PRIMARY)),
        List.of(
            new Pupil(PUPIL_A, "SCH1", Optional.empty()),
            new Pupil(PUPIL_B, "SCH1", Optional.empty())),
        List.of(
            new Crew(
                DRIVER_A,
                "OPA",
                CrewRole.DRIVER,
                Optional.of(clear),
                Optional.empty(),
                Optional.of(badge)),
            new Crew(
                GUIDE_A,
                "OPA",
                CrewRole.GUIDE,
                Optional.of(clear),
                Optional.empty(),
                Optional.empty()),
            new Crew(
                DRIVER_B,
                "OPB",
                CrewRole.DRIVER,
                Optional.of(clear),
                Optional.empty(),
                Optional.of(badge)),
            new Crew(
                UNCLEARED_DRIVER_A,
                "OPA",
                CrewRole.DRIVER,
                Optional.of(
                    new DbsCheck(
                        "001234567891", DATE.minusYears(1), DbsOutcome.POSITIVE, true, true)),
                Optional.empty(),
                Optional.of(badge))),
        List.of(new Route("RA", "OPA", "SCH1", true), new Route("RB", "OPB", "SCH1", false)),
        List.of(
            run(RUN_A, "RA", PUPIL_A, Optional.of(DRIVER_A), Optional.of(GUIDE_A)),
            run(RUN_B, "RB", PUPIL_B, Optional.of(DRIVER_B), Optional.empty())));
  }

  private static Run run(
      String id, String route, String pupil, Optional<String> driver, Optional<String> guide) {
    return new Run(
        id,
        route,
        DATE,
        Direction.AM,
        LocalTime.of(8, 40),
        driver,
        guide,
        List.of(
            new Stop("H1", 1, 52.50, -1.90, LocalTime.of(8, 10), List.of(pupil), List.of()),
            new Stop("SCH1", 2, 52.48, -1.89, LocalTime.of(8, 35), List.of(), List.of(pupil))));
  }

  /** The same plan with route A's way home: from the school at 15:20 to pupil A's home stop. */
  public static Plan withWayHome() {
    Plan base = plan();
    List<Run> runs = new java.util.ArrayList<>(base.runs());
    runs.add(
        new Run(
            RUN_A_PM,
            "RA",
            DATE,
            Direction.PM,
            LocalTime.of(15, 50),
            Optional.of(DRIVER_A),
            Optional.of(GUIDE_A),
            List.of(
                new Stop(
                    "SCH1", 1, 52.48, -1.89, LocalTime.of(15, 20), List.of(PUPIL_A), List.of()),
                new Stop(
                    "H1", 2, 52.50, -1.90, LocalTime.of(15, 45), List.of(), List.of(PUPIL_A)))));
    return new Plan(
        base.operators(), base.schools(), base.pupils(), base.crew(), base.routes(), runs);
  }

  /** Route A's run ({@code runId}) started at {@code at} by its planned crew, at (lat, lon). */
  public static JsonObject startedA(String runId, String at, double lat, double lon) {
    return Events.event("run.started", at)
        .put("runId", runId)
        .put("driverId", DRIVER_A)
        .put("guideId", GUIDE_A)
        .put("vehicleReg", "BX19 ABC")
        .put("lat", lat)
        .put("lon", lon);
  }

  /** Pupil A on board route A's run {@code runId} at {@code stopId}. */
  public static JsonObject boardedA(String runId, String at, String stopId) {
    return Events.event("pupil.boarded", at)
        .put("runId", runId)
        .put("pupilId", PUPIL_A)
        .put("stopId", stopId);
  }

  /** Run B cancelled at 07:30 for {@code reason}. */
  public static JsonObject cancelledB(String reason) {
    return Events.event("run.cancelled", "2026-11-23T07:30:00Z")
        .put("runId", RUN_B)
        .put("reason", reason);
  }

  public static JsonObject json() {
    return PlanJson.write(plan());
  }
}
