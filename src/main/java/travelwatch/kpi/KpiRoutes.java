package travelwatch.kpi;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Role.MANAGER;
import static travelwatch.access.Rule.role;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.List;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.Params;

/**
 * {@code /api/v1/kpi/…} for managers and above: the weekly snapshot (JSON as openapi.yaml's
 * WeeklyKpi schema, or CSV), a recompute that stores a new version, the latest snapshot of each
 * week in a range, and a day's figures.
 */
public final class KpiRoutes {
  private final KpiStore store;

  KpiRoutes(KpiStore store) {
    this.store = store;
  }

  public void mount(Router api) {
    allow(api.get("/kpi/weekly"), role(MANAGER)).handler(this::weeklyBetween);
    allow(api.get("/kpi/weekly/:weekEnding"), role(MANAGER)).handler(this::weekly);
    allow(api.post("/kpi/weekly/:weekEnding"), role(MANAGER))
        .handler(audited("kpi.recompute", "week", "weekEnding"))
        .handler(this::recompute);
    allow(api.get("/kpi/daily/:date"), role(MANAGER)).handler(this::daily);
  }

  private void weekly(RoutingContext ctx) {
    WeekEnding week = weekEnding(ctx);
    boolean csv = csv(ctx);
    String version = ctx.queryParams().get("version");
    Future<WeeklySnapshot> snapshot =
        version == null
            ? store.weekly(week)
            : store
                .weekly(week, version(version))
                .map(
                    found ->
                        found.orElseThrow(
                            () ->
                                ApiException.notFound(
                                    "The week ending "
                                        + week
                                        + " has no version "
                                        + version
                                        + ".")));
    snapshot.onSuccess(s -> send(ctx, s, csv)).onFailure(ctx::fail);
  }

  private void recompute(RoutingContext ctx) {
    WeekEnding week = weekEnding(ctx);
    boolean csv = csv(ctx);
    store.recomputeWeekly(week).onSuccess(s -> send(ctx, s, csv)).onFailure(ctx::fail);
  }

  private void weeklyBetween(RoutingContext ctx) {
    LocalDate from = Params.date("from", ctx.queryParams().get("from"));
    LocalDate to = Params.date("to", ctx.queryParams().get("to"));
    if (to.isBefore(from)) {
      throw ApiException.badRequest(
          "The range ends before it starts.", List.of(FieldProblem.at("to", "is before from")));
    }
    store
        .weeklyBetween(from, to)
        .onSuccess(
            snapshots -> {
              JsonArray items = new JsonArray();
              snapshots.forEach(s -> items.add(KpiJson.weekly(s)));
              ctx.json(new JsonObject().put("items", items));
            })
        .onFailure(ctx::fail);
  }

  private void daily(RoutingContext ctx) {
    LocalDate date = Params.date("date", ctx.pathParam("date"));
    store.daily(date).onSuccess(s -> ctx.json(KpiJson.daily(s))).onFailure(ctx::fail);
  }

  private static void send(RoutingContext ctx, WeeklySnapshot s, boolean csv) {
    if (csv) {
      ctx.response()
          .putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader(
              "Content-Disposition",
              "attachment; filename=\"kpi-week-ending-" + s.weekEnding() + ".csv\"")
          .end(KpiCsv.weekly(s));
    } else {
      ctx.json(KpiJson.weekly(s));
    }
  }

  private static WeekEnding weekEnding(RoutingContext ctx) {
    LocalDate date = Params.date("weekEnding", ctx.pathParam("weekEnding"));
    try {
      return WeekEnding.of(date);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "A week is named by the Friday it ends on.",
          List.of(FieldProblem.at("weekEnding", e.getMessage())));
    }
  }

  private static boolean csv(RoutingContext ctx) {
    String format = ctx.queryParams().get("format");
    if (format == null || format.equals("json")) {
      return false;
    }
    if (format.equals("csv")) {
      return true;
    }
    throw ApiException.badRequest(
        "Unknown format.", List.of(FieldProblem.at("format", "must be json or csv")));
  }

  private static int version(String text) {
    try {
      int version = Integer.parseInt(text);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // falls through to the problem below
    }
    throw ApiException.badRequest(
        "Bad version.", List.of(FieldProblem.at("version", "must be a whole number from 1")));
  }
}
