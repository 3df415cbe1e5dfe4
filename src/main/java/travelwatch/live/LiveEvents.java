package travelwatch.live;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
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
import travelwatch.platform.cluster.WireText;

/**
 * The live stream's log: every alert change and run status change, numbered, stored in the same
 * transaction as the change itself, then published on the event bus for the streams of every node.
 * A client that reconnects with {@code Last-Event-ID} is sent what it missed from the store.
 *
 * <p>An entry's data travels as the JSON text it was encoded to once, when made: a stream writes
 * that text as it is, another node gets it in a compact binary frame (no JSON to write and parse
 * again between nodes), and the consumers on a node share one immutable message rather than each
 * getting a copy of a JSON object.
 */
public final class LiveEvents {
  public static final String ADDRESS = "travelwatch.live";

  /**
   * One stream message: its number, kind ({@code alert}, {@code run}, {@code message} or {@code
   * position}) and data, as JSON text. Number 0 is an entry the log does not keep (a vehicle's
   * position).
   */
  public record LiveEvent(long seq, String kind, String dataJson) {
    public LiveEvent(long seq, String kind, JsonObject data) {
      this(seq, kind, data.encode());
    }

    /** The data, parsed afresh: the caller's own copy. */
    public JsonObject data() {
      return new JsonObject(dataJson);
    }

    /** Whether the log keeps it; one it does not is sent to whoever listens now, and only then. */
    public boolean logged() {
      return seq != 0;
    }
  }

  /** Entries published together: one message on {@link #ADDRESS}, in order. */
  public record Published(List<LiveEvent> entries) {
    public Published {
      entries = List.copyOf(entries);
    }

    /** Whether any entry is of {@code kind}. */
    public boolean carries(String kind) {
      for (LiveEvent e : entries) {
        if (kind.equals(e.kind())) {
          return true;
        }
      }
      return false;
    }
  }

  private LiveEvents() {}

  /**
   * Lets every node's bus carry {@link Published}; call once per Vert.x before anything is sent.
   */
  public static void register(EventBus bus) {
    bus.registerDefaultCodec(Published.class, new Codec());
  }

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
    String json = data.encode();
    return conn.preparedQuery(LiveSql.APPEND_LIVE)
        .execute(Tuple.of(kind, at, json))
        .map(rows -> new LiveEvent(rows.iterator().next().getLong(0), kind, json));
  }

  /**
   * Publishes committed events to every node's streams: one message for all of them (in a cluster,
   * one frame to each other node rather than one for each entry).
   */
  public static void publish(EventBus bus, List<LiveEvent> events) {
    if (!events.isEmpty()) {
      bus.publish(ADDRESS, new Published(events));
    }
  }

  /** The wire form: a count, then per entry its number, kind and data text (length-prefixed). */
  static final class Codec implements MessageCodec<Published, Published> {
    @Override
    public void encodeToWire(Buffer buffer, Published published) {
      buffer.appendInt(published.entries().size());
      for (LiveEvent e : published.entries()) {
        buffer.appendLong(e.seq());
        WireText.append(buffer, e.kind());
        WireText.append(buffer, e.dataJson());
      }
    }

    @Override
    public Published decodeFromWire(int pos, Buffer buffer) {
      int[] at = {pos};
      int n = buffer.getInt(at[0]);
      at[0] += 4;
      List<LiveEvent> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long seq = buffer.getLong(at[0]);
        at[0] += 8;
        String kind = WireText.read(buffer, at);
        entries.add(new LiveEvent(seq, kind, WireText.read(buffer, at)));
      }
      return new Published(entries);
    }

    @Override
    public Published transform(Published published) {
      return published; // immutable: every consumer on this node shares it
    }

    @Override
    public String name() {
      return "travelwatch.live-entries";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
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
