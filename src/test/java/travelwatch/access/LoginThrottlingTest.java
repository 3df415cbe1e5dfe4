package travelwatch.access;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;

/**
 * Failed logins and unknown keys against two servers sharing one database, on a virtual clock for
 * real time. Each client speaks from a loopback address of its own, so a test decides whether its
 * tries come from one address or from many.
 */
@Timeout(300)
@DisplayName("Login throttling: per account and per address, across nodes, on a virtual clock")
class LoginThrottlingTest {
  private static final String USER = "duty@council.test";
  private static final String PASSWORD = "right-password-1";
  private static final String WRONG = "wrong-password-1";
  private static final long[] WAITS = {1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60};

  private static final TestClock real = new TestClock(Instant.parse("2026-12-07T08:00:00Z"));
  private static final Vertx vertx = Vertx.vertx();
  private static final Map<String, WebClient> clients = new HashMap<>();
  private static final AtomicInteger addresses = new AtomicInteger();
  private static TestServer node1;
  private static TestServer node2;
  private static String admin;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  static void start() {
    node1 = new TestServer(Map.of(), Clock.systemUTC(), real);
    node2 = new TestServer(node1.database, Map.of(), Clock.systemUTC(), real);
    SessionLogin.addUser(node1, USER, Role.CONTROLLER, PASSWORD);
    admin = node1.scopeKey(Scope.ADMIN);
  }

  @AfterAll
  static void stop() {
    clients.values().forEach(WebClient::close);
    vertx.close().await();
    node2.close();
    node1.close();
  }

  @BeforeEach
  void forgetEarlierTries() {
    // Past every window and lock of the tests before.
    real.advance(Duration.ofMinutes(16));
    logged.start();
    ((Logger) LoggerFactory.getLogger(LoginThrottles.class)).addAppender(logged);
  }

  /** A loopback address no other try has used. */
  private static String freshAddress() {
    int n = addresses.incrementAndGet();
    return "127.0." + (1 + n / 250) + "." + (1 + n % 250);
  }

  private static WebClient client(TestServer node, String from) {
    return clients.computeIfAbsent(
        node.port + " " + from,
        k ->
            WebClient.create(
                vertx,
                new WebClientOptions()
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(node.port)
                    .setLocalAddress(from)));
  }

  private static HttpResponse<Buffer> login(
      TestServer node, String from, String email, String password) {
    return client(node, from)
        .post("/api/v1/session")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("email", email).put("password", password).toBuffer())
        .await();
  }

  private static HttpResponse<Buffer> withKey(TestServer node, String from, String key) {
    return client(node, from)
        .get("/api/v1/runs")
        .putHeader("Authorization", "Bearer " + key)
        .send()
        .await();
  }

  /** What a client sees of an answer: status, Retry-After and body. */
  private static String seen(HttpResponse<Buffer> r) {
    return r.statusCode() + " " + r.getHeader("Retry-After") + " " + r.bodyAsString();
  }

  /**
   * Twenty wrong passwords for one account, each from a new address, each as soon as it is let in;
   * every answer as the client sees it. Ends with the account locked.
   */
  private List<String> twentyFailures(String email) {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      var r = login(node1, freshAddress(), email, WRONG);
      assertThat(r.statusCode()).as("free failure %d", i + 1).isEqualTo(401);
      answers.add(seen(r));
    }
    for (long wait : WAITS) {
      // Too soon, on either node and from any address: the account must wait.
      TestServer node = answers.size() % 2 == 0 ? node1 : node2;
      var early = login(node, freshAddress(), email, WRONG);
      assertThat(early.statusCode()).as("after %d failures", answers.size()).isEqualTo(429);
      assertThat(early.getHeader("Retry-After")).isEqualTo(String.valueOf(wait));
      answers.add(seen(early));
      real.advance(Duration.ofSeconds(wait).minusMillis(1));
      assertThat(login(node, freshAddress(), email, WRONG).statusCode()).isEqualTo(429);
      real.advance(Duration.ofMillis(1));
      var r = login(node, freshAddress(), email, WRONG);
      assertThat(r.statusCode()).as("in time after %d s", wait).isEqualTo(401);
      answers.add(seen(r));
    }
    // The 20th failure locks the account for 15 minutes.
    real.advance(Duration.ofSeconds(60));
    var twentieth = login(node1, freshAddress(), email, WRONG);
    assertThat(twentieth.statusCode()).isEqualTo(401);
    answers.add(seen(twentieth));
    var locked = login(node2, freshAddress(), email, WRONG);
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(locked.getHeader("Retry-After")).isEqualTo("900");
    answers.add(seen(locked));
    return answers;
  }

  @Test
  @DisplayName(
      "An account's 6th failed login waits 1 s, then 2, 4 … 60 s on either node; the 20th locks it"
          + " for 15 minutes, logged, counted and shown to admins; the right password then waits"
          + " too")
  void accountThresholds() {
    twentyFailures(USER);

    var rightButLocked = login(node1, freshAddress(), USER, PASSWORD);
    assertThat(rightButLocked.statusCode()).isEqualTo(429);
    assertThat(rightButLocked.getHeader("Retry-After")).isEqualTo("900");

    JsonArray users = node1.get("/api/v1/users", admin).bodyAsJsonObject().getJsonArray("items");
    JsonObject user = users.getJsonObject(0);
    assertThat(user.getString("email")).isEqualTo(USER);
    assertThat(Instant.parse(user.getString("lockedUntil")))
        .isEqualTo(real.instant().minusMillis(0).plus(Duration.ofMinutes(15)));

    assertThat(logged.list)
        .anySatisfy(
            e -> {
              assertThat(e.getFormattedMessage()).contains("Locked the account " + USER);
              assertThat(e.getLevel().toString()).isEqualTo("WARN");
            })
        .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("password-1"));
    JsonArray lockouts =
        node2
            .get("/api/v1/audit?action=session.lockout", admin)
            .bodyAsJsonObject()
            .getJsonArray("items");
    assertThat(lockouts).hasSize(1);
    assertThat(lockouts.getJsonObject(0).getString("actor")).isEqualTo("user:" + USER);
    assertThat(lockouts.getJsonObject(0).getString("address")).startsWith("127.0.");
    String metrics = node1.get("/metrics", null).bodyAsString();
    assertThat(metrics).containsPattern("travelwatch_login_lockouts_total [1-9]");
    assertThat(metrics)
        .containsPattern(
            "travelwatch_login_failures_total\\{credential=\"password\"} [1-9]\\d*\\.0");

    real.advance(Duration.ofMinutes(15));
    assertThat(login(node2, freshAddress(), USER, PASSWORD).statusCode()).isEqualTo(200);
    assertThat(node1.get("/api/v1/users", admin).bodyAsJsonObject().getJsonArray("items"))
        .allSatisfy(u -> assertThat(((JsonObject) u).containsKey("lockedUntil")).isFalse());
  }

  @Test
  @DisplayName(
      "An account nobody has gets the very same answers, with the same waits and the same lock")
  void unknownAccountAnsweredAlike() {
    List<String> known = twentyFailures(USER);
    real.advance(Duration.ofMinutes(16));
    List<String> unknown = twentyFailures("nobody-" + USER);
    assertThat(unknown).isEqualTo(known);
    assertThat(logged.list)
        .anySatisfy(
            e -> assertThat(e.getFormattedMessage()).contains("Locked an unknown account #"))
        .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("nobody-"));
  }

  @Test
  @DisplayName(
      "A wrong password and an unknown account take about as long: both pay the password hashing")
  void unknownAccountTakesAsLong() {
    long[] known = new long[5];
    long[] unknown = new long[5];
    for (int i = 0; i < 5; i++) {
      // Alternated, so the machine's load falls on both alike; below the wait threshold.
      String stranger = "nobody" + i + "@council.test";
      known[i] = timed(() -> login(node1, freshAddress(), USER, WRONG));
      unknown[i] = timed(() -> login(node1, freshAddress(), stranger, WRONG));
    }
    java.util.Arrays.sort(known);
    java.util.Arrays.sort(unknown);
    assertThat(unknown[2])
        .as("median ms, unknown vs known %d", known[2])
        .isGreaterThan(known[2] / 2);
    assertThat(known[2])
        .as("median ms, known vs unknown %d", unknown[2])
        .isGreaterThan(unknown[2] / 2);
  }

  private static long timed(Runnable attempt) {
    long start = System.nanoTime();
    attempt.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  @DisplayName(
      "Five failures from one address, whichever accounts, make its next try wait, even with the"
          + " right password; an admin's new password lifts an account's lock")
  void addressThresholds() {
    String from = freshAddress();
    for (int i = 0; i < 5; i++) {
      assertThat(
              login(i % 2 == 0 ? node1 : node2, from, "guess" + i + "@council.test", WRONG)
                  .statusCode())
          .isEqualTo(401);
    }
    var sixth = login(node2, from, USER, PASSWORD);
    assertThat(sixth.statusCode()).isEqualTo(429);
    assertThat(sixth.getHeader("Retry-After")).isEqualTo("1");
    assertThat(login(node1, freshAddress(), USER, PASSWORD).statusCode())
        .as("the account itself is not held back")
        .isEqualTo(200);
    real.advance(Duration.ofSeconds(1));
    assertThat(login(node1, from, USER, PASSWORD).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("An admin's new password lifts the lock on an account")
  void newPasswordUnlocks() {
    twentyFailures(USER);
    var patched =
        node1
            .client
            .patch("/api/v1/users/" + USER)
            .putHeader("Authorization", "Bearer " + admin)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(new JsonObject().put("password", "another-password-2").toBuffer())
            .await();
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    assertThat(patched.bodyAsJsonObject().containsKey("lockedUntil")).isFalse();
    assertThat(login(node2, freshAddress(), USER, "another-password-2").statusCode())
        .isEqualTo(200);
    SessionLogin.addUser(node1, USER, Role.CONTROLLER, PASSWORD);
  }

  @Test
  @DisplayName(
      "Unknown API keys from one address are slowed the same way, on both nodes, and counted")
  void unknownKeysSlowed() {
    String from = freshAddress();
    for (int i = 0; i < 5; i++) {
      assertThat(withKey(i % 2 == 0 ? node1 : node2, from, ApiKeys.newKey()).statusCode())
          .isEqualTo(401);
    }
    var sixth = withKey(node1, from, ApiKeys.newKey());
    assertThat(sixth.statusCode()).isEqualTo(429);
    assertThat(sixth.getHeader("Retry-After")).isEqualTo("1");
    var onTheOtherNode = withKey(node2, from, ApiKeys.newKey());
    assertThat(onTheOtherNode.statusCode()).isEqualTo(429);
    assertThat(withKey(node1, freshAddress(), ApiKeys.newKey()).statusCode())
        .as("another address is not held back")
        .isEqualTo(401);

    real.advance(Duration.ofSeconds(1));
    assertThat(withKey(node1, from, ApiKeys.newKey()).statusCode()).isEqualTo(401);
    var next = withKey(node1, from, ApiKeys.newKey());
    assertThat(next.statusCode()).isEqualTo(429);
    assertThat(next.getHeader("Retry-After")).isEqualTo("2");
    assertThat(node1.get("/metrics", null).bodyAsString())
        .containsPattern("travelwatch_login_failures_total\\{credential=\"api_key\"} [1-9]");
  }
}
