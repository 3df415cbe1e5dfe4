package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;
import travelwatch.plan.PlanJson;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * "Contracted against delivered" by school, from a hand-built plan whose routes cross operators and
 * schools, put in through the API as the operators would send it.
 *
 * <p>Week ending Fri 12 June 2026 (Sat 6 – Fri 12, BST); AM runs arrive by 08:40, PM by 16:00.
 *
 * <ul>
 *   <li>SCH1 "St Anne's Primary, Kings Norton", route RA1 of OPA: S1 Mon 8 arrived 08:30, on time;
 *       S2 Tue 9 arrived 09:00, late; S3 Wed 10 cancelled; S4 Thu 11 nothing sent. So planned 4,
 *       delivered 2, on time 1.
 *   <li>SCH2 "Hillcrest School", routes RA2 of OPA and RB2 of OPB: T1 Mon 8 (RA2) on time by its
 *       drop-off at 08:35; T2 Tue 9 (RB2) arrived at 08:40 exactly, on time; T3 Wed 10 (RB2) late
 *       by its drop-off at 08:45; T4 Thu 11 (RB2) started then cancelled; T5 Fri 12 (RA2) started,
 *       no arrival; T6 Fri 12 PM (RA2) arrived 15:50, on time. T0 Fri 5 and T7 Mon 15 are outside.
 *       So planned 6, delivered 5, on time 3. RB2 carries P9, a pupil of SCH3: a run is its route's
 *       school's.
 *   <li>SCH3 "Meadow Lane Academy", route RB3 of OPB: only U1 on Mon 15, the week after.
 * </ul>
 *
 * By operator the same week is OPA 7 planned, 5 delivered, 3 on time and OPB 3, 2, 1; in all 10, 7
 * and 4.
 *
 * <p>Week ending Fri 22 May: V1 Wed 20 May (RA1) arrived on time, for a snapshot stored before runs
 * were counted by school.
 */
@Timeout(120)
@DisplayName(
    "KPI snapshots count contracted against delivered by school: planned, delivered and on time,"
        + " each run for its route's school")
class KpiBySchoolTest {
  /** Before every run: no snapshot of theirs falls due; each is computed when first read. */
  private static final Instant NOW = Instant.parse("2026-06-01T11:00:00Z");

  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final String ST_ANNES = "St Anne's Primary, Kings Norton";

  private static TestServer server;
  private static String manager;

  @BeforeAll
  static void start() {
    server =
        new TestServer(
            Map.of("TW_INGEST_MAX_FUTURE_SECONDS", KpiWeeks.AHEAD),
            Clock.fixed(NOW, ZoneOffset.UTC));
    manager = server.scopeKey(Scope.ADMIN);
    HttpResponse<Buffer> planned = server.post("/api/v1/plan", manager, PlanJson.write(plan()));
    assertThat(planned.statusCode()).as(planned.bodyAsString()).isEqualTo(200);

    String opa = server.operatorKey("OPA");
    String opb = server.operatorKey("OPB");
    KpiWeeks.post(
        server,
        opa,
        KpiWeeks.started("S1", "2026-06-08T07:00:00+01:00"),
        KpiWeeks.boarded("S1", "P1", "2026-06-08T07:10:00+01:00"),
        KpiWeeks.arrived("S1", "2026-06-08T08:30:00+01:00"),
        KpiWeeks.started("S2", "2026-06-09T07:00:00+01:00"),
        KpiWeeks.arrived("S2", "2026-06-09T09:00:00+01:00"),
        KpiWeeks.cancelled("S3", "2026-06-10T06:30:00+01:00"),
        KpiWeeks.started("T1", "2026-06-08T07:30:00+01:00"),
        KpiWeeks.boarded("T1", "P2", "2026-06-08T07:40:00+01:00"),
        dropped("T1", "P2", "2026-06-08T08:35:00+01:00"),
        KpiWeeks.started("T5", "2026-06-12T07:30:00+01:00"),
        KpiWeeks.started("T6", "2026-06-12T15:00:00+01:00"),
        KpiWeeks.arrived("T6", "2026-06-12T15:50:00+01:00"),
        KpiWeeks.started("T7", "2026-06-15T07:30:00+01:00"),
        KpiWeeks.started("V1", "2026-05-20T07:00:00+01:00"),
        KpiWeeks.arrived("V1", "2026-05-20T08:20:00+01:00"));
    KpiWeeks.post(
        server,
        opb,
        KpiWeeks.started("T0", "2026-06-05T07:30:00+01:00"),
        KpiWeeks.arrived("T0", "2026-06-05T08:30:00+01:00"),
        KpiWeeks.started("T2", "2026-06-09T07:30:00+01:00"),
        KpiWeeks.arrived("T2", "2026-06-09T08:40:00+01:00"),
        KpiWeeks.started("T3", "2026-06-10T07:30:00+01:00"),
        KpiWeeks.boarded("T3", "P9", "2026-06-10T07:40:00+01:00"),
        dropped("T3", "P9", "2026-06-10T08:45:00+01:00"),
        KpiWeeks.started("T4", "2026-06-11T07:30:00+01:00"),
        KpiWeeks.cancelled("T4", "2026-06-11T07:50:00+01:00"),
        KpiWeeks.started("U1", "2026-06-15T07:30:00+01:00"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Plan plan() {
    List<Run> runs = new ArrayList<>();
    runs.add(run("S1", "RA1", "2026-06-08", Direction.AM, "P1"));
    runs.add(run("S2", "RA1", "2026-06-09", Direction.AM, "P1"));
    runs.add(run("S3", "RA1", "2026-06-10", Direction.AM, "P1"));
    runs.add(run("S4", "RA1", "2026-06-11", Direction.AM, "P1"));
    runs.add(run("T0", "RB2", "2026-06-05", Direction.AM, "P9"));
    runs.add(run("T1", "RA2", "2026-06-08", Direction.AM, "P2"));
    runs.add(run("T2", "RB2", "2026-06-09", Direction.AM, "P9"));
    runs.add(run("T3", "RB2", "2026-06-10", Direction.AM, "P9"));
    runs.add(run("T4", "RB2", "2026-06-11", Direction.AM, "P9"));
    runs.add(run("T5", "RA2", "2026-06-12", Direction.AM, "P2"));
    runs.add(run("T6", "RA2", "2026-06-12", Direction.PM, "P2"));
    runs.add(run("T7", "RA2", "2026-06-15", Direction.AM, "P2"));
    runs.add(run("U1", "RB3", "2026-06-15", Direction.AM, "P9"));
    runs.add(run("V1", "RA1", "2026-05-20", Direction.AM, "P1"));
    return new Plan(
        List.of(
            new Operator("OPA", "Oakfield Travel", "ops@a.example"),
            new Operator("OPB", "Brookvale Cars", "ops@b.example")),
        List.of(
            planSchool("SCH3", "Meadow Lane Academy"),
            planSchool("SCH2", "Hillcrest School"),
            planSchool("SCH1", ST_ANNES)),
        List.of(
            new Pupil("P1", "SCH1", Optional.empty()),
            new Pupil("P2", "SCH2", Optional.empty()),
            new Pupil("P9", "SCH3", Optional.empty())),
        List.of(),
        List.of(
            new Route("RB3", "OPB", "SCH3", false),
            new Route("RB2", "OPB", "SCH2", false),
            new Route("RA2", "OPA", "SCH2", false),
            new Route("RA1", "OPA", "SCH1", false)),
        runs);
  }

  private static School planSchool(String id, String name) {
    return new School(
        id, name, 52.48, -1.89, LocalTime.of(8, 50), LocalTime.of(15, 10), Phase.PRIMARY);
  }

  /** An AM run from home to school by 08:40, or a PM run from school to home by 16:00. */
  private static Run run(String id, String route, String date, Direction direction, String pupil) {
    boolean am = direction == Direction.AM;
    List<Stop> stops =
        am
            ? List.of(
                new Stop("HOME", 1, 52.50, -1.90, LocalTime.of(8, 0), List.of(pupil), List.of()),
                new Stop("SCHOOL", 2, 52.48, -1.89, LocalTime.of(8, 35), List.of(), List.of(pupil)))
            : List.of(
                new Stop(
                    "SCHOOL", 1, 52.48, -1.89, LocalTime.of(15, 20), List.of(pupil), List.of()),
                new Stop("HOME", 2, 52.50, -1.90, LocalTime.of(15, 50), List.of(), List.of(pupil)));
    return new Run(
        id,
        route,
        LocalDate.parse(date),
        direction,
        am ? LocalTime.of(8, 40) : LocalTime.of(16, 0),
        Optional.empty(),
        Optional.empty(),
        stops);
  }

  private static JsonObject dropped(String run, String pupil, String at) {
    return Events.event("pupil.dropped", at)
        .put("runId", run)
        .put("pupilId", pupil)
        .put("stopId", "SCHOOL");
  }

  private static HttpResponse<Buffer> get(String path) {
    HttpResponse<Buffer> response = server.get(path, manager);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response;
  }

  private static JsonObject school(
      String id, String name, long planned, long delivered, long onTime) {
    return new JsonObject()
        .put("schoolId", id)
        .put("schoolName", name)
        .put("runsPlanned", planned)
        .put("runsDelivered", delivered)
        .put("runsOnTime", onTime);
  }

  @Test
  @DisplayName(
      "The week's snapshot has each school with runs in the week, sorted by id, with its runs"
          + " planned, delivered and on time counted as for operators")
  void weeklyJson() {
    JsonObject week = get("/api/v1/kpi/weekly/2026-06-12").bodyAsJsonObject();

    assertThat(week.getJsonArray("schools"))
        .isEqualTo(
            new JsonArray()
                .add(school("SCH1", ST_ANNES, 4, 2, 1))
                .add(school("SCH2", "Hillcrest School", 6, 5, 3)));
    assertThat(week.getJsonArray("operators"))
        .as("the same runs by operator")
        .isEqualTo(
            new JsonArray(
                """
                [{"operatorId": "OPA", "planned": 7, "delivered": 5, "cancelled": 1, "onTime": 3,
                  "cancellationShare": 50.00},
                 {"operatorId": "OPB", "planned": 3, "delivered": 2, "cancelled": 1, "onTime": 1,
                  "cancellationShare": 50.00}]
                """));
    assertThat(week.getJsonObject("routePerformance"))
        .isEqualTo(
            new JsonObject().put("numerator", 7).put("denominator", 10).put("percent", 70.0));
    assertThat(week.getJsonObject("routeTimePerformance"))
        .isEqualTo(
            new JsonObject().put("numerator", 4).put("denominator", 7).put("percent", 57.14));
    new Contract().assertValid("WeeklyKpi", week);

    assertThat(get("/api/v1/kpi/weekly/2026-06-19").bodyAsJsonObject().getJsonArray("schools"))
        .as("the week after: T7 and U1")
        .isEqualTo(
            new JsonArray()
                .add(school("SCH2", "Hillcrest School", 1, 1, 0))
                .add(school("SCH3", "Meadow Lane Academy", 1, 1, 0)));
  }

  @Test
  @DisplayName("A day's figures have its schools too: Wed 10 June has S3 cancelled and T3 late")
  void dailyJson() {
    JsonObject day = get("/api/v1/kpi/daily/2026-06-10").bodyAsJsonObject();

    assertThat(day.getJsonArray("schools"))
        .isEqualTo(
            new JsonArray()
                .add(school("SCH1", ST_ANNES, 1, 0, 0))
                .add(school("SCH2", "Hillcrest School", 1, 1, 0)));
    new Contract().assertValid("DailyKpi", day);
    assertThat(get("/api/v1/kpi/daily/2026-06-13").bodyAsJsonObject().getJsonArray("schools"))
        .as("a Saturday without runs")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "The CSV ends with each school's runs planned, delivered and on time, the school's id and"
          + " name in the last two cells")
  void weeklyCsv() {
    String computedAt =
        get("/api/v1/kpi/weekly/2026-06-12").bodyAsJsonObject().getString("computedAt");
    List<String> csv =
        List.of(get("/api/v1/kpi/weekly/2026-06-12?format=csv").bodyAsString().split("\r\n"));
    String prefix = "2026-06-12,0," + computedAt + ","; // figures so far: version 0
    String stAnnes = "SCH1,\"" + ST_ANNES + "\"";

    assertThat(csv.get(0)).endsWith(",percent,schoolId,schoolName");
    assertThat(csv)
        .containsSequence(
            prefix + "Cancellation Share,OPB,,1,2,50.00,,",
            prefix + "Runs Planned By School,,4,,,," + stAnnes,
            prefix + "Runs Delivered By School,,2,,,," + stAnnes,
            prefix + "Runs On Time By School,,1,,,," + stAnnes,
            prefix + "Runs Planned By School,,6,,,,SCH2,Hillcrest School",
            prefix + "Runs Delivered By School,,5,,,,SCH2,Hillcrest School",
            prefix + "Runs On Time By School,,3,,,,SCH2,Hillcrest School")
        .endsWith(prefix + "Runs On Time By School,,3,,,,SCH2,Hillcrest School")
        .allSatisfy(
            line ->
                assertThat(line.replace("\"" + ST_ANNES + "\"", "").split(",", -1))
                    .as(line)
                    .hasSize(11))
        .noneMatch(line -> line.contains("SCH3"));
  }

  @Test
  @DisplayName("The weekly email shows the schools of the latest week in a table by school")
  void weeklyEmail() {
    WeeklySnapshot stored =
        new KpiStore(server.pool(), WorkingDays.england(), LONDON, Clock.fixed(NOW, LONDON))
            .weekly(WeekEnding.of(LocalDate.of(2026, 6, 12)))
            .await();
    WeeklyKpiEmail.Content email = new WeeklyKpiEmail(LONDON).render(List.of(stored));

    String text = email.text();
    int byOperator = text.indexOf("Contracted against delivered, week ending 12/06/2026");
    int bySchool = text.indexOf("By school: contracted against delivered, week ending 12/06/2026");
    assertThat(bySchool).isGreaterThan(byOperator).isGreaterThan(0);
    String schools = text.substring(bySchool);
    assertThat(schools)
        .containsPattern("\nSchool +Name +Planned +Delivered +On time\n")
        .containsPattern("\nSCH1 +St Anne's Primary, Kings Norton +4 +2 +1\n")
        .containsPattern("\nSCH2 +Hillcrest School +6 +5 +3\n")
        .doesNotContain("SCH3");
    assertThat(schools.indexOf("\nSCH1 ")).isLessThan(schools.indexOf("\nSCH2 "));

    assertThat(email.html())
        .contains("By school: contracted against delivered, week ending 12/06/2026</h3>")
        .contains(">St Anne&#39;s Primary, Kings Norton</td>")
        .containsPattern(
            ">SCH2</th><td[^>]*>Hillcrest School</td><td[^>]*>6</td><td[^>]*>5</td>"
                + "<td[^>]*>3</td>");
  }

  @Test
  @DisplayName(
      "Snapshots stored before runs were counted by school read as no school, not recomputed; a"
          + " new version counts them")
  void olderSnapshots() throws SQLException {
    String figures =
        """
        {"safeguarding": {"count": 0},
         "routePerformance": {"numerator": 0, "denominator": 1, "percent": 0.00},
         "pupilPerformance": {"numerator": 0, "denominator": 0, "percent": null},
         "routeTimePerformance": {"numerator": 0, "denominator": 0, "percent": null},
         "telephonePerformance": {"numerator": 0, "denominator": 0, "percent": null},
         %s
         "parentMessages": {"received": 0, "answered": 0, "medianMinutesToAnswer": null},
         "operators": [{"operatorId": "OPA", "planned": 1, "delivered": 0, "cancelled": 0,
                        "onTime": 0, "cancellationShare": null}]}
        """;
    try (Connection c = TestPostgres.connect(server.database);
        PreparedStatement daily =
            c.prepareStatement(
                "insert into kpi_daily_snapshot (service_date, version, computed_at, figures)"
                    + " values ('2026-05-20', 1, '2026-05-20T17:30:00Z', ?::json)");
        PreparedStatement weekly =
            c.prepareStatement(
                "insert into kpi_weekly_snapshot (week_ending, version, computed_at, figures)"
                    + " values ('2026-05-22', 1, '2026-05-22T17:00:00Z', ?::json)")) {
      daily.setString(1, figures.formatted(""));
      daily.executeUpdate();
      weekly.setString(
          1,
          figures.formatted(
              """
              "busPassAssessmentsOverdue": 0, "transportApplicationsOverdue": 0,
              "complaints": {"received": 0, "overdue": 0},
              """));
      weekly.executeUpdate();
    }
    Contract contract = new Contract();
    JsonObject day = get("/api/v1/kpi/daily/2026-05-20").bodyAsJsonObject();
    assertThat(day.getInteger("version")).isEqualTo(1);
    assertThat(day.getJsonArray("schools")).isEqualTo(new JsonArray());
    contract.assertValid("DailyKpi", day);
    JsonObject week = get("/api/v1/kpi/weekly/2026-05-22").bodyAsJsonObject();
    assertThat(week.getInteger("version")).as("read back, not recomputed").isEqualTo(1);
    assertThat(week.getJsonArray("schools")).isEqualTo(new JsonArray());
    assertThat(week.getJsonArray("operators").getJsonObject(0).getInteger("planned")).isEqualTo(1);
    contract.assertValid("WeeklyKpi", week);
    assertThat(get("/api/v1/kpi/weekly/2026-05-22?format=csv").bodyAsString())
        .contains(",Runs Planned,OPA,1,,,,,\r\n")
        .doesNotContain("By School");

    HttpResponse<Buffer> recomputed =
        server
            .client
            .post("/api/v1/kpi/weekly/2026-05-22")
            .putHeader("Authorization", "Bearer " + manager)
            .send()
            .await();
    assertThat(recomputed.statusCode()).as(recomputed.bodyAsString()).isEqualTo(200);
    assertThat(recomputed.bodyAsJsonObject().getInteger("version")).isEqualTo(2);
    assertThat(recomputed.bodyAsJsonObject().getJsonArray("schools"))
        .as("V1 on Wed 20 May, on time")
        .isEqualTo(new JsonArray().add(school("SCH1", ST_ANNES, 1, 1, 1)));
    assertThat(
            get("/api/v1/kpi/weekly/2026-05-22?version=1")
                .bodyAsJsonObject()
                .getJsonArray("schools"))
        .isEqualTo(new JsonArray());
  }
}
