package travelwatch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.Stop;

@DisplayName("A generated morning route never drives past a stop it is to come to later")
class MorningRoutesTest {
  private static final List<LocalDate> DAY = List.of(LocalDate.of(2026, 11, 23));

  /** Within this distance the monitor counts the vehicle at a stop. */
  private static final double STOP_RADIUS_KM = 0.15;

  @Test
  @DisplayName(
      "In four councils' plans, each leg from one stop to the next keeps more than the stop radius"
          + " from every stop after it")
  void legsKeepClearOfLaterStops() {
    Plan plan = PlanGenerator.councils(1, 4, 1050, DAY);
    List<String> passed = new ArrayList<>();
    for (Run run : plan.runs()) {
      if (run.direction() != Direction.AM) {
        continue;
      }
      List<Stop> stops = run.stops();
      for (int i = 0; i + 2 < stops.size(); i++) {
        Stop from = stops.get(i);
        Stop to = stops.get(i + 1);
        for (Stop later : stops.subList(i + 2, stops.size())) {
          double km =
              PlanGenerator.kmFromLeg(
                  later.lat(), later.lon(), from.lat(), from.lon(), to.lat(), to.lon());
          if (km <= STOP_RADIUS_KM) {
            passed.add(run.id() + ": " + from.id() + " → " + to.id() + " passes " + later.id());
          }
        }
      }
    }
    assertThat(passed).isEmpty();
  }
}
