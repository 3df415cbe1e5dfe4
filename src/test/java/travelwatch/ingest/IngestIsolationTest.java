package travelwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.support.Events.example;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import travelwatch.access.Scope;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiException;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Rows PostgreSQL refuses come from a trigger on {@code event}: eventIds starting {@code poison-}
 * raise SQLSTATE 22023. Each attempt to insert a {@code good-} row bumps a sequence, which a
 * rollback does not undo, so more attempts than stored rows means a good row shared a refused
 * insert.
 */
@Timeout(60)
@DisplayName("A group commit refuses only the requests whose rows PostgreSQL refuses")
class IngestIsolationTest {
  private static final Duration FLOOD = Duration.ofSeconds(4);
  private static final int MAX_ROUNDS = 400;
  private static final int IN_FLIGHT = 32;

  private static TestServer server;
  private static String operatorA;
  private static String operatorB;
  private static final Vertx clientVertx = Vertx.vertx();
  private static WebClient client;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  static void start() throws SQLException {
    // Two writes in flight per writer, so requests queue and groups form under the flood.
    server =
        new TestServer(
            Map.of("TW_INGEST_RATE_PER_KEY", "0", "TW_INGEST_MAX_IN_FLIGHT", "2"),
            Clock.systemUTC());
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    client =
        WebClient.create(
            clientVertx,
            new WebClientOptions().setDefaultHost("localhost").setDefaultPort(server.port),
            new PoolOptions().setHttp1MaxSize(IN_FLIGHT));
    sql(
        """
        create sequence good_row_attempts;
        create function poison() returns trigger language plpgsql as $$
        begin
          if new.event_id like 'poison-%' then
            raise exception using errcode = '22023', message = 'poison';
          end if;
          if new.event_id like 'good-%' then
            perform nextval('good_row_attempts');
          end if;
          return new;
        end $$;
        create trigger poison before insert on event for each row execute function poison();
        """);
  }

  @AfterAll
  static void stop() {
    client.close();
    clientVertx.close().await();
    server.close();
  }

  @BeforeEach
  void captureLog() {
    logged.start();
    writerLog().addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    writerLog().detachAppender(logged);
  }

  /** A copy: the appender adds lines under its own lock while the writers run. */
  private List<ILoggingEvent> logLines() {
    synchronized (logged) {
      return List.copyOf(logged.list);
    }
  }

  private static Logger writerLog() {
    return (Logger) LoggerFactory.getLogger(GroupCommitWriter.class);
  }

  private static void sql(String statements) throws SQLException {
    try (var c = TestPostgres.connect(server.database);
        var s = c.createStatement()) {
      s.execute(statements);
    }
  }

  private static long goodRowAttempts() {
    return TestPostgres.count(
        server.database,
        "select case when is_called then last_value else 0 end from good_row_attempts");
  }

  private static long stored(String eventIdPattern) {
    return TestPostgres.count(
        server.database, "select count(*) from event where event_id like '" + eventIdPattern + "'");
  }

  private static JsonObject position(String prefix, String runId) {
    return example("vehicle.position")
        .put("eventId", prefix + UUID.randomUUID())
        .put("runId", runId);
  }

  private static Future<HttpResponse<Buffer>> post(String key, JsonArray events) {
    return client
        .post("/api/v1/events")
        .putHeader("Authorization", "Bearer " + key)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(events.toBuffer());
  }

  /** What one side of the flood sent and was answered. */
  private record Sent(JsonArray events, Future<HttpResponse<Buffer>> response) {}

  @Test
  @DisplayName(
      "Under a flood of refused requests from operator A, every request of operator B is stored"
          + " once and answered 202, A's get 400 with nothing stored, and the log stays short")
  void floodOfRefusedRequestsCostsOthersNothing() {
    long attemptsBefore = goodRowAttempts();
    List<Sent> fromA = new ArrayList<>();
    List<Sent> fromB = new ArrayList<>();
    long deadline = System.nanoTime() + FLOOD.toNanos();
    for (int round = 0; round < MAX_ROUNDS && System.nanoTime() < deadline; round++) {
      List<Future<?>> inFlight = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT / 2; i++) {
        // A's batch holds a valid event too: the batch is refused whole.
        JsonArray bad =
            new JsonArray()
                .add(position("fine-", TwoOperators.RUN_A))
                .add(position("poison-", TwoOperators.RUN_A));
        JsonArray good = new JsonArray();
        for (int j = 0; j <= i % 3; j++) {
          good.add(position("good-flood-", TwoOperators.RUN_B));
        }
        Sent a = new Sent(bad, post(operatorA, bad));
        Sent b = new Sent(good, post(operatorB, good));
        fromA.add(a);
        fromB.add(b);
        inFlight.add(a.response());
        inFlight.add(b.response());
      }
      Future.join(inFlight).await();
    }

    Map<String, Integer> sentByB = new HashMap<>();
    for (Sent b : fromB) {
      HttpResponse<Buffer> response = b.response().result();
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
      assertThat(response.bodyAsJsonObject())
          .isEqualTo(new JsonObject().put("accepted", b.events().size()).put("duplicates", 0));
      b.events().forEach(e -> sentByB.put(((JsonObject) e).getString("eventId"), 1));
    }
    for (Sent a : fromA) {
      HttpResponse<Buffer> response = a.response().result();
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(response.bodyAsJsonObject().getString("detail"))
          .contains("SQLSTATE 22023")
          .doesNotContain("poison");
    }
    assertThat(storedTimes("good-flood-%")).isEqualTo(sentByB);
    assertThat(stored("poison-%")).isZero();
    assertThat(stored("fine-%")).isZero();
    assertThat(goodRowAttempts() - attemptsBefore)
        .as("attempts to insert B's rows, more than stored only if one shared a group with A's")
        .isGreaterThan(sentByB.size());

    assertThat(logLines()).hasSizeBetween(1, 20);
    assertThat(logLines())
        .allSatisfy(
            line -> {
              assertThat(line.getThrowableProxy()).isNull();
              assertThat(line.getFormattedMessage()).doesNotContain("poison", "good-", "fine-");
            });
  }

  private static Map<String, Integer> storedTimes(String eventIdPattern) {
    Map<String, Integer> times = new HashMap<>();
    try (var c = TestPostgres.connect(server.database);
        var s =
            c.prepareStatement(
                "select event_id, count(*) from event where event_id like ? group by event_id")) {
      s.setString(1, eventIdPattern);
      var rs = s.executeQuery();
      while (rs.next()) {
        times.put(rs.getString(1), rs.getInt(2));
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return times;
  }

  @Test
  @DisplayName(
      "In one group, a refused request gets a 400 and the good request beside it is stored,"
          + " answered and handed on")
  void oneGroupOneRefusedOneGood() {
    Vertx vertx = Vertx.vertx();
    try {
      // One write at a time: what is submitted while the first write runs is the next group.
      var tuning = new GroupCommitWriter.Tuning(500, 1000, 1, 10_000);
      Pool pool = Database.pool(vertx, server.database, 1, "isolation-test");
      List<StoredEvent> handedOn = new CopyOnWriteArrayList<>();
      Context loop = vertx.getOrCreateContext();
      Promise<GroupCommitWriter> made = Promise.promise();
      loop.runOnContext(
          v ->
              made.complete(
                  new GroupCommitWriter(
                      vertx,
                      pool,
                      Clock.systemUTC(),
                      tuning,
                      new IngestMetrics(new SimpleMeterRegistry()),
                      handedOn::addAll)));
      GroupCommitWriter writer = made.future().await();
      List<IncomingEvent> first = events(position("first-", TwoOperators.RUN_B));
      List<IncomingEvent> good = events(position("good-one-", TwoOperators.RUN_B));
      List<IncomingEvent> bad = events(position("poison-", TwoOperators.RUN_A));
      long attemptsBefore = goodRowAttempts();

      Promise<List<Future<GroupCommitWriter.Outcome>>> submitted = Promise.promise();
      loop.runOnContext(
          v ->
              submitted.complete(
                  List.of(
                      writer.submit("operator:OPB", Source.API, first),
                      writer.submit("operator:OPB", Source.API, good),
                      writer.submit("operator:OPA", Source.API, bad))));
      List<Future<GroupCommitWriter.Outcome>> outcomes = submitted.future().await();
      Future.join(outcomes).otherwiseEmpty().await();

      assertThat(outcomes.get(0).result()).isEqualTo(new GroupCommitWriter.Outcome(1, 0));
      assertThat(outcomes.get(1).result()).isEqualTo(new GroupCommitWriter.Outcome(1, 0));
      assertThat(outcomes.get(2).cause())
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage()).contains("SQLSTATE 22023").doesNotContain("poison");
              });
      assertThat(goodRowAttempts() - attemptsBefore)
          .as("the good row tried with the refused one, then alone")
          .isEqualTo(2);
      String goodId = good.get(0).eventId();
      assertThat(storedTimes(goodId)).isEqualTo(Map.of(goodId, 1));
      assertThat(storedTimes(bad.get(0).eventId())).isEmpty();
      assertThat(handedOn)
          .extracting(s -> s.event().eventId())
          .containsExactlyInAnyOrder(first.get(0).eventId(), goodId);
      // The server's writers may still report what they suppressed during another test.
      assertThat(logLines())
          .filteredOn(line -> !line.getFormattedMessage().contains("suppressed"))
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.getThrowableProxy()).isNull();
                assertThat(line.getFormattedMessage())
                    .contains("SQLSTATE 22023")
                    .doesNotContain("poison");
              });
    } finally {
      vertx.close().await();
    }
  }

  private static List<IncomingEvent> events(JsonObject event) {
    var parser =
        new EventParser(
            EventSchemas.fromContract(),
            ZoneId.of("Europe/London"),
            Clock.systemUTC(),
            Duration.ofSeconds(120));
    return parser.parse(EventParser.items(new JsonArray().add(event).toBuffer()));
  }
}
