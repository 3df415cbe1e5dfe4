package travelwatch.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
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

/**
 * Trackers' positions over real HTTP into real PostgreSQL, sent exactly as the senders send them:
 * Traccar Client on the OsmAnd protocol (query string), the OsmAnd protocol's JSON form, and a
 * Traccar server's JSON forwarding. Each moves a started run's ETA on the run board and ends its
 * {@code run.feed_silent} condition.
 *
 * <p>The field sets are Traccar's: the OsmAnd query parameters and the JSON form ({@code
 * device_id}, {@code location.coords}, {@code location.battery}) as {@code
 * src/main/java/org/traccar/protocol/OsmAndProtocolDecoder.java} of github.com/traccar/traccar
 * decodes them (speed in knots on the query, m/s in the JSON form; an unknown device answered 400
 * on the query and 404 on the JSON form), the query as Traccar Client for Android sends it (a POST
 * with the parameters in the query string and no body); and the forwarded {@code {position,
 * device}} and {@code {event, position, device}} bodies as {@code
 * src/main/java/org/traccar/forward/PositionForwarderJson.java} and {@code EventForwarderJson.java}
 * write them ({@code forward.type=json}; speed in knots, times ISO 8601).
 */
@Timeout(120)
@DisplayName("Trackers: OsmAnd and Traccar positions drive the run board")
class TrackerPositionsTest {
  private static final Map<String, String> ENV = Map.of("TW_MONITOR_TICK_MS", "200");
  private static final String VEHICLE = "AB12 CDE";
  private static final String UNIQUE_ID = "358240051111110";

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T08:00:00Z"));
  private TestServer server;
  private String viewer;
  private String operatorA;
  private String operatorB;
  private String trackerId;

  @BeforeEach
  void start() {
    server = new TestServer(ENV, clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    viewer = server.scopeKey(Scope.CONTROL);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    HttpResponse<Buffer> registered =
        server.post(
            "/api/v1/trackers",
            operatorA,
            new JsonObject()
                .put("vehicleReg", VEHICLE)
                .put("label", "Minibus 3")
                .put("uniqueId", UNIQUE_ID));
    assertThat(registered.statusCode()).as(registered.bodyAsString()).isEqualTo(201);
    trackerId = registered.bodyAsJsonObject().getString("trackerId");
    assertThat(trackerId).hasSizeGreaterThanOrEqualTo(20);
    assertThat(registered.bodyAsJsonObject().getString("vehicleReg")).isEqualTo(VEHICLE);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Run A started at 08:00 in the tracker's vehicle, then silent until 08:12: feed silent. */
  private void startedAndSilent() {
    Events.store(
        server,
        operatorA,
        Events.event("run.started", "2026-11-23T08:00:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", VEHICLE));
    JarProcess.await(
        "run A to start",
        Duration.ofSeconds(10),
        () -> "started".equals(run().getString("status")));
    clock.set(Instant.parse("2026-11-23T08:12:00Z"));
    JarProcess.await(
        "run A's feed to fall silent",
        Duration.ofSeconds(10),
        () -> feedSilentActive() == Boolean.TRUE);
  }

  private JsonObject run() {
    return server.get("/api/v1/runs/" + TwoOperators.RUN_A, viewer).bodyAsJsonObject();
  }

  private Boolean feedSilentActive() {
    JsonArray items =
        server
            .get("/api/v1/alerts?type=run.feed_silent&runId=" + TwoOperators.RUN_A, viewer)
            .bodyAsJsonObject()
            .getJsonArray("items");
    return items.isEmpty() ? null : items.getJsonObject(0).getBoolean("conditionActive");
  }

  /** Waits until the run's ETA is there and differs from {@code before}; returns it. */
  private String etaChangedFrom(String before) {
    JarProcess.await(
        "run A's ETA to change from " + before,
        Duration.ofSeconds(10),
        () -> {
          String eta = run().getString("eta");
          return eta != null && !eta.equals(before);
        });
    return run().getString("eta");
  }

  private List<JsonObject> trackerEvents() {
    List<JsonObject> found = new ArrayList<>();
    for (Row r :
        server
            .pool()
            .preparedQuery(
                "select body::text from event where source = 'tracker' and owner = $1 order by seq")
            .execute(Tuple.of("tracker:" + trackerId))
            .await()) {
      found.add(new JsonObject(r.getString(0)));
    }
    return found;
  }

  private static long epochSeconds(String at) {
    return Instant.parse(at).getEpochSecond();
  }

  /** As Traccar Client sends it: POST, every parameter in the query string, no body. */
  private HttpResponse<Buffer> traccarClient(
      String id, String at, double lat, double lon, double knots) {
    return server
        .client
        .post(
            "/osmand?id="
                + id
                + "&timestamp="
                + epochSeconds(at)
                + "&lat="
                + lat
                + "&lon="
                + lon
                + "&speed="
                + knots
                + "&bearing=180.0&altitude=131.0&accuracy=8.0&batt=87.0")
        .send()
        .await();
  }

  /** The OsmAnd protocol's JSON form, as Traccar's decoder reads it. */
  private HttpResponse<Buffer> osmAndJson(
      String id, String at, double lat, double lon, double mps) {
    JsonObject body =
        new JsonObject()
            .put("device_id", id)
            .put(
                "location",
                new JsonObject()
                    .put("timestamp", at)
                    .put(
                        "coords",
                        new JsonObject()
                            .put("latitude", lat)
                            .put("longitude", lon)
                            .put("speed", mps)
                            .put("heading", 175.0)
                            .put("accuracy", 6.0)
                            .put("altitude", 128.0))
                    .put("is_moving", true)
                    .put("odometer", 1520.0)
                    .put("battery", new JsonObject().put("level", 0.8).put("is_charging", false)));
    return server
        .client
        .post("/osmand")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body.toBuffer())
        .await();
  }

  private static final java.time.format.DateTimeFormatter JACKSON_DATE =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

  /** A Traccar server's JSON forwarding of one position (forward.type=json). */
  private static JsonObject forwarded(
      String uniqueId, String instant, double lat, double lon, double knots) {
    // Traccar's ObjectMapper writes dates with WRITE_DATES_AS_TIMESTAMPS off: Jackson's standard
    // form, milliseconds and a +00:00 offset.
    String at =
        JACKSON_DATE.format(java.time.Instant.parse(instant).atOffset(java.time.ZoneOffset.UTC));
    return new JsonObject()
        .put(
            "position",
            new JsonObject()
                .put("id", 9001)
                .put("attributes", new JsonObject().put("batteryLevel", 87).put("motion", true))
                .put("deviceId", 7)
                .put("protocol", "osmand")
                .put("serverTime", at)
                .put("deviceTime", at)
                .put("fixTime", at)
                .put("outdated", false)
                .put("valid", true)
                .put("latitude", lat)
                .put("longitude", lon)
                .put("altitude", 131.0)
                .put("speed", knots)
                .put("course", 180.0)
                .put("address", null)
                .put("accuracy", 8.0)
                .put("network", null))
        .put(
            "device",
            new JsonObject()
                .put("id", 7)
                .put("attributes", new JsonObject())
                .put("groupId", 0)
                .put("name", "Minibus 3")
                .put("uniqueId", uniqueId)
                .put("status", "online")
                .put("lastUpdate", at)
                .put("positionId", 9001)
                .put("disabled", false));
  }

  private void assertMovesTheRun(
      java.util.function.BiFunction<String, double[], HttpResponse<Buffer>> send, int okStatus) {
    startedAndSilent();
    String before = run().getString("eta");
    HttpResponse<Buffer> first =
        send.apply("2026-11-23T08:12:00Z", new double[] {52.499, -1.8995, 20});
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(okStatus);
    String firstEta = etaChangedFrom(before);
    JarProcess.await(
        "the feed-silent condition to end",
        Duration.ofSeconds(10),
        () -> feedSilentActive() == Boolean.FALSE);
    // Nearer the school a minute later: the board's ETA moves again.
    clock.set(Instant.parse("2026-11-23T08:13:00Z"));
    HttpResponse<Buffer> second =
        send.apply("2026-11-23T08:13:00Z", new double[] {52.485, -1.892, 20});
    assertThat(second.statusCode()).isEqualTo(okStatus);
    etaChangedFrom(firstEta);
    assertThat(trackerEvents()).hasSize(2);
    assertThat(trackerEvents())
        .allSatisfy(
            e -> {
              assertThat(e.getString("type")).isEqualTo("vehicle.position");
              assertThat(e.getString("runId")).isEqualTo(TwoOperators.RUN_A);
            });
  }

  @Test
  @DisplayName(
      "Traccar Client's OsmAnd query: stored with 200 and no body, ETA moves, feed no longer silent, knots converted")
  void osmAndQuery() {
    assertMovesTheRun(
        (at, p) -> {
          HttpResponse<Buffer> r = traccarClient(trackerId, at, p[0], p[1], p[2]);
          assertThat(r.body() == null ? 0 : r.body().length()).isZero();
          return r;
        },
        200);
    // 20 knots is 37.04 km/h.
    assertThat(trackerEvents().get(0).getDouble("speedKph")).isEqualTo(37.0);
    assertThat(trackerEvents().get(0).getString("occurredAt")).isEqualTo("2026-11-23T08:12:00Z");
  }

  @Test
  @DisplayName("The OsmAnd JSON form: ETA moves, feed no longer silent, m/s converted")
  void osmAndJsonForm() {
    assertMovesTheRun((at, p) -> osmAndJson(trackerId, at, p[0], p[1], p[2]), 200);
    // 20 m/s is 72 km/h.
    assertThat(trackerEvents().get(0).getDouble("speedKph")).isEqualTo(72.0);
  }

  @Test
  @DisplayName(
      "Traccar's JSON forwarding with the operator's key: ETA moves, feed no longer silent")
  void traccarForwarding() {
    assertMovesTheRun(
        (at, p) ->
            server.post(
                "/api/v1/traccar/positions", operatorA, forwarded(UNIQUE_ID, at, p[0], p[1], p[2])),
        204);
    assertThat(trackerEvents().get(0).getDouble("speedKph")).isEqualTo(37.0);
  }

  @Test
  @DisplayName("A position sent again is a duplicate: one stored event")
  void resentIsDuplicate() {
    startedAndSilent();
    assertThat(traccarClient(trackerId, "2026-11-23T08:11:30Z", 52.499, -1.8995, 10).statusCode())
        .isEqualTo(200);
    assertThat(traccarClient(trackerId, "2026-11-23T08:11:30Z", 52.499, -1.8995, 10).statusCode())
        .isEqualTo(200);
    assertThat(
            server
                .post(
                    "/api/v1/traccar/positions",
                    operatorA,
                    forwarded(UNIQUE_ID, "2026-11-23T08:11:30Z", 52.499, -1.8995, 10))
                .statusCode())
        .isEqualTo(204);
    assertThat(trackerEvents()).hasSize(1);
    assertThat(metric("osmand", "duplicate")).isEqualTo(1.0);
    assertThat(metric("traccar", "duplicate")).isEqualTo(1.0);
    assertThat(metric("osmand", "stored")).isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "An unknown or revoked id: 400 on the query form, 404 on the JSON form; nothing stored")
  void unknownTracker() {
    startedAndSilent();
    String unknown = "trk_" + "x".repeat(27);
    assertThat(traccarClient(unknown, "2026-11-23T08:11:00Z", 52.499, -1.8995, 10).statusCode())
        .isEqualTo(400);
    assertThat(osmAndJson(unknown, "2026-11-23T08:11:00Z", 52.499, -1.8995, 10).statusCode())
        .isEqualTo(404);
    // Revoked by its operator: the same.
    assertThat(
            server
                .client
                .delete("/api/v1/trackers/" + trackerId)
                .putHeader("Authorization", "Bearer " + operatorA)
                .send()
                .await()
                .statusCode())
        .isEqualTo(204);
    assertThat(traccarClient(trackerId, "2026-11-23T08:11:00Z", 52.499, -1.8995, 10).statusCode())
        .isEqualTo(400);
    assertThat(osmAndJson(trackerId, "2026-11-23T08:11:00Z", 52.499, -1.8995, 10).statusCode())
        .isEqualTo(404);
    long stored =
        server
            .pool()
            .query("select count(*) from event where source = 'tracker'")
            .execute()
            .await()
            .iterator()
            .next()
            .getLong(0);
    assertThat(stored).isZero();
    // Malformed: a 400.
    assertThat(
            server
                .client
                .get("/osmand?id=" + unknown + "&lat=abc&lon=1")
                .send()
                .await()
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  @DisplayName("Operator B's key forwarding A's tracker is a 403; A's list is A's own")
  void anotherOperatorsTracker() {
    startedAndSilent();
    HttpResponse<Buffer> refused =
        server.post(
            "/api/v1/traccar/positions",
            operatorB,
            forwarded(UNIQUE_ID, "2026-11-23T08:11:00Z", 52.499, -1.8995, 10));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(trackerEvents()).isEmpty();
    assertThat(server.get("/api/v1/trackers", operatorB).bodyAsJsonObject().getJsonArray("items"))
        .isEmpty();
    assertThat(server.get("/api/v1/trackers", operatorA).bodyAsJsonObject().getJsonArray("items"))
        .hasSize(1);
    assertThat(
            server
                .client
                .delete("/api/v1/trackers/" + trackerId)
                .putHeader("Authorization", "Bearer " + operatorB)
                .send()
                .await()
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("Inaccurate or invalid fixes move nothing; a vehicle on no started run is unmatched")
  void inaccurateAndUnmatched() {
    // Before the run starts, the vehicle is on no run: answered, counted, not stored.
    assertThat(traccarClient(trackerId, "2026-11-23T07:59:00Z", 52.499, -1.8995, 10).statusCode())
        .isEqualTo(200);
    assertThat(metric("osmand", "unmatched")).isEqualTo(1.0);
    startedAndSilent();
    HttpResponse<Buffer> vague =
        server
            .client
            .post(
                "/osmand?id="
                    + trackerId
                    + "&timestamp="
                    + epochSeconds("2026-11-23T08:11:00Z")
                    + "&lat=52.499&lon=-1.8995&accuracy=500")
            .send()
            .await();
    assertThat(vague.statusCode()).isEqualTo(200);
    JsonObject invalid = forwarded(UNIQUE_ID, "2026-11-23T08:11:10Z", 52.499, -1.8995, 10);
    invalid.getJsonObject("position").put("valid", false);
    assertThat(server.post("/api/v1/traccar/positions", operatorA, invalid).statusCode())
        .isEqualTo(204);
    assertThat(trackerEvents()).isEmpty();
    assertThat(metric("osmand", "inaccurate")).isEqualTo(1.0);
    assertThat(metric("traccar", "inaccurate")).isEqualTo(1.0);
    assertThat(feedSilentActive()).isTrue();
  }

  @Test
  @DisplayName(
      "Traccar's SOS alarm raises a critical vehicle.alarm on the run; other events are ignored")
  void sosAlarm() {
    startedAndSilent();
    JsonObject position = forwarded(UNIQUE_ID, "2026-11-23T08:11:40Z", 52.499, -1.8995, 0);
    JsonObject overspeed =
        position
            .copy()
            .put(
                "event",
                new JsonObject()
                    .put("id", 1)
                    .put("type", "deviceOverspeed")
                    .put("eventTime", "2026-11-23T08:11:40.000+00:00")
                    .put("deviceId", 7)
                    .put("positionId", 9001)
                    .put("attributes", new JsonObject()));
    assertThat(server.post("/api/v1/traccar/events", operatorA, overspeed).statusCode())
        .isEqualTo(204);
    assertThat(alarms()).isEmpty();
    JsonObject sos =
        position
            .copy()
            .put(
                "event",
                new JsonObject()
                    .put("id", 2)
                    .put("type", "alarm")
                    .put("eventTime", "2026-11-23T08:11:45.000+00:00")
                    .put("deviceId", 7)
                    .put("positionId", 9001)
                    .put("attributes", new JsonObject().put("alarm", "sos")));
    assertThat(server.post("/api/v1/traccar/events", operatorB, sos).statusCode()).isEqualTo(403);
    assertThat(alarms()).isEmpty();
    assertThat(server.post("/api/v1/traccar/events", operatorA, sos).statusCode()).isEqualTo(204);
    JsonArray raised = alarms();
    assertThat(raised).hasSize(1);
    assertThat(raised.getJsonObject(0).getString("severity")).isEqualTo("critical");
    assertThat(raised.getJsonObject(0).getString("runId")).isEqualTo(TwoOperators.RUN_A);
    assertThat(raised.getJsonObject(0).getBoolean("conditionActive")).isTrue();

    // A restarted node's monitors rebuild the day and clear what they no longer find; the alarm
    // is not theirs to clear: it holds until a person resolves it.
    var database = server.database;
    server.close();
    server = new TestServer(database, ENV, clock);
    viewer = server.scopeKey(Scope.CONTROL);
    JarProcess.await(
        "the rebuilt monitors to tick",
        Duration.ofSeconds(10),
        () -> feedSilentActive() == Boolean.TRUE);
    // The rebuild cleared what it no longer found before the server started; ticks since have
    // judged the run again (feed silent above).
    assertThat(alarms()).hasSize(1);
    assertThat(alarms().getJsonObject(0).getBoolean("conditionActive")).isTrue();
  }

  private JsonArray alarms() {
    return server
        .get("/api/v1/alerts?type=vehicle.alarm", viewer)
        .bodyAsJsonObject()
        .getJsonArray("items");
  }

  private double metric(String source, String outcome) {
    String text = server.get("/metrics", null).bodyAsString();
    String prefix =
        "travelwatch_tracker_positions_total{outcome=\""
            + outcome
            + "\",source=\""
            + source
            + "\"} ";
    return text.lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElse(-1);
  }
}
