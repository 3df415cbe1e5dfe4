package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.PlanJson;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName(
    "The control room's phones and compliance panels, exact on hand-built calls and crew facts")
class ControlRoomPanelsTest {
  /** Monday 23 November 2026, 10:00 in London (GMT). */
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private static final String GUIDE_B_NO_DBS = "B-G9";
  private static final TestClock clock = new TestClock(NOW);
  private static TestServer server;
  private static String viewer;
  private static String operatorA;
  private static String operatorB;
  private static String telephony;
  private static String hr;
  private static final Contract contract = new Contract();

  @BeforeAll
  static void start() {
    // The virtual clock starts before the morning's events and each test moves it on.
    server = new TestServer(Map.of("TW_INGEST_MAX_FUTURE_SECONDS", "7200"), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    Plan base = TwoOperators.plan();
    List<Crew> crew = new ArrayList<>(base.crew());
    crew.add(
        new Crew(
            GUIDE_B_NO_DBS,
            "OPB",
            CrewRole.GUIDE,
            Optional.empty(),
            Optional.empty(),
            Optional.empty()));
    Plan plan =
        new Plan(base.operators(), base.schools(), base.pupils(), crew, base.routes(), base.runs());
    assertThat(server.post("/api/v1/plan", admin, PlanJson.write(plan)).statusCode())
        .isEqualTo(200);
    viewer = server.scopeKey(Scope.CONTROL);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    telephony = server.scopeKey(Scope.TELEPHONY);
    hr = server.scopeKey(Scope.HR);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void post(String key, JsonObject... events) {
    Events.store(server, key, events);
  }

  private static JsonObject call(String type, String callId, String at) {
    return Events.event(type, at).put("callId", callId).put("queue", "transport");
  }

  private static JsonObject getJson(String path) {
    HttpResponse<Buffer> response = server.get(path, viewer);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static JsonObject counts(long offered, long answered, long abandoned, Double percent) {
    return new JsonObject()
        .put("offered", offered)
        .put("answered", answered)
        .put("abandoned", abandoned)
        .put(
            "answerRate",
            new JsonObject()
                .put("numerator", answered)
                .put("denominator", offered)
                .put("percent", percent));
  }

  @Test
  @Order(1)
  @DisplayName(
      "Calls today: each call once however often it is reported, the window up to now with its"
          + " edges exact, calls waiting and the longest wait")
  void callsToday() {
    post(
        telephony,
        call("call.offered", "C0", "2026-11-22T15:00:00Z"), // yesterday
        call("call.offered", "C1", "2026-11-23T08:00:00Z"),
        call("call.answered", "C1", "2026-11-23T08:01:00Z"),
        call("call.offered", "C2", "2026-11-23T08:30:00Z"),
        call("call.abandoned", "C2", "2026-11-23T08:35:00Z"),
        call("call.offered", "C3", "2026-11-23T09:10:00Z"),
        call("call.offered", "C3", "2026-11-23T09:10:00Z"), // reported twice
        call("call.answered", "C3", "2026-11-23T09:12:00Z"),
        call("call.offered", "C4", "2026-11-23T09:20:00Z"),
        call("call.offered", "C5", "2026-11-23T09:50:00Z"),
        call("call.offered", "C6", "2026-11-23T08:50:00Z"),
        call("call.answered", "C6", "2026-11-23T09:05:00Z"),
        call("call.answered", "C7", "2026-11-23T09:30:00Z"), // its offer never reported
        call("call.offered", "C8", "2026-11-23T09:40:00Z"),
        call("call.abandoned", "C8", "2026-11-23T09:45:00Z"),
        call("call.offered", "C9", "2026-11-23T10:30:00Z")); // later today than now

    JsonObject at10 = getJson("/api/v1/calls/today");
    contract.assertValid("CallsToday", at10);
    assertThat(at10.getString("date")).isEqualTo("2026-11-23");
    assertThat(at10.getJsonObject("today")).isEqualTo(counts(9, 4, 2, 44.44));
    // (09:00, 10:00]: offered C3 C4 C5 C7 C8; answered C3 C6 C7; abandoned C8.
    assertThat(at10.getJsonObject("window")).isEqualTo(counts(5, 3, 1, 60.00).put("minutes", 60));
    assertThat(at10.getLong("waiting")).as("C4 and C5").isEqualTo(2);
    assertThat(at10.getLong("longestWaitSeconds")).as("C4 since 09:20").isEqualTo(2400);
    assertThat(at10.getString("longestWaitingSince")).isEqualTo("2026-11-23T09:20:00Z");

    clock.set(Instant.parse("2026-11-23T10:30:00Z"));
    try {
      JsonObject at1030 = getJson("/api/v1/calls/today");
      // (09:30, 10:30]: C7 at 09:30 is out; C9 at 10:30 is in.
      assertThat(at1030.getJsonObject("window"))
          .isEqualTo(counts(3, 0, 1, 0.00).put("minutes", 60));
      assertThat(at1030.getLong("waiting")).as("C4, C5 and now C9").isEqualTo(3);
      assertThat(at1030.getLong("longestWaitSeconds")).isEqualTo(4200);
    } finally {
      clock.set(NOW);
    }
  }

  @Test
  @Order(2)
  @DisplayName("With no calls there is no answer rate (null, never 100%) and nobody waiting")
  void noCalls() {
    clock.set(Instant.parse("2026-11-24T09:00:00Z"));
    try {
      JsonObject empty = getJson("/api/v1/calls/today");
      contract.assertValid("CallsToday", empty);
      assertThat(empty.getJsonObject("today")).isEqualTo(counts(0, 0, 0, null));
      assertThat(empty.getLong("waiting")).isZero();
      assertThat(empty.getLong("longestWaitSeconds")).isZero();
      assertThat(empty.containsKey("longestWaitingSince")).isFalse();
    } finally {
      clock.set(NOW);
    }
  }

  private static JsonObject dbsChecked(
      String crewId, String at, String issuedOn, boolean barredListChecked, boolean updateService) {
    return Events.event("crew.dbs_checked", at)
        .put("crewId", crewId)
        .put("certificateNumber", "001234567800")
        .put("issuedOn", issuedOn)
        .put("outcome", "clear")
        .put("barredListChecked", barredListChecked)
        .put("updateService", updateService);
  }

  private static JsonObject badge(String crewId, String at, String expiresOn) {
    return Events.event("crew.badge_updated", at)
        .put("crewId", crewId)
        .put("badgeNumber", "BHX" + expiresOn.replace("-", ""))
        .put("licensingAuthority", "Birmingham City Council")
        .put("expiresOn", expiresOn);
  }

  private static JsonObject crew(String id, String role) {
    return new JsonObject().put("crewId", id).put("role", role);
  }

  @Test
  @Order(3)
  @DisplayName(
      "Compliance by operator from the plan and every crew event, the later fact winning: not"
          + " cleared, invalid DBS (none, no barred list, too old), badges within 30 days or"
          + " expired; crew ids only")
  void compliance() {
    post(
        operatorA,
        dbsChecked(TwoOperators.GUIDE_A, "2026-11-02T09:00:00Z", "2026-10-30", false, true),
        badge(TwoOperators.DRIVER_A, "2026-11-20T09:00:00Z", "2026-12-23"),
        // Older than the update above though it arrives after it: it must not win.
        badge(TwoOperators.DRIVER_A, "2026-11-01T09:00:00Z", "2027-12-01"));
    post(
        operatorB,
        dbsChecked(TwoOperators.DRIVER_B, "2026-11-03T09:00:00Z", "2023-11-22", true, false),
        badge(TwoOperators.DRIVER_B, "2026-11-03T09:00:00Z", "2026-11-01"));

    JsonObject all = getJson("/api/v1/compliance");
    contract.assertValid("Compliance", all);
    assertThat(all.getString("date")).isEqualTo("2026-11-23");
    assertThat(all.getJsonObject("totals"))
        .isEqualTo(
            new JsonObject()
                .put("crew", 5)
                .put("notCleared", 1)
                .put("dbsInvalid", 3)
                .put("badgesExpiring", 2));
    JsonArray operators = all.getJsonArray("operators");
    assertThat(operators).hasSize(2);
    JsonObject a = operators.getJsonObject(0);
    assertThat(a.getString("operatorId")).isEqualTo("OPA");
    assertThat(a.getInteger("crew")).isEqualTo(3);
    assertThat(a.getJsonArray("notCleared"))
        .isEqualTo(new JsonArray().add(crew(TwoOperators.UNCLEARED_DRIVER_A, "driver")));
    assertThat(a.getJsonArray("dbsInvalid"))
        .isEqualTo(
            new JsonArray()
                .add(
                    crew(TwoOperators.GUIDE_A, "guide")
                        .put("problem", "DBS without the children's barred-list check")));
    assertThat(a.getJsonArray("badgesExpiring"))
        .isEqualTo(
            new JsonArray()
                .add(
                    crew(TwoOperators.DRIVER_A, "driver")
                        .put("expiresOn", "2026-12-23")
                        .put("daysLeft", 30)));

    JsonObject b = operators.getJsonObject(1);
    assertThat(b.getString("operatorId")).isEqualTo("OPB");
    assertThat(b.getInteger("crew")).isEqualTo(2);
    assertThat(b.getJsonArray("notCleared")).isEmpty();
    assertThat(b.getJsonArray("dbsInvalid"))
        .isEqualTo(
            new JsonArray()
                .add(
                    crew(TwoOperators.DRIVER_B, "driver")
                        .put(
                            "problem",
                            "DBS issued 2023-11-22 is over 3 years old and not on the Update"
                                + " Service"))
                .add(crew(GUIDE_B_NO_DBS, "guide").put("problem", "no DBS check on record")));
    assertThat(b.getJsonArray("badgesExpiring"))
        .isEqualTo(
            new JsonArray()
                .add(
                    crew(TwoOperators.DRIVER_B, "driver")
                        .put("expiresOn", "2026-11-01")
                        .put("daysLeft", -22)));

    String text = all.encode();
    for (String name : List.of("Oakfield", "Brookvale", "Hillcrest")) {
      assertThat(text).doesNotContain(name);
    }

    JsonObject onlyB = getJson("/api/v1/compliance?operatorId=OPB");
    assertThat(onlyB.getJsonArray("operators")).isEqualTo(new JsonArray().add(b));
    assertThat(onlyB.getJsonObject("totals").getInteger("crew")).isEqualTo(2);
    assertThat(onlyB.getJsonObject("totals").getInteger("dbsInvalid")).isEqualTo(2);
  }

  @Test
  @Order(4)
  @DisplayName(
      "HR clearance takes a crew member off the not-cleared list; a day later a 31-day badge is"
          + " within the warning period")
  void clearanceAndTime() {
    post(
        hr,
        Events.event("crew.cleared", "2026-11-23T09:30:00Z")
            .put("crewId", TwoOperators.UNCLEARED_DRIVER_A)
            .put("decision", "cleared")
            .put("decidedOn", "2026-11-23"));
    JsonObject after = getJson("/api/v1/compliance?operatorId=OPA");
    assertThat(after.getJsonArray("operators").getJsonObject(0).getJsonArray("notCleared"))
        .isEmpty();
    // DRIVER_B's DBS issued 2023-11-22 was over 3 years old on the 23rd; on the 22nd it was not.
    clock.set(Instant.parse("2026-11-22T10:00:00Z"));
    try {
      JsonObject dayBefore = getJson("/api/v1/compliance?operatorId=OPB");
      assertThat(
              dayBefore
                  .getJsonArray("operators")
                  .getJsonObject(0)
                  .getJsonArray("dbsInvalid")
                  .encode())
          .doesNotContain(TwoOperators.DRIVER_B);
      JsonObject dayBeforeA = getJson("/api/v1/compliance?operatorId=OPA");
      assertThat(
              dayBeforeA.getJsonArray("operators").getJsonObject(0).getJsonArray("badgesExpiring"))
          .as("2026-12-23 is 31 days after the 22nd")
          .isEmpty();
    } finally {
      clock.set(NOW);
    }
  }

  @Test
  @Order(5)
  @DisplayName(
      "Both panels are for control-room staff (an operator's key reads its own crew's compliance"
          + " only): a viewer's session reads them, feed keys and anonymous callers are refused")
  void access() {
    SessionLogin.addUser(server, "viewer@council.example", Role.VIEWER, "a long password");
    SessionLogin session = SessionLogin.of(server, "viewer@council.example", "a long password");
    for (String path : List.of("/api/v1/calls/today", "/api/v1/compliance")) {
      assertThat(session.get(path).statusCode()).isEqualTo(200);
      if (path.endsWith("compliance")) {
        JsonArray operators =
            server
                .get(path + "?operatorId=OPB", operatorA)
                .bodyAsJsonObject()
                .getJsonArray("operators");
        operators.forEach(
            o -> assertThat(((JsonObject) o).getString("operatorId")).isEqualTo("OPA"));
      } else {
        assertThat(server.get(path, operatorA).statusCode()).isEqualTo(403);
      }
      assertThat(server.get(path, telephony).statusCode()).isEqualTo(403);
      assertThat(server.get(path, null).statusCode()).isEqualTo(401);
    }
    String yaml = server.get("/api/openapi.yaml", null).bodyAsString();
    assertThat(yaml).contains("/api/v1/calls/today:", "/api/v1/compliance:", "/api/v1/session:");
  }
}
