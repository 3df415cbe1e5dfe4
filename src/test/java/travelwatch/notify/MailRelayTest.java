package travelwatch.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.access.Scope;
import travelwatch.alert.AlertStore;
import travelwatch.config.NotifyConfig;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.platform.jobs.JobHealth;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.JobProbe;
import travelwatch.support.Mailbox;
import travelwatch.support.Mailbox.Mail;
import travelwatch.support.Refusal;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(120)
@DisplayName(
    "The mail relay: crash between send and mark-sent, refused emails, failing passes, and the .eml"
        + " folder")
class MailRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static NotifyConfig config(Map<String, String> env) {
    return TravelWatchConfig.from(new Settings(null, env), Path.of("target/test-data"))
        .notifications();
  }

  private static Email email(int n) {
    return new Email(
        Email.Kind.ALERT,
        null,
        List.of("duty@council.test"),
        "[HIGH] run.late — email " + n,
        "text " + n,
        "<p>html " + n + "</p>",
        "<relay-test-" + n + "@council.test>",
        null);
  }

  /** A relay on its own Vert.x and pool, as a node would run it. */
  private static MailRelay relay(
      Vertx vertx, Pool pool, NotifyConfig config, MailTransport transport) {
    Clock clock = Clock.systemUTC();
    return new MailRelay(
        config,
        new Outbox(pool),
        new AlertStore(pool, ServiceClock.on(clock, ZoneId.of("Europe/London")), false),
        new AlertLetters(
            ZoneId.of("Europe/London"), java.net.URI.create("http://x"), config.domain()),
        transport,
        clock,
        clock,
        new NotifyMetrics(new SimpleMeterRegistry()),
        new JobHealth(new SimpleMeterRegistry(), clock, ZoneId.of("Europe/London"))
            .job("mail_relay"));
  }

  @Test
  @DisplayName(
      "A relay killed after the mail server took an email but before marking it sent: the next"
          + " relay sends that one email again (one duplicate) and every other email once")
  void relayKilledBetweenSendAndMarkSent() throws Exception {
    PgEndpoint db;
    try (TestServer migrated = new TestServer()) {
      db = migrated.database;
    }
    try (Mailbox mailbox = new Mailbox()) {
      Map<String, String> env = new HashMap<>(mailbox.env());
      env.put("TW_MAIL_RELAY_MS", "50");
      NotifyConfig config = config(env);

      Vertx first = Vertx.vertx();
      Pool firstPool = Database.pool(first, db, 4);
      for (int n = 1; n <= 3; n++) {
        Outbox.enqueue(firstPool, email(n), Instant.now()).await();
      }
      CountDownLatch killed = new CountDownLatch(1);
      AtomicInteger sends = new AtomicInteger();
      MailTransport smtp = MailTransport.of(first, config);
      MailTransport dying =
          (id, email) -> {
            if (sends.incrementAndGet() < 2) {
              return smtp.send(id, email);
            }
            // The server takes the second email; the process dies before it can say so.
            return smtp.send(id, email)
                .compose(
                    v -> {
                      killed.countDown();
                      return Promise.<Void>promise().future();
                    });
          };
      first.deployVerticle(relay(first, firstPool, config, dying)).await();
      assertThat(killed.await(15, TimeUnit.SECONDS)).isTrue();
      first.close().await(); // its connections, and with them the relay lock, are gone

      Vertx second = Vertx.vertx();
      try {
        Pool secondPool = Database.pool(second, db, 4);
        second
            .deployVerticle(relay(second, secondPool, config, MailTransport.of(second, config)))
            .await();
        JarProcess.await(
            "every email marked sent",
            WAIT,
            () -> count(secondPool, "select count(*) from outbox where state = 'sent'") == 3);
      } finally {
        second.close().await();
      }
      Map<String, Long> copies =
          mailbox.copies().stream()
              .collect(Collectors.groupingBy(Mail::messageId, Collectors.counting()));
      assertThat(copies)
          .containsEntry("<relay-test-1@council.test>", 1L)
          .containsEntry("<relay-test-2@council.test>", 2L)
          .containsEntry("<relay-test-3@council.test>", 1L)
          .hasSize(3);
    }
  }

  @Test
  @DisplayName(
      "With TW_SMTP_USER and TW_SMTP_PASSWORD the relay logs in to a server that requires it; with"
          + " the wrong password nothing is delivered and the email waits for a retry")
  void smtpAuthentication() {
    PgEndpoint db;
    try (TestServer migrated = new TestServer()) {
      db = migrated.database;
    }
    try (Mailbox mailbox = new Mailbox("tw", "secret")) {
      Map<String, String> env = new HashMap<>(mailbox.env());
      env.put("TW_MAIL_RELAY_MS", "50");
      env.put("TW_SMTP_USER", "tw");
      env.put("TW_SMTP_PASSWORD", "wrong");
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = Database.pool(vertx, db, 4);
        Outbox.enqueue(pool, email(1), Instant.now()).await();
        NotifyConfig refused = config(env);
        String deployment =
            vertx
                .deployVerticle(relay(vertx, pool, refused, MailTransport.of(vertx, refused)))
                .await();
        JarProcess.await(
            "a failed try",
            WAIT,
            () ->
                count(pool, "select count(*) from outbox where tries > 0 and state = 'pending'")
                    == 1);
        assertThat(mailbox.copies()).isEmpty();
        vertx.undeploy(deployment).await();

        env.put("TW_SMTP_PASSWORD", "secret");
        env.put("TW_MAIL_RETRY_FIRST_MS", "10");
        pool.query("update outbox set next_attempt_at = now()").execute().await();
        NotifyConfig accepted = config(env);
        vertx
            .deployVerticle(relay(vertx, pool, accepted, MailTransport.of(vertx, accepted)))
            .await();
        JarProcess.await("the email delivered", WAIT, () -> mailbox.copies().size() == 1);
      } finally {
        vertx.close().await();
      }
    }
  }

  @Test
  @DisplayName(
      "Only one relay sends at a time: a second relay on the same database waits while the first"
          + " holds the lock")
  void oneRelayAtATime() {
    PgEndpoint db;
    try (TestServer migrated = new TestServer()) {
      db = migrated.database;
    }
    NotifyConfig config = config(Map.of("TW_MAIL_RELAY_MS", "50"));
    Vertx vertx = Vertx.vertx();
    try {
      Pool a = Database.pool(vertx, db, 2);
      Pool b = Database.pool(vertx, db, 2);
      MailTransport none = (id, e) -> Future.succeededFuture();
      MailRelay first = relay(vertx, a, config, none);
      MailRelay second = relay(vertx, b, config, none);
      vertx.deployVerticle(first).await();
      JarProcess.await("the first relay holds the lock", WAIT, first::sending);
      vertx.deployVerticle(second).await();
      Outbox.enqueue(a, email(1), Instant.now()).await();
      JarProcess.await(
          "the email sent",
          WAIT,
          () -> count(a, "select count(*) from outbox where state = 'sent'") == 1);
      assertThat(second.sending()).isFalse();
      assertThat(first.sending()).isTrue();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName(
      "An email the mail server refuses waits for its retry while the others in the same pass are"
          + " sent")
  void refusedEmailDoesNotStopTheOthers() {
    PgEndpoint db = migratedDatabase();
    // One pass in the test's time: the next would come a minute later.
    NotifyConfig config = config(Map.of("TW_MAIL_RELAY_MS", "60000"));
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.pool(vertx, db, 4);
      for (int n = 1; n <= 3; n++) {
        Outbox.enqueue(pool, email(n), Instant.now()).await();
      }
      MailTransport refusesTheFirst =
          (id, e) ->
              e.messageId().equals(email(1).messageId())
                  ? Future.failedFuture("550 mailbox unavailable")
                  : Future.succeededFuture();
      vertx.deployVerticle(relay(vertx, pool, config, refusesTheFirst)).await();
      JarProcess.await(
          "the other two sent, the first waiting for its retry",
          WAIT,
          () ->
              count(pool, "select count(*) from outbox where state = 'sent'") == 2
                  && count(
                          pool,
                          "select count(*) from outbox where state = 'pending' and tries = 1"
                              + " and next_attempt_at > now()")
                      == 1);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName(
      "While PostgreSQL refuses to mark emails sent, /health/ready answers 200 DEGRADED naming"
          + " mail_relay and why and the failing gauge is 1; once it accepts, UP and the email"
          + " marked sent")
  void passThatFailsIsSeen(@TempDir Path mailDir) {
    Map<String, String> env = Map.of("TW_MAIL_DIR", mailDir.toString(), "TW_MAIL_RELAY_MS", "50");
    try (TestServer server = new TestServer(env, Clock.systemUTC())) {
      JobProbe jobs = new JobProbe(server);
      jobs.await("mail_relay", "OK");
      try (Refusal refusal = Refusal.of(server.pool(), "outbox", "update")) {
        Outbox.enqueue(server.pool(), email(1), Instant.now()).await();

        JsonObject failed = jobs.await("mail_relay", "FAILED");
        assertThat(failed.getString("reason"))
            .startsWith("io.vertx.pgclient.PgException: ")
            .contains(Refusal.MESSAGE);
        assertThat(failed.getString("lastSuccess")).isNotNull();
        assertThat(jobs.ready().getString("status")).isEqualTo("DEGRADED");
        assertThat(jobs.failing("mail_relay")).isEqualTo(1.0);
        assertThat(jobs.failures("mail_relay")).isPositive();
      }

      jobs.await("mail_relay", "OK");
      assertThat(jobs.ready().getString("status")).isEqualTo("UP");
      assertThat(jobs.failing("mail_relay")).isZero();
      assertThat(count(server.pool(), "select count(*) from outbox where state = 'sent'"))
          .isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "Without an SMTP server each email is written as an .eml file a mail client opens, with"
          + " both parts and its Message-ID")
  void emlFolderWithoutSmtp(@TempDir Path mailDir) throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-11-23T07:46:00Z"));
    Map<String, String> env = Map.of("TW_MAIL_DIR", mailDir.toString(), "TW_MAIL_RELAY_MS", "50");
    try (TestServer server = new TestServer(env, clock)) {
      String admin = server.scopeKey(Scope.ADMIN);
      server.post("/api/v1/plan", admin, TwoOperators.json());
      new travelwatch.access.AccessStore(server.pool())
          .putUser("duty@council.test", travelwatch.access.Role.MANAGER, "not-used")
          .await();
      var posted =
          server.post(
              "/api/v1/events",
              server.operatorKey("OPA"),
              Events.event("run.started", "2026-11-23T07:45:00Z")
                  .put("runId", TwoOperators.RUN_A)
                  .put("driverId", TwoOperators.UNCLEARED_DRIVER_A)
                  .put("guideId", TwoOperators.GUIDE_A));
      assertThat(posted.statusCode()).isEqualTo(202);
      JarProcess.await("an .eml file", WAIT, () -> emlFiles(mailDir).size() >= 1);
      assertThat(
              server
                  .get("/health/ready", null)
                  .bodyAsJsonObject()
                  .getJsonObject("mail")
                  .getString("transport"))
          .isEqualTo("eml");
    }
    Path file = emlFiles(mailDir).get(0);
    assertThat(file.getFileName().toString()).endsWith("-alert.eml");
    MimeMessage message;
    try (InputStream in = Files.newInputStream(file)) {
      message = new MimeMessage(Session.getInstance(new Properties()), in);
    }
    assertThat(message.getSubject())
        .isEqualTo("[CRITICAL] Driver not cleared — run RA-AM AM, Hillcrest School");
    assertThat(message.getMessageID()).matches("<alert-\\d+@localhost>");
    assertThat(message.getHeader("To", ",")).isEqualTo("duty@council.test");
    Multipart parts = (Multipart) message.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
    assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
  }

  @Test
  @DisplayName(
      "TW_NOTIFY_RULES_FILE replaces the stored rules at start; a file with a bad rule stops"
          + " start-up with a line naming it")
  void rulesFileAtStart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.json");
    Files.writeString(
        file, "[{\"delivery\": \"escalation\", \"recipients\": [\"director@council.test\"]}]");
    try (TestServer server =
        new TestServer(Map.of("TW_NOTIFY_RULES_FILE", file.toString()), Clock.systemUTC())) {
      var rules =
          server
              .get("/api/v1/notify/rules", server.scopeKey(Scope.ADMIN))
              .bodyAsJsonObject()
              .getJsonArray("items");
      assertThat(rules).hasSize(1);
      assertThat(rules.getJsonObject(0).getString("delivery")).isEqualTo("escalation");
    }
    Files.writeString(file, "[{\"delivery\": \"escalation\", \"recipients\": []}]");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new TestServer(Map.of("TW_NOTIFY_RULES_FILE", file.toString()), Clock.systemUTC()))
        .isInstanceOf(travelwatch.config.ConfigException.class)
        .hasMessageContaining("TW_NOTIFY_RULES_FILE " + file)
        .hasMessageContaining("recipients must name at least one recipient");
  }

  /** A fresh database with the schema, its server stopped: the test runs its own relays. */
  private static PgEndpoint migratedDatabase() {
    try (TestServer migrated = new TestServer()) {
      return migrated.database;
    }
  }

  private static long count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }

  private static List<Path> emlFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".eml")).sorted().collect(Collectors.toList());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
