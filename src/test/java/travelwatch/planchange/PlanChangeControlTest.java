package travelwatch.planchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.PlanJson;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName(
    "Route change control: plan changes are recorded with who, when, why and what changed; near-term"
        + " ones wait for a manager")
class PlanChangeControlTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final LocalDate TOMORROW = TwoOperators.DATE.plusDays(1);
  private static final String TUESDAY_RUN = "RA-AM-TUE";
  private static final String NEW_DRIVER = "A-D3";

  /** 09:00 on the plan's day: its runs are today's, and tomorrow's start within 24 hours. */
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T09:00:00Z"));

  private TestServer server;
  private String admin;
  private SessionLogin manager;

  @BeforeEach
  void start() {
    server = new TestServer(Map.of("TW_MONITOR_TICK_MS", "200"), clock);
    admin = server.scopeKey(Scope.ADMIN);
    SessionLogin.addUser(server, "manager@council.example", Role.MANAGER, "correct horse 1");
    manager = SessionLogin.of(server, "manager@council.example", "correct horse 1");
    HttpResponse<Buffer> first = server.post("/api/v1/plan", admin, PlanJson.write(plan()));
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Two operators' runs today, one of operator A's tomorrow, and a spare driver of A's. */
  private static Plan plan() {
    Plan base = TwoOperators.plan();
    List<Crew> crew = new ArrayList<>(base.crew());
    Crew driver = base.crew().get(0);
    crew.add(
        new Crew(
            NEW_DRIVER, "OPA", CrewRole.DRIVER, driver.dbs(), Optional.empty(), driver.badge()));
    List<Run> runs = new ArrayList<>(base.runs());
    Run runA = base.runs().get(0);
    runs.add(withArriveBy(runA, TUESDAY_RUN, TOMORROW, LocalTime.of(8, 40)));
    return new Plan(base.operators(), base.schools(), base.pupils(), crew, base.routes(), runs);
  }

  private static Run withArriveBy(Run run, String id, LocalDate date, LocalTime arriveBy) {
    return new Run(
        id,
        run.routeId(),
        date,
        run.direction(),
        arriveBy,
        run.plannedDriverId(),
        run.plannedGuideId(),
        run.stops());
  }

  private static Run withDriver(Run run, String driverId) {
    return new Run(
        run.id(),
        run.routeId(),
        run.date(),
        run.direction(),
        run.arriveBy(),
        Optional.of(driverId),
        run.plannedGuideId(),
        run.stops());
  }

  private static JsonObject runsOnly(Run... runs) {
    return PlanJson.write(
        new Plan(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(runs)));
  }

  /** Tomorrow's run of operator A, arriving by 08:20 instead of 08:40. */
  private static JsonObject tomorrowRetimed() {
    return runsOnly(withArriveBy(plan().runs().get(2), TUESDAY_RUN, TOMORROW, LocalTime.of(8, 20)));
  }

  private static String reason(String text) {
    return "?reason=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private String arriveBy(String runId) {
    HttpResponse<Buffer> run = server.get("/api/v1/runs/" + runId, admin);
    assertThat(run.statusCode()).as(run.bodyAsString()).isEqualTo(200);
    return run.bodyAsJsonObject().getString("arriveBy");
  }

  private List<Row> planChangeEmails() {
    List<Row> rows = new ArrayList<>();
    server
        .pool()
        .query(
            "select recipients, subject, text_body from outbox where kind = 'plan_change' order by id")
        .execute()
        .await()
        .forEach(rows::add);
    return rows;
  }

  private long countChanges() {
    return server
        .pool()
        .query("select count(*) from plan_change")
        .execute()
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  @DisplayName(
      "A change to tomorrow's run by an admin key leaves the run as it was until a manager"
          + " approves, then it takes effect and its operator is emailed the changed run")
  void tomorrowsRunWaitsForAManager() {
    assertThat(arriveBy(TUESDAY_RUN)).isEqualTo("2026-11-24T08:40:00Z");
    // The first import only added runs: no operator was emailed.
    int told = planChangeEmails().size();
    assertThat(told).isZero();

    HttpResponse<Buffer> asked =
        server.post(
            "/api/v1/plan" + reason("school opens early on Tuesday"), admin, tomorrowRetimed());

    assertThat(asked.statusCode()).as(asked.bodyAsString()).isEqualTo(202);
    long id = asked.bodyAsJsonObject().getJsonObject("change").getLong("id");
    assertThat(asked.bodyAsJsonObject().getJsonObject("change").getString("state"))
        .isEqualTo("pending");
    assertThat(arriveBy(TUESDAY_RUN)).isEqualTo("2026-11-24T08:40:00Z");
    JsonObject pending = server.get("/api/v1/plan/changes/" + id, admin).bodyAsJsonObject();
    assertThat(pending.getString("state")).isEqualTo("pending");
    assertThat(pending.getString("reason")).isEqualTo("school opens early on Tuesday");
    assertThat(pending.getString("madeBy")).startsWith("key-");
    assertThat(pending.getString("madeAt")).isEqualTo("2026-11-23T09:00:00Z");
    JsonArray retimed = pending.getJsonObject("difference").getJsonArray("runsRetimed");
    assertThat(retimed).hasSize(1);
    assertThat(retimed.getJsonObject(0).getString("runId")).isEqualTo(TUESDAY_RUN);
    assertThat(retimed.getJsonObject(0).getJsonObject("was").getString("arriveBy"))
        .isEqualTo("08:40");
    assertThat(retimed.getJsonObject(0).getJsonObject("now").getString("arriveBy"))
        .isEqualTo("08:20");
    assertThat(pending.getJsonObject("summary").getInteger("runsRetimed")).isEqualTo(1);
    assertThat(planChangeEmails()).hasSize(told);
    // Whoever made a change does not approve it.
    assertThat(
            server
                .post("/api/v1/plan/changes/" + id + "/approve", admin, new JsonObject())
                .statusCode())
        .isEqualTo(409);

    HttpResponse<Buffer> approved =
        manager.post("/api/v1/plan/changes/" + id + "/approve", new JsonObject());

    assertThat(approved.statusCode()).as(approved.bodyAsString()).isEqualTo(200);
    assertThat(approved.bodyAsJsonObject().getString("state")).isEqualTo("approved");
    assertThat(approved.bodyAsJsonObject().getString("approvedBy"))
        .isEqualTo("manager@council.example");
    assertThat(arriveBy(TUESDAY_RUN)).isEqualTo("2026-11-24T08:20:00Z");
    List<Row> emails = planChangeEmails();
    assertThat(emails).hasSize(told + 1);
    Row email = emails.get(told);
    assertThat(email.getArrayOfStrings("recipients")).containsExactly("ops@a.example");
    assertThat(email.getString("subject")).contains("1 run changed");
    String text = email.getString("text_body");
    assertThat(text).contains("Run " + TUESDAY_RUN + " (route RA, 2026-11-24 AM): retimed");
    assertThat(text).doesNotContain(TwoOperators.RUN_A + " ").doesNotContain("Tuesday");
    // Approved once only.
    assertThat(
            manager.post("/api/v1/plan/changes/" + id + "/approve", new JsonObject()).statusCode())
        .isEqualTo(409);
  }

  @Test
  @DisplayName(
      "While a change to today's planned driver waits, the monitors hold the run to the driver"
          + " planned before; once approved, to the new one")
  void monitorsKeepTheOldPlanUntilApproved() {
    Run runA = plan().runs().get(0);
    HttpResponse<Buffer> asked =
        server.post(
            "/api/v1/plan" + reason("driver off sick"),
            admin,
            runsOnly(withDriver(runA, NEW_DRIVER)));
    assertThat(asked.statusCode()).as(asked.bodyAsString()).isEqualTo(202);
    long id = asked.bodyAsJsonObject().getJsonObject("change").getLong("id");

    Events.store(
        server,
        server.operatorKey("OPA"),
        Events.event("crew.assigned", "2026-11-23T09:00:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", NEW_DRIVER)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"));

    JarProcess.await(
        "the monitors to see the crew differ from the plan as it stood",
        WITHIN,
        () -> crewChanged().filter(a -> a.getBoolean("conditionActive")).isPresent());
    assertThat(crewChanged().orElseThrow().getString("summary"))
        .contains(TwoOperators.DRIVER_A + " → " + NEW_DRIVER);

    assertThat(
            manager.post("/api/v1/plan/changes/" + id + "/approve", new JsonObject()).statusCode())
        .isEqualTo(200);

    JarProcess.await(
        "the monitors to hold the run to the approved plan's driver",
        WITHIN,
        () -> crewChanged().filter(a -> !a.getBoolean("conditionActive")).isPresent());
  }

  private Optional<JsonObject> crewChanged() {
    JsonArray items =
        server
            .get("/api/v1/alerts?type=crew.changed", admin)
            .bodyAsJsonObject()
            .getJsonArray("items");
    return items.isEmpty() ? Optional.empty() : Optional.of(items.getJsonObject(0));
  }

  @Test
  @DisplayName(
      "A change to runs of the coming week without a reason is refused naming reason, and nothing"
          + " changes; the same change with one is recorded")
  void reasonRequiredNearTerm() {
    long before = countChanges();

    HttpResponse<Buffer> refused = server.post("/api/v1/plan", admin, tomorrowRetimed());

    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);
    assertThat(
            refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("reason");
    assertThat(countChanges()).isEqualTo(before);
    assertThat(arriveBy(TUESDAY_RUN)).isEqualTo("2026-11-24T08:40:00Z");

    JsonObject withReason = tomorrowRetimed().put("reason", "school opens early on Tuesday");
    HttpResponse<Buffer> accepted = server.post("/api/v1/plan", admin, withReason);

    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    assertThat(countChanges()).isEqualTo(before + 1);
  }

  @Test
  @DisplayName(
      "An admin signed in, or an admin key forcing, changes tomorrow's run at once, and both are"
          + " listed with who made them")
  void managersAndForcedChangesTakeEffectAtOnce() {
    SessionLogin.addUser(server, "admin@council.example", Role.ADMIN, "correct horse 2");
    SessionLogin person = SessionLogin.of(server, "admin@council.example", "correct horse 2");

    HttpResponse<Buffer> bySession =
        person.post("/api/v1/plan" + reason("school opens early"), tomorrowRetimed());

    assertThat(bySession.statusCode()).as(bySession.bodyAsString()).isEqualTo(200);
    assertThat(arriveBy(TUESDAY_RUN)).isEqualTo("2026-11-24T08:20:00Z");

    HttpResponse<Buffer> forced =
        server.post(
            "/api/v1/plan" + reason("back to the usual time") + "&force=true",
            admin,
            runsOnly(plan().runs().get(2)));

    assertThat(forced.statusCode()).as(forced.bodyAsString()).isEqualTo(200);
    assertThat(arriveBy(TUESDAY_RUN)).isEqualTo("2026-11-24T08:40:00Z");
    JsonArray items =
        server
            .get("/api/v1/plan/changes?from=2026-11-23&to=2026-11-23", admin)
            .bodyAsJsonObject()
            .getJsonArray("items");
    assertThat(items).hasSize(3);
    assertThat(items.getJsonObject(0).getBoolean("forced")).isTrue();
    assertThat(items.getJsonObject(0).getString("state")).isEqualTo("effective");
    assertThat(items.getJsonObject(1).getString("madeBy")).isEqualTo("admin@council.example");
    assertThat(items.getJsonObject(2).getJsonObject("summary").getInteger("runsAdded"))
        .isEqualTo(3);
    assertThat(planChangeEmails()).hasSize(2);
    assertThat(server.get("/api/v1/plan/changes?from=2026-11-24&to=2026-11-23", admin).statusCode())
        .isEqualTo(400);
  }

  @Test
  @DisplayName(
      "A run named in removedRuns is removed and listed as removed to its operator; an unknown one"
          + " is refused naming it")
  void removedRunIsRemovedAndTold() {
    JsonObject unknown = new JsonObject().put("removedRuns", new JsonArray().add("NO-SUCH-RUN"));
    HttpResponse<Buffer> refused = server.post("/api/v1/plan" + reason("tidy up"), admin, unknown);
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);
    assertThat(
            refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("removedRuns[0]");

    JsonObject removal = new JsonObject().put("removedRuns", new JsonArray().add(TUESDAY_RUN));
    HttpResponse<Buffer> removed =
        server.post("/api/v1/plan" + reason("route withdrawn") + "&force=true", admin, removal);

    assertThat(removed.statusCode()).as(removed.bodyAsString()).isEqualTo(200);
    assertThat(server.get("/api/v1/runs/" + TUESDAY_RUN, admin).statusCode()).isEqualTo(404);
    long id = removed.bodyAsJsonObject().getJsonObject("change").getLong("id");
    JsonObject change = server.get("/api/v1/plan/changes/" + id, admin).bodyAsJsonObject();
    assertThat(change.getBoolean("forced")).isTrue();
    JsonArray runsRemoved = change.getJsonObject("difference").getJsonArray("runsRemoved");
    assertThat(runsRemoved).hasSize(1);
    assertThat(runsRemoved.getJsonObject(0).getString("runId")).isEqualTo(TUESDAY_RUN);
    assertThat(runsRemoved.getJsonObject(0).getString("operatorId")).isEqualTo("OPA");
    List<Row> emails = planChangeEmails();
    assertThat(emails).hasSize(1);
    assertThat(emails.get(0).getString("text_body"))
        .contains("Run " + TUESDAY_RUN + " (route RA, 2026-11-24 AM): removed");
  }
}
