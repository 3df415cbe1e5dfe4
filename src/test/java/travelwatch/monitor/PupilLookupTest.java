package travelwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
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
import travelwatch.plan.Plan;
import travelwatch.plan.PlanJson;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName(
    "\"Where is my child's bus?\": the ETA at the pupil's own stop, the pupil's state, a"
        + " cancellation's reason and the operator's phone, whatever the reference's case")
class PupilLookupTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String RUN_A_PM = TwoOperators.RUN_A_PM;
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:55:00Z"));
  private static final Contract contract = new Contract();
  private static TestServer server;
  private static String viewer;
  private static String operatorA;
  private static String operatorB;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            Map.of("TW_MONITOR_TICK_MS", "200", "TW_INGEST_MAX_FUTURE_SECONDS", "7200"), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    Plan plan = TwoOperators.withWayHome();
    assertThat(server.post("/api/v1/plan", admin, PlanJson.write(plan)).statusCode())
        .isEqualTo(200);
    viewer = server.scopeKey(Scope.CONTROL);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject lookup(String reference) {
    HttpResponse<Buffer> r = server.get("/api/v1/pupils/" + reference + "/today", viewer);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    contract.assertValid("PupilToday", r.bodyAsJsonObject());
    return r.bodyAsJsonObject();
  }

  private static JsonObject item(JsonObject day, String runId) {
    return day.getJsonArray("items").stream()
        .map(o -> (JsonObject) o)
        .filter(o -> runId.equals(o.getString("id")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  @Order(1)
  @DisplayName(
      "A lower-case reference finds the pupil; each run names the pupil's own stop and the"
          + " operator's phone")
  void lowerCaseReference() {
    JsonObject day = lookup(TwoOperators.PUPIL_A.toLowerCase());
    assertThat(day.getString("pupilId")).isEqualTo(TwoOperators.PUPIL_A);
    assertThat(day.getJsonArray("items"))
        .extracting(o -> ((JsonObject) o).getString("id"))
        .containsExactly(TwoOperators.RUN_A, RUN_A_PM);
    JsonObject am = item(day, TwoOperators.RUN_A);
    assertThat(am.getJsonObject("stop"))
        .isEqualTo(
            new JsonObject()
                .put("id", "H1")
                .put("seq", 1)
                .put("plannedTime", "2026-11-23T08:10:00Z"));
    assertThat(am.getString("pupilState")).isEqualTo("expected");
    assertThat(am.getString("operatorPhone")).isEqualTo(TwoOperators.OPA_PHONE);
    assertThat(item(day, RUN_A_PM).getJsonObject("stop"))
        .as("on the way home, the stop the pupil is dropped at")
        .isEqualTo(
            new JsonObject()
                .put("id", "H1")
                .put("seq", 2)
                .put("plannedTime", "2026-11-23T15:45:00Z"));
    assertThat(lookup("p-A1").getString("pupilId")).isEqualTo(TwoOperators.PUPIL_A);
  }

  @Test
  @Order(2)
  @DisplayName(
      "On an AM run the ETA is at the pupil's pick-up stop until it is reached; then the pupil"
          + " is boarded")
  void pickUpEta() {
    Events.store(
        server,
        operatorA,
        TwoOperators.startedA(TwoOperators.RUN_A, "2026-11-23T07:55:00Z", 52.53, -1.93));
    JarProcess.await(
        "the pick-up ETA",
        WAIT,
        () -> item(lookup(TwoOperators.PUPIL_A), TwoOperators.RUN_A).containsKey("stopEta"));
    JsonObject am = item(lookup(TwoOperators.PUPIL_A), TwoOperators.RUN_A);
    Instant pickUp = Instant.parse(am.getString("stopEta"));
    Instant arrival = Instant.parse(am.getString("eta"));
    assertThat(pickUp).isAfter(Instant.parse("2026-11-23T07:55:00Z")).isBefore(arrival);

    Events.store(
        server, operatorA, TwoOperators.boardedA(TwoOperators.RUN_A, "2026-11-23T08:09:00Z", "H1"));
    JarProcess.await(
        "the pupil on board",
        WAIT,
        () ->
            "boarded"
                .equals(
                    item(lookup(TwoOperators.PUPIL_A), TwoOperators.RUN_A)
                        .getString("pupilState")));
    assertThat(item(lookup(TwoOperators.PUPIL_A), TwoOperators.RUN_A).containsKey("stopEta"))
        .as("the pick-up stop is reached")
        .isFalse();
  }

  @Test
  @Order(3)
  @DisplayName("On a PM run the ETA is at the pupil's drop-off stop, after the school's departure")
  void dropOffEta() {
    clock.set(Instant.parse("2026-11-23T15:22:00Z"));
    Events.store(
        server,
        operatorA,
        TwoOperators.startedA(RUN_A_PM, "2026-11-23T15:20:00Z", 52.48, -1.89),
        TwoOperators.boardedA(RUN_A_PM, "2026-11-23T15:21:00Z", "SCH1"));
    JarProcess.await(
        "the drop-off ETA",
        WAIT,
        () -> item(lookup(TwoOperators.PUPIL_A), RUN_A_PM).containsKey("stopEta"));
    JsonObject pm = item(lookup(TwoOperators.PUPIL_A), RUN_A_PM);
    assertThat(pm.getString("pupilState")).isEqualTo("boarded");
    assertThat(Instant.parse(pm.getString("stopEta")))
        .isAfter(Instant.parse("2026-11-23T15:21:00Z"))
        .isEqualTo(Instant.parse(pm.getString("eta")));
  }

  @Test
  @Order(4)
  @DisplayName("A cancelled run says why; an unknown reference says there is no such pupil")
  void cancelledAndUnknown() {
    Events.store(server, operatorB, TwoOperators.cancelledB("vehicle breakdown"));
    JarProcess.await(
        "run B cancelled",
        WAIT,
        () ->
            "cancelled"
                .equals(
                    item(lookup(TwoOperators.PUPIL_B), TwoOperators.RUN_B).getString("status")));
    JsonObject b = item(lookup(TwoOperators.PUPIL_B), TwoOperators.RUN_B);
    assertThat(b.getString("cancellationReason")).isEqualTo("vehicle breakdown");
    assertThat(b.containsKey("operatorPhone")).as("operator B gave no phone").isFalse();

    HttpResponse<Buffer> unknown = server.get("/api/v1/pupils/NOBODY/today", viewer);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getString("detail"))
        .isEqualTo("There is no pupil NOBODY.");
  }
}
