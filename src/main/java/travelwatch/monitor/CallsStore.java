package travelwatch.monitor;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import travelwatch.platform.db.Database;

/** The contact centre's calls as the stored call events tell them (statement in ControlRoomSql). */
final class CallsStore {
  /** A day's calls, those in the window up to now, and the ones still waiting. */
  record CallsToday(
      long offered,
      long answered,
      long abandoned,
      long windowOffered,
      long windowAnswered,
      long windowAbandoned,
      long waiting,
      Instant longestWaitingSince) {}

  private final Pool pool;

  CallsStore(Pool pool) {
    this.pool = pool;
  }

  Future<CallsToday> today(LocalDate date, Instant windowFrom, Instant now) {
    return pool.preparedQuery(ControlRoomSql.CALLS)
        .execute(Tuple.of(date, Database.utc(windowFrom), Database.utc(now)))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              OffsetDateTime since = r.getOffsetDateTime("longest_waiting_since");
              return new CallsToday(
                  r.getLong("offered"),
                  r.getLong("answered"),
                  r.getLong("abandoned"),
                  r.getLong("window_offered"),
                  r.getLong("window_answered"),
                  r.getLong("window_abandoned"),
                  r.getLong("waiting"),
                  since == null ? null : since.toInstant());
            });
  }
}
