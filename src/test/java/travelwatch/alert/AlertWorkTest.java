package travelwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.SessionLogin;
import travelwatch.support.SseClient;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Working an alert: assign, the transitions people read, and resolving a critical one")
class AlertWorkTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String FIRST = "first@council.example";
  private static final String SECOND = "second@council.example";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:50:00Z"));
  private static final Contract contract = new Contract();
  private static final Vertx vertx = Vertx.vertx();
  private static TestServer server;
  private static String viewer;
  private static SessionLogin first;
  private static SessionLogin second;
  private static SseClient stream;
  private static long critical;
  private static long cancelled;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            Map.of("TW_MONITOR_TICK_MS", "200", "TW_INGEST_MAX_FUTURE_SECONDS", "7200"), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    viewer = server.scopeKey(Scope.CONTROL);
    SessionLogin.addUser(server, FIRST, Role.CONTROLLER, PASSWORD);
    SessionLogin.addUser(server, SECOND, Role.CONTROLLER, PASSWORD);
    first = SessionLogin.of(server, FIRST, PASSWORD);
    second = SessionLogin.of(server, SECOND, PASSWORD);
    stream = new SseClient(vertx, server.port, viewer, null);
    Events.store(
        server,
        server.operatorKey("OPA"),
        Events.event("run.started", "2026-11-23T07:45:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.UNCLEARED_DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"));
    Events.store(
        server,
        server.operatorKey("OPB"),
        Events.event("run.cancelled", "2026-11-23T07:46:00Z")
            .put("runId", TwoOperators.RUN_B)
            .put("reason", "vehicle breakdown"));
    JarProcess.await(
        "both alerts",
        WAIT,
        () ->
            alerts("?type=crew.dbs_not_cleared").size() == 1
                && alerts("?type=run.cancelled").size() == 1);
    critical = alerts("?type=crew.dbs_not_cleared").getJsonObject(0).getLong("id");
    cancelled = alerts("?type=run.cancelled").getJsonObject(0).getLong("id");
  }

  @AfterAll
  static void stop() {
    stream.close();
    server.close();
    vertx.close().await();
  }

  private static JsonArray alerts(String query) {
    HttpResponse<Buffer> r = server.get("/api/v1/alerts" + query, viewer);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  private static JsonObject alert(long id) {
    HttpResponse<Buffer> r = server.get("/api/v1/alerts/" + id, viewer);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    contract.assertValid("AlertDetail", r.bodyAsJsonObject());
    return r.bodyAsJsonObject();
  }

  private static SseClient.Event transitionOnStream(long id, String kind, String by) {
    return stream.await(
        kind + " by " + by + " on the stream",
        WAIT,
        e ->
            e.kind().equals("alert")
                && e.data().getLong("id") == id
                && kind.equals(e.data().getJsonObject("transition").getString("kind"))
                && by.equals(e.data().getJsonObject("transition").getString("by")));
  }

  @Test
  @Order(1)
  @DisplayName(
      "Alerts carry the operator's and school's names and filter by operator and by school")
  void namesAndFilters() {
    JsonObject a = alerts("?type=crew.dbs_not_cleared").getJsonObject(0);
    contract.assertValid("Alert", a);
    assertThat(a.getString("operatorName")).isEqualTo("Oakfield Travel");
    assertThat(a.getString("schoolName")).isEqualTo("Hillcrest School");
    assertThat(alerts("?operatorId=OPB"))
        .extracting(o -> ((JsonObject) o).getLong("id"))
        .contains(cancelled)
        .doesNotContain(critical);
    assertThat(alerts("?operatorId=OPA"))
        .extracting(o -> ((JsonObject) o).getLong("id"))
        .contains(critical)
        .doesNotContain(cancelled);
    assertThat(alerts("?schoolId=SCH1"))
        .extracting(o -> ((JsonObject) o).getLong("id"))
        .contains(critical, cancelled);
    assertThat(alerts("?schoolId=SCH9")).isEmpty();
  }

  @Test
  @Order(2)
  @DisplayName(
      "Assign to me: the alert gains assignedTo and assignedAt, another controller taking it"
          + " over is recorded, and every step is on the stream with its note")
  void assign() {
    HttpResponse<Buffer> mine =
        first.post("/api/v1/alerts/" + critical + "/assign", new JsonObject().put("note", "on it"));
    assertThat(mine.statusCode()).as(mine.bodyAsString()).isEqualTo(200);
    contract.assertValid("Alert", mine.bodyAsJsonObject());
    assertThat(mine.bodyAsJsonObject().getString("assignedTo")).isEqualTo(FIRST);
    assertThat(mine.bodyAsJsonObject().getString("assignedAt")).isEqualTo("2026-11-23T07:50:00Z");
    SseClient.Event assigned = transitionOnStream(critical, "assigned", FIRST);
    contract.assertValid("AlertChange", assigned.data());
    assertThat(assigned.data().getString("assignedTo")).isEqualTo(FIRST);
    assertThat(assigned.data().getJsonObject("transition").getString("note")).isEqualTo("on it");

    clock.advance(Duration.ofMinutes(1));
    HttpResponse<Buffer> taken =
        second.post("/api/v1/alerts/" + critical + "/assign", new JsonObject());
    assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(200);
    assertThat(taken.bodyAsJsonObject().getString("assignedTo")).isEqualTo(SECOND);
    transitionOnStream(critical, "assigned", SECOND);
    assertThat(alert(critical).getString("assignedTo")).isEqualTo(SECOND);

    HttpResponse<Buffer> bad =
        first.post("/api/v1/alerts/" + critical + "/assign", new JsonObject().put("to", "x"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsString()).contains("\"field\":\"to\"");
    assertThat(
            server
                .post("/api/v1/alerts/" + critical + "/assign", viewer, new JsonObject())
                .statusCode())
        .isEqualTo(403);
    assertThat(first.post("/api/v1/alerts/999999/assign", new JsonObject()).statusCode())
        .isEqualTo(404);
  }

  @Test
  @Order(3)
  @DisplayName(
      "A note typed on acknowledge is on GET /alerts/{id} with every transition, in time order")
  void transitionsReadable() {
    clock.advance(Duration.ofMinutes(1));
    HttpResponse<Buffer> acked =
        first.post(
            "/api/v1/alerts/" + critical + "/acknowledge",
            new JsonObject().put("note", "Calling the operator"));
    assertThat(acked.statusCode()).as(acked.bodyAsString()).isEqualTo(200);
    SseClient.Event change = transitionOnStream(critical, "acknowledged", FIRST);
    assertThat(change.data().getJsonObject("transition"))
        .isEqualTo(
            new JsonObject()
                .put("kind", "acknowledged")
                .put("at", "2026-11-23T07:52:00Z")
                .put("by", FIRST)
                .put("note", "Calling the operator"));

    JsonArray transitions = alert(critical).getJsonArray("transitions");
    assertThat(transitions)
        .extracting(
            t ->
                ((JsonObject) t).getString("kind")
                    + "/"
                    + ((JsonObject) t).getString("by")
                    + "/"
                    + ((JsonObject) t).getString("note"))
        .containsExactly(
            "raised/TravelWatch/null",
            "assigned/" + FIRST + "/on it",
            "assigned/" + SECOND + "/null",
            "acknowledged/" + FIRST + "/Calling the operator");
    assertThat(transitions.getJsonObject(3).getString("at")).isEqualTo("2026-11-23T07:52:00Z");
  }

  @Test
  @Order(4)
  @DisplayName(
      "Resolving a critical alert whose condition still holds needs a confirmation with a note"
          + " (409 naming confirm, nothing changed); a high one resolves as before")
  void criticalResolveNeedsConfirmation() {
    String resolve = "/api/v1/alerts/" + critical + "/resolve";
    for (JsonObject body :
        List.of(
            new JsonObject(),
            new JsonObject().put("note", "driver replaced"),
            new JsonObject().put("confirm", true),
            new JsonObject().put("confirm", true).put("note", "   "),
            new JsonObject().put("confirm", false).put("note", "driver replaced"))) {
      HttpResponse<Buffer> refused = first.post(resolve, body);
      assertThat(refused.statusCode()).as(body.encode()).isEqualTo(409);
      JsonObject problem = refused.bodyAsJsonObject();
      assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("field"))
          .isEqualTo("confirm");
      assertThat(problem.encode()).contains("the condition still holds; confirm with a note");
    }
    assertThat(alert(critical).getString("state")).isEqualTo("acknowledged");
    assertThat(first.post(resolve, new JsonObject().put("confirm", "yes")).statusCode())
        .isEqualTo(400);

    HttpResponse<Buffer> resolved =
        first.post(resolve, new JsonObject().put("confirm", true).put("note", "Driver stood down"));
    assertThat(resolved.statusCode()).as(resolved.bodyAsString()).isEqualTo(200);
    assertThat(resolved.bodyAsJsonObject().getString("state")).isEqualTo("resolved");
    transitionOnStream(critical, "resolved", FIRST);
    JsonArray transitions = alert(critical).getJsonArray("transitions");
    assertThat(transitions.getJsonObject(transitions.size() - 1).getString("note"))
        .isEqualTo("Driver stood down");

    HttpResponse<Buffer> late =
        second.post("/api/v1/alerts/" + critical + "/assign", new JsonObject());
    assertThat(late.statusCode()).as("a resolved alert cannot be assigned").isEqualTo(409);

    assertThat(
            second.post("/api/v1/alerts/" + cancelled + "/resolve", new JsonObject()).statusCode())
        .as("a high alert needs no confirmation")
        .isEqualTo(200);
  }
}
