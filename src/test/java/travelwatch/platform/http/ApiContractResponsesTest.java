package travelwatch.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import travelwatch.support.SseClient;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * What the runs, pupils, alerts, stream, keys, plan, events, rules and probes routes return is what
 * {@code openapi.yaml} says, field for field: the response schemas admit no field they do not name,
 * so a field added to a response without documenting it fails here.
 */
@Timeout(120)
@DisplayName("Responses are valid against the API document's schemas")
class ApiContractResponsesTest {
  private static final Map<String, String> ENV =
      Map.of(
          "TW_MONITOR_TICK_MS",
          "200",
          // The clock stands before the morning's events.
          "TW_INGEST_MAX_FUTURE_SECONDS",
          "7200");
  private static final TestClock CLOCK = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));

  private static final Contract CONTRACT = new Contract();
  private static final Vertx VERTX = Vertx.vertx();
  private static TestServer server;
  private static String admin;
  private static String viewer;

  @BeforeAll
  static void start() {
    server = new TestServer(ENV, CLOCK);
    admin = server.scopeKey(Scope.ADMIN);
    viewer = server.scopeKey(Scope.CONTROL);
    HttpResponse<Buffer> plan = server.post("/api/v1/plan", admin, TwoOperators.json());
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(200);
    CONTRACT.assertValid("PlanCounts", plan.bodyAsJsonObject());
  }

  @AfterAll
  static void stop() {
    server.close();
    VERTX.close().await();
  }

  private static JsonObject ok(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private static void problem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    CONTRACT.assertValid("Problem", response.bodyAsJsonObject());
  }

  private static String key(JsonObject request) {
    JsonObject created = ok(server.post("/api/v1/keys", admin, request), 201);
    CONTRACT.assertValid("CreatedKey", created);
    return created.getString("key");
  }

  @Test
  @DisplayName(
      "A morning's events: the run board, run detail, pupil lookup, alerts, their"
          + " acknowledgement and resolution, and the stream's alert and run messages")
  void morning() {
    String operatorA = key(new JsonObject().put("operatorId", "OPA"));
    String operatorB = key(new JsonObject().put("operatorId", "OPB"));
    try (SseClient stream = new SseClient(VERTX, server.port, viewer, null)) {
      assertThat(stream.status).isEqualTo(200);
      JsonObject accepted =
          ok(
              Events.post(
                  server,
                  operatorA,
                  Buffer.buffer(
                      "["
                          + Events.example("crew.assigned")
                              .put("occurredAt", "2026-11-23T07:35:00Z")
                          + ","
                          + Events.example("run.started").put("occurredAt", "2026-11-23T07:45:00Z")
                          + ","
                          + Events.example("vehicle.position")
                              .put("occurredAt", "2026-11-23T07:50:00Z")
                          + ","
                          + Events.example("pupil.boarded")
                              .put("occurredAt", "2026-11-23T07:55:00Z")
                          + "]")),
              202);
      CONTRACT.assertValid("EventsAccepted", accepted);
      Events.store(
          server,
          operatorB,
          Events.event("run.cancelled", "2026-11-23T07:40:00Z")
              .put("runId", TwoOperators.RUN_B)
              .put("reason", "vehicle breakdown"));

      SseClient.Event raised =
          stream.await(
              "the cancellation's alert on the stream",
              Duration.ofSeconds(10),
              e -> e.kind().equals("alert") && "run.cancelled".equals(e.data().getString("type")));
      CONTRACT.assertValid("AlertChange", raised.data());
      SseClient.Event started =
          stream.await(
              "run A's start on the stream",
              Duration.ofSeconds(10),
              e ->
                  e.kind().equals("run")
                      && TwoOperators.RUN_A.equals(e.data().getString("id"))
                      && "started".equals(e.data().getString("status")));
      CONTRACT.assertValid("RunChange", started.data());

      // The run's state commits with its stream message, so the board shows it now.
      JsonObject board = ok(server.get("/api/v1/runs?date=2026-11-23", viewer), 200);
      assertThat(board.getJsonArray("items")).hasSize(2);
      CONTRACT.assertValid("RunPage", board);
      JsonObject detail = ok(server.get("/api/v1/runs/" + TwoOperators.RUN_A, viewer), 200);
      assertThat(detail.getJsonArray("timeline")).hasSize(4);
      CONTRACT.assertValid("RunDetail", detail);
      JsonObject pupil =
          ok(server.get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today", viewer), 200);
      assertThat(pupil.getJsonArray("items").getJsonObject(0).getJsonArray("pupilEvents"))
          .hasSize(1);
      CONTRACT.assertValid("PupilToday", pupil);

      JsonObject alerts = ok(server.get("/api/v1/alerts?type=run.cancelled", viewer), 200);
      assertThat(alerts.getJsonArray("items")).hasSize(1);
      CONTRACT.assertValid("AlertPage", alerts);
      long id = alerts.getJsonArray("items").getJsonObject(0).getLong("id");
      CONTRACT.assertValid("AlertDetail", ok(server.get("/api/v1/alerts/" + id, viewer), 200));
      JsonObject acknowledged =
          ok(
              server.post(
                  "/api/v1/alerts/" + id + "/acknowledge",
                  admin,
                  new JsonObject().put("note", "Calling the operator")),
              200);
      CONTRACT.assertValid("Alert", acknowledged);
      JsonObject resolved =
          ok(server.post("/api/v1/alerts/" + id + "/resolve", admin, new JsonObject()), 200);
      CONTRACT.assertValid("Alert", resolved);
      SseClient.Event resolution =
          stream.await(
              "the resolution on the stream",
              Duration.ofSeconds(10),
              e ->
                  e.kind().equals("alert")
                      && "resolved".equals(e.data().getJsonObject("transition").getString("kind")));
      CONTRACT.assertValid("AlertChange", resolution.data());
      problem(server.post("/api/v1/alerts/" + id + "/resolve", admin, new JsonObject()), 409);
    }
  }

  @Test
  @DisplayName("Refusals are problem documents: 400 with the fields at fault, 401, 403 and 404")
  void problems() {
    String telephony = key(new JsonObject().put("scope", "telephony"));
    problem(Events.post(server, telephony, Buffer.buffer("[{\"type\": \"call.offered\"}]")), 400);
    problem(server.get("/api/v1/runs", null), 401);
    problem(server.get("/api/v1/runs", telephony), 403);
    problem(server.get("/api/v1/alerts/999999", viewer), 404);
    problem(server.get("/api/v1/runs/no-such-run", viewer), 404);
  }

  @Test
  @DisplayName("The routing rules and the probes")
  void rulesAndProbes() {
    CONTRACT.assertValid("RoutingRules", ok(server.get("/api/v1/notify/rules", admin), 200));
    CONTRACT.assertValid("Readiness", ok(server.get("/health/ready", null), 200));
    assertThat(ok(server.get("/health/live", null), 200).getString("status")).isEqualTo("UP");
  }

  @Test
  @DisplayName("The response schemas refuse a field they do not name, and one they require missing")
  void schemasAreStrict() {
    JsonObject run = ok(server.get("/api/v1/runs?date=2026-11-23", viewer), 200);
    JsonObject one = run.getJsonArray("items").getJsonObject(0);
    assertThat(CONTRACT.validator("RunSummary").validate(one).getValid()).isTrue();
    assertThat(
            CONTRACT.validator("RunSummary").validate(one.copy().put("undocumented", 1)).getValid())
        .isFalse();
    JsonObject withoutAlerts = one.copy();
    withoutAlerts.remove("openAlerts");
    assertThat(CONTRACT.validator("RunSummary").validate(withoutAlerts).getValid()).isFalse();
    assertThat(CONTRACT.validator("RunChange").validate(one).getValid())
        .as("a board run is not a stream message: it has openAlerts, no previousStatus")
        .isFalse();
  }
}
