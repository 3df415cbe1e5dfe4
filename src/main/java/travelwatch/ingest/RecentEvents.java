package travelwatch.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;
import travelwatch.platform.Rfc3339;

/**
 * The events a sender sent, as stored: so an integrator can check what TravelWatch believes (its
 * own events only, by the same owner that makes eventIds unique).
 */
public final class RecentEvents {
  private final Pool pool;
  private final ZoneId zone;

  public RecentEvents(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  Future<JsonArray> of(String owner, int limit) {
    return pool.preparedQuery(IngestSql.RECENT)
        .execute(Tuple.of(owner, limit))
        .map(
            rows -> {
              JsonArray items = new JsonArray();
              for (Row r : rows) {
                JsonObject stored =
                    new JsonObject()
                        .put("seq", r.getLong("seq"))
                        .put("eventId", r.getString("event_id"))
                        .put("type", r.getString("type"))
                        .put("occurredAt", Rfc3339.format(r.getOffsetDateTime("occurred_at"), zone))
                        .put("receivedAt", Rfc3339.format(r.getOffsetDateTime("received_at"), zone))
                        .put("serviceDate", r.getLocalDate("service_date").toString())
                        .put("source", r.getString("source"))
                        .put("body", new JsonObject(r.getString("body")));
                if (r.getString("run_id") != null) {
                  stored.put("runId", r.getString("run_id"));
                }
                items.add(stored);
              }
              return items;
            });
  }
}
