package travelwatch.mi;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.mi.MiFixture.CREW_HEADER;
import static travelwatch.mi.MiFixture.RUNS_HEADER;
import static travelwatch.mi.MiFixture.driverLine;
import static travelwatch.mi.MiFixture.runId;
import static travelwatch.mi.MiFixture.runLine;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.PlanJson;
import travelwatch.support.Contract;
import travelwatch.support.Events;
import travelwatch.support.SessionLogin;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;

/**
 * A month of recorded events for two operators, and their returns built so that each kind of
 * finding occurs a known number of times; malformed returns refused whole; each operator's own.
 */
@Timeout(300)
@DisplayName("Monthly returns: reconciled against what was recorded, refused whole when malformed")
class MiReturnsTest {
  private static final YearMonth OCT = YearMonth.of(2026, 10);
  private static final YearMonth NOV = YearMonth.of(2026, 11);
  private static final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"));

  private static final Contract CONTRACT = new Contract();
  private static TestServer server;
  private static String admin;
  private static String operatorA;
  private static String operatorB;

  @BeforeAll
  static void start() {
    server = new TestServer(Map.of("TW_MI_OVERDUE_CHECK_SECONDS", "86400"), clock);
    admin = server.scopeKey(Scope.ADMIN);
    var plan =
        server.post("/api/v1/plan", admin, PlanJson.write(MiFixture.plan(List.of(OCT, NOV))));
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(200);
    operatorA = server.operatorKey("OPA");
    operatorB = server.operatorKey("OPB");
    SessionLogin.addUser(server, "manager@council.example", Role.MANAGER, "correct horse battery");
    recordNovember();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject event(String type, LocalDate day, String time) {
    return Events.event(type, day + "T" + time + "Z");
  }

  private static JsonObject started(
      String route, LocalDate d, String driver, String guide, String reg) {
    JsonObject e =
        event("run.started", d, "07:30:00")
            .put("runId", runId(route, d))
            .put("driverId", driver)
            .put("vehicleReg", reg);
    return guide == null ? e : e.put("guideId", guide);
  }

  private static void send(String key, List<JsonObject> events) {
    for (int i = 0; i < events.size(); i += 500) {
      Events.store(
          server,
          key,
          events.subList(i, Math.min(events.size(), i + 500)).toArray(JsonObject[]::new));
    }
  }

  /** What the operators' systems and HR recorded in October and November (see each case). */
  private static void recordNovember() {
    List<JsonObject> a = new ArrayList<>();
    List<JsonObject> b = new ArrayList<>();
    for (LocalDate d : MiFixture.weekdays(OCT)) {
      b.add(started("RB1", d, "B-D1", null, "BB11 BBB"));
    }
    for (LocalDate d : MiFixture.weekdays(NOV)) {
      switch (d.getDayOfMonth()) {
        case 4 ->
            a.add(
                event("run.cancelled", d, "07:00:00")
                    .put("runId", runId("RA1", d))
                    .put("reason", "vehicle breakdown"));
        case 5 -> {} // nothing recorded
        default -> a.add(started("RA1", d, "A-D1", null, "AB12 CDE"));
      }
      if (d.getDayOfMonth() == 3) {
        a.add(
            event("crew.assigned", d, "07:00:00")
                .put("runId", runId("RA2", d))
                .put("driverId", "A-D3")
                .put("vehicleReg", "CD34 EFG"));
      }
      a.add(started("RA2", d, "A-D2", d.getDayOfMonth() == 12 ? "A-G1" : null, "CD34 EFG"));
      String driverB =
          switch (d.getDayOfMonth()) {
            case 13 -> "B-D2";
            case 16 -> "B-D9";
            default -> "B-D1";
          };
      b.add(started("RB1", d, driverB, null, "BB11 BBB"));
      if (d.getDayOfMonth() == 17) {
        b.add(
            event("run.cancelled", d, "08:00:00")
                .put("runId", runId("RB1", d))
                .put("reason", "vehicle breakdown"));
      }
    }
    a.add(
        event("crew.dbs_checked", LocalDate.of(2026, 10, 15), "09:00:00")
            .put("crewId", "A-D2")
            .put("certificateNumber", "001299999999")
            .put("issuedOn", "2026-10-01")
            .put("outcome", "clear")
            .put("barredListChecked", true)
            .put("updateService", true));
    b.add(
        event("crew.badge_updated", LocalDate.of(2026, 11, 18), "09:00:00")
            .put("crewId", "B-D1")
            .put("badgeNumber", "BHX-B-D1")
            .put("licensingAuthority", MiFixture.AUTHORITY)
            .put("expiresOn", "2029-11-18"));
    send(operatorA, a);
    send(operatorB, b);
    send(
        server.scopeKey(Scope.HR),
        List.of(
            event("crew.cleared", LocalDate.of(2026, 10, 1), "09:00:00")
                .put("crewId", "B-D2")
                .put("decision", "cleared")
                .put("decidedOn", "2026-10-01")));
  }

  /** Operator A's November: ten findings, one or two of each kind. */
  private static String[] returnA() {
    String crew =
        CREW_HEADER
            // The certificate number differs from the record: crew.dbs_mismatch.
            + driverLine("A-D1", "001111111119", "2025-06-01", "clear", "2028-01-01")
            // The DBS check recorded by event, as it is on record.
            + driverLine("A-D2", "001299999999", "2026-10-01", "clear", "2026-11-15")
            + "A-G1,guide,001444444444,2025-02-01,positive,yes,yes,,,\r\n";
    // A-D3, assigned to RA2 on the 3rd, is not declared: crew.worked_not_declared.
    StringBuilder runs = new StringBuilder(RUNS_HEADER);
    for (LocalDate d : MiFixture.weekdays(NOV)) {
      switch (d.getDayOfMonth()) {
        case 6 -> runs.append(runLine(d, "RA1", "A-D1", null, "AB12 CDE", false));
        case 9 -> {} // left out: delivered, not claimed
        case 10 -> runs.append(runLine(d, "RA1", "A-D2", null, "AB12 CDE", true));
        case 11 -> runs.append(runLine(d, "RA1", "A-D1", null, "XY99 ZZZ", true));
        // The 4th (cancelled) and the 5th (nothing recorded) are claimed all the same.
        default -> runs.append(runLine(d, "RA1", "A-D1", null, "AB12 CDE", true));
      }
      runs.append(
          runLine(d, "RA2", "A-D2", d.getDayOfMonth() == 12 ? "A-G1" : null, "CD34 EFG", true));
    }
    return new String[] {crew, runs.toString()};
  }

  /** Operator B's November: four findings. */
  private static String[] returnB() {
    String crew =
        CREW_HEADER
            // The issue date differs from the record: crew.dbs_mismatch.
            + driverLine("B-D1", "002111111111", "2025-03-02", "clear", "2029-11-18")
            + "B-D2,driver,002222222222,2025-04-01,positive,yes,yes,BHX-B2,"
            + MiFixture.AUTHORITY
            + ",2028-01-01\r\n";
    StringBuilder runs = new StringBuilder(RUNS_HEADER);
    for (LocalDate d : MiFixture.weekdays(NOV)) {
      // The 16th was driven by B-D9 (undeclared); the 17th was cancelled after it started.
      runs.append(
          runLine(d, "RB1", d.getDayOfMonth() == 13 ? "B-D2" : "B-D1", null, "BB11 BBB", true));
    }
    return new String[] {crew, runs.toString()};
  }

  private static Map<String, Integer> kinds(JsonArray findings) {
    Map<String, Integer> kinds = new TreeMap<>();
    findings.forEach(f -> kinds.merge(((JsonObject) f).getString("kind"), 1, Integer::sum));
    return kinds;
  }

  @Test
  @DisplayName(
      "Each operator's November return has exactly its findings; a clean return has none; a"
          + " replaced return is a new version")
  void reconciliationFindsExactlyWhatDiffers() {
    String[] a = returnA();
    JsonObject storedA = MiFixture.accepted(server, operatorA, "OPA", "2026-11", a[0], a[1]);
    CONTRACT.assertValid("MiReceipt", storedA);
    assertThat(storedA.getInteger("version")).isEqualTo(1);
    assertThat(storedA.getInteger("findings")).isEqualTo(10);
    String[] b = returnB();
    JsonObject storedB = MiFixture.accepted(server, admin, "OPB", "2026-11", b[0], b[1]);
    assertThat(storedB.getInteger("findings")).isEqualTo(4);

    JsonObject reconciledA =
        server.get("/api/v1/operators/OPA/mi/2026-11", operatorA).bodyAsJsonObject();
    CONTRACT.assertValid("MiReconciliation", reconciledA);
    assertThat(kinds(reconciledA.getJsonArray("findings")))
        .isEqualTo(
            Map.of(
                "crew.worked_not_declared", 1,
                "crew.positive_dbs_not_cleared", 1,
                "crew.dbs_mismatch", 1,
                "crew.badge_expired_while_working", 1,
                "run.claimed_not_delivered", 2,
                "run.delivered_not_claimed", 2,
                "run.crew_mismatch", 1,
                "run.vehicle_mismatch", 1));
    assertThat(reconciledA.getJsonObject("bySeverity"))
        .isEqualTo(new JsonObject().put("critical", 2).put("high", 4).put("warning", 4));
    JsonArray findingsA = reconciledA.getJsonArray("findings");
    assertThat(findingsA.getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("severity", "critical")
                .put("kind", "crew.worked_not_declared")
                .put("crewId", "A-D3")
                .put("date", "2026-11-03")
                .put("detail", findingsA.getJsonObject(0).getString("detail")));
    assertThat(findingsA.stream().map(f -> (JsonObject) f))
        .filteredOn(f -> f.getString("kind").equals("run.claimed_not_delivered"))
        .extracting(f -> f.getString("runId"))
        .containsExactly("RA1-2026-11-04", "RA1-2026-11-05");
    assertThat(findingsA.stream().map(f -> (JsonObject) f))
        .filteredOn(f -> f.getString("kind").equals("crew.badge_expired_while_working"))
        .extracting(f -> f.getString("crewId") + " " + f.getString("date"))
        .containsExactly("A-D2 2026-11-16");

    JsonObject reconciledB =
        server.get("/api/v1/operators/OPB/mi/2026-11", admin).bodyAsJsonObject();
    assertThat(kinds(reconciledB.getJsonArray("findings")))
        .isEqualTo(
            Map.of(
                "crew.worked_not_declared", 1,
                "crew.dbs_mismatch", 1,
                "run.claimed_not_delivered", 1,
                "run.crew_mismatch", 1));

    // The same findings as CSV, one line each under the header.
    HttpResponse<Buffer> csv = server.get("/api/v1/operators/OPB/mi/2026-11?format=csv", admin);
    assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
    String[] lines = csv.bodyAsString().split("\r\n");
    assertThat(lines[0]).isEqualTo("severity,kind,runId,crewId,date,detail");
    assertThat(lines).hasSize(5);
    assertThat(lines[1]).startsWith("critical,crew.worked_not_declared,,B-D9,2026-11-16,");

    // October for B was as recorded: no findings.
    StringBuilder octRuns = new StringBuilder(RUNS_HEADER);
    MiFixture.weekdays(OCT)
        .forEach(d -> octRuns.append(runLine(d, "RB1", "B-D1", null, "BB11 BBB", true)));
    String octCrew =
        CREW_HEADER
            + driverLine("B-D1", "002111111111", "2025-03-01", "clear", "2026-11-20")
            + "B-D2,driver,002222222222,2025-04-01,positive,yes,yes,BHX-B2,"
            + MiFixture.AUTHORITY
            + ",2028-01-01\r\n";
    JsonObject clean =
        MiFixture.accepted(server, operatorB, "OPB", "2026-10", octCrew, octRuns.toString());
    assertThat(clean.getInteger("findings")).isZero();
    assertThat(
            server
                .get("/api/v1/operators/OPB/mi/2026-10", operatorB)
                .bodyAsJsonObject()
                .getJsonArray("findings"))
        .isEmpty();

    // Critical and high kinds raise one mi.finding alert each, at their severity.
    JsonArray alerts =
        server
            .get("/api/v1/alerts?type=mi.finding", admin)
            .bodyAsJsonObject()
            .getJsonArray("items");
    Map<String, Integer> bySeverity = new TreeMap<>();
    alerts.forEach(
        al -> bySeverity.merge(((JsonObject) al).getString("severity"), 1, Integer::sum));
    assertThat(bySeverity).isEqualTo(Map.of("critical", 3, "high", 5));

    // One summary email per return with critical or high findings, with codes and counts only.
    var mails =
        server
            .pool()
            .preparedQuery("select subject, text_body from outbox where kind = 'mi' order by id")
            .execute()
            .await();
    assertThat(mails.size()).isEqualTo(2);
    mails.forEach(
        r -> {
          assertThat(r.getString("text_body")).contains("crew.worked_not_declared");
          assertThat(r.getString("text_body")).doesNotContain("A-D3", "B-D9", "AB12", "XY99");
        });

    // Replaced: a new version is served, the old one kept.
    JsonObject replaced = MiFixture.accepted(server, operatorA, "OPA", "2026-11", a[0], a[1]);
    assertThat(replaced.getInteger("version")).isEqualTo(2);
    assertThat(
            server
                .get("/api/v1/operators/OPA/mi/2026-11", admin)
                .bodyAsJsonObject()
                .getInteger("version"))
        .isEqualTo(2);
    assertThat(returnsStored("OPA", NOV)).isEqualTo(2);

    // The month's state for managers: each operator received, none overdue yet.
    JsonObject status = server.get("/api/v1/mi?month=2026-11", admin).bodyAsJsonObject();
    CONTRACT.assertValid("MiMonthStatus", status);
    assertThat(status.getString("dueOn")).isEqualTo("2026-12-07");
    assertThat(status.getJsonArray("items").getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("operatorId", "OPA")
                .put("plannedRuns", 42)
                .put(
                    "received",
                    status.getJsonArray("items").getJsonObject(0).getJsonObject("received"))
                .put("overdue", false)
                .put(
                    "findings",
                    new JsonObject().put("critical", 2).put("high", 4).put("warning", 4)));
    assertThat(
            status
                .getJsonArray("items")
                .getJsonObject(0)
                .getJsonObject("received")
                .getInteger("version"))
        .isEqualTo(2);
  }

  private static long returnsStored(String operatorId, YearMonth month) {
    return server
        .pool()
        .preparedQuery("select count(*) from mi_return where operator_id = $1 and month = $2")
        .execute(Tuple.of(operatorId, month.atDay(1)))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static final String GOOD_CREW =
      CREW_HEADER + driverLine("A-D1", "001111111111", "2025-06-01", "clear", "2028-01-01");
  private static final String GOOD_RUNS =
      RUNS_HEADER + runLine(LocalDate.of(2026, 10, 5), "RA1", "A-D1", null, "AB12 CDE", true);

  /** Sends a malformed return for A's October: 400, each problem placed, nothing stored. */
  private static JsonArray refused(byte[] crew, byte[] runs) {
    HttpResponse<Buffer> response = MiFixture.put(server, operatorA, "OPA", "2026-10", crew, runs);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    CONTRACT.assertValid("Problem", response.bodyAsJsonObject());
    assertThat(returnsStored("OPA", OCT)).isZero();
    assertThat(server.get("/api/v1/operators/OPA/mi/2026-10", operatorA).statusCode())
        .isEqualTo(404);
    return response.bodyAsJsonObject().getJsonArray("errors");
  }

  private static JsonArray refused(String crew, String runs) {
    return refused(crew.getBytes(StandardCharsets.UTF_8), runs.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject problem(String file, int line, int column, JsonArray errors) {
    return errors.stream()
        .map(e -> (JsonObject) e)
        .filter(
            e ->
                e.getString("file").equals(file)
                    && e.getInteger("line") == line
                    && e.getInteger("column") == column)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no problem at " + file + ":" + line + ":" + column + " in " + errors));
  }

  @Test
  @DisplayName("A runs file without a column is refused, naming the column missing from the header")
  void missingColumn() {
    JsonArray errors =
        refused(
            GOOD_CREW,
            "date,routeId,direction,driverId,guideId,operated\r\n2026-10-05,RA1,AM,A-D1,,yes\r\n");
    assertThat(problem("runs", 1, 6, errors).getString("message")).contains("vehicleReg");
  }

  @Test
  @DisplayName("A bad date is refused at its line and column")
  void badDate() {
    JsonArray errors =
        refused(
            GOOD_CREW,
            RUNS_HEADER
                + "2026-10-05,RA1,AM,A-D1,,AB12 CDE,yes\r\n2026-10-32,RA1,AM,A-D1,,AB12 CDE,yes\r\n");
    assertThat(errors).hasSize(1);
    assertThat(problem("runs", 3, 1, errors).getString("message")).contains("date");
  }

  @Test
  @DisplayName("An unknown crew role is refused at its line and column")
  void unknownRole() {
    JsonArray errors =
        refused(
            CREW_HEADER
                + "A-D1,pilot,001111111111,2025-06-01,clear,yes,yes,BHX-A-D1,Birmingham,2028-01-01\r\n",
            GOOD_RUNS);
    assertThat(errors).hasSize(1);
    assertThat(problem("crew", 2, 2, errors).getString("message")).contains("driver, guide");
  }

  @Test
  @DisplayName("An unquoted comma is refused: the line has a field too many")
  void unquotedComma() {
    JsonArray errors =
        refused(
            CREW_HEADER
                + "A-D1,driver,001111111111,2025-06-01,clear,yes,yes,BHX-A-D1,Birmingham, City Council,2028-01-01\r\n",
            GOOD_RUNS);
    assertThat(errors).hasSize(1);
    assertThat(problem("crew", 2, 11, errors).getString("message")).contains("double quotes");
  }

  @Test
  @DisplayName("A file that is not UTF-8 is refused at the line of its first bad byte")
  void wrongEncoding() {
    byte[] latin1 =
        (CREW_HEADER
                + "A-D1,driver,001111111111,2025-06-01,clear,yes,yes,BHX-A-D1,Sm\u00f8rg\u00e5sbord,2028-01-01\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    JsonArray errors = refused(latin1, GOOD_RUNS.getBytes(StandardCharsets.UTF_8));
    assertThat(errors).hasSize(1);
    assertThat(problem("crew", 2, 9, errors).getString("message")).contains("UTF-8");
  }

  @Test
  @DisplayName("100,000 lines are refused with a 400 at the first line over the limit")
  void tooManyLines() {
    StringBuilder runs = new StringBuilder(RUNS_HEADER);
    LocalDate d = LocalDate.of(2026, 10, 5);
    for (int i = 0; i < 100_000; i++) {
      runs.append(d).append(",R").append(i).append(",AM,A-D1,,AB12 CDE,yes\r\n");
    }
    JsonArray errors = refused(GOOD_CREW, runs.toString());
    assertThat(problem("runs", MiReturnReader.MAX_ROWS + 2, 0, errors).getString("message"))
        .contains("at most");
  }

  @Test
  @DisplayName(
      "A body over the return's limit is refused with 413 before it is read; nothing stored")
  void bodyOverTheLimit() {
    byte[] big = new byte[(int) MiRoutes.BODY_LIMIT_BYTES + 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    HttpResponse<Buffer> response =
        MiFixture.put(
            server, operatorA, "OPA", "2026-10", big, GOOD_RUNS.getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(returnsStored("OPA", OCT)).isZero();
  }

  @Test
  @DisplayName("A run on a route that is not the operator's is refused at its line")
  void anotherOperatorsRoute() {
    JsonArray errors =
        refused(
            GOOD_CREW,
            RUNS_HEADER
                + runLine(LocalDate.of(2026, 10, 5), "RB1", "A-D1", null, "AB12 CDE", true));
    assertThat(problem("runs", 2, 2, errors).getString("message")).contains("not a route");
  }

  @Test
  @DisplayName("A return without its runs file is refused, naming the file")
  void missingFile() {
    JsonArray errors = refused(GOOD_CREW.getBytes(StandardCharsets.UTF_8), null);
    assertThat(problem("runs", 0, 0, errors).getString("message")).contains("required");
  }

  @Test
  @DisplayName("An operator's key may neither send nor read another operator's return")
  void anotherOperatorIsRefused() {
    HttpResponse<Buffer> put =
        MiFixture.put(server, operatorA, "OPB", "2026-10", GOOD_CREW, GOOD_RUNS);
    assertThat(put.statusCode()).isEqualTo(403);
    assertThat(put.bodyAsString()).doesNotContain("OPB");
    assertThat(server.get("/api/v1/operators/OPB/mi/2026-10", operatorA).statusCode())
        .isEqualTo(403);
    assertThat(server.get("/api/v1/mi?month=2026-10", operatorA).statusCode()).isEqualTo(403);
  }
}
