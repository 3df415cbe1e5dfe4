package travelwatch.platform.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/** Liveness and readiness probes: ready only while PostgreSQL answers. */
public final class Health {
  private final Pool pool;

  public Health(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    pool.query("select 1")
        .execute()
        .onSuccess(
            rows -> json(ctx, 200, new JsonObject().put("status", "UP").put("database", "UP")))
        .onFailure(
            e ->
                json(
                    ctx,
                    503,
                    new JsonObject()
                        .put("status", "DOWN")
                        .put("database", "DOWN")
                        .put("reason", e.getMessage())));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
