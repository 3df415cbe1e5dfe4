package travelwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.SseClient;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Webhooks end to end: a real server, real PostgreSQL and a real receiver on loopback. The live
 * stream is the oracle: every alert and run change it carries about an operator is one delivery to
 * that operator's endpoint, signed with its secret, in the stream's order for each run. What runs
 * on real time (retries, giving up) runs on a virtual clock the test moves, as the service's day
 * does on another.
 */
@Timeout(240)
@DisplayName("Webhooks: signed deliveries to a real receiver, once per change, in order per run")
class WebhookDeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Contract CONTRACT = new Contract();
  private static final List<String> ALL_EVENTS =
      List.of("alert.raised", "alert.updated", "alert.resolved", "run.changed");

  private final TestClock day = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
  private final TestClock real = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
  private final WebhookReceiver receiver = new WebhookReceiver();
  private final Vertx vertx = Vertx.vertx();
  private TestServer server;
  private String admin;
  private String viewer;
  private String operatorA;
  private String operatorB;

  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() {
    env.put("TW_WEBHOOK_ALLOW_LOOPBACK", "true");
    env.put("TW_WEBHOOK_RELAY_MS", "50");
    env.put("TW_WEBHOOK_RETRY_FIRST_MS", "10000");
    env.put("TW_WEBHOOK_RETRY_MAX_MS", "60000");
    env.put("TW_MONITOR_TICK_MS", "200");
    // The day's clock stands before the morning's events.
    env.put("TW_INGEST_MAX_FUTURE_SECONDS", "7200");
    server = new TestServer(env, day, real);
    admin = server.scopeKey(Scope.ADMIN);
    viewer = server.scopeKey(Scope.CONTROL);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    receiver.start();
  }

  @AfterEach
  void stop() {
    server.close();
    receiver.close();
    vertx.close().await();
  }

  private JsonObject register(String key, String path) {
    HttpResponse<Buffer> created =
        server.post(
            "/api/v1/webhooks",
            key,
            new JsonObject()
                .put("url", receiver.url(path))
                .put("events", new JsonArray(ALL_EVENTS)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject body = created.bodyAsJsonObject();
    CONTRACT.assertValid("CreatedWebhook", body);
    assertThat(body.getString("secret")).matches("whsec_[A-Za-z0-9+/]{43}=");
    return body;
  }

  /** Operator A's driver without HR clearance is assigned, then the run is cancelled. */
  private void morningOfRunA() {
    Events.store(
        server,
        operatorA,
        Events.event("crew.assigned", "2026-11-23T07:35:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.UNCLEARED_DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"),
        Events.event("run.cancelled", "2026-11-23T07:40:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("reason", "vehicle breakdown"));
  }

  /** The control room acknowledges and resolves run A's cancellation alert. */
  private void controlRoomHandles(SseClient stream) {
    SseClient.Event raised =
        stream.await(
            "run A's cancellation alert on the stream",
            WAIT,
            e -> isAlert(e, "run.cancelled", TwoOperators.RUN_A, "raised"));
    long id = raised.data().getLong("id");
    assertThat(
            server
                .post("/api/v1/alerts/" + id + "/acknowledge", admin, new JsonObject())
                .statusCode())
        .isEqualTo(200);
    assertThat(
            server.post("/api/v1/alerts/" + id + "/resolve", admin, new JsonObject()).statusCode())
        .isEqualTo(200);
    stream.await(
        "the resolution on the stream",
        WAIT,
        e -> isAlert(e, "run.cancelled", TwoOperators.RUN_A, "resolved"));
  }

  private static boolean isAlert(SseClient.Event e, String type, String runId, String transition) {
    return e.kind().equals("alert")
        && type.equals(e.data().getString("type"))
        && runId.equals(e.data().getString("runId"))
        && transition.equals(e.data().getJsonObject("transition").getString("kind"));
  }

  /**
   * What the operator's endpoint must be sent, from the stream: each of the operator's alert and
   * run changes as {type, data}, in stream order. An alert's data is the alert as {@code GET
   * /api/v1/alerts/{id}} gives it (the stream adds its transition); a run's is the stream's own.
   */
  private static List<JsonObject> expected(SseClient stream, String operatorId) {
    List<JsonObject> expected = new ArrayList<>();
    for (SseClient.Event e : stream.events()) {
      if (!operatorId.equals(e.data().getString("operatorId"))) {
        continue;
      }
      if (e.kind().equals("run")) {
        expected.add(new JsonObject().put("type", "run.changed").put("data", e.data()));
      } else if (e.kind().equals("alert")) {
        JsonObject alert = e.data().copy();
        String transition = ((JsonObject) alert.remove("transition")).getString("kind");
        String type =
            switch (transition) {
              case "raised" -> "alert.raised";
              case "resolved" -> "alert.resolved";
              case "condition_cleared" ->
                  "resolved".equals(alert.getString("state")) ? "alert.resolved" : "alert.updated";
              default -> "alert.updated";
            };
        expected.add(new JsonObject().put("type", type).put("data", alert));
      }
    }
    return expected;
  }

  /** What arrived, as {type, data}, without the body's timestamp. */
  private static List<JsonObject> arrived(List<WebhookReceiver.Received> received) {
    return received.stream()
        .map(
            r ->
                new JsonObject()
                    .put("type", r.json().getString("type"))
                    .put("data", r.json().getJsonObject("data")))
        .toList();
  }

  /** Changes by the run they are about (an alert without a run on its own), each run in order. */
  private static Map<String, List<JsonObject>> byRun(List<JsonObject> changes) {
    Map<String, List<JsonObject>> runs = new LinkedHashMap<>();
    for (JsonObject c : changes) {
      JsonObject data = c.getJsonObject("data");
      String run =
          c.getString("type").equals("run.changed")
              ? data.getString("id")
              : data.getString("runId", "alert " + data.getLong("id"));
      runs.computeIfAbsent(run, k -> new ArrayList<>()).add(c);
    }
    return runs;
  }

  /** What the stream said the operator's endpoint must be sent, and what its receiver got. */
  private record Settled(List<JsonObject> expected, List<WebhookReceiver.Received> received) {}

  /**
   * Waits until every change of the operator on the stream so far has been delivered (the monitors'
   * ticks may add more while the test waits), and answers what was expected and what arrived then.
   */
  private Settled awaitDelivered(SseClient stream, String operatorId, long webhookId, String path) {
    AtomicReference<Settled> settled = new AtomicReference<>();
    JarProcess.await(
        "every change of " + operatorId + " delivered",
        WAIT,
        () -> {
          List<JsonObject> expected = expected(stream, operatorId);
          List<WebhookReceiver.Received> received = receiver.at(path);
          boolean done =
              !expected.isEmpty()
                  && allDelivered(webhookId, expected.size())
                  && received.size() == expected.size()
                  && expected.equals(expected(stream, operatorId));
          if (done) {
            settled.set(new Settled(expected, received));
          }
          return done;
        });
    return settled.get();
  }

  private JsonArray deliveries(long webhookId) {
    HttpResponse<Buffer> response =
        server.get("/api/v1/webhooks/" + webhookId + "/deliveries", admin);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    CONTRACT.assertValid("WebhookDeliveryPage", response.bodyAsJsonObject());
    return response.bodyAsJsonObject().getJsonArray("items");
  }

  private List<JsonObject> deliveryList(long webhookId) {
    List<JsonObject> items = new ArrayList<>();
    deliveries(webhookId).forEach(o -> items.add((JsonObject) o));
    // The API lists the newest first; oldest first reads as they happened.
    items.sort((x, y) -> Long.compare(x.getLong("id"), y.getLong("id")));
    return items;
  }

  private boolean allDelivered(long webhookId, int count) {
    List<JsonObject> items = deliveryList(webhookId);
    return items.size() == count
        && items.stream().allMatch(d -> d.getString("state").equals("delivered"));
  }

  /**
   * Whether the relay has done everything due on the virtual clock: every waiting delivery it has
   * tried waits for a time still to come.
   */
  private boolean caughtUp(long webhookId) {
    Instant now = real.instant();
    return deliveryList(webhookId).stream()
        .filter(d -> d.getString("state").equals("pending"))
        .filter(d -> !d.getJsonArray("attempts").isEmpty())
        .allMatch(d -> OffsetDateTime.parse(d.getString("nextAttemptAt")).toInstant().isAfter(now));
  }

  @Test
  @DisplayName(
      "Each alert and run change of operator A reaches A's endpoint once, signed with its secret,"
          + " in the stream's order for the run; B's endpoint gets B's changes and A's none of B's")
  void oneSignedDeliveryPerChangeInOrderPerRun() throws Exception {
    JsonObject a = register(operatorA, "/a");
    JsonObject b = register(operatorB, "/b");
    try (SseClient stream = new SseClient(vertx, server.port, viewer, null)) {
      morningOfRunA();
      Events.store(
          server,
          operatorB,
          Events.event("run.cancelled", "2026-11-23T07:40:00Z")
              .put("runId", TwoOperators.RUN_B)
              .put("reason", "driver ill"));
      controlRoomHandles(stream);
      stream.await(
          "run B's cancellation on the stream",
          WAIT,
          e -> isAlert(e, "run.cancelled", TwoOperators.RUN_B, "raised"));

      Settled settledA = awaitDelivered(stream, "OPA", a.getLong("id"), "/a");
      Settled settledB = awaitDelivered(stream, "OPB", b.getLong("id"), "/b");
      List<JsonObject> forA = settledA.expected();
      List<JsonObject> forB = settledB.expected();
      List<WebhookReceiver.Received> atA = settledA.received();
      List<WebhookReceiver.Received> atB = settledB.received();
      assertThat(forA.stream().map(c -> c.getString("type")))
          .as("the morning's changes of run A")
          .contains("run.changed", "alert.raised", "alert.updated", "alert.resolved");
      assertThat(atA).hasSize(forA.size());
      assertThat(atB).hasSize(forB.size());
      assertThat(arrived(atA)).containsExactlyInAnyOrderElementsOf(forA);
      assertThat(byRun(arrived(atA))).isEqualTo(byRun(forA));
      assertThat(byRun(arrived(atB))).isEqualTo(byRun(forB));
      assertThat(arrived(atA))
          .as("A's endpoint hears nothing of B's runs")
          .allMatch(c -> c.getJsonObject("data").getString("operatorId").equals("OPA"))
          .noneMatch(c -> c.encode().contains(TwoOperators.RUN_B));
      assertThat(atA.stream().map(WebhookReceiver.Received::id).collect(Collectors.toSet()))
          .as("one Webhook-Id per change")
          .hasSize(atA.size());
      for (WebhookReceiver.Received r : atA) {
        assertThat(r.signedWith(a.getString("secret"))).as("signed with A's secret").isTrue();
        assertThat(r.signedWith(b.getString("secret"))).as("not with B's").isFalse();
        assertThat(r.timestamp()).isEqualTo(String.valueOf(real.instant().getEpochSecond()));
        assertThat(r.json().getString("timestamp")).isNotBlank();
        CONTRACT.assertValid("WebhookMessage", r.json());
      }
      for (WebhookReceiver.Received r : atB) {
        assertThat(r.signedWith(b.getString("secret"))).as("signed with B's secret").isTrue();
      }
      assertThat(deliveryList(a.getLong("id")))
          .allSatisfy(
              d -> {
                assertThat(d.getInteger("tries")).isEqualTo(1);
                assertThat(d.getJsonArray("attempts")).hasSize(1);
                assertThat(d.getJsonArray("attempts").getJsonObject(0).getInteger("statusCode"))
                    .isEqualTo(204);
              });
    }
  }

  @Test
  @DisplayName(
      "The receiver down for 5 minutes: the first delivery of the run is retried with backoff,"
          + " the later ones wait for it, and once it is back every one arrives, in order, none"
          + " twice")
  void receiverDownForFiveMinutes() throws Exception {
    JsonObject a = register(operatorA, "/a");
    long webhookId = a.getLong("id");
    receiver.stop();
    try (SseClient stream = new SseClient(vertx, server.port, viewer, null)) {
      morningOfRunA();
      controlRoomHandles(stream);
      assertThat(expected(stream, "OPA")).hasSizeGreaterThanOrEqualTo(5);
      JarProcess.await(
          "every change written and the first one tried",
          WAIT,
          () -> {
            List<JsonObject> items = deliveryList(webhookId);
            return items.size() == expected(stream, "OPA").size()
                && !items.get(0).getJsonArray("attempts").isEmpty()
                && caughtUp(webhookId);
          });

      for (int i = 0; i < 10; i++) {
        real.advance(Duration.ofSeconds(30));
        JarProcess.await("the relay's tries due by now", WAIT, () -> caughtUp(webhookId));
      }
      assertThat(receiver.all()).isEmpty();
      List<JsonObject> down = deliveryList(webhookId);
      JsonArray firstTries = down.get(0).getJsonArray("attempts");
      assertThat(firstTries.size())
          .as("the first delivery retried with backoff (10 s, then doubling, up to 60 s)")
          .isBetween(3, 30);
      firstTries.forEach(
          t -> {
            JsonObject attempt = (JsonObject) t;
            assertThat(attempt.getString("error")).isNotBlank();
            assertThat(attempt.containsKey("statusCode")).isFalse();
          });
      assertThat(down.subList(1, down.size()))
          .as("the run's later deliveries wait for the first")
          .allSatisfy(
              d -> {
                assertThat(d.getString("state")).isEqualTo("pending");
                assertThat(d.getJsonArray("attempts")).isEmpty();
              });

      receiver.start();
      real.advance(Duration.ofSeconds(61));
      Settled settled = awaitDelivered(stream, "OPA", webhookId, "/a");
      List<JsonObject> forA = settled.expected();
      List<WebhookReceiver.Received> atA = settled.received();
      assertThat(atA).as("each change once").hasSize(forA.size());
      assertThat(new HashSet<>(atA.stream().map(WebhookReceiver.Received::id).toList()))
          .hasSize(forA.size());
      assertThat(byRun(arrived(atA))).isEqualTo(byRun(forA));
      for (WebhookReceiver.Received r : atA) {
        assertThat(r.signedWith(a.getString("secret"))).isTrue();
      }
      List<JsonObject> after = deliveryList(webhookId);
      JsonArray tries = after.get(0).getJsonArray("attempts");
      assertThat(tries.getJsonObject(tries.size() - 1).getInteger("statusCode")).isEqualTo(204);
      assertThat(after.get(0).getInteger("tries")).isEqualTo(tries.size());
      assertThat(after.subList(1, after.size()))
          .allSatisfy(d -> assertThat(d.getJsonArray("attempts")).hasSize(1));
    }
  }

  @Test
  @DisplayName(
      "An endpoint failing for 24 hours is disabled, its waiting deliveries given up, and the"
          + " operator emailed at the plan's address; later changes are not written for it")
  void endpointFailingFor24HoursIsDisabled() {
    JsonObject a = register(operatorA, "/a");
    long webhookId = a.getLong("id");
    receiver.stop();
    try (SseClient stream = new SseClient(vertx, server.port, viewer, null)) {
      morningOfRunA();
      SseClient.Event raised =
          stream.await(
              "run A's cancellation alert",
              WAIT,
              e -> isAlert(e, "run.cancelled", TwoOperators.RUN_A, "raised"));
      JarProcess.await(
          "the first delivery tried",
          WAIT,
          () ->
              !deliveryList(webhookId).isEmpty()
                  && !deliveryList(webhookId).get(0).getJsonArray("attempts").isEmpty()
                  && caughtUp(webhookId));

      for (int hour = 1; hour <= 23; hour++) {
        real.advance(Duration.ofHours(1));
        JarProcess.await("the relay's tries due by now", WAIT, () -> caughtUp(webhookId));
      }
      assertThat(endpoint(webhookId).getString("state"))
          .as("still trying after 23 hours")
          .isEqualTo("active");
      real.advance(Duration.ofHours(1));
      JarProcess.await(
          "the endpoint disabled",
          WAIT,
          () -> endpoint(webhookId).getString("state").equals("disabled"));

      JsonObject endpoint = endpoint(webhookId);
      int written = deliveryList(webhookId).size();
      assertThat(written)
          .as("each change of the run written")
          .isEqualTo(expected(stream, "OPA").size());
      assertThat(endpoint.getString("disabledAt")).isNotBlank();
      assertThat(endpoint.getString("failingSince")).isNotBlank();
      assertThat(deliveryList(webhookId)).allMatch(d -> d.getString("state").equals("failed"));
      var email =
          server
              .pool()
              .query("select recipients, subject, text_body from outbox where kind = 'webhook'")
              .execute()
              .await();
      assertThat(email.size()).isEqualTo(1);
      var row = email.iterator().next();
      assertThat(row.getArrayOfStrings("recipients")).containsExactly("ops@a.example");
      assertThat(row.getString("subject")).contains("Webhook " + webhookId + " disabled");
      assertThat(row.getString("text_body")).contains(receiver.url("/a"));
      JsonObject ready = server.get("/health/ready", null).bodyAsJsonObject();
      assertThat(ready.getJsonObject("webhooks").getLong("disabledEndpoints")).isEqualTo(1L);
      assertThat(ready.getJsonObject("webhooks").getLong("failed")).isEqualTo((long) written);
      assertThat(ready.getJsonObject("jobs").getJsonObject("webhook_relay").getString("status"))
          .as("a receiver failing is not the relay failing")
          .isEqualTo("OK");
      JarProcess.await(
          "the webhook gauges and counters on /metrics",
          WAIT,
          () -> {
            String metrics = server.get("/metrics", null).bodyAsString();
            return metrics.contains("travelwatch_webhook_disabled 1.0")
                && metrics.contains("travelwatch_webhook_failed " + written + ".0")
                && metrics.contains("travelwatch_webhook_pending 0.0")
                && metrics.contains("travelwatch_webhook_endpoints_disabled_total 1.0")
                && metrics.contains("travelwatch_webhook_given_up_total 1.0")
                && metrics.contains("travelwatch_webhook_tries_failed_total 25.0");
          });

      long id = raised.data().getLong("id");
      assertThat(
              server
                  .post("/api/v1/alerts/" + id + "/resolve", admin, new JsonObject())
                  .statusCode())
          .isEqualTo(200);
      stream.await(
          "the resolution", WAIT, e -> isAlert(e, "run.cancelled", TwoOperators.RUN_A, "resolved"));
      assertThat(deliveryList(webhookId))
          .as("nothing new for a disabled endpoint")
          .hasSize(written);
    }
  }

  @Test
  @DisplayName(
      "Deliveries waiting when the server stops are in the database, and the next server sends"
          + " each of them once")
  void deliveriesOutliveTheServer() throws Exception {
    JsonObject a = register(operatorA, "/a");
    long webhookId = a.getLong("id");
    receiver.stop();
    try (SseClient stream = new SseClient(vertx, server.port, viewer, null)) {
      morningOfRunA();
      controlRoomHandles(stream);
    }
    JarProcess.await(
        "the first delivery tried",
        WAIT,
        () -> {
          List<JsonObject> items = deliveryList(webhookId);
          return items.size() >= 5
              && !items.get(0).getJsonArray("attempts").isEmpty()
              && caughtUp(webhookId);
        });
    List<String> waiting =
        deliveryList(webhookId).stream().map(d -> d.getString("messageId")).toList();
    PgEndpoint database = server.database;
    server.close();

    server = new TestServer(database, env, day, real);
    receiver.start();
    real.advance(Duration.ofSeconds(61));
    AtomicReference<List<String>> stored = new AtomicReference<>();
    JarProcess.await(
        "every delivery made",
        WAIT,
        () -> {
          List<JsonObject> items = deliveryList(webhookId);
          stored.set(items.stream().map(d -> d.getString("messageId")).toList());
          return items.stream().allMatch(d -> d.getString("state").equals("delivered"))
              && receiver.at("/a").size() == items.size();
        });
    List<WebhookReceiver.Received> atA = receiver.at("/a");
    assertThat(stored.get()).as("what waited when the server stopped").containsAll(waiting);
    assertThat(atA.stream().map(WebhookReceiver.Received::id).toList())
        .as("each stored delivery once, in order")
        .containsExactlyElementsOf(stored.get());
    for (WebhookReceiver.Received r : atA) {
      assertThat(r.signedWith(a.getString("secret"))).isTrue();
    }
  }

  private JsonObject endpoint(long webhookId) {
    JsonObject page = server.get("/api/v1/webhooks", operatorA).bodyAsJsonObject();
    CONTRACT.assertValid("WebhookPage", page);
    JsonArray items = page.getJsonArray("items");
    for (Object o : items) {
      if (((JsonObject) o).getLong("id") == webhookId) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no webhook " + webhookId + " in " + items);
  }
}
