package travelwatch.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.support.TestPostgres;

@Timeout(60)
@DisplayName("Upgrading a store of events to the partitioned event store")
class EventPartitionsMigrationTest {

  @Test
  @DisplayName(
      "Every stored event moves with its number, body and key; each month of them gets its"
          + " partition; numbering, uniqueness and the unreadable list carry on")
  void movesEveryEvent() throws SQLException {
    PgEndpoint db = TestPostgres.emptyDatabase();
    Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations("classpath:db/migration")
        .target("20")
        .load()
        .migrate();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute(
          """
          insert into event (owner, event_id, type, occurred_at, received_at, service_date, run_id,
                             body, body_hash, source)
          select 'operator:OP1', 'e' || i,
                 case when i % 3 = 0 then 'vehicle.position' else 'pupil.boarded' end,
                 d + time '08:00', d + time '08:00:01', d, 'R' || i,
                 json_build_object('eventId', 'e' || i, 'lat', 52.4, 'lon', -1.9),
                 decode(md5('e' || i), 'hex'), case when i % 2 = 0 then 'crew' else 'api' end
          from generate_series(1, 300) as i,
               lateral (select date '2025-01-10' + (i * 2) as d) as day
          """);
      s.execute(
          "insert into event (owner, event_id, type, occurred_at, received_at, service_date,"
              + " body, body_hash) values ('scope:telephony', 'bad\u0001id', 'call.offered',"
              + " now(), now(), current_date, '{}', '\\x00')");
      // As the upgrade to version 14 lists such an event.
      s.execute(
          "insert into event_unreadable (seq, reason) select seq, 'eventId is not an identifier'"
              + " from event where event_id like 'bad%'");
    }
    List<String> before = rows(db);
    long maxSeq = TestPostgres.count(db, "select max(seq) from event");

    Migrations.apply(db);

    assertThat(rows(db)).containsExactlyElementsOf(before);
    assertThat(TestPostgres.count(db, "select count(*) from event_key")).isEqualTo(301);
    assertThat(
            TestPostgres.count(
                db,
                "select count(*) from event e join event_key k using (owner, event_id)"
                    + " where k.body_hash = e.body_hash and k.service_date = e.service_date"
                    + " and k.position = (e.type = 'vehicle.position')"))
        .isEqualTo(301);
    // January 2025 to two months ahead of today, each month a partition; no event waits in a
    // default partition but positions older than the last five weeks.
    assertThat(
            TestPostgres.count(
                db, "select count(*) from pg_class where relname = 'event_main_p202501'"))
        .isEqualTo(1);
    assertThat(
            TestPostgres.count(
                db, "select count(*) from pg_class where relname = 'event_main_p202602'"))
        .isEqualTo(1);
    assertThat(TestPostgres.count(db, "select count(*) from event_main_default")).isZero();
    assertThat(TestPostgres.count(db, "select count(*) from event_main_p202502"))
        .isEqualTo(
            TestPostgres.count(
                db,
                "select count(*) from event where type <> 'vehicle.position'"
                    + " and service_date between '2025-02-01' and '2025-02-28'"));
    assertThat(TestPostgres.count(db, "select count(*) from event_unreadable")).isEqualTo(1);
    assertThat(
            TestPostgres.count(
                db, "select count(*) from event_unreadable u join event e using (seq)"))
        .isEqualTo(1);

    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute(
          "insert into event (owner, event_id, type, occurred_at, received_at, service_date,"
              + " body, body_hash) values ('scope:telephony', 'next', 'call.offered', now(),"
              + " now(), current_date, '{}', '\\x00')");
      // The key of a stored event is taken.
      try {
        s.execute(
            "insert into event_key (owner, event_id, position, service_date, body_hash)"
                + " values ('operator:OP1', 'e7', false, current_date, '\\x00')");
        throw new AssertionError("a stored event's key was taken again");
      } catch (SQLException e) {
        assertThat(e.getSQLState()).isEqualTo("23505");
      }
    }
    assertThat(TestPostgres.count(db, "select seq from event where event_id = 'next'"))
        .isGreaterThan(maxSeq);
  }

  /** Every event as stored, in number order. */
  private static List<String> rows(PgEndpoint db) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select seq, owner, event_id, type, occurred_at, received_at, service_date,"
                    + " run_id, body::text, encode(body_hash, 'hex'), source from event"
                    + " order by seq")) {
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= 11; i++) {
          row.append(r.getString(i)).append('|');
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
