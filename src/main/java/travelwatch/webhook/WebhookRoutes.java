package travelwatch.webhook;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Rule.operatorsAndAdmins;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.InboundText;
import travelwatch.platform.http.JsonBodies;

/**
 * Operators' webhook endpoints: an operator's key (its own) or an admin (any operator's) registers,
 * lists and deletes them and reads their deliveries. Another operator's endpoint is the same 404 as
 * an unknown one.
 */
final class WebhookRoutes {
  /** The changes an endpoint may be sent, in the contract's words. */
  static final List<String> EVENTS =
      List.of("alert.raised", "alert.updated", "alert.resolved", "run.changed");

  private static final int PAGE = 100;

  private final WebhookStore store;
  private final Destination.Policy policy;
  private final Clock clock;
  private final ZoneId zone;

  WebhookRoutes(WebhookStore store, Destination.Policy policy, Clock clock, ZoneId zone) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.zone = zone;
  }

  void mount(Router api) {
    // The rule's step comes first, so the caller is checked before the body is read.
    allow(api.post("/webhooks"), operatorsAndAdmins())
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(audited("webhook.register", "webhook", null))
        .handler(this::register);
    allow(api.get("/webhooks"), operatorsAndAdmins()).handler(this::list);
    allow(api.delete("/webhooks/:webhookId"), operatorsAndAdmins())
        .handler(audited("webhook.remove", "webhook", "webhookId"))
        .handler(this::delete);
    allow(api.get("/webhooks/:webhookId/deliveries"), operatorsAndAdmins())
        .handler(this::deliveries);
  }

  private void register(RoutingContext ctx) {
    Caller caller = Authenticator.caller(ctx);
    JsonObject body = JsonBodies.object(ctx, Set.of("url", "events", "operatorId"));
    List<FieldProblem> problems = new ArrayList<>();
    Destination destination = null;
    Object url = body.getValue("url");
    try {
      destination = Destination.parse(url instanceof String s ? s : null, policy);
    } catch (Destination.Refused e) {
      problems.add(FieldProblem.at("url", e.getMessage()));
    }
    List<String> events = events(body.getValue("events"), problems);
    Optional<String> operatorId = operatorId(caller, body.getValue("operatorId"), problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The webhook cannot be registered.", problems);
    }
    Destination checked = destination;
    String operator = operatorId.orElseThrow();
    store
        .operator(operator)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(
                    ApiException.badRequest(
                        "There is no such operator.",
                        List.of(FieldProblem.at("operatorId", "is not an operator of the plan"))));
              }
              // The name is resolved now, off the event loop, and every address it has checked.
              return ctx.vertx().executeBlocking(() -> checked.resolve(policy), false);
            })
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof Destination.Refused refused
                        ? ApiException.badRequest(
                            "The webhook cannot be registered.",
                            List.of(FieldProblem.at("url", refused.getMessage())))
                        : e))
        .compose(
            address -> {
              String secret = Signature.newSecret();
              return store
                  .register(operator, (String) url, events, secret, clock.instant(), caller.owner())
                  .map(id -> new JsonObject().put("id", id).put("secret", secret));
            })
        .onSuccess(
            created ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(created.encode()))
        .onFailure(ctx::fail);
  }

  /** The events asked for: at least one, each one of {@link #EVENTS}, each once. */
  private static List<String> events(Object value, List<FieldProblem> problems) {
    String rule = "must be a list of one or more of " + String.join(", ", EVENTS);
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      problems.add(FieldProblem.at("events", rule));
      return List.of();
    }
    Set<String> events = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      Object e = array.getValue(i);
      if (!(e instanceof String s) || !EVENTS.contains(s)) {
        problems.add(FieldProblem.at("events[" + i + "]", rule));
      } else {
        events.add(s);
      }
    }
    return List.copyOf(events);
  }

  /**
   * The operator the endpoint is for: an operator's key's own (it may name only itself), or the one
   * an admin names.
   */
  private static Optional<String> operatorId(
      Caller caller, Object value, List<FieldProblem> problems) {
    if (value != null && !(value instanceof String s && InboundText.idProblem(s) == null)) {
      problems.add(FieldProblem.at("operatorId", InboundText.ID_RULE));
      return Optional.empty();
    }
    String named = (String) value;
    if (caller instanceof Caller.OperatorKey key) {
      if (named != null && !named.equals(key.operatorId())) {
        problems.add(
            FieldProblem.at(
                "operatorId", "an operator's key registers webhooks for its own operator only"));
        return Optional.empty();
      }
      return Optional.of(key.operatorId());
    }
    if (named == null) {
      problems.add(FieldProblem.at("operatorId", "is required: the operator to send to"));
      return Optional.empty();
    }
    return Optional.of(named);
  }

  private void list(RoutingContext ctx) {
    Caller caller = Authenticator.caller(ctx);
    String asked = ctx.queryParams().get("operatorId");
    String operatorId = caller instanceof Caller.OperatorKey key ? key.operatorId() : asked;
    // An operator's key asking for another operator's endpoints sees none, as if it had none.
    Future<List<WebhookStore.Endpoint>> found =
        asked != null && !asked.equals(operatorId)
            ? Future.succeededFuture(List.of())
            : store.list(operatorId);
    found
        .map(
            endpoints -> {
              JsonArray items = new JsonArray();
              endpoints.forEach(e -> items.add(json(e)));
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    owned(ctx)
        .compose(e -> store.delete(e.id()))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void deliveries(RoutingContext ctx) {
    Long before = number(ctx.queryParams().get("before"), "before");
    owned(ctx)
        .compose(
            e ->
                store
                    .deliveries(e.id(), before, PAGE + 1)
                    .map(
                        found -> {
                          JsonArray items = new JsonArray();
                          found.stream().limit(PAGE).forEach(d -> items.add(json(d)));
                          JsonObject body = new JsonObject().put("items", items);
                          if (found.size() > PAGE) {
                            body.put(
                                "next",
                                "/api/v1/webhooks/"
                                    + e.id()
                                    + "/deliveries?before="
                                    + found.get(PAGE - 1).id());
                          }
                          return body;
                        }))
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  /**
   * The endpoint named by the path, if the caller may manage it: an admin any, an operator's key
   * its own. Another operator's endpoint and an unknown one get the same 404.
   */
  private Future<WebhookStore.Endpoint> owned(RoutingContext ctx) {
    String text = ctx.pathParam("webhookId");
    Caller caller = Authenticator.caller(ctx);
    ApiException none = ApiException.notFound("There is no such webhook.");
    long id;
    try {
      id = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return Future.failedFuture(none);
    }
    return store
        .one(id)
        .compose(
            found ->
                found.isPresent()
                        && (caller instanceof Caller.Staff
                            || (caller instanceof Caller.OperatorKey k
                                && k.operatorId().equals(found.get().operatorId())))
                    ? Future.succeededFuture(found.get())
                    : Future.failedFuture(none));
  }

  private JsonObject json(WebhookStore.Endpoint e) {
    JsonObject j =
        new JsonObject()
            .put("id", e.id())
            .put("operatorId", e.operatorId())
            .put("url", e.url())
            .put("events", new JsonArray(e.events()))
            .put("createdAt", Rfc3339.format(e.createdAt(), zone))
            .put("state", e.disabledAt() == null ? "active" : "disabled");
    if (e.failingSince() != null) {
      j.put("failingSince", Rfc3339.format(e.failingSince(), zone));
    }
    if (e.disabledAt() != null) {
      j.put("disabledAt", Rfc3339.format(e.disabledAt(), zone));
      j.put("disabledReason", e.disabledReason());
    }
    return j;
  }

  private JsonObject json(WebhookStore.Delivery d) {
    JsonObject j =
        new JsonObject()
            .put("id", d.id())
            // The Webhook-Id it is sent with, every try alike.
            .put("messageId", "msg_" + d.messageId())
            .put("type", d.type())
            .put("createdAt", Rfc3339.format(d.createdAt(), zone))
            .put("state", d.state())
            .put("tries", d.tries());
    if ("pending".equals(d.state())) {
      j.put("nextAttemptAt", Rfc3339.format(d.nextAttemptAt(), zone));
    }
    if (d.deliveredAt() != null) {
      j.put("deliveredAt", Rfc3339.format(d.deliveredAt(), zone));
    }
    JsonArray attempts = new JsonArray();
    for (WebhookStore.Attempt a : d.attempts()) {
      JsonObject attempt = new JsonObject().put("at", Rfc3339.format(a.at(), zone));
      if (a.statusCode() != null) {
        attempt.put("statusCode", a.statusCode());
      }
      if (a.error() != null) {
        attempt.put("error", a.error());
      }
      attempts.add(attempt);
    }
    return j.put("attempts", attempts);
  }

  private static Long number(String text, String field) {
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "Bad number.", List.of(FieldProblem.at(field, "must be a whole number")));
    }
  }
}
