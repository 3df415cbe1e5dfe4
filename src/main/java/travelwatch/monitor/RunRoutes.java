package travelwatch.monitor;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.VIEWER;
import static travelwatch.access.Rule.role;
import static travelwatch.access.Rule.staffOrOwnOperator;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import travelwatch.access.Authenticator;
import travelwatch.alert.Alert;
import travelwatch.alert.AlertStore;
import travelwatch.config.MonitorSettings;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.PlanStore;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.Params;

/**
 * The run board, run detail with its timeline, every started run's latest position (the map), and
 * "where is my child's bus?" (control role).
 */
public final class RunRoutes {
  private static final Set<String> STATUSES =
      Set.of("planned", "crew_assigned", "started", "arrived", "completed", "cancelled");
  private static final int PAGE = 1000;

  private final RunBoardStore store;
  private final ServiceClock time;
  private final ZoneId zone;
  private final AlertStore alerts;
  private final PlanStore plan;
  private final MonitorStore events;
  private final MonitorSettings settings;

  public RunRoutes(
      Pool pool,
      ServiceClock time,
      AlertStore alerts,
      PlanStore plan,
      MonitorStore events,
      MonitorSettings settings) {
    this.store = new RunBoardStore(pool, time.zone());
    this.time = time;
    this.zone = time.zone();
    this.alerts = alerts;
    this.plan = plan;
    this.events = events;
    this.settings = settings;
  }

  public void mount(Router api) {
    allow(api.get("/runs"), staffOrOwnOperator(VIEWER)).handler(this::board);
    allow(api.get("/runs/:runId"), staffOrOwnOperator(VIEWER)).handler(this::detail);
    allow(api.get("/positions"), staffOrOwnOperator(VIEWER)).handler(this::positions);
    allow(api.get("/pupils/:pupilId/today"), role(VIEWER)).handler(this::pupilToday);
  }

  private LocalDate today() {
    return time.today();
  }

  private void board(RoutingContext ctx) {
    LocalDate date = Params.date("date", ctx.queryParams().get("date"), today());
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.badRequest(
          "Unknown status.", List.of(FieldProblem.at("status", "must be one of " + STATUSES)));
    }
    Optional<String> own = Authenticator.caller(ctx).operatorScope();
    // An operator's key reads its own runs, whatever operatorId it asks for.
    String operatorId = own.orElse(ctx.queryParams().get("operatorId"));
    store
        .board(date, status, operatorId, ctx.queryParams().get("after"), PAGE + 1)
        .map(
            runs -> {
              JsonArray items = new JsonArray();
              runs.stream().limit(PAGE).forEach(r -> items.add(RunJson.of(r, zone)));
              JsonObject body = new JsonObject().put("items", items);
              if (runs.size() > PAGE) {
                body.put(
                    "next",
                    "/api/v1/runs?date="
                        + date
                        + (status == null ? "" : "&status=" + status)
                        + (operatorId == null ? "" : "&operatorId=" + operatorId)
                        + "&after="
                        + runs.get(PAGE - 1).id());
              }
              return body;
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void detail(RoutingContext ctx) {
    String runId = ctx.pathParam("runId");
    Optional<String> own = Authenticator.caller(ctx).operatorScope();
    store
        .detail(runId)
        .map(
            found ->
                found
                    .filter(d -> own.isEmpty() || own.get().equals(d.run().operatorId()))
                    .orElseThrow(
                        () ->
                            ApiException.notFound(
                                own.isPresent()
                                    // The same answer for another operator's run and no run.
                                    ? "There is no run " + runId + " of yours."
                                    : "There is no run " + runId + ".")))
        .compose(
            d -> {
              Map<String, String> crewOnRun = crewOnRun(d);
              List<String> ids = List.copyOf(crewOnRun.keySet());
              Future<List<Crew>> registered = plan.crew(ids);
              Future<List<Observation>> reported = events.crewEventsOf(ids);
              Future<List<Alert>> ofRun =
                  alerts.list(
                      new AlertStore.Filter(null, null, null, null, runId, null, 1000, null, null));
              return Future.all(registered, reported, ofRun)
                  .map(
                      all -> {
                        CrewRegistry registry = new CrewRegistry();
                        registered.result().forEach(registry::register);
                        reported.result().forEach(registry::apply);
                        return detailJson(d, crewOnRun, registry, ofRun.result());
                      });
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  /** The run's crew (as assigned or started, else as planned), by id, with the role they fill. */
  private static Map<String, String> crewOnRun(RunBoardStore.RunDetail d) {
    Map<String, String> crew = new LinkedHashMap<>();
    String driver = d.run().driverId() != null ? d.run().driverId() : d.plannedDriverId();
    String guide = d.run().guideId() != null ? d.run().guideId() : d.plannedGuideId();
    if (driver != null) {
      crew.put(driver, "driver");
    }
    if (guide != null) {
      crew.putIfAbsent(guide, "guide");
    }
    return crew;
  }

  private JsonObject detailJson(
      RunBoardStore.RunDetail d,
      Map<String, String> crewOnRun,
      CrewRegistry registry,
      List<Alert> ofRun) {
    List<RunProgress.Happened> happened = new ArrayList<>();
    for (RunBoardStore.TimelineEntry e : d.timeline()) {
      JsonObject f = e.fields();
      happened.add(
          new RunProgress.Happened(
              e.type(),
              e.occurredAt(),
              f.getValue("stopId") instanceof String stop ? stop : null,
              f.getValue("pupilId") instanceof String pupil ? pupil : null,
              f.getValue("reason") instanceof String reason ? reason : null,
              f.getValue("lat") instanceof Number lat ? lat.doubleValue() : null,
              f.getValue("lon") instanceof Number lon ? lon.doubleValue() : null));
    }
    List<RunProgress.StopPupils> plannedStops = new ArrayList<>();
    for (RunBoardStore.StopView s : d.stops()) {
      plannedStops.add(
          new RunProgress.StopPupils(s.id(), s.lat(), s.lon(), s.pickups(), s.dropoffs()));
    }
    List<RunProgress.StopProgress> progress = RunProgress.of(plannedStops, happened);
    JsonArray stops = new JsonArray();
    for (int i = 0; i < d.stops().size(); i++) {
      RunBoardStore.StopView s = d.stops().get(i);
      RunProgress.StopProgress p = progress.get(i);
      JsonObject stop =
          new JsonObject()
              .put("id", s.id())
              .put("seq", s.seq())
              .put("lat", s.lat())
              .put("lon", s.lon())
              .put("plannedTime", Rfc3339.format(s.plannedTime(), zone))
              .put("pickups", new JsonArray(s.pickups()))
              .put("dropoffs", new JsonArray(s.dropoffs()));
      putTime(stop, "reachedAt", p.reachedAt());
      putTime(stop, "leftAt", p.leftAt());
      JsonArray pupils = new JsonArray();
      for (RunProgress.PupilAtStop pupil : p.pupils()) {
        JsonObject j =
            new JsonObject()
                .put("pupilId", pupil.pupilId())
                .put("action", pupil.action())
                .put("state", pupil.state());
        if (pupil.reason() != null) {
          j.put("reason", pupil.reason());
        }
        putTime(j, "at", pupil.at());
        pupils.add(j);
      }
      stops.add(stop.put("pupils", pupils));
    }
    JsonArray timeline = new JsonArray();
    for (RunBoardStore.TimelineEntry e : d.timeline()) {
      timeline.add(
          new JsonObject()
              .put("eventId", e.eventId())
              .put("type", e.type())
              .put("occurredAt", Rfc3339.format(e.occurredAt(), zone))
              .put("receivedAt", Rfc3339.format(e.receivedAt(), zone))
              .put("source", e.source())
              .mergeIn(e.fields()));
    }
    JsonArray crew = new JsonArray();
    crewOnRun.forEach(
        (crewId, role) ->
            crew.add(
                crewJson(
                    CrewCompliance.onRun(
                        registry,
                        crewId,
                        role,
                        d.run().operatorId(),
                        d.run().date(),
                        settings.dbsMaxAgeYears()))));
    JsonArray alertItems = new JsonArray();
    ofRun.forEach(a -> alertItems.add(a.toJson(zone)));
    JsonArray path = new JsonArray();
    RunProgress.path(happened)
        .forEach(
            f -> path.add(RunJson.position(new RunView.Position(f.lat(), f.lon(), f.at()), zone)));
    RunBoardStore.OperatorContact o = d.operator();
    JsonObject operator = new JsonObject().put("id", o.id()).put("name", o.name());
    if (o.phone() != null) {
      operator.put("phone", o.phone());
    }
    if (o.controlRoomEmail() != null) {
      operator.put("controlRoomEmail", o.controlRoomEmail());
    }
    RunBoardStore.SchoolPlace school = d.school();
    return RunJson.of(d.run(), zone)
        .put("operator", operator)
        .put(
            "school",
            new JsonObject()
                .put("id", school.id())
                .put("name", school.name())
                .put("lat", school.lat())
                .put("lon", school.lon()))
        .put("crew", crew)
        .put("stops", stops)
        .put("alerts", alertItems)
        .put("timeline", timeline)
        .put("path", path);
  }

  private static JsonObject crewJson(CrewCompliance.OnRun c) {
    JsonObject j = new JsonObject().put("crewId", c.crewId()).put("role", c.role());
    c.dbsOutcome().ifPresent(o -> j.put("dbsOutcome", o.name().toLowerCase(Locale.ROOT)));
    j.put("hrCleared", c.hrCleared());
    c.badgeExpiresOn().ifPresent(b -> j.put("badgeExpiresOn", b.toString()));
    return j.put("compliant", c.compliant()).put("problems", new JsonArray(c.problems()));
  }

  private void putTime(JsonObject j, String key, Instant at) {
    if (at != null) {
      j.put(key, Rfc3339.format(at, zone));
    }
  }

  /** The latest position of every started run of a day, for the map. */
  private void positions(RoutingContext ctx) {
    LocalDate date = Params.date("date", ctx.queryParams().get("date"), today());
    String operatorId = Authenticator.caller(ctx).operatorScope().orElse(null);
    store
        .positions(date, operatorId)
        .map(
            found -> {
              JsonArray items = new JsonArray();
              found.forEach(p -> items.add(positionJson(p, zone)));
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private static JsonObject positionJson(RunBoardStore.RunPosition p, ZoneId zone) {
    return RunJson.positionEntry(
        p.runId(),
        p.operatorId(),
        p.schoolId(),
        p.status(),
        p.minutesLate(),
        p.feedSilent(),
        p.position(),
        zone);
  }

  private void pupilToday(RoutingContext ctx) {
    String reference = ctx.pathParam("pupilId");
    LocalDate today = today();
    store
        .pupilRuns(reference, today)
        .map(
            found -> {
              RunBoardStore.PupilDay day =
                  found.orElseThrow(
                      () -> ApiException.notFound("There is no pupil " + reference + "."));
              if (day.runs().isEmpty()) {
                throw ApiException.notFound("Pupil " + day.pupilId() + " has no run today.");
              }
              JsonArray items = new JsonArray();
              for (RunBoardStore.PupilRun r : day.runs()) {
                JsonObject item = RunJson.of(r.run(), zone);
                putStop(item, "pickupStop", r.pickup());
                putStop(item, "dropoffStop", r.dropoff());
                RunBoardStore.PupilStop own = r.ownStop();
                if (own != null) {
                  item.put(
                      "stop",
                      new JsonObject()
                          .put("id", own.stopId())
                          .put("seq", own.seq())
                          .put("plannedTime", Rfc3339.format(own.plannedTime(), zone)));
                }
                RunBoardStore.PupilJourney journey = r.journey();
                item.put("pupilState", journey == null ? "expected" : journey.pupilState());
                if (journey != null) {
                  putTime(item, "stopEta", journey.stopEta());
                  if (journey.cancellationReason() != null
                      && "cancelled".equals(r.run().status())) {
                    item.put("cancellationReason", journey.cancellationReason());
                  }
                  if (journey.operatorPhone() != null) {
                    item.put("operatorPhone", journey.operatorPhone());
                  }
                }
                JsonArray pupilEvents = new JsonArray();
                for (RunBoardStore.PupilEvent e : r.pupilEvents()) {
                  JsonObject pe =
                      new JsonObject()
                          .put("type", e.type())
                          .put("occurredAt", Rfc3339.format(e.occurredAt(), zone));
                  if (e.stopId() != null) {
                    pe.put("stopId", e.stopId());
                  }
                  pupilEvents.add(pe);
                }
                items.add(item.put("pupilEvents", pupilEvents));
              }
              return new JsonObject()
                  .put("pupilId", day.pupilId())
                  .put("date", today.toString())
                  .put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void putStop(JsonObject item, String key, RunBoardStore.PupilStop stop) {
    if (stop != null) {
      item.put(
          key,
          new JsonObject()
              .put("id", stop.stopId())
              .put("plannedTime", Rfc3339.format(stop.plannedTime(), zone)));
    }
  }
}
