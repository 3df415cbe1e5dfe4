package travelwatch.platform.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import travelwatch.config.TravelWatchConfig.DatabaseConfig;

/**
 * The service's PostgreSQL: external when {@code TW_PG_URL} is set, otherwise the embedded one in
 * the data directory. Opening it applies the migrations, so nothing runs on an old schema.
 */
public final class Database implements AutoCloseable {
  private final EmbeddedDatabase embedded;
  private final PgEndpoint endpoint;

  private Database(EmbeddedDatabase embedded, PgEndpoint endpoint) {
    this.embedded = embedded;
    this.endpoint = endpoint;
  }

  /** Starts or attaches to the database and migrates it; blocking, so call it before Vert.x. */
  public static Database open(DatabaseConfig config) {
    Database db =
        config
            .url()
            .map(url -> new Database(null, PgEndpoint.of(url)))
            .orElseGet(
                () -> {
                  EmbeddedDatabase embedded =
                      EmbeddedDatabase.startOrAttach(config.embeddedDataDir());
                  return new Database(embedded, embedded.endpoint());
                });
    try {
      Migrations.apply(db.endpoint);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  public PgEndpoint endpoint() {
    return endpoint;
  }

  public Pool pool(Vertx vertx, int size) {
    return pool(vertx, endpoint, size);
  }

  public static Pool pool(Vertx vertx, PgEndpoint endpoint, int size) {
    return pool(vertx, endpoint, size, "travelwatch");
  }

  /**
   * A pool under its own name in the metrics. Created on a verticle's event loop, its connections
   * live on that loop and it closes when the verticle is undeployed.
   */
  public static Pool pool(Vertx vertx, PgEndpoint endpoint, int size, String name) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName(name).setShared(false))
        .connectingTo(endpoint.connectOptions())
        .using(vertx)
        .build();
  }

  /**
   * Whether a failure means the database could not be reached or is refusing work for now
   * (connection lost or refused, server shutting down or out of resources), so a retry later can
   * succeed, rather than a fault in the statement itself.
   */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null
            && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57"));
      }
      if (t instanceof ClosedConnectionException || t instanceof IOException) {
        return true; // connection refused, reset or closed under a query
      }
    }
    return false;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }

  /** An instant as PostgreSQL's timestamptz parameters take it (null stays null). */
  public static java.time.OffsetDateTime utc(java.time.Instant t) {
    return t == null ? null : t.atOffset(java.time.ZoneOffset.UTC);
  }
}
