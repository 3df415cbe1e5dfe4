package travelwatch.school;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.PlanJson;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.JobProbe;
import travelwatch.support.Mailbox;
import travelwatch.support.Mailbox.Mail;
import travelwatch.support.SessionLogin;
import travelwatch.support.SseClient;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("Schools: their own runs and pupils, live, their reports, and emails to the office")
class SchoolsTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PASSWORD = "correct horse battery";
  private static final String SCHOOL_USER = "reception@hillcrest.example";

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
  private final Mailbox mailbox = new Mailbox();
  private TestServer server;
  private String admin;
  private String operatorA;
  private String operatorB;
  private SessionLogin school;
  private SessionLogin viewer;

  @BeforeEach
  void start() {
    Map<String, String> env = new HashMap<>(mailbox.env());
    env.put("TW_MONITOR_TICK_MS", "200");
    env.put("TW_MAIL_RELAY_MS", "50");
    env.put("TW_SCHOOL_NOTICE_SECONDS", "1");
    env.put("TW_PUBLIC_URL", "https://travelwatch.council.test");
    env.put("TW_INGEST_MAX_FUTURE_SECONDS", "86400");
    // Sessions time out on the service's clock, which these tests move by the hour.
    env.put("TW_SESSION_IDLE_MINUTES", "720");
    server = new TestServer(env, clock);
    admin = server.scopeKey(Scope.ADMIN);
    HttpResponse<Buffer> plan =
        server.post("/api/v1/plan", admin, PlanJson.write(SchoolFixture.plan()));
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    HttpResponse<Buffer> added =
        server.post(
            "/api/v1/users",
            admin,
            new JsonObject()
                .put("email", SCHOOL_USER)
                .put("role", "school")
                .put("schoolId", "SCH1")
                .put("password", PASSWORD));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    school = SessionLogin.of(server, SCHOOL_USER, PASSWORD);
    SessionLogin.addUser(server, "viewer@council.test", Role.VIEWER, PASSWORD);
    viewer = SessionLogin.of(server, "viewer@council.test", PASSWORD);
  }

  @AfterEach
  void stop() {
    server.close();
    mailbox.close();
  }

  private JsonObject today(SessionLogin who, String schoolId) {
    HttpResponse<Buffer> r = who.get("/api/v1/schools/" + schoolId + "/today");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject arrival(JsonObject today) {
    JsonArray arrivals = today.getJsonArray("arrivals");
    assertThat(arrivals).hasSize(1);
    return arrivals.getJsonObject(0);
  }

  private static Map<String, String> states(JsonObject run) {
    Map<String, String> states = new HashMap<>();
    for (Object o : run.getJsonArray("pupils")) {
      JsonObject p = (JsonObject) o;
      states.put(p.getString("pupilId"), p.getString("state"));
    }
    return states;
  }

  private static JsonObject a(String type, String at) {
    return Events.event(type, at).put("runId", TwoOperators.RUN_A);
  }

  private static JsonObject b(String type, String at) {
    return Events.event(type, at).put("runId", TwoOperators.RUN_B);
  }

  private List<Mail> await(Predicate<Mail> which, int copies) {
    JarProcess.await("emails", WAIT, () -> mailbox.copies(which).size() >= copies);
    return mailbox.copies(which);
  }

  /**
   * Waits until the notices job has looked again since now and the outbox has sent what it wrote:
   * anything it (wrongly) would send has been sent.
   */
  private void settle() {
    JobProbe jobs = new JobProbe(server);
    jobs.awaitFreshRun("school_notices");
    jobs.awaitOutboxSent();
  }

  @Test
  @DisplayName(
      "A school's staff see their arrival go from planned to arrived with each pupil's state; the"
          + " other school's run, in flight at the same time, is in no answer and no stream entry")
  void arrivalsMoveAndOtherSchoolsStayOut() {
    JsonObject first = arrival(today(school, "SCH1"));
    assertThat(first.getString("status")).isEqualTo("planned");
    assertThat(states(first))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(TwoOperators.PUPIL_A, "expected", SchoolFixture.SECOND_PUPIL, "expected"));

    try (SseClient stream = SseClient.ofSession(server.server.vertx(), server.port, school);
        SseClient control =
            new SseClient(
                server.server.vertx(), server.port, server.scopeKey(Scope.CONTROL), null)) {
      assertThat(stream.status).isEqualTo(200);
      clock.set(Instant.parse("2026-11-23T08:20:00Z"));
      Events.store(
          server,
          operatorA,
          a("run.started", "2026-11-23T07:55:00Z")
              .put("driverId", TwoOperators.DRIVER_A)
              .put("guideId", TwoOperators.GUIDE_A)
              .put("vehicleReg", "BX19 ABC"),
          a("pupil.boarded", "2026-11-23T08:00:00Z")
              .put("pupilId", TwoOperators.PUPIL_A)
              .put("stopId", "H1"),
          a("pupil.absent", "2026-11-23T08:10:00Z")
              .put("pupilId", SchoolFixture.SECOND_PUPIL)
              .put("reason", "unwell"));
      Events.store(
          server,
          operatorB,
          b("run.started", "2026-11-23T08:00:00Z")
              .put("driverId", TwoOperators.DRIVER_B)
              .put("vehicleReg", "BK20 XYZ"),
          b("run.cancelled", "2026-11-23T08:05:00Z").put("reason", "breakdown"));
      JarProcess.await(
          "both pupils' states",
          WAIT,
          () ->
              Map.of(TwoOperators.PUPIL_A, "boarded", SchoolFixture.SECOND_PUPIL, "absent")
                  .equals(states(arrival(today(school, "SCH1")))));
      assertThat(arrival(today(school, "SCH1")).getString("status")).isEqualTo("started");

      clock.set(Instant.parse("2026-11-23T08:34:00Z"));
      Events.store(
          server,
          operatorA,
          a("pupil.dropped", "2026-11-23T08:34:00Z")
              .put("pupilId", TwoOperators.PUPIL_A)
              .put("stopId", "SCH1"),
          a("run.arrived", "2026-11-23T08:34:00Z").put("stopId", "SCH1"));
      JarProcess.await(
          "the run arrived",
          WAIT,
          () -> "arrived".equals(arrival(today(school, "SCH1")).getString("status")));
      assertThat(states(arrival(today(school, "SCH1"))))
          .containsEntry(TwoOperators.PUPIL_A, "dropped_here");

      // The control room saw B's cancellation: by then the school's stream has had its chance.
      control.await(
          "B's cancellation in the control room",
          WAIT,
          e -> "alert".equals(e.kind()) && "run.cancelled".equals(e.data().getString("type")));
      stream.await(
          "A's arrival on the school's stream",
          WAIT,
          e -> "run".equals(e.kind()) && "arrived".equals(e.data().getString("status")));
      settle();
      assertThat(stream.events()).isNotEmpty();
      for (SseClient.Event e : stream.events()) {
        assertThat(e.kind()).isIn("run", "alert");
        assertThat(e.data().getString("schoolId")).as(e.data().encode()).isEqualTo("SCH1");
        assertThat(e.data().encode()).doesNotContain(TwoOperators.RUN_B, TwoOperators.PUPIL_B);
      }
    }
    String body = school.get("/api/v1/schools/SCH1/today").bodyAsString();
    assertThat(body).doesNotContain(TwoOperators.RUN_B, TwoOperators.PUPIL_B, "SCH2");
    assertThat(body).contains("\"departures\":[]");
  }

  @Test
  @DisplayName(
      "A late run and a cancellation to the school each send exactly one email to its office; a"
          + " school without an address gets none and nothing fails")
  void lateAndCancelledEmailedOnce() {
    // Not started by its arrive-by: late. B's run to the school without an address, too.
    clock.set(Instant.parse("2026-11-23T08:52:00Z"));
    List<Mail> late = await(m -> m.subject().contains("Late: run " + TwoOperators.RUN_A), 1);
    assertThat(late.get(0).to()).containsExactly(SchoolFixture.OFFICE);
    assertThat(late.get(0).subject())
        .isEqualTo("[Hillcrest School] Late: run RA-AM (to school), about 12 minutes");
    clock.set(Instant.parse("2026-11-23T09:00:00Z"));
    settle();
    assertThat(mailbox.copies(m -> m.subject().contains("Late:"))).hasSize(1);

    Events.store(
        server,
        operatorA,
        a("run.cancelled", "2026-11-23T09:00:00Z").put("reason", "Driver Jones ill"));
    Events.store(server, operatorB, b("run.cancelled", "2026-11-23T09:00:00Z").put("reason", "x"));
    List<Mail> cancelled = await(m -> m.subject().contains("Cancelled:"), 1);
    assertThat(cancelled.get(0).text()).doesNotContain("Jones");
    assertThat(cancelled.get(0).inReplyTo())
        .as("a day's emails about one run are one thread")
        .isEqualTo(late.get(0).inReplyTo());
    settle();
    assertThat(mailbox.copies()).hasSize(2);
    assertThat(mailbox.copies())
        .allSatisfy(m -> assertThat(m.to()).containsExactly(SchoolFixture.OFFICE));
    String health = server.get("/health/ready", null).bodyAsString();
    assertThat(
            new JsonObject(health)
                .getJsonObject("jobs")
                .getJsonObject("school_notices")
                .getString("status"))
        .isEqualTo("OK");
  }

  @Test
  @DisplayName(
      "A pupil dropped elsewhere is emailed to the school's office; the school's report that the"
          + " pupil has not arrived raises a critical alert on the control room's stream; the same"
          + " report for a pupil marked absent is kept but not critical")
  void pupilNotArrivedReports() {
    clock.set(Instant.parse("2026-11-23T08:40:00Z"));
    Events.store(
        server,
        operatorA,
        a("run.started", "2026-11-23T07:55:00Z")
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"),
        a("pupil.boarded", "2026-11-23T08:00:00Z")
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "H1"),
        a("pupil.dropped", "2026-11-23T08:12:00Z")
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "Mrs.Smith-12-Elm-Rd"),
        a("pupil.absent", "2026-11-23T08:10:00Z")
            .put("pupilId", SchoolFixture.SECOND_PUPIL)
            .put("reason", "unwell"));
    JarProcess.await(
        "the drop-off elsewhere recorded",
        WAIT,
        () ->
            "dropped_elsewhere"
                .equals(states(arrival(today(school, "SCH1"))).get(TwoOperators.PUPIL_A)));
    try (SseClient control =
        new SseClient(server.server.vertx(), server.port, server.scopeKey(Scope.CONTROL), null)) {
      HttpResponse<Buffer> critical =
          school.post(
              "/api/v1/schools/SCH1/reports",
              new JsonObject()
                  .put("pupilId", TwoOperators.PUPIL_A)
                  .put("category", "pupil_not_arrived")
                  .put("text", "Not in class; parent says she left home on the bus."));
      assertThat(critical.statusCode()).as(critical.bodyAsString()).isEqualTo(201);
      assertThat(critical.bodyAsJsonObject().getString("severity")).isEqualTo("critical");
      assertThat(critical.bodyAsJsonObject().getString("alertType"))
          .isEqualTo("school.pupil_not_arrived");
      SseClient.Event raised =
          control.await(
              "the critical alert on the control room's stream",
              WAIT,
              e ->
                  "alert".equals(e.kind())
                      && "school.pupil_not_arrived".equals(e.data().getString("type")));
      assertThat(raised.data().getString("severity")).isEqualTo("critical");
      assertThat(raised.data().getString("schoolId")).isEqualTo("SCH1");
      assertThat(raised.data().getString("summary"))
          .as("built from references, not from the school's words")
          .doesNotContain("parent says");

      HttpResponse<Buffer> absent =
          school.post(
              "/api/v1/schools/SCH1/reports",
              new JsonObject()
                  .put("pupilId", SchoolFixture.SECOND_PUPIL)
                  .put("category", "pupil_not_arrived")
                  .put("text", "Not in class."));
      assertThat(absent.statusCode()).isEqualTo(201);
      assertThat(absent.bodyAsJsonObject().getString("severity")).isEqualTo("warning");
      assertThat(absent.bodyAsJsonObject().getString("alertType")).isEqualTo("school.report");
    }
    List<Mail> elsewhere = await(m -> m.subject().contains("dropped elsewhere"), 1);
    assertThat(elsewhere.get(0).subject())
        .isEqualTo("[Hillcrest School] Pupil " + TwoOperators.PUPIL_A + " dropped elsewhere");
    assertThat(elsewhere.get(0).text())
        .as("a stop the plan does not have is the sender's text: never in an email")
        .contains("recorded as dropped at a stop that is not on the run's plan")
        .contains("run RA-AM (to school)")
        .doesNotContain("Smith");
    assertThat(elsewhere.get(0).to()).containsExactly(SchoolFixture.OFFICE);
    JsonArray reports =
        viewer.get("/api/v1/schools/SCH1/reports").bodyAsJsonObject().getJsonArray("items");
    assertThat(reports).hasSize(2);
    assertThat(reports.getJsonObject(1).getString("text"))
        .isEqualTo("Not in class; parent says she left home on the bus.");

    HttpResponse<Buffer> notOurs =
        school.post(
            "/api/v1/schools/SCH1/reports",
            new JsonObject()
                .put("pupilId", TwoOperators.PUPIL_B)
                .put("category", "pupil_not_arrived")
                .put("text", "?"));
    assertThat(notOurs.statusCode()).isEqualTo(400);
    assertThat(notOurs.bodyAsString()).contains("is not a pupil of your school");
  }

  @Test
  @DisplayName(
      "A school's reports stay open through a restart: the rebuilt monitors do not clear what a"
          + " person reported, even with automatic resolving on")
  void reportsSurviveARestart() {
    HttpResponse<Buffer> safeguarding =
        school.post(
            "/api/v1/schools/SCH1/reports",
            new JsonObject()
                .put("runId", TwoOperators.RUN_A)
                .put("category", "safeguarding")
                .put("text", "A pupil said something worrying about the journey."));
    assertThat(safeguarding.statusCode()).as(safeguarding.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> notArrived =
        school.post(
            "/api/v1/schools/SCH1/reports",
            new JsonObject()
                .put("pupilId", TwoOperators.PUPIL_A)
                .put("category", "pupil_not_arrived")
                .put("text", "Not here."));
    assertThat(notArrived.bodyAsJsonObject().getString("severity")).isEqualTo("critical");

    var database = server.database;
    server.close();
    Map<String, String> env = new HashMap<>(mailbox.env());
    env.put("TW_MONITOR_TICK_MS", "200");
    env.put("TW_ALERT_AUTO_RESOLVE", "true");
    env.put("TW_SESSION_IDLE_MINUTES", "720");
    server = new TestServer(database, env, clock);
    String control = server.scopeKey(Scope.CONTROL);
    // The monitors rebuilt the day before the server started; let the notices look once more too.
    settle();
    for (long id :
        List.of(
            safeguarding.bodyAsJsonObject().getLong("alertId"),
            notArrived.bodyAsJsonObject().getLong("alertId"))) {
      JsonObject alert = server.get("/api/v1/alerts/" + id, control).bodyAsJsonObject();
      assertThat(alert.getString("state")).as(alert.encode()).isEqualTo("open");
      assertThat(alert.getBoolean("conditionActive")).as(alert.encode()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "A school's staff get 403 on the run board, KPIs, another school and alert actions; a"
          + " control-room viewer may read any school's view")
  void access() {
    for (String path :
        List.of(
            "/api/v1/runs",
            "/api/v1/runs/" + TwoOperators.RUN_A,
            "/api/v1/kpi/weekly",
            "/api/v1/alerts",
            "/api/v1/messages",
            "/api/v1/schools/SCH2/today",
            "/api/v1/schools/SCH2/reports")) {
      HttpResponse<Buffer> r = school.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.bodyAsString()).as(path).doesNotContain("Meadow", TwoOperators.RUN_B);
    }
    assertThat(school.post("/api/v1/alerts/1/acknowledge", new JsonObject()).statusCode())
        .isEqualTo(403);
    assertThat(
            school
                .post(
                    "/api/v1/schools/SCH2/reports",
                    new JsonObject().put("category", "other").put("text", "x"))
                .statusCode())
        .isEqualTo(403);
    assertThat(today(viewer, "SCH2").getJsonArray("arrivals").getJsonObject(0).getString("id"))
        .isEqualTo(TwoOperators.RUN_B);
    assertThat(
            viewer
                .post(
                    "/api/v1/schools/SCH1/reports",
                    new JsonObject().put("category", "other").put("text", "x"))
                .statusCode())
        .as("reports are the school's to make")
        .isEqualTo(403);
    JsonObject session = school.get("/api/v1/session").bodyAsJsonObject();
    assertThat(session.getString("role")).isEqualTo("school");
    assertThat(session.getString("schoolId")).isEqualTo("SCH1");
  }
}
