package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.support.Events.event;
import static travelwatch.support.Events.example;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import travelwatch.access.Scope;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(60)
@DisplayName("POST /api/v1/events: stored before 202, idempotent, and only for the key's own runs")
class IngestTest {
  private static TestServer server;
  private static String operatorA;
  private static String operatorB;
  private static Map<Scope, String> council = new java.util.EnumMap<>(Scope.class);

  @BeforeAll
  static void start() {
    server = new TestServer();
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    for (Scope s : Scope.values()) {
      council.put(s, server.scopeKey(s));
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long stored(String eventId) {
    return TestPostgres.count(
        server.database, "select count(*) from event where event_id = '" + eventId + "'");
  }

  private static String keyFor(EventType type) {
    return switch (type.sender()) {
      case OPERATOR -> operatorA;
      case TELEPHONY -> council.get(Scope.TELEPHONY);
      case CASEWORK -> council.get(Scope.CASEWORK);
      case HR -> council.get(Scope.HR);
    };
  }

  private static HttpResponse<Buffer> post(String key, Object body) {
    return postAsync(key, body).await();
  }

  private static Future<HttpResponse<Buffer>> postAsync(String key, Object body) {
    var request =
        server.client.post("/api/v1/events").putHeader("Content-Type", "application/json");
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return request.sendBuffer(Buffer.buffer(body.toString()));
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  @DisplayName("Every event type is accepted with all its fields and stored as sent")
  void everyTypeAccepted(EventType type) {
    JsonObject event = example(type.wireName());

    var response = post(keyFor(type), event);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 0));
    try (var c = TestPostgres.connect(server.database);
        var s =
            c.prepareStatement(
                "select type, body::text, run_id, service_date from event where event_id = ?")) {
      s.setString(1, event.getString("eventId"));
      var rs = s.executeQuery();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(type.wireName());
      assertThat(new JsonObject(rs.getString(2))).isEqualTo(event);
      assertThat(rs.getString(3)).isEqualTo(event.getString("runId"));
      assertThat(rs.getDate(4).toLocalDate()).isEqualTo(TwoOperators.DATE);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> invalidEvents() {
    return Stream.of(
        Arguments.of("missing runId", event("run.started"), "runId", "is required"),
        Arguments.of(
            "latitude out of range",
            example("vehicle.position").put("lat", 100),
            "lat",
            "must be at most 90, got the number 100"),
        Arguments.of(
            "unknown field operatorId",
            example("run.completed").put("operatorId", "OPB"),
            "operatorId",
            "unknown field: run.completed has no operatorId"),
        Arguments.of(
            "occurredAt without offset",
            example("run.completed").put("occurredAt", "2026-11-23T08:05:00"),
            "occurredAt",
            "RFC 3339"),
        Arguments.of(
            "occurredAt not a real time",
            example("run.completed").put("occurredAt", "2026-13-45T08:05:00Z"),
            "occurredAt",
            "not a real"),
        Arguments.of(
            "unknown type",
            example("run.completed").put("type", "run.teleported"),
            "type",
            "unknown event type"),
        Arguments.of(
            "empty eventId",
            example("run.completed").put("eventId", ""),
            "eventId",
            "must be 1 to 100 characters long, got 0"),
        Arguments.of(
            "outcome not clear or positive",
            example("crew.dbs_checked").put("outcome", "maybe"),
            "outcome",
            ""),
        Arguments.of(
            "not a real date",
            example("crew.dbs_checked").put("issuedOn", "2026-02-30"),
            "issuedOn",
            "real date"),
        Arguments.of(
            "wrong type of value",
            example("crew.dbs_checked").put("barredListChecked", "yes"),
            "barredListChecked",
            "must be true or false, got the string \"yes\""),
        Arguments.of(
            "category not in the list",
            example("incident.reported").put("category", "weather"),
            "category",
            ""),
        Arguments.of("not an object", "42", "", "event object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidEvents")
  @DisplayName("A bad event in a batch is a 400 naming its index and field, and nothing is stored")
  void invalidEventRefused(String name, Object bad, String field, String message) {
    JsonObject good = example("run.completed");
    String body = "[" + good.encode() + "," + bad + "]";

    var response = post(operatorA, body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject error = response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getInteger("index")).isEqualTo(1);
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(error.getString("message")).contains(message);
    assertThat(stored(good.getString("eventId"))).isZero();
  }

  @Test
  @DisplayName("More than 1,000 events in one request is a 400, and nothing is stored")
  void tooManyEvents() {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      batch.add(event("call.offered").put("callId", "C" + i));
    }
    var response = post(council.get(Scope.TELEPHONY), batch);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("at most 1000");
    assertThat(stored(batch.getJsonObject(0).getString("eventId"))).isZero();
  }

  @Test
  @DisplayName("Malformed JSON is a 400 problem")
  void malformedJson() {
    var response = post(operatorA, "[{\"eventId\": ");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("not valid JSON");
  }

  @Test
  @DisplayName("A batch of 1,000 is stored whole")
  void fullBatchStored() {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 1000; i++) {
      batch.add(event("call.offered").put("callId", "BATCH-" + i));
    }
    var response = post(council.get(Scope.TELEPHONY), batch);
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1000);
    assertThat(
            TestPostgres.count(
                server.database, "select count(*) from event where body->>'callId' like 'BATCH-%'"))
        .isEqualTo(1000);
  }

  @Test
  @DisplayName("Sending the same event again counts as a duplicate and stores it once")
  void duplicateStoredOnce() {
    JsonObject e = example("vehicle.position");
    assertThat(post(operatorA, e).bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);

    var again = post(operatorA, new JsonArray().add(e).add(e));

    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("accepted", 0).put("duplicates", 2));
    assertThat(stored(e.getString("eventId"))).isEqualTo(1);
  }

  @Test
  @DisplayName("Duplicates inside one new batch: stored once, counted once as a duplicate")
  void duplicateInsideBatch() {
    JsonObject e = example("vehicle.position");
    var response = post(operatorA, new JsonArray().add(e).add(e.copy()));
    assertThat(response.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("accepted", 1).put("duplicates", 1));
    assertThat(stored(e.getString("eventId"))).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "An eventId reused with a different body is a 409, and nothing from that request is stored")
  void conflictingReuse() {
    JsonObject first = example("vehicle.position");
    assertThat(post(operatorA, first).statusCode()).isEqualTo(202);
    JsonObject fresh = example("vehicle.position");
    JsonObject changed = first.copy().put("lat", 52.0);

    var response = post(operatorA, new JsonArray().add(fresh).add(changed));

    assertThat(response.statusCode()).isEqualTo(409);
    JsonObject error = response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getInteger("index")).isEqualTo(1);
    assertThat(error.getString("field")).isEqualTo("eventId");
    assertThat(stored(fresh.getString("eventId"))).isZero();
  }

  @Test
  @DisplayName(
      "An eventId used twice in one request with different bodies is a 409, and none of the"
          + " request is stored")
  void conflictInsideRequest() {
    JsonObject fresh = example("vehicle.position");
    JsonObject repeated = example("vehicle.position");
    JsonObject changed = repeated.copy().put("lat", 52.0);

    var response = post(operatorA, new JsonArray().add(fresh).add(repeated).add(changed));

    assertThat(response.statusCode()).isEqualTo(409);
    JsonObject error = response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getInteger("index")).isEqualTo(2);
    assertThat(error.getString("field")).isEqualTo("eventId");
    assertThat(stored(fresh.getString("eventId"))).isZero();
    assertThat(stored(repeated.getString("eventId"))).isZero();
    assertThat(post(operatorA, fresh).bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "Concurrent requests sharing events: each event stored once, the repeats counted as"
          + " duplicates, and a reuse with another body fails only its own request")
  void concurrentRequestsShareEvents() {
    // Several bursts: which requests share a group commit is up to timing.
    for (int burst = 0; burst < 5; burst++) {
      JsonObject stored = example("vehicle.position");
      assertThat(post(operatorA, stored).statusCode()).isEqualTo(202);
      JsonObject shared = example("vehicle.position");
      JsonObject changed = stored.copy().put("lat", 52.0);
      List<JsonObject> own = new ArrayList<>();
      List<JsonObject> refused = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> sharing = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> conflicting = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        JsonObject mine = example("vehicle.position");
        if (i % 8 == 7) {
          refused.add(mine);
          conflicting.add(postAsync(operatorA, new JsonArray().add(mine).add(changed)));
        } else {
          own.add(mine);
          sharing.add(postAsync(operatorA, new JsonArray().add(mine).add(stored).add(shared)));
        }
      }
      List<Future<?>> all = new ArrayList<>(sharing);
      all.addAll(conflicting);
      Future.join(all).await();

      int accepted = 0;
      int duplicates = 0;
      for (var f : sharing) {
        assertThat(f.result().statusCode()).isEqualTo(202);
        accepted += f.result().bodyAsJsonObject().getInteger("accepted");
        duplicates += f.result().bodyAsJsonObject().getInteger("duplicates");
      }
      assertThat(accepted).isEqualTo(own.size() + 1);
      assertThat(duplicates).isEqualTo(own.size() + own.size() - 1);
      conflicting.forEach(f -> assertThat(f.result().statusCode()).isEqualTo(409));
      own.forEach(e -> assertThat(stored(e.getString("eventId"))).isEqualTo(1));
      refused.forEach(e -> assertThat(stored(e.getString("eventId"))).isZero());
      assertThat(stored(shared.getString("eventId"))).isEqualTo(1);
      assertThat(stored(stored.getString("eventId"))).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("The same eventId from two different operators is two events (unique per key owner)")
  void eventIdUniquePerOwner() {
    JsonObject a = example("run.completed");
    JsonObject b = a.copy().put("runId", TwoOperators.RUN_B);
    assertThat(post(operatorA, a).statusCode()).isEqualTo(202);
    assertThat(post(operatorB, b).bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
    assertThat(stored(a.getString("eventId"))).isEqualTo(2);
  }

  static Stream<Arguments> otherOperatorsThings() {
    return Stream.of(
        Arguments.of("B's run", example("run.started").put("runId", TwoOperators.RUN_B), "runId"),
        Arguments.of(
            "B's crew member",
            example("crew.dbs_checked").put("crewId", TwoOperators.DRIVER_B),
            "crewId"),
        Arguments.of(
            "B's pupil on A's run",
            example("pupil.boarded").put("pupilId", TwoOperators.PUPIL_B),
            "pupilId"),
        Arguments.of(
            "a run that does not exist",
            example("run.started").put("runId", "NO-SUCH-RUN"),
            "runId"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherOperatorsThings")
  @DisplayName(
      "Operator A's key naming another operator's (or no one's) run, crew or pupil is a 403, and 0 rows")
  void operatorCannotTouchAnothersThings(String name, JsonObject event, String field) {
    JsonObject own = example("vehicle.position");

    var response = post(operatorA, new JsonArray().add(own).add(event));

    assertThat(response.statusCode()).isEqualTo(403);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getJsonArray("errors")).hasSize(1);
    assertThat(problem.getJsonArray("errors").getJsonObject(0).getInteger("index")).isEqualTo(1);
    assertThat(problem.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(field);
    assertThat(problem.encode()).doesNotContain("OPB", "Brookvale");
    assertThat(stored(own.getString("eventId")) + stored(event.getString("eventId"))).isZero();
  }

  @Test
  @DisplayName(
      "A telephony key posting a run event is a 403; an operator key posting a call event is a 403")
  void scopesLimitTypes() {
    JsonObject run = example("run.started");
    var telephony = post(council.get(Scope.TELEPHONY), run);
    assertThat(telephony.statusCode()).isEqualTo(403);
    assertThat(
            telephony.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("type");
    JsonObject call = example("call.offered");
    assertThat(post(operatorA, call).statusCode()).isEqualTo(403);
    assertThat(post(council.get(Scope.HR), run).statusCode()).isEqualTo(403);
    assertThat(post(council.get(Scope.CASEWORK), call).statusCode()).isEqualTo(403);
    assertThat(stored(run.getString("eventId")) + stored(call.getString("eventId"))).isZero();
  }

  @Test
  @DisplayName("Control-room keys (control, admin) cannot post events; no key at all is a 401")
  void staffKeysCannotPost() {
    JsonObject call = example("call.offered");
    assertThat(post(council.get(Scope.CONTROL), call).statusCode()).isEqualTo(403);
    assertThat(post(council.get(Scope.ADMIN), call).statusCode()).isEqualTo(403);
    assertThat(post(null, call).statusCode()).isEqualTo(401);
    assertThat(stored(call.getString("eventId"))).isZero();
  }

  @Test
  @DisplayName("HR clearing a crew member who is not in the plan is a 400")
  void hrUnknownCrew() {
    var response = post(council.get(Scope.HR), example("crew.cleared").put("crewId", "NOBODY"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(
            response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("crewId");
  }

  @Test
  @DisplayName("A body over 1 MiB is a 413 problem")
  void bodyTooLarge() {
    String huge =
        "[" + example("incident.reported").put("summary", "x".repeat(1_100_000)).encode() + "]";
    var response = post(operatorA, huge);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName(
      "Committed events are handed on the event bus to the monitor of their run's shard, at the"
          + " inbox of the monitor ready for it")
  void committedEventsPublished() throws Exception {
    JsonObject e = example("vehicle.position");
    String shard = EventHandOff.SHARD_ADDRESS + EventHandOff.shardOf(TwoOperators.RUN_A, 16);
    CompletableFuture<CommittedEvents.Committed> received = new CompletableFuture<>();
    // Watch what leaves for the monitor's inbox, or the shard's own address while no monitor has
    // said it is ready (the monitor alone receives either: a request).
    Handler<DeliveryContext<Object>> watch =
        delivery -> {
          String to = delivery.message().address();
          if ((to.startsWith(EventHandOff.INBOX_ADDRESS) || to.equals(shard))
              && delivery.message().body() instanceof CommittedEvents events) {
            events.events().stream()
                .filter(c -> c.eventId().equals(e.getString("eventId")))
                .forEach(received::complete);
          }
          delivery.next();
        };
    EventBus bus = server.server.vertx().eventBus();
    bus.addOutboundInterceptor(watch);

    assertThat(post(operatorA, e).statusCode()).isEqualTo(202);

    CommittedEvents.Committed message = received.get(10, TimeUnit.SECONDS);
    assertThat(message.type()).isEqualTo("vehicle.position");
    assertThat(message.seq()).isPositive();
    assertThat(message.runId()).isEqualTo(TwoOperators.RUN_A);
    assertThat(new JsonObject(message.body())).isEqualTo(e);
    bus.removeOutboundInterceptor(watch);
  }

  @Test
  @DisplayName("Stored and refused events are counted in /metrics")
  void metricsCountEvents() {
    post(operatorA, example("run.arrived"));
    post(operatorA, example("run.started").put("runId", TwoOperators.RUN_B));
    // A refusal is counted as its response ends, which may be just after the client has it.
    String[] metrics = {""};
    JarProcess.await(
        "the refusal to be counted",
        Duration.ofSeconds(5),
        () -> {
          metrics[0] = server.get("/metrics", null).bodyAsString();
          return metrics[0].contains("travelwatch_events_rejected_total{reason=\"forbidden\"}");
        });
    assertThat(metrics[0])
        .containsPattern(
            "travelwatch_events_ingested_total\\{source=\"api\",type=\"run.arrived\"\\} [1-9]");
    assertThat(metrics[0])
        .containsPattern("travelwatch_events_rejected_total\\{reason=\"forbidden\"\\} [1-9]");
    assertThat(metrics[0])
        .contains(
            "travelwatch_ingest_commit_seconds_bucket",
            "travelwatch_ingest_batch_rows",
            "travelwatch_ingest_in_flight_requests");
  }

  @Test
  @DisplayName(
      "A key over its rate gets a 429 with Retry-After, and nothing of that request is stored")
  void rateLimited() {
    try (TestServer limited =
        new TestServer(Map.of("TW_INGEST_RATE_PER_KEY", "10"), java.time.Clock.systemUTC())) {
      String key = limited.scopeKey(Scope.TELEPHONY);
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 11; i++) {
        batch.add(event("call.offered").put("callId", "R" + i));
      }
      var response =
          limited
              .client
              .post("/api/v1/events")
              .putHeader("Authorization", "Bearer " + key)
              .putHeader("Content-Type", "application/json")
              .sendBuffer(batch.toBuffer())
              .await();
      assertThat(response.statusCode()).isEqualTo(429);
      assertThat(Integer.parseInt(response.getHeader("Retry-After"))).isPositive();
      assertThat(TestPostgres.count(limited.database, "select count(*) from event")).isZero();
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        statuses.add(
            limited
                .client
                .post("/api/v1/events")
                .putHeader("Authorization", "Bearer " + key)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(event("call.offered").put("callId", "S" + i).toBuffer())
                .await()
                .statusCode());
      }
      assertThat(statuses).containsOnly(202);
    }
  }
}
