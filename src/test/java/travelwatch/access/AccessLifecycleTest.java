package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.Main;
import travelwatch.support.JarProcess;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Keys, users and sessions taken back, on two servers sharing one database (two nodes as far as
 * keys and sessions go: each has its own key cache), with real time on a virtual clock.
 */
@Timeout(180)
@DisplayName("Keys, users and sessions that can be taken back, on every node at once")
class AccessLifecycleTest {
  private static final String PASSWORD = "right-password-1";
  private static final TestClock real = new TestClock(Instant.parse("2026-12-07T08:00:00Z"));
  private static TestServer node1;
  private static TestServer node2;
  private static String admin;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    node1 = new TestServer(Map.of(), Clock.systemUTC(), real);
    node2 = new TestServer(node1.database, Map.of(), Clock.systemUTC(), real);
    admin = node1.scopeKey(Scope.ADMIN);
    assertThat(node1.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    node2.close();
    node1.close();
  }

  private static JsonObject listedKey(String key) {
    String prefix = ApiKeys.prefix(key);
    JsonArray items = node1.get("/api/v1/keys", admin).bodyAsJsonObject().getJsonArray("items");
    return items.stream()
        .map(JsonObject.class::cast)
        .filter(k -> k.getString("prefix").equals(prefix))
        .findFirst()
        .orElseThrow();
  }

  private static HttpResponse<Buffer> send(
      TestServer node, HttpMethod method, String path, JsonObject body) {
    var request = node.client.request(method, path).putHeader("Authorization", "Bearer " + admin);
    if (body == null) {
      return request.send().await();
    }
    return request
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body.toBuffer())
        .await();
  }

  /** Runs the command line in this JVM against the test's database. */
  private static int cli(String stdin, String... args) throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(
        config,
        new JsonObject()
            .put(
                "pgUrl",
                "postgresql://postgres@localhost:"
                    + node1.database.port()
                    + "/"
                    + node1.database.database())
            .encode());
    String[] full = new String[args.length + 2];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--config";
    full[args.length + 1] = config.toString();
    InputStream in = System.in;
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      return Main.run(full);
    } finally {
      System.setIn(in);
    }
  }

  @Test
  @DisplayName("GET /api/v1/keys lists every key with its owner and times, never the key")
  void keysListedWithoutTheKeys() {
    String operator = node1.operatorKey("OPA");
    var response = node1.get("/api/v1/keys", admin);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).doesNotContain(operator, admin, "hash");
    JsonObject listed = listedKey(operator);
    assertThat(listed.getLong("id")).isPositive();
    assertThat(listed.getString("operatorId")).isEqualTo("OPA");
    assertThat(listed.containsKey("scope")).isFalse();
    assertThat(listed.getString("createdAt")).isNotNull();
    assertThat(listed.containsKey("lastUsedAt")).isTrue();
    assertThat(listed.getValue("lastUsedAt")).isNull();
    assertThat(listed.containsKey("revokedAt")).isFalse();
    assertThat(listedKey(admin).getString("scope")).isEqualTo("admin");
  }

  @Test
  @DisplayName(
      "A key revoked over the API on one node, or with 'keys revoke' on the command line, is"
          + " refused by both nodes though both had it cached")
  void revokedKeyRefusedOnEveryNode() throws Exception {
    String viaApi = node1.scopeKey(Scope.CONTROL);
    String viaCli = node1.scopeKey(Scope.CONTROL);
    for (String key : new String[] {viaApi, viaCli}) {
      for (TestServer node : new TestServer[] {node1, node2}) {
        assertThat(node.get("/api/v1/runs", key).statusCode()).isEqualTo(200);
      }
    }
    long id = listedKey(viaApi).getLong("id");
    assertThat(send(node2, HttpMethod.DELETE, "/api/v1/keys/" + id, null).statusCode())
        .isEqualTo(204);
    assertThat(node2.get("/api/v1/runs", viaApi).statusCode()).isEqualTo(401);
    JarProcess.await(
        "node1 to refuse the key node2 revoked",
        Duration.ofSeconds(2),
        () -> node1.get("/api/v1/runs", viaApi).statusCode() == 401);
    String revokedAt = listedKey(viaApi).getString("revokedAt");
    assertThat(revokedAt).isNotNull();
    assertThat(send(node1, HttpMethod.DELETE, "/api/v1/keys/" + id, null).statusCode())
        .as("revoking again changes nothing")
        .isEqualTo(204);
    assertThat(listedKey(viaApi).getString("revokedAt")).isEqualTo(revokedAt);
    assertThat(send(node1, HttpMethod.DELETE, "/api/v1/keys/999999", null).statusCode())
        .isEqualTo(404);

    assertThat(cli("", "keys", "revoke", String.valueOf(listedKey(viaCli).getLong("id")))).isZero();
    for (TestServer node : new TestServer[] {node1, node2}) {
      JarProcess.await(
          "both nodes to refuse the key revoked on the command line",
          Duration.ofSeconds(2),
          () -> node.get("/api/v1/runs", viaCli).statusCode() == 401);
    }
  }

  @Test
  @DisplayName("lastUsedAt is written at most once a minute per key, not on every request")
  void lastUseNotedOnceAMinute() {
    String key = node1.scopeKey(Scope.CONTROL);
    Instant first = real.instant();
    assertThat(node1.get("/api/v1/runs", key).statusCode()).isEqualTo(200);
    JarProcess.await(
        "the first use to be noted",
        Duration.ofSeconds(5),
        () -> listedKey(key).getValue("lastUsedAt") != null);
    assertThat(usedAt(key)).isEqualTo(first);

    real.advance(Duration.ofSeconds(59));
    for (TestServer node : new TestServer[] {node1, node2}) {
      assertThat(node.get("/api/v1/runs", key).statusCode()).isEqualTo(200);
    }
    real.advance(Duration.ofSeconds(2));
    Instant later = real.instant();
    assertThat(node1.get("/api/v1/runs", key).statusCode()).isEqualTo(200);
    JarProcess.await(
        "a use a minute later to be noted", Duration.ofSeconds(5), () -> usedAt(key).equals(later));
  }

  private static Instant usedAt(String key) {
    return OffsetDateTime.parse(listedKey(key).getString("lastUsedAt")).toInstant();
  }

  @Test
  @DisplayName(
      "A disabled user's sessions end at once on both nodes and their logins are refused like a"
          + " wrong password's; enabled again, they log in")
  void disabledUserRefused() {
    String email = "disabled@council.test";
    SessionLogin.addUser(node1, email, Role.CONTROLLER, PASSWORD);
    SessionLogin session = SessionLogin.of(node1, email, PASSWORD);
    SessionLogin onNode2 = new SessionLogin(node2, session.sessionId(), session.csrfToken());
    assertThat(onNode2.get("/api/v1/session").statusCode()).isEqualTo(200);

    assertThat(send(node2, HttpMethod.DELETE, "/api/v1/users/" + email, null).statusCode())
        .isEqualTo(204);
    assertThat(session.get("/api/v1/session").statusCode()).isEqualTo(401);
    assertThat(onNode2.get("/api/v1/runs").statusCode()).isEqualTo(401);
    var refused = SessionLogin.attempt(node1, email, PASSWORD);
    var wrong = SessionLogin.attempt(node1, "someone-else@council.test", PASSWORD);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.bodyAsString()).isEqualTo(wrong.bodyAsString());

    JsonObject listed =
        node1.get("/api/v1/users", admin).bodyAsJsonObject().getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(u -> u.getString("email").equals(email))
            .findFirst()
            .orElseThrow();
    assertThat(listed.getBoolean("disabled")).isTrue();
    assertThat(listed.getString("disabledAt")).isNotNull();
    assertThat(listed.getString("role")).isEqualTo("controller");

    var enabled =
        send(
            node1,
            HttpMethod.PATCH,
            "/api/v1/users/" + email,
            new JsonObject().put("disabled", false));
    assertThat(enabled.statusCode()).isEqualTo(200);
    assertThat(enabled.bodyAsJsonObject().getBoolean("disabled")).isFalse();
    SessionLogin.of(node2, email, PASSWORD);
    assertThat(
            send(node1, HttpMethod.DELETE, "/api/v1/users/nobody@council.test", null).statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "Users changing their own password keep the session they do it from and end their others;"
          + " a new role set by an admin ends all of that user's sessions")
  void passwordAndRoleChangesEndSessions() {
    String self = "head@council.test";
    SessionLogin.addUser(node1, self, Role.ADMIN, PASSWORD);
    SessionLogin here = SessionLogin.of(node1, self, PASSWORD);
    SessionLogin elsewhere = SessionLogin.of(node2, self, PASSWORD);
    var changed =
        here.request(HttpMethod.PATCH, "/api/v1/users/" + self, here.csrfToken())
            .putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("password", "a-new-password-2").toBuffer())
            .await();
    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(200);
    assertThat(here.get("/api/v1/session").statusCode()).isEqualTo(200);
    assertThat(elsewhere.get("/api/v1/session").statusCode()).isEqualTo(401);
    assertThat(SessionLogin.attempt(node2, self, PASSWORD).statusCode()).isEqualTo(401);
    SessionLogin.of(node2, self, "a-new-password-2");

    String other = "controller@council.test";
    SessionLogin.addUser(node1, other, Role.CONTROLLER, PASSWORD);
    SessionLogin theirs = SessionLogin.of(node2, other, PASSWORD);
    var demoted =
        send(
            node1,
            HttpMethod.PATCH,
            "/api/v1/users/" + other,
            new JsonObject().put("role", "viewer"));
    assertThat(demoted.statusCode()).isEqualTo(200);
    assertThat(demoted.bodyAsJsonObject().getString("role")).isEqualTo("viewer");
    assertThat(theirs.get("/api/v1/session").statusCode()).isEqualTo(401);
    var again = SessionLogin.attempt(node1, other, PASSWORD);
    assertThat(again.bodyAsJsonObject().getString("role")).isEqualTo("viewer");
  }

  @Test
  @DisplayName("A change with nothing to change, or a bad value, is a 400 naming the field")
  void badChangesNamed() {
    String email = "viewer@council.test";
    SessionLogin.addUser(node1, email, Role.VIEWER, PASSWORD);
    Map<JsonObject, String> cases =
        Map.of(
            new JsonObject(),
            "role",
            new JsonObject().put("role", "boss"),
            "role",
            new JsonObject().put("password", "short"),
            "password",
            new JsonObject().put("disabled", "yes"),
            "disabled",
            new JsonObject().put("role", "school"),
            "schoolId");
    cases.forEach(
        (body, field) -> {
          var response = send(node1, HttpMethod.PATCH, "/api/v1/users/" + email, body);
          assertThat(response.statusCode()).as(body.encode()).isEqualTo(400);
          assertThat(
                  response
                      .bodyAsJsonObject()
                      .getJsonArray("errors")
                      .getJsonObject(0)
                      .getString("field"))
              .as(body.encode())
              .isEqualTo(field);
        });
  }

  @Test
  @DisplayName(
      "users set-password, set-role, disable and list on the command line end sessions as the"
          + " API does")
  void commandLine() throws Exception {
    String email = "cli@council.test";
    SessionLogin.addUser(node1, email, Role.VIEWER, PASSWORD);
    SessionLogin session = SessionLogin.of(node1, email, PASSWORD);
    assertThat(
            cli(
                "a-new-password-3\n",
                "users",
                "set-password",
                "--email",
                email,
                "--password-stdin"))
        .isZero();
    assertThat(session.get("/api/v1/session").statusCode()).isEqualTo(401);
    session = SessionLogin.of(node2, email, "a-new-password-3");
    assertThat(cli("", "users", "set-role", "--email", email, "--role", "manager")).isZero();
    assertThat(session.get("/api/v1/session").statusCode()).isEqualTo(401);
    assertThat(
            SessionLogin.of(node1, email, "a-new-password-3")
                .get("/api/v1/session")
                .bodyAsJsonObject()
                .getString("role"))
        .isEqualTo("manager");
    assertThat(cli("", "users", "disable", "--email", email)).isZero();
    assertThat(SessionLogin.attempt(node1, email, "a-new-password-3").statusCode()).isEqualTo(401);
    assertThat(cli("", "users", "disable", "--email", "nobody@council.test")).isEqualTo(1);
    assertThat(cli("", "users", "list")).isZero();
    assertThat(cli("", "keys", "list")).isZero();
  }
}
