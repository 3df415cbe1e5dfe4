package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
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
import travelwatch.support.SseClient;
import travelwatch.support.TestClock;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("Live monitoring end to end over HTTP, on real PostgreSQL, in virtual time")
class MonitoringEndToEndTest {
  private static final Map<String, String> ENV =
      Map.of(
          "TW_MONITOR_TICK_MS",
          "200",
          "TW_STREAM_HEARTBEAT_SECONDS",
          "1",
          // The virtual clock starts before the morning's events and each test moves it on.
          "TW_INGEST_MAX_FUTURE_SECONDS",
          "7200");
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
  private final Vertx vertx = Vertx.vertx();
  private TestServer server;
  private String admin;
  private String viewer;
  private String operatorA;

  @BeforeEach
  void start() {
    server = new TestServer(ENV, clock);
    admin = server.scopeKey(Scope.ADMIN);
    viewer = server.scopeKey(Scope.CONTROL);
    operatorA = server.operatorKey("OPA".equals("") ? "" : importPlanAndKey());
  }

  private String importPlanAndKey() {
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    return "OPA";
  }

  @AfterEach
  void stop() {
    server.close();
    vertx.close().await();
  }

  private JsonObject startWithUnclearedDriver() {
    return Events.event("run.started", "2026-11-23T07:45:00Z")
        .put("runId", TwoOperators.RUN_A)
        .put("driverId", TwoOperators.UNCLEARED_DRIVER_A)
        .put("guideId", TwoOperators.GUIDE_A)
        .put("vehicleReg", "BX19 ABC");
  }

  private JsonArray alerts(String query) {
    return server.get("/api/v1/alerts" + query, viewer).bodyAsJsonObject().getJsonArray("items");
  }

  @Test
  @DisplayName(
      "A run started by a positive-DBS, uncleared driver raises a critical alert on the stream and the list; acknowledge and resolve are recorded; a viewer cannot acknowledge")
  void uncleardDriverAlertLifecycle() throws Exception {
    try (SseClient stream = new SseClient(vertx, server.port, viewer, null)) {
      assertThat(stream.status).isEqualTo(200);
      JarProcess.await(
          "a heartbeat (every second here)",
          Duration.ofSeconds(5),
          () -> stream.heartbeats.get() > 0);
      assertThat(server.post("/api/v1/events", operatorA, startWithUnclearedDriver()).statusCode())
          .isEqualTo(202);

      SseClient.Event raised =
          stream.await(
              "the alert on the stream",
              Duration.ofSeconds(10),
              e ->
                  e.kind().equals("alert")
                      && e.data().getString("type").equals("crew.dbs_not_cleared"));
      assertThat(raised.data().getString("severity")).isEqualTo("critical");
      assertThat(raised.data().getString("runId")).isEqualTo(TwoOperators.RUN_A);
      assertThat(raised.data().getString("crewId")).isEqualTo(TwoOperators.UNCLEARED_DRIVER_A);
      stream.await(
          "the run's status change",
          Duration.ofSeconds(10),
          e ->
              e.kind().equals("run")
                  && e.data().getString("id").equals(TwoOperators.RUN_A)
                  && e.data().getString("status").equals("started"));

      JsonArray listed = alerts("?type=crew.dbs_not_cleared&state=open");
      assertThat(listed).hasSize(1);
      long id = listed.getJsonObject(0).getLong("id");

      var refused =
          server.post(
              "/api/v1/alerts/" + id + "/acknowledge",
              viewer,
              new JsonObject().put("note", "seen"));
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(
              server
                  .post("/api/v1/alerts/" + id + "/acknowledge", operatorA, new JsonObject())
                  .statusCode())
          .isEqualTo(403);

      var acked =
          server.post(
              "/api/v1/alerts/" + id + "/acknowledge",
              admin,
              new JsonObject().put("note", "Calling the operator"));
      assertThat(acked.statusCode()).isEqualTo(200);
      assertThat(acked.bodyAsJsonObject().getString("state")).isEqualTo("acknowledged");
      assertThat(acked.bodyAsJsonObject().getString("acknowledgedBy")).startsWith("key-");
      assertThat(
              server
                  .post("/api/v1/alerts/" + id + "/acknowledge", admin, new JsonObject())
                  .statusCode())
          .isEqualTo(409);

      var resolved =
          server.post(
              "/api/v1/alerts/" + id + "/resolve",
              admin,
              new JsonObject().put("confirm", true).put("note", "Driver replaced"));
      assertThat(resolved.bodyAsJsonObject().getString("state")).isEqualTo("resolved");
      stream.await(
          "the resolution on the stream",
          Duration.ofSeconds(10),
          e ->
              e.kind().equals("alert")
                  && e.data().getLong("id") == id
                  && "resolved".equals(e.data().getString("state")));

      try (var c = TestPostgres.connect(server.database);
          var rs =
              c.createStatement()
                  .executeQuery(
                      "select kind, actor, note from alert_transition where alert_id = "
                          + id
                          + " order by id")) {
        StringBuilder log = new StringBuilder();
        while (rs.next()) {
          log.append(rs.getString(1))
              .append('/')
              .append(rs.getString(2))
              .append('/')
              .append(rs.getString(3))
              .append(';');
        }
        assertThat(log.toString())
            .matches(
                "raised/null/null;acknowledged/key-\\d+/Calling the operator;resolved/key-\\d+/Driver replaced;");
      }

      // A client reconnecting with Last-Event-ID gets what came after it, from the store.
      try (SseClient resumed = new SseClient(vertx, server.port, viewer, raised.id())) {

        resumed.await(
            "the missed acknowledgement",
            Duration.ofSeconds(10),
            e ->
                e.kind().equals("alert")
                    && "acknowledged"
                        .equals(e.data().getJsonObject("transition").getString("kind")));
        assertThat(resumed.events()).allMatch(e -> e.id() > raised.id());
      }
    }
  }

  @Test
  @DisplayName(
      "The run board, run detail with its timeline, and the pupil lookup show the live run")
  void runBoardAndLookup() {
    assertThat(server.post("/api/v1/events", operatorA, startWithUnclearedDriver()).statusCode())
        .isEqualTo(202);
    // The run's state and its alert are stored one after the other; wait for both.
    JarProcess.await(
        "the run to show as started, with its open alert",
        Duration.ofSeconds(10),
        () -> {
          JsonObject live =
              server.get("/api/v1/runs/" + TwoOperators.RUN_A, viewer).bodyAsJsonObject();
          return "started".equals(live.getString("status")) && live.getLong("openAlerts") > 0;
        });

    JsonArray board =
        server.get("/api/v1/runs?date=2026-11-23", viewer).bodyAsJsonObject().getJsonArray("items");
    assertThat(board).hasSize(2);
    JsonArray started =
        server
            .get("/api/v1/runs?date=2026-11-23&status=started", viewer)
            .bodyAsJsonObject()
            .getJsonArray("items");
    assertThat(started).hasSize(1);
    JsonObject run = started.getJsonObject(0);
    assertThat(run.getString("driverId")).isEqualTo(TwoOperators.UNCLEARED_DRIVER_A);
    assertThat(run.getString("arriveBy")).isEqualTo("2026-11-23T08:40:00Z");
    assertThat(run.getLong("openAlerts")).isPositive();
    assertThat(
            server
                .get("/api/v1/runs?date=2026-11-23&operatorId=OPB", viewer)
                .bodyAsJsonObject()
                .getJsonArray("items"))
        .extracting(o -> ((JsonObject) o).getString("id"))
        .containsExactly(TwoOperators.RUN_B);

    JsonObject detail = server.get("/api/v1/runs/" + TwoOperators.RUN_A, viewer).bodyAsJsonObject();
    assertThat(detail.getJsonArray("stops")).hasSize(2);
    JsonObject first = detail.getJsonArray("timeline").getJsonObject(0);
    assertThat(first.getString("type")).isEqualTo("run.started");
    assertThat(first.getString("driverId")).isEqualTo(TwoOperators.UNCLEARED_DRIVER_A);

    JsonObject pupil =
        server.get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today", viewer).bodyAsJsonObject();
    assertThat(pupil.getJsonArray("items").getJsonObject(0).getString("id"))
        .isEqualTo(TwoOperators.RUN_A);
    assertThat(
            pupil
                .getJsonArray("items")
                .getJsonObject(0)
                .getJsonObject("pickupStop")
                .getString("id"))
        .isEqualTo("H1");
    assertThat(server.get("/api/v1/pupils/NOBODY/today", viewer).statusCode()).isEqualTo(404);
    // An operator's key reads back its own runs only.
    JsonArray own =
        server
            .get("/api/v1/runs?date=2026-11-23", operatorA)
            .bodyAsJsonObject()
            .getJsonArray("items");
    assertThat(own).isNotEmpty();
    own.forEach(r -> assertThat(((JsonObject) r).getString("operatorId")).isEqualTo("OPA"));
    assertThat(server.get("/api/v1/runs?date=23/11/2026", viewer).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("Deadline rules fire from the ticker with no event: run B not started by 08:00")
  void notStartedFromTicker() {
    clock.set(Instant.parse("2026-11-23T08:01:00Z"));
    JarProcess.await(
        "run.not_started for run B",
        Duration.ofSeconds(10),
        () ->
            alerts("?type=run.not_started").stream()
                .anyMatch(a -> TwoOperators.RUN_B.equals(((JsonObject) a).getString("runId"))));
  }

  @Test
  @DisplayName("Restart mid-day: the state is rebuilt from the store and no alert is raised twice")
  void restartMidDay() {
    assertThat(server.post("/api/v1/events", operatorA, startWithUnclearedDriver()).statusCode())
        .isEqualTo(202);
    clock.set(Instant.parse("2026-11-23T08:01:00Z"));
    JarProcess.await(
        "both alerts",
        Duration.ofSeconds(10),
        () ->
            alerts("?type=crew.dbs_not_cleared").size() == 1
                && alerts("?type=run.not_started").size() == 1);

    var database = server.database;
    server.close();
    clock.set(Instant.parse("2026-11-23T08:05:00Z"));
    server = new TestServer(database, ENV, clock);
    String hr = server.scopeKey(Scope.HR);

    assertThat(alerts("?type=crew.dbs_not_cleared")).hasSize(1);
    assertThat(alerts("?type=crew.dbs_not_cleared").getJsonObject(0).getInteger("count"))
        .isEqualTo(1);
    assertThat(alerts("?type=run.not_started")).hasSize(1);
    assertThat(alerts("?type=run.not_started").getJsonObject(0).getInteger("count")).isEqualTo(1);

    // The rebuilt monitor knows who is driving run A: clearing them clears the condition.
    JsonObject cleared =
        Events.event("crew.cleared", "2026-11-23T08:05:00Z")
            .put("crewId", TwoOperators.UNCLEARED_DRIVER_A)
            .put("decision", "cleared")
            .put("decidedOn", "2026-11-23");
    assertThat(server.post("/api/v1/events", hr, cleared).statusCode()).isEqualTo(202);
    JarProcess.await(
        "the condition to clear",
        Duration.ofSeconds(10),
        () -> !alerts("?type=crew.dbs_not_cleared").getJsonObject(0).getBoolean("conditionActive"));
    // Crew changed (planned driver A-D1) and feed silent are true too; the rebuilt monitor raises
    // them on its periodic checks, so they may take a tick to appear. Each alert exists once.
    List<String> expected =
        List.of("crew.dbs_not_cleared", "run.not_started", "crew.changed", "run.feed_silent");
    JarProcess.await(
        "every alert of run A", Duration.ofSeconds(10), () -> alertTypes().containsAll(expected));
    List<String> types = alertTypes();
    assertThat(types).containsExactlyInAnyOrderElementsOf(expected);
  }

  private List<String> alertTypes() {
    return alerts("").stream().map(a -> ((JsonObject) a).getString("type")).toList();
  }

  @Test
  @DisplayName(
      "An event stored just before a crash, its alert not yet stored, raises the alert on restart")
  void replayRaisesWhatWasNotYetRaised() throws Exception {
    var database = server.database;
    server.close();
    JsonObject started = startWithUnclearedDriver();
    try (var c = TestPostgres.connect(database);
        var insert =
            c.prepareStatement(
                "insert into event (owner, event_id, type, occurred_at, received_at, service_date,"
                    + " run_id, body, body_hash) values ('operator:OPA', ?, 'run.started',"
                    + " '2026-11-23T07:45:00Z', '2026-11-23T07:45:01Z', '2026-11-23', ?, ?::json,"
                    + " '\\x00')")) {
      insert.setString(1, started.getString("eventId"));
      insert.setString(2, TwoOperators.RUN_A);
      insert.setString(3, started.encode());
      insert.executeUpdate();
    }

    server = new TestServer(database, ENV, clock);

    JarProcess.await(
        "the alert from the replayed event",
        Duration.ofSeconds(10),
        () -> alerts("?type=crew.dbs_not_cleared").size() == 1);
    assertThat(
            server
                .get("/api/v1/runs/" + TwoOperators.RUN_A, viewer)
                .bodyAsJsonObject()
                .getString("status"))
        .isEqualTo("started");
  }

  @Test
  @DisplayName("Runs by status, open alerts and event-to-alert latency are in /metrics")
  void metrics() {
    assertThat(server.post("/api/v1/events", operatorA, startWithUnclearedDriver()).statusCode())
        .isEqualTo(202);
    // That alert may come from the replay of a plan-change rebuild; once the monitor is live,
    // a safeguarding incident is timed from its arrival to its alert.
    JarProcess.await("the first alert", Duration.ofSeconds(10), () -> !alerts("").isEmpty());
    JsonObject incident =
        Events.event("incident.reported", "2026-11-23T07:50:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("category", "safeguarding")
            .put("summary", "Pupil left the vehicle at the wrong place");
    assertThat(server.post("/api/v1/events", operatorA, incident).statusCode()).isEqualTo(202);
    JarProcess.await(
        "the metrics",
        Duration.ofSeconds(15),
        () -> {
          String m = server.get("/metrics", null).bodyAsString();
          return m.contains("travelwatch_runs{status=\"started\"} 1.0")
              && m.contains(
                  "travelwatch_alerts_open{severity=\"critical\",type=\"crew.dbs_not_cleared\"} 1.0")
              && m.matches("(?s).*travelwatch_event_to_alert_seconds_count [1-9].*")
              && m.contains("travelwatch_calls_answer_ratio");
        });
  }
}
