package travelwatch.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.support.TestPostgres;

@Timeout(60)
@DisplayName("Upgrading a store that holds events the input rules now refuse")
class UnreadableEventsMigrationTest {

  @Test
  @DisplayName(
      "Events with control characters or ids outside the id pattern are listed for review, the"
          + " rest are not, and nothing stored changes")
  void listsWhatWouldBeRefused() throws SQLException {
    PgEndpoint db = TestPostgres.emptyDatabase();
    Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations("classpath:db/migration")
        .target("13")
        .load()
        .migrate();
    Map<String, String> bodies = new LinkedHashMap<>();
    bodies.put("good-1", "{\"reason\":\"ill\\nat home\",\"runId\":\"R1\"}");
    bodies.put("good-2", "{\"summary\":\"a backslash \\\\u0000 written out\"}");
    bodies.put("nul", "{\"reason\":\"ill\\u0000\"}");
    bodies.put("escape", "{\"queue\":\"q\\u001bx\"}");
    bodies.put("c1", "{\"reason\":\"a\u0085b\"}");
    bodies.put("spaced id", "{}");
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      for (Map.Entry<String, String> e : bodies.entrySet()) {
        s.execute(
            "insert into event (owner, event_id, type, occurred_at, received_at, service_date,"
                + " run_id, body, body_hash) values ('operator:OP1', '"
                + e.getKey()
                + "', 'pupil.absent', now(), now(), current_date, null, '"
                + e.getValue().replace("'", "''")
                + "', '\\x00')");
      }
    }
    Migrations.apply(db);
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select e.event_id, u.reason from event_unreadable u join event e using (seq)"
                    + " order by e.seq")) {
      Map<String, String> listed = new LinkedHashMap<>();
      while (r.next()) {
        listed.put(r.getString(1), r.getString(2));
      }
      assertThat(listed)
          .containsExactly(
              Map.entry("nul", "the body holds a control character"),
              Map.entry("escape", "the body holds a control character"),
              Map.entry("c1", "the body holds a control character"),
              Map.entry("spaced id", "eventId is not an identifier"));
    }
    assertThat(TestPostgres.count(db, "select count(*) from event")).isEqualTo(6);
  }
}
