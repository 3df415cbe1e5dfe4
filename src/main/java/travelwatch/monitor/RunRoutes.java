package travelwatch.monitor;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Role.VIEWER;
import static travelwatch.access.Rule.role;
import static travelwatch.access.Rule.staffOrOwnOperator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import travelwatch.access.Audit;
import travelwatch.access.Authenticator;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.Params;

/** The run board, run detail with its timeline, and "where is my child's bus?" (control role). */
public final class RunRoutes {
  private static final Set<String> STATUSES =
      Set.of("planned", "crew_assigned", "started", "arrived", "completed", "cancelled");
  private static final int PAGE = 1000;

  private final RunBoardStore store;
  private final ServiceClock time;
  private final ZoneId zone;

  public RunRoutes(Pool pool, ServiceClock time) {
    this.store = new RunBoardStore(pool, time.zone());
    this.time = time;
    this.zone = time.zone();
  }

  public void mount(Router api) {
    allow(api.get("/runs"), staffOrOwnOperator(VIEWER)).handler(this::board);
    allow(api.get("/runs/:runId"), staffOrOwnOperator(VIEWER))
        .handler(audited("run.view", "run", "runId"))
        .handler(this::detail);
    allow(api.get("/pupils/:pupilId/today"), role(VIEWER))
        .handler(audited("pupil.lookup", Audit.PUPIL, "pupilId"))
        .handler(this::pupilToday);
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
        .map(
            d -> {
              JsonArray stops = new JsonArray();
              for (RunBoardStore.StopView s : d.stops()) {
                stops.add(
                    new JsonObject()
                        .put("id", s.id())
                        .put("seq", s.seq())
                        .put("lat", s.lat())
                        .put("lon", s.lon())
                        .put("plannedTime", Rfc3339.format(s.plannedTime(), zone))
                        .put("pickups", new JsonArray(s.pickups()))
                        .put("dropoffs", new JsonArray(s.dropoffs())));
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
              return RunJson.of(d.run(), zone).put("stops", stops).put("timeline", timeline);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void pupilToday(RoutingContext ctx) {
    String pupilId = ctx.pathParam("pupilId");
    LocalDate today = today();
    store
        .pupilRuns(pupilId, today)
        .map(
            runs -> {
              if (runs.isEmpty()) {
                throw ApiException.notFound("Pupil " + pupilId + " has no run today.");
              }
              JsonArray items = new JsonArray();
              for (RunBoardStore.PupilRun r : runs) {
                JsonObject item = RunJson.of(r.run(), zone);
                putStop(item, "pickupStop", r.pickup());
                putStop(item, "dropoffStop", r.dropoff());
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
                  .put("pupilId", pupilId)
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
