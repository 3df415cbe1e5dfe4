package travelwatch.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import travelwatch.access.AuditTrail;

/**
 * The only code that knows the audit table: it appends entries, searches them and, for retention
 * alone, forgets the oldest. Nothing else may change or delete a row (the table's trigger refuses).
 */
public final class AuditStore implements AuditTrail {
  private final Pool pool;
  private final Clock clock;

  public AuditStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** One stored entry. */
  public record Stored(
      long id,
      Instant at,
      String actor,
      String address,
      String action,
      String objectType,
      String objectId,
      String pupilId) {
    static Stored of(Row r) {
      return new Stored(
          r.getLong("id"),
          r.getOffsetDateTime("at").toInstant(),
          r.getString("actor"),
          r.getString("address"),
          r.getString("action"),
          r.getString("object_type"),
          r.getString("object_id"),
          r.getString("pupil_id"));
    }
  }

  /** What to search for: a time range and, each optional, actor, action, pupil and page start. */
  public record Query(
      Instant from,
      Instant to,
      String actor,
      String action,
      String pupilId,
      Long before,
      int limit) {}

  @Override
  public Future<Void> record(Entry e) {
    return pool.preparedQuery(AuditSql.INSERT)
        .execute(
            Tuple.from(
                new Object[] {
                  OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC),
                  e.actor(),
                  e.address(),
                  e.action(),
                  e.objectType(),
                  e.objectId(),
                  e.pupilId()
                }))
        .mapEmpty();
  }

  public Future<List<Stored>> search(Query q) {
    return pool.preparedQuery(AuditSql.SEARCH)
        .execute(
            Tuple.from(
                new Object[] {
                  OffsetDateTime.ofInstant(q.from(), ZoneOffset.UTC),
                  OffsetDateTime.ofInstant(q.to(), ZoneOffset.UTC),
                  q.actor(),
                  q.action(),
                  q.before(),
                  q.pupilId(),
                  q.limit()
                }))
        .map(
            rows -> {
              List<Stored> found = new ArrayList<>();
              rows.forEach(r -> found.add(Stored.of(r)));
              return found;
            });
  }

  /** Removes the entries older than {@code before}: the retention job's one way in. */
  public Future<Integer> forgetBefore(Instant before) {
    return pool.withTransaction(
        conn ->
            conn.query(AuditSql.ALLOW_RETENTION)
                .execute()
                .compose(
                    v ->
                        conn.preparedQuery(AuditSql.FORGET_BEFORE)
                            .execute(Tuple.of(OffsetDateTime.ofInstant(before, ZoneOffset.UTC))))
                .map(rows -> rows.rowCount()));
  }
}
