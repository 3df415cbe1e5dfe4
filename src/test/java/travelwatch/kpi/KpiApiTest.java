package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import travelwatch.access.Scope;
import travelwatch.support.Contract;
import travelwatch.support.JarProcess;
import travelwatch.support.PrometheusText;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

@Timeout(120)
@DisplayName(
    "KPI snapshots over the API: docs/contract.md's figures from hand-built weeks, exact to the count")
class KpiApiTest {
  /** Wednesday 10 June 2026, 13:00 BST: the week so far is Sat 6 to Wed 10 June. */
  private static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");

  private static TestServer server;
  private static String manager;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            // The hand-built weeks run past NOW, the fixed clock the "so far" figures stand at.
            Map.of("TW_KPI_REFRESH_SECONDS", "1", "TW_INGEST_MAX_FUTURE_SECONDS", KpiWeeks.AHEAD),
            Clock.fixed(NOW, ZoneOffset.UTC));
    KpiWeeks.load(server);
    manager = server.scopeKey(Scope.ADMIN);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject getJson(String path) {
    HttpResponse<Buffer> response = server.get(path, manager);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    return response.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> post(String path, String key) {
    var request = server.client.post(path);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return request.send().await();
  }

  @Test
  @DisplayName(
      "A week with a cancelled run, a late run, an absent pupil, a pupil not transported and calls"
          + " answered and abandoned gives each KPI exactly, per operator too")
  void weekFigures() {
    JsonObject week = getJson("/api/v1/kpi/weekly/2026-06-12");

    assertThat(week)
        .isEqualTo(
            new JsonObject(
                """
                {"weekEnding": "2026-06-12", "version": 0, "final": false,
                 "computedAt": "2026-06-10T12:00:00Z",
                 "safeguarding": {"count": 3},
                 "routePerformance": {"numerator": 4, "denominator": 7, "percent": 57.14},
                 "pupilPerformance": {"numerator": 7, "denominator": 10, "percent": 70.00},
                 "routeTimePerformance": {"numerator": 2, "denominator": 4, "percent": 50.00},
                 "telephonePerformance": {"numerator": 3, "denominator": 4, "percent": 75.00},
                 "busPassAssessmentsOverdue": 3, "transportApplicationsOverdue": 0,
                 "complaints": {"received": 2, "overdue": 2},
                 "parentMessages": {"received": 0, "answered": 0, "medianMinutesToAnswer": null},
                 "operators": [
                   {"operatorId": "OPA", "planned": 3, "delivered": 2, "cancelled": 1,
                    "onTime": 1, "cancellationShare": 50.00},
                   {"operatorId": "OPB", "planned": 4, "delivered": 2, "cancelled": 1,
                    "onTime": 1, "cancellationShare": 50.00}],
                 "schools": [
                   {"schoolId": "SCH1", "schoolName": "Hillcrest School", "runsPlanned": 7,
                    "runsDelivered": 4, "runsOnTime": 2}]}
                """));
  }

  @Test
  @DisplayName(
      "A week with no calls and no runs has null percentages (not 100%) with their zero counts")
  void nothingToMeasureIsNull() {
    HttpResponse<Buffer> response = server.get("/api/v1/kpi/weekly/2026-05-22", manager);
    JsonObject week = response.bodyAsJsonObject();

    assertThat(week.getJsonObject("telephonePerformance"))
        .isEqualTo(new JsonObject().put("numerator", 0).put("denominator", 0).putNull("percent"));
    assertThat(week.getJsonObject("routePerformance").getValue("percent")).isNull();
    assertThat(week.getJsonObject("pupilPerformance").getValue("percent")).isNull();
    assertThat(week.getJsonObject("routeTimePerformance").getValue("percent")).isNull();
    assertThat(week.getJsonArray("operators")).isEmpty();
    assertThat(week.getJsonArray("schools")).isEmpty();
    assertThat(response.bodyAsString())
        .contains("\"telephonePerformance\":{\"numerator\":0,\"denominator\":0,\"percent\":null}");
  }

  @Test
  @DisplayName(
      "An application is overdue only once its 20th working day, counted past weekends and bank"
          + " holidays, has passed undecided")
  void applicationsOverdueAcrossBankHolidays() {
    // 22 May: A (due 26 May, after the 25 May bank holiday) and B (due 29 May) are not yet
    // overdue; E (due 20 May, decided only on 1 June) is.
    JsonObject may22 = getJson("/api/v1/kpi/weekly/2026-05-22");
    assertThat(may22.getInteger("busPassAssessmentsOverdue")).isEqualTo(0);
    assertThat(may22.getInteger("transportApplicationsOverdue")).isEqualTo(1);

    // 29 May: A, and B on its due day; not C (due 1 June); E still undecided at the end of 29 May.
    JsonObject may29 = getJson("/api/v1/kpi/weekly/2026-05-29");
    assertThat(may29.getInteger("busPassAssessmentsOverdue")).isEqualTo(2);
    assertThat(may29.getInteger("transportApplicationsOverdue")).isEqualTo(1);

    // 12 June: A, B, C; E was decided on 1 June and F is not due until 24 June.
    JsonObject june12 = getJson("/api/v1/kpi/weekly/2026-06-12");
    assertThat(june12.getInteger("busPassAssessmentsOverdue")).isEqualTo(3);
    assertThat(june12.getInteger("transportApplicationsOverdue")).isEqualTo(0);
    // Complaints: CMP0 (due 2 June) and CMP4 (due 12 June itself) unanswered; CMP5 due 15 June.
    assertThat(june12.getJsonObject("complaints"))
        .isEqualTo(new JsonObject().put("received", 2).put("overdue", 2));
  }

  @Test
  @DisplayName(
      "The week across the October clock change runs from 00:00 BST Saturday to 24:00 GMT Friday,"
          + " and arriveBy is local time on each side of it")
  void clockChangeWeek() {
    JsonObject october30 = getJson("/api/v1/kpi/weekly/2026-10-30");
    assertThat(october30.getJsonObject("telephonePerformance"))
        .isEqualTo(new JsonObject().put("numerator", 1).put("denominator", 2).put("percent", 50.0));
    assertThat(october30.getJsonObject("safeguarding").getInteger("count")).isEqualTo(2);
    assertThat(october30.getJsonObject("routeTimePerformance"))
        .as("arrived 08:35 GMT for 08:40")
        .isEqualTo(
            new JsonObject().put("numerator", 1).put("denominator", 1).put("percent", 100.0));

    JsonObject october23 = getJson("/api/v1/kpi/weekly/2026-10-23");
    assertThat(october23.getJsonObject("telephonePerformance"))
        .isEqualTo(new JsonObject().put("numerator", 0).put("denominator", 1).put("percent", 0.0));
    assertThat(october23.getJsonObject("safeguarding").getInteger("count")).isEqualTo(1);
    assertThat(october23.getJsonObject("routeTimePerformance"))
        .as("arrived 09:00 BST (08:00 UTC) for 08:40")
        .isEqualTo(new JsonObject().put("numerator", 0).put("denominator", 1).put("percent", 0.0));
  }

  @Test
  @DisplayName("A day's figures: the same run, pupil and call measures, per operator, no case work")
  void dailyFigures() {
    JsonObject day = getJson("/api/v1/kpi/daily/2026-06-10");

    assertThat(day)
        .isEqualTo(
            new JsonObject(
                """
                {"date": "2026-06-10", "version": 1, "computedAt": "2026-06-10T12:00:00Z",
                 "safeguarding": {"count": 0},
                 "routePerformance": {"numerator": 1, "denominator": 2, "percent": 50.00},
                 "pupilPerformance": {"numerator": 2, "denominator": 4, "percent": 50.00},
                 "routeTimePerformance": {"numerator": 0, "denominator": 1, "percent": 0.00},
                 "telephonePerformance": {"numerator": 1, "denominator": 1, "percent": 100.00},
                 "parentMessages": {"received": 0, "answered": 0, "medianMinutesToAnswer": null},
                 "operators": [
                   {"operatorId": "OPA", "planned": 1, "delivered": 0, "cancelled": 1,
                    "onTime": 0, "cancellationShare": 100.00},
                   {"operatorId": "OPB", "planned": 1, "delivered": 1, "cancelled": 0,
                    "onTime": 0, "cancellationShare": 0.00}],
                 "schools": [
                   {"schoolId": "SCH1", "schoolName": "Hillcrest School", "runsPlanned": 2,
                    "runsDelivered": 1, "runsOnTime": 0}]}
                """));
  }

  @Test
  @DisplayName(
      "Opening a week that has not ended shows its figures so far and stores no snapshot (the rows"
          + " are counted); an ended week is stored once and read back")
  void unfinishedWeekStoresNothing() throws SQLException {
    JsonObject soFar = getJson("/api/v1/kpi/weekly/2026-06-12");
    assertThat(soFar.getBoolean("final")).isFalse();
    assertThat(soFar.getInteger("version")).isZero();
    assertThat(server.get("/api/v1/kpi/weekly/2026-06-12?format=csv", manager).statusCode())
        .isEqualTo(200);
    getJson("/api/v1/kpi/weekly/2026-06-19");
    assertThat(snapshots("2026-06-12")).isZero();
    assertThat(snapshots("2026-06-19")).isZero();
    assertThat(getJson("/api/v1/kpi/weekly?from=2026-06-12&to=2026-06-19").getJsonArray("items"))
        .isEmpty();

    JsonObject ended = getJson("/api/v1/kpi/weekly/2026-05-29");
    assertThat(ended.getBoolean("final")).isTrue();
    assertThat(ended.getInteger("version")).isPositive();
    long stored = snapshots("2026-05-29");
    assertThat(stored).isPositive();
    assertThat(getJson("/api/v1/kpi/weekly/2026-05-29")).isEqualTo(ended);
    assertThat(snapshots("2026-05-29")).isEqualTo(stored);
  }

  private static long snapshots(String weekEnding) throws SQLException {
    try (Connection c = TestPostgres.connect(server.database);
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "select count(*) from kpi_weekly_snapshot where week_ending = '"
                    + weekEnding
                    + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @DisplayName(
      "Recomputing after late data stores a new version; the old one stays readable and cannot be"
          + " changed, while the unfinished week itself shows its figures so far")
  void recomputeStoresNewVersion() throws SQLException {
    HttpResponse<Buffer> taken = post("/api/v1/kpi/weekly/2026-07-03", manager);
    assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(200);
    JsonObject first = taken.bodyAsJsonObject();
    assertThat(first.getInteger("version")).isEqualTo(1);
    assertThat(first.getBoolean("final")).isTrue();
    assertThat(first.getJsonObject("routePerformance").getInteger("numerator")).isEqualTo(0);

    KpiWeeks.post(
        server,
        server.operatorKey("OPA"),
        KpiWeeks.started("RR1", "2026-06-29T07:00:00+01:00"),
        KpiWeeks.boarded("RR1", "P1", "2026-06-29T07:05:00+01:00"),
        KpiWeeks.arrived("RR1", "2026-06-29T08:20:00+01:00"));
    JsonObject soFar = getJson("/api/v1/kpi/weekly/2026-07-03");
    assertThat(soFar.getBoolean("final")).as("the week has not ended").isFalse();
    assertThat(soFar.getJsonObject("routePerformance").getInteger("numerator")).isEqualTo(1);
    assertThat(getJson("/api/v1/kpi/weekly/2026-07-03?version=1")).isEqualTo(first);

    HttpResponse<Buffer> recomputed = post("/api/v1/kpi/weekly/2026-07-03", manager);
    assertThat(recomputed.statusCode()).as(recomputed.bodyAsString()).isEqualTo(200);
    JsonObject second = recomputed.bodyAsJsonObject();
    assertThat(second.getInteger("version")).isEqualTo(2);
    assertThat(second.getJsonObject("routePerformance"))
        .isEqualTo(
            new JsonObject().put("numerator", 1).put("denominator", 1).put("percent", 100.0));
    assertThat(second.getJsonObject("pupilPerformance").getInteger("numerator")).isEqualTo(1);

    assertThat(getJson("/api/v1/kpi/weekly/2026-07-03?version=2")).isEqualTo(second);
    assertThat(getJson("/api/v1/kpi/weekly/2026-07-03?version=1")).isEqualTo(first);
    assertThat(
            getJson("/api/v1/kpi/weekly?from=2026-07-03&to=2026-07-03")
                .getJsonArray("items")
                .getJsonObject(0))
        .isEqualTo(second);
    assertThat(snapshots("2026-07-03")).isEqualTo(2);

    try (Connection c = TestPostgres.connect(server.database);
        Statement s = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "update kpi_weekly_snapshot set version = 7 where week_ending = '2026-07-03'"))
          .hasMessageContaining("immutable");
      assertThatThrownBy(
              () ->
                  s.executeUpdate(
                      "delete from kpi_weekly_snapshot where week_ending = '2026-07-03'"))
          .hasMessageContaining("immutable");
    }
    assertThat(server.get("/api/v1/kpi/weekly/2026-07-03?version=3", manager).statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("A range lists the latest snapshot of each week in it that has one, oldest first")
  void range() {
    getJson("/api/v1/kpi/weekly/2026-05-22");
    getJson("/api/v1/kpi/weekly/2026-05-29");

    JsonObject range = getJson("/api/v1/kpi/weekly?from=2026-05-16&to=2026-06-04");

    assertThat(
            range.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("weekEnding")))
        .containsExactly("2026-05-22", "2026-05-29");
    assertThat(getJson("/api/v1/kpi/weekly?from=2020-01-01&to=2020-12-31").getJsonArray("items"))
        .isEmpty();
  }

  @Test
  @DisplayName("?format=csv gives the week as CSV, one figure a row, percent empty when null")
  void csv() {
    HttpResponse<Buffer> response = server.get("/api/v1/kpi/weekly/2026-06-12?format=csv", manager);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    List<String> lines = List.of(response.bodyAsString().split("\r\n"));
    String prefix = "2026-06-12,0,2026-06-10T12:00:00Z,"; // so far: version 0
    assertThat(lines.get(0))
        .isEqualTo(
            "weekEnding,version,computedAt,kpi,operatorId,count,numerator,denominator,percent,"
                + "schoolId,schoolName");
    assertThat(lines.subList(1, lines.size()))
        .startsWith(
            prefix + "Safeguarding,,3,,,,,",
            prefix + "Route Performance,,,4,7,57.14,,",
            prefix + "Pupil Performance,,,7,10,70.00,,",
            prefix + "Route Time Performance,,,2,4,50.00,,",
            prefix + "Telephone Performance,,,3,4,75.00,,",
            prefix + "Bus Pass Assessments Overdue,,3,,,,,",
            prefix + "Transport Applications Overdue,,0,,,,,",
            prefix + "Complaints Received,,2,,,,,",
            prefix + "Complaints Overdue,,2,,,,,",
            prefix + "Parents' Messages Received,,0,,,,,",
            prefix + "Parents' Messages Answered,,0,,,,,",
            prefix + "Parents' Messages Median Minutes To Answer,,,,,,,",
            prefix + "Runs Planned,OPA,3,,,,,")
        .contains(prefix + "Cancellation Share,OPB,,1,2,50.00,,")
        .endsWith(
            prefix + "Runs Planned By School,,7,,,,SCH1,Hillcrest School",
            prefix + "Runs Delivered By School,,4,,,,SCH1,Hillcrest School",
            prefix + "Runs On Time By School,,2,,,,SCH1,Hillcrest School")
        .hasSize(12 + 2 * 5 + 3);

    String empty = server.get("/api/v1/kpi/weekly/2026-05-22?format=csv", manager).bodyAsString();
    assertThat(empty).contains(",Telephone Performance,,,0,0,,,\r\n");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "GET, /api/v1/kpi/weekly/2026-06-11, weekEnding, Thursday",
    "POST, /api/v1/kpi/weekly/2026-06-13, weekEnding, Saturday",
    "GET, /api/v1/kpi/weekly/2026-13-01, weekEnding, real date",
    "GET, /api/v1/kpi/weekly/next-friday, weekEnding, YYYY-MM-DD",
    "GET, /api/v1/kpi/weekly/2026-06-12?format=xml, format, json or csv",
    "GET, /api/v1/kpi/weekly/2026-06-12?version=0, version, whole number",
    "GET, /api/v1/kpi/daily/2026-02-30, date, real date",
    "GET, /api/v1/kpi/weekly?to=2026-06-12, from, required",
    "GET, /api/v1/kpi/weekly?from=2026-06-12, to, required",
    "GET, /api/v1/kpi/weekly?from=2026-06-12&to=2026-06-05, to, before",
  })
  @DisplayName("A bad week ending, date, range or format is a 400 problem naming the field")
  void badInput(String method, String path, String field, String message) {
    HttpResponse<Buffer> response =
        method.equals("GET") ? server.get(path, manager) : post(path, manager);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject error = response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(error.getString("message")).contains(message);
  }

  @Test
  @DisplayName("Below manager (a control key is a viewer) or a feed key gets 403; no key gets 401")
  void managersOnly() {
    String viewer = server.scopeKey(Scope.CONTROL);
    String operator = server.operatorKey("OPA");
    String telephony = server.scopeKey(Scope.TELEPHONY);
    for (String key : List.of(viewer, operator, telephony)) {
      assertThat(server.get("/api/v1/kpi/weekly/2026-06-12", key).statusCode()).isEqualTo(403);
      assertThat(server.get("/api/v1/kpi/weekly/2026-06-12?format=csv", key).statusCode())
          .isEqualTo(403);
      assertThat(post("/api/v1/kpi/weekly/2026-06-12", key).statusCode()).isEqualTo(403);
      assertThat(server.get("/api/v1/kpi/weekly?from=2026-06-01&to=2026-06-30", key).statusCode())
          .isEqualTo(403);
      assertThat(server.get("/api/v1/kpi/daily/2026-06-10", key).statusCode()).isEqualTo(403);
    }
    HttpResponse<Buffer> forbidden = server.get("/api/v1/kpi/daily/2026-06-10", viewer);
    assertThat(forbidden.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(forbidden.bodyAsJsonObject().getString("detail")).contains("manager");
    assertThat(server.get("/api/v1/kpi/weekly/2026-06-12", null).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "Prometheus gauges show the latest weekly snapshot and the week so far, labelled by KPI only")
  void gauges() throws Exception {
    // The latest week due by now is the one ending 5 June; its scheduled snapshot was taken at
    // start-up, before the data, so recompute it.
    assertThat(post("/api/v1/kpi/weekly/2026-06-05", manager).statusCode()).isEqualTo(200);

    // Week ending 5 June: R0 on time; C5 answered at 23:30 BST on Friday; A, B, C and CMP0 overdue.
    // Sat 6 to Wed 10 June: R1 R2 R8 delivered of R1 R2 R3 R8; calls C4 C1 C3 of C4 C1 C2 C3.
    // The weekly and week-to-date gauges are refreshed by separate reads: wait for all of them.
    List<String> expected =
        List.of(
            "travelwatch_kpi_weekly_percent{kpi=\"route_performance\"} 100.0",
            "travelwatch_kpi_weekly_percent{kpi=\"route_time_performance\"} 100.0",
            "travelwatch_kpi_weekly_percent{kpi=\"telephone_performance\"} 100.0",
            "travelwatch_kpi_weekly_cases{kpi=\"bus_pass_assessments_overdue\"} 3.0",
            "travelwatch_kpi_weekly_cases{kpi=\"transport_applications_overdue\"} 0.0",
            "travelwatch_kpi_weekly_cases{kpi=\"complaints_overdue\"} 1.0",
            "travelwatch_kpi_week_to_date_percent{kpi=\"route_performance\"} 75.0",
            "travelwatch_kpi_week_to_date_percent{kpi=\"telephone_performance\"} 75.0",
            "travelwatch_kpi_week_to_date_cases{kpi=\"safeguarding\"} 2.0");
    String[] last = {""};
    JarProcess.await(
        "the KPI gauges to refresh",
        Duration.ofSeconds(30),
        () -> {
          last[0] = metrics();
          return expected.stream().allMatch(last[0]::contains);
        });
    String text = last[0];
    assertThat(
            text.lines()
                .filter(l -> l.startsWith("travelwatch_kpi_"))
                .filter(l -> !l.matches("travelwatch_kpi_[a-z_]+\\{kpi=\"[a-z_]+\"} .*")))
        .as("KPI name is the only label")
        .isEmpty();
    assertThat(PrometheusText.invalidLines(text)).isEmpty();
    if (PrometheusText.promtoolInstalled()) {
      var result = PrometheusText.promtool(text);
      assertThat(result.clean()).as(result.output()).isTrue();
    }
  }

  private static String metrics() {
    return server.get("/metrics", null).bodyAsString();
  }

  @Test
  @DisplayName("Weekly, daily and range responses are valid against the API contract's schemas")
  void matchesContract() {
    Contract contract = new Contract();
    Validator weekly = contract.validator("WeeklyKpi");
    Validator daily = contract.validator("DailyKpi");

    for (String week : List.of("2026-06-12", "2026-05-22")) {
      OutputUnit result = weekly.validate(getJson("/api/v1/kpi/weekly/" + week));
      assertThat(result.getValid()).as(String.valueOf(result.getErrors())).isTrue();
    }
    OutputUnit day = daily.validate(getJson("/api/v1/kpi/daily/2026-06-10"));
    assertThat(day.getValid()).as(String.valueOf(day.getErrors())).isTrue();
    OutputUnit wrong = weekly.validate(getJson("/api/v1/kpi/daily/2026-06-10"));
    assertThat(wrong.getValid()).as("a day is not a week").isFalse();

    String yaml = server.get("/api/openapi.yaml", null).bodyAsString();
    assertThat(yaml)
        .contains("/api/v1/kpi/weekly/{weekEnding}:")
        .contains("/api/v1/kpi/weekly:")
        .contains("/api/v1/kpi/daily/{date}:");
  }
}
