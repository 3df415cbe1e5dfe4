package travelwatch.alert;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.CONTROLLER;
import static travelwatch.access.Role.VIEWER;
import static travelwatch.access.Rule.role;
import static travelwatch.access.Rule.staffOrOwnOperator;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.live.LiveEvents;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.InboundText;
import travelwatch.platform.http.Params;

/**
 * Alerts for the control room: the list and one alert with its transitions (viewers); acknowledge,
 * assign and resolve (controllers and up).
 */
public final class AlertRoutes {
  private static final Set<String> STATES = Set.of("open", "acknowledged", "resolved");
  private static final Set<String> SEVERITIES = Set.of("critical", "high", "warning");
  private static final int PAGE = 100;

  private final AlertStore store;
  private final EventBus bus;

  public AlertRoutes(AlertStore store, EventBus bus) {
    this.store = store;
    this.bus = bus;
  }

  public void mount(Router api) {
    allow(api.get("/alerts"), staffOrOwnOperator(VIEWER)).handler(this::list);
    allow(api.get("/alerts/:id"), staffOrOwnOperator(VIEWER)).handler(this::one);
    allow(api.post("/alerts/:id/acknowledge"), role(CONTROLLER))
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(ctx -> change(ctx, Change.ACKNOWLEDGE));
    allow(api.post("/alerts/:id/assign"), role(CONTROLLER))
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(ctx -> change(ctx, Change.ASSIGN));
    allow(api.post("/alerts/:id/resolve"), role(CONTROLLER))
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(ctx -> change(ctx, Change.RESOLVE));
  }

  /** What a controller does to an alert. */
  private enum Change {
    ACKNOWLEDGE,
    ASSIGN,
    RESOLVE
  }

  private void list(RoutingContext ctx) {
    var q = ctx.queryParams();
    String state = oneOf(q.get("state"), STATES, "state");
    String severity = oneOf(q.get("severity"), SEVERITIES, "severity");
    String type = q.get("type");
    if (type != null) {
      try {
        AlertType.fromWireName(type);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "Unknown alert type.",
            List.of(FieldProblem.at("type", "unknown alert type '" + type + "'")));
      }
    }
    LocalDate date = Params.date("date", q.get("date"), null);
    Long before = number(q.get("before"), "before");
    // An operator's key reads the alerts about its own runs and crew only.
    String operatorId = Authenticator.caller(ctx).operatorScope().orElse(q.get("operatorId"));
    store
        .list(
            new AlertStore.Filter(
                state,
                severity,
                type,
                date,
                q.get("runId"),
                before,
                PAGE + 1,
                operatorId,
                q.get("schoolId")))
        .onSuccess(
            alerts -> {
              JsonArray items = new JsonArray();
              alerts.stream().limit(PAGE).forEach(a -> items.add(a.toJson(store.zone())));
              JsonObject body = new JsonObject().put("items", items);
              if (alerts.size() > PAGE) {
                StringBuilder next =
                    new StringBuilder("/api/v1/alerts?before=" + alerts.get(PAGE - 1).id());
                q.names().stream()
                    .filter(n -> !n.equals("before"))
                    .forEach(n -> next.append('&').append(n).append('=').append(q.get(n)));
                body.put("next", next.toString());
              }
              ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
            })
        .onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    java.util.Optional<String> own = Authenticator.caller(ctx).operatorScope();
    long id = id(ctx);
    store
        .get(id)
        .map(
            a -> {
              if (own.isPresent() && !own.get().equals(a.operatorId())) {
                // The same answer as for no such alert.
                throw ApiException.notFound("There is no such alert of yours.");
              }
              return a;
            })
        .compose(
            a ->
                store
                    .transitions(id)
                    .map(
                        steps -> {
                          JsonArray transitions = new JsonArray();
                          steps.forEach(t -> transitions.add(t.toJson(store.zone())));
                          return a.toJson(store.zone()).put("transitions", transitions);
                        }))
        .onSuccess(
            body -> ctx.response().putHeader("Content-Type", "application/json").end(body.encode()))
        .onFailure(ctx::fail);
  }

  private void change(RoutingContext ctx, Change change) {
    Caller.Staff staff = Authenticator.staff(ctx);
    long id = id(ctx);
    String note = null;
    boolean confirm = false;
    if (ctx.body().length() > 0) {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        throw ApiException.badRequest(
            "The body must be a JSON object.", List.of(FieldProblem.at("", "not a JSON object")));
      }
      for (String f : body.fieldNames()) {
        if (!f.equals("note") && !(change == Change.RESOLVE && f.equals("confirm"))) {
          throw ApiException.badRequest(
              "Unknown field.", List.of(FieldProblem.at(f, "unknown field")));
        }
      }
      InboundText.require(body);
      Object n = body.getValue("note");
      if (n != null && (!(n instanceof String s) || s.length() > 2000)) {
        throw ApiException.badRequest(
            "Bad note.",
            List.of(FieldProblem.at("note", "must be text of at most 2000 characters")));
      }
      note = (String) n;
      Object c = body.getValue("confirm");
      if (c != null && !(c instanceof Boolean)) {
        throw ApiException.badRequest(
            "Bad confirm.", List.of(FieldProblem.at("confirm", "must be true or false")));
      }
      confirm = Boolean.TRUE.equals(c);
    }
    // A confirmation counts only with a reason written down.
    boolean confirmed = confirm && note != null && !note.isBlank();
    String actor = staff.name();
    (switch (change) {
          case ACKNOWLEDGE -> store.acknowledge(id, actor, note);
          case ASSIGN -> store.assign(id, actor, note);
          case RESOLVE -> store.resolve(id, actor, note, confirmed);
        })
        .onSuccess(
            outcome -> {
              LiveEvents.publish(bus, outcome.events());
              ctx.response()
                  .putHeader("Content-Type", "application/json")
                  .end(outcome.alert().toJson(store.zone()).encode());
            })
        .onFailure(ctx::fail);
  }

  private static long id(RoutingContext ctx) {
    Long id = number(ctx.pathParam("id"), "id");
    if (id == null) {
      throw ApiException.notFound("No such alert.");
    }
    return id;
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

  private static String oneOf(String value, Set<String> allowed, String field) {
    if (value != null && !allowed.contains(value)) {
      throw ApiException.badRequest(
          "Bad " + field + ".", List.of(FieldProblem.at(field, "must be one of " + allowed)));
    }
    return value;
  }
}
