package travelwatch.school;

import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;
import travelwatch.support.TwoOperators;

/**
 * Two schools: Hillcrest (SCH1, with an office address for notices) served by operator A with two
 * pupils on its morning run, and Meadow (SCH2, without one) served by operator B.
 */
public final class SchoolFixture {
  public static final String OFFICE = "office@hillcrest.example";
  public static final String SECOND_PUPIL = "P-A2";
  public static final String OTHER_SCHOOL = "SCH2";

  private SchoolFixture() {}

  public static Plan plan() {
    Plan base = TwoOperators.plan();
    String a = TwoOperators.PUPIL_A;
    List<School> schools =
        List.of(
            new School(
                "SCH1",
                "Hillcrest School",
                52.48,
                -1.89,
                LocalTime.of(8, 50),
                LocalTime.of(15, 10),
                Phase.PRIMARY,
                OFFICE),
            new School(
                OTHER_SCHOOL,
                "Meadow School",
                52.46,
                -1.85,
                LocalTime.of(8, 50),
                LocalTime.of(15, 10),
                Phase.PRIMARY));
    List<Pupil> pupils =
        List.of(
            new Pupil(a, "SCH1", Optional.empty()),
            new Pupil(SECOND_PUPIL, "SCH1", Optional.empty()),
            new Pupil(TwoOperators.PUPIL_B, OTHER_SCHOOL, Optional.empty()));
    List<Route> routes =
        List.of(new Route("RA", "OPA", "SCH1", true), new Route("RB", "OPB", OTHER_SCHOOL, false));
    Run runA =
        new Run(
            TwoOperators.RUN_A,
            "RA",
            TwoOperators.DATE,
            Direction.AM,
            LocalTime.of(8, 40),
            Optional.of(TwoOperators.DRIVER_A),
            Optional.of(TwoOperators.GUIDE_A),
            List.of(
                new Stop("H1", 1, 52.50, -1.90, LocalTime.of(8, 0), List.of(a), List.of()),
                new Stop(
                    "H2", 2, 52.49, -1.91, LocalTime.of(8, 10), List.of(SECOND_PUPIL), List.of()),
                new Stop(
                    "SCH1",
                    3,
                    52.48,
                    -1.89,
                    LocalTime.of(8, 35),
                    List.of(),
                    List.of(a, SECOND_PUPIL))));
    Run runB =
        new Run(
            TwoOperators.RUN_B,
            "RB",
            TwoOperators.DATE,
            Direction.AM,
            LocalTime.of(8, 40),
            Optional.of(TwoOperators.DRIVER_B),
            Optional.empty(),
            List.of(
                new Stop(
                    "HB",
                    1,
                    52.47,
                    -1.86,
                    LocalTime.of(8, 10),
                    List.of(TwoOperators.PUPIL_B),
                    List.of()),
                new Stop(
                    OTHER_SCHOOL,
                    2,
                    52.46,
                    -1.85,
                    LocalTime.of(8, 35),
                    List.of(),
                    List.of(TwoOperators.PUPIL_B))));
    return new Plan(base.operators(), schools, pupils, base.crew(), routes, List.of(runA, runB));
  }
}
