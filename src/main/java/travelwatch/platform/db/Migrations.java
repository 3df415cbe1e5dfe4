package travelwatch.platform.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings the schema up to date with the Flyway scripts under {@code db/migration}. */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static void apply(PgEndpoint endpoint) {
    try {
      MigrateResult result =
          Flyway.configure()
              .dataSource(endpoint.jdbcUrl(), endpoint.user(), endpoint.password())
              .connectRetries(0)
              .locations("classpath:db/migration")
              .load()
              .migrate();
      if (result.migrationsExecuted > 0) {
        log.info(
            "Applied {} migration(s); schema is at version {}",
            result.migrationsExecuted,
            result.targetSchemaVersion);
      }
      reportUnreadableEvents(endpoint);
    } catch (RuntimeException e) {
      boolean unreachable =
          e.getCause() instanceof java.sql.SQLException sql
              && sql.getSQLState() != null
              && sql.getSQLState().startsWith("08");
      throw new DatabaseUnavailableException(
          "PostgreSQL at "
              + endpoint
              + (unreachable ? " is unreachable: " : " could not be migrated: ")
              + EmbeddedDatabase.rootMessage(e),
          e);
    }
  }

  /** Says how many stored events the input rules refuse today (listed in event_unreadable). */
  private static void reportUnreadableEvents(PgEndpoint endpoint) {
    try (Connection c =
            DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), endpoint.password());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*), min(seq) from event_unreadable")) {
      r.next();
      long n = r.getLong(1);
      if (n > 0) {
        log.warn(
            "{} stored event(s) hold text the API now refuses (the first is seq {}); they stay"
                + " stored as they were and are listed in table event_unreadable for review",
            n,
            r.getLong(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not count unreadable events: " + e.getMessage(), e);
    }
  }
}
