package travelwatch.school;

import static travelwatch.access.Access.allow;
import static travelwatch.access.Audit.audited;
import static travelwatch.access.Rule.schoolOr;
import static travelwatch.access.Rule.schoolStaff;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import travelwatch.access.Authenticator;
import travelwatch.access.Caller;
import travelwatch.access.Role;
import travelwatch.alert.AlertStore;
import travelwatch.alert.AlertType;
import travelwatch.alert.Condition;
import travelwatch.live.LiveEvents;
import travelwatch.live.LiveEvents.LiveEvent;
import travelwatch.monitor.RunBoard;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.http.ApiException;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.JsonBodies;

/**
 * Schools: a school's staff (and the control room) see today's runs to and from the school with
 * each pupil's state, and the school reports what it sees; each report is kept and raised as an
 * alert in the control room. A school's staff reach their own school only.
 */
public final class SchoolRoutes {
  private static final Set<String> CATEGORIES =
      Set.of("pupil_not_arrived", "late", "behaviour", "safeguarding", "other");
  private static final int TEXT_LIMIT = 1000;

  private final SchoolStore store;
  private final RunBoard board;
  private final AlertStore alerts;
  private final ServiceClock time;
  private final EventBus bus;

  SchoolRoutes(
      SchoolStore store, RunBoard board, AlertStore alerts, ServiceClock time, EventBus bus) {
    this.store = store;
    this.board = board;
    this.alerts = alerts;
    this.time = time;
    this.bus = bus;
  }

  public void mount(Router api) {
    allow(api.get("/schools/:schoolId/today"), schoolOr(Role.VIEWER))
        .handler(audited("school.view", "school", "schoolId"))
        .handler(this::today);
    allow(api.get("/schools/:schoolId/reports"), schoolOr(Role.VIEWER))
        .handler(audited("school.reports", "school", "schoolId"))
        .handler(this::reports);
    allow(api.post("/schools/:schoolId/reports"), schoolStaff())
        .handler(BodyHandler.create(false).setBodyLimit(8192))
        .handler(audited("school.report", "school", "schoolId"))
        .handler(this::report);
  }

  /**
   * The school in the path, if the caller may see it: control-room staff any school there is, a
   * school's staff their own; another school is a 403 that says nothing of it.
   */
  private Future<SchoolStore.School> school(RoutingContext ctx) {
    String schoolId = ctx.pathParam("schoolId");
    Caller caller = Authenticator.caller(ctx);
    if (caller instanceof Caller.SchoolStaff staff && !staff.schoolId().equals(schoolId)) {
      return Future.failedFuture(
          ApiException.forbidden(
              "Your login is for another school: you see your own school only."));
    }
    return store
        .school(schoolId)
        .map(
            found ->
                found.orElseThrow(
                    () ->
                        ApiException.notFound("There is no school " + schoolId + " in the plan.")));
  }

  private void today(RoutingContext ctx) {
    Instant now = time.now().truncatedTo(ChronoUnit.SECONDS);
    LocalDate date = time.dateOf(now);
    school(ctx)
        .compose(
            school ->
                Future.all(board.ofSchool(date, school.id()), store.pupilsOfRuns(school.id(), date))
                    .map(
                        all -> {
                          List<JsonObject> runs = all.resultAt(0);
                          Map<String, List<JsonObject>> pupils = all.resultAt(1);
                          JsonArray arrivals = new JsonArray();
                          JsonArray departures = new JsonArray();
                          for (JsonObject run : sorted(runs)) {
                            run.put(
                                "pupils",
                                new JsonArray(pupils.getOrDefault(run.getString("id"), List.of())));
                            ("AM".equals(run.getString("direction")) ? arrivals : departures)
                                .add(run);
                          }
                          return new JsonObject()
                              .put("schoolId", school.id())
                              .put("schoolName", school.name())
                              .put("date", date.toString())
                              .put("at", Rfc3339.format(now, time.zone()))
                              .put("arrivals", arrivals)
                              .put("departures", departures);
                        }))
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  /** Cancelled runs first, then late ones, then by arrival time. */
  static List<JsonObject> sorted(List<JsonObject> runs) {
    List<JsonObject> sorted = new ArrayList<>(runs);
    sorted.sort(
        Comparator.comparingInt(SchoolRoutes::urgency)
            .thenComparing(r -> r.getString("arriveBy"))
            .thenComparing(r -> r.getString("id")));
    return sorted;
  }

  private static int urgency(JsonObject run) {
    if ("cancelled".equals(run.getString("status"))) {
      return 0;
    }
    Integer late = run.getInteger("minutesLate");
    return late != null && late > 0 ? 1 : 2;
  }

  private void reports(RoutingContext ctx) {
    Instant since = time.today().atStartOfDay(time.zone()).toInstant();
    school(ctx)
        .compose(school -> store.reports(school.id(), since))
        .map(items -> new JsonObject().put("items", new JsonArray(items)))
        .compose(ctx::json)
        .onFailure(ctx::fail);
  }

  private void report(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx, Set.of("runId", "pupilId", "category", "text"));
    List<FieldProblem> problems = new ArrayList<>();
    Object category = body.getValue("category");
    if (!(category instanceof String c) || !CATEGORIES.contains(c)) {
      problems.add(
          FieldProblem.at(
              "category",
              "must be one of pupil_not_arrived, late, behaviour, safeguarding, other"));
    }
    Object text = body.getValue("text");
    if (!(text instanceof String t) || t.isBlank()) {
      problems.add(FieldProblem.at("text", "is required: 1 to " + TEXT_LIMIT + " characters"));
    } else if (t.codePointCount(0, t.length()) > TEXT_LIMIT) {
      problems.add(
          FieldProblem.at(
              "text",
              "must be 1 to "
                  + TEXT_LIMIT
                  + " characters long, got "
                  + t.codePointCount(0, t.length())));
    }
    Object runId = body.getValue("runId");
    Object pupilId = body.getValue("pupilId");
    if (runId != null && !(runId instanceof String)) {
      problems.add(FieldProblem.at("runId", "must be a run id"));
    }
    if (pupilId != null && !(pupilId instanceof String)) {
      problems.add(FieldProblem.at("pupilId", "must be a pupil reference"));
    }
    if ("pupil_not_arrived".equals(category) && pupilId == null) {
      problems.add(FieldProblem.at("pupilId", "is required for pupil_not_arrived: which pupil?"));
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("The report cannot be sent.", problems);
    }
    Caller.SchoolStaff staff = (Caller.SchoolStaff) Authenticator.caller(ctx);
    LocalDate date = time.today();
    Instant now = time.now();
    school(ctx)
        .compose(
            school ->
                check(school, (String) runId, (String) pupilId, date)
                    .compose(
                        operatorId ->
                            classify(
                                    school,
                                    (String) category,
                                    (String) runId,
                                    (String) pupilId,
                                    date)
                                .compose(
                                    type -> {
                                      long[] reportId = {0};
                                      return store
                                          .report(
                                              school.id(),
                                              (String) runId,
                                              (String) pupilId,
                                              (String) category,
                                              (String) text,
                                              staff.name(),
                                              now,
                                              (conn, id) -> {
                                                reportId[0] = id;
                                                return alerts.raiseWithin(
                                                    conn,
                                                    condition(
                                                        school,
                                                        id,
                                                        type,
                                                        (String) category,
                                                        (String) runId,
                                                        (String) pupilId,
                                                        operatorId,
                                                        date));
                                              })
                                          .map(
                                              events -> {
                                                LiveEvents.publish(bus, events);
                                                return new JsonObject()
                                                    .put("reportId", reportId[0])
                                                    .put("alertId", alertId(events))
                                                    .put("alertType", type.wireName())
                                                    .put("severity", type.severity().wireName());
                                              });
                                    })))
        .onSuccess(
            answer ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(answer.encode()))
        .onFailure(ctx::fail);
  }

  /** The named run must go to or from this school today, the pupil be this school's. */
  private Future<String> check(
      SchoolStore.School school, String runId, String pupilId, LocalDate date) {
    Future<String> operator =
        runId == null
            ? Future.succeededFuture(null)
            : store
                .runOfSchool(runId, school.id(), date)
                .map(
                    found ->
                        found.orElseThrow(
                            () ->
                                ApiException.badRequest(
                                    "No such run.",
                                    List.of(
                                        FieldProblem.at(
                                            "runId",
                                            "is not a run to or from your school today")))));
    Future<Boolean> pupil =
        pupilId == null ? Future.succeededFuture(true) : store.pupilOfSchool(pupilId, school.id());
    return Future.all(operator, pupil)
        .map(
            all -> {
              if (!pupil.result()) {
                throw ApiException.badRequest(
                    "No such pupil.",
                    List.of(FieldProblem.at("pupilId", "is not a pupil of your school")));
              }
              return operator.result();
            });
  }

  /**
   * The alert a report raises: a pupil not arrived who was dropped elsewhere or never boarded is
   * critical; safeguarding is the safeguarding alert; everything else is a school's report.
   */
  private Future<AlertType> classify(
      SchoolStore.School school, String category, String runId, String pupilId, LocalDate date) {
    if ("safeguarding".equals(category)) {
      return Future.succeededFuture(AlertType.INCIDENT_SAFEGUARDING);
    }
    if (!"pupil_not_arrived".equals(category)) {
      return Future.succeededFuture(AlertType.SCHOOL_REPORT);
    }
    return store
        .journey(pupilId, school.id(), date, runId)
        .map(
            journey ->
                journey.isEmpty() || journey.get().state().notArrivingIsCritical()
                    ? AlertType.SCHOOL_PUPIL_NOT_ARRIVED
                    : AlertType.SCHOOL_REPORT);
  }

  /** The report's alert: its summary from references and the plan's names, never its text. */
  private static Condition condition(
      SchoolStore.School school,
      long reportId,
      AlertType type,
      String category,
      String runId,
      String pupilId,
      String operatorId,
      LocalDate date) {
    String summary =
        school.name()
            + " reports "
            + switch (category) {
              case "pupil_not_arrived" -> "pupil " + pupilId + " has not arrived";
              case "late" -> "a late run";
              case "behaviour" -> "a behaviour concern";
              case "safeguarding" -> "a safeguarding concern";
              default -> "a concern";
            }
            + (runId == null ? "" : " (run " + runId + ")")
            + (pupilId == null || "pupil_not_arrived".equals(category)
                ? ""
                : " about pupil " + pupilId);
    return new Condition(
        type,
        Condition.REPORTED_SUBJECT + "school:" + reportId,
        date,
        runId,
        operatorId,
        null,
        pupilId,
        summary,
        1,
        school.id());
  }

  private static Long alertId(List<LiveEvent> events) {
    for (LiveEvent e : events) {
      if ("alert".equals(e.kind())) {
        return e.data().getLong("id");
      }
    }
    return null;
  }
}
