package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.plan.PlanJson;
import travelwatch.support.Events;
import travelwatch.support.HeldHandOff;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName(
    "Deadline rules judge against how far the events have been taken in, not the clock alone")
class IntakeWatermarkTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Map<String, String> ENV =
      Map.of("TW_MONITOR_TICK_MS", "100", "TW_INGEST_MAX_FUTURE_SECONDS", "7200");

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:50:00Z"));
  private TestServer server;
  private String admin;
  private String operatorA;

  private HeldHandOff handOff;

  @BeforeEach
  void start() {
    server = new TestServer(ENV, clock);
    admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, PlanJson.write(TwoOperators.plan())).statusCode())
        .isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    handOff = HeldHandOff.on(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonArray alerts() {
    return server
        .get("/api/v1/alerts?date=2026-11-23", admin)
        .bodyAsJsonObject()
        .getJsonArray("items");
  }

  private double ticks() {
    return server.metric("travelwatch_monitor_ticks_total");
  }

  private JsonObject ready() {
    return server.get("/health/ready", null).bodyAsJsonObject();
  }

  private static JsonObject a(String type, String at) {
    return Events.example(type).put("occurredAt", at);
  }

  @Test
  @DisplayName(
      "With run A's events held on their way to the monitor for 15 service minutes, no run is"
          + " judged not started or silent and the node says it is behind; released, run A is"
          + " started with nothing raised, and run B (never started) is raised once")
  void heldEventsRaiseNoFalseAlarm() {
    handOff.hold();
    clock.set(Instant.parse("2026-11-23T07:52:00Z"));
    Events.store(
        server,
        operatorA,
        a("crew.assigned", "2026-11-23T07:51:00Z"),
        a("run.started", "2026-11-23T07:52:00Z"),
        // A healthy run: the pupil at its first stop boards, then it heads for school.
        a("pupil.boarded", "2026-11-23T07:52:00Z"));
    for (int minute = 53; minute <= 67; minute++) {
      Instant at = Instant.parse("2026-11-23T07:00:00Z").plus(Duration.ofMinutes(minute));
      clock.set(at);
      Events.store(server, operatorA, a("vehicle.position", at.toString()));
    }
    // 08:07: past run A's and run B's not-started deadline (08:00) and run A's silence (10 min).
    double before = ticks();
    JarProcess.await("ten ticks at 08:07", WAIT, () -> ticks() >= before + 10);
    assertThat(alerts()).as("nothing raised while the events are held").isEmpty();
    JsonObject health = ready();
    assertThat(health.getString("status")).isEqualTo("DEGRADED");
    assertThat(health.getJsonObject("intake").getDouble("lagSeconds")).isGreaterThan(800.0);
    assertThat(server.metric("travelwatch_intake_lag_seconds")).isGreaterThan(800.0);

    handOff.release();

    JarProcess.await(
        "run B not started",
        WAIT,
        () ->
            alerts().stream()
                .anyMatch(
                    o ->
                        TwoOperators.RUN_B.equals(((JsonObject) o).getString("runId"))
                            && "run.not_started".equals(((JsonObject) o).getString("type"))));
    JarProcess.await(
        "run A started on the board",
        WAIT,
        () ->
            "started"
                .equals(
                    server
                        .get("/api/v1/runs/" + TwoOperators.RUN_A, admin)
                        .bodyAsJsonObject()
                        .getString("status")));
    double after = ticks();
    JarProcess.await("ten more ticks", WAIT, () -> ticks() >= after + 10);
    assertThat(alerts().stream().map(o -> ((JsonObject) o).getString("runId")))
        .as("nothing about run A: %s", alerts().encodePrettily())
        .doesNotContain(TwoOperators.RUN_A);
    assertThat(ready().getString("status")).isEqualTo("UP");
    assertThat(ready().getJsonObject("intake").getDouble("lagSeconds")).isLessThan(1.0);
  }
}
