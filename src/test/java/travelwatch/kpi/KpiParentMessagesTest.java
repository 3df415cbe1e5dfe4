package travelwatch.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.access.Scope;
import travelwatch.support.Contract;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;
import travelwatch.support.TwoOperators;

/**
 * Parents' messages in the daily and weekly snapshots, from messages put straight into their table.
 *
 * <p>Week ending Fri 12 June 2026 (Sat 6 00:00 BST = Fri 5 23:00Z to Sat 13 00:00 BST = Fri 12
 * 23:00Z):
 *
 * <ul>
 *   <li>Wed 10: M1 at 00:10 BST (Tue 9 23:10Z) answered after 5 minutes; M2 after 10; M3 after 30
 *       and since closed; M4 closed without a reply.
 *   <li>Thu 11: M5 answered after 14 minutes 40 seconds.
 *   <li>Fri 12: M6 not answered.
 *   <li>Outside: Fri 5 23:30 BST and Sat 13 00:30 BST (Fri 12 23:30Z), each answered after 1
 *       minute.
 * </ul>
 *
 * So Wed 10 is 4 received, 3 answered, median 10.0; the week 6, 4, and the median of 5, 10, 14.67
 * and 30 minutes, 12.3.
 *
 * <p>Week ending Fri 26 June: Mon 22 has A answered after 20 minutes and B not yet answered. Wed 20
 * May has one answered after 3 minutes, for a snapshot stored before messages were counted.
 */
@Timeout(120)
@DisplayName("KPI snapshots count parents' messages, those answered, and the median time to answer")
class KpiParentMessagesTest {
  /** Before every message: no snapshot of theirs falls due; each is computed when first read. */
  private static final Instant NOW = Instant.parse("2026-06-01T11:00:00Z");

  private static final ZoneId LONDON = ZoneId.of("Europe/London");

  private static TestServer server;
  private static String manager;
  private static long link;
  private static long unansweredB;

  @BeforeAll
  static void start() throws SQLException {
    server = new TestServer(Map.of(), Clock.fixed(NOW, ZoneOffset.UTC));
    manager = server.scopeKey(Scope.ADMIN);
    HttpResponse<Buffer> plan = server.post("/api/v1/plan", manager, TwoOperators.json());
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(200);

    try (Connection c = TestPostgres.connect(server.database);
        PreparedStatement s =
            c.prepareStatement(
                """
                insert into parent_link (pupil_id, token_hash, created_by, created_at, expires_at)
                values (?, ?, 'office@council.example', ?, ?)
                returning id
                """)) {
      s.setString(1, TwoOperators.PUPIL_A);
      s.setBytes(2, "parent-link-token-hash".getBytes(StandardCharsets.UTF_8));
      s.setTimestamp(3, Timestamp.from(Instant.parse("2026-05-01T09:00:00Z")));
      s.setTimestamp(4, Timestamp.from(Instant.parse("2027-05-01T09:00:00Z")));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        link = rs.getLong(1);
      }
    }

    message("2026-06-05T22:30:00Z", Duration.ofMinutes(1), "answered");
    message("2026-06-09T23:10:00Z", Duration.ofMinutes(5), "answered");
    message("2026-06-10T08:00:00Z", Duration.ofMinutes(10), "answered");
    message("2026-06-10T14:00:00Z", Duration.ofMinutes(30), "closed");
    message("2026-06-10T21:30:00Z", null, "closed");
    message("2026-06-11T07:20:00Z", Duration.ofSeconds(14 * 60 + 40), "answered");
    message("2026-06-12T16:00:00Z", null, "open");
    message("2026-06-12T23:30:00Z", Duration.ofMinutes(1), "answered");

    message("2026-06-22T08:00:00Z", Duration.ofMinutes(20), "answered");
    unansweredB = message("2026-06-22T09:00:00Z", null, "open");

    message("2026-05-20T09:00:00Z", Duration.ofMinutes(3), "answered");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * A message from the pupil's parent, sent at {@code createdAt}, first answered after {@code
   * after}.
   */
  private static long message(String createdAt, Duration after, String state) throws SQLException {
    Instant created = Instant.parse(createdAt);
    try (Connection c = TestPostgres.connect(server.database);
        PreparedStatement s =
            c.prepareStatement(
                """
                insert into parent_message
                  (link_id, pupil_id, category, text, state, created_at, answered_at, closed_at)
                values (?, ?, 'late', 'Is the bus running late?', ?, ?, ?, ?)
                returning id
                """)) {
      s.setLong(1, link);
      s.setString(2, TwoOperators.PUPIL_A);
      s.setString(3, state);
      s.setTimestamp(4, Timestamp.from(created));
      s.setTimestamp(5, after == null ? null : Timestamp.from(created.plus(after)));
      s.setTimestamp(
          6, state.equals("closed") ? Timestamp.from(created.plus(Duration.ofHours(2))) : null);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static HttpResponse<Buffer> get(String path) {
    HttpResponse<Buffer> response = server.get(path, manager);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response;
  }

  private static JsonObject parentMessages(String path) {
    return get(path).bodyAsJsonObject().getJsonObject("parentMessages");
  }

  private static JsonObject recompute(String weekEnding) {
    HttpResponse<Buffer> response =
        server
            .client
            .post("/api/v1/kpi/weekly/" + weekEnding)
            .putHeader("Authorization", "Bearer " + manager)
            .send()
            .await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static JsonObject figure(long received, long answered, Double median) {
    return new JsonObject()
        .put("received", received)
        .put("answered", answered)
        .put("medianMinutesToAnswer", median);
  }

  @Test
  @DisplayName(
      "A day counts the messages sent on its local date; answered and the median (one decimal) are"
          + " of those, and the median is null when none was answered")
  void daily() {
    assertThat(parentMessages("/api/v1/kpi/daily/2026-06-09"))
        .as("00:10 BST on Wed 10 is not Tue 9's")
        .isEqualTo(figure(0, 0, null));
    assertThat(parentMessages("/api/v1/kpi/daily/2026-06-10")).isEqualTo(figure(4, 3, 10.0));
    assertThat(parentMessages("/api/v1/kpi/daily/2026-06-11")).isEqualTo(figure(1, 1, 14.7));
    assertThat(parentMessages("/api/v1/kpi/daily/2026-06-12")).isEqualTo(figure(1, 0, null));
    assertThat(parentMessages("/api/v1/kpi/daily/2026-06-13"))
        .as("00:30 BST on Sat 13, although Fri 12 in UTC")
        .isEqualTo(figure(1, 1, 1.0));

    HttpResponse<Buffer> day = get("/api/v1/kpi/daily/2026-06-10");
    assertThat(day.bodyAsJsonObject().getInteger("version"))
        .as("read back, not recomputed")
        .isEqualTo(1);
    assertThat(day.bodyAsString())
        .contains(
            "\"parentMessages\":{\"received\":4,\"answered\":3,\"medianMinutesToAnswer\":10.0}");
    Contract contract = new Contract();
    contract.assertValid("DailyKpi", day.bodyAsJsonObject());
    contract.assertValid("DailyKpi", get("/api/v1/kpi/daily/2026-06-12").bodyAsJsonObject());
  }

  @Test
  @DisplayName(
      "A week counts Saturday 00:00 to Friday 24:00 local time; its median is interpolated between"
          + " the middle two and rounded to one decimal; the table, CSV and email show it")
  void weekly() {
    HttpResponse<Buffer> response = get("/api/v1/kpi/weekly/2026-06-12");
    JsonObject week = response.bodyAsJsonObject();
    assertThat(week.getJsonObject("parentMessages")).isEqualTo(figure(6, 4, 12.3));
    new Contract().assertValid("WeeklyKpi", week);
    assertThat(parentMessages("/api/v1/kpi/weekly/2026-06-05"))
        .as("23:30 BST on Fri 5 is the week before")
        .isEqualTo(figure(1, 1, 1.0));
    assertThat(parentMessages("/api/v1/kpi/weekly/2026-05-29")).isEqualTo(figure(0, 0, null));

    List<String> csv =
        List.of(
            server
                .get("/api/v1/kpi/weekly/2026-06-12?format=csv", manager)
                .bodyAsString()
                .split("\r\n"));
    String prefix = "2026-06-12,0," + week.getString("computedAt") + ","; // so far: version 0
    assertThat(csv)
        .containsSequence(
            prefix + "Complaints Overdue,,0,,,,,",
            prefix + "Parents' Messages Received,,6,,,,,",
            prefix + "Parents' Messages Answered,,4,,,,,",
            prefix + "Parents' Messages Median Minutes To Answer,,12.3,,,,,");
    assertThat(server.get("/api/v1/kpi/weekly/2026-05-29?format=csv", manager).bodyAsString())
        .contains(",Parents' Messages Median Minutes To Answer,,,,,,,\r\n");

    WeeklySnapshot soFar =
        new KpiStore(server.pool(), WorkingDays.england(), LONDON, Clock.fixed(NOW, LONDON))
            .weekly(WeekEnding.of(LocalDate.of(2026, 6, 12)))
            .await();
    assertThat(soFar.isFinal()).as("the week has not ended: figures so far").isFalse();
    String text = new WeeklyKpiEmail(LONDON).render(List.of(soFar)).text();
    assertThat(text)
        .containsPattern(
            "Parents' messages: received / answered / median minutes to answer +6 / 4 / 12\\.3\n");
  }

  @Test
  @DisplayName(
      "A reply after the snapshot changes nothing stored; the week's recomputed version counts it")
  void answeredAfterTheSnapshot() throws SQLException {
    JsonObject taken = recompute("2026-06-26");
    assertThat(taken.getInteger("version")).isEqualTo(1);
    assertThat(taken.getJsonObject("parentMessages")).isEqualTo(figure(2, 1, 20.0));
    assertThat(parentMessages("/api/v1/kpi/daily/2026-06-22")).isEqualTo(figure(2, 1, 20.0));

    try (Connection c = TestPostgres.connect(server.database);
        PreparedStatement s =
            c.prepareStatement(
                "update parent_message set state = 'answered', answered_at = ? where id = ?")) {
      s.setTimestamp(1, Timestamp.from(Instant.parse("2026-06-22T09:40:00Z")));
      s.setLong(2, unansweredB);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }

    assertThat(parentMessages("/api/v1/kpi/weekly/2026-06-26?version=1"))
        .isEqualTo(figure(2, 1, 20.0));
    assertThat(parentMessages("/api/v1/kpi/daily/2026-06-22")).isEqualTo(figure(2, 1, 20.0));
    assertThat(parentMessages("/api/v1/kpi/weekly/2026-06-26"))
        .as("the week has not ended: its figures so far")
        .isEqualTo(figure(2, 2, 30.0));
    JsonObject recomputed = recompute("2026-06-26");
    assertThat(recomputed.getInteger("version")).isEqualTo(2);
    assertThat(recomputed.getJsonObject("parentMessages")).isEqualTo(figure(2, 2, 30.0));
    assertThat(parentMessages("/api/v1/kpi/weekly/2026-06-26?version=1"))
        .isEqualTo(figure(2, 1, 20.0));
  }

  @Test
  @DisplayName(
      "Snapshots stored before parents' messages were counted read as none received, not"
          + " recomputed")
  void olderSnapshots() throws SQLException {
    String figures =
        """
        {"safeguarding": {"count": 1},
         "routePerformance": {"numerator": 1, "denominator": 2, "percent": 50.00},
         "pupilPerformance": {"numerator": 0, "denominator": 0, "percent": null},
         "routeTimePerformance": {"numerator": 0, "denominator": 1, "percent": 0.00},
         "telephonePerformance": {"numerator": 3, "denominator": 4, "percent": 75.00},
         %s
         "operators": [{"operatorId": "OPA", "planned": 2, "delivered": 1, "cancelled": 1,
                        "onTime": 0, "cancellationShare": 100.00}]}
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
              "busPassAssessmentsOverdue": 2, "transportApplicationsOverdue": 1,
              "complaints": {"received": 3, "overdue": 0},
              """));
      weekly.executeUpdate();
    }
    Contract contract = new Contract();
    JsonObject day = get("/api/v1/kpi/daily/2026-05-20").bodyAsJsonObject();
    assertThat(day.getJsonObject("parentMessages")).isEqualTo(figure(0, 0, null));
    assertThat(day.getJsonObject("safeguarding").getInteger("count")).isEqualTo(1);
    contract.assertValid("DailyKpi", day);
    JsonObject week = get("/api/v1/kpi/weekly/2026-05-22").bodyAsJsonObject();
    assertThat(week.getJsonObject("parentMessages")).isEqualTo(figure(0, 0, null));
    assertThat(week.getJsonObject("complaints").getInteger("received")).isEqualTo(3);
    contract.assertValid("WeeklyKpi", week);

    assertThat(recompute("2026-05-22").getJsonObject("parentMessages"))
        .as("a new version counts the message of Wed 20 May")
        .isEqualTo(figure(1, 1, 3.0));
    assertThat(parentMessages("/api/v1/kpi/weekly/2026-05-22?version=1"))
        .isEqualTo(figure(0, 0, null));
  }
}
