package travelwatch.platform.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import travelwatch.platform.jobs.JobHealth;

/**
 * Liveness and readiness probes: ready only while PostgreSQL answers. Readiness also says what this
 * node sees of the cluster (members, the shards it monitors) and how each scheduled job last ended
 * (DEGRADED, still ready, while one has failed), and capabilities add what an operator should see
 * there (the mail backlog, say) without changing readiness.
 */
public final class Health {
  private final Pool pool;
  private final Supplier<JsonObject> cluster;
  private final JobHealth jobs;
  private final Map<String, Supplier<Future<JsonObject>>> details = new LinkedHashMap<>();
  private final Map<String, Supplier<JsonObject>> conditions = new LinkedHashMap<>();

  public Health(Pool pool, Supplier<JsonObject> cluster, JobHealth jobs) {
    this.pool = pool;
    this.cluster = cluster;
    this.jobs = jobs;
  }

  /** Adds a section to the ready probe's answer; a failing section shows its error. */
  public void detail(String name, Supplier<Future<JsonObject>> section) {
    details.put(name, section);
  }

  /**
   * Adds a section that can make the node DEGRADED (still ready): when the section's {@code status}
   * is {@code DEGRADED}, so is the answer's.
   */
  public void condition(String name, Supplier<JsonObject> section) {
    conditions.put(name, section);
  }

  /** {@code GET /health/live}: the process answers. */
  public static void live(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "UP"));
  }

  /** {@code GET /health/ready}. */
  public void ready(RoutingContext ctx) {
    pool.query("select 1")
        .execute()
        .compose(
            rows -> {
              JsonObject jobSection = jobs.toJson();
              JsonObject body =
                  new JsonObject()
                      .put("status", JobHealth.anyFailed(jobSection) ? "DEGRADED" : "UP")
                      .put("database", "UP")
                      .put("cluster", cluster.get())
                      .put("jobs", jobSection);
              conditions.forEach(
                  (name, section) -> {
                    JsonObject c = section.get();
                    body.put(name, c);
                    if ("DEGRADED".equals(c.getString("status"))) {
                      body.put("status", "DEGRADED");
                    }
                  });
              Future<Void> all = Future.succeededFuture();
              for (Map.Entry<String, Supplier<Future<JsonObject>>> d : details.entrySet()) {
                all =
                    all.compose(
                        v ->
                            d.getValue()
                                .get()
                                .recover(
                                    e ->
                                        Future.succeededFuture(
                                            new JsonObject().put("error", e.getMessage())))
                                .map(
                                    section -> {
                                      body.put(d.getKey(), section);
                                      return null;
                                    }));
              }
              return all.map(body);
            })
        .onSuccess(body -> json(ctx, 200, body))
        .onFailure(
            e ->
                json(
                    ctx,
                    503,
                    new JsonObject()
                        .put("status", "DOWN")
                        .put("database", "DOWN")
                        .put("cluster", cluster.get())
                        .put("jobs", jobs.toJson())
                        .put("reason", e.getMessage())));
  }

  /** Probes are never cached: each answers for now. */
  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Cache-Control", "no-store");
    ctx.json(body);
  }
}
