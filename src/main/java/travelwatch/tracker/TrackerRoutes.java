package travelwatch.tracker;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Rule.anyone;
import static travelwatch.access.Rule.operatorKeys;
import static travelwatch.access.Rule.operatorsAndAdmins;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.alert.AlertStore;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.ingest.EventParser;
import travelwatch.ingest.GroupCommitWriter;
import travelwatch.live.LiveEvents;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.InboundText;
import travelwatch.platform.http.JsonBodies;

/**
 * GPS trackers: the operator's registry of them ({@code /api/v1/trackers}), the OsmAnd protocol the
 * trackers (and phones running Traccar Client) send on ({@code /osmand}, the tracker id its only
 * credential), and an operator's Traccar server forwarding its devices' positions and events with
 * the operator's key ({@code /api/v1/traccar/…}).
 */
public final class TrackerRoutes {
  private static final int BODY_LIMIT = 64 * 1024;
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private final Trackers trackers;
  private final TrackerPositions positions;
  private final AlertStore alerts;
  private final EventBus bus;
  private final ServiceClock time;

  public TrackerRoutes(
      Trackers trackers,
      EventParser parser,
      MeterRegistry registry,
      int maxAccuracyMetres,
      AlertStore alerts,
      EventBus bus,
      ServiceClock time) {
    this.trackers = trackers;
    this.positions =
        new TrackerPositions(
            trackers, parser, new TrackerMetrics(registry), time.zone(), maxAccuracyMetres);
    this.alerts = alerts;
    this.bus = bus;
    this.time = time;
  }

  /**
   * The OsmAnd protocol, on the top router: no credentials but the tracker id in the request, so it
   * is outside the API's authenticator.
   */
  public void mountOsmAnd(Router router, GroupCommitWriter writer) {
    mountOsmAnd(router, "/osmand", writer);
  }

  /**
   * The router of the OsmAnd protocol's own port ({@code TW_OSMAND_PORT}): trackers set up for
   * Traccar post to the server's root, so it answers at {@code /} as well as {@code /osmand}.
   */
  public void mountOsmAndPort(Router router, GroupCommitWriter writer) {
    mountOsmAnd(router, "/", writer);
    mountOsmAnd(router, "/osmand", writer);
  }

  private void mountOsmAnd(Router router, String path, GroupCommitWriter writer) {
    allow(router.get(path), anyone()).handler(ctx -> osmAnd(ctx, writer));
    allow(router.post(path), anyone())
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(ctx -> osmAnd(ctx, writer));
  }

  public void mount(Router api, GroupCommitWriter writer) {
    allow(api.post("/trackers"), operatorsAndAdmins())
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(audited("tracker.register", "tracker", null))
        .handler(this::register);
    allow(api.get("/trackers"), operatorsAndAdmins()).handler(this::list);
    allow(api.delete("/trackers/:trackerId"), operatorsAndAdmins())
        .handler(audited("tracker.revoke", "tracker", "trackerId"))
        .handler(this::revoke);
    allow(api.post("/traccar/positions"), operatorKeys())
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(ctx -> traccarPosition(ctx, writer));
    allow(api.post("/traccar/events"), operatorKeys())
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(this::traccarEvent);
  }

  private void register(RoutingContext ctx) {
    Caller caller = Authenticator.caller(ctx);
    JsonObject body =
        JsonBodies.object(ctx, Set.of("vehicleReg", "label", "uniqueId", "operatorId"));
    List<FieldProblem> problems = new ArrayList<>();
    Object reg = body.getValue("vehicleReg");
    if (!(reg instanceof String r) || !r.matches("^[A-Z0-9 ]{2,10}$")) {
      problems.add(
          FieldProblem.at("vehicleReg", "is required: 2 to 10 capital letters, digits or spaces"));
    }
    Object label = body.getValue("label");
    if (label != null && (!(label instanceof String l) || l.length() > 100)) {
      problems.add(FieldProblem.at("label", "must be text of at most 100 characters"));
    }
    Object uniqueId = body.getValue("uniqueId");
    if (uniqueId != null && !(uniqueId instanceof String u && InboundText.idProblem(u) == null)) {
      problems.add(FieldProblem.at("uniqueId", InboundText.ID_RULE));
    }
    Object named = body.getValue("operatorId");
    String operatorId = null;
    if (caller instanceof Caller.OperatorKey key) {
      if (named != null && !key.operatorId().equals(named)) {
        problems.add(
            FieldProblem.at(
                "operatorId", "an operator's key registers trackers for its own operator only"));
      }
      operatorId = key.operatorId();
    } else if (!(named instanceof String n && InboundText.idProblem(n) == null)) {
      problems.add(FieldProblem.at("operatorId", "is required: the operator of the vehicle"));
    } else {
      operatorId = n;
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The tracker cannot be registered.", problems);
    }
    String operator = operatorId;
    trackers
        .operatorExists(operator)
        .compose(
            exists -> {
              if (!exists) {
                throw ApiException.badRequest(
                    "There is no such operator.",
                    List.of(FieldProblem.at("operatorId", "is not an operator of the plan")));
              }
              return trackers.register(
                  operator, (String) reg, (String) label, (String) uniqueId, caller.owner());
            })
        .onSuccess(
            registered -> {
              if (registered.isEmpty()) {
                ctx.fail(
                    ApiException.badRequest(
                        "The uniqueId is taken.",
                        List.of(
                            FieldProblem.at(
                                "uniqueId",
                                "is already a tracker of the operator's: revoke it first"))));
                return;
              }
              ctx.response()
                  .setStatusCode(201)
                  .putHeader("Content-Type", "application/json")
                  .end(
                      new JsonObject()
                          .put("trackerId", registered.get().trackerId())
                          .put("vehicleReg", registered.get().vehicleReg())
                          .encode());
            })
        .onFailure(ctx::fail);
  }

  /** The operator whose trackers the caller reads: a key's own, or the one an admin names. */
  private static String operatorOf(RoutingContext ctx) {
    Caller caller = Authenticator.caller(ctx);
    if (caller instanceof Caller.OperatorKey key) {
      return key.operatorId();
    }
    String named = ctx.queryParams().get("operatorId");
    if (named == null || InboundText.idProblem(named) != null) {
      throw ApiException.badRequest(
          "Which operator?", List.of(FieldProblem.at("operatorId", "is required from an admin")));
    }
    return named;
  }

  private void list(RoutingContext ctx) {
    trackers
        .list(operatorOf(ctx))
        .map(
            found -> {
              JsonArray items = new JsonArray();
              for (Trackers.Tracker t : found) {
                JsonObject j =
                    new JsonObject()
                        .put("trackerId", t.trackerId())
                        .put("operatorId", t.operatorId())
                        .put("vehicleReg", t.vehicleReg())
                        .put("createdAt", Rfc3339.format(t.createdAt(), time.zone()));
                if (t.label() != null) {
                  j.put("label", t.label());
                }
                if (t.uniqueId() != null) {
                  j.put("uniqueId", t.uniqueId());
                }
                items.add(j);
              }
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    Caller caller = Authenticator.caller(ctx);
    String operatorId = caller instanceof Caller.OperatorKey key ? key.operatorId() : null;
    trackers
        .revoke(ctx.pathParam("trackerId"), operatorId)
        .onSuccess(
            revoked -> {
              if (!revoked) {
                // Another operator's tracker is the same 404 as an unknown one.
                ctx.fail(ApiException.notFound("There is no such tracker."));
                return;
              }
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }

  /**
   * A position on the OsmAnd protocol: 200 with no body once stored (or once known to move no run);
   * an unknown or revoked id is a 400 on the query form and a 404 on the JSON form, as Traccar
   * answers them.
   */
  private void osmAnd(RoutingContext ctx, GroupCommitWriter writer) {
    boolean json = isJson(ctx);
    PositionFormats.Report report;
    if (json) {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        body = null;
      }
      if (body == null) {
        throw ApiException.badRequest(
            "The body must be a JSON object.", List.of(FieldProblem.at("", "not a JSON object")));
      }
      report = PositionFormats.osmAndJson(body, time.now());
    } else {
      MultiMap params = MultiMap.caseInsensitiveMultiMap().addAll(ctx.queryParams());
      if (ctx.request().method().name().equals("POST")) {
        params.addAll(ctx.request().formAttributes());
      }
      report = PositionFormats.osmAndQuery(params, time.now());
    }
    trackers
        .byId(report.trackerId())
        .compose(
            tracker -> {
              if (tracker.isEmpty()) {
                String message = "There is no such tracker (unknown, or revoked).";
                throw json
                    ? ApiException.notFound(message)
                    : ApiException.badRequest(
                        message,
                        List.of(FieldProblem.at("id", "is not a tracker TravelWatch knows")));
              }
              return positions.take(
                  tracker.get(), report.position(), TrackerMetrics.OSMAND, writer);
            })
        .onSuccess(outcome -> ctx.response().setStatusCode(200).end())
        .onFailure(ctx::fail);
  }

  private static boolean isJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return true;
    }
    var body = ctx.body() == null ? null : ctx.body().buffer();
    return body != null && body.length() > 0 && body.getByte(0) == '{';
  }

  /** The operator's tracker Traccar names by its device's uniqueId; another's or none is a 403. */
  private Future<Caller.Tracker> forwarded(RoutingContext ctx, JsonObject body) {
    Caller.OperatorKey key = (Caller.OperatorKey) Authenticator.caller(ctx);
    String uniqueId = PositionFormats.traccarUniqueId(body);
    return trackers
        .byUniqueId(key.operatorId(), uniqueId)
        .map(
            found ->
                found.orElseThrow(
                    () ->
                        ApiException.forbidden(
                            "The device's uniqueId is not a tracker of this key's operator:"
                                + " register it first (POST /api/v1/trackers with uniqueId).")));
  }

  private static JsonObject traccarBody(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      throw ApiException.badRequest(
          "The body must be a JSON object.", List.of(FieldProblem.at("", "not a JSON object")));
    }
    InboundText.require(body);
    return body;
  }

  private void traccarPosition(RoutingContext ctx, GroupCommitWriter writer) {
    JsonObject body = traccarBody(ctx);
    Position position = PositionFormats.traccarPosition(body, time.now());
    forwarded(ctx, body)
        .compose(tracker -> positions.take(tracker, position, TrackerMetrics.TRACCAR, writer))
        .onSuccess(outcome -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /**
   * A forwarded event: an {@code alarm} event whose {@code alarm} attribute is {@code sos} raises a
   * critical {@code vehicle.alarm} on the vehicle's run; every other event is accepted and ignored.
   */
  private void traccarEvent(RoutingContext ctx) {
    JsonObject body = traccarBody(ctx);
    Object value = body.getValue("event");
    if (!(value instanceof JsonObject event)) {
      throw ApiException.badRequest(
          "No event.", List.of(FieldProblem.at("event", "is required: an object")));
    }
    Object attributes = event.getValue("attributes");
    Object alarm = attributes instanceof JsonObject a ? a.getValue("alarm") : null;
    boolean sos = "alarm".equals(event.getValue("type")) && "sos".equals(alarm);
    List<FieldProblem> problems = new ArrayList<>();
    Instant at =
        PositionFormats.time(event.getValue("eventTime"), "event.eventTime", time.now(), problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The event cannot be read.", problems);
    }
    forwarded(ctx, body)
        .compose(tracker -> sos ? raiseSos(tracker, at) : Future.succeededFuture())
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private Future<Void> raiseSos(Caller.Tracker tracker, Instant at) {
    LocalDate date = at.atZone(time.zone()).toLocalDate();
    return trackers
        .runOf(tracker, date)
        .compose(
            run -> {
              if (run.isEmpty()) {
                return Future.succeededFuture();
              }
              Condition sos =
                  new Condition(
                      AlertType.VEHICLE_ALARM,
                      run.get(),
                      date,
                      run.get(),
                      tracker.operatorId(),
                      null,
                      null,
                      "Run "
                          + run.get()
                          + ": the vehicle's tracker sent an SOS alarm at "
                          + HH_MM.format(at.atZone(time.zone())));
              return alerts
                  .record(List.of(sos), List.of(), List.of())
                  .map(
                      events -> {
                        LiveEvents.publish(bus, events);
                        return null;
                      });
            });
  }
}
