package travelwatch.planchange;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.db.Database;
import travelwatch.platform.http.ApiException;

/** Reads and writes plan changes ({@link PlanChangeSql}); writes use the caller's transaction. */
final class PlanChangeStore {
  /** The most changes one list answers with. */
  static final int LIST_LIMIT = 1000;

  private final Pool pool;
  private final ZoneId zone;

  PlanChangeStore(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  /** A change as it is recorded when made. */
  record Made(
      String madeBy,
      Instant madeAt,
      String reason,
      boolean pending,
      boolean forced,
      JsonObject difference,
      String document) {}

  /** Records a change that waits for approval; nothing of the plan is written. */
  Future<Long> insert(Made m) {
    return insert(pool, m);
  }

  static Future<Long> insert(SqlClient sql, Made m) {
    return sql.preparedQuery(PlanChangeSql.INSERT)
        .execute(
            Tuple.of(
                m.madeBy(),
                Database.utc(m.madeAt()),
                m.reason(),
                m.pending() ? "pending" : "effective",
                m.forced(),
                m.difference(),
                m.document()))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** Marks a pending change approved, with the difference it made; fails if it is no longer. */
  static Future<Void> approved(
      SqlClient sql, long id, String by, Instant at, JsonObject difference) {
    return sql.preparedQuery(PlanChangeSql.APPROVE)
        .execute(Tuple.of(id, by, Database.utc(at), difference))
        .compose(
            rows ->
                rows.rowCount() == 1
                    ? Future.succeededFuture()
                    : Future.failedFuture(notPending(id)));
  }

  static ApiException notPending(long id) {
    return ApiException.conflict(
        "Plan change " + id + " is not pending: it has taken effect already.", java.util.List.of());
  }

  /** Who made a pending change, and its document; empty if there is no such pending change. */
  record Pending(String madeBy, JsonObject document) {}

  Future<Optional<Pending>> pending(long id) {
    return pool.preparedQuery(PlanChangeSql.PENDING_DOCUMENT)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              for (Row r : rows) {
                return Optional.of(
                    new Pending(r.getString("made_by"), (JsonObject) r.getValue("document")));
              }
              return Optional.empty();
            });
  }

  Future<JsonArray> between(Instant from, Instant to) {
    return pool.preparedQuery(PlanChangeSql.BETWEEN)
        .execute(Tuple.of(Database.utc(from), Database.utc(to), LIST_LIMIT))
        .map(
            rows -> {
              JsonArray items = new JsonArray();
              rows.forEach(r -> items.add(json(r)));
              return items;
            });
  }

  Future<Optional<JsonObject>> one(long id) {
    return pool.preparedQuery(PlanChangeSql.ONE)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              for (Row r : rows) {
                return Optional.of(json(r).put("difference", r.getValue("difference")));
              }
              return Optional.empty();
            });
  }

  private JsonObject json(Row r) {
    JsonObject j =
        new JsonObject()
            .put("id", r.getLong("id"))
            .put("madeBy", r.getString("made_by"))
            .put("madeAt", Rfc3339.format(r.getOffsetDateTime("made_at"), zone))
            .put("state", r.getString("state"))
            .put("forced", r.getBoolean("forced"))
            .put("summary", r.getValue("summary"));
    Optional.ofNullable(r.getString("reason")).ifPresent(s -> j.put("reason", s));
    Optional.ofNullable(r.getString("approved_by")).ifPresent(s -> j.put("approvedBy", s));
    Optional.ofNullable(r.getOffsetDateTime("approved_at"))
        .ifPresent(t -> j.put("approvedAt", Rfc3339.format(t, zone)));
    return j;
  }
}
