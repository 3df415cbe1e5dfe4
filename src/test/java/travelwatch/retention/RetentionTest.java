package travelwatch.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.config.RetentionConfig;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.JarProcess;
import travelwatch.support.JobProbe;
import travelwatch.support.TestClock;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(180)
@DisplayName("Retention: what is older than its limit goes, the rest stays")
class RetentionTest {
  private static final RetentionConfig DEFAULTS = new RetentionConfig(400, 31, 2190);
  private static final String TELEPHONY = "scope:telephony";
  private static final String OPERATOR = "operator:OPA";

  @Test
  @DisplayName(
      "The day's pass drops the months of events and the days of positions older than their"
          + " limits, clears older coordinates, deletes old audit records, ended links' addresses"
          + " and old messages, keeps everything younger, and the KPI snapshots of those weeks"
          + " still answer")
  void passRemovesOnlyWhatIsOlder() throws Exception {
    PgEndpoint db = TestPostgres.freshDatabase();
    // Partitions of the periods the rows below fall in, as the job names them; the rest of the
    // rows (2024-05, 2026-06, 2026-10-10) wait in the default partitions.
    sql(
        db,
        "select event_partition_make('event_main', 'event_main_p202509', '2025-09-01',"
            + " '2025-10-01')",
        "select event_partition_make('event_main', 'event_main_p202510', '2025-10-01',"
            + " '2025-11-01')",
        "select event_partition_make('event_main', 'event_main_p202610', '2026-10-01',"
            + " '2026-11-01')",
        "select event_partition_make('event_position', 'event_position_p20261001',"
            + " '2026-10-01', '2026-10-02')",
        "select event_partition_make('event_position', 'event_position_p20261120',"
            + " '2026-11-20', '2026-11-21')");
    store(db, TELEPHONY, "call-old-offered", "call.offered", "2025-09-15", "{\"callId\":\"C1\"}");
    store(db, TELEPHONY, "call-old-answered", "call.answered", "2025-09-16", "{\"callId\":\"C1\"}");
    store(db, TELEPHONY, "call-ancient", "call.offered", "2024-05-10", "{\"callId\":\"C0\"}");
    store(db, TELEPHONY, "call-young", "call.offered", "2025-10-25", "{\"callId\":\"C2\"}");
    store(db, TELEPHONY, "call-june", "call.offered", "2026-06-10", "{\"callId\":\"C3\"}");
    String fix = "{\"lat\":52.48,\"lon\":-1.89,\"runId\":\"RA-AM\"}";
    store(db, OPERATOR, "pos-old", "vehicle.position", "2026-10-01", fix);
    store(db, OPERATOR, "pos-old-default", "vehicle.position", "2026-10-10", fix);
    store(db, OPERATOR, "pos-young", "vehicle.position", "2026-11-20", fix);
    String boarded = "{\"lat\":52.48,\"lon\":-1.89,\"pupilId\":\"P-A1\",\"runId\":\"RA-AM\"}";
    store(db, OPERATOR, "boarded-old", "pupil.boarded", "2026-10-01", boarded);
    store(db, OPERATOR, "boarded-young", "pupil.boarded", "2026-11-20", boarded);

    // Before: a server that keeps everything takes the snapshot of the week of the old calls.
    JsonObject snapshot;
    TestClock monday = new TestClock(Instant.parse("2026-11-23T07:30:00Z"));
    try (TestServer keeping =
        new TestServer(
            db,
            Map.of("TW_RETENTION_EVENTS_DAYS", "36500", "TW_RETENTION_POSITIONS_DAYS", "36500"),
            monday)) {
      String admin = keeping.scopeKey(Scope.ADMIN);
      assertThat(keeping.post("/api/v1/plan", admin, TwoOperators.json()).statusCode())
          .isEqualTo(200);
      var taken = keeping.post("/api/v1/kpi/weekly/2025-09-19", admin, new JsonObject());
      assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(200);
      snapshot = taken.bodyAsJsonObject();
      assertThat(snapshot.getJsonObject("telephonePerformance"))
          .isEqualTo(
              new JsonObject().put("numerator", 1).put("denominator", 1).put("percent", 100.0));
      new JobProbe(keeping).await("retention", "OK");
    }
    assertThat(eventIds(db)).hasSize(10);

    Instant now = Instant.parse("2026-11-24T07:30:00Z");
    auditTrail(db, now);
    sql(
        db,
        "insert into parent_link (pupil_id, token_hash, created_by, created_at, expires_at)"
            + " values ('P-A1', '\\x01', 'scope:casework', '2025-09-01', '2026-09-01'),"
            + " ('P-A1', '\\x02', 'scope:casework', '2026-09-02', '2027-09-01')",
        "insert into parent_subscription (link_id, email, notify, confirm_hash, confirmed_at,"
            + " unsubscribe_code, created_at, confirmations_day, confirmations_sent)"
            + " select id, 'parent' || id || '@example.org', '{late}', '\\x00', created_at,"
            + " 'u' || id, created_at, '2026-09-02', 1 from parent_link",
        "insert into parent_message (link_id, pupil_id, category, text, created_at)"
            + " select id, 'P-A1', 'other', 'written ' || created_at, created_at"
            + " from parent_link",
        "insert into parent_message_reply (message_id, author, text, created_at)"
            + " select id, 'controller@example.org', 'answered', created_at from parent_message");

    // The next day, with the default limits: the pass runs at start.
    try (TestServer server =
        new TestServer(
            db,
            Map.of("TW_RETENTION_EVENTS_DAYS", "400", "TW_RETENTION_POSITIONS_DAYS", "31"),
            new TestClock(Instant.parse("2026-11-24T07:30:00Z")))) {
      new JobProbe(server).await("retention", "OK");
      assertThat(eventIds(db))
          .containsExactlyInAnyOrder(
              "call-young", "call-june", "pos-young", "boarded-old", "boarded-young");
      assertThat(keys(db))
          .containsExactlyInAnyOrder(
              "call-young", "call-june", "pos-young", "boarded-old", "boarded-young");
      assertThat(relations(db))
          .doesNotContain("event_main_p202509", "event_position_p20261001")
          .contains("event_main_p202510", "event_main_p202610", "event_position_p20261120");
      JsonObject withoutCoordinates = new JsonObject(boarded);
      withoutCoordinates.remove("lat");
      withoutCoordinates.remove("lon");
      assertThat(body(db, "boarded-old")).isEqualTo(withoutCoordinates);
      assertThat(body(db, "boarded-young")).isEqualTo(new JsonObject(boarded));
      assertThat(body(db, "pos-young")).isEqualTo(new JsonObject(fix));

      // The six-year-old record is gone, last week's stays (the requests above added their own).
      assertThat(TestPostgres.count(db, "select count(*) from audit where actor = 'user:1'"))
          .isEqualTo(1);
      assertThat(
              TestPostgres.count(
                  db,
                  "select count(*) from audit where actor = 'user:1'"
                      + " and at > now() - interval '30 days'"))
          .isEqualTo(1);
      assertThat(
              TestPostgres.count(
                  db, "select count(*) from audit where at < now() - interval '6 years'"))
          .isZero();
      assertThat(
              TestPostgres.count(
                  db,
                  "select count(*) from parent_subscription s join parent_link l on l.id ="
                      + " s.link_id where l.expires_at > '2026-11-24'"))
          .isEqualTo(1);
      assertThat(TestPostgres.count(db, "select count(*) from parent_subscription")).isEqualTo(1);
      assertThat(
              TestPostgres.count(
                  db, "select count(*) from parent_message where created_at >= '2026-09-01'"))
          .isEqualTo(1);
      assertThat(TestPostgres.count(db, "select count(*) from parent_message")).isEqualTo(1);
      assertThat(TestPostgres.count(db, "select count(*) from parent_message_reply")).isEqualTo(1);

      String manager = server.scopeKey(Scope.ADMIN);
      var answer = server.get("/api/v1/kpi/weekly/2025-09-19", manager);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.bodyAsJsonObject()).isEqualTo(snapshot);
    }
  }

  @Test
  @DisplayName(
      "Events posted while the pass drops a month of the event store are all acknowledged and all"
          + " readable afterwards")
  void ingestKeepsWorkingDuringThePass() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-11-24T07:30:00Z"));
    try (TestServer server = new TestServer(Map.of(), clock)) {
      new JobProbe(server).await("retention", "OK");
      PgEndpoint db = server.database;
      sql(
          db,
          "select event_partition_make('event_main', 'event_main_p202501', '2025-01-01',"
              + " '2025-02-01')",
          """
          insert into event (owner, event_id, type, occurred_at, received_at, service_date,
                             body, body_hash)
          select 'scope:telephony', 'old-' || i, 'call.offered', '2025-01-15T09:00:00Z',
                 '2025-01-15T09:00:01Z', '2025-01-15', '{"callId":"C"}', '\\x00'
          from generate_series(1, 20000) as i
          """,
          """
          insert into event_key (owner, event_id, position, service_date, body_hash)
          select owner, event_id, false, service_date, body_hash from event_main_p202501
          """);
      String key = server.scopeKey(Scope.TELEPHONY);
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicInteger batches = new AtomicInteger();
      AtomicInteger retried = new AtomicInteger();
      AtomicBoolean passDone = new AtomicBoolean();
      AtomicInteger afterPass = new AtomicInteger();
      List<Future<Void>> posters = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        posters.add(
            postUntil(
                server, key, "w" + w, 0, acknowledged, batches, retried, passDone, afterPass));
      }
      JarProcess.await("events flowing", Duration.ofSeconds(30), () -> batches.get() >= 20);

      LocalDate day = LocalDate.of(2026, 11, 25);
      Instant at = Instant.parse("2026-11-25T01:00:00Z");
      RetentionStore store =
          new RetentionStore(
              server.pool(), (a, b) -> Future.succeededFuture(0), t -> Future.succeededFuture(0L));
      Optional<RetentionStore.Removed> removed =
          store.passIfDue(day, RetentionDates.on(day, at, DEFAULTS), at).await();
      passDone.set(true);
      Future.all(posters).await();

      assertThat(removed).isPresent();
      assertThat(removed.get().partitions()).contains("event_main_p202501");
      assertThat(afterPass.get()).as("batches acknowledged after the pass").isPositive();
      assertThat(TestPostgres.count(db, "select count(*) from event where event_id like 'old-%'"))
          .isZero();
      long stored = TestPostgres.count(db, "select count(*) from event where event_id like 'w%'");
      assertThat(stored).isEqualTo(acknowledged.size());
      assertThat(
              TestPostgres.count(
                  db, "select count(distinct event_id) from event where event_id like 'w%'"))
          .isEqualTo(stored);
      assertThat(TestPostgres.count(db, "select count(*) from event_key where event_id like 'w%'"))
          .isEqualTo(stored);
    }
  }

  @Test
  @DisplayName("Two nodes asking for the same day's pass at once: one does it, the other does not")
  void oncePerCluster() {
    PgEndpoint db = TestPostgres.freshDatabase();
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    Pool one = Database.pool(vertx, db, 2);
    Pool two = Database.pool(vertx, db, 2);
    try {
      LocalDate day = LocalDate.of(2026, 11, 24);
      Instant at = Instant.parse("2026-11-24T01:00:00Z");
      RetentionDates dates = RetentionDates.on(day, at, DEFAULTS);
      List<Future<Optional<RetentionStore.Removed>>> passes =
          List.of(
              new RetentionStore(
                      one, (a, b) -> Future.succeededFuture(0), t -> Future.succeededFuture(0L))
                  .passIfDue(day, dates, at),
              new RetentionStore(
                      two, (a, b) -> Future.succeededFuture(0), t -> Future.succeededFuture(0L))
                  .passIfDue(day, dates, at));
      Future.all(passes).await();
      assertThat(passes.stream().filter(p -> p.result().isPresent())).hasSize(1);
      assertThat(
              new RetentionStore(
                      one, (a, b) -> Future.succeededFuture(0), t -> Future.succeededFuture(0L))
                  .passIfDue(day, dates, at)
                  .await())
          .as("the day's pass again")
          .isEmpty();
    } finally {
      vertx.close().await();
    }
  }

  /** Posts batches of 10 call events until the pass is done and 20 more went, retrying 503s. */
  private static Future<Void> postUntil(
      TestServer server,
      String key,
      String worker,
      int n,
      Set<String> acknowledged,
      AtomicInteger batches,
      AtomicInteger retried,
      AtomicBoolean passDone,
      AtomicInteger afterPass) {
    if (passDone.get() && afterPass.get() >= 20) {
      return Future.succeededFuture();
    }
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 10; i++) {
      batch.add(
          new JsonObject()
              .put("eventId", worker + "-" + n + "-" + i)
              .put("type", "call.offered")
              .put("occurredAt", "2026-11-24T07:30:00Z")
              .put("callId", worker + "-" + n + "-" + i));
    }
    return send(server, key, batch.toBuffer(), retried)
        .compose(
            response -> {
              assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
              for (int i = 0; i < 10; i++) {
                acknowledged.add(worker + "-" + n + "-" + i);
              }
              batches.incrementAndGet();
              if (passDone.get()) {
                afterPass.incrementAndGet();
              }
              return postUntil(
                  server, key, worker, n + 1, acknowledged, batches, retried, passDone, afterPass);
            });
  }

  /** One batch, sent again with the same eventIds while the store answers 503, as clients do. */
  private static Future<HttpResponse<Buffer>> send(
      TestServer server, String key, Buffer body, AtomicInteger retried) {
    return server
        .client
        .post("/api/v1/events")
        .putHeader("Authorization", "Bearer " + key)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body)
        .compose(
            response -> {
              if (response.statusCode() == 503) {
                retried.incrementAndGet();
                return send(server, key, body, retried);
              }
              return Future.succeededFuture(response);
            });
  }

  /** Audit records: one older than six years and one of last week. */
  private static void auditTrail(PgEndpoint db, Instant now) throws SQLException {
    sql(
        db,
        "insert into audit (at, actor, action) values ('"
            + now.minus(Duration.ofDays(2200))
            + "', 'user:1', 'pupil.lookup'), (now() - interval '7 days', 'user:1',"
            + " 'pupil.lookup')");
  }

  private static void store(
      PgEndpoint db, String owner, String eventId, String type, String date, String body)
      throws SQLException {
    try (Connection c = TestPostgres.connect(db);
        PreparedStatement event =
            c.prepareStatement(
                "insert into event (owner, event_id, type, occurred_at, received_at,"
                    + " service_date, run_id, body, body_hash) values (?, ?, ?,"
                    + " ?::date + time '08:00', ?::date + time '08:00', ?::date,"
                    + " ?::json->>'runId', ?::json, '\\x00')");
        PreparedStatement key =
            c.prepareStatement(
                "insert into event_key (owner, event_id, position, service_date, body_hash)"
                    + " values (?, ?, ?, ?::date, '\\x00')")) {
      event.setString(1, owner);
      event.setString(2, eventId);
      event.setString(3, type);
      event.setString(4, date);
      event.setString(5, date);
      event.setString(6, date);
      event.setString(7, body);
      event.setString(8, body);
      event.executeUpdate();
      key.setString(1, owner);
      key.setString(2, eventId);
      key.setBoolean(3, type.equals("vehicle.position"));
      key.setString(4, date);
      key.executeUpdate();
    }
  }

  private static void sql(PgEndpoint db, String... statements) throws SQLException {
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static List<String> strings(PgEndpoint db, String query) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        var rs = s.executeQuery(query)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  private static List<String> eventIds(PgEndpoint db) throws SQLException {
    return strings(db, "select event_id from event");
  }

  private static List<String> keys(PgEndpoint db) throws SQLException {
    return strings(db, "select event_id from event_key");
  }

  private static List<String> relations(PgEndpoint db) throws SQLException {
    return strings(db, "select relname from pg_class where relname like 'event_%'");
  }

  private static JsonObject body(PgEndpoint db, String eventId) throws SQLException {
    return new JsonObject(
        strings(db, "select body::text from event where event_id = '" + eventId + "'").get(0));
  }
}
