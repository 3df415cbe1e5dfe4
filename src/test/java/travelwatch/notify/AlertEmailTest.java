package travelwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.AccessStore;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.JobProbe;
import travelwatch.support.Mailbox;
import travelwatch.support.Mailbox.Mail;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName("Alert emails through a real SMTP server (GreenMail), in virtual time")
class AlertEmailTest {
  private static final List<String> MANAGERS = List.of("duty@council.test", "head@council.test");
  private static final String ADMIN = "director@council.test";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
  private final Mailbox mailbox = new Mailbox();
  private TestServer server;
  private String admin;
  private String operatorA;

  private void start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(mailbox.env());
    env.put("TW_MONITOR_TICK_MS", "200");
    env.put("TW_MAIL_RELAY_MS", "50");
    env.put("TW_MAIL_RETRY_FIRST_MS", "100");
    env.put("TW_MAIL_RETRY_MAX_MS", "400");
    env.put("TW_PUBLIC_URL", "https://travelwatch.council.test");
    // The virtual clock starts before the morning's events and is moved by each test on its own.
    env.put("TW_INGEST_MAX_FUTURE_SECONDS", "7200");
    env.putAll(extra);
    server = new TestServer(env, clock);
    admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    // Last week's KPI snapshot is taken at start-up and its table emailed to the managers there are
    // then: taken before they exist, no such email joins the alerts' below.
    new JobProbe(server).await("kpi_weekly", "OK");
    AccessStore users = new AccessStore(server.pool());
    for (String m : MANAGERS) {
      users.putUser(m, Role.MANAGER, "not-used").await();
    }
    users.putUser(ADMIN, Role.ADMIN, "not-used").await();
    users.putUser("controller@council.test", Role.CONTROLLER, "not-used").await();
  }

  @BeforeEach
  void defaults() {}

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    mailbox.close();
  }

  private void post(JsonObject event) {
    assertThat(server.post("/api/v1/events", operatorA, event).statusCode()).isEqualTo(202);
  }

  private static JsonObject startWithUnclearedDriver() {
    return Events.event("run.started", "2026-11-23T07:45:00Z")
        .put("runId", TwoOperators.RUN_A)
        .put("driverId", TwoOperators.UNCLEARED_DRIVER_A)
        .put("guideId", TwoOperators.GUIDE_A)
        .put("vehicleReg", "BX19 ABC");
  }

  private static JsonObject safeguarding(String at) {
    return Events.event("incident.reported", at)
        .put("runId", TwoOperators.RUN_A)
        .put("category", "safeguarding")
        .put("summary", "reported by the guide");
  }

  private JsonObject alert(String type) {
    JsonArray items =
        server.get("/api/v1/alerts?type=" + type, admin).bodyAsJsonObject().getJsonArray("items");
    assertThat(items).as("alerts of type " + type).hasSize(1);
    return items.getJsonObject(0);
  }

  private List<Mail> await(String what, Predicate<Mail> which, int copies) {
    JarProcess.await(what, WAIT, () -> mailbox.copies(which).size() >= copies);
    return mailbox.copies(which);
  }

  private long count(String sql) {
    return server.pool().query(sql).execute().await().iterator().next().getLong(0);
  }

  private static Predicate<Mail> subject(String part) {
    return m -> m.subject().contains(part);
  }

  @Test
  @DisplayName(
      "A critical alert emails the managers at once, with text and HTML parts, the council's"
          + " subject, what to do next and a link; its resolution is threaded to it")
  void criticalAlertEmailedAndResolutionThreaded() {
    start(Map.of());
    post(startWithUnclearedDriver());
    List<Mail> copies =
        await(
            "the critical alert's email",
            Mailbox.alertType("crew.dbs_not_cleared"),
            MANAGERS.size());
    JsonObject alert = alert("crew.dbs_not_cleared");
    long id = alert.getLong("id");

    assertThat(copies)
        .hasSize(2)
        .extracting(Mail::messageId)
        .containsOnly("<alert-" + id + "@council.test>");
    Mail mail = copies.get(0);
    assertThat(mail.subject())
        .isEqualTo("[CRITICAL] Driver not cleared — run RA-AM AM, Hillcrest School");
    assertThat(mail.to()).containsExactlyElementsOf(MANAGERS);
    assertThat(mail.contentType()).startsWith("multipart/alternative");
    assertThat(mail.text())
        .contains("What happened: " + alert.getString("summary"))
        .contains("Operator: Oakfield Travel (OPA)")
        .contains("School: Hillcrest School")
        .contains("Crew member: " + TwoOperators.UNCLEARED_DRIVER_A)
        .contains("Pupils on the run: 1")
        .contains("Operator's phone: " + TwoOperators.OPA_PHONE)
        .contains("What to do next: Call the operator (" + TwoOperators.OPA_PHONE + ") now")
        .contains("https://travelwatch.council.test/#/alerts/" + id);
    assertThat(mail.raw()).contains("X-TravelWatch-Alert-Type: crew.dbs_not_cleared");
    assertThat(mail.subject()).as("the type code is in the header only").doesNotContain("crew.");
    assertThat(mail.html())
        .contains("<strong>What happened:</strong>")
        .contains("href=\"https://travelwatch.council.test/#/alerts/" + id + "\"");
    assertThat(mail.inReplyTo()).isNull();

    var resolved =
        server.post(
            "/api/v1/alerts/" + id + "/resolve",
            admin,
            new JsonObject().put("confirm", true).put("note", "cover sent"));
    assertThat(resolved.statusCode()).isEqualTo(200);
    List<Mail> notices = await("the resolution notice", subject("[RESOLVED]"), MANAGERS.size());
    Mail notice = notices.get(0);
    assertThat(notice.subject())
        .isEqualTo("[RESOLVED] Driver not cleared — run RA-AM AM, Hillcrest School");
    assertThat(notice.inReplyTo()).isEqualTo("<alert-" + id + "@council.test>");
    assertThat(notice.references()).isEqualTo("<alert-" + id + "@council.test>");
    assertThat(notice.to()).containsExactlyElementsOf(MANAGERS);
    assertThat(notice.text()).doesNotContain("cover sent");
  }

  @Test
  @DisplayName(
      "A warning is not emailed at once: it waits for the digest, which goes out after the digest"
          + " period to each manager")
  void warningOnlyInDigest() {
    start(Map.of());
    // The uncleared driver is not the planned one: crew.changed (a warning) with the critical.
    post(startWithUnclearedDriver());
    await("the critical alert's email", Mailbox.alertType("crew.dbs_not_cleared"), MANAGERS.size());
    JsonObject warning = alert("crew.changed");
    assertThat(warning.getString("severity")).isEqualTo("warning");
    assertThat(mailbox.copies(m -> m.text().contains("crew.changed"))).isEmpty();

    clock.advance(Duration.ofMinutes(31));
    List<Mail> digests = await("the digests", subject("TravelWatch digest"), MANAGERS.size());
    assertThat(digests)
        .extracting(m -> m.to().get(0))
        .containsExactlyInAnyOrderElementsOf(MANAGERS);
    assertThat(digests.get(0).text())
        .contains("[WARNING] crew.changed — " + warning.getString("summary"))
        .contains("https://travelwatch.council.test/#/alerts/" + warning.getLong("id"));
    assertThat(digests.get(0).html()).contains("<table");
    // Nothing about the warning went out on its own.
    assertThat(mailbox.copies(Mailbox.alertType("crew.changed"))).isEmpty();
  }

  @Test
  @DisplayName(
      "A critical alert left unacknowledged past the escalation time escalates to the admins,"
          + " threaded to the first email")
  void unacknowledgedCriticalEscalates() {
    start(Map.of());
    post(startWithUnclearedDriver());
    await("the critical alert's email", Mailbox.alertType("crew.dbs_not_cleared"), MANAGERS.size());
    long id = alert("crew.dbs_not_cleared").getLong("id");
    assertThat(mailbox.copies(subject("ESCALATED"))).isEmpty();

    clock.advance(Duration.ofMinutes(11));
    List<Mail> escalations = await("the escalation", subject("ESCALATED Driver not cleared"), 1);
    Mail escalation = escalations.get(0);
    assertThat(escalation.to()).containsExactly(ADMIN);
    assertThat(escalation.subject())
        .isEqualTo("[CRITICAL] ESCALATED Driver not cleared — run RA-AM AM, Hillcrest School");
    assertThat(escalation.inReplyTo()).isEqualTo("<alert-" + id + "@council.test>");
    assertThat(escalation.text()).startsWith("Not acknowledged since");
    assertThat(count("select count(*) from alert_transition where kind = 'escalated'"))
        .isEqualTo(1);

    // Resolving it tells everyone who was emailed: the managers and the admin.
    server.post(
        "/api/v1/alerts/" + id + "/resolve",
        admin,
        new JsonObject().put("confirm", true).put("note", "driver stood down"));
    List<Mail> notices = await("the resolution notice", subject("[RESOLVED]"), 3);
    assertThat(notices.get(0).to())
        .containsExactlyInAnyOrder(ADMIN, MANAGERS.get(0), MANAGERS.get(1));
  }

  @Test
  @DisplayName("A critical alert acknowledged in time does not escalate")
  void acknowledgedInTimeDoesNotEscalate() {
    start(Map.of());
    post(startWithUnclearedDriver());
    await("the critical alert's email", Mailbox.alertType("crew.dbs_not_cleared"), MANAGERS.size());
    long id = alert("crew.dbs_not_cleared").getLong("id");
    clock.advance(Duration.ofMinutes(9));
    assertThat(
            server
                .post("/api/v1/alerts/" + id + "/acknowledge", admin, new JsonObject())
                .statusCode())
        .isEqualTo(200);

    clock.advance(Duration.ofMinutes(5));
    // A relay pass escalates due alerts before it sends: once this later alert's email is out,
    // the pass that would have escalated the first one has run.
    post(safeguarding("2026-11-23T07:46:00Z"));
    await("a later alert's email", Mailbox.alertType("incident.safeguarding"), MANAGERS.size());
    assertThat(mailbox.copies(subject("ESCALATED"))).isEmpty();
    assertThat(count("select count(*) from alert_transition where kind = 'escalated'")).isZero();
  }

  @Test
  @DisplayName(
      "With the mail server down the backlog grows and nothing is lost; when it is back every"
          + " email is delivered exactly once")
  void smtpOutageLosesNothing() {
    start(Map.of("TW_MAIL_MAX_TRIES", "100")); // fast retries here: never give up meanwhile
    mailbox.stop();
    for (int i = 0; i < 5; i++) {
      post(safeguarding("2026-11-23T07:4" + i + ":00Z"));
    }
    JarProcess.await(
        "five emails pending after failed tries",
        WAIT,
        () ->
            server
                    .pool()
                    .query(
                        "select count(*) from outbox where state = 'pending' and tries > 0"
                            + " and kind = 'alert'")
                    .execute()
                    .await()
                    .iterator()
                    .next()
                    .getLong(0)
                == 5);
    JsonObject mail = server.get("/health/ready", null).bodyAsJsonObject().getJsonObject("mail");
    assertThat(mail.getLong("pending")).isEqualTo(5);
    assertThat(mail.getBoolean("relayOnThisNode")).isTrue();
    JarProcess.await(
        "the metrics to show the five waiting, the oldest for a second or more",
        WAIT,
        () -> {
          String metrics = server.get("/metrics", null).bodyAsString();
          var oldest =
              java.util.regex.Pattern.compile(
                      "(?m)^travelwatch_outbox_oldest_pending_seconds (\\S+)$")
                  .matcher(metrics);
          return metrics.contains("travelwatch_outbox_pending 5.0")
              && oldest.find()
              && Double.parseDouble(oldest.group(1)) >= 1;
        });

    mailbox.start();
    List<Mail> copies =
        await("every email after the outage", Mailbox.alertType("incident.safeguarding"), 5 * 2);
    JarProcess.await(
        "the outbox drained",
        WAIT,
        () ->
            server
                    .get("/health/ready", null)
                    .bodyAsJsonObject()
                    .getJsonObject("mail")
                    .getLong("pending")
                == 0);
    Map<String, Long> perEmail =
        mailbox.copies(Mailbox.alertType("incident.safeguarding")).stream()
            .collect(Collectors.groupingBy(Mail::messageId, Collectors.counting()));
    assertThat(copies).isNotEmpty();
    assertThat(perEmail).hasSize(5).allSatisfy((id, n) -> assertThat(n).isEqualTo(2L));
    JarProcess.await(
        "the metrics show five alert emails sent and none pending",
        WAIT,
        () -> {
          String metrics = server.get("/metrics", null).bodyAsString();
          return metrics.contains("travelwatch_outbox_sent_total{kind=\"alert\"} 5.0")
              && metrics.contains("travelwatch_outbox_pending 0.0");
        });
  }

  @Test
  @DisplayName(
      "An email that fails the configured number of tries is marked failed, counted, and shown"
          + " on the ready probe")
  void givesUpAfterMaxTries() {
    start(Map.of("TW_MAIL_MAX_TRIES", "2"));
    mailbox.stop();
    post(safeguarding("2026-11-23T07:40:00Z"));
    JarProcess.await(
        "the email given up",
        WAIT,
        () ->
            count(
                        "select count(*) from outbox where kind = 'alert' and state = 'failed'"
                            + " and tries = 2")
                    == 1
                && count("select count(*) from outbox where state = 'pending'") == 0);
    // The week's KPI email may be due at start too (when the managers were added in time), and
    // then fails the same way: the probe counts every email given up.
    JsonObject mail = server.get("/health/ready", null).bodyAsJsonObject().getJsonObject("mail");
    assertThat(mail.getString("status")).isEqualTo("FAILING");
    assertThat(mail.getLong("failed"))
        .isEqualTo(count("select count(*) from outbox where state = 'failed'"))
        .isPositive();
    assertThat(server.get("/metrics", null).bodyAsString())
        .contains("travelwatch_outbox_failed_total{kind=\"alert\"} 1.0");
  }

  @Test
  @DisplayName(
      "An email about a pupil alert names the pupil by reference only: no stop positions or"
          + " times from the plan")
  void pupilAlertCarriesOnlyTheReference() {
    start(Map.of());
    post(
        Events.event("run.started", "2026-11-23T07:45:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A));
    post(
        Events.event("pupil.boarded", "2026-11-23T08:10:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("pupilId", TwoOperators.PUPIL_A));
    // Dropped back at the pickup stop rather than at school.
    post(
        Events.event("pupil.dropped", "2026-11-23T08:12:00Z")
            .put("runId", TwoOperators.RUN_A)
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "H1"));
    List<Mail> copies =
        await("the wrong drop-off email", Mailbox.alertType("pupil.wrong_dropoff"), 2);
    Mail mail = copies.get(0);
    assertThat(mail.text()).contains("Pupil reference: " + TwoOperators.PUPIL_A);
    // The plan's facts about the pupil's home stop: its position and pickup time.
    assertThat(mail.raw()).doesNotContain("52.5").doesNotContain("-1.9").doesNotContain("08:10");
  }

  @Test
  @DisplayName(
      "Over the per-minute cap, immediate emails are folded into the next digest, never dropped")
  void stormCapFoldsIntoDigest() {
    // Early enough that the digest's half hour crosses no rule's line (not started is 08:00).
    clock.set(Instant.parse("2026-11-23T07:00:00Z"));
    start(Map.of("TW_MAIL_PER_MINUTE", "2"));
    for (int i = 0; i < 5; i++) {
      post(safeguarding("2026-11-23T06:5" + i + ":00Z"));
    }
    JarProcess.await(
        "two sent and three folded",
        WAIT,
        () -> count("select count(*) from outbox where state = 'folded'") == 3);
    await(
        "the two emails within the cap",
        Mailbox.alertType("incident.safeguarding"),
        2 * MANAGERS.size());
    assertThat(mailbox.emails(Mailbox.alertType("incident.safeguarding"))).hasSize(2);

    clock.advance(Duration.ofMinutes(31));
    // Digests are not held by the cap: there is one per recipient per period.
    List<Mail> digests = await("the digests", subject("TravelWatch digest"), MANAGERS.size());
    String text = digests.get(0).text();
    assertThat(text.split("held back from an immediate email", -1)).hasSize(4);
  }

  @Test
  @DisplayName(
      "Routing rules: a viewer can neither list nor change them, an admin can; a bad rule changes"
          + " nothing; a rule by operator and severity sends to its own address")
  void routingRules() {
    start(Map.of());
    String viewer = server.scopeKey(Scope.CONTROL);
    assertThat(server.get("/api/v1/notify/rules", viewer).statusCode()).isEqualTo(403);
    JsonArray defaults =
        server.get("/api/v1/notify/rules", admin).bodyAsJsonObject().getJsonArray("items");
    assertThat(defaults).hasSize(4);
    assertThat(defaults.getJsonObject(0).getString("delivery")).isEqualTo("immediate");
    assertThat(defaults.getJsonObject(0).getJsonArray("recipients"))
        .containsExactly("role:manager");

    JsonArray bad =
        new JsonArray()
            .add(new JsonObject().put("delivery", "immediate").put("recipients", new JsonArray()))
            .add(
                new JsonObject()
                    .put("delivery", "soon")
                    .put("recipients", new JsonArray().add("not an address"))
                    .put("alertTypes", new JsonArray().add("run.exploded")));
    var refused = put(new JsonObject().put("items", bad), admin);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
    JsonArray errors = refused.bodyAsJsonObject().getJsonArray("errors");
    assertThat(
            errors.stream()
                .map(
                    e ->
                        ((JsonObject) e).getInteger("index")
                            + ":"
                            + ((JsonObject) e).getString("field")))
        .contains("0:recipients", "1:delivery", "1:recipients", "1:alertTypes");
    assertThat(server.get("/api/v1/notify/rules", admin).bodyAsJsonObject().getJsonArray("items"))
        .isEqualTo(defaults);

    JsonArray mine =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("delivery", "immediate")
                    .put("recipients", new JsonArray().add("oakfield.contract@council.test"))
                    .put("operatorIds", new JsonArray().add("OPA"))
                    .put("alertTypes", new JsonArray().add("crew.*"))
                    .put("severities", new JsonArray().add("critical")));
    assertThat(put(mine, viewer).statusCode()).isEqualTo(403);
    var changed = put(mine, admin);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.bodyAsJsonObject().getJsonArray("items")).hasSize(1);

    post(startWithUnclearedDriver());
    List<Mail> copies =
        await("the email by the new rule", Mailbox.alertType("crew.dbs_not_cleared"), 1);
    assertThat(copies.get(0).to()).containsExactly("oakfield.contract@council.test");
  }

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> put(
      Object body, String key) {
    return server
        .client
        .put("/api/v1/notify/rules")
        .putHeader("Authorization", "Bearer " + key)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(io.vertx.core.buffer.Buffer.buffer(io.vertx.core.json.Json.encode(body)))
        .await();
  }
}
