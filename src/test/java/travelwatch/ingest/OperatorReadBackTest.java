package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(90)
@DisplayName("Operators read back their own runs, alerts, crew and events, and nobody else's")
class OperatorReadBackTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T08:20:00Z"));
  private TestServer server;
  private String operatorA;
  private String operatorB;
  private String control;

  @BeforeEach
  void start() {
    server = new TestServer(Map.of("TW_MONITOR_TICK_MS", "200"), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    control = server.scopeKey(Scope.CONTROL);
    Events.store(
        server,
        operatorA,
        Events.event("run.cancelled", "2026-11-23T08:10:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("reason", "breakdown"));
    Events.store(
        server,
        operatorB,
        Events.event("run.cancelled", "2026-11-23T08:11:00Z")
            .put("runId", TwoOperators.RUN_B)
            .put("reason", "no driver"));
    JarProcess.await(
        "both cancellations raised",
        Duration.ofSeconds(15),
        () -> items(server.get("/api/v1/alerts?type=run.cancelled", control)).size() == 2);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static JsonArray items(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  private static List<String> field(JsonArray items, String name) {
    List<String> values = new ArrayList<>();
    items.forEach(o -> values.add(((JsonObject) o).getString(name)));
    return values;
  }

  @Test
  @DisplayName(
      "Operator A reads its runs, alerts, compliance and recent events; B's appear by no"
          + " parameter; a control key still sees all")
  void ownDataOnly() {
    for (String query : List.of("", "?operatorId=OPB", "?date=2026-11-23&operatorId=OPB")) {
      assertThat(field(items(server.get("/api/v1/runs" + query, operatorA)), "id"))
          .as(query)
          .containsExactly(TwoOperators.RUN_A);
    }
    assertThat(server.get("/api/v1/runs/" + TwoOperators.RUN_A, operatorA).statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> theirs = server.get("/api/v1/runs/" + TwoOperators.RUN_B, operatorA);
    HttpResponse<Buffer> none = server.get("/api/v1/runs/NO-SUCH-RUN", operatorA);
    assertThat(theirs.statusCode()).isEqualTo(404).isEqualTo(none.statusCode());
    assertThat(theirs.bodyAsJsonObject().getString("detail"))
        .isEqualTo("There is no run " + TwoOperators.RUN_B + " of yours.");

    JsonArray alerts = items(server.get("/api/v1/alerts", operatorA));
    assertThat(field(alerts, "runId"))
        .contains(TwoOperators.RUN_A)
        .doesNotContain(TwoOperators.RUN_B);
    assertThat(field(alerts, "operatorId")).containsOnly("OPA");
    assertThat(items(server.get("/api/v1/alerts?runId=" + TwoOperators.RUN_B, operatorA)))
        .isEmpty();
    long theirAlert =
        items(server.get("/api/v1/alerts?runId=" + TwoOperators.RUN_B, control))
            .getJsonObject(0)
            .getLong("id");
    assertThat(server.get("/api/v1/alerts/" + theirAlert, operatorA).statusCode()).isEqualTo(404);
    long ourAlert =
        items(server.get("/api/v1/alerts?runId=" + TwoOperators.RUN_A, operatorA))
            .getJsonObject(0)
            .getLong("id");
    assertThat(server.get("/api/v1/alerts/" + ourAlert, operatorA).statusCode()).isEqualTo(200);

    JsonObject compliance =
        server.get("/api/v1/compliance?operatorId=OPB", operatorA).bodyAsJsonObject();
    assertThat(field(compliance.getJsonArray("operators"), "operatorId")).containsExactly("OPA");

    JsonArray recent = items(server.get("/api/v1/events/recent?limit=10", operatorA));
    assertThat(recent).hasSize(1);
    JsonObject stored = recent.getJsonObject(0);
    assertThat(stored.getString("type")).isEqualTo("run.cancelled");
    assertThat(stored.getString("runId")).isEqualTo(TwoOperators.RUN_A);
    assertThat(stored.getString("source")).isEqualTo("api");
    assertThat(stored.getString("serviceDate")).isEqualTo("2026-11-23");
    assertThat(stored.getJsonObject("body").getString("reason")).isEqualTo("breakdown");
    assertThat(server.get("/api/v1/events/recent?limit=0", operatorA).statusCode()).isEqualTo(400);

    assertThat(field(items(server.get("/api/v1/runs", control)), "id"))
        .containsExactlyInAnyOrder(TwoOperators.RUN_A, TwoOperators.RUN_B);
    assertThat(field(items(server.get("/api/v1/alerts", control)), "operatorId"))
        .contains("OPA", "OPB");
    assertThat(server.get("/api/v1/events/recent", control).statusCode())
        .as("staff post no events, so have none to read back")
        .isEqualTo(403);
  }
}
