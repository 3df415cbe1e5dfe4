package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.ControlRoom;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

@Timeout(120)
@DisplayName(
    "The Weekly KPIs dashboard's SQL, run as Grafana runs it, reads the council's figures from the"
        + " stored snapshots")
class KpiDashboardTest {
  /** Wednesday 10 June 2026, as in {@link KpiWeeks}. */
  private static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");

  /** The dashboard's time range: May and June 2026. */
  private static final Instant FROM = Instant.parse("2026-05-01T00:00:00Z");

  private static final Instant TO = Instant.parse("2026-06-30T00:00:00Z");

  private static TestServer server;
  private static Map<String, List<Map<String, Object>>> panels;

  @BeforeAll
  static void start() throws SQLException {
    server =
        new TestServer(
            Map.of("TW_INGEST_MAX_FUTURE_SECONDS", KpiWeeks.AHEAD),
            Clock.fixed(NOW, ZoneOffset.UTC));
    KpiWeeks.load(server);
    String manager = server.scopeKey(Scope.ADMIN);
    // Week ending 12 June (not ended: only what is asked for is stored) twice (version 2 is the
    // one shown), a week with nothing to measure, and one day's figures.
    for (int version = 1; version <= 2; version++) {
      var taken =
          server
              .client
              .post("/api/v1/kpi/weekly/2026-06-12")
              .putHeader("Authorization", "Bearer " + manager)
              .send()
              .await();
      assertThat(taken.statusCode()).isEqualTo(200);
      assertThat(taken.bodyAsJsonObject().getInteger("version")).isEqualTo(version);
    }
    assertThat(server.get("/api/v1/kpi/weekly/2026-05-22", manager).statusCode()).isEqualTo(200);
    assertThat(server.get("/api/v1/kpi/daily/2026-06-10", manager).statusCode()).isEqualTo(200);

    panels = new LinkedHashMap<>();
    for (var dashboard : ControlRoom.dashboards().entrySet()) {
      for (var query : ControlRoom.queries(dashboard.getKey(), dashboard.getValue())) {
        if (ControlRoom.POSTGRES_TYPE.equals(query.datasourceType())) {
          panels.put(query.panel(), rows(ControlRoom.sql(query.text(), FROM, TO)));
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<Map<String, Object>> rows(String sql) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection c = TestPostgres.connect(server.database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
    } catch (SQLException e) {
      throw new SQLException(e.getMessage() + "\n" + sql, e);
    }
    return rows;
  }

  private static List<Map<String, Object>> panel(String title) {
    assertThat(panels).as("PostgreSQL panels of the dashboards").containsKey(title);
    return panels.get(title);
  }

  private static Map<String, Object> row(
      List<Map<String, Object>> rows, String column, Object key) {
    return rows.stream()
        .filter(r -> key.equals(r.get(column)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row with " + column + " " + key + " in " + rows));
  }

  private static void assertPercent(Object value, String expected) {
    assertThat((BigDecimal) value).isEqualByComparingTo(expected);
  }

  private static Instant londonMidnight(String date) {
    return LocalDate.parse(date).atStartOfDay(ZoneId.of("Europe/London")).toInstant();
  }

  @Test
  @DisplayName(
      "The weekly table has one row per week, newest first, from the latest version, with each KPI"
          + " and its count")
  void weeklyTable() {
    List<Map<String, Object>> rows = panel("Weekly KPIs by week ending");
    List<String> weeks = rows.stream().map(r -> r.get("Week ending").toString()).toList();
    assertThat(weeks).doesNotHaveDuplicates().contains("2026-06-12", "2026-05-22");
    assertThat(weeks.get(0)).isEqualTo("2026-06-12");

    Map<String, Object> week = row(rows, "Week ending", Date.valueOf("2026-06-12"));
    assertThat(week.get("Version")).isEqualTo(2);
    assertThat(week.get("Safeguarding")).isEqualTo(3L);
    assertPercent(week.get("Route Performance %"), "57.14");
    assertThat(week.get("Runs delivered")).isEqualTo(4L);
    assertPercent(week.get("Pupil Performance %"), "70.00");
    assertThat(week.get("Pupils transported")).isEqualTo(7L);
    assertPercent(week.get("Route Time Performance %"), "50.00");
    assertThat(week.get("Runs on time")).isEqualTo(2L);
    assertPercent(week.get("Telephone Performance %"), "75.00");
    assertThat(week.get("Calls answered")).isEqualTo(3L);
    assertThat(week.get("Bus Pass Assessments Overdue")).isEqualTo(3L);
    assertThat(week.get("Transport Applications Overdue")).isEqualTo(0L);
    assertThat(week.get("Complaints received")).isEqualTo(2L);
    assertThat(week.get("Complaints overdue")).isEqualTo(2L);

    Map<String, Object> empty = row(rows, "Week ending", Date.valueOf("2026-05-22"));
    assertThat(empty.get("Telephone Performance %")).as("nothing to measure is no value").isNull();
    assertThat(empty.get("Calls answered")).isEqualTo(0L);
  }

  @Test
  @DisplayName("The weekly trend is one point per week at its Friday, oldest first")
  void weeklyTrend() {
    List<Map<String, Object>> rows = panel("Weekly KPI trend");
    List<Instant> times = rows.stream().map(r -> ((Timestamp) r.get("time")).toInstant()).toList();
    assertThat(times).isSorted().doesNotHaveDuplicates().contains(londonMidnight("2026-06-12"));

    Map<String, Object> week =
        rows.stream()
            .filter(
                r -> ((Timestamp) r.get("time")).toInstant().equals(londonMidnight("2026-06-12")))
            .findFirst()
            .orElseThrow();
    assertPercent(week.get("Route Performance"), "57.14");
    assertPercent(week.get("Pupil Performance"), "70.00");
    assertPercent(week.get("Route Time Performance"), "50.00");
    assertPercent(week.get("Telephone Performance"), "75.00");
  }

  @Test
  @DisplayName("Contracted against delivered lists each operator of the newest week shown")
  void operators() {
    List<Map<String, Object>> rows =
        panel("Contracted against delivered, by operator (newest week shown)");
    assertThat(rows).extracting(r -> r.get("Operator")).containsExactly("OPA", "OPB");
    Map<String, Object> opa = rows.get(0);
    assertThat(opa.get("Runs contracted")).isEqualTo(3L);
    assertThat(opa.get("Delivered")).isEqualTo(2L);
    assertThat(opa.get("Cancelled")).isEqualTo(1L);
    assertThat(opa.get("On time")).isEqualTo(1L);
    assertPercent(opa.get("Share of all cancellations %"), "50.00");
    assertThat(rows.get(1).get("Runs contracted")).isEqualTo(4L);
  }

  @Test
  @DisplayName("The daily panels show each day's latest figures at its local midnight")
  void days() {
    Map<String, Object> day =
        panel("Daily KPIs").stream()
            .filter(
                r -> ((Timestamp) r.get("time")).toInstant().equals(londonMidnight("2026-06-10")))
            .findFirst()
            .orElseThrow(() -> new AssertionError(panel("Daily KPIs")));
    assertPercent(day.get("Route Performance"), "50.00");
    assertPercent(day.get("Pupil Performance"), "50.00");
    assertPercent(day.get("Route Time Performance"), "0.00");
    assertPercent(day.get("Telephone Performance"), "100.00");

    assertThat(panel("Safeguarding by day"))
        .anySatisfy(
            r -> {
              assertThat(((Timestamp) r.get("time")).toInstant())
                  .isEqualTo(londonMidnight("2026-06-10"));
              assertThat(r.get("Safeguarding")).isEqualTo(0L);
            });
  }

  @Test
  @DisplayName("Every PostgreSQL query of the dashboards reads the snapshot tables")
  void everyQueryIsChecked() {
    JsonNode kpi = ControlRoom.dashboards().get("weekly-kpis.json");
    long postgresQueries =
        ControlRoom.queries("weekly-kpis.json", kpi).stream()
            .filter(q -> ControlRoom.POSTGRES_TYPE.equals(q.datasourceType()))
            .count();
    assertThat(panels).hasSize((int) postgresQueries).hasSizeGreaterThanOrEqualTo(5);
    assertThat(
            ControlRoom.queries("weekly-kpis.json", kpi).stream()
                .filter(q -> ControlRoom.POSTGRES_TYPE.equals(q.datasourceType()))
                .map(ControlRoom.Query::text))
        .allMatch(sql -> sql.contains("kpi_weekly_snapshot") || sql.contains("kpi_daily_snapshot"));
  }
}
