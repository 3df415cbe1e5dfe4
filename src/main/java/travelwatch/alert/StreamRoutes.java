package travelwatch.alert;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import travelwatch.access.Authenticator;
import travelwatch.access.Role;
import travelwatch.alert.LiveEvents.LiveEvent;

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

  public StreamRoutes(Pool pool, long heartbeatMillis) {
    this.pool = pool;
    this.heartbeatMillis = heartbeatMillis;
  }

  public void mount(Router api) {
    api.get("/stream").handler(this::stream);
  }

  private void stream(RoutingContext ctx) {
    Authenticator.requireRole(ctx, Role.VIEWER);
    Vertx vertx = ctx.vertx();
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": connected\n\n");

    long[] lastSent = {lastEventId(ctx)};
    List<LiveEvent> early = new ArrayList<>();
    boolean[] caughtUp = {false};
    // Subscribe first, then read the store, so nothing falls between the two.
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                LiveEvents.ADDRESS,
                m -> {
                  LiveEvent e = LiveEvent.fromJson(m.body());
                  if (!caughtUp[0]) {
                    early.add(e);
                  } else {
                    send(response, e, lastSent);
                  }
                });
    long heartbeat = vertx.setPeriodic(heartbeatMillis, t -> response.write(": heartbeat\n\n"));
    response.closeHandler(
        v -> {
          vertx.cancelTimer(heartbeat);
          consumer.unregister();
        });
    consumer
        .completion()
        .compose(
            v ->
                lastSent[0] < 0
                    ? io.vertx.core.Future.succeededFuture(List.<LiveEvent>of())
                    : LiveEvents.after(pool, lastSent[0], CATCH_UP_LIMIT))
        .onSuccess(
            missed -> {
              missed.forEach(e -> send(response, e, lastSent));
              early.forEach(e -> send(response, e, lastSent));
              early.clear();
              caughtUp[0] = true;
            })
        .onFailure(
            e -> {
              log.warn("Stream catch-up failed: {}", e.toString());
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

  private static void send(HttpServerResponse response, LiveEvent e, long[] lastSent) {
    if (lastSent[0] >= 0 && e.seq() <= lastSent[0]) {
      return;
    }
    lastSent[0] = e.seq();
    response.write(
        "id: " + e.seq() + "\nevent: " + e.kind() + "\ndata: " + e.data().encode() + "\n\n");
  }
}
