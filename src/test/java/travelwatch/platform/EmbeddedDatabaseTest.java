package travelwatch.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.config.TravelWatchConfig.DatabaseConfig;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;

@Timeout(180)
@DisplayName("Embedded PostgreSQL: migrated on a fresh directory, data kept across restarts")
class EmbeddedDatabaseTest {

  private static Connection connect(PgEndpoint e) throws Exception {
    return DriverManager.getConnection(e.jdbcUrl(), e.user(), "");
  }

  @Test
  @DisplayName("Migrations apply on a fresh data directory and a restart keeps the data")
  void freshThenRestart(@TempDir Path dir) throws Exception {
    DatabaseConfig config = new DatabaseConfig(Optional.empty(), 2, dir);
    try (Database db = Database.open(config);
        Connection c = connect(db.endpoint());
        Statement s = c.createStatement()) {
      ResultSet tables =
          s.executeQuery(
              "select count(*) from information_schema.tables where table_schema = 'public'"
                  + " and table_name in ('operator','school','pupil','crew','route','run','stop','stop_pupil','api_key','app_user')");
      tables.next();
      assertThat(tables.getInt(1)).isEqualTo(10);
      s.execute("insert into operator (id, name) values ('OP1', 'Oakfield Travel')");
      for (String setting : new String[] {"synchronous_commit", "fsync"}) {
        ResultSet rs = s.executeQuery("show " + setting);
        rs.next();
        assertThat(rs.getString(1))
            .as("an acknowledged commit is on disk: " + setting)
            .isEqualTo("on");
      }
    }

    try (Database again = Database.open(config);
        Connection c = connect(again.endpoint());
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("select name from operator where id = 'OP1'");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("Oakfield Travel");
    }
  }

  @Test
  @DisplayName("A second user of the same data directory attaches to the running server")
  void secondUserAttaches(@TempDir Path dir) throws Exception {
    DatabaseConfig config = new DatabaseConfig(Optional.empty(), 2, dir);
    try (Database first = Database.open(config)) {
      try (Database second = Database.open(config);
          Connection c = connect(second.endpoint());
          Statement s = c.createStatement()) {
        assertThat(second.endpoint().port()).isEqualTo(first.endpoint().port());
        s.execute("insert into operator (id, name) values ('OP2', 'Brookvale Cars')");
      }
      // Closing the attached user must leave the owner's server running.
      try (Connection c = connect(first.endpoint());
          Statement s = c.createStatement()) {
        ResultSet rs = s.executeQuery("select count(*) from operator");
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }
}
