package travelwatch.parent;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.Stop;
import travelwatch.support.TwoOperators;

/**
 * The two operators' plan with a second pupil of A's on A's runs, picked up at another stop, and an
 * afternoon run home: what one parent sees must never show the other pupil.
 */
final class ParentFixture {
  static final String OTHER_PUPIL = "P-A2";
  static final String RUN_PM = "RA-PM";

  private ParentFixture() {}

  static Plan plan() {
    Plan base = TwoOperators.plan();
    List<Pupil> pupils = new ArrayList<>(base.pupils());
    pupils.add(new Pupil(OTHER_PUPIL, "SCH1", Optional.empty()));
    String a = TwoOperators.PUPIL_A;
    Run am =
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
                    "H2", 2, 52.49, -1.91, LocalTime.of(8, 10), List.of(OTHER_PUPIL), List.of()),
                new Stop(
                    "SCH1",
                    3,
                    52.48,
                    -1.89,
                    LocalTime.of(8, 35),
                    List.of(),
                    List.of(a, OTHER_PUPIL))));
    Run pm =
        new Run(
            RUN_PM,
            "RA",
            TwoOperators.DATE,
            Direction.PM,
            LocalTime.of(16, 0),
            Optional.of(TwoOperators.DRIVER_A),
            Optional.of(TwoOperators.GUIDE_A),
            List.of(
                new Stop(
                    "SCH1",
                    1,
                    52.48,
                    -1.89,
                    LocalTime.of(15, 15),
                    List.of(a, OTHER_PUPIL),
                    List.of()),
                new Stop(
                    "H2", 2, 52.49, -1.91, LocalTime.of(15, 35), List.of(), List.of(OTHER_PUPIL)),
                new Stop("H1", 3, 52.50, -1.90, LocalTime.of(15, 45), List.of(), List.of(a))));
    List<Run> runs = new ArrayList<>();
    runs.add(am);
    runs.add(pm);
    base.runs().stream().filter(r -> !r.id().equals(TwoOperators.RUN_A)).forEach(runs::add);
    return new Plan(base.operators(), base.schools(), pupils, base.crew(), base.routes(), runs);
  }
}
