package travelwatch.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import travelwatch.config.PgUrl;
import travelwatch.platform.db.Migrations;
import travelwatch.platform.db.PgEndpoint;

/** One real PostgreSQL for the whole test JVM; each test class gets a fresh, migrated database. */
public final class TestPostgres {
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestPostgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server =
            EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  /** A new empty database with the schema applied. */
  public static PgEndpoint freshDatabase() {
    PgEndpoint endpoint = emptyDatabase();
    Migrations.apply(endpoint);
    return endpoint;
  }

  /** A new database with no schema at all, for tests of the migrations themselves. */
  public static PgEndpoint emptyDatabase() {
    EmbeddedPostgres pg = server();
    String name = "tw_test_" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new PgEndpoint("localhost", pg.getPort(), name, "postgres", null);
  }

  public static PgUrl url(PgEndpoint endpoint) {
    return new PgUrl(endpoint.host(), endpoint.port(), endpoint.database(), endpoint.user(), null);
  }

  /** A JDBC connection for assertions on what is stored. */
  public static Connection connect(PgEndpoint endpoint) throws SQLException {
    return java.sql.DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), "");
  }

  public static long count(PgEndpoint endpoint, String sql) {
    try (Connection c = connect(endpoint);
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
