package travelwatch.live;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The live stream's log: every alert change and run status change, numbered, stored in the same
 * transaction as the change itself, then published on the event bus for the streams of every node.
 * A client that reconnects with {@code Last-Event-ID} is sent what it missed from the store.
 */
public final class LiveEvents {
  public static final String ADDRESS = "travelwatch.live";

  /**
   * One stream message: its number, kind ({@code alert}, {@code run}, {@code message} or {@code
   * position}) and data. Number 0 is an entry the log does not keep (a vehicle's position).
   */
  public record LiveEvent(long seq, String kind, JsonObject data) {
    /** Whether the log keeps it; one it does not is sent to whoever listens now, and only then. */
    public boolean logged() {
      return seq != 0;
    }

    public JsonObject toJson() {
      return new JsonObject().put("seq", seq).put("kind", kind).put("data", data);
    }

    public static LiveEvent fromJson(JsonObject json) {
      return new LiveEvent(json.getLong("seq"), json.getString("kind"), json.getJsonObject("data"));
    }
  }

  private LiveEvents() {}

  /**
   * Runs {@code work} in a transaction that holds the live stream's lock from its first statement:
   * entries are then numbered in commit order across the cluster, and since the lock is taken
   * before any row lock, two such transactions cannot deadlock on it.
   */
  public static <T> Future<T> transaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(
        conn -> conn.query(LiveSql.LIVE_ORDER).execute().compose(v -> work.apply(conn)));
  }

  /** Appends within the caller's transaction (one of {@link #transaction}). */
  public static Future<LiveEvent> append(
      SqlClient conn, String kind, JsonObject data, OffsetDateTime at) {
    return conn.preparedQuery(LiveSql.APPEND_LIVE)
        .execute(Tuple.of(kind, at, data.encode()))
        .map(rows -> new LiveEvent(rows.iterator().next().getLong(0), kind, data));
  }

  /**
   * Publishes committed events to every node's streams: one message for all of them (in a cluster,
   * one frame to each other node rather than one for each entry; see {@link #entries}).
   */
  public static void publish(EventBus bus, List<LiveEvent> events) {
    if (events.size() == 1) {
      bus.publish(ADDRESS, events.get(0).toJson());
    } else if (!events.isEmpty()) {
      JsonArray entries = new JsonArray(new ArrayList<>(events.size()));
      events.forEach(e -> entries.add(e.toJson()));
      bus.publish(ADDRESS, new JsonObject().put(ENTRIES, entries));
    }
  }

  private static final String ENTRIES = "entries";

  /** The entries one message on {@link #ADDRESS} carries, in order: one, or several together. */
  public static List<JsonObject> entries(JsonObject message) {
    JsonArray several = message.getJsonArray(ENTRIES);
    if (several == null) {
      return List.of(message);
    }
    List<JsonObject> entries = new ArrayList<>(several.size());
    for (int i = 0; i < several.size(); i++) {
      entries.add(several.getJsonObject(i));
    }
    return entries;
  }

  /** Whether any entry the message carries is of {@code kind}. */
  public static boolean carries(JsonObject message, String kind) {
    return entries(message).stream().anyMatch(e -> kind.equals(e.getString("kind")));
  }

  public static Future<List<LiveEvent>> after(Pool pool, long seq, int limit) {
    return pool.preparedQuery(LiveSql.LIVE_AFTER)
        .execute(Tuple.of(seq, limit))
        .map(
            rows -> {
              List<LiveEvent> events = new ArrayList<>();
              for (Row r : rows) {
                events.add(
                    new LiveEvent(r.getLong(0), r.getString(1), new JsonObject(r.getString(2))));
              }
              return events;
            });
  }
}
