package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("A past day's board, alerts and map, the next day, from what was stored that day")
class PastDayTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T08:16:00Z"));
  private static TestServer server;
  private static String viewer;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            Map.of("TW_MONITOR_TICK_MS", "200", "TW_INGEST_MAX_FUTURE_SECONDS", "7200"), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    viewer = server.scopeKey(Scope.CONTROL);
    Events.store(
        server,
        server.operatorKey("OPA"),
        Events.event("run.started", "2026-11-23T08:00:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC")
            .put("lat", 52.51)
            .put("lon", -1.91));
    Events.store(
        server,
        server.operatorKey("OPB"),
        Events.event("run.cancelled", "2026-11-23T07:40:00Z")
            .put("runId", TwoOperators.RUN_B)
            .put("reason", "vehicle breakdown"));
    JarProcess.await(
        "the day's states and alerts stored",
        WAIT,
        () ->
            "started".equals(status(board("?date=2026-11-23"), TwoOperators.RUN_A))
                && "cancelled".equals(status(board("?date=2026-11-23"), TwoOperators.RUN_B))
                && !items("/api/v1/alerts?type=run.cancelled").isEmpty());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonArray items(String path) {
    HttpResponse<Buffer> r = server.get(path, viewer);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  private static JsonArray board(String query) {
    return items("/api/v1/runs" + query);
  }

  private static String status(JsonArray runs, String runId) {
    return runs.stream()
        .map(o -> (JsonObject) o)
        .filter(r -> runId.equals(r.getString("id")))
        .map(r -> r.getString("status"))
        .findFirst()
        .orElse(null);
  }

  @Test
  @DisplayName(
      "The next morning, ?date= gives the day before's runs as they were left, its alerts and its"
          + " vehicles' last positions; today has none of them")
  void pastDay() {
    clock.set(Instant.parse("2026-11-24T07:00:00Z"));
    JarProcess.await(
        "the monitors on the new day",
        WAIT,
        () -> board("").isEmpty() && items("/api/v1/alerts?date=2026-11-24").isEmpty());

    JsonArray past = board("?date=2026-11-23");
    new Contract().assertValid("RunPage", new JsonObject().put("items", past));
    assertThat(status(past, TwoOperators.RUN_A)).isEqualTo("started");
    assertThat(status(past, TwoOperators.RUN_B)).isEqualTo("cancelled");
    JsonObject runA =
        past.stream()
            .map(o -> (JsonObject) o)
            .filter(r -> TwoOperators.RUN_A.equals(r.getString("id")))
            .findFirst()
            .orElseThrow();
    assertThat(runA.getJsonObject("position").getString("at")).isEqualTo("2026-11-23T08:00:00Z");
    assertThat(board("?date=2026-11-23&status=cancelled"))
        .extracting(o -> ((JsonObject) o).getString("id"))
        .containsExactly(TwoOperators.RUN_B);

    JsonArray alerts = items("/api/v1/alerts?date=2026-11-23");
    assertThat(alerts)
        .extracting(o -> ((JsonObject) o).getString("type"))
        .contains("run.cancelled");
    assertThat(alerts)
        .allMatch(o -> "2026-11-23".equals(((JsonObject) o).getString("serviceDate")));
    assertThat(items("/api/v1/positions?date=2026-11-23"))
        .extracting(o -> ((JsonObject) o).getString("runId"))
        .containsExactly(TwoOperators.RUN_A);
    assertThat(items("/api/v1/positions")).as("none today").isEmpty();
  }
}
