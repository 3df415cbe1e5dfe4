package travelwatch.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.access.Scope;
import travelwatch.ingest.EventType;
import travelwatch.support.ControlRoom;
import travelwatch.support.Events;
import travelwatch.support.JarProcess;
import travelwatch.support.PromQl;
import travelwatch.support.PrometheusServer;
import travelwatch.support.PrometheusText;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

@Timeout(240)
@DisplayName(
    "The Grafana dashboards' PromQL, run by a real Prometheus scraping a server that has seen every"
        + " kind of event")
class DashboardQueriesTest {
  private static final String JOB = "travelwatch";
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*");

  /** Series Prometheus makes itself for each target, with the labels it gives them. */
  private static final Set<String> SCRAPE_SERIES = Set.of("up");

  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  @TempDir static Path dir;
  private static TestServer server;
  private static PrometheusServer prometheus;
  private static String metrics;
  private static String token;

  @BeforeAll
  static void start() {
    PrometheusServer.requireInstalled();
    // The plan's service day, just after its example events: they raise alerts as they arrive.
    // With the compose nodes' metrics token: Prometheus scrapes with the token its config sends.
    token = ControlRoom.environment(ControlRoom.service("node1")).get("TW_METRICS_TOKEN");
    server =
        new TestServer(
            Map.of("TW_METRICS_TOKEN", token),
            new TestClock(TwoOperators.DATE.atTime(8, 6).toInstant(ZoneOffset.UTC)));
    sendEveryKindOfEvent();
    JarProcess.await(
        "an alert raised from an event (event-to-alert latency recorded)",
        Duration.ofSeconds(30),
        () ->
            server
                .get("/metrics", token)
                .bodyAsString()
                .lines()
                .anyMatch(
                    l ->
                        l.startsWith("travelwatch_event_to_alert_seconds_count")
                            && !l.endsWith(" 0")));
    // GC pause series appear with the first collection after the server's meters are bound.
    JarProcess.await(
        "a garbage collection to be recorded",
        Duration.ofSeconds(30),
        () -> {
          System.gc();
          return server
              .get("/metrics", token)
              .bodyAsString()
              .contains("jvm_gc_pause_seconds_count");
        });
    JsonNode config =
        PrometheusServer.scraping(
            ControlRoom.yaml(ControlRoom.PROMETHEUS_CONFIG), JOB, "localhost:" + server.port, "1s");
    prometheus = PrometheusServer.start(config, dir);
    prometheus.awaitTargetsUp(JOB, Duration.ofSeconds(60));
    metrics = server.get("/metrics", token).bodyAsString();
  }

  /**
   * Every event type from its sender, plus refused requests, so every counter and histogram has
   * samples.
   */
  private static void sendEveryKindOfEvent() {
    String admin = server.scopeKey(Scope.ADMIN);
    assertThat(server.post("/api/v1/plan", admin, TwoOperators.json()).statusCode()).isEqualTo(200);
    String operator = server.operatorKey("OPA");
    for (EventType type : EventType.values()) {
      String key =
          switch (type.sender()) {
            case OPERATOR -> operator;
            case TELEPHONY -> server.scopeKey(Scope.TELEPHONY);
            case CASEWORK -> server.scopeKey(Scope.CASEWORK);
            case HR -> server.scopeKey(Scope.HR);
          };
      var response = server.post("/api/v1/events", key, Events.example(type.wireName()));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    }
    JsonObject safeguarding = Events.example("incident.reported").put("category", "safeguarding");
    assertThat(server.post("/api/v1/events", operator, safeguarding).statusCode()).isEqualTo(202);
    assertThat(server.post("/api/v1/events", operator, Events.event("run.started")).statusCode())
        .isEqualTo(400);
    assertThat(server.post("/api/v1/events", null, Events.example("run.completed")).statusCode())
        .isEqualTo(401);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Each Prometheus query of each dashboard, as Grafana would send it. */
  private static List<Check> expressions() {
    List<Check> checks = new ArrayList<>();
    ControlRoom.dashboards()
        .forEach(
            (name, dashboard) ->
                ControlRoom.queries(name, dashboard).stream()
                    .filter(q -> ControlRoom.PROMETHEUS_TYPE.equals(q.datasourceType()))
                    .forEach(
                        q -> {
                          String expr = ControlRoom.promql(q.text(), dashboard);
                          Matcher labelValues = LABEL_VALUES.matcher(expr);
                          if (labelValues.matches()) {
                            expr = labelValues.group(1);
                          }
                          checks.add(new Check(q, expr));
                        }));
    return checks;
  }

  private record Check(ControlRoom.Query query, String expr) {
    String where() {
      return query.dashboard() + " / " + query.panel() + ": " + expr;
    }
  }

  @Test
  @DisplayName("Every dashboard has Prometheus panels, and Prometheus evaluates each expression")
  void everyExpressionEvaluates() {
    List<Check> checks = expressions();
    Set<String> dashboardsWithQueries = new HashSet<>();
    checks.forEach(c -> dashboardsWithQueries.add(c.query().dashboard()));
    assertThat(dashboardsWithQueries).containsAll(ControlRoom.dashboards().keySet());

    List<String> failures = new ArrayList<>();
    for (Check check : checks) {
      JsonNode answer = prometheus.query(check.expr());
      if (!"success".equals(answer.path("status").asText())) {
        failures.add(check.where() + " -> " + answer.path("error").asText(answer.toString()));
      }
    }
    assertThat(failures).as("expressions Prometheus refused").isEmpty();
  }

  @Test
  @DisplayName(
      "Every metric and label a dashboard expression selects is one the server exposes at /metrics")
  void everyMetricExists() {
    Map<String, Set<String>> exposed = PrometheusText.labelsByName(metrics);
    List<String> failures = new ArrayList<>();
    for (Check check : expressions()) {
      Set<String> names = PromQl.metricNames(check.expr());
      if (names.isEmpty()) {
        failures.add(check.where() + " selects no metric");
      }
      for (String name : names) {
        if (!exposed.containsKey(name) && !SCRAPE_SERIES.contains(name)) {
          failures.add(check.where() + " -> no metric " + name);
        }
      }
      PromQl.matchedLabels(check.expr())
          .forEach(
              (name, labels) -> {
                Set<String> known = new HashSet<>(TARGET_LABELS);
                known.addAll(exposed.getOrDefault(name, Set.of()));
                labels.stream()
                    .filter(l -> !known.contains(l))
                    .forEach(
                        l -> failures.add(check.where() + " -> " + name + " has no label " + l));
              });
    }
    assertThat(failures).as("names the server does not expose").isEmpty();
  }

  @Test
  @DisplayName("The node variable lists the scraped server")
  void nodeVariableFindsTheServer() {
    JsonNode health = ControlRoom.dashboards().get("service-health.json");
    ControlRoom.Query variable =
        ControlRoom.queries("service-health.json", health).stream()
            .filter(q -> q.panel().equals("variable instance"))
            .findFirst()
            .orElseThrow();
    Matcher labelValues = LABEL_VALUES.matcher(variable.text());
    assertThat(labelValues.matches()).as(variable.text()).isTrue();

    JsonNode result = prometheus.query(labelValues.group(1)).path("data").path("result");
    List<String> values = new ArrayList<>();
    result.forEach(r -> values.add(r.path("metric").path(labelValues.group(2)).asText()));
    assertThat(values).containsExactly("localhost:" + server.port);
  }

  @Test
  @DisplayName(
      "With every histogram and counter populated, /metrics has the dashboards' histograms and"
          + " promtool finds nothing to lint")
  void promtoolAcceptsMetrics() throws Exception {
    assertThat(metrics)
        .contains(
            "travelwatch_ingest_commit_seconds_bucket",
            "travelwatch_ingest_batch_rows_bucket",
            "travelwatch_event_to_alert_seconds_bucket",
            "vertx_http_server_response_time_seconds_bucket{code=\"202\",method=\"POST\"",
            "travelwatch_events_rejected_total{reason=\"invalid\"}",
            "travelwatch_events_rejected_total{reason=\"unauthenticated\"}",
            // The benchmarks' warm-up reads it.
            "jvm_compilation_time_seconds_total{compiler=");
    assertThat(PrometheusText.invalidLines(metrics)).isEmpty();
    var result = PrometheusText.promtool(metrics);
    assertThat(result.clean()).as(result.output()).isTrue();
  }
}
