package travelwatch.access;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Role.CONTROLLER;
import static travelwatch.access.Role.MANAGER;
import static travelwatch.access.Role.VIEWER;
import static travelwatch.access.Rule.anyone;
import static travelwatch.access.Rule.feedsAndOperators;
import static travelwatch.access.Rule.role;
import static travelwatch.access.Rule.session;

import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import travelwatch.alert.AlertStore;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.platform.ServiceClock;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Every route the router serves (read from the router itself, sub-routers included) called as every
 * kind of caller against a real server: each cell is a 401, a 403 or let through, as the route's
 * rule says, and no refusal carries operator B's data. The rules themselves are held to the table
 * below, so a route added without a rule, or with a different one, fails here.
 */
@Timeout(60)
@DisplayName("Route access matrix: every route the router serves × every kind of caller")
class RouteAccessMatrixTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String SCHOOL_USER = "office@hillcrest.example";
  private static final TestClock clock = new TestClock(Instant.parse("2026-11-23T10:00:00Z"));

  /** Who may call each route: the README's "who" column, as rules. */
  private static final Map<String, Rule> RULES =
      Map.ofEntries(
          entry("GET /health/live", anyone()),
          entry("GET /health/ready", anyone()),
          entry("GET /metrics", anyone()),
          entry("GET /api/openapi.yaml", anyone()),
          entry("GET /webjars/*", anyone()),
          entry("GET /*", anyone()),
          entry("POST /api/v1/session", anyone()),
          entry("GET /api/v1/session", session()),
          entry("DELETE /api/v1/session", session()),
          entry("POST /api/v1/plan", role(ADMIN)),
          entry("POST /api/v1/keys", role(ADMIN)),
          entry("POST /api/v1/events", feedsAndOperators()),
          entry("GET /api/v1/events/recent", feedsAndOperators()),
          entry("GET /api/v1/runs", Rule.staffOrOwnOperator(VIEWER)),
          entry("GET /api/v1/runs/:runId", Rule.staffOrOwnOperator(VIEWER)),
          entry("GET /api/v1/pupils/:pupilId/today", role(VIEWER)),
          entry("GET /api/v1/alerts", Rule.staffOrOwnOperator(VIEWER)),
          entry("GET /api/v1/alerts/:id", Rule.staffOrOwnOperator(VIEWER)),
          entry("POST /api/v1/alerts/:id/acknowledge", role(CONTROLLER)),
          entry("POST /api/v1/alerts/:id/assign", role(CONTROLLER)),
          entry("POST /api/v1/alerts/:id/resolve", role(CONTROLLER)),
          entry("GET /api/v1/stream", Rule.schoolOr(VIEWER)),
          entry("GET /api/v1/kpi/weekly", role(MANAGER)),
          entry("GET /api/v1/kpi/weekly/:weekEnding", role(MANAGER)),
          entry("POST /api/v1/kpi/weekly/:weekEnding", role(MANAGER)),
          entry("GET /api/v1/kpi/daily/:date", role(MANAGER)),
          entry("GET /api/v1/notify/rules", role(MANAGER)),
          entry("PUT /api/v1/notify/rules", role(ADMIN)),
          entry("GET /api/v1/calls/today", role(VIEWER)),
          entry("GET /api/v1/compliance", Rule.staffOrOwnOperator(VIEWER)),
          entry("GET /api/v1/positions", Rule.staffOrOwnOperator(VIEWER)),
          entry("GET /api/v1/schools", role(VIEWER)),
          entry("GET /api/v1/operators", role(VIEWER)),
          entry("POST /api/v1/crew/devices", anyone()),
          entry("GET /api/v1/crew/me/runs", Rule.crewDevice()),
          entry("POST /api/v1/crew/:crewId/sign-in-codes", Rule.operatorsAndAdmins()),
          entry("GET /api/v1/crew/:crewId/devices", Rule.operatorsAndAdmins()),
          entry("DELETE /api/v1/crew/:crewId/devices/:deviceId", Rule.operatorsAndAdmins()),
          entry("POST /api/v1/parent/unsubscribe", anyone()),
          entry("POST /api/v1/pupils/:pupilId/parent-links", Rule.linkIssuers()),
          entry("GET /api/v1/pupils/:pupilId/parent-links", Rule.linkIssuers()),
          entry("DELETE /api/v1/parent-links/:linkId", Rule.linkIssuers()),
          entry("GET /api/v1/parent/today", Rule.parentLink()),
          entry("GET /api/v1/parent/subscription", Rule.parentLink()),
          entry("PUT /api/v1/parent/subscription", Rule.parentLink()),
          entry("DELETE /api/v1/parent/subscription", Rule.parentLink()),
          entry("POST /api/v1/parent/subscription/confirm", Rule.parentLink()),
          entry("POST /api/v1/parent/messages", Rule.parentLink()),
          entry("GET /api/v1/parent/messages", Rule.parentLink()),
          entry("GET /api/v1/messages", role(VIEWER)),
          entry("POST /api/v1/messages/:messageId/reply", role(CONTROLLER)),
          entry("POST /api/v1/messages/:messageId/close", role(CONTROLLER)),
          entry("GET /api/v1/schools/:schoolId/today", Rule.schoolOr(VIEWER)),
          entry("GET /api/v1/schools/:schoolId/reports", Rule.schoolOr(VIEWER)),
          entry("POST /api/v1/schools/:schoolId/reports", Rule.schoolStaff()),
          entry("POST /api/v1/webhooks", Rule.operatorsAndAdmins()),
          entry("GET /api/v1/webhooks", Rule.operatorsAndAdmins()),
          entry("DELETE /api/v1/webhooks/:webhookId", Rule.operatorsAndAdmins()),
          entry("GET /api/v1/webhooks/:webhookId/deliveries", Rule.operatorsAndAdmins()),
          entry("POST /api/v1/users", role(ADMIN)),
          entry("GET /osmand", anyone()),
          entry("POST /osmand", anyone()),
          entry("POST /api/v1/trackers", Rule.operatorsAndAdmins()),
          entry("GET /api/v1/trackers", Rule.operatorsAndAdmins()),
          entry("DELETE /api/v1/trackers/:trackerId", Rule.operatorsAndAdmins()),
          entry("POST /api/v1/traccar/positions", Rule.operatorKeys()),
          entry("POST /api/v1/traccar/events", Rule.operatorKeys()));

  /** Operator B's ids and names: paths name them, and no refusal may repeat them. */
  private static final List<String> B_DATA =
      List.of(
          "OPB",
          TwoOperators.RUN_B,
          TwoOperators.PUPIL_B,
          TwoOperators.DRIVER_B,
          "Brookvale",
          "ops@b.example");

  /** Path parameters filled with B's real ids, so that a refusal that leaked them would show. */
  private static final Map<String, String> PARAMS = new LinkedHashMap<>();

  private static final Map<String, String> FIXED_PARAMS =
      Map.of(
          ":runId",
          TwoOperators.RUN_B,
          ":pupilId",
          TwoOperators.PUPIL_B,
          ":weekEnding",
          "2026-11-27",
          ":date",
          TwoOperators.DATE.toString(),
          ":crewId",
          TwoOperators.DRIVER_B,
          ":deviceId",
          "1",
          ":schoolId",
          "SCH1");

  private static final Map<String, String> WILDCARDS =
      Map.of("/webjars/*", "/webjars/chart.js/4.5.1/dist/chart.umd.min.js", "/*", "/");

  private static final Map<String, String> QUERIES =
      Map.of(
          "GET /api/v1/runs", "?operatorId=OPB",
          "GET /api/v1/alerts", "?runId=" + TwoOperators.RUN_B,
          "GET /api/v1/compliance", "?operatorId=OPB",
          "GET /api/v1/kpi/weekly", "?from=2026-11-16&to=2026-11-27");

  /** The kinds of caller that can authenticate today, each with the caller the rules judge. */
  enum Kind {
    NO_CREDENTIALS("no credentials", null),
    VIEWER_SESSION("a viewer's session", new Caller.Staff("viewer", VIEWER, true)),
    CONTROLLER_SESSION("a controller's session", new Caller.Staff("controller", CONTROLLER, true)),
    MANAGER_SESSION("a manager's session", new Caller.Staff("manager", MANAGER, true)),
    ADMIN_SESSION("an admin's session", new Caller.Staff("admin", ADMIN, true)),
    CONTROL_KEY("a control key", new Caller.Staff("key", VIEWER, false)),
    ADMIN_KEY("an admin key", new Caller.Staff("key", ADMIN, false)),
    OPERATOR_A_KEY("operator A's key", new Caller.OperatorKey(0, "OPA")),
    TELEPHONY_KEY("the telephony key", new Caller.FeedKey(0, Scope.TELEPHONY)),
    CASEWORK_KEY("the casework key", new Caller.FeedKey(0, Scope.CASEWORK)),
    HR_KEY("the hr key", new Caller.FeedKey(0, Scope.HR)),
    CREW_PHONE_A("operator A's crew phone", new Caller.CrewDevice(0, TwoOperators.DRIVER_A, "OPA")),
    PARENT_LINK_A(
        "a parent's link to a pupil of A", new Caller.ParentLink(0, TwoOperators.PUPIL_A));

    final String label;
    final Caller caller;

    Kind(String label, Caller caller) {
      this.label = label;
      this.caller = caller;
    }

    /** The login of a kind that logs in with a session: staff by role, a school by its user. */
    Optional<String> login() {
      if (caller instanceof Caller.SchoolStaff s) {
        return Optional.of(s.name());
      }
      return sessionRole().map(RouteAccessMatrixTest::email);
    }

    Optional<Role> sessionRole() {
      return caller instanceof Caller.Staff s && s.session()
          ? Optional.of(s.role())
          : Optional.empty();
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** The kinds of caller to come: nothing authenticates them yet, so their rules are judged. */
  private static final List<Caller> COMING =
      List.of(new Caller.Tracker("TRK-1", "OPA", "AB12 CDE"));

  /** A route as the router serves it, its path filled in for a request. */
  record Target(String key, String method, String path, Rule rule) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static TestServer server;
  private static final Map<Kind, String> keys = new EnumMap<>(Kind.class);
  private static final Map<Kind, SessionLogin> sessions = new EnumMap<>(Kind.class);
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static long alertId;

  @BeforeAll
  static void start() {
    // Webhooks to a receiver on loopback may be registered.
    server = new TestServer(Map.of("TW_WEBHOOK_ALLOW_LOOPBACK", "true"), clock);
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    keys.put(Kind.CONTROL_KEY, server.scopeKey(Scope.CONTROL));
    keys.put(Kind.ADMIN_KEY, admin);
    keys.put(Kind.OPERATOR_A_KEY, server.operatorKey("OPA"));
    keys.put(Kind.TELEPHONY_KEY, server.scopeKey(Scope.TELEPHONY));
    keys.put(Kind.CASEWORK_KEY, server.scopeKey(Scope.CASEWORK));
    keys.put(Kind.HR_KEY, server.scopeKey(Scope.HR));
    String code =
        server
            .post(
                "/api/v1/crew/" + TwoOperators.DRIVER_A + "/sign-in-codes",
                keys.get(Kind.OPERATOR_A_KEY),
                new io.vertx.core.json.JsonObject())
            .bodyAsJsonObject()
            .getString("code");
    keys.put(
        Kind.CREW_PHONE_A,
        server
            .post(
                "/api/v1/crew/devices", null, new io.vertx.core.json.JsonObject().put("code", code))
            .bodyAsJsonObject()
            .getString("token"));
    assertThat(
            server
                .post(
                    "/api/v1/users",
                    admin,
                    new io.vertx.core.json.JsonObject()
                        .put("email", SCHOOL_USER)
                        .put("role", "school")
                        .put("schoolId", "SCH1")
                        .put("password", PASSWORD))
                .statusCode())
        .isEqualTo(201);
    keys.put(
        Kind.PARENT_LINK_A,
        linkToken(
            server
                .post(
                    "/api/v1/pupils/" + TwoOperators.PUPIL_A + "/parent-links",
                    admin,
                    new io.vertx.core.json.JsonObject())
                .bodyAsJsonObject()));
    // A link and a message of B's pupil: the paths name them, and refusals must not.
    io.vertx.core.json.JsonObject linkB =
        server
            .post(
                "/api/v1/pupils/" + TwoOperators.PUPIL_B + "/parent-links",
                admin,
                new io.vertx.core.json.JsonObject())
            .bodyAsJsonObject();
    long messageB =
        server
            .post(
                "/api/v1/parent/messages",
                linkToken(linkB),
                new io.vertx.core.json.JsonObject()
                    .put("category", "other")
                    .put("text", "Brookvale question"))
            .bodyAsJsonObject()
            .getLong("messageId");
    PARAMS.putAll(FIXED_PARAMS);
    PARAMS.put(":linkId", String.valueOf(linkB.getLong("linkId")));
    PARAMS.put(":messageId", String.valueOf(messageB));
    // B's webhook: the paths name it, and A's key is refused it as an unknown one.
    PARAMS.put(
        ":webhookId",
        String.valueOf(
            server
                .post(
                    "/api/v1/webhooks",
                    admin,
                    new io.vertx.core.json.JsonObject()
                        .put("url", "http://127.0.0.1:9/brookvale")
                        .put("events", new io.vertx.core.json.JsonArray().add("alert.raised"))
                        .put("operatorId", "OPB"))
                .bodyAsJsonObject()
                .getLong("id")));
    // B's tracker: the path names it, and A's key is refused it as an unknown one.
    PARAMS.put(
        ":trackerId",
        server
            .post(
                "/api/v1/trackers",
                admin,
                new io.vertx.core.json.JsonObject()
                    .put("vehicleReg", "BV11 AAA")
                    .put("operatorId", "OPB"))
            .bodyAsJsonObject()
            .getString("trackerId"));
    for (Kind kind : Kind.values()) {
      kind.sessionRole()
          .ifPresent(role -> SessionLogin.addUser(server, email(role), role, PASSWORD));
      kind.login().ifPresent(login -> sessions.put(kind, SessionLogin.of(server, login, PASSWORD)));
    }
    // An alert on B's run, so the alert routes have a real id whose refusals must not name B.
    new AlertStore(server.pool(), ServiceClock.on(clock, ZoneId.of("Europe/London")), false)
        .record(
            List.of(
                new Condition(
                    AlertType.RUN_CANCELLED,
                    TwoOperators.RUN_B,
                    TwoOperators.DATE,
                    TwoOperators.RUN_B,
                    "OPB",
                    null,
                    null,
                    "Brookvale Cars cancelled " + TwoOperators.RUN_B)),
            List.of(),
            List.of())
        .await();
    alertId =
        server
            .get("/api/v1/alerts?runId=" + TwoOperators.RUN_B, admin)
            .bodyAsJsonObject()
            .getJsonArray("items")
            .getJsonObject(0)
            .getLong("id");
  }

  private static String linkToken(io.vertx.core.json.JsonObject link) {
    String url = link.getString("url");
    return url.substring(url.indexOf("#t=") + 3);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String email(Role role) {
    return role.wireName() + "@council.example";
  }

  /** Every route the router serves that is not a filter, with its rule (null if it has none). */
  private static List<Target> targets() {
    return Access.routes(server.server.router()).stream()
        .filter(e -> e.path() != null && !e.passesOn())
        .flatMap(
            e -> {
              Set<HttpMethod> methods = e.route().methods();
              // A route without a method serves them all; GET stands for them.
              return (methods == null ? Set.of(HttpMethod.GET) : methods)
                  .stream()
                      .map(
                          m -> {
                            String key = m.name() + " " + e.path();
                            return new Target(
                                key, m.name(), concrete(key, e.path()), e.rule().orElse(null));
                          });
            })
        .toList();
  }

  private static String concrete(String key, String pattern) {
    String path = WILDCARDS.getOrDefault(pattern, pattern);
    for (Map.Entry<String, String> p : PARAMS.entrySet()) {
      path = path.replace(p.getKey(), p.getValue());
    }
    path = path.replace(":id", String.valueOf(alertId));
    assertThat(path).as("fill every parameter of " + key).doesNotContain(":", "*");
    return path + QUERIES.getOrDefault(key, "");
  }

  static Stream<Arguments> cells() {
    return targets().stream().flatMap(t -> Stream.of(Kind.values()).map(k -> Arguments.of(t, k)));
  }

  static Stream<Arguments> comingCells() {
    return targets().stream().flatMap(t -> COMING.stream().map(c -> Arguments.of(t, c)));
  }

  @Test
  @DisplayName(
      "Every route the router serves has an access rule, and it is the one this table expects")
  void everyRouteHasItsRule() {
    Map<String, Object> served = new LinkedHashMap<>();
    targets().forEach(t -> served.put(t.key(), t.rule() == null ? "no rule" : t.rule()));
    assertThat(served).isEqualTo(RULES);
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("cells")
  @DisplayName(
      "Each route answers each kind of caller with 401, 403 or lets it through, as its rule says")
  void cell(Target target, Kind kind) throws IOException, InterruptedException {
    assertThat(target.rule()).as(target.key() + " has an access rule").isNotNull();
    Answer answer = call(target, kind);
    int expected = expected(target, kind);
    if (expected == 0) {
      assertThat(answer.status())
          .as("%s is let through (%s)", kind, answer.body())
          .isNotIn(401, 403)
          .isLessThan(500);
    } else {
      assertThat(answer.status()).as(answer.body()).isEqualTo(expected);
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
      assertThat(answer.body()).as("a refusal names none of B's data").doesNotContain(B_DATA);
    }
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("comingCells")
  @DisplayName("Trackers may call only the public routes")
  void comingKinds(Target target, Caller caller) {
    assertThat(target.rule()).as(target.key() + " has an access rule").isNotNull();
    assertThat(target.rule().permits(caller)).isEqualTo(target.rule().admitsNoCredentials());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("comingKinds")
  @DisplayName("HTTP cells for the kinds of caller to come")
  void comingKindsOverHttp(Caller caller) {
    Assumptions.abort(
        caller.getClass().getSimpleName()
            + ": nothing authenticates this kind of caller yet, so there is no request to make;"
            + " its rules are judged directly");
  }

  static Stream<Caller> comingKinds() {
    return COMING.stream();
  }

  /** 0 for let through, else the status of the refusal. */
  private static int expected(Target target, Kind kind) {
    Rule rule = target.rule();
    if (kind.caller == null) {
      return rule.admitsNoCredentials() ? 0 : 401;
    }
    // The paths name operator B's crew member, webhook or tracker: A's key passes the rule, then
    // the route refuses another operator's crew member as it refuses an unknown one (403), and
    // another operator's webhook or tracker as an unknown one (404).
    if (rule instanceof Rule.OperatorsAndAdmins && kind == Kind.OPERATOR_A_KEY) {
      if (target.key().contains(":crewId")) {
        return 403;
      }
      if (target.key().contains(":webhookId") || target.key().contains(":trackerId")) {
        return 404;
      }
    }
    return rule.permits(kind.caller) ? 0 : rule.refusal().status();
  }

  private record Answer(int status, String contentType, String body) {}

  private static Answer call(Target target, Kind kind) throws IOException, InterruptedException {
    boolean changes = !target.method().equals("GET");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.port + target.path()))
            .timeout(Duration.ofSeconds(20))
            .method(
                target.method(), changes ? BodyPublishers.ofString("{}") : BodyPublishers.noBody());
    if (changes) {
      request.header("Content-Type", "application/json");
    }
    if (keys.containsKey(kind)) {
      request.header("Authorization", "Bearer " + keys.get(kind));
    }
    kind.login()
        .ifPresent(
            email -> {
              // Logging in and out end a session: those cells get one of their own.
              SessionLogin login =
                  changes && target.path().equals("/api/v1/session")
                      ? SessionLogin.of(server, email, PASSWORD)
                      : sessions.get(kind);
              request.header("Cookie", Sessions.COOKIE + "=" + login.sessionId());
              request.header(Authenticator.CSRF_HEADER, login.csrfToken());
            });
    var response = http.send(request.build(), BodyHandlers.ofInputStream());
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    try (InputStream body = response.body()) {
      // The live stream never ends: its first bytes are enough.
      String text =
          contentType.startsWith("text/event-stream")
              ? ""
              : new String(body.readAllBytes(), StandardCharsets.UTF_8);
      return new Answer(response.statusCode(), contentType, text);
    }
  }
}
