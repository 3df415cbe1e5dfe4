package travelwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import travelwatch.access.Scope;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Who may see and change which webhook (an operator its own, an admin any; another operator's is
 * the same 404 as an unknown one), and where a webhook may point: public https addresses only,
 * checked at registration (and loopback over plain http only with TW_WEBHOOK_ALLOW_LOOPBACK).
 */
@Timeout(120)
@DisplayName("Webhooks: each operator's own, and never into the service's own network")
class WebhookAccessTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));

  private static TestServer server;
  private static WebhookReceiver receiver;
  private static String admin;
  private static String operatorA;
  private static String operatorB;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            Map.of(
                "TW_WEBHOOK_ALLOW_LOOPBACK",
                "true",
                "TW_WEBHOOK_RELAY_MS",
                "50",
                "TW_MONITOR_TICK_MS",
                "200",
                "TW_INGEST_MAX_FUTURE_SECONDS",
                "7200"),
            clock);
    admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    receiver = new WebhookReceiver().start();
  }

  @AfterAll
  static void stop() {
    server.close();
    receiver.close();
  }

  private static JsonObject hook(String url) {
    return new JsonObject().put("url", url).put("events", new JsonArray().add("alert.raised"));
  }

  private static long register(String key, JsonObject body) {
    HttpResponse<Buffer> created = server.post("/api/v1/webhooks", key, body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject().getLong("id");
  }

  private static HttpResponse<Buffer> delete(String path, String key) {
    return server.client.delete(path).putHeader("Authorization", "Bearer " + key).send().await();
  }

  private static List<Long> ids(HttpResponse<Buffer> list) {
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
    return list.bodyAsJsonObject().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getLong("id"))
        .toList();
  }

  private static void sameAsUnknown(HttpResponse<Buffer> other, HttpResponse<Buffer> unknown) {
    assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(404);
    assertThat(other.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(other.bodyAsJsonObject()).isEqualTo(unknown.bodyAsJsonObject());
    assertThat(other.bodyAsString()).doesNotContain("OPB", "Brookvale");
  }

  @Test
  @DisplayName(
      "Operator A cannot see, delete or read the deliveries of B's webhook: each is the 404 of an"
          + " unknown webhook; an admin sees and manages both")
  void operatorsSeeOnlyTheirOwn() {
    long a = register(operatorA, hook(receiver.url("/a")));
    long b = register(operatorB, hook(receiver.url("/b")));

    assertThat(ids(server.get("/api/v1/webhooks", operatorA))).contains(a).doesNotContain(b);
    assertThat(ids(server.get("/api/v1/webhooks?operatorId=OPB", operatorA))).isEmpty();
    assertThat(ids(server.get("/api/v1/webhooks", operatorB))).contains(b).doesNotContain(a);
    assertThat(ids(server.get("/api/v1/webhooks", admin))).contains(a, b);
    assertThat(ids(server.get("/api/v1/webhooks?operatorId=OPB", admin)))
        .contains(b)
        .doesNotContain(a);
    JsonObject listed =
        server
            .get("/api/v1/webhooks", operatorB)
            .bodyAsJsonObject()
            .getJsonArray("items")
            .getJsonObject(0);
    assertThat(listed.encode()).as("the secret is shown once only").doesNotContain("whsec_");

    sameAsUnknown(
        server.get("/api/v1/webhooks/" + b + "/deliveries", operatorA),
        server.get("/api/v1/webhooks/999999/deliveries", operatorA));
    sameAsUnknown(
        delete("/api/v1/webhooks/" + b, operatorA), delete("/api/v1/webhooks/999999", operatorA));
    assertThat(ids(server.get("/api/v1/webhooks", operatorB)))
        .as("B's webhook is still there")
        .contains(b);
    assertThat(server.get("/api/v1/webhooks/" + b + "/deliveries", operatorB).statusCode())
        .isEqualTo(200);
    assertThat(server.get("/api/v1/webhooks/" + b + "/deliveries", admin).statusCode())
        .isEqualTo(200);

    assertThat(delete("/api/v1/webhooks/" + a, operatorA).statusCode()).isEqualTo(204);
    assertThat(ids(server.get("/api/v1/webhooks", operatorA))).doesNotContain(a);
    assertThat(delete("/api/v1/webhooks/" + b, admin).statusCode()).isEqualTo(204);
    assertThat(server.get("/api/v1/webhooks/" + b + "/deliveries", operatorB).statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "An operator's key registers for its own operator only; an admin must name an operator of"
          + " the plan")
  void whoseWebhook() {
    HttpResponse<Buffer> other =
        server.post(
            "/api/v1/webhooks", operatorA, hook(receiver.url("/x")).put("operatorId", "OPB"));
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(fields(other)).containsExactly("operatorId");
    HttpResponse<Buffer> none = server.post("/api/v1/webhooks", admin, hook(receiver.url("/x")));
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(fields(none)).containsExactly("operatorId");
    HttpResponse<Buffer> unknown =
        server.post("/api/v1/webhooks", admin, hook(receiver.url("/x")).put("operatorId", "OPZ"));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(fields(unknown)).containsExactly("operatorId");
    HttpResponse<Buffer> events =
        server.post(
            "/api/v1/webhooks",
            operatorA,
            new JsonObject()
                .put("url", receiver.url("/x"))
                .put("events", new JsonArray().add("alert.raised").add("run.deleted")));
    assertThat(events.statusCode()).isEqualTo(400);
    assertThat(fields(events)).containsExactly("events[1]");
    long forB = register(admin, hook(receiver.url("/x")).put("operatorId", "OPB"));
    assertThat(ids(server.get("/api/v1/webhooks", operatorB))).contains(forB);
  }

  private static List<String> fields(HttpResponse<Buffer> problem) {
    assertThat(problem.getHeader("Content-Type")).isEqualTo("application/problem+json");
    return problem.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(o -> ((JsonObject) o).getString("field"))
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "https://10.0.0.1/hook",
        "https://192.168.1.1/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::ffff:10.0.0.1]/hook",
        "https://[fe80::1]/hook",
        "https://0.0.0.0/hook",
        "http://example.org/hook",
        "http://10.0.0.1/hook",
        "ftp://example.org/hook",
        "https://user:pass@example.org/hook",
        "/relative"
      })
  @DisplayName("A private, link-local or non-https URL is refused at registration: 400 naming url")
  void refusedAtRegistration(String url) {
    HttpResponse<Buffer> refused = server.post("/api/v1/webhooks", operatorA, hook(url));
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);
    assertThat(fields(refused)).containsExactly("url");
  }

  @Test
  @DisplayName(
      "A webhook whose address is refused when a delivery is due (a name that now resolves"
          + " elsewhere) is not sent there: the try records why")
  void checkedAgainAtDelivery() {
    // As if its name had resolved to a public address at registration and to a private one now.
    long id =
        server
            .pool()
            .preparedQuery(
                "insert into webhook (operator_id, url, events, secret, created_at, created_by)"
                    + " values ('OPA', 'https://10.0.0.1:"
                    + receiver.port
                    + "/moved',"
                    + " '{run.changed}', 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',"
                    + " now(), 'test') returning id")
            .execute(io.vertx.sqlclient.Tuple.tuple())
            .await()
            .iterator()
            .next()
            .getLong(0);
    Events.store(
        server,
        operatorA,
        Events.event("run.cancelled", "2026-11-23T07:40:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("reason", "vehicle breakdown"));
    JarProcess.await(
        "the delivery tried",
        WAIT,
        () -> {
          JsonArray items =
              server
                  .get("/api/v1/webhooks/" + id + "/deliveries", operatorA)
                  .bodyAsJsonObject()
                  .getJsonArray("items");
          return !items.isEmpty() && !items.getJsonObject(0).getJsonArray("attempts").isEmpty();
        });
    JsonObject attempt =
        server
            .get("/api/v1/webhooks/" + id + "/deliveries", operatorA)
            .bodyAsJsonObject()
            .getJsonArray("items")
            .getJsonObject(0)
            .getJsonArray("attempts")
            .getJsonObject(0);
    assertThat(attempt.getString("error")).startsWith("url may not be used: 10.0.0.1");
    assertThat(attempt.containsKey("statusCode")).isFalse();
  }

  @Test
  @DisplayName("Without TW_WEBHOOK_ALLOW_LOOPBACK a loopback URL is refused: 400 naming url")
  void loopbackRefusedWithoutTheSetting() {
    try (TestServer plain = new TestServer(Map.of(), clock)) {
      String adminKey = plain.scopeKey(Scope.ADMIN);
      assertThat(plain.post("/api/v1/plan", adminKey, TwoOperators.json()).statusCode())
          .isEqualTo(200);
      String key = plain.operatorKey("OPA");
      for (String url :
          List.of(
              "https://127.0.0.1:" + receiver.port + "/hook",
              "https://localhost:" + receiver.port + "/hook",
              "https://[::1]:" + receiver.port + "/hook",
              "https://127.8.9.10/hook",
              "http://127.0.0.1:" + receiver.port + "/hook",
              "http://localhost:" + receiver.port + "/hook")) {
        HttpResponse<Buffer> refused = plain.post("/api/v1/webhooks", key, hook(url));
        assertThat(refused.statusCode()).as(url + ": " + refused.bodyAsString()).isEqualTo(400);
        assertThat(fields(refused)).as(url).containsExactly("url");
        assertThat(
                refused
                    .bodyAsJsonObject()
                    .getJsonArray("errors")
                    .getJsonObject(0)
                    .getString("message"))
            .as(url)
            .contains(url.startsWith("https") ? "is a loopback address" : "must be https");
      }
    }
  }
}
