package travelwatch.monitor;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.VIEWER;
import static travelwatch.access.Rule.role;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;

/** The run board, run detail with its timeline, and "where is my child's bus?" (control role). */
public final class RunRoutes {
  private static final Set<String> STATUSES =
      Set.of("planned", "crew_assigned", "started", "arrived", "completed", "cancelled");
  private static final int PAGE = 1000;

  private final Pool pool;
  private final Clock clock;
  private final ZoneId zone;

  public RunRoutes(Pool pool, Clock clock, ZoneId zone) {
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
  }

  public void mount(Router api) {
    allow(api.get("/runs"), role(VIEWER)).handler(this::board);
    allow(api.get("/runs/:runId"), role(VIEWER)).handler(this::detail);
    allow(api.get("/pupils/:pupilId/today"), role(VIEWER)).handler(this::pupilToday);
  }

  private LocalDate today() {
    return clock.instant().atZone(zone).toLocalDate();
  }

  private void board(RoutingContext ctx) {
    LocalDate date = date(ctx.queryParams().get("date"), "date");
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.badRequest(
          "Unknown status.", List.of(FieldProblem.at("status", "must be one of " + STATUSES)));
    }
    String operatorId = ctx.queryParams().get("operatorId");
    String after = ctx.queryParams().get("after");
    pool.preparedQuery(RunBoardSql.BOARD)
        .execute(
            Tuple.wrap(new ArrayList<>(Arrays.asList(date, status, operatorId, after, PAGE + 1))))
        .onSuccess(
            rows -> {
              JsonArray items = new JsonArray();
              String last = null;
              for (Row r : rows) {
                if (items.size() == PAGE) {
                  break;
                }
                items.add(run(r));
                last = r.getString("id");
              }
              JsonObject body = new JsonObject().put("items", items);
              if (rows.size() > PAGE) {
                body.put(
                    "next",
                    "/api/v1/runs?date="
                        + date
                        + (status == null ? "" : "&status=" + status)
                        + (operatorId == null ? "" : "&operatorId=" + operatorId)
                        + "&after="
                        + last);
              }
              json(ctx, body);
            })
        .onFailure(ctx::fail);
  }

  private void detail(RoutingContext ctx) {
    String runId = ctx.pathParam("runId");
    Future<RowSet<Row>> run = pool.preparedQuery(RunBoardSql.ONE).execute(Tuple.of(runId));
    Future<RowSet<Row>> stops = pool.preparedQuery(RunBoardSql.STOPS).execute(Tuple.of(runId));
    Future<RowSet<Row>> timeline =
        pool.preparedQuery(RunBoardSql.TIMELINE).execute(Tuple.of(runId));
    Future.all(run, stops, timeline)
        .onSuccess(
            all -> {
              if (run.result().size() == 0) {
                ctx.fail(ApiException.notFound("There is no run " + runId + "."));
                return;
              }
              Row r = run.result().iterator().next();
              JsonObject body = run(r);
              JsonArray stopJson = new JsonArray();
              LocalDate date = r.getLocalDate("service_date");
              for (Row s : stops.result()) {
                stopJson.add(
                    new JsonObject()
                        .put("id", s.getString("id"))
                        .put("seq", s.getInteger("seq"))
                        .put("lat", s.getDouble("lat"))
                        .put("lon", s.getDouble("lon"))
                        .put(
                            "plannedTime",
                            Rfc3339.format(
                                date.atTime(s.getLocalTime("planned_time"))
                                    .atZone(zone)
                                    .toInstant(),
                                zone))
                        .put("pickups", new JsonArray(List.of(s.getArrayOfStrings("pickups"))))
                        .put("dropoffs", new JsonArray(List.of(s.getArrayOfStrings("dropoffs")))));
              }
              JsonArray events = new JsonArray();
              for (Row e : timeline.result()) {
                JsonObject fields = new JsonObject(e.getString("body"));
                fields.remove("eventId");
                fields.remove("type");
                fields.remove("occurredAt");
                JsonObject item =
                    new JsonObject()
                        .put("eventId", e.getString("event_id"))
                        .put("type", e.getString("type"))
                        .put("occurredAt", time(e.getOffsetDateTime("occurred_at")))
                        .put("receivedAt", time(e.getOffsetDateTime("received_at")));
                item.mergeIn(fields);
                events.add(item);
              }
              json(ctx, body.put("stops", stopJson).put("timeline", events));
            })
        .onFailure(ctx::fail);
  }

  private void pupilToday(RoutingContext ctx) {
    String pupilId = ctx.pathParam("pupilId");
    LocalDate today = today();
    Future<RowSet<Row>> runs =
        pool.preparedQuery(RunBoardSql.PUPIL_TODAY).execute(Tuple.of(pupilId, today));
    Future<RowSet<Row>> stops =
        pool.preparedQuery(RunBoardSql.PUPIL_STOPS).execute(Tuple.of(pupilId, today));
    Future<RowSet<Row>> events =
        pool.preparedQuery(RunBoardSql.PUPIL_EVENTS).execute(Tuple.of(pupilId, today));
    Future.all(runs, stops, events)
        .onSuccess(
            all -> {
              JsonArray items = new JsonArray();
              for (Row r : runs.result()) {
                JsonObject item = run(r);
                String runId = r.getString("id");
                for (Row s : stops.result()) {
                  if (s.getString("run_id").equals(runId)) {
                    String key =
                        "pickup".equals(s.getString("action")) ? "pickupStop" : "dropoffStop";
                    item.put(
                        key,
                        new JsonObject()
                            .put("id", s.getString("id"))
                            .put(
                                "plannedTime",
                                Rfc3339.format(
                                    today
                                        .atTime(s.getLocalTime("planned_time"))
                                        .atZone(zone)
                                        .toInstant(),
                                    zone)));
                  }
                }
                JsonArray pupilEvents = new JsonArray();
                for (Row e : events.result()) {
                  if (runId.equals(e.getString("run_id"))) {
                    JsonObject pe =
                        new JsonObject()
                            .put("type", e.getString("type"))
                            .put("occurredAt", time(e.getOffsetDateTime("occurred_at")));
                    if (e.getString("stop_id") != null) {
                      pe.put("stopId", e.getString("stop_id"));
                    }
                    pupilEvents.add(pe);
                  }
                }
                items.add(item.put("pupilEvents", pupilEvents));
              }
              if (items.isEmpty()) {
                ctx.fail(ApiException.notFound("Pupil " + pupilId + " has no run today."));
                return;
              }
              json(
                  ctx,
                  new JsonObject()
                      .put("pupilId", pupilId)
                      .put("date", today.toString())
                      .put("items", items));
            })
        .onFailure(ctx::fail);
  }

  private JsonObject run(Row r) {
    LocalDate date = r.getLocalDate("service_date");
    JsonObject j =
        new JsonObject()
            .put("id", r.getString("id"))
            .put("routeId", r.getString("route_id"))
            .put("operatorId", r.getString("operator_id"))
            .put("schoolId", r.getString("school_id"))
            .put("date", date.toString())
            .put("direction", r.getString("direction"))
            .put("status", r.getString("status"))
            .put(
                "arriveBy",
                Rfc3339.format(
                    date.atTime(r.getLocalTime("arrive_by")).atZone(zone).toInstant(), zone));
    if (r.getOffsetDateTime("eta") != null
        && !"arrived".equals(r.getString("status"))
        && !"completed".equals(r.getString("status"))) {
      j.put("eta", time(r.getOffsetDateTime("eta")));
    }
    if (r.getInteger("minutes_late") != null) {
      j.put("minutesLate", r.getInteger("minutes_late"));
    }
    for (String[] f :
        new String[][] {
          {"driver_id", "driverId"}, {"guide_id", "guideId"}, {"vehicle_reg", "vehicleReg"}
        }) {
      if (r.getString(f[0]) != null) {
        j.put(f[1], r.getString(f[0]));
      }
    }
    return j.put("openAlerts", r.getLong("open_alerts"));
  }

  private String time(OffsetDateTime t) {
    return Rfc3339.format(t, zone);
  }

  private LocalDate date(String text, String field) {
    if (text == null) {
      return today();
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "Bad date.", List.of(FieldProblem.at(field, "must be a date YYYY-MM-DD")));
    }
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
