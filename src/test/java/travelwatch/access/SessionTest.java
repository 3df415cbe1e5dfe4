package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.config.ConfigException;
import travelwatch.config.SessionConfig;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.support.Contract;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;

@Timeout(180)
@DisplayName("Control-room sessions: login, timeouts on the service clock, logout and CSRF")
class SessionTest {
  private static final String PASSWORD = "correct horse battery";
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:00:00Z"));
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(Map.of(), clock);
    for (Role role : Role.values()) {
      SessionLogin.addUser(server, email(role), role, PASSWORD);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String email(Role role) {
    return role.wireName() + "@council.example";
  }

  private static SessionLogin login(Role role) {
    return SessionLogin.of(server, email(role), PASSWORD);
  }

  private static long count(String sql, Object... params) {
    return server
        .pool()
        .preparedQuery(sql)
        .execute(Tuple.wrap(params))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static long storedSessions(String email) {
    return count(
        "select count(*) from app_session s join app_user u on u.id = s.user_id"
            + " where u.email = $1",
        email);
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(status);
  }

  @Test
  @DisplayName(
      "Logging in answers the user, role and a CSRF token and sets an HttpOnly, SameSite=Strict"
          + " cookie for the whole site; only a hash of the session id is stored")
  void loginStartsASession() {
    HttpResponse<Buffer> response = SessionLogin.attempt(server, email(Role.CONTROLLER), PASSWORD);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("email")).isEqualTo(email(Role.CONTROLLER));
    assertThat(body.getString("role")).isEqualTo("controller");
    assertThat(body.getString("csrfToken")).hasSizeGreaterThanOrEqualTo(43);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    new Contract().assertValid("Session", body);

    // Cookie attribute names are case-insensitive (RFC 6265); Netty writes "HTTPOnly".
    String cookieLine = SessionLogin.setCookieLine(response).orElseThrow().toLowerCase();
    assertThat(cookieLine).contains("; httponly", "; samesite=strict", "; path=/");
    assertThat(cookieLine).doesNotContain("secure");
    String id = SessionLogin.sessionCookie(response).orElseThrow();
    assertThat(id).hasSizeGreaterThanOrEqualTo(43);

    Row stored =
        server
            .pool()
            .preparedQuery("select id_hash, csrf_token from app_session where id_hash = $1")
            .execute(Tuple.of(Buffer.buffer(ApiKeys.hash(id))))
            .await()
            .iterator()
            .next();
    assertThat(HexFormat.of().formatHex(stored.getBuffer("id_hash").getBytes()))
        .isNotEqualTo(id)
        .doesNotContain(id);
    assertThat(stored.getString("csrf_token")).isEqualTo(body.getString("csrfToken"));

    SessionLogin session = new SessionLogin(server, id, body.getString("csrfToken"));
    HttpResponse<Buffer> current = session.get("/api/v1/session");
    assertThat(current.statusCode()).isEqualTo(200);
    assertThat(current.bodyAsJsonObject()).isEqualTo(body);
  }

  @Test
  @DisplayName(
      "Every login gets a new session id, and logging in again with the old cookie ends the old"
          + " session")
  void newIdAtEveryLogin() {
    SessionLogin first = login(Role.VIEWER);
    HttpResponse<Buffer> again =
        server
            .client
            .post("/api/v1/session")
            .putHeader("Content-Type", "application/json")
            .putHeader("Cookie", "tw_session=" + first.sessionId())
            .sendBuffer(
                new JsonObject()
                    .put("email", email(Role.VIEWER))
                    .put("password", PASSWORD)
                    .toBuffer())
            .await();
    assertThat(again.statusCode()).isEqualTo(200);
    String second = SessionLogin.sessionCookie(again).orElseThrow();
    assertThat(second).isNotEqualTo(first.sessionId());
    assertThat(again.bodyAsJsonObject().getString("csrfToken")).isNotEqualTo(first.csrfToken());
    assertThat(first.get("/api/v1/session").statusCode()).isEqualTo(401);
    assertThat(new SessionLogin(server, second, null).get("/api/v1/session").statusCode())
        .isEqualTo(200);
  }

  @Test
  @DisplayName(
      "An unknown email and a wrong password get the same 401 with no cookie, and both pay for a"
          + " full password hash")
  void badLoginsLookTheSame() {
    // Warm up the hash and the path so the timings compare like with like.
    SessionLogin.attempt(server, email(Role.VIEWER), "wrong password");

    long t0 = System.nanoTime();
    HttpResponse<Buffer> unknown = SessionLogin.attempt(server, "nobody@council.example", PASSWORD);
    long unknownNanos = System.nanoTime() - t0;
    t0 = System.nanoTime();
    HttpResponse<Buffer> wrong = SessionLogin.attempt(server, email(Role.VIEWER), "not it at all");
    long wrongNanos = System.nanoTime() - t0;

    assertProblem(unknown, 401);
    assertProblem(wrong, 401);
    assertThat(unknown.bodyAsJsonObject()).isEqualTo(wrong.bodyAsJsonObject());
    assertThat(unknown.cookies()).isEmpty();
    assertThat(wrong.cookies()).isEmpty();
    // Without the stand-in hash an unknown email answers in a few milliseconds, not ~as slowly.
    assertThat(unknownNanos).isGreaterThan(wrongNanos * 3 / 10);

    HttpResponse<Buffer> noPassword =
        server
            .client
            .post("/api/v1/session")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("email", email(Role.VIEWER)).toBuffer())
            .await();
    assertProblem(noPassword, 400);
    assertThat(noPassword.bodyAsJsonObject().getJsonArray("errors").encode()).contains("password");

    HttpResponse<Buffer> form =
        server
            .client
            .post("/api/v1/session")
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer("email=viewer%40council.example&password=x"))
            .await();
    assertThat(form.statusCode()).as("a cross-site form cannot log anyone in").isEqualTo(401);
    assertThat(form.cookies()).isEmpty();
  }

  @Test
  @DisplayName(
      "A session ends after 30 minutes without use, checked against the service clock; use keeps"
          + " it alive")
  void idleTimeout() {
    SessionLogin session = login(Role.CONTROLLER);
    assertThat(session.get("/api/v1/alerts").statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(29));
    assertThat(session.get("/api/v1/session").statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(29));
    assertThat(session.get("/api/v1/alerts").statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(30));
    assertProblem(session.get("/api/v1/alerts"), 401);
    assertThat(session.get("/api/v1/session").statusCode()).isEqualTo(401);
    assertThat(
            count(
                "select count(*) from app_session where id_hash = $1",
                Buffer.buffer(ApiKeys.hash(session.sessionId()))))
        .as("the expired session's row is gone")
        .isZero();
  }

  @Test
  @DisplayName("A session ends 12 hours after login however busy it is")
  void absoluteTimeout() {
    SessionLogin session = login(Role.MANAGER);
    for (int i = 0; i < 35; i++) {
      clock.advance(Duration.ofMinutes(20));
      assertThat(session.get("/api/v1/session").statusCode())
          .as("after %d minutes", (i + 1) * 20)
          .isEqualTo(200);
    }
    clock.advance(Duration.ofMinutes(19));
    assertThat(session.get("/api/v1/session").statusCode()).as("at 11:59").isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
    assertThat(session.get("/api/v1/session").statusCode()).as("at 12:00").isEqualTo(401);
  }

  @Test
  @DisplayName(
      "Logging out deletes the session and the cookie: the old cookie then gets 401 from the API")
  void logout() {
    SessionLogin session = login(Role.CONTROLLER);
    SessionLogin other = login(Role.CONTROLLER);
    HttpResponse<Buffer> out = session.logout(session.csrfToken());
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(SessionLogin.setCookieLine(out).orElseThrow()).contains("Max-Age=0");
    assertProblem(session.get("/api/v1/alerts"), 401);
    assertThat(session.get("/api/v1/session").statusCode()).isEqualTo(401);
    assertProblem(session.logout(session.csrfToken()), 401);
    assertThat(other.get("/api/v1/alerts").statusCode())
        .as("the user's other session goes on")
        .isEqualTo(200);
    other.logout(other.csrfToken());
    assertThat(storedSessions(email(Role.CONTROLLER))).isZero();
  }

  @Test
  @DisplayName(
      "A state-changing request with the cookie but a missing or wrong CSRF token is a 403 and"
          + " changes nothing; with the token it goes through")
  void csrf() {
    SessionLogin admin = login(Role.ADMIN);
    SessionLogin otherAdmin = login(Role.ADMIN);
    JsonObject newKey = new JsonObject().put("scope", "control");

    HttpResponse<Buffer> missing = admin.postWithToken("/api/v1/keys", newKey, null);
    assertProblem(missing, 403);
    assertThat(missing.bodyAsJsonObject().getString("detail")).contains("X-CSRF-Token");
    assertProblem(admin.postWithToken("/api/v1/keys", newKey, "not-the-token"), 403);
    assertProblem(admin.postWithToken("/api/v1/keys", newKey, otherAdmin.csrfToken()), 403);
    assertThat(keys()).as("no key was created").isZero();

    HttpResponse<Buffer> created = admin.post("/api/v1/keys", newKey);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(keys()).isEqualTo(1);

    assertProblem(admin.logout(null), 403);
    assertProblem(admin.logout("wrong"), 403);
    assertThat(admin.get("/api/v1/session").statusCode())
        .as("a refused logout leaves the session")
        .isEqualTo(200);
  }

  private static long keys() {
    return count("select count(*) from api_key where scope = 'control'");
  }

  @Test
  @DisplayName(
      "Requests with an API key need no CSRF token, even with a session cookie beside it; a key"
          + " has no session")
  void bearerKeysAreUnaffected() {
    String adminKey = server.scopeKey(Scope.ADMIN);
    SessionLogin viewer = login(Role.VIEWER);
    HttpResponse<Buffer> byKey =
        server
            .client
            .post("/api/v1/keys")
            .putHeader("Authorization", "Bearer " + adminKey)
            .putHeader("Cookie", "tw_session=" + viewer.sessionId())
            .putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("scope", "telephony").toBuffer())
            .await();
    assertThat(byKey.statusCode()).as("the key, not the viewer's cookie, decides").isEqualTo(201);
    assertThat(server.post("/api/v1/keys", adminKey, new JsonObject().put("scope", "hr")))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(201);
    assertProblem(server.get("/api/v1/session", adminKey), 401);
    assertProblem(server.get("/api/v1/alerts", null), 401);
  }

  @Test
  @DisplayName(
      "A session acts with its user's role: viewers read, controllers handle alerts, managers"
          + " see KPIs")
  void rolesFromTheUser() {
    SessionLogin viewer = login(Role.VIEWER);
    SessionLogin controller = login(Role.CONTROLLER);
    SessionLogin manager = login(Role.MANAGER);
    assertThat(viewer.get("/api/v1/runs").statusCode()).isEqualTo(200);
    assertProblem(viewer.post("/api/v1/alerts/1/acknowledge", new JsonObject()), 403);
    assertProblem(controller.post("/api/v1/alerts/999999/acknowledge", new JsonObject()), 404);
    assertProblem(controller.get("/api/v1/kpi/daily/2026-11-20"), 403);
    assertThat(manager.get("/api/v1/kpi/daily/2026-11-20").statusCode()).isEqualTo(200);
    assertProblem(manager.post("/api/v1/keys", new JsonObject().put("scope", "hr")), 403);
  }

  @Test
  @DisplayName("Sessions live in PostgreSQL: a session survives a restart of the server")
  void survivesRestart() {
    TestClock own = new TestClock(Instant.parse("2026-11-23T07:00:00Z"));
    TestServer first = new TestServer(Map.of(), own);
    SessionLogin session;
    try {
      SessionLogin.addUser(first, "duty@council.example", Role.CONTROLLER, PASSWORD);
      session = SessionLogin.of(first, "duty@council.example", PASSWORD);
    } finally {
      first.close();
    }
    try (TestServer second = new TestServer(first.database, Map.of(), own)) {
      SessionLogin same = new SessionLogin(second, session.sessionId(), session.csrfToken());
      HttpResponse<Buffer> current = same.get("/api/v1/session");
      assertThat(current.statusCode()).isEqualTo(200);
      assertThat(current.bodyAsJsonObject().getString("email")).isEqualTo("duty@council.example");
    }
  }

  @Test
  @DisplayName(
      "Timeouts and the Secure flag are settings: TW_SECURE_COOKIES marks the cookie Secure; an"
          + " absolute timeout shorter than the idle one is refused")
  void settings() {
    TravelWatchConfig config =
        TravelWatchConfig.from(
            new Settings(
                null,
                Map.of(
                    "TW_SECURE_COOKIES", "true",
                    "TW_SESSION_IDLE_MINUTES", "15",
                    "TW_SESSION_ABSOLUTE_MINUTES", "480")),
            null);
    assertThat(config.sessions())
        .isEqualTo(new SessionConfig(Duration.ofMinutes(15), Duration.ofMinutes(480), true));
    Sessions sessions = new Sessions(null, null, Clock.systemUTC(), config.sessions());
    assertThat(sessions.cookie("abc").encode().toLowerCase())
        .contains("; secure", "; httponly", "; samesite=strict");
    assertThat(TravelWatchConfig.from(new Settings(null, Map.of()), null).sessions())
        .isEqualTo(new SessionConfig(Duration.ofMinutes(30), Duration.ofHours(12), false));
    assertThatThrownBy(
            () ->
                TravelWatchConfig.from(
                    new Settings(null, Map.of("TW_SESSION_ABSOLUTE_MINUTES", "20")), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("TW_SESSION_ABSOLUTE_MINUTES");
  }

  @Test
  @DisplayName(
      "Without a council provider, passwords are the only way in: the page is told so, and the"
          + " council's sign-in routes answer 404")
  void withoutCouncilProvider() {
    JsonObject options = server.get("/api/v1/sign-in", null).bodyAsJsonObject();
    new Contract().assertValid("SignInOptions", options);
    assertThat(options).isEqualTo(new JsonObject().put("passwords", true));
    for (String path : new String[] {"/auth/oidc/login", "/auth/oidc/callback?code=c&state=s"}) {
      HttpResponse<Buffer> response = server.get(path, null);
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getString("detail")).contains("not set up here");
    }
  }

  @Test
  @DisplayName("A user known only by a council account has no password: a password login fails")
  void councilAccountHasNoPassword() {
    new AccessStore(server.pool())
        .putCouncilUser("https://idp.example", "subject-1", "sso@council.example", Role.ADMIN, null)
        .await();
    HttpResponse<Buffer> response = SessionLogin.attempt(server, "sso@council.example", "");
    assertThat(response.statusCode()).isEqualTo(400);
    response = SessionLogin.attempt(server, "sso@council.example", "anything at all");
    assertThat(response.statusCode()).isEqualTo(401);
  }
}
