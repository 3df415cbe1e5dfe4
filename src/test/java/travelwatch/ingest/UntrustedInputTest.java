package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import travelwatch.access.AccessStore;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.Mailbox;
import travelwatch.support.Mailbox.Mail;
import travelwatch.support.SseClient;
import travelwatch.support.TestClock;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * What one caller sends cannot hurt another: text that cannot be read back is refused at the edge,
 * times that cannot be true are refused in words, what operators type never reaches an email, an
 * alert's summary, the log or the live stream, and a flood of incidents is one alert.
 */
@Timeout(180)
@DisplayName("Untrusted input: refused at the edge, kept out of emails, logs and the stream")
class UntrustedInputTest {
  /** What a careless integrator might put in any field: a child's name, birth date, address… */
  static final String PERSONAL =
      "Jane Smith (DOB 03/04/2015), 12 Acacia Avenue B11 1AA, autism + epilepsy, mum 07700 900123";

  private static final List<String> TELLTALES =
      List.of("Jane Smith", "Acacia", "07700", "B11 1AA", "epilepsy");

  private static final String NOW = "2026-11-23T08:30:00Z";

  private final TestClock clock = new TestClock(Instant.parse(NOW));
  private final Mailbox mailbox = new Mailbox();
  private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          String thrown =
              e.getThrowableProxy() == null
                  ? ""
                  : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
          logLines.add(e.getFormattedMessage() + thrown);
        }
      };
  private final Vertx vertx = Vertx.vertx();
  private TestServer server;
  private String admin;
  private String operatorA;
  private String operatorB;
  private final Map<Scope, String> feeds = new HashMap<>();

  @BeforeEach
  void start() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.start();
    root.addAppender(appender);
    Map<String, String> env = new HashMap<>(mailbox.env());
    env.put("TW_MONITOR_TICK_MS", "200");
    env.put("TW_MAIL_RELAY_MS", "50");
    server = new TestServer(env, clock);
    admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    for (Scope s : List.of(Scope.TELEPHONY, Scope.CASEWORK, Scope.HR, Scope.CONTROL)) {
      feeds.put(s, server.scopeKey(s));
    }
    AccessStore users = new AccessStore(server.pool());
    users.putUser("duty@council.test", Role.MANAGER, "not-used").await();
    users.putUser("director@council.test", Role.ADMIN, "not-used").await();
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    if (server != null) {
      server.close();
    }
    mailbox.close();
    vertx.close().await();
  }

  @Test
  @DisplayName(
      "A control character in any string field of any event type is a 400 naming the field, and"
          + " nothing is stored")
  void controlCharactersInEveryEventField() {
    int tried = 0;
    for (EventType type : EventType.values()) {
      JsonObject example = example(type);
      for (String field : example.fieldNames()) {
        if (!(example.getValue(field) instanceof String value)) {
          continue;
        }
        // As JSON escapes in the body: a lone surrogate cannot even be encoded as UTF-8.
        for (String bad : List.of("\\u0000", "\\u001b", "\\u0085", "\\ud800")) {
          String body =
              example.copy().put(field, value + "@@BAD@@x").encode().replace("@@BAD@@", bad);
          HttpResponse<Buffer> r = Events.post(server, keyFor(type), Buffer.buffer(body));
          tried++;
          assertThat(r.statusCode()).as("%s.%s with %s", type, field, bad).isEqualTo(400);
          JsonObject problem = r.bodyAsJsonObject();
          assertThat(problem.getJsonArray("errors").encode())
              .as("%s.%s", type, field)
              .contains("\"field\":\"" + field + "\"");
        }
      }
      // A field name with a control character is refused too, whatever its value.
      assertThat(post(type, example(type).put("x\u0000", "1")).statusCode()).isEqualTo(400);
    }
    assertThat(tried).isGreaterThan(150);
    assertThat(storedEvents()).isZero();
    assertThat(server.get("/health/ready", null).statusCode()).isEqualTo(200);
    assertNoStackTraces();
  }

  @Test
  @DisplayName(
      "Identifiers follow one pattern: an id with spaces or punctuation is a 400 saying what an id"
          + " may hold")
  void identifiersFollowOnePattern() {
    JsonObject event = example(EventType.PUPIL_DROPPED).put("stopId", "Stop 1 (front)");
    HttpResponse<Buffer> r = post(EventType.PUPIL_DROPPED, event);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("message"))
        .isEqualTo("must be 1 to 100 letters, digits or - _ . : /");
    JsonObject eventId = example(EventType.RUN_COMPLETED).put("eventId", "event #1");
    assertThat(post(EventType.RUN_COMPLETED, eventId).statusCode()).isEqualTo(400);
    // Newline and tab belong to prose only: an id ending in one is refused, a reason may hold one.
    JsonObject newline = example(EventType.RUN_COMPLETED).put("eventId", "e1\n");
    assertThat(post(EventType.RUN_COMPLETED, newline).statusCode()).isEqualTo(400);
    JsonObject lineSeparator = example(EventType.RUN_COMPLETED).put("runId", "RA-AM\u2028");
    assertThat(post(EventType.RUN_COMPLETED, lineSeparator).statusCode()).isEqualTo(400);
    assertThat(storedEvents()).isZero();
  }

  @Test
  @DisplayName(
      "Control characters in paths, queries, logins, keys, notes, rules and plans are a 400; every"
          + " view still answers afterwards")
  void controlCharactersEverywhereElse() {
    assertThat(server.get("/api/v1/runs/RA-AM%00", admin).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/v1/runs?date=2026-11-23%00", admin).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/v1/pupils/P-A1%01/today", admin).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/v1/alerts?state=open%C2%85", admin).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/v1/runs/%FF%FE", admin).statusCode()).isEqualTo(400);
    assertThat(server.get("/api/v1/runs?date=+5874898-01-01", admin).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> login =
        server.post(
            "/api/v1/session",
            null,
            new JsonObject().put("email", "duty\u0000@council.test").put("password", "x"));
    assertThat(login.statusCode()).isEqualTo(400);
    assertThat(login.bodyAsJsonObject().getJsonArray("errors").encode()).contains("email");
    assertThat(
            server
                .post("/api/v1/keys", admin, new JsonObject().put("operatorId", "OP\u0000A"))
                .statusCode())
        .isEqualTo(400);
    // An alert to acknowledge: a cancelled run.
    store(operatorA, example(EventType.RUN_CANCELLED));
    long alertId = awaitAlert("run.cancelled").getLong("id");
    HttpResponse<Buffer> note =
        server.post(
            "/api/v1/alerts/" + alertId + "/acknowledge",
            admin,
            new JsonObject().put("note", "called \u0007 operator"));
    assertThat(note.statusCode()).isEqualTo(400);
    assertThat(note.bodyAsJsonObject().getJsonArray("errors").encode()).contains("note");
    HttpResponse<Buffer> goodNote =
        server.post(
            "/api/v1/alerts/" + alertId + "/acknowledge",
            admin,
            new JsonObject().put("note", "Called the operator.\n\tCover sent."));
    assertThat(goodNote.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> rules =
        server
            .client
            .put("/api/v1/notify/rules")
            .putHeader("Authorization", "Bearer " + admin)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("delivery", "immediate")
                            .put("recipients", new JsonArray().add("duty\u0000@council.test")))
                    .toBuffer())
            .await();
    assertThat(rules.statusCode()).isEqualTo(400);
    JsonObject plan = TwoOperators.json();
    plan.getJsonArray("operators").getJsonObject(0).put("name", "Oakfield\u0000 Travel");
    HttpResponse<Buffer> badPlan = server.post("/api/v1/plan", admin, plan);
    assertThat(badPlan.statusCode()).isEqualTo(400);
    assertThat(badPlan.bodyAsJsonObject().getJsonArray("errors").encode())
        .contains("operators[0].name");
    JsonObject spaced = TwoOperators.json();
    spaced.getJsonArray("pupils").getJsonObject(0).put("id", "P A1");
    assertThat(server.post("/api/v1/plan", admin, spaced).statusCode()).isEqualTo(400);

    for (String view :
        List.of(
            "/api/v1/pupils/" + TwoOperators.PUPIL_A + "/today",
            "/api/v1/pupils/" + TwoOperators.PUPIL_B + "/today",
            "/api/v1/calls/today",
            "/api/v1/runs?date=2026-11-23",
            "/api/v1/alerts",
            "/api/v1/kpi/daily/2026-11-23")) {
      assertThat(server.get(view, admin).statusCode()).as(view).isEqualTo(200);
    }
    assertNoStackTraces();
  }

  @Test
  @DisplayName(
      "An event far ahead of the server's clock, or a run's event outside the run's day, is a 400"
          + " that says what to fix")
  void implausibleTimes() {
    JsonObject ahead =
        example(EventType.VEHICLE_POSITION).put("occurredAt", "2026-11-23T18:42:30Z");
    HttpResponse<Buffer> r = post(EventType.VEHICLE_POSITION, ahead);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject error = r.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("field")).isEqualTo("occurredAt");
    assertThat(error.getString("message"))
        .isEqualTo("is 10 h 12 min ahead of the server's clock: check the device's clock");

    JsonObject slightlyAhead =
        example(EventType.VEHICLE_POSITION).put("occurredAt", "2026-11-23T08:31:30Z");
    assertThat(post(EventType.VEHICLE_POSITION, slightlyAhead).statusCode()).isEqualTo(202);

    JsonObject lastYear = example(EventType.RUN_STARTED).put("occurredAt", "2025-11-23T08:05:00Z");
    HttpResponse<Buffer> old = post(EventType.RUN_STARTED, lastYear);
    assertThat(old.statusCode()).isEqualTo(400);
    assertThat(old.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("message"))
        .startsWith("falls on 2025-11-23, but run RA-AM runs on 2026-11-23");

    // Council records about the past are not run events: an old call is believed.
    JsonObject oldCall = example(EventType.CALL_OFFERED).put("occurredAt", "2026-11-20T09:00:00Z");
    assertThat(post(EventType.CALL_OFFERED, oldCall).statusCode()).isEqualTo(202);
    assertThat(storedEvents()).isEqualTo(2);
    assertThat(alerts().stream().filter(a -> a.getString("type").equals("run.late"))).isEmpty();
  }

  @Test
  @DisplayName(
      "Personal data typed into any field of any event reaches no email, alert summary, log line"
          + " or stream entry, and stays on the run's timeline for staff")
  void personalDataStaysOut() {
    SseClient stream = new SseClient(vertx, server.port, feeds.get(Scope.CONTROL), null);
    List<String> accepted = new ArrayList<>();
    for (EventType type : EventType.values()) {
      JsonObject example = example(type);
      for (String field : example.fieldNames()) {
        if (!(example.getValue(field) instanceof String)
            || List.of("type", "occurredAt").contains(field)) {
          continue;
        }
        JsonObject event =
            example.copy().put("eventId", UUID.randomUUID().toString()).put(field, PERSONAL);
        if (type == EventType.INCIDENT_REPORTED) {
          event.put("category", "safeguarding");
        }
        HttpResponse<Buffer> r = post(type, event);
        assertThat(r.statusCode()).as("%s.%s: %s", type, field, r.bodyAsString()).isIn(202, 400);
        if (r.statusCode() == 202) {
          accepted.add(type.wireName() + "." + field);
        }
      }
    }
    // Prose is stored (for staff); identifiers cannot hold such text at all.
    assertThat(accepted)
        .contains(
            "run.cancelled.reason",
            "incident.reported.summary",
            "pupil.absent.reason",
            "call.offered.queue",
            "crew.badge_updated.licensingAuthority")
        .doesNotContain("crew.assigned.driverId", "pupil.dropped.stopId", "call.offered.callId");
    // An unregistered driver id that is a valid id: shown as words, never echoed.
    JsonObject unknownDriver =
        example(EventType.CREW_ASSIGNED).put("driverId", "Janet-Doe-DOB-03-04-2015");
    store(operatorA, unknownDriver);
    // A safeguarding incident with no run at all, and a wrong drop-off at a stop not in the plan.
    JsonObject noRun =
        example(EventType.INCIDENT_REPORTED)
            .put("category", "safeguarding")
            .put("summary", PERSONAL);
    noRun.remove("runId");
    store(operatorA, noRun);
    store(
        operatorA,
        example(EventType.PUPIL_BOARDED),
        example(EventType.PUPIL_DROPPED).put("stopId", "Janet-Doe-12-Maple-Road"));

    for (String type :
        List.of("run.cancelled", "incident.safeguarding", "crew.unknown", "pupil.wrong_dropoff")) {
      awaitAlert(type);
    }
    JarProcess.await(
        "emails about the critical and high alerts",
        Duration.ofSeconds(20),
        () -> mailbox.emails(m -> true).size() >= 4);
    // Escalations after 10 minutes and the warnings' digest after 30 go out too.
    clock.advance(Duration.ofMinutes(31));
    JarProcess.await(
        "an escalation and a digest",
        Duration.ofSeconds(20),
        () ->
            mailbox.emails(m -> m.subject().contains("ESCALATED")).size() >= 1
                && mailbox.emails(m -> m.subject().contains("digest")).size() >= 1);

    List<String> places = new ArrayList<>();
    for (Mail m : mailbox.copies()) {
      places.add("email " + m.subject() + "\n" + m.raw());
    }
    for (JsonObject a : alerts()) {
      places.add("alert " + a.encode());
    }
    for (SseClient.Event e : stream.events()) {
      places.add("stream " + e.data().encode());
    }
    synchronized (logLines) {
      logLines.forEach(l -> places.add("log " + l));
    }
    for (String place : places) {
      for (String telltale : TELLTALES) {
        assertThat(place).as("no %s in %s", telltale, place).doesNotContain(telltale);
      }
      // Ids the plan does not have are never echoed where managers read them.
      if (place.startsWith("email") || place.startsWith("alert")) {
        assertThat(place).doesNotContain("Janet", "Maple");
      }
    }
    assertThat(alerts().stream().map(a -> a.getString("summary")))
        .anyMatch(s -> s.contains("an unregistered driver"))
        .anyMatch(s -> s.contains("a stop that is not on the run's plan"));
    // Staff still read what the operator reported, on the run's own timeline.
    HttpResponse<Buffer> detail = server.get("/api/v1/runs/" + TwoOperators.RUN_A, admin);
    assertThat(detail.bodyAsString()).contains("Acacia Avenue");
    // Each entry says where it came from: these all came through the API.
    assertThat(detail.bodyAsJsonObject().getJsonArray("timeline"))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(((JsonObject) e).getString("source")).isEqualTo("api"));
    stream.close();
  }

  @Test
  @DisplayName(
      "300 safeguarding incidents without a run from one sender fold into one alert counting 300,"
          + " which a restart does not count again")
  void incidentFloodFolds() {
    JsonArray flood = new JsonArray();
    for (int i = 0; i < 300; i++) {
      flood.add(
          Events.event("incident.reported", "2026-11-23T08:20:00Z")
              .put("category", "safeguarding")
              .put("summary", "report " + i));
    }
    HttpResponse<Buffer> r = Events.post(server, operatorA, flood.toBuffer());
    assertThat(r.statusCode()).isEqualTo(202);
    JsonObject alert = awaitAlert("incident.safeguarding");
    JarProcess.await(
        "the alert to count every report",
        Duration.ofSeconds(10),
        () -> incidentAlerts().get(0).getInteger("count") == 300);
    assertThat(incidentAlerts()).hasSize(1);
    assertThat(alert.getString("operatorId")).isEqualTo("OPA");
    // Another operator's report is its own alert.
    store(
        operatorB,
        Events.event("incident.reported", "2026-11-23T08:21:00Z")
            .put("category", "safeguarding")
            .put("summary", "one report"));
    JarProcess.await(
        "operator B's own alert", Duration.ofSeconds(10), () -> incidentAlerts().size() == 2);
    JarProcess.await(
        "one email per alert",
        Duration.ofSeconds(20),
        () ->
            mailbox.emails(travelwatch.support.Mailbox.alertType("incident.safeguarding")).size()
                == 2);

    // A restart replays the day: the count is recomputed, not added to.
    var database = server.database;
    server.close();
    server = new TestServer(database, mailbox.env(), clock);
    clock.advance(Duration.ofSeconds(5));
    JarProcess.await(
        "the restarted server's monitors",
        Duration.ofSeconds(20),
        () -> server.get("/health/ready", null).statusCode() == 200);
    List<JsonObject> after = incidentAlerts();
    assertThat(after).hasSize(2);
    assertThat(after.stream().map(a -> a.getInteger("count"))).containsExactlyInAnyOrder(300, 1);
    assertThat(mailbox.emails(travelwatch.support.Mailbox.alertType("incident.safeguarding")))
        .hasSize(2);
  }

  private List<JsonObject> incidentAlerts() {
    return alerts().stream()
        .filter(a -> a.getString("type").equals("incident.safeguarding"))
        .toList();
  }

  /** A valid event of the type for the key that may send it. */
  private static JsonObject example(EventType type) {
    return Events.example(type.wireName()).put("eventId", UUID.randomUUID().toString());
  }

  private String keyFor(EventType type) {
    return switch (type.sender()) {
      case OPERATOR -> operatorA;
      case TELEPHONY -> feeds.get(Scope.TELEPHONY);
      case CASEWORK -> feeds.get(Scope.CASEWORK);
      case HR -> feeds.get(Scope.HR);
    };
  }

  private HttpResponse<Buffer> post(EventType type, JsonObject event) {
    return server.post("/api/v1/events", keyFor(type), event);
  }

  private void store(String key, JsonObject... events) {
    Events.store(server, key, events);
  }

  private long storedEvents() {
    return TestPostgres.count(server.database, "select count(*) from event");
  }

  private List<JsonObject> alerts() {
    HttpResponse<Buffer> r = server.get("/api/v1/alerts", admin);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  private JsonObject awaitAlert(String type) {
    JarProcess.await(
        "a " + type + " alert",
        Duration.ofSeconds(15),
        () -> alerts().stream().anyMatch(a -> a.getString("type").equals(type)));
    return alerts().stream()
        .filter(a -> a.getString("type").equals(type))
        .findFirst()
        .orElseThrow();
  }

  private void assertNoStackTraces() {
    synchronized (logLines) {
      assertThat(logLines).noneMatch(l -> l.contains("\tat ") || l.contains("Exception"));
    }
  }
}
