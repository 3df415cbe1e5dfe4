package travelwatch.live;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.VIEWER;
import static travelwatch.access.Rule.schoolOr;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.live.LiveEvents.LiveEvent;

/**
 * {@code GET /api/v1/stream}: Server-Sent Events of alert changes and run status changes. A client
 * that reconnects with {@code Last-Event-ID} first gets what it missed from the store; comments
 * every few seconds keep proxies from closing the connection.
 */
public final class StreamRoutes {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StreamRoutes.class);
  private static final int CATCH_UP_LIMIT = 10_000;

  private final Pool pool;
  private final long heartbeatMillis;
  private final StreamSeats seats;

  /**
   * {@code maxPerCaller} streams at once for one caller (a user's sessions, a key), {@code max} on
   * this node in all; beyond either, 429.
   */
  public StreamRoutes(Pool pool, long heartbeatMillis, int maxPerCaller, int max) {
    this.pool = pool;
    this.heartbeatMillis = heartbeatMillis;
    this.seats = new StreamSeats(maxPerCaller, max);
  }

  public void mount(Router api) {
    allow(api.get("/stream"), schoolOr(VIEWER)).handler(this::stream);
  }

  /**
   * What the caller may see: control-room staff everything; a school's staff only the runs and
   * alerts of their school, chosen here on the server (never a parent's message).
   */
  static Predicate<LiveEvent> visibleTo(Caller caller) {
    if (caller instanceof Caller.SchoolStaff school) {
      return e ->
          ("run".equals(e.kind()) || "alert".equals(e.kind()) || "position".equals(e.kind()))
              && school.schoolId().equals(e.data().getString("schoolId"));
    }
    return e -> true;
  }

  private void stream(RoutingContext ctx) {
    Vertx vertx = ctx.vertx();
    Caller caller = Authenticator.caller(ctx);
    // Throws 429 when the caller, or this node, has as many streams as allowed.
    StreamSeats.Seat seat = seats.take(caller);
    Predicate<LiveEvent> visible = visibleTo(caller);
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": connected\n\n");

    long after = lastEventId(ctx);
    // Entries reach this node from every node's monitors, so not in number order: an entry is
    // skipped only if the client has it (up to Last-Event-ID) or the catch-up already sent it.
    Set<Long> sentFromStore = new HashSet<>();
    List<LiveEvent> early = new ArrayList<>();
    boolean[] caughtUp = {false};
    // Subscribe first, then read the store, so nothing falls between the two.
    MessageConsumer<LiveEvents.Published> consumer =
        vertx
            .eventBus()
            .consumer(
                LiveEvents.ADDRESS,
                m -> {
                  // Entries published together are written together: one write for the lot.
                  StringBuilder out = new StringBuilder();
                  for (LiveEvent e : m.body().entries()) {
                    if (!e.logged()) {
                      if (caughtUp[0]) {
                        append(out, e, visible); // now or never: it is in no store
                      }
                    } else if (!caughtUp[0]) {
                      early.add(e);
                    } else if (e.seq() > after && !sentFromStore.contains(e.seq())) {
                      append(out, e, visible);
                    }
                  }
                  if (!out.isEmpty()) {
                    response.write(out.toString());
                  }
                });
    long heartbeat = vertx.setPeriodic(heartbeatMillis, t -> response.write(": heartbeat\n\n"));
    response.closeHandler(
        v -> {
          seat.release();
          vertx.cancelTimer(heartbeat);
          consumer.unregister();
        });
    consumer
        .completion()
        .compose(
            v ->
                after < 0
                    ? io.vertx.core.Future.succeededFuture(List.<LiveEvent>of())
                    : LiveEvents.after(pool, after, CATCH_UP_LIMIT))
        .onSuccess(
            missed -> {
              missed.forEach(
                  e -> {
                    sentFromStore.add(e.seq());
                    send(response, e, visible);
                  });
              early.stream()
                  .filter(e -> e.seq() > after && !sentFromStore.contains(e.seq()))
                  .forEach(e -> send(response, e, visible));
              early.clear();
              caughtUp[0] = true;
            })
        .onFailure(
            e -> {
              log.warn("Stream catch-up failed: {}", e.toString());
              seat.release();
              response.reset();
            });
  }

  /**
   * From the {@code Last-Event-ID} header (or {@code lastEventId} query parameter); -1 for none.
   */
  private static long lastEventId(RoutingContext ctx) {
    String id = ctx.request().getHeader("Last-Event-ID");
    if (id == null) {
      id = ctx.queryParams().get("lastEventId");
    }
    try {
      return id == null ? -1 : Long.parseLong(id.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void send(HttpServerResponse response, LiveEvent e, Predicate<LiveEvent> visible) {
    StringBuilder out = new StringBuilder();
    append(out, e, visible);
    if (!out.isEmpty()) {
      response.write(out.toString());
    }
  }

  private static void append(StringBuilder out, LiveEvent e, Predicate<LiveEvent> visible) {
    if (!visible.test(e)) {
      return;
    }
    // An entry the log does not keep has no number, so the client's Last-Event-ID stays put.
    if (e.logged()) {
      out.append("id: ").append(e.seq()).append('\n');
    }
    out.append("event: ").append(e.kind()).append("\ndata: ").append(e.dataJson()).append("\n\n");
  }
}
