package travelwatch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

@Timeout(120)
@DisplayName("Plan import: POST /api/v1/plan upserts a whole plan, or nothing")
class PlanImportTest {
  private static final LocalDate MONDAY = LocalDate.of(2026, 11, 23);
  private static final List<String> TABLES =
      List.of("operator", "school", "pupil", "crew", "route", "run", "stop", "stop_pupil");

  private TestServer server;
  private String admin;

  @BeforeEach
  void start() {
    server = new TestServer();
    admin = server.scopeKey(Scope.ADMIN);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Plan generated() {
    return new PlanGenerator(7, 40, PlanGenerator.schoolDays(MONDAY, 2)).generate();
  }

  @Test
  @DisplayName("A generated plan is stored exactly as sent and read back equal")
  void generatedPlanRoundTrips() {
    Plan plan = generated();
    var response = server.post("/api/v1/plan", admin, PlanJson.write(plan));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject counts = response.bodyAsJsonObject();
    assertThat(counts.getInteger("runs")).isEqualTo(plan.runs().size());
    assertThat(counts.getInteger("pupils")).isEqualTo(plan.pupils().size());
    Plan stored = new PlanStore(server.pool()).read(MONDAY, MONDAY.plusDays(7)).await();
    assertThat(stored).isEqualTo(sortedById(plan));
  }

  @Test
  @DisplayName("Importing the same plan again is idempotent: same rows, nothing doubled")
  void reImportIsIdempotent() {
    Plan plan = generated();
    assertThat(server.post("/api/v1/plan", admin, PlanJson.write(plan)).statusCode())
        .isEqualTo(200);
    Map<String, Long> first = rowCounts();

    var again = server.post("/api/v1/plan", admin, PlanJson.write(plan));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(rowCounts()).isEqualTo(first);
    assertThat(new PlanStore(server.pool()).read(MONDAY, MONDAY.plusDays(7)).await())
        .isEqualTo(sortedById(plan));
  }

  @Test
  @DisplayName("A later import may refer to operators, schools, crew and routes already stored")
  void laterImportRefersToStoredPlan() {
    Plan plan = generated();
    Plan withoutRuns =
        new Plan(
            plan.operators(), plan.schools(), plan.pupils(), plan.crew(), plan.routes(), List.of());
    assertThat(server.post("/api/v1/plan", admin, PlanJson.write(withoutRuns)).statusCode())
        .isEqualTo(200);
    Plan runsOnly = new Plan(List.of(), List.of(), List.of(), List.of(), List.of(), plan.runs());

    var response = server.post("/api/v1/plan", admin, PlanJson.write(runsOnly));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TestPostgres.count(server.database, "select count(*) from run"))
        .isEqualTo(plan.runs().size());
  }

  @Test
  @DisplayName("Every problem in a plan is reported with its path, and nothing at all is written")
  void everyProblemReportedNothingWritten() {
    JsonObject doc = PlanJson.write(generated());
    doc.getJsonArray("pupils").getJsonObject(0).put("schoolId", "NO-SUCH-SCHOOL");
    doc.getJsonArray("schools").getJsonObject(1).put("startTime", "8.45am");
    doc.getJsonArray("schools").getJsonObject(2).put("phase", "nursery");
    doc.getJsonArray("routes")
        .getJsonObject(1)
        .put("id", doc.getJsonArray("routes").getJsonObject(0).getString("id"));
    doc.getJsonArray("runs").getJsonObject(3).put("stops", new JsonArray());
    doc.getJsonArray("runs").getJsonObject(4).put("operatorId", "OP001");
    doc.getJsonArray("runs").getJsonObject(5).put("date", "2026-02-30");
    doc.getJsonArray("runs")
        .getJsonObject(6)
        .getJsonArray("stops")
        .getJsonObject(0)
        .getJsonArray("pickups")
        .add("P-UNKNOWN");
    doc.getJsonArray("crew").getJsonObject(0).put("operatorId", "OP999");

    var response = server.post("/api/v1/plan", admin, doc);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(400);
    assertThat(problem.getString("detail")).contains("nothing was written");
    List<String> fields =
        problem.getJsonArray("errors").stream()
            .map(e -> ((JsonObject) e).getString("field"))
            .toList();
    assertThat(fields)
        .contains(
            "pupils[0].schoolId",
            "schools[1].startTime",
            "schools[2].phase",
            "routes[1].id",
            "runs[3].stops",
            "runs[4].operatorId",
            "runs[5].date",
            "runs[6].stops[0].pickups["
                + (doc.getJsonArray("runs")
                        .getJsonObject(6)
                        .getJsonArray("stops")
                        .getJsonObject(0)
                        .getJsonArray("pickups")
                        .size()
                    - 1)
                + "]",
            "crew[0].operatorId");
    assertThat(rowCounts().values()).allMatch(n -> n == 0);
  }

  @Test
  @DisplayName("A body that is not a JSON object is a 400 problem")
  void notJson() {
    var response = postPlan(Buffer.buffer("[1,2"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("A plan over the plan endpoint's body limit is refused with 413")
  void overLimit() {
    try (TestServer small =
        new TestServer(Map.of("TW_PLAN_BODY_LIMIT_MB", "1"), java.time.Clock.systemUTC())) {
      String key = small.scopeKey(Scope.ADMIN);
      JsonObject doc =
          PlanJson.write(new PlanGenerator(1, 300, PlanGenerator.schoolDays(MONDAY, 5)).generate());
      assertThat(doc.encode().length()).isGreaterThan(1024 * 1024);

      var response = small.post("/api/v1/plan", key, doc);

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(TestPostgres.count(small.database, "select count(*) from run")).isZero();
    }
  }

  @Test
  @Timeout(90)
  @DisplayName(
      "A 50 MB plan is imported while every readiness probe, sent every 100 ms, answers within a second")
  void largePlanLeavesServerResponsive() {
    // Forty school days of a city's routes, far from today so the monitors have nothing to rebuild.
    Plan plan =
        new PlanGenerator(11, 1050, PlanGenerator.schoolDays(LocalDate.of(2030, 1, 7), 40))
            .generate();
    int runs = plan.runs().size();
    Buffer body = PlanJson.write(plan).toBuffer();
    plan = null; // only the body is kept: the server needs the heap
    assertThat(body.length()).isGreaterThan(45 * 1024 * 1024);
    Vertx probing = Vertx.vertx();
    try {
      // A new connection each time, so probes land on every HTTP event loop, the import's too.
      WebClient probe =
          WebClient.create(
              probing,
              new WebClientOptions()
                  .setDefaultHost("localhost")
                  .setDefaultPort(server.port)
                  .setKeepAlive(false));
      List<Long> millis = new CopyOnWriteArrayList<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicInteger inFlight = new AtomicInteger();
      long timer =
          probing.setPeriodic(
              100,
              t -> {
                long sent = System.nanoTime();
                inFlight.incrementAndGet();
                probe
                    .get("/health/ready")
                    .timeout(5_000)
                    .send()
                    .onComplete(
                        ar -> {
                          millis.add((System.nanoTime() - sent) / 1_000_000);
                          if (ar.failed() || ar.result().statusCode() != 200) {
                            failures.add(
                                ar.failed()
                                    ? ar.cause().toString()
                                    : "status " + ar.result().statusCode());
                          }
                          inFlight.decrementAndGet();
                        });
              });

      var response = postPlan(body);
      probing.cancelTimer(timer);
      JarProcess.await(
          "the last probes to answer", Duration.ofSeconds(10), () -> inFlight.get() == 0);

      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getInteger("runs")).isEqualTo(runs);
      assertThat(failures).isEmpty();
      assertThat(millis).hasSizeGreaterThan(10);
      assertThat(millis.stream().mapToLong(Long::longValue).max().orElseThrow())
          .as("slowest of %d probes, in ms", millis.size())
          .isLessThan(1000);
    } finally {
      probing.close().await();
    }
  }

  /** Posts the body as it is, JSON or not, as an admin. */
  private HttpResponse<Buffer> postPlan(Buffer body) {
    return server
        .client
        .post("/api/v1/plan")
        .putHeader("Authorization", "Bearer " + admin)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body)
        .await();
  }

  private Map<String, Long> rowCounts() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    TABLES.forEach(
        t -> counts.put(t, TestPostgres.count(server.database, "select count(*) from " + t)));
    return counts;
  }

  /** The plan in the store's order: everything by id. */
  static Plan sortedById(Plan plan) {
    return new Plan(
        sorted(plan.operators(), Plan.Operator::id),
        sorted(plan.schools(), Plan.School::id),
        sorted(plan.pupils(), Plan.Pupil::id),
        sorted(plan.crew(), Plan.Crew::id),
        sorted(plan.routes(), Plan.Route::id),
        sorted(plan.runs(), Plan.Run::id));
  }

  private static <T> List<T> sorted(List<T> items, Function<T, String> id) {
    return items.stream().sorted(Comparator.comparing(id)).toList();
  }
}
