package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.plan.PlanJson;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName(
    "A pupil's journey is written again only when it changes, its expected times by a minute")
class PupilJourneyWritesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:50:00Z"));
  private TestServer server;
  private String operatorA;

  @BeforeEach
  void start() {
    server = new TestServer(Map.of("TW_MONITOR_TICK_MS", "100"), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, PlanJson.write(TwoOperators.plan())).statusCode())
        .isEqualTo(200);
    operatorA = server.operatorKey("OPA");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Row journey() {
    return server
        .pool()
        .query(
            "select expected_dropoff_at, updated_at from pupil_journey where run_id = '"
                + TwoOperators.RUN_A
                + "'")
        .execute()
        .await()
        .iterator()
        .next();
  }

  private void positionAt(String at) {
    clock.set(Instant.parse(at));
    JsonObject p =
        Events.example("vehicle.position")
            .put("occurredAt", at)
            .put("lat", 52.52)
            .put("lon", -1.92)
            .put("speedKph", 30.0);
    Events.store(server, operatorA, p);
    OffsetDateTime expected = OffsetDateTime.parse(at);
    JarProcess.await(
        "the position of " + at + " applied",
        WAIT,
        () ->
            java.util.Objects.equals(
                expected.toInstant(),
                java.util.Optional.ofNullable(
                        server
                            .pool()
                            .query(
                                "select max(position_at) from run_state where run_id = '"
                                    + TwoOperators.RUN_A
                                    + "'")
                            .execute()
                            .await()
                            .iterator()
                            .next()
                            .getOffsetDateTime(0))
                    .map(OffsetDateTime::toInstant)
                    .orElse(null)));
  }

  @Test
  @DisplayName(
      "Standing still, a position 30 s later (expected drop-off 30 s later) leaves the row as it"
          + " was; one 2 minutes later writes the new expected time")
  void expectedTimesWrittenByTheMinute() {
    Events.store(
        server,
        operatorA,
        Events.example("crew.assigned").put("occurredAt", "2026-11-23T07:51:00Z"),
        Events.example("run.started").put("occurredAt", "2026-11-23T07:52:00Z"));
    positionAt("2026-11-23T07:55:00Z");
    Row first = journey();

    positionAt("2026-11-23T07:55:30Z");
    Row unchanged = journey();
    assertThat(unchanged.getOffsetDateTime("updated_at"))
        .as("not written again for 30 s: was %s, now %s", first.toJson(), unchanged.toJson())
        .isEqualTo(first.getOffsetDateTime("updated_at"));
    assertThat(unchanged.getOffsetDateTime("expected_dropoff_at"))
        .isEqualTo(first.getOffsetDateTime("expected_dropoff_at"));

    positionAt("2026-11-23T07:57:00Z");
    Row moved = journey();
    assertThat(
            Duration.between(
                first.getOffsetDateTime("expected_dropoff_at"),
                moved.getOffsetDateTime("expected_dropoff_at")))
        .as("the vehicle stood still for 2 minutes: the drop-off is expected 2 minutes later")
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(moved.getOffsetDateTime("updated_at"))
        .isAfter(first.getOffsetDateTime("updated_at"));
  }
}
