package travelwatch.audit;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Role.ADMIN;
import static travelwatch.access.Rule.role;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.Params;

/**
 * {@code GET /api/v1/audit} (admins): the trail, newest first, by days, actor, action and pupil; as
 * JSON pages or as CSV. There is no route that changes or deletes an entry.
 */
public final class AuditRoutes {
  private static final int PAGE = 1000;
  private static final int CSV_PAGE = 100_000;

  private final AuditStore store;
  private final ServiceClock time;

  public AuditRoutes(AuditStore store, ServiceClock time) {
    this.store = store;
    this.time = time;
  }

  public void mount(Router api) {
    allow(api.get("/audit"), role(ADMIN)).handler(this::search);
  }

  private void search(RoutingContext ctx) {
    var q = ctx.queryParams();
    LocalDate to = Params.date("to", q.get("to"), time.today());
    LocalDate from = Params.date("from", q.get("from"), to.minusDays(6));
    if (to.isBefore(from)) {
      throw ApiException.badRequest(
          "The range ends before it starts.", List.of(FieldProblem.at("to", "is before from")));
    }
    String format = q.get("format");
    if (format != null && !format.equals("csv") && !format.equals("json")) {
      throw ApiException.badRequest(
          "Unknown format.", List.of(FieldProblem.at("format", "must be json or csv")));
    }
    boolean csv = "csv".equals(format);
    Long before = before(q.get("before"));
    int limit = csv ? CSV_PAGE : PAGE;
    AuditStore.Query query =
        new AuditStore.Query(
            from.atStartOfDay(time.zone()).toInstant(),
            to.plusDays(1).atStartOfDay(time.zone()).toInstant(),
            blankToNull(q.get("actor")),
            blankToNull(q.get("action")),
            blankToNull(q.get("pupilId")),
            before,
            limit + 1);
    store
        .search(query)
        .onSuccess(
            found -> {
              List<AuditStore.Stored> page = found.subList(0, Math.min(limit, found.size()));
              String next =
                  found.size() > limit ? nextLink(ctx, page.get(page.size() - 1).id()) : null;
              if (csv) {
                if (next != null) {
                  ctx.response().putHeader("Link", "<" + next + ">; rel=\"next\"");
                }
                ctx.response()
                    .putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader(
                        "Content-Disposition",
                        "attachment; filename=\"audit-" + from + "-to-" + to + ".csv\"")
                    .end(AuditCsv.write(page, time.zone()));
              } else {
                JsonArray items = new JsonArray();
                page.forEach(e -> items.add(json(e)));
                JsonObject body = new JsonObject().put("items", items);
                if (next != null) {
                  body.put("next", next);
                }
                ctx.json(body);
              }
            })
        .onFailure(ctx::fail);
  }

  private JsonObject json(AuditStore.Stored e) {
    JsonObject j =
        new JsonObject()
            .put("id", e.id())
            .put("at", Rfc3339.format(e.at(), time.zone()))
            .put("actor", e.actor())
            .put("action", e.action());
    putIf(j, "address", e.address());
    putIf(j, "objectType", e.objectType());
    putIf(j, "objectId", e.objectId());
    putIf(j, "pupilId", e.pupilId());
    return j;
  }

  /** The same search from the entry before {@code lastId}. */
  private static String nextLink(RoutingContext ctx, long lastId) {
    Map<String, String> params = new TreeMap<>();
    ctx.queryParams().forEach(e -> params.put(e.getKey(), e.getValue()));
    params.put("before", Long.toString(lastId));
    StringBuilder link = new StringBuilder("/api/v1/audit?");
    params.forEach(
        (k, v) ->
            link.append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
    return link.substring(0, link.length() - 1);
  }

  private static Long before(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "Bad before.", List.of(FieldProblem.at("before", "must be an entry id (a number)")));
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static void putIf(JsonObject j, String key, Object value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
