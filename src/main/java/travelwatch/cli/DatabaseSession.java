package travelwatch.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.function.Function;
import travelwatch.config.TravelWatchConfig;
import travelwatch.platform.db.Database;

/**
 * The database for a one-off command: the running server's embedded PostgreSQL when there is one,
 * otherwise one started just for the command and stopped after it.
 */
public final class DatabaseSession {
  private DatabaseSession() {}

  public static <T> T run(TravelWatchConfig config, Function<Pool, Future<T>> work) {
    try (Database database = Database.open(config.database())) {
      Vertx vertx = Vertx.vertx();
      Pool pool = database.pool(vertx, 4);
      try {
        return work.apply(pool).await();
      } finally {
        pool.close().await();
        vertx.close().await();
      }
    }
  }
}
