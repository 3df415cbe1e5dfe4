package travelwatch.mi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.HrClearance;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;
import travelwatch.support.TestServer;

/**
 * Two operators' plan for the autumn of 2026: operator A's routes RA1 and RA2 and operator B's RB1,
 * an AM run on every weekday of the months given, and their crew (see each crew member's note).
 */
final class MiFixture {
  static final String CREW_HEADER = String.join(",", MiReturn.CREW_COLUMNS) + "\r\n";
  static final String RUNS_HEADER = String.join(",", MiReturn.RUN_COLUMNS) + "\r\n";
  static final String AUTHORITY = "Birmingham City Council";

  private MiFixture() {}

  static DbsCheck dbs(String number, String issued, DbsOutcome outcome) {
    return new DbsCheck(number, LocalDate.parse(issued), outcome, true, true);
  }

  static Badge badge(String number, String expires) {
    return new Badge(number, AUTHORITY, LocalDate.parse(expires));
  }

  static Plan plan(List<YearMonth> months) {
    List<Run> runs = new ArrayList<>();
    for (YearMonth month : months) {
      for (LocalDate d : weekdays(month)) {
        for (String route : List.of("RA1", "RA2", "RB1")) {
          runs.add(
              new Run(
                  runId(route, d),
                  route,
                  d,
                  Direction.AM,
                  LocalTime.of(8, 40),
                  Optional.empty(),
                  Optional.empty(),
                  List.of(
                      new Stop(
                          "H1", 1, 52.50, -1.90, LocalTime.of(8, 10), List.of("P-1"), List.of()),
                      new Stop(
                          "SCH1",
                          2,
                          52.48,
                          -1.89,
                          LocalTime.of(8, 35),
                          List.of(),
                          List.of("P-1")))));
        }
      }
    }
    return new Plan(
        List.of(
            new Operator("OPA", "Oakfield Travel", "ops@a.example"),
            new Operator("OPB", "Brookvale Cars", "ops@b.example")),
        List.of(
            new School(
                "SCH1",
                "Hillcrest School",
                52.48,
                -1.89,
                LocalTime.of(8, 50),
                LocalTime.of(15, 10),
                Phase.PRIMARY)),
        List.of(new Pupil("P-1", "SCH1", Optional.empty())),
        List.of(
            crew("A-D1", "OPA", dbs("001111111111", "2025-06-01", DbsOutcome.CLEAR), "2028-01-01"),
            // A-D2's badge expires mid-November; a later DBS check is recorded by event.
            crew("A-D2", "OPA", dbs("001222222222", "2024-01-01", DbsOutcome.CLEAR), "2026-11-15"),
            crew("A-D3", "OPA", dbs("001333333333", "2025-01-01", DbsOutcome.CLEAR), "2028-01-01"),
            // A-G1 has a positive DBS and no HR clearance.
            new Crew(
                "A-G1",
                "OPA",
                CrewRole.GUIDE,
                Optional.of(dbs("001444444444", "2025-02-01", DbsOutcome.POSITIVE)),
                Optional.empty(),
                Optional.empty()),
            // B-D1's badge expires on 20 November, but a renewal is recorded on the 18th.
            crew("B-D1", "OPB", dbs("002111111111", "2025-03-01", DbsOutcome.CLEAR), "2026-11-20"),
            // B-D2 has a positive DBS; HR's clearance is recorded by event.
            new Crew(
                "B-D2",
                "OPB",
                CrewRole.DRIVER,
                Optional.of(dbs("002222222222", "2025-04-01", DbsOutcome.POSITIVE)),
                Optional.<HrClearance>empty(),
                Optional.of(badge("BHX-B2", "2028-01-01"))),
            crew("B-D9", "OPB", dbs("002999999999", "2025-05-01", DbsOutcome.CLEAR), "2028-01-01")),
        List.of(
            new Route("RA1", "OPA", "SCH1", false),
            new Route("RA2", "OPA", "SCH1", false),
            new Route("RB1", "OPB", "SCH1", false)),
        runs);
  }

  private static Crew crew(String id, String operator, DbsCheck dbs, String badgeExpires) {
    return new Crew(
        id,
        operator,
        CrewRole.DRIVER,
        Optional.of(dbs),
        Optional.empty(),
        Optional.of(badge("BHX-" + id, badgeExpires)));
  }

  static List<LocalDate> weekdays(YearMonth month) {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = month.atDay(1); !d.isAfter(month.atEndOfMonth()); d = d.plusDays(1)) {
      if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
        days.add(d);
      }
    }
    return days;
  }

  static String runId(String route, LocalDate date) {
    return route + "-" + date;
  }

  /** A crew file line for a driver with the badge the plan gives them. */
  static String driverLine(
      String id, String certificate, String issued, String outcome, String badgeExpires) {
    return id
        + ",driver,"
        + certificate
        + ","
        + issued
        + ","
        + outcome
        + ",yes,yes,BHX-"
        + id
        + ","
        + AUTHORITY
        + ","
        + badgeExpires
        + "\r\n";
  }

  static String runLine(
      LocalDate date, String route, String driver, String guide, String reg, boolean operated) {
    return date
        + ","
        + route
        + ",AM,"
        + (driver == null ? "" : driver)
        + ","
        + (guide == null ? "" : guide)
        + ","
        + (reg == null ? "" : reg)
        + ","
        + (operated ? "yes" : "no")
        + "\r\n";
  }

  /** Sends a return's two files as they are, as bytes. */
  static HttpResponse<Buffer> put(
      TestServer server, String key, String operatorId, String month, byte[] crew, byte[] runs) {
    MultipartForm form = MultipartForm.create();
    if (crew != null) {
      form.binaryFileUpload("crew", "crew.csv", Buffer.buffer(crew), "text/csv");
    }
    if (runs != null) {
      form.binaryFileUpload("runs", "runs.csv", Buffer.buffer(runs), "text/csv");
    }
    return server
        .client
        .put("/api/v1/operators/" + operatorId + "/mi/" + month)
        .putHeader("Authorization", "Bearer " + key)
        .sendMultipartForm(form)
        .await();
  }

  static HttpResponse<Buffer> put(
      TestServer server, String key, String operatorId, String month, String crew, String runs) {
    return put(
        server,
        key,
        operatorId,
        month,
        crew.getBytes(StandardCharsets.UTF_8),
        runs.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a return that must be stored; its answer. */
  static JsonObject accepted(
      TestServer server, String key, String operatorId, String month, String crew, String runs) {
    HttpResponse<Buffer> response = put(server, key, operatorId, month, crew, runs);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }
}
