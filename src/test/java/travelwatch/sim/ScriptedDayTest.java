package travelwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import travelwatch.alert.Condition;
import travelwatch.config.MonitorSettings;
import travelwatch.monitor.CrewRegistry;
import travelwatch.monitor.Monitor;
import travelwatch.monitor.Observation;
import travelwatch.monitor.RunPlans;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;

@DisplayName(
    "A scripted day through the monitor, in virtual time: each fault its alerts, healthy runs none")
class ScriptedDayTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 23);

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {3, 11, 42})
  @DisplayName("Every injected fault raises exactly its alerts and no healthy run raises any")
  void faultsAndOnlyFaults(long seed) {
    Plan plan = new PlanGenerator(seed, 120, List.of(DAY)).generate();
    DayScript.Script script = new DayScript(plan, DAY, LONDON, seed).build();
    CrewRegistry crew = new CrewRegistry();
    plan.crew().forEach(crew::register);
    MonitorSettings settings = MonitorSettings.defaults();
    Monitor monitor =
        new Monitor(DAY, LONDON, RunPlans.of(plan, DAY, LONDON, settings), crew, true, settings);

    Map<String, Condition> raised = new LinkedHashMap<>();
    List<DayScript.Scripted> events = script.events();
    int next = 0;
    long seq = 0;
    for (Instant now = DAY.atTime(6, 0).atZone(LONDON).toInstant();
        now.isBefore(DAY.atTime(18, 0).atZone(LONDON).toInstant());
        now = now.plusSeconds(5)) {
      List<Observation> batch = new ArrayList<>();
      while (next < events.size() && !events.get(next).at().isAfter(now)) {
        batch.add(ScriptedObservations.stored(events.get(next++), ++seq));
      }
      monitor.apply(batch, now).raised().forEach(c -> raised.putIfAbsent(c.dedupKey(), c));
      if (now.getEpochSecond() % 60 == 0) {
        monitor.tick(now).raised().forEach(c -> raised.putIfAbsent(c.dedupKey(), c));
      }
    }
    JsonArray alerts = new JsonArray();
    raised
        .values()
        .forEach(
            c -> {
              JsonObject a =
                  new JsonObject().put("type", c.type().wireName()).put("summary", c.summary());
              if (c.runId() != null) {
                a.put("runId", c.runId());
              }
              alerts.add(a);
            });

    assertThat(script.faults())
        .extracting(DayScript.Fault::kind)
        .containsAll(List.of(DayScript.FaultKind.values()));
    assertThat(Simulator.mismatches(script, alerts)).as(alerts.encodePrettily()).isEmpty();
  }
}
