package travelwatch.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.PlanJson;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("The audit trail: who reached which child's data, kept and never changed")
class AuditTrailTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String CONTROLLER = "duty@council.test";

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
  private TestServer server;
  private String admin;
  private String operatorA;
  private SessionLogin controller;

  @BeforeEach
  void start() {
    server = new TestServer(Map.of("TW_SESSION_IDLE_MINUTES", "720"), clock);
    admin = server.scopeKey(Scope.ADMIN);
    HttpResponse<Buffer> plan =
        server.post("/api/v1/plan", admin, PlanJson.write(TwoOperators.plan()));
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    SessionLogin.addUser(server, CONTROLLER, Role.CONTROLLER, PASSWORD);
    controller = SessionLogin.of(server, CONTROLLER, PASSWORD);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonArray audit(String query) {
    HttpResponse<Buffer> r =
        server.get("/api/v1/audit?from=2026-11-23&to=2026-11-23" + query, admin);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  private static List<String> actions(JsonArray items) {
    List<String> actions = new ArrayList<>();
    items.forEach(o -> actions.add(((JsonObject) o).getString("action")));
    return actions;
  }

  @Test
  @DisplayName(
      "A pupil lookup, a run's detail and a sign-in are each recorded with who, from where, what"
          + " and which object")
  void accessesAreRecorded() {
    assertThat(controller.get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today").statusCode())
        .isEqualTo(200);
    assertThat(server.get("/api/v1/runs/" + TwoOperators.RUN_A, operatorA).statusCode())
        .isEqualTo(200);

    JsonArray items = audit("");
    JsonObject lookup = find(items, "pupil.lookup");
    assertThat(lookup.getString("actor")).isEqualTo("user:" + CONTROLLER);
    assertThat(lookup.getString("pupilId")).isEqualTo(TwoOperators.PUPIL_A);
    assertThat(lookup.getString("objectType")).isEqualTo("pupil");
    assertThat(lookup.getString("address")).isEqualTo("127.0.0.1");
    assertThat(lookup.getString("at")).startsWith("2026-11-23T07:30");
    JsonObject detail = find(items, "run.view");
    assertThat(detail.getString("actor")).startsWith("key:");
    assertThat(detail.getString("objectId")).isEqualTo(TwoOperators.RUN_A);
    JsonObject signIn = find(items, "session.sign-in");
    assertThat(signIn.getString("actor")).isEqualTo("user:" + CONTROLLER);
    // Newest first.
    assertThat(actions(items)).containsSubsequence("run.view", "pupil.lookup", "session.sign-in");
  }

  @Test
  @DisplayName(
      "A crew sign-in code issued by an operator and the phone it signs in are both recorded")
  void crewDevicesAreRecorded() {
    HttpResponse<Buffer> code =
        server.post(
            "/api/v1/crew/" + TwoOperators.DRIVER_A + "/sign-in-codes",
            operatorA,
            new JsonObject());
    assertThat(code.statusCode()).as(code.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> device =
        server.post(
            "/api/v1/crew/devices",
            null,
            new JsonObject().put("code", code.bodyAsJsonObject().getString("code")));
    assertThat(device.statusCode()).as(device.bodyAsString()).isEqualTo(201);
    long deviceId = device.bodyAsJsonObject().getLong("deviceId");

    JsonObject issued = find(audit(""), "crew.sign-in-code");
    assertThat(issued.getString("actor")).startsWith("key:");
    assertThat(issued.getString("objectId")).isEqualTo(TwoOperators.DRIVER_A);
    JsonObject registered = find(audit(""), "crew.device.register");
    assertThat(registered.getString("actor")).isEqualTo("device:" + deviceId);
    assertThat(registered.getString("objectId")).isEqualTo(TwoOperators.DRIVER_A);
  }

  @Test
  @DisplayName("A refused sign-in is recorded; the password never is")
  void refusedSignInIsRecorded() {
    HttpResponse<Buffer> refused = SessionLogin.attempt(server, CONTROLLER, "not the password");
    assertThat(refused.statusCode()).isEqualTo(401);
    JsonObject entry = find(audit("&action=session.sign-in-refused"), "session.sign-in-refused");
    assertThat(entry.getString("actor")).isEqualTo("user:" + CONTROLLER);
    assertThat(entry.encode()).doesNotContain("not the password");
  }

  @Test
  @DisplayName(
      "Searching by pupil finds the lookups of that pupil and the views of the runs that carry"
          + " them, not another pupil's")
  void searchByPupil() {
    controller.get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today");
    controller.get("/api/v1/pupils/" + TwoOperators.PUPIL_B + "/today");
    controller.get("/api/v1/runs/" + TwoOperators.RUN_A);
    controller.get("/api/v1/runs/" + TwoOperators.RUN_B);

    JsonArray ofA = audit("&pupilId=" + TwoOperators.PUPIL_A);
    assertThat(actions(ofA)).containsExactly("run.view", "pupil.lookup");
    assertThat(ofA.getJsonObject(0).getString("objectId")).isEqualTo(TwoOperators.RUN_A);
    assertThat(ofA.getJsonObject(1).getString("pupilId")).isEqualTo(TwoOperators.PUPIL_A);

    JsonArray byActor = audit("&actor=user:" + CONTROLLER + "&action=run.view");
    assertThat(byActor).hasSize(2);
    assertThat(
            server
                .get("/api/v1/audit?from=2026-11-24&to=2026-11-24", admin)
                .bodyAsJsonObject()
                .getJsonArray("items"))
        .isEmpty();
  }

  @Test
  @DisplayName("The trail exports as CSV with one row per entry")
  void csvExport() {
    controller.get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today");
    HttpResponse<Buffer> csv =
        server.get(
            "/api/v1/audit?from=2026-11-23&to=2026-11-23&action=pupil.lookup&format=csv", admin);
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
    String[] lines = csv.bodyAsString().split("\r\n");
    assertThat(lines[0]).isEqualTo(AuditCsv.HEADER);
    assertThat(lines).hasSize(2);
    assertThat(lines[1])
        .contains(",user:" + CONTROLLER + ",127.0.0.1,pupil.lookup,pupil,P-A1,P-A1");
  }

  @Test
  @DisplayName("A bad range or format is a 400 naming the parameter")
  void badQuery() {
    HttpResponse<Buffer> r = server.get("/api/v1/audit?from=2026-11-24&to=2026-11-23", admin);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("\"to\"");
    r = server.get("/api/v1/audit?format=xml", admin);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("\"format\"");
  }

  @Test
  @DisplayName(
      "No one changes or deletes an entry: the API has no such route and the database refuses"
          + " updates, deletes and truncation")
  void appendOnly() throws SQLException {
    controller.get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today");
    long before = TestPostgres.count(server.database, "select count(*) from audit");
    assertThat(before).isPositive();
    for (HttpMethod method : List.of(HttpMethod.DELETE, HttpMethod.PUT, HttpMethod.PATCH)) {
      HttpResponse<Buffer> r =
          server
              .client
              .request(method, server.port, "localhost", "/api/v1/audit")
              .bearerTokenAuthentication(admin)
              .sendBuffer(Buffer.buffer("{}"))
              .await();
      assertThat(r.statusCode()).as(method.name()).isIn(404, 405);
    }
    try (Connection c = TestPostgres.connect(server.database);
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("update audit set actor = 'someone else'"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.execute("delete from audit")).hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.execute("truncate audit")).hasMessageContaining("append-only");
    }
    assertThat(TestPostgres.count(server.database, "select count(*) from audit")).isEqualTo(before);
    assertThat(
            TestPostgres.count(
                server.database, "select count(*) from audit where actor = 'someone else'"))
        .isZero();
  }

  @Test
  @DisplayName("Retention forgets only the entries older than its limit")
  void retentionForgetsOldEntries() {
    controller.get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today");
    AuditStore store = new AuditStore(server.pool(), clock);
    clock.advance(java.time.Duration.ofDays(3));
    // Three days on there is no run to show, but the lookup is recorded all the same.
    server.get("/api/v1/pupils/" + TwoOperators.PUPIL_B + "/today", admin);
    int forgotten = store.forgetBefore(clock.instant().minus(java.time.Duration.ofDays(1))).await();
    assertThat(forgotten).isGreaterThanOrEqualTo(2); // the sign-in and the first lookup
    assertThat(
            TestPostgres.count(
                server.database, "select count(*) from audit where pupil_id = 'P-A1'"))
        .isZero();
    assertThat(
            TestPostgres.count(
                server.database, "select count(*) from audit where pupil_id = 'P-B1'"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("A pupil's data is not answered when its access cannot be recorded")
  void noAnswerWithoutARecord() throws SQLException {
    try (Connection c = TestPostgres.connect(server.database);
        Statement s = c.createStatement()) {
      s.execute("alter table audit rename to audit_away");
    }
    HttpResponse<Buffer> r = controller.get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today");
    assertThat(r.statusCode()).isGreaterThanOrEqualTo(500);
    assertThat(r.bodyAsString()).doesNotContain("RA-AM");
    try (Connection c = TestPostgres.connect(server.database);
        Statement s = c.createStatement()) {
      s.execute("alter table audit_away rename to audit");
    }
    assertThat(server.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  private static JsonObject find(JsonArray items, String action) {
    for (Object o : items) {
      if (action.equals(((JsonObject) o).getString("action"))) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no " + action + " in " + items.encodePrettily());
  }
}
