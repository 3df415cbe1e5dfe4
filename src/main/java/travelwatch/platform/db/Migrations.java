package travelwatch.platform.db;

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
}
