package travelwatch.plan;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.Crew;
import travelwatch.plan.Plan.CrewRole;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.Direction;
import travelwatch.plan.Plan.HrClearance;
import travelwatch.plan.Plan.Operator;
import travelwatch.plan.Plan.Phase;
import travelwatch.plan.Plan.Pupil;
import travelwatch.plan.Plan.Route;
import travelwatch.plan.Plan.Run;
import travelwatch.plan.Plan.School;
import travelwatch.plan.Plan.Stop;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.InboundText;

/**
 * The plan document's JSON form (docs/contract.md, "The plan document"; the Plan schema of
 * openapi.yaml): reading with every problem noted, and writing.
 */
public final class PlanJson {
  private PlanJson() {}

  /** A document read as far as it could be; it is usable only when {@code problems} is empty. */
  public record Read(
      Plan plan, List<String> removedRuns, String reason, List<FieldProblem> problems) {}

  /**
   * The JSON spelling of an enum constant: {@code AM}/{@code PM} as they are, others lower case.
   */
  static String name(Enum<?> e) {
    return e instanceof Direction ? e.name() : e.name().toLowerCase(Locale.ROOT);
  }

  public static Read read(JsonObject doc) {
    List<FieldProblem> problems = new ArrayList<>(InboundText.problems(doc, "", null));
    if (!problems.isEmpty()) {
      // Nothing of a document with unreadable text is taken, not even its ids.
      return new Read(
          new Plan(List.of(), List.of(), List.of(), List.of(), List.of(), List.of()),
          List.of(),
          null,
          problems);
    }
    FieldReader top = new FieldReader(doc, "", problems);
    top.allowOnly(
        Set.of(
            "operators", "schools", "pupils", "crew", "routes", "runs", "removedRuns", "reason"));
    // Why the plan changes: the change control decides when it is required.
    String reason = top.text("reason", false);
    Plan plan =
        new Plan(
            list(top, "operators", problems, PlanJson::operator),
            list(top, "schools", problems, PlanJson::school),
            list(top, "pupils", problems, PlanJson::pupil),
            list(top, "crew", problems, PlanJson::crew),
            list(top, "routes", problems, PlanJson::route),
            list(top, "runs", problems, PlanJson::run));
    duplicates(plan.operators(), Operator::id, "operators", problems);
    duplicates(plan.schools(), School::id, "schools", problems);
    duplicates(plan.pupils(), Pupil::id, "pupils", problems);
    duplicates(plan.crew(), Crew::id, "crew", problems);
    duplicates(plan.routes(), Route::id, "routes", problems);
    duplicates(plan.runs(), Run::id, "runs", problems);
    List<String> removedRuns = top.ids("removedRuns");
    Set<String> kept = new HashSet<>();
    plan.runs().stream().filter(r -> r != null).forEach(r -> kept.add(r.id()));
    for (int i = 0; i < removedRuns.size(); i++) {
      if (kept.contains(removedRuns.get(i))) {
        problems.add(
            FieldProblem.at(
                "removedRuns[" + i + "]", "the run is also in runs: remove it or keep it"));
      }
    }
    return new Read(
        plan, List.copyOf(new java.util.LinkedHashSet<>(removedRuns)), reason, problems);
  }

  private static <T> List<T> list(
      FieldReader top, String field, List<FieldProblem> problems, Function<FieldReader, T> item) {
    JsonArray array = top.array(field, false);
    List<T> items = new ArrayList<>();
    if (array == null) {
      return items;
    }
    for (int i = 0; i < array.size(); i++) {
      String path = field + "[" + i + "]";
      Object value = array.getValue(i);
      if (!(value instanceof JsonObject json)) {
        problems.add(FieldProblem.at(path, "must be an object"));
        items.add(null);
        continue;
      }
      int before = problems.size();
      T t = item.apply(new FieldReader(json, path, problems));
      items.add(problems.size() == before ? t : null);
    }
    return items;
  }

  private static <T> void duplicates(
      List<T> items, Function<T, String> id, String section, List<FieldProblem> problems) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      T item = items.get(i);
      if (item != null && !seen.add(id.apply(item))) {
        problems.add(
            FieldProblem.at(section + "[" + i + "].id", "duplicate id '" + id.apply(item) + "'"));
      }
    }
  }

  private static Operator operator(FieldReader r) {
    r.allowOnly(Set.of("id", "name", "email", "phone", "controlRoomEmail"));
    return new Operator(
        r.id("id"),
        r.text("name", true),
        r.text("email", false),
        r.text("phone", false),
        r.text("controlRoomEmail", false));
  }

  private static School school(FieldReader r) {
    r.allowOnly(Set.of("id", "name", "lat", "lon", "startTime", "finishTime", "phase", "email"));
    String id = r.id("id");
    String name = r.text("name", true);
    Double lat = r.coordinate("lat", 90);
    Double lon = r.coordinate("lon", 180);
    var start = r.time("startTime");
    var finish = r.time("finishTime");
    Phase phase = r.choice("phase", Phase.class, true);
    String email = r.text("email", false);
    if (lat == null || lon == null) {
      return null;
    }
    return new School(id, name, lat, lon, start, finish, phase, email);
  }

  private static Pupil pupil(FieldReader r) {
    r.allowOnly(Set.of("id", "schoolId", "maxJourneyMinutes"));
    return new Pupil(
        r.id("id"),
        r.id("schoolId"),
        Optional.ofNullable(r.integer("maxJourneyMinutes", false, 1, 600)));
  }

  private static Crew crew(FieldReader r) {
    r.allowOnly(Set.of("id", "operatorId", "role", "dbs", "hrClearance", "badge"));
    String id = r.id("id");
    String operatorId = r.id("operatorId");
    CrewRole role = r.choice("role", CrewRole.class, true);
    Optional<DbsCheck> dbs = Optional.empty();
    JsonObject dbsJson = r.object("dbs");
    if (dbsJson != null) {
      FieldReader d = new FieldReader(dbsJson, r.path("dbs"), problemsOf(r));
      d.allowOnly(
          Set.of("certificateNumber", "issuedOn", "outcome", "barredListChecked", "updateService"));
      String number = d.text("certificateNumber", true);
      var issuedOn = d.date("issuedOn", true);
      DbsOutcome outcome = d.choice("outcome", DbsOutcome.class, true);
      Boolean barred = d.bool("barredListChecked", true);
      Boolean update = d.bool("updateService", false);
      if (barred != null) {
        dbs =
            Optional.of(new DbsCheck(number, issuedOn, outcome, barred, update != null && update));
      }
    }
    Optional<Badge> badge = Optional.empty();
    JsonObject badgeJson = r.object("badge");
    if (badgeJson != null) {
      FieldReader b = new FieldReader(badgeJson, r.path("badge"), problemsOf(r));
      b.allowOnly(Set.of("number", "authority", "expiresOn"));
      badge =
          Optional.of(
              new Badge(
                  b.text("number", true), b.text("authority", true), b.date("expiresOn", true)));
    }
    return new Crew(
        id,
        operatorId,
        role,
        dbs,
        Optional.ofNullable(r.choice("hrClearance", HrClearance.class, false)),
        badge);
  }

  private static Route route(FieldReader r) {
    r.allowOnly(Set.of("id", "operatorId", "schoolId", "requiresGuide"));
    Boolean requiresGuide = r.bool("requiresGuide", true);
    return new Route(
        r.id("id"), r.id("operatorId"), r.id("schoolId"), requiresGuide != null && requiresGuide);
  }

  private static Run run(FieldReader r) {
    r.allowOnly(
        Set.of(
            "id",
            "routeId",
            "date",
            "direction",
            "arriveBy",
            "plannedDriverId",
            "plannedGuideId",
            "stops"));
    String id = r.id("id");
    String routeId = r.id("routeId");
    var date = r.date("date", true);
    Direction direction = r.choice("direction", Direction.class, true);
    var arriveBy = r.time("arriveBy");
    Optional<String> driver = r.optionalId("plannedDriverId");
    Optional<String> guide = r.optionalId("plannedGuideId");
    JsonArray stopsJson = r.array("stops", true);
    List<Stop> stops = new ArrayList<>();
    if (stopsJson != null) {
      if (stopsJson.isEmpty()) {
        r.problem("stops", "a run needs at least one stop");
      }
      Set<String> stopIds = new HashSet<>();
      Set<Integer> seqs = new HashSet<>();
      for (int i = 0; i < stopsJson.size(); i++) {
        String path = r.path("stops[" + i + "]");
        if (!(stopsJson.getValue(i) instanceof JsonObject sj)) {
          r.problem("stops[" + i + "]", "must be an object");
          continue;
        }
        FieldReader s = new FieldReader(sj, path, problemsOf(r));
        s.allowOnly(Set.of("id", "seq", "lat", "lon", "plannedTime", "pickups", "dropoffs"));
        String stopId = s.id("id");
        Integer seq = s.integer("seq", true, 0, 10_000);
        Double lat = s.coordinate("lat", 90);
        Double lon = s.coordinate("lon", 180);
        var planned = s.time("plannedTime");
        List<String> pickups = s.ids("pickups");
        List<String> dropoffs = s.ids("dropoffs");
        if (stopId != null && !stopIds.add(stopId)) {
          s.problem("id", "duplicate stop id '" + stopId + "' in this run");
        }
        if (seq != null && !seqs.add(seq)) {
          s.problem("seq", "duplicate seq " + seq + " in this run");
        }
        if (lat != null && lon != null && seq != null) {
          stops.add(new Stop(stopId, seq, lat, lon, planned, pickups, dropoffs));
        }
      }
    }
    stops.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
    return new Run(id, routeId, date, direction, arriveBy, driver, guide, List.copyOf(stops));
  }

  private static List<FieldProblem> problemsOf(FieldReader r) {
    return r.problems();
  }

  // ---- writing ----

  public static JsonObject write(Plan plan) {
    JsonArray operators = new JsonArray();
    plan.operators()
        .forEach(
            o -> {
              JsonObject j = new JsonObject().put("id", o.id()).put("name", o.name());
              if (o.email() != null) {
                j.put("email", o.email());
              }
              if (o.phone() != null) {
                j.put("phone", o.phone());
              }
              if (o.controlRoomEmail() != null) {
                j.put("controlRoomEmail", o.controlRoomEmail());
              }
              operators.add(j);
            });
    JsonArray schools = new JsonArray();
    plan.schools()
        .forEach(
            s -> {
              JsonObject j =
                  new JsonObject()
                      .put("id", s.id())
                      .put("name", s.name())
                      .put("lat", s.lat())
                      .put("lon", s.lon())
                      .put("startTime", s.startTime().toString())
                      .put("finishTime", s.finishTime().toString())
                      .put("phase", name(s.phase()));
              if (s.email() != null) {
                j.put("email", s.email());
              }
              schools.add(j);
            });
    JsonArray pupils = new JsonArray();
    plan.pupils()
        .forEach(
            p -> {
              JsonObject j = new JsonObject().put("id", p.id()).put("schoolId", p.schoolId());
              p.maxJourneyMinutes().ifPresent(m -> j.put("maxJourneyMinutes", m));
              pupils.add(j);
            });
    JsonArray crew = new JsonArray();
    plan.crew().forEach(c -> crew.add(crew(c)));
    JsonArray routes = new JsonArray();
    plan.routes()
        .forEach(
            r ->
                routes.add(
                    new JsonObject()
                        .put("id", r.id())
                        .put("operatorId", r.operatorId())
                        .put("schoolId", r.schoolId())
                        .put("requiresGuide", r.requiresGuide())));
    JsonArray runs = new JsonArray();
    plan.runs().forEach(r -> runs.add(run(r)));
    return new JsonObject()
        .put("operators", operators)
        .put("schools", schools)
        .put("pupils", pupils)
        .put("crew", crew)
        .put("routes", routes)
        .put("runs", runs);
  }

  private static JsonObject crew(Crew c) {
    JsonObject j =
        new JsonObject()
            .put("id", c.id())
            .put("operatorId", c.operatorId())
            .put("role", name(c.role()));
    c.dbs()
        .ifPresent(
            d ->
                j.put(
                    "dbs",
                    new JsonObject()
                        .put("certificateNumber", d.certificateNumber())
                        .put("issuedOn", d.issuedOn().toString())
                        .put("outcome", name(d.outcome()))
                        .put("barredListChecked", d.barredListChecked())
                        .put("updateService", d.updateService())));
    c.hrClearance().ifPresent(h -> j.put("hrClearance", name(h)));
    c.badge()
        .ifPresent(
            b ->
                j.put(
                    "badge",
                    new JsonObject()
                        .put("number", b.number())
                        .put("authority", b.authority())
                        .put("expiresOn", b.expiresOn().toString())));
    return j;
  }

  private static JsonObject run(Run r) {
    JsonObject j =
        new JsonObject()
            .put("id", r.id())
            .put("routeId", r.routeId())
            .put("date", r.date().toString())
            .put("direction", name(r.direction()))
            .put("arriveBy", r.arriveBy().toString());
    r.plannedDriverId().ifPresent(d -> j.put("plannedDriverId", d));
    r.plannedGuideId().ifPresent(g -> j.put("plannedGuideId", g));
    JsonArray stops = new JsonArray();
    for (Stop s : r.stops()) {
      stops.add(
          new JsonObject()
              .put("id", s.id())
              .put("seq", s.seq())
              .put("lat", s.lat())
              .put("lon", s.lon())
              .put("plannedTime", s.plannedTime().toString())
              .put("pickups", new JsonArray(new ArrayList<>(s.pickups())))
              .put("dropoffs", new JsonArray(new ArrayList<>(s.dropoffs()))));
    }
    return j.put("stops", stops);
  }
}
