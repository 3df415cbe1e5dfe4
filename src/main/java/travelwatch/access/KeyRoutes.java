package travelwatch.access;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Rule.role;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.JsonBodies;

/**
 * {@code /api/v1/keys} (admin): creates an API key for an operator or a council scope and returns
 * it once, as {@code keys create} does, so an integration can be set up over the API; lists the
 * keys (never the keys themselves) and revokes one, refused at once on every node.
 */
public final class KeyRoutes {
  private final AccessStore store;
  private final Authenticator authenticator;
  private final Clock clock;
  private final ZoneId zone;

  /** {@code clock} stamps revocations. */
  public KeyRoutes(AccessStore store, Authenticator authenticator, Clock clock, ZoneId zone) {
    this.store = store;
    this.authenticator = authenticator;
    this.clock = clock;
    this.zone = zone;
  }

  public void mount(Router api) {
    allow(api.post("/keys").consumes("application/json"), role(ADMIN))
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::create);
    allow(api.get("/keys"), role(ADMIN)).handler(this::list);
    allow(api.delete("/keys/:keyId"), role(ADMIN))
        .handler(Audit.audited("key.revoke", "key", "keyId"))
        .handler(this::revoke);
  }

  private void list(RoutingContext ctx) {
    store
        .keys()
        .map(
            keys -> {
              JsonArray items = new JsonArray();
              keys.forEach(k -> items.add(k.toJson(zone)));
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("keyId"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("There is no such key.");
    }
    store
        .revokeKey(id, clock.instant())
        .onSuccess(
            revoked -> {
              if (revoked.isEmpty()) {
                ctx.fail(ApiException.notFound("There is no such key."));
                return;
              }
              // Every node hears of it from PostgreSQL; this one need not wait to.
              authenticator.forgetKeys();
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
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
