package travelwatch.platform.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL that serves when no external database is configured.
 *
 * <p>Its data lives in one directory and survives restarts. A second process using the same
 * directory (for example {@code keys create} while {@code serve} runs) finds the running server
 * through PostgreSQL's own {@code postmaster.pid} and connects to it instead of starting another.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  static final String DATABASE = "travelwatch";
  private static final String SUPERUSER = "postgres";

  private final EmbeddedPostgres owned;
  private final PgEndpoint endpoint;

  private EmbeddedDatabase(EmbeddedPostgres owned, PgEndpoint endpoint) {
    this.owned = owned;
    this.endpoint = endpoint;
  }

  /** Connects to the server running on {@code dataDir}, or starts one there. */
  public static EmbeddedDatabase startOrAttach(Path dataDir) {
    Optional<Integer> runningPort = runningPort(dataDir);
    if (runningPort.isPresent()) {
      PgEndpoint endpoint = endpoint(runningPort.get());
      log.info("Using the embedded PostgreSQL already running on port {}", runningPort.get());
      ensureDatabase(endpoint);
      return new EmbeddedDatabase(null, endpoint);
    }
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(freePort())
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "300")
              // zonky turns this off for speed; an event is acknowledged only once it is on disk.
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("fsync", "on")
              .setServerConfig("listen_addresses", "localhost")
              .start();
      PgEndpoint endpoint = endpoint(pg.getPort());
      ensureDatabase(endpoint);
      log.info("Embedded PostgreSQL started on port {} with data in {}", pg.getPort(), dataDir);
      return new EmbeddedDatabase(pg, endpoint);
    } catch (IOException | RuntimeException e) {
      throw new DatabaseUnavailableException(
          "embedded PostgreSQL in " + dataDir + " could not start: " + rootMessage(e), e);
    }
  }

  public PgEndpoint endpoint() {
    return endpoint;
  }

  /** True when this process started the server (and so stops it on close). */
  public boolean owned() {
    return owned != null;
  }

  @Override
  public void close() {
    if (owned != null) {
      try {
        owned.close();
      } catch (IOException e) {
        log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.toString());
      }
    }
  }

  private static PgEndpoint endpoint(int port) {
    return new PgEndpoint("localhost", port, DATABASE, SUPERUSER, null);
  }

  /** True when a PostgreSQL server is running on {@code dataDir}. */
  public static boolean isRunning(Path dataDir) {
    return runningPort(dataDir).isPresent();
  }

  /** The port in {@code postmaster.pid} when a server there answers; empty otherwise. */
  static Optional<Integer> runningPort(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.size() < 4) {
        return Optional.empty();
      }
      int port = Integer.parseInt(lines.get(3).trim());
      try (Connection ignored = connect(endpoint(port).withDatabase("postgres"), 3)) {
        return Optional.of(port);
      }
    } catch (IOException | NumberFormatException | SQLException e) {
      return Optional.empty();
    }
  }

  private static void ensureDatabase(PgEndpoint endpoint) {
    try (Connection c = connect(endpoint.withDatabase("postgres"), 10);
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'");
      if (!rs.next()) {
        s.execute("create database " + DATABASE);
      }
    } catch (SQLException e) {
      if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another process
        throw new DatabaseUnavailableException("embedded PostgreSQL: " + e.getMessage(), e);
      }
    }
  }

  static Connection connect(PgEndpoint endpoint, int timeoutSeconds) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", endpoint.user());
    if (endpoint.password() != null) {
      props.setProperty("password", endpoint.password());
    }
    props.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
    props.setProperty("loginTimeout", String.valueOf(timeoutSeconds));
    return DriverManager.getConnection(endpoint.jdbcUrl(), props);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    return message.lines().findFirst().orElse(message).trim();
  }
}
