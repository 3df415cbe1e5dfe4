package travelwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.config.MonitorSettings;
import travelwatch.monitor.CrewRegistry;
import travelwatch.monitor.Monitor;
import travelwatch.monitor.Observation;
import travelwatch.monitor.RunPlan;
import travelwatch.monitor.RunPlans;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;

@DisplayName("Healthy morning runs of a generated day pick every pupil up before going on")
class HealthyPickupsTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 23);

  @Test
  @DisplayName(
      "Four councils' morning, as the capacity benchmark plays it, through the monitor: no healthy"
          + " run leaves a pupil's stop without the pupil")
  void noHealthyRunMissesAPupil() {
    Plan plan = PlanGenerator.councils(1, 4, 1050, List.of(DAY));
    DayScript.Script script = new DayScript(plan, DAY, LONDON, 1).build();
    Set<String> faulty =
        script.faults().stream().map(DayScript.Fault::runId).collect(Collectors.toSet());
    MonitorSettings settings = MonitorSettings.defaults();
    List<RunPlan> healthyMornings =
        RunPlans.of(plan, DAY, LONDON, settings).stream()
            .filter(r -> r.direction().equals("AM") && !faulty.contains(r.id()))
            .toList();
    Set<String> watched = healthyMornings.stream().map(RunPlan::id).collect(Collectors.toSet());
    CrewRegistry crew = new CrewRegistry();
    plan.crew().forEach(crew::register);
    Monitor monitor = new Monitor(DAY, LONDON, healthyMornings, crew, true, settings);

    Set<String> missed = new TreeSet<>();
    Iterator<DayScript.Scripted> events = script.play();
    DayScript.Scripted next = events.hasNext() ? events.next() : null;
    long seq = 0;
    for (Instant now = DAY.atTime(6, 0).atZone(LONDON).toInstant();
        now.isBefore(DAY.atTime(10, 0).atZone(LONDON).toInstant());
        now = now.plusSeconds(5)) {
      List<Observation> batch = new ArrayList<>();
      while (next != null && !next.at().isAfter(now)) {
        Object runId = next.event().get("runId");
        if (runId != null && watched.contains(runId)) {
          batch.add(ScriptedObservations.stored(next, ++seq));
        }
        next = events.hasNext() ? events.next() : null;
      }
      // Each run sends a position every 15 s: its rules are evaluated as its events are applied.
      collect(monitor.apply(batch, now).raised(), missed);
    }

    assertThat(healthyMornings).hasSizeGreaterThan(4000);
    assertThat(missed).isEmpty();
  }

  private static void collect(List<Condition> raised, Set<String> missed) {
    raised.stream()
        .filter(c -> c.type() == AlertType.PUPIL_MISSED)
        .forEach(c -> missed.add(c.summary()));
  }
}
