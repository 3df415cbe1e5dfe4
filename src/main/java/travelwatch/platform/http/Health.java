package travelwatch.platform.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;

/**
 * Liveness and readiness probes: ready only while PostgreSQL answers. Readiness also says what this
 * node sees of the cluster (members, the shards it monitors), for operators and tests.
 */
public final class Health {
  private final Pool pool;
  private final Supplier<JsonObject> cluster;

  public Health(Pool pool, Supplier<JsonObject> cluster) {
    this.pool = pool;
    this.cluster = cluster;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    pool.query("select 1")
        .execute()
        .onSuccess(
            rows ->
                json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("status", "UP")
                        .put("database", "UP")
                        .put("cluster", cluster.get())))
        .onFailure(
            e ->
                json(
                    ctx,
                    503,
                    new JsonObject()
                        .put("status", "DOWN")
                        .put("database", "DOWN")
                        .put("cluster", cluster.get())
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
