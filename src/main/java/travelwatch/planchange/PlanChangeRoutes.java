package travelwatch.planchange;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Role.MANAGER;
import static travelwatch.access.Rule.role;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.Params;

/**
 * {@code POST /api/v1/plan}: admins upsert a plan document, with its own larger body limit, as a
 * plan change; managers list changes, read one, and approve one that waits.
 */
public final class PlanChangeRoutes {
  /** How far back the list reaches when {@code from} is not given. */
  static final int DEFAULT_DAYS = 30;

  private final PlanChanges changes;
  private final long bodyLimitBytes;
  private final ServiceClock time;

  public PlanChangeRoutes(PlanChanges changes, long bodyLimitBytes, ServiceClock time) {
    this.changes = changes;
    this.bodyLimitBytes = bodyLimitBytes;
    this.time = time;
  }

  public void mount(Router api) {
    // The rule's step comes first, so the role is checked before the (large) body is read.
    allow(api.post("/plan").consumes("application/json"), role(ADMIN))
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes))
        .handler(audited("plan.change", "plan", null))
        .handler(this::submit);
    allow(api.get("/plan/changes"), role(MANAGER)).handler(this::list);
    allow(api.get("/plan/changes/:changeId"), role(MANAGER)).handler(this::one);
    allow(api.post("/plan/changes/:changeId/approve"), role(MANAGER))
        .handler(audited("plan.change.approve", "plan-change", "changeId"))
        .handler(this::approve);
  }

  private void submit(RoutingContext ctx) {
    Caller.Staff staff = Authenticator.staff(ctx);
    boolean force = force(ctx.queryParams().get("force"));
    changes
        .submit(
            ctx.body().buffer(),
            new PlanChanges.Author(staff.name(), staff.session() && staff.role().atLeast(MANAGER)),
            Optional.ofNullable(ctx.queryParams().get("reason")),
            force)
        .onSuccess(
            outcome ->
                ctx.response()
                    .setStatusCode(outcome.pending() ? 202 : 200)
                    .putHeader("Content-Type", "application/json")
                    .end(outcome.toJson().encode()))
        .onFailure(ctx::fail);
  }

  private static boolean force(String text) {
    if (text == null || text.equals("false")) {
      return false;
    }
    if (text.equals("true")) {
      return true;
    }
    throw ApiException.badRequest(
        "Bad force.", List.of(FieldProblem.at("force", "must be true or false")));
  }

  private void list(RoutingContext ctx) {
    LocalDate to = Params.date("to", ctx.queryParams().get("to"), time.today());
    LocalDate from = Params.date("from", ctx.queryParams().get("from"), to.minusDays(DEFAULT_DAYS));
    if (from.isAfter(to)) {
      throw ApiException.badRequest(
          "Bad from.", List.of(FieldProblem.at("from", "must be on or before to")));
    }
    changes
        .between(from, to)
        .onSuccess(items -> json(ctx, 200, new JsonObject().put("items", items)))
        .onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    changes
        .one(id(ctx))
        .onSuccess(
            found ->
                found.ifPresentOrElse(
                    change -> json(ctx, 200, change),
                    () -> ctx.fail(ApiException.notFound("There is no such plan change."))))
        .onFailure(ctx::fail);
  }

  private void approve(RoutingContext ctx) {
    changes
        .approve(id(ctx), Authenticator.staff(ctx).name())
        .onSuccess(change -> json(ctx, 200, change))
        .onFailure(ctx::fail);
  }

  private static long id(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("changeId"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("There is no such plan change.");
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
