package travelwatch.access;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Rule.role;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Set;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.JsonBodies;

/**
 * {@code POST /api/v1/keys} (admin): creates an API key for an operator or a council scope and
 * returns it once, as {@code keys create} does, so an integration can be set up over the API.
 */
public final class KeyRoutes {
  private final AccessStore store;

  public KeyRoutes(AccessStore store) {
    this.store = store;
  }

  public void mount(Router api) {
    allow(api.post("/keys").consumes("application/json"), role(ADMIN))
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::create);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx, Set.of("operatorId", "scope"));
    Object operatorId = body.getValue("operatorId");
    Object scope = body.getValue("scope");
    if ((operatorId == null) == (scope == null)) {
      throw ApiException.badRequest(
          "Give exactly one of operatorId and scope.",
          List.of(
              FieldProblem.at(
                  operatorId == null ? "operatorId" : "scope",
                  "give exactly one of operatorId and scope")));
    }
    var created =
        operatorId != null
            ? store.createOperatorKey(String.valueOf(operatorId))
            : store.createScopeKey(parseScope(String.valueOf(scope)));
    created
        .compose(
            key ->
                Audit.record(
                        ctx,
                        "key.create",
                        "key",
                        operatorId != null ? "operator:" + operatorId : "scope:" + scope,
                        null)
                    .map(key))
        .onSuccess(
            key ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(
                        new JsonObject()
                            .put("key", key)
                            .put("prefix", ApiKeys.prefix(key))
                            .encode()))
        .onFailure(ctx::fail);
  }

  private static Scope parseScope(String text) {
    try {
      return Scope.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "Unknown scope.",
          List.of(FieldProblem.at("scope", "must be telephony, casework, hr, admin or control")));
    }
  }
}
