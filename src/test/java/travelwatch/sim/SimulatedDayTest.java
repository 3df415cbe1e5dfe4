package travelwatch.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * The morning of a simulated day against a real server over HTTP, at 120x: the whole day's logic is
 * covered, deterministically and faster, by {@link ScriptedDayTest}; this proves the same through
 * the API, the store, the monitors and the alert list.
 */
@Timeout(300)
@DisplayName("A short simulated day against a real server, over HTTP, on an accelerated clock")
class SimulatedDayTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  private static final LocalTime UNTIL = LocalTime.of(9, 40);

  @Test
  @DisplayName(
      "Every injected fault produces its alert, healthy runs none, and the summary matches the store")
  void simulatedMorning() {
    AcceleratedClock clock =
        AcceleratedClock.held(DAY.atTime(6, 30).atZone(LONDON).toInstant(), 120);
    Map<String, String> env = Map.of("TW_MONITOR_TICK_MS", "100", "TW_INGEST_RATE_PER_KEY", "0");
    Vertx vertx = Vertx.vertx();
    try (TestServer server = new TestServer(env, clock)) {
      String admin = server.scopeKey(Scope.ADMIN);
      List<String> progress = new ArrayList<>();
      URI url = URI.create("http://localhost:" + server.port);
      SimulatedDay sim = new SimulatedDay(vertx, url, clock, LONDON, progress::add);

      Simulator.Summary summary = sim.run(admin, new SimulatedDay.Options(60, 7, UNTIL)).await();

      Instant until = DAY.atTime(UNTIL).atZone(LONDON).toInstant();
      long judged =
          summary.script().faults().stream()
              .filter(f -> f.firstPickup().plusSeconds(3600).isBefore(until))
              .count();
      assertThat(judged).as("faults due this morning").isGreaterThanOrEqualTo(3);
      assertThat(summary.rejected()).isZero();
      assertThat(summary.accepted() + summary.duplicates()).isEqualTo(summary.sent());
      long stored = TestPostgres.count(server.database, "select count(*) from event");
      assertThat(stored).as("every event sent is stored once").isEqualTo(summary.accepted());
      assertThat(
              TestPostgres.count(
                  server.database,
                  "select count(distinct run_id) from event where source = 'crew'"))
          .as("runs recorded through the crew app's API")
          .isGreaterThan(0);
      JsonArray alerts = sim.alerts(server.scopeKey(Scope.CONTROL)).await();
      assertThat(Simulator.mismatches(summary.script(), alerts, until))
          .as(String.join("\n", progress))
          .isEmpty();
      assertThat(progress).anyMatch(line -> line.contains("every injected fault raised its alert"));

      // The same morning again: every event is a duplicate, nothing is stored twice, no new alert.
      int before = alerts.size();
      SimulatedDay replay =
          new SimulatedDay(
              vertx,
              url,
              new AcceleratedClock(DAY.atTime(UNTIL).atZone(LONDON).toInstant(), 1),
              LONDON,
              progress::add);
      Simulator.Summary again = replay.run(admin, new SimulatedDay.Options(60, 7, UNTIL)).await();
      assertThat(again.duplicates()).isEqualTo(summary.sent());
      assertThat(TestPostgres.count(server.database, "select count(*) from event"))
          .isEqualTo(stored);
      assertThat(sim.alerts(server.scopeKey(Scope.CONTROL)).await().size()).isEqualTo(before);
      sim.close();
      replay.close();
    } finally {
      vertx.close().await();
    }
  }
}
