package travelwatch.monitor;

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
import travelwatch.access.Scope;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.SseClient;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName(
    "The run view and the map: a run's parties, crew, stops, pupils, alerts, timeline and path;"
        + " every started run's latest position, by list and by stream")
class RunViewApiTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String VEHICLE_B = "BX70 TRK";
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T08:16:00Z"));
  private static final Contract contract = new Contract();
  private static final Vertx vertx = Vertx.vertx();
  private static TestServer server;
  private static String viewer;
  private static String operatorA;
  private static String operatorB;
  private static String trackerId;
  private static SseClient stream;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            Map.of("TW_MONITOR_TICK_MS", "200", "TW_INGEST_MAX_FUTURE_SECONDS", "7200"), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    viewer = server.scopeKey(Scope.CONTROL);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    HttpResponse<Buffer> tracker =
        server.post(
            "/api/v1/trackers",
            operatorB,
            new JsonObject()
                .put("vehicleReg", VEHICLE_B)
                .put("label", "Minibus 7")
                .put("uniqueId", "358000000000777"));
    assertThat(tracker.statusCode()).as(tracker.bodyAsString()).isEqualTo(201);
    trackerId = tracker.bodyAsJsonObject().getString("trackerId");
    stream = new SseClient(vertx, server.port, viewer, null);

    // Run A: started away from its first stop by a driver with a positive DBS and no HR
    // clearance, its pupil boarded at H1, then the vehicle moved on towards school.
    Events.store(
        server,
        operatorA,
        Events.event("run.started", "2026-11-23T08:00:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.UNCLEARED_DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC")
            .put("lat", 52.51)
            .put("lon", -1.91),
        Events.event("pupil.boarded", "2026-11-23T08:10:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "H1")
            .put("lat", 52.50)
            .put("lon", -1.90),
        Events.event("vehicle.position", "2026-11-23T08:15:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("lat", 52.49)
            .put("lon", -1.895));
    // Run B: started at its first stop and left it without its pupil.
    Events.store(
        server,
        operatorB,
        Events.event("run.started", "2026-11-23T08:01:00Z")
            .put("runId", TwoOperators.RUN_B)
            .put("driverId", TwoOperators.DRIVER_B)
            .put("vehicleReg", VEHICLE_B)
            .put("lat", 52.50)
            .put("lon", -1.90));
    JarProcess.await(
        "both runs started and A's last position saved",
        WAIT,
        () ->
            runPosition(TwoOperators.RUN_A) != null
                && "started".equals(run(TwoOperators.RUN_B).getString("status")));
  }

  @AfterAll
  static void stop() {
    stream.close();
    server.close();
    vertx.close().await();
  }

  private static JsonObject ok(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject run(String runId) {
    return ok(server.get("/api/v1/runs/" + runId, viewer));
  }

  private static JsonObject boardItem(String runId) {
    for (Object o : ok(server.get("/api/v1/runs?date=2026-11-23", viewer)).getJsonArray("items")) {
      if (runId.equals(((JsonObject) o).getString("id"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no " + runId + " on the board");
  }

  private static JsonObject runPosition(String runId) {
    return boardItem(runId).getJsonObject("position");
  }

  private static List<SseClient.Event> positionsOnStream(String runId) {
    return stream.events().stream()
        .filter(e -> e.kind().equals("position") && runId.equals(e.data().getString("runId")))
        .toList();
  }

  @Test
  @Order(1)
  @DisplayName(
      "A run's detail names its operator (with phone), school, crew with compliance, each stop's"
          + " reached and left times and pupils' states, its alerts, timeline with source, and"
          + " path")
  void detail() {
    JarProcess.await(
        "run A's critical alert",
        WAIT,
        () ->
            run(TwoOperators.RUN_A).getJsonArray("alerts").stream()
                .anyMatch(a -> "crew.dbs_not_cleared".equals(((JsonObject) a).getString("type"))));
    JsonObject a = run(TwoOperators.RUN_A);
    contract.assertValid("RunDetail", a);
    assertThat(a.getString("operatorName")).isEqualTo("Oakfield Travel");
    assertThat(a.getString("schoolName")).isEqualTo("Hillcrest School");
    assertThat(a.getJsonObject("operator"))
        .isEqualTo(
            new JsonObject()
                .put("id", "OPA")
                .put("name", "Oakfield Travel")
                .put("phone", TwoOperators.OPA_PHONE));
    assertThat(a.getJsonObject("school"))
        .isEqualTo(
            new JsonObject()
                .put("id", "SCH1")
                .put("name", "Hillcrest School")
                .put("lat", 52.48)
                .put("lon", -1.89));
    assertThat(a.getJsonArray("crew"))
        .containsExactly(
            new JsonObject()
                .put("crewId", TwoOperators.UNCLEARED_DRIVER_A)
                .put("role", "driver")
                .put("dbsOutcome", "positive")
                .put("hrCleared", false)
                .put("badgeExpiresOn", "2027-11-23")
                .put("compliant", false)
                .put("problems", new JsonArray().add("positive DBS and no HR clearance")),
            new JsonObject()
                .put("crewId", TwoOperators.GUIDE_A)
                .put("role", "guide")
                .put("dbsOutcome", "clear")
                .put("hrCleared", false)
                .put("compliant", true)
                .put("problems", new JsonArray()));

    JsonObject h1 = a.getJsonArray("stops").getJsonObject(0);
    assertThat(h1.getString("reachedAt")).isEqualTo("2026-11-23T08:10:00Z");
    assertThat(h1.getString("leftAt")).isEqualTo("2026-11-23T08:15:00Z");
    assertThat(h1.getJsonArray("pupils"))
        .containsExactly(
            new JsonObject()
                .put("pupilId", TwoOperators.PUPIL_A)
                .put("action", "pickup")
                .put("state", "boarded")
                .put("at", "2026-11-23T08:10:00Z"));
    JsonObject school = a.getJsonArray("stops").getJsonObject(1);
    assertThat(school.containsKey("reachedAt")).isFalse();
    assertThat(school.getJsonArray("pupils").getJsonObject(0).getString("state"))
        .as("on board, on the way to school")
        .isEqualTo("boarded");

    assertThat(a.getJsonArray("timeline"))
        .extracting(
            e -> ((JsonObject) e).getString("type") + "/" + ((JsonObject) e).getString("source"))
        .containsExactly("run.started/api", "pupil.boarded/api", "vehicle.position/api");
    assertThat(a.getJsonArray("path"))
        .containsExactly(
            new JsonObject().put("lat", 52.51).put("lon", -1.91).put("at", "2026-11-23T08:00:00Z"),
            new JsonObject().put("lat", 52.50).put("lon", -1.90).put("at", "2026-11-23T08:10:00Z"),
            new JsonObject()
                .put("lat", 52.49)
                .put("lon", -1.895)
                .put("at", "2026-11-23T08:15:00Z"));
    assertThat(a.getJsonArray("alerts"))
        .allSatisfy(o -> contract.assertValid("Alert", (JsonObject) o))
        .allMatch(o -> TwoOperators.RUN_A.equals(((JsonObject) o).getString("runId")));

    assertThat(server.get("/api/v1/runs/" + TwoOperators.RUN_A, operatorB).statusCode())
        .as("another operator's run")
        .isEqualTo(404);
  }

  @Test
  @Order(2)
  @DisplayName(
      "A pupil neither boarded nor absent when the vehicle left the stop is missed there and at"
          + " the drop-off; the tracker's position counts like any other")
  void missedAndTracker() {
    // Run B's position at its start went out at 08:16:00; the next may go 5 s later.
    clock.advance(Duration.ofSeconds(5));
    HttpResponse<Buffer> fix =
        server
            .client
            .post(
                "/osmand?id="
                    + trackerId
                    + "&timestamp="
                    + Instant.parse("2026-11-23T08:12:00Z").getEpochSecond()
                    + "&lat=52.49&lon=-1.897&speed=20.0&accuracy=8.0")
            .send()
            .await();
    assertThat(fix.statusCode()).as(fix.bodyAsString()).isEqualTo(200);
    SseClient.Event moved =
        stream.await(
            "run B's tracker position on the stream",
            WAIT,
            e ->
                e.kind().equals("position")
                    && TwoOperators.RUN_B.equals(e.data().getString("runId"))
                    && e.data().getDouble("lat") == 52.49);
    assertThat(moved.id()).as("a position has no number in the stream's log").isEqualTo(-1);
    contract.assertValid("RunPosition", moved.data());

    JsonObject b = run(TwoOperators.RUN_B);
    JsonObject h1 = b.getJsonArray("stops").getJsonObject(0);
    assertThat(h1.getString("reachedAt")).isEqualTo("2026-11-23T08:01:00Z");
    assertThat(h1.getString("leftAt")).isEqualTo("2026-11-23T08:12:00Z");
    assertThat(h1.getJsonArray("pupils").getJsonObject(0).getString("state")).isEqualTo("missed");
    assertThat(
            b.getJsonArray("stops")
                .getJsonObject(1)
                .getJsonArray("pupils")
                .getJsonObject(0)
                .getString("state"))
        .isEqualTo("missed");
    assertThat(b.getJsonArray("timeline").getJsonObject(1).getString("source"))
        .isEqualTo("tracker");
  }

  @Test
  @Order(3)
  @DisplayName(
      "The board and GET /positions give each started run's latest position with names; an"
          + " operator's key sees its own runs only")
  void positionsList() {
    JsonObject item = boardItem(TwoOperators.RUN_A);
    contract.assertValid("RunSummary", item);
    assertThat(item.getString("operatorName")).isEqualTo("Oakfield Travel");
    assertThat(item.getString("schoolName")).isEqualTo("Hillcrest School");
    assertThat(item.getJsonObject("position"))
        .isEqualTo(
            new JsonObject()
                .put("lat", 52.49)
                .put("lon", -1.895)
                .put("at", "2026-11-23T08:15:00Z"));

    JsonObject all = ok(server.get("/api/v1/positions?date=2026-11-23", viewer));
    contract.assertValid("PositionPage", all);
    assertThat(all.getJsonArray("items"))
        .extracting(o -> ((JsonObject) o).getString("runId"))
        .containsExactly(TwoOperators.RUN_A, TwoOperators.RUN_B);
    JsonObject a = all.getJsonArray("items").getJsonObject(0);
    assertThat(a.getDouble("lat")).isEqualTo(52.49);
    assertThat(a.getDouble("lon")).isEqualTo(-1.895);
    assertThat(a.getString("at")).isEqualTo("2026-11-23T08:15:00Z");
    assertThat(a.getString("status")).isEqualTo("started");
    assertThat(a.getBoolean("feedSilent")).isFalse();
    assertThat(ok(server.get("/api/v1/positions", viewer))).as("today by default").isEqualTo(all);
    assertThat(ok(server.get("/api/v1/positions", operatorA)).getJsonArray("items"))
        .extracting(o -> ((JsonObject) o).getString("runId"))
        .containsExactly(TwoOperators.RUN_A);
    assertThat(ok(server.get("/api/v1/positions?date=2026-11-20", viewer)).getJsonArray("items"))
        .isEmpty();
    assertThat(server.get("/api/v1/positions?date=23-11-2026", viewer).statusCode()).isEqualTo(400);
  }

  @Test
  @Order(4)
  @DisplayName(
      "The stream sends a run's position at most once per 5 s of the service's clock, the"
          + " newest one once the 5 s have passed")
  void positionsThrottled() {
    Events.store(
        server,
        operatorA,
        Events.event("vehicle.position", "2026-11-23T08:16:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("lat", 52.485)
            .put("lon", -1.892));
    stream.await(
        "run A's position at 08:16",
        WAIT,
        e ->
            e.kind().equals("position")
                && TwoOperators.RUN_A.equals(e.data().getString("runId"))
                && "2026-11-23T08:16:00Z".equals(e.data().getString("at")));
    int before = positionsOnStream(TwoOperators.RUN_A).size();
    Events.store(
        server,
        operatorA,
        Events.event("vehicle.position", "2026-11-23T08:16:02Z")
            .put("runId", TwoOperators.RUN_A)
            .put("lat", 52.484)
            .put("lon", -1.891));
    JarProcess.await(
        "run A's newest position saved",
        WAIT,
        () -> "2026-11-23T08:16:02Z".equals(runPosition(TwoOperators.RUN_A).getString("at")));
    // The monitor publishes in order: once a later change of its is on the stream, it has
    // decided about that position.
    Events.store(
        server,
        operatorA,
        Events.event("pupil.dropped", "2026-11-23T08:16:03Z")
            .put("runId", TwoOperators.RUN_A)
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "H1"));
    stream.await(
        "the wrong drop-off's alert, published after",
        WAIT,
        e -> e.kind().equals("alert") && "pupil.wrong_dropoff".equals(e.data().getString("type")));
    assertThat(positionsOnStream(TwoOperators.RUN_A)).hasSize(before);

    clock.advance(Duration.ofSeconds(5));
    SseClient.Event newest =
        stream.await(
            "run A's newest position once 5 s have passed",
            WAIT,
            e ->
                e.kind().equals("position")
                    && TwoOperators.RUN_A.equals(e.data().getString("runId"))
                    && "2026-11-23T08:16:02Z".equals(e.data().getString("at")));
    assertThat(newest.data().getDouble("lat")).isEqualTo(52.484);
    assertThat(positionsOnStream(TwoOperators.RUN_A)).hasSize(before + 1);
  }

  @Test
  @Order(5)
  @DisplayName("A run that has sent nothing for 10 minutes is feed silent on the board and the map")
  void feedSilent() {
    clock.advance(Duration.ofMinutes(11));
    JarProcess.await(
        "run A's feed silent on the board",
        WAIT,
        () -> Boolean.TRUE.equals(boardItem(TwoOperators.RUN_A).getBoolean("feedSilent")));
    JsonObject a =
        ok(server.get("/api/v1/positions", viewer)).getJsonArray("items").getJsonObject(0);
    assertThat(a.getBoolean("feedSilent")).isTrue();
  }

  @Test
  @Order(6)
  @DisplayName("GET /schools and GET /operators list the plan's schools and operators' contacts")
  void schoolsAndOperators() {
    JsonObject schools = ok(server.get("/api/v1/schools", viewer));
    contract.assertValid("SchoolPage", schools);
    assertThat(schools.getJsonArray("items"))
        .containsExactly(
            new JsonObject()
                .put("id", "SCH1")
                .put("name", "Hillcrest School")
                .put("lat", 52.48)
                .put("lon", -1.89));
    JsonObject operators = ok(server.get("/api/v1/operators", viewer));
    contract.assertValid("OperatorPage", operators);
    assertThat(operators.getJsonArray("items"))
        .containsExactly(
            new JsonObject()
                .put("id", "OPA")
                .put("name", "Oakfield Travel")
                .put("phone", TwoOperators.OPA_PHONE),
            new JsonObject().put("id", "OPB").put("name", "Brookvale Cars"));
    assertThat(server.get("/api/v1/operators", operatorA).statusCode()).isEqualTo(403);
  }
}
