package travelwatch.plan;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Rule.role;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code POST /api/v1/plan}: admins upsert a plan document, with its own larger body limit. */
public final class PlanRoutes {
  /**
   * Published (with no body) on each node's own event bus when any process has committed a plan
   * change, so caches of the plan can be cleared; see {@link PlanChangeListener}.
   */
  public static final String PLAN_CHANGED = "travelwatch.plan.changed";

  private final PlanImport planImport;

  /** The plan's full path: its body may be larger than any other endpoint's. */
  public static final String PATH = "/api/v1/plan";

  private final long bodyLimitBytes;

  public PlanRoutes(PlanImport planImport, long bodyLimitBytes) {
    this.planImport = planImport;
    this.bodyLimitBytes = bodyLimitBytes;
  }

  public void mount(Router api) {
    // The rule's step comes first, so the role is checked before the (large) body is read.
    allow(api.post("/plan").consumes("application/json"), role(ADMIN))
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes))
        .handler(this::upsert);
  }

  private void upsert(RoutingContext ctx) {
    planImport
        .upsert(ctx.body().buffer())
        .onSuccess(
            counts ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(counts.toJson().encode()))
        .onFailure(ctx::fail);
  }
}
