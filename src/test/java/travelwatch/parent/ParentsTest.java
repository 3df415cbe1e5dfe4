package travelwatch.parent;

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
@DisplayName("Parents: one child's journeys, emails when they go wrong, and messages answered")
class ParentsTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PARENT_EMAIL = "parent@home.example";

  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
  private final Mailbox mailbox = new Mailbox();
  private TestServer server;
  private String admin;
  private String operatorA;

  private void start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(mailbox.env());
    env.put("TW_MONITOR_TICK_MS", "200");
    env.put("TW_MAIL_RELAY_MS", "50");
    env.put("TW_PARENT_NOTICE_SECONDS", "1");
    env.put("TW_PUBLIC_URL", "https://travelwatch.council.test");
    env.put("TW_INGEST_MAX_FUTURE_SECONDS", "86400");
    env.putAll(extra);
    server = new TestServer(env, clock);
    admin = server.scopeKey(Scope.ADMIN);
    HttpResponse<Buffer> plan =
        server.post("/api/v1/plan", admin, PlanJson.write(ParentFixture.plan()));
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    mailbox.close();
  }

  /** A new link to the pupil, made with the key; its token. */
  private String link(String pupilId, String key) {
    HttpResponse<Buffer> made =
        server.post("/api/v1/pupils/" + pupilId + "/parent-links", key, new JsonObject());
    assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(201);
    String url = made.bodyAsJsonObject().getString("url");
    assertThat(url).startsWith("https://travelwatch.council.test/parent/#t=twp_");
    return url.substring(url.indexOf("#t=") + 3);
  }

  private long linkId(String pupilId) {
    JsonArray items =
        server
            .get("/api/v1/pupils/" + pupilId + "/parent-links", admin)
            .bodyAsJsonObject()
            .getJsonArray("items");
    return items.getJsonObject(items.size() - 1).getLong("linkId");
  }

  private void post(JsonObject... events) {
    Events.store(server, operatorA, events);
  }

  private static JsonObject event(String type, String at) {
    return Events.event(type, at).put("runId", TwoOperators.RUN_A);
  }

  private JsonObject today(String token) {
    HttpResponse<Buffer> r = server.get("/api/v1/parent/today", token);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject journey(JsonObject today, String direction) {
    for (Object o : today.getJsonArray("journeys")) {
      JsonObject j = (JsonObject) o;
      if (direction.equals(j.getString("direction"))) {
        return j;
      }
    }
    throw new AssertionError("no " + direction + " journey in " + today);
  }

  private JsonObject awaitStatus(String token, String status) {
    JarProcess.await(
        "the AM journey " + status,
        WAIT,
        () -> status.equals(journey(today(token), "AM").getString("status")));
    JsonObject seen = today(token);
    assertThat(seen.encode())
        .as("another pupil, their stop, the crew and the vehicle's position are nowhere")
        .doesNotContain(ParentFixture.OTHER_PUPIL, "H2", TwoOperators.DRIVER_A, "52.49", "lat");
    return journey(seen, "AM");
  }

  private void subscribeAndConfirm(String token, List<String> notify) {
    HttpResponse<Buffer> put =
        server
            .client
            .put("/api/v1/parent/subscription")
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(
                new JsonObject()
                    .put("email", PARENT_EMAIL)
                    .put("notify", new JsonArray(notify))
                    .toBuffer())
            .await();
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(202);
    assertThat(put.bodyAsJsonObject().getBoolean("confirmed")).isFalse();
    List<Mail> confirmation = await(subject("Confirm your email"), 1);
    String text = confirmation.get(0).text();
    int at = text.indexOf("#confirm=");
    assertThat(at).as(text).isPositive();
    String code = text.substring(at + 9).split("\\s")[0];
    HttpResponse<Buffer> confirmed =
        server.post(
            "/api/v1/parent/subscription/confirm", token, new JsonObject().put("code", code));
    assertThat(confirmed.statusCode()).as(confirmed.bodyAsString()).isEqualTo(200);
    assertThat(confirmed.bodyAsJsonObject().getBoolean("confirmed")).isTrue();
  }

  private List<Mail> await(Predicate<Mail> which, int copies) {
    JarProcess.await("emails", WAIT, () -> mailbox.copies(which).size() >= copies);
    return mailbox.copies(which);
  }

  private static Predicate<Mail> subject(String part) {
    return m -> m.subject().contains(part);
  }

  /**
   * Waits until the notices job has looked again since now and the outbox has sent what it wrote:
   * anything it (wrongly) would send has been sent.
   */
  private void settle() {
    JobProbe jobs = new JobProbe(server);
    jobs.awaitFreshRun("parent_notices");
    jobs.awaitOutboxSent();
  }

  private long count(String sql) {
    return server.pool().query(sql).execute().await().iterator().next().getLong(0);
  }

  @Test
  @DisplayName(
      "A parent's link shows the child's morning journey go from not started to on the way (ETA"
          + " from positions), picked up and delivered, and never the other pupil on the run")
  void journeyMovesAsEventsArrive() {
    start(Map.of());
    String token = link(TwoOperators.PUPIL_A, admin);

    JsonObject am = journey(today(token), "AM");
    assertThat(am.getString("status")).isEqualTo("not_started");
    assertThat(am.getString("plannedPickup")).isEqualTo("2026-11-23T08:00:00Z");
    assertThat(am.getString("message")).isEqualTo("Not started yet — planned to pick up at 08:00.");
    assertThat(journey(today(token), "PM").getString("status")).isEqualTo("not_started");
    assertThat(today(token).getString("pupilId")).isEqualTo(TwoOperators.PUPIL_A);

    clock.set(Instant.parse("2026-11-23T07:50:00Z"));
    post(
        event("run.started", "2026-11-23T07:50:00Z")
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC")
            .put("lat", 52.53)
            .put("lon", -1.90),
        event("vehicle.position", "2026-11-23T07:52:00Z")
            .put("lat", 52.52)
            .put("lon", -1.90)
            .put("speedKph", 30.0));
    JsonObject onTheWay = awaitStatus(token, "on_the_way");
    Instant eta = Instant.parse(onTheWay.getString("eta"));
    // 2.2 km at 30 km/h (×1.3 for the roads) from 07:52.
    assertThat(eta)
        .isBetween(Instant.parse("2026-11-23T07:55:00Z"), Instant.parse("2026-11-23T08:00:00Z"));
    assertThat(onTheWay.getString("vehicleReg")).isEqualTo("BX19 ABC");
    assertThat(onTheWay.getString("message"))
        .startsWith("On the way — expected at your stop at about 07:5");

    clock.set(Instant.parse("2026-11-23T07:58:00Z"));
    post(
        event("pupil.boarded", "2026-11-23T07:58:00Z")
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "H1"),
        event("pupil.boarded", "2026-11-23T08:09:00Z")
            .put("pupilId", ParentFixture.OTHER_PUPIL)
            .put("stopId", "H2"));
    JsonObject pickedUp = awaitStatus(token, "picked_up");
    assertThat(pickedUp.getString("pickedUpAt")).isEqualTo("2026-11-23T07:58:00Z");
    assertThat(pickedUp.getString("message")).startsWith("Picked up at 07:58 — expected at school");

    clock.set(Instant.parse("2026-11-23T08:33:00Z"));
    post(
        event("pupil.dropped", "2026-11-23T08:33:00Z")
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "SCH1"));
    JsonObject delivered = awaitStatus(token, "delivered");
    assertThat(delivered.getString("droppedAt")).isEqualTo("2026-11-23T08:33:00Z");
    assertThat(delivered.getString("message")).isEqualTo("Arrived at school at 08:33.");
    assertThat(delivered.containsKey("eta")).isFalse();

    // No parameter reaches another pupil: the link decides whose journeys these are.
    HttpResponse<Buffer> other =
        server.get("/api/v1/parent/today?pupilId=" + ParentFixture.OTHER_PUPIL, token);
    assertThat(other.bodyAsJsonObject().getString("pupilId")).isEqualTo(TwoOperators.PUPIL_A);
    assertThat(other.bodyAsString()).doesNotContain(ParentFixture.OTHER_PUPIL);
  }

  @Test
  @DisplayName(
      "Once confirmed, a late run, a cancellation, a pick-up and a drop-off each send exactly one"
          + " email with the unsubscribe headers; unsubscribing stops them")
  void noticesOncePerJourneyWithUnsubscribeHeaders() {
    start(Map.of());
    String token = link(TwoOperators.PUPIL_A, admin);
    subscribeAndConfirm(token, List.of("late", "cancelled", "picked_up", "dropped_off"));

    // Not started twelve minutes after the planned pickup: late.
    clock.set(Instant.parse("2026-11-23T08:12:00Z"));
    List<Mail> late = await(subject("Running late"), 1);
    assertThat(late.get(0).text()).contains("about 12 minutes late");
    assertThat(late.get(0).raw())
        .contains(
            "List-Unsubscribe: <https://travelwatch.council.test/api/v1/parent/unsubscribe?code=")
        .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    assertThat(late.get(0).text()).contains("/parent/#unsubscribe=");
    // Not again until it has grown by fifteen minutes more.
    clock.set(Instant.parse("2026-11-23T08:20:00Z"));
    settle();
    assertThat(mailbox.copies(subject("Running late"))).hasSize(1);

    clock.set(Instant.parse("2026-11-23T08:21:00Z"));
    post(
        event("run.started", "2026-11-23T08:15:00Z")
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"),
        event("pupil.boarded", "2026-11-23T08:21:00Z")
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "H1"));
    List<Mail> picked = await(subject("Picked up"), 1);
    assertThat(picked.get(0).text()).contains("Picked up at 08:21.");
    assertThat(picked.get(0).inReplyTo())
        .as("a day's emails about one pupil are one thread")
        .isEqualTo(late.get(0).inReplyTo());

    clock.set(Instant.parse("2026-11-23T08:50:00Z"));
    post(
        event("pupil.dropped", "2026-11-23T08:50:00Z")
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "SCH1"));
    await(subject("Dropped off"), 1);

    clock.set(Instant.parse("2026-11-23T12:00:00Z"));
    Events.store(
        server,
        operatorA,
        Events.event("run.cancelled", "2026-11-23T12:00:00Z")
            .put("runId", ParentFixture.RUN_PM)
            .put("reason", "Driver Smith off sick"));
    List<Mail> cancelled = await(subject("Cancelled"), 1);
    assertThat(cancelled.get(0).text())
        .as("nothing an operator typed reaches an email")
        .doesNotContain("Smith")
        .contains("afternoon transport home");
    assertThat(journey(today(token), "PM").getJsonObject("cancelled").getString("reason"))
        .isEqualTo("Driver Smith off sick");

    settle();
    assertThat(mailbox.copies(subject("Running late"))).hasSize(1);
    assertThat(mailbox.copies(subject("Picked up"))).hasSize(1);
    assertThat(mailbox.copies(subject("Dropped off"))).hasSize(1);
    assertThat(mailbox.copies(subject("Cancelled"))).hasSize(1);
    for (Mail m : mailbox.copies()) {
      assertThat(m.to()).containsExactly(PARENT_EMAIL);
      assertThat(m.raw()).contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    }

    // One click from the email's header: nothing more is sent.
    String header = cancelled.get(0).raw();
    int at = header.indexOf("unsubscribe?code=");
    String code = header.substring(at + 17, header.indexOf('>', at));
    HttpResponse<Buffer> unsubscribed =
        server
            .client
            .post("/api/v1/parent/unsubscribe?code=" + code)
            .putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer("List-Unsubscribe=One-Click"))
            .await();
    assertThat(unsubscribed.statusCode()).isEqualTo(204);
    assertThat(count("select count(*) from parent_subscription")).isZero();
    int before = mailbox.copies().size();
    post(
        event("run.started", "2026-11-23T12:01:00Z")
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"));
    Events.store(
        server,
        operatorA,
        Events.event("pupil.boarded", "2026-11-23T12:01:00Z")
            .put("runId", ParentFixture.RUN_PM)
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "SCH1"));
    settle();
    assertThat(mailbox.copies()).hasSize(before);
  }

  @Test
  @DisplayName(
      "An address not yet confirmed gets only the confirmation; a revoked link is a 401 at once"
          + " and its address is deleted")
  void unconfirmedGetsNothingAndRevokingDeletesTheAddress() {
    start(Map.of());
    String token = link(TwoOperators.PUPIL_A, server.scopeKey(Scope.CASEWORK));
    HttpResponse<Buffer> put =
        server
            .client
            .put("/api/v1/parent/subscription")
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(
                new JsonObject()
                    .put("email", PARENT_EMAIL)
                    .put("notify", new JsonArray().add("late").add("cancelled"))
                    .toBuffer())
            .await();
    assertThat(put.statusCode()).isEqualTo(202);
    await(subject("Confirm your email"), 1);
    clock.set(Instant.parse("2026-11-23T08:20:00Z"));
    post(event("run.cancelled", "2026-11-23T08:20:00Z").put("reason", "breakdown"));
    settle();
    assertThat(mailbox.copies()).as("only the confirmation").hasSize(1);

    assertThat(count("select count(*) from parent_subscription")).isEqualTo(1);
    long linkId = linkId(TwoOperators.PUPIL_A);
    HttpResponse<Buffer> revoked =
        server
            .client
            .delete("/api/v1/parent-links/" + linkId)
            .putHeader("Authorization", "Bearer " + admin)
            .send()
            .await();
    assertThat(revoked.statusCode()).isEqualTo(204);
    assertThat(server.get("/api/v1/parent/today", token).statusCode()).isEqualTo(401);
    assertThat(count("select count(*) from parent_subscription")).isZero();
    assertThat(count("select count(*) from parent_notice")).isZero();
    JsonObject listed =
        server
            .get("/api/v1/pupils/" + TwoOperators.PUPIL_A + "/parent-links", admin)
            .bodyAsJsonObject()
            .getJsonArray("items")
            .getJsonObject(0);
    assertThat(listed.getString("state")).isEqualTo("revoked");
    assertThat(listed.encode()).doesNotContain("twp_");
  }

  @Test
  @DisplayName(
      "Revoking a link forgets its address everywhere: a notice waiting in the outbox is never"
          + " sent, no outbox row keeps the address, and nothing due later is sent")
  void revokingForgetsTheAddressInTheOutbox() {
    start(Map.of("TW_MAIL_RETRY_FIRST_MS", "200", "TW_MAIL_RETRY_MAX_MS", "400"));
    String token = link(TwoOperators.PUPIL_A, admin);
    subscribeAndConfirm(token, List.of("late", "cancelled", "picked_up", "dropped_off"));
    mailbox.stop();
    clock.set(Instant.parse("2026-11-23T08:12:00Z"));
    JarProcess.await(
        "the late notice waiting in the outbox",
        WAIT,
        () ->
            count(
                    "select count(*) from outbox where kind = 'parent' and state = 'pending'"
                        + " and subject like 'Running late%'")
                == 1);
    long linkId = linkId(TwoOperators.PUPIL_A);
    assertThat(
            server
                .client
                .delete("/api/v1/parent-links/" + linkId)
                .putHeader("Authorization", "Bearer " + admin)
                .send()
                .await()
                .statusCode())
        .isEqualTo(204);
    assertThat(
            count(
                "select count(*) from outbox where '"
                    + PARENT_EMAIL
                    + "' = any(recipients) or text_body like '%unsubscribe%'"))
        .as("no outbox row keeps the address or its links")
        .isZero();
    assertThat(count("select count(*) from outbox where kind = 'parent' and state <> 'sent'"))
        .isZero();

    mailbox.start();
    int before = mailbox.copies().size();
    clock.set(Instant.parse("2026-11-23T08:21:00Z"));
    post(
        event("run.started", "2026-11-23T08:15:00Z")
            .put("driverId", TwoOperators.DRIVER_A)
            .put("guideId", TwoOperators.GUIDE_A)
            .put("vehicleReg", "BX19 ABC"),
        event("pupil.boarded", "2026-11-23T08:21:00Z")
            .put("pupilId", TwoOperators.PUPIL_A)
            .put("stopId", "H1"));
    settle();
    assertThat(mailbox.copies()).hasSize(before);
    assertThat(mailbox.copies(m -> m.to().contains(PARENT_EMAIL)))
        .extracting(Mail::subject)
        .containsOnly("Confirm your email for school transport updates");
  }

  @Test
  @DisplayName(
      "A link past the end of the school year is a 401; a token for one pupil reaches no other"
          + " route and no other pupil")
  void expiredLinksAndOtherRoutesAreRefused() {
    start(Map.of());
    String token = link(TwoOperators.PUPIL_A, admin);
    HttpResponse<Buffer> made =
        server.post(
            "/api/v1/pupils/" + TwoOperators.PUPIL_A + "/parent-links", admin, new JsonObject());
    assertThat(made.bodyAsJsonObject().getString("expiresAt"))
        .isEqualTo("2027-09-01T00:00:00+01:00");
    for (String path :
        List.of(
            "/api/v1/pupils/" + ParentFixture.OTHER_PUPIL + "/today",
            "/api/v1/runs/" + TwoOperators.RUN_A,
            "/api/v1/messages",
            "/api/v1/pupils/" + TwoOperators.PUPIL_A + "/parent-links")) {
      assertThat(server.get(path, token).statusCode()).as(path).isEqualTo(403);
    }
    assertThat(server.post("/api/v1/events", token, Events.example("run.started")).statusCode())
        .isEqualTo(403);
    clock.set(Instant.parse("2027-09-01T00:00:01Z"));
    assertThat(server.get("/api/v1/parent/today", token).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "A parent's message reaches the control room's stream and list; a controller's reply reaches"
          + " the parent's messages and their email; a viewer cannot reply; 10 a day at most")
  void messagesAnsweredByTheControlRoom() {
    start(Map.of());
    String token = link(TwoOperators.PUPIL_A, admin);
    subscribeAndConfirm(token, List.of("cancelled"));
    SessionLogin.addUser(server, "controller@council.test", Role.CONTROLLER, "correct horse 1");
    SessionLogin.addUser(server, "viewer@council.test", Role.VIEWER, "correct horse 2");
    SessionLogin controller = SessionLogin.of(server, "controller@council.test", "correct horse 1");
    SessionLogin viewer = SessionLogin.of(server, "viewer@council.test", "correct horse 2");
    String control = server.scopeKey(Scope.CONTROL);

    try (SseClient stream = new SseClient(server.server.vertx(), server.port, control, null)) {
      HttpResponse<Buffer> sent =
          server.post(
              "/api/v1/parent/messages",
              token,
              new JsonObject()
                  .put("category", "not_arrived")
                  .put("text", "<b>Not here</b> yet, is the bus coming?"));
      assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
      long id = sent.bodyAsJsonObject().getLong("messageId");
      SseClient.Event entry =
          stream.await(
              "the message on the stream",
              WAIT,
              e -> "message".equals(e.kind()) && e.data().getLong("messageId") == id);
      assertThat(entry.data().getString("state")).isEqualTo("open");
      assertThat(entry.data().encode())
          .as("the stream never carries the text")
          .doesNotContain("Not here");

      JsonObject listed =
          server
              .get("/api/v1/messages?state=open", control)
              .bodyAsJsonObject()
              .getJsonArray("items")
              .getJsonObject(0);
      assertThat(listed.getString("text")).isEqualTo("<b>Not here</b> yet, is the bus coming?");
      assertThat(listed.getString("pupilId")).isEqualTo(TwoOperators.PUPIL_A);

      HttpResponse<Buffer> refused =
          viewer.post("/api/v1/messages/" + id + "/reply", new JsonObject().put("text", "x"));
      assertThat(refused.statusCode()).isEqualTo(403);

      HttpResponse<Buffer> replied =
          controller.post(
              "/api/v1/messages/" + id + "/reply",
              new JsonObject().put("text", "The bus is 5 minutes away."));
      assertThat(replied.statusCode()).as(replied.bodyAsString()).isEqualTo(201);
      stream.await(
          "the answer on the stream",
          WAIT,
          e -> "message".equals(e.kind()) && "answered".equals(e.data().getString("state")));

      JsonObject mine =
          server
              .get("/api/v1/parent/messages", token)
              .bodyAsJsonObject()
              .getJsonArray("items")
              .getJsonObject(0);
      assertThat(mine.getString("state")).isEqualTo("answered");
      JsonObject reply = mine.getJsonArray("replies").getJsonObject(0);
      assertThat(reply.getString("text")).isEqualTo("The bus is 5 minutes away.");
      assertThat(reply.containsKey("author")).as("the parent is answered by the service").isFalse();
      List<Mail> emailed = await(subject("Reply from the school transport service"), 1);
      assertThat(emailed.get(0).text()).contains("The bus is 5 minutes away.");
      assertThat(emailed.get(0).to()).containsExactly(PARENT_EMAIL);

      assertThat(
              controller.post("/api/v1/messages/" + id + "/close", new JsonObject()).statusCode())
          .isEqualTo(200);
      assertThat(
              server
                  .get("/api/v1/messages?state=closed", control)
                  .bodyAsJsonObject()
                  .getJsonArray("items"))
          .hasSize(1);
    }

    for (int i = 2; i <= 10; i++) {
      assertThat(
              server
                  .post(
                      "/api/v1/parent/messages",
                      token,
                      new JsonObject().put("category", "other").put("text", "message " + i))
                  .statusCode())
          .isEqualTo(201);
    }
    HttpResponse<Buffer> eleventh =
        server.post(
            "/api/v1/parent/messages",
            token,
            new JsonObject().put("category", "other").put("text", "one too many"));
    assertThat(eleventh.statusCode()).isEqualTo(429);
    assertThat(eleventh.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(count("select count(*) from parent_message")).isEqualTo(10);
    HttpResponse<Buffer> bad =
        server.post(
            "/api/v1/parent/messages",
            token,
            new JsonObject().put("category", "urgent").put("text", "x".repeat(1001)));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getJsonArray("errors").encode())
        .contains("category", "must be one of late, not_arrived, change, other")
        .contains("must be 1 to 1000 characters long, got 1001");
  }

  @Test
  @DisplayName("Quiet hours hold back a late email and still send a cancellation at once")
  void quietHoursHoldBackLateButNotCancelled() {
    // Quiet from 08:05 this morning to 06:30 tomorrow, so the morning run falls in them.
    start(Map.of("TW_PARENT_QUIET_FROM", "08:05", "TW_PARENT_QUIET_UNTIL", "06:30"));
    String token = link(TwoOperators.PUPIL_A, admin);
    subscribeAndConfirm(token, List.of("late", "cancelled"));
    clock.set(Instant.parse("2026-11-23T08:15:00Z"));
    settle();
    assertThat(mailbox.copies(subject("Running late"))).as("held back in quiet hours").isEmpty();
    post(event("run.cancelled", "2026-11-23T08:15:00Z").put("reason", "breakdown"));
    await(subject("Cancelled"), 1);
    assertThat(mailbox.copies(subject("Running late"))).isEmpty();
  }
}
