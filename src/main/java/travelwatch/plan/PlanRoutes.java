package travelwatch.plan;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import travelwatch.access.Authenticator;
import travelwatch.access.Role;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/** {@code POST /api/v1/plan}: admins upsert a plan document, with its own larger body limit. */
public final class PlanRoutes {
  /**
   * Published (with no body) on each node's own event bus when any process has committed a plan
   * change, so caches of the plan can be cleared; see {@link PlanChangeListener}.
   */
  public static final String PLAN_CHANGED = "travelwatch.plan.changed";

  private final PlanImport planImport;
  private final long bodyLimitBytes;

  public PlanRoutes(PlanImport planImport, long bodyLimitBytes) {
    this.planImport = planImport;
    this.bodyLimitBytes = bodyLimitBytes;
  }

  public void mount(Router api) {
    // The role is checked before the (large) body is read.
    api.post("/plan")
        .handler(
            ctx -> {
              Authenticator.requireRole(ctx, Role.ADMIN);
              ctx.next();
            });
    api.post("/plan")
        .consumes("application/json")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes))
        .handler(this::upsert);
  }

  private void upsert(RoutingContext ctx) {
    JsonObject document = jsonObject(ctx);
    planImport
        .upsert(document)
        .onSuccess(
            counts ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(counts.toJson().encode()))
        .onFailure(ctx::fail);
  }

  static JsonObject jsonObject(RoutingContext ctx) {
    try {
      Object value = ctx.body().asJsonObject();
      if (value == null) {
        throw notAnObject();
      }
      return (JsonObject) value;
    } catch (DecodeException | ClassCastException e) {
      throw notAnObject();
    }
  }

  private static ApiException notAnObject() {
    return ApiException.badRequest(
        "The body must be a JSON object.", List.of(FieldProblem.at("", "not a JSON object")));
  }
}
