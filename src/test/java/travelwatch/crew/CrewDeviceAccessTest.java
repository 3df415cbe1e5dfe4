package travelwatch.crew;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.Events;
import travelwatch.support.TestClock;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Crew phones over the API: sign-in codes made by the office, device tokens, what a device may send
 * and read, and taking a phone back. Real server, real PostgreSQL, virtual time.
 */
@Timeout(120)
@DisplayName("Crew devices: codes, tokens and what a phone may do")
class CrewDeviceAccessTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:50:00Z"));
  private TestServer server;
  private String admin;
  private String operatorA;
  private String operatorB;

  @BeforeEach
  void start() {
    server = new TestServer(Map.of(), clock);
    admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<Buffer> newCode(String key, String crewId) {
    return server.post("/api/v1/crew/" + crewId + "/sign-in-codes", key, new JsonObject());
  }

  private String code(String key, String crewId) {
    HttpResponse<Buffer> r = newCode(key, crewId);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("code")).matches("[0-9]{8}");
    assertThat(Instant.parse(body.getString("expiresAt")))
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
    return body.getString("code");
  }

  private HttpResponse<Buffer> signIn(String code) {
    return server.post(
        "/api/v1/crew/devices",
        null,
        new JsonObject().put("code", code).put("deviceName", "Pixel"));
  }

  private JsonObject device(String code) {
    HttpResponse<Buffer> r = signIn(code);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName(
      "An operator makes a code for its own driver, the phone trades it for a token once, and the"
          + " token reads that driver's runs with pupils by reference")
  void codeTokenRuns() {
    String code = code(operatorA, TwoOperators.DRIVER_A);
    JsonObject device = device(code);
    assertThat(device.getString("token")).startsWith("twd_").hasSizeGreaterThan(40);
    assertThat(device.getString("crewId")).isEqualTo(TwoOperators.DRIVER_A);
    assertThat(device.getString("operatorId")).isEqualTo("OPA");
    assertThat(
            TestPostgres.count(
                server.database,
                "select count(*) from crew_device where token_hash = sha256(convert_to('"
                    + device.getString("token")
                    + "', 'UTF8'))"))
        .as("only the token's hash is stored")
        .isEqualTo(1);

    assertThat(signIn(code).statusCode()).as("a code works once").isEqualTo(401);

    HttpResponse<Buffer> runs = server.get("/api/v1/crew/me/runs", device.getString("token"));
    assertThat(runs.statusCode()).as(runs.bodyAsString()).isEqualTo(200);
    JsonArray items = runs.bodyAsJsonObject().getJsonArray("items");
    assertThat(items).hasSize(1);
    JsonObject run = items.getJsonObject(0);
    assertThat(run.getString("id")).isEqualTo(TwoOperators.RUN_A);
    assertThat(run.getString("schoolName")).isEqualTo("Hillcrest School");
    assertThat(run.getJsonArray("stops").getJsonObject(0).getJsonArray("pickups"))
        .containsExactly(TwoOperators.PUPIL_A);
    assertThat(run.getJsonObject("recorded").getJsonArray("boarded")).isEmpty();
    assertThat(runs.bodyAsString()).doesNotContain(TwoOperators.PUPIL_B, TwoOperators.RUN_B);

    // The operator sees the phone, and an admin may make codes for any operator's crew.
    HttpResponse<Buffer> list =
        server.get("/api/v1/crew/" + TwoOperators.DRIVER_A + "/devices", operatorA);
    assertThat(list.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("name"))
        .isEqualTo("Pixel");
    assertThat(newCode(admin, TwoOperators.DRIVER_B).statusCode()).isEqualTo(201);
  }

  @Test
  @DisplayName(
      "Another operator's crew member and an unknown one get the same 403, for codes and devices")
  void codesOnlyForOwnCrew() {
    HttpResponse<Buffer> other = newCode(operatorA, TwoOperators.DRIVER_B);
    HttpResponse<Buffer> unknown = newCode(operatorA, "NOBODY");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(unknown.statusCode()).isEqualTo(403);
    assertThat(other.bodyAsString()).isEqualTo(unknown.bodyAsString());
    assertThat(
            server
                .get("/api/v1/crew/" + TwoOperators.DRIVER_B + "/devices", operatorA)
                .statusCode())
        .isEqualTo(403);
    assertThat(newCode(null, TwoOperators.DRIVER_A).statusCode()).isEqualTo(401);
    assertThat(newCode(server.scopeKey(Scope.CONTROL), TwoOperators.DRIVER_A).statusCode())
        .isEqualTo(403);
  }

  @Test
  @DisplayName(
      "A device may post its operator's run events, not another operator's run, not compliance"
          + " records, and not a driver of another operator")
  void whatADeviceMaySend() {
    String token = device(code(operatorA, TwoOperators.DRIVER_A)).getString("token");
    Events.store(
        server,
        token,
        Events.event("run.started", "2026-11-23T07:45:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.DRIVER_A)
            .put("vehicleReg", "BX19 ABC"));
    HttpResponse<Buffer> detail = server.get("/api/v1/runs/" + TwoOperators.RUN_A, admin);
    assertThat(
            detail.bodyAsJsonObject().getJsonArray("timeline").getJsonObject(0).getString("source"))
        .isEqualTo("crew");

    HttpResponse<Buffer> otherRun =
        server.post(
            "/api/v1/events",
            token,
            Events.event("run.started", "2026-11-23T07:46:00Z").put("runId", TwoOperators.RUN_B));
    assertThat(otherRun.statusCode()).isEqualTo(403);
    HttpResponse<Buffer> dbs =
        server.post(
            "/api/v1/events",
            token,
            Events.example("crew.dbs_checked").put("occurredAt", "2026-11-23T07:46:00Z"));
    assertThat(dbs.statusCode()).isEqualTo(403);
    HttpResponse<Buffer> otherDriver =
        server.post(
            "/api/v1/events",
            token,
            Events.event("crew.assigned", "2026-11-23T07:46:00Z")
                .put("runId", TwoOperators.RUN_A)
                .put("driverId", TwoOperators.DRIVER_B)
                .put("vehicleReg", "BX19 ABC"));
    assertThat(otherDriver.statusCode()).isEqualTo(403);
    assertThat(otherDriver.bodyAsString()).contains("driverId");
    assertThat(
            TestPostgres.count(server.database, "select count(*) from event where source = 'crew'"))
        .isEqualTo(1);
    assertThat(server.get("/metrics", null).bodyAsString())
        .contains("travelwatch_events_ingested_total{source=\"crew\",type=\"run.started\"} 1.0");
    // A device is not an operator's key: it reads only its own runs.
    assertThat(server.get("/api/v1/runs?date=2026-11-23", token).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName(
      "A crew member's phone signed in again re-sends its waiting events as duplicates, never"
          + " stored twice")
  void signedInAgainResendsAsDuplicates() {
    JsonObject event =
        Events.event("run.started", "2026-11-23T07:45:00Z").put("runId", TwoOperators.RUN_A);
    String first = device(code(operatorA, TwoOperators.DRIVER_A)).getString("token");
    Events.store(server, first, event);
    String second = device(code(operatorA, TwoOperators.DRIVER_A)).getString("token");
    HttpResponse<Buffer> again = server.post("/api/v1/events", second, event);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.bodyAsJsonObject().getInteger("duplicates")).isEqualTo(1);
    assertThat(TestPostgres.count(server.database, "select count(*) from event")).isEqualTo(1);
  }

  @Test
  @DisplayName("A revoked device gets a 401 at once, on its very next request")
  void revokedDevice() {
    JsonObject device = device(code(operatorA, TwoOperators.DRIVER_A));
    String token = device.getString("token");
    assertThat(server.get("/api/v1/crew/me/runs", token).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> revoked =
        server
            .client
            .delete(
                "/api/v1/crew/" + TwoOperators.DRIVER_A + "/devices/" + device.getLong("deviceId"))
            .putHeader("Authorization", "Bearer " + operatorA)
            .send()
            .await();
    assertThat(revoked.statusCode()).isEqualTo(204);
    assertThat(server.get("/api/v1/crew/me/runs", token).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> post =
        server.post(
            "/api/v1/events",
            token,
            Events.event("run.completed", "2026-11-23T07:46:00Z").put("runId", TwoOperators.RUN_A));
    assertThat(post.statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "An expired code and a code burnt by five wrong tries get the same 401 as a wrong one")
  void expiredAndBurntCodes() {
    String expiring = code(operatorA, TwoOperators.DRIVER_A);
    clock.advance(Duration.ofMinutes(15).plusSeconds(1));
    HttpResponse<Buffer> expired = signIn(expiring);
    assertThat(expired.statusCode()).isEqualTo(401);

    String code = code(operatorA, TwoOperators.DRIVER_A);
    int last = code.charAt(7) - '0';
    HttpResponse<Buffer> wrong = null;
    for (int i = 1; i <= 5; i++) {
      String guess = code.substring(0, 7) + ((last + i) % 10);
      wrong = signIn(guess);
      assertThat(wrong.statusCode()).isEqualTo(401);
    }
    assertThat(wrong.bodyAsString()).isEqualTo(expired.bodyAsString());
    assertThat(signIn(code).statusCode())
        .as("the right code after five wrong tries")
        .isEqualTo(401);

    // A wrong try names its code by the first three digits: another live code is unharmed.
    String other = code(operatorA, TwoOperators.GUIDE_A);
    String survivor = code(operatorA, TwoOperators.DRIVER_A);
    for (int i = 0; i < 5; i++) {
      signIn(other.substring(0, 3) + "99999".substring(0, 5));
    }
    assertThat(signIn(survivor).statusCode()).isEqualTo(201);
  }
}
