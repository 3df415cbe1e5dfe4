package travelwatch.mi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.plan.PlanJson;
import travelwatch.support.JobProbe;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;

/**
 * December 2026's returns are due by the 5th working day of January 2027: New Year's Day is a bank
 * holiday, so that is Friday the 8th, and an operator without one is overdue from Monday the 11th.
 */
@Timeout(180)
@DisplayName("An overdue monthly return raises operator.mi_overdue on the 6th working day, once")
class MiOverdueTest {
  private static final YearMonth DEC = YearMonth.of(2026, 12);
  private static final TestClock clock = new TestClock(Instant.parse("2027-01-08T23:00:00Z"));

  private static TestServer server;
  private static JobProbe jobs;
  private static String admin;

  @BeforeAll
  static void start() {
    server = new TestServer(Map.of("TW_MI_OVERDUE_CHECK_SECONDS", "1"), clock);
    jobs = new JobProbe(server);
    admin = server.scopeKey(Scope.ADMIN);
    var plan = server.post("/api/v1/plan", admin, PlanJson.write(MiFixture.plan(List.of(DEC))));
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(200);
    // Operator B sends its December return; A sends none.
    StringBuilder runs = new StringBuilder(MiFixture.RUNS_HEADER);
    for (LocalDate d : MiFixture.weekdays(DEC)) {
      runs.append(MiFixture.runLine(d, "RB1", null, null, null, false));
    }
    MiFixture.accepted(
        server,
        server.operatorKey("OPB"),
        "OPB",
        "2026-12",
        MiFixture.CREW_HEADER
            + MiFixture.driverLine("B-D1", "002111111111", "2025-03-01", "clear", "2026-11-20"),
        runs.toString());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonArray overdueAlerts() {
    return server
        .get("/api/v1/alerts?type=operator.mi_overdue", admin)
        .bodyAsJsonObject()
        .getJsonArray("items");
  }

  private static JsonObject statusOf(String operatorId) {
    JsonArray items =
        server.get("/api/v1/mi?month=2026-12", admin).bodyAsJsonObject().getJsonArray("items");
    return items.stream()
        .map(i -> (JsonObject) i)
        .filter(i -> i.getString("operatorId").equals(operatorId))
        .findFirst()
        .orElseThrow();
  }

  @Test
  @DisplayName(
      "Nothing on the 5th working day nor the weekend after; on Monday the 11th one high alert for"
          + " the operator without a return, and only one however often the job looks")
  void overdueOnTheSixthWorkingDay() {
    jobs.awaitFreshRun("mi_overdue");
    assertThat(overdueAlerts()).isEmpty();
    assertThat(statusOf("OPA").getBoolean("overdue")).isFalse();

    clock.set(Instant.parse("2027-01-10T23:59:00Z"));
    jobs.awaitFreshRun("mi_overdue");
    assertThat(overdueAlerts()).isEmpty();

    clock.set(Instant.parse("2027-01-11T00:00:30Z"));
    jobs.awaitFreshRun("mi_overdue");
    JsonArray alerts = overdueAlerts();
    assertThat(alerts).hasSize(1);
    JsonObject alert = alerts.getJsonObject(0);
    assertThat(alert.getString("operatorId")).isEqualTo("OPA");
    assertThat(alert.getString("severity")).isEqualTo("high");
    assertThat(alert.getString("summary")).contains("2026-12", "2027-01-08");
    assertThat(statusOf("OPA").getBoolean("overdue")).isTrue();
    assertThat(statusOf("OPB").getBoolean("overdue")).isFalse();
    assertThat(statusOf("OPB").getJsonObject("received").getInteger("version")).isEqualTo(1);

    clock.set(Instant.parse("2027-01-12T09:00:00Z"));
    jobs.awaitFreshRun("mi_overdue");
    alerts = overdueAlerts();
    assertThat(alerts).hasSize(1);
    assertThat(alerts.getJsonObject(0).getInteger("count")).isEqualTo(1);
  }
}
