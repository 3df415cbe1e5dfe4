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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import travelwatch.access.Authenticator;
import travelwatch.config.MonitorSettings;
import travelwatch.kpi.KpiJson;
import travelwatch.kpi.Percentage;
import travelwatch.monitor.CrewCompliance.OperatorCompliance;
import travelwatch.plan.Plan;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.PlanStore;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;

/**
 * The control room's phones and compliance panels (control role): {@code GET /api/v1/calls/today}
 * (offered, answered, abandoned and answer rate today and over the calls window, calls waiting and
 * the longest wait) and {@code GET /api/v1/compliance} (crew not cleared, invalid DBS, badges
 * expiring, by operator; crew ids only); and the plan's schools and operators for the map, the
 * filters and the operators' phones ({@code GET /api/v1/schools}, {@code GET /api/v1/operators}).
 */
public final class ControlRoomRoutes {
  private final CallsStore calls;
  private final PlanStore plan;
  private final MonitorStore events;
  private final ServiceClock time;
  private final ZoneId zone;
  private final MonitorSettings settings;

  public ControlRoomRoutes(
      Pool pool, PlanStore plan, MonitorStore events, ServiceClock time, MonitorSettings settings) {
    this.calls = new CallsStore(pool);
    this.plan = plan;
    this.events = events;
    this.time = time;
    this.zone = time.zone();
    this.settings = settings;
  }

  public void mount(Router api) {
    allow(api.get("/calls/today"), role(VIEWER)).handler(this::calls);
    allow(api.get("/compliance"), staffOrOwnOperator(VIEWER)).handler(this::compliance);
    allow(api.get("/schools"), role(VIEWER)).handler(this::schools);
    allow(api.get("/operators"), role(VIEWER)).handler(this::operators);
  }

  /** The plan's schools and where they are, for the map and the filters. */
  private void schools(RoutingContext ctx) {
    plan.schools()
        .map(
            schools -> {
              JsonArray items = new JsonArray();
              schools.forEach(
                  s ->
                      items.add(
                          new JsonObject()
                              .put("id", s.id())
                              .put("name", s.name())
                              .put("lat", s.lat())
                              .put("lon", s.lon())));
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  /** The plan's operators and how the control room reaches them. */
  private void operators(RoutingContext ctx) {
    plan.operators()
        .map(
            operators -> {
              JsonArray items = new JsonArray();
              for (Plan.Operator o : operators) {
                JsonObject item = new JsonObject().put("id", o.id()).put("name", o.name());
                if (o.phone() != null) {
                  item.put("phone", o.phone());
                }
                if (o.controlRoomEmail() != null) {
                  item.put("controlRoomEmail", o.controlRoomEmail());
                }
                items.add(item);
              }
              return new JsonObject().put("items", items);
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void calls(RoutingContext ctx) {
    Instant now = time.now();
    LocalDate today = time.dateOf(now);
    Duration window = settings.callWindow();
    calls
        .today(today, now.minus(window), now)
        .map(
            c -> {
              JsonObject body =
                  new JsonObject()
                      .put("date", today.toString())
                      .put("at", Rfc3339.format(now.truncatedTo(ChronoUnit.SECONDS), zone))
                      .put("today", calls(c.offered(), c.answered(), c.abandoned()))
                      .put(
                          "window",
                          calls(c.windowOffered(), c.windowAnswered(), c.windowAbandoned())
                              .put("minutes", window.toMinutes()))
                      .put("waiting", c.waiting())
                      .put(
                          "longestWaitSeconds",
                          c.longestWaitingSince() == null
                              ? 0
                              : Duration.between(c.longestWaitingSince(), now).toSeconds());
              if (c.longestWaitingSince() != null) {
                body.put("longestWaitingSince", Rfc3339.format(c.longestWaitingSince(), zone));
              }
              return body;
            })
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private static JsonObject calls(long offered, long answered, long abandoned) {
    return new JsonObject()
        .put("offered", offered)
        .put("answered", answered)
        .put("abandoned", abandoned)
        .put("answerRate", KpiJson.percentage(new Percentage(answered, offered)));
  }

  private void compliance(RoutingContext ctx) {
    // An operator's key reads its own crew, whatever operatorId it asks for.
    String operatorId =
        Authenticator.caller(ctx).operatorScope().orElse(ctx.queryParams().get("operatorId"));
    LocalDate today = time.today();
    Future<List<Crew>> crew = plan.crew();
    Future<List<Observation>> reported = events.crewEvents();
    Future.all(crew, reported)
        .onSuccess(
            all -> {
              CrewRegistry registry = new CrewRegistry();
              crew.result().forEach(registry::register);
              reported.result().forEach(registry::apply);
              JsonArray operators = new JsonArray();
              JsonObject totals =
                  new JsonObject()
                      .put("crew", 0)
                      .put("notCleared", 0)
                      .put("dbsInvalid", 0)
                      .put("badgesExpiring", 0);
              for (OperatorCompliance o :
                  CrewCompliance.of(registry, today, settings.dbsMaxAgeYears())) {
                if (operatorId != null && !operatorId.equals(o.operatorId())) {
                  continue;
                }
                operators.add(operator(o));
                add(totals, "crew", o.crew());
                add(totals, "notCleared", o.notCleared().size());
                add(totals, "dbsInvalid", o.dbsInvalid().size());
                add(totals, "badgesExpiring", o.badgesExpiring().size());
              }
              ctx.json(
                  new JsonObject()
                      .put("date", today.toString())
                      .put("badgeWarningDays", CrewCompliance.BADGE_WARNING_DAYS)
                      .put("dbsMaxAgeYears", settings.dbsMaxAgeYears())
                      .put("totals", totals)
                      .put("operators", operators));
            })
        .onFailure(ctx::fail);
  }

  private static JsonObject operator(OperatorCompliance o) {
    return new JsonObject()
        .put("operatorId", o.operatorId())
        .put("crew", o.crew())
        .put(
            "notCleared",
            new JsonArray(o.notCleared().stream().map(c -> crew(c.crewId(), c.role())).toList()))
        .put(
            "dbsInvalid",
            new JsonArray(
                o.dbsInvalid().stream()
                    .map(c -> crew(c.crewId(), c.role()).put("problem", c.problem()))
                    .toList()))
        .put(
            "badgesExpiring",
            new JsonArray(
                o.badgesExpiring().stream()
                    .map(
                        c ->
                            crew(c.crewId(), c.role())
                                .put("expiresOn", c.expiresOn().toString())
                                .put("daysLeft", c.daysLeft()))
                    .toList()));
  }

  /** Crew by id and role only: the panel never shows names. */
  private static JsonObject crew(String crewId, CrewRole role) {
    return new JsonObject().put("crewId", crewId).put("role", role.name().toLowerCase(Locale.ROOT));
  }

  private static void add(JsonObject totals, String key, int n) {
    totals.put(key, totals.getInteger(key) + n);
  }
}
