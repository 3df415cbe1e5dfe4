package travelwatch.plan;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import travelwatch.plan.PlanReferences.CrewRef;
import travelwatch.plan.PlanReferences.Stored;
import travelwatch.plan.PlanReferences.Wanted;

/**
 * The only code that writes the plan tables (operator, school, pupil, crew, route, run, stop,
 * stop_pupil), and the reads of the plan as a plan: an import's references, the plan and crew the
 * monitors and the compliance panel work from, a run's names for emails. Other capabilities read
 * the rows they need in their own SQL: ingest which operator a run, crew member or pupil belongs to
 * ({@code IngestSql}), the run board and pupil lookup ({@code RunBoardSql}), the KPI figures
 * ({@code KpiSql}), key creation whether an operator exists ({@code AccessSql}), and webhooks an
 * operator's name and email ({@code WebhookSql}).
 */
public final class PlanStore {
  private final Pool pool;

  public PlanStore(Pool pool) {
    this.pool = pool;
  }

  /** What one import wrote, by kind. */
  public record Counts(
      int operators, int schools, int pupils, int crew, int routes, int runs, int stops) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("operators", operators)
          .put("schools", schools)
          .put("pupils", pupils)
          .put("crew", crew)
          .put("routes", routes)
          .put("runs", runs)
          .put("stops", stops);
    }
  }

  Future<Stored> lookup(Wanted wanted) {
    if (wanted.isEmpty()) {
      return Future.succeededFuture(Stored.none());
    }
    Future<Set<String>> operators = ids(PlanSql.KNOWN_OPERATORS, wanted.operators());
    Future<Set<String>> schools = ids(PlanSql.KNOWN_SCHOOLS, wanted.schools());
    Future<Set<String>> pupils = ids(PlanSql.KNOWN_PUPILS, wanted.pupils());
    Future<Map<String, CrewRef>> crew =
        rows(PlanSql.KNOWN_CREW, wanted.crew())
            .map(
                rows -> {
                  Map<String, CrewRef> map = new HashMap<>();
                  rows.forEach(
                      r ->
                          map.put(
                              r.getString("id"),
                              new CrewRef(
                                  r.getString("operator_id"),
                                  CrewRole.valueOf(r.getString("role").toUpperCase()))));
                  return map;
                });
    Future<Map<String, String>> routes =
        rows(PlanSql.KNOWN_ROUTES, wanted.routes())
            .map(
                rows -> {
                  Map<String, String> map = new HashMap<>();
                  rows.forEach(r -> map.put(r.getString("id"), r.getString("operator_id")));
                  return map;
                });
    return Future.all(operators, schools, pupils, crew, routes)
        .map(
            all ->
                new Stored(
                    operators.result(),
                    schools.result(),
                    pupils.result(),
                    crew.result(),
                    routes.result()));
  }

  private Future<List<Row>> rows(String sql, Set<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(sql)
        .execute(Tuple.of(ids.toArray(String[]::new)))
        .map(
            rs -> {
              List<Row> list = new ArrayList<>();
              rs.forEach(list::add);
              return list;
            });
  }

  private Future<Set<String>> ids(String sql, Set<String> ids) {
    return rows(sql, ids)
        .map(
            rows -> {
              Set<String> found = new HashSet<>();
              rows.forEach(r -> found.add(r.getString(0)));
              return found;
            });
  }

  /** One statement of a plan write with its arguments. */
  private record Statement(String sql, Tuple arguments) {}

  /**
   * A plan's write, its statements' arguments built: for a large plan that takes long enough to be
   * done on a worker thread, not the event loop that runs the write.
   */
  static final class Write {
    private final List<Statement> statements = new ArrayList<>();
    private final Counts counts;

    private Write(Plan plan) {
      add(
          PlanSql.UPSERT_OPERATORS,
          plan.operators(),
          Operator::id,
          Operator::name,
          Operator::email,
          Operator::phone,
          Operator::controlRoomEmail);
      add(
          PlanSql.UPSERT_SCHOOLS,
          plan.schools(),
          School::id,
          School::name,
          School::lat,
          School::lon,
          School::startTime,
          School::finishTime,
          s -> PlanJson.name(s.phase()),
          School::email);
      add(
          PlanSql.UPSERT_PUPILS,
          plan.pupils(),
          Pupil::id,
          Pupil::schoolId,
          p -> p.maxJourneyMinutes().orElse(null));
      add(
          PlanSql.UPSERT_CREW,
          plan.crew(),
          Crew::id,
          Crew::operatorId,
          c -> PlanJson.name(c.role()),
          c -> c.dbs().map(DbsCheck::certificateNumber).orElse(null),
          c -> c.dbs().map(DbsCheck::issuedOn).orElse(null),
          c -> c.dbs().map(d -> PlanJson.name(d.outcome())).orElse(null),
          c -> c.dbs().map(DbsCheck::barredListChecked).orElse(null),
          c -> c.dbs().map(DbsCheck::updateService).orElse(null),
          c -> c.hrClearance().map(PlanJson::name).orElse(null),
          c -> c.badge().map(Badge::number).orElse(null),
          c -> c.badge().map(Badge::authority).orElse(null),
          c -> c.badge().map(Badge::expiresOn).orElse(null));
      add(
          PlanSql.UPSERT_ROUTES,
          plan.routes(),
          Route::id,
          Route::operatorId,
          Route::schoolId,
          Route::requiresGuide);
      add(
          PlanSql.UPSERT_RUNS,
          plan.runs(),
          Run::id,
          Run::routeId,
          Run::date,
          r -> PlanJson.name(r.direction()),
          Run::arriveBy,
          r -> r.plannedDriverId().orElse(null),
          r -> r.plannedGuideId().orElse(null));
      int stops = replaceStops(plan.runs());
      counts =
          new Counts(
              plan.operators().size(),
              plan.schools().size(),
              plan.pupils().size(),
              plan.crew().size(),
              plan.routes().size(),
              plan.runs().size(),
              stops);
    }

    private int replaceStops(List<Run> runs) {
      if (runs.isEmpty()) {
        return 0;
      }
      record StopRow(String runId, Stop stop) {}
      record StopPupilRow(String runId, String stopId, String pupilId, String action) {}
      List<StopRow> stops = new ArrayList<>();
      List<StopPupilRow> pupils = new ArrayList<>();
      for (Run run : runs) {
        for (Stop stop : run.stops()) {
          stops.add(new StopRow(run.id(), stop));
          stop.pickups()
              .forEach(p -> pupils.add(new StopPupilRow(run.id(), stop.id(), p, "pickup")));
          stop.dropoffs()
              .forEach(p -> pupils.add(new StopPupilRow(run.id(), stop.id(), p, "dropoff")));
        }
      }
      String[] runIds = runs.stream().map(Run::id).toArray(String[]::new);
      statements.add(new Statement(PlanSql.DELETE_STOPS_OF_RUNS, Tuple.of(runIds)));
      add(
          PlanSql.INSERT_STOPS,
          stops,
          StopRow::runId,
          s -> s.stop().id(),
          s -> s.stop().seq(),
          s -> s.stop().lat(),
          s -> s.stop().lon(),
          s -> s.stop().plannedTime());
      add(
          PlanSql.INSERT_STOP_PUPILS,
          pupils,
          StopPupilRow::runId,
          StopPupilRow::stopId,
          StopPupilRow::pupilId,
          StopPupilRow::action);
      return stops.size();
    }

    /** One unnest statement with a column array per extractor. */
    @SafeVarargs
    private <T> void add(String sql, List<T> items, Function<T, ?>... columns) {
      if (items.isEmpty()) {
        return;
      }
      Object[] arrays = new Object[columns.length];
      for (int c = 0; c < columns.length; c++) {
        String[] column = new String[items.size()];
        for (int i = 0; i < column.length; i++) {
          Object value = columns[c].apply(items.get(i));
          column[i] = value == null ? null : value.toString();
        }
        arrays[c] = column;
      }
      statements.add(new Statement(sql, Tuple.wrap(Arrays.asList(arrays))));
    }
  }

  /** Builds the plan's write; blocking for as long as the plan is large. */
  static Write prepare(Plan plan) {
    return new Write(plan);
  }

  /**
   * Upserts the whole plan in one transaction; a run's stops are replaced. The commit notifies
   * {@link PlanChangeListener}s on every server, whoever wrote it.
   */
  Future<Counts> write(Write write) {
    return pool.withTransaction(
            conn -> {
              Future<Void> done = Future.succeededFuture();
              for (Statement statement : write.statements) {
                done =
                    done.compose(
                        v ->
                            conn.preparedQuery(statement.sql())
                                .execute(statement.arguments())
                                .mapEmpty());
              }
              return done.compose(v -> conn.query(PlanSql.NOTIFY_CHANGED).execute());
            })
        .map(write.counts);
  }

  /**
   * The named context of a run, read with the caller's connection (e.g. inside its transaction).
   */
  public static Future<Optional<RunContext>> describeRun(SqlClient sql, String runId) {
    return sql.preparedQuery(PlanSql.DESCRIBE_RUNS)
        .execute(Tuple.of(new String[] {runId}))
        .map(
            rows -> {
              for (Row r : rows) {
                return Optional.of(
                    new RunContext(
                        r.getString("id"),
                        r.getString("route_id"),
                        r.getLocalDate("service_date"),
                        r.getString("direction"),
                        r.getLocalTime("arrive_by"),
                        r.getString("operator_id"),
                        r.getString("operator_name"),
                        r.getString("school_name"),
                        r.getString("operator_phone"),
                        r.getLong("pupils").intValue()));
              }
              return Optional.<RunContext>empty();
            });
  }

  /** A crew member's role ({@code driver} or {@code guide}), read with the caller's connection. */
  public static Future<Optional<String>> crewRole(SqlClient sql, String crewId) {
    return sql.preparedQuery(PlanSql.CREW_ROLE)
        .execute(Tuple.of(crewId))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.<String>empty()
                    : Optional.of(rows.iterator().next().getString("role")));
  }

  /** An operator as an email names it: its name and phone (if on record). */
  public record OperatorContact(String name, Optional<String> phone) {}

  /** An operator's name and phone, read with the caller's connection. */
  public static Future<Optional<OperatorContact>> operatorContact(
      SqlClient sql, String operatorId) {
    return sql.preparedQuery(PlanSql.DESCRIBE_OPERATORS)
        .execute(Tuple.of(new String[] {operatorId}))
        .map(
            rows -> {
              for (Row r : rows) {
                return Optional.of(
                    new OperatorContact(
                        r.getString("name"), Optional.ofNullable(r.getString("phone"))));
              }
              return Optional.<OperatorContact>empty();
            });
  }

  /** The stored plan: every operator, school, pupil, crew and route, and the runs in the dates. */
  public Future<Plan> read(LocalDate from, LocalDate to) {
    Future<RowSet<Row>> operators = pool.query(PlanSql.OPERATORS).execute();
    Future<RowSet<Row>> schools = pool.query(PlanSql.SCHOOLS).execute();
    Future<RowSet<Row>> pupils = pool.query(PlanSql.PUPILS).execute();
    Future<RowSet<Row>> crew = pool.query(PlanSql.CREW).execute();
    Future<RowSet<Row>> routes = pool.query(PlanSql.ROUTES).execute();
    Future<RowSet<Row>> runs = pool.preparedQuery(PlanSql.RUNS_BETWEEN).execute(Tuple.of(from, to));
    Future<RowSet<Row>> stops =
        pool.preparedQuery(PlanSql.STOPS_BETWEEN).execute(Tuple.of(from, to));
    return Future.all(List.of(operators, schools, pupils, crew, routes, runs, stops))
        .map(
            all -> {
              Map<String, List<Stop>> stopsByRun = new LinkedHashMap<>();
              for (Row r : stops.result()) {
                stopsByRun
                    .computeIfAbsent(r.getString("run_id"), k -> new ArrayList<>())
                    .add(
                        new Stop(
                            r.getString("id"),
                            r.getInteger("seq"),
                            r.getDouble("lat"),
                            r.getDouble("lon"),
                            r.getLocalTime("planned_time"),
                            List.of(r.getArrayOfStrings("pickups")),
                            List.of(r.getArrayOfStrings("dropoffs"))));
              }
              return new Plan(
                  map(operators.result(), PlanStore::operator),
                  map(schools.result(), PlanStore::school),
                  map(
                      pupils.result(),
                      r ->
                          new Pupil(
                              r.getString("id"),
                              r.getString("school_id"),
                              Optional.ofNullable(r.getInteger("max_journey_minutes")))),
                  map(crew.result(), PlanStore::crew),
                  map(
                      routes.result(),
                      r ->
                          new Route(
                              r.getString("id"),
                              r.getString("operator_id"),
                              r.getString("school_id"),
                              r.getBoolean("requires_guide"))),
                  map(
                      runs.result(),
                      r ->
                          new Run(
                              r.getString("id"),
                              r.getString("route_id"),
                              r.getLocalDate("service_date"),
                              Direction.valueOf(r.getString("direction")),
                              r.getLocalTime("arrive_by"),
                              Optional.ofNullable(r.getString("planned_driver_id")),
                              Optional.ofNullable(r.getString("planned_guide_id")),
                              List.copyOf(stopsByRun.getOrDefault(r.getString("id"), List.of())))));
            });
  }

  /** Every registered driver and guide, by id, as the plan gives them. */
  public Future<List<Crew>> crew() {
    return pool.query(PlanSql.CREW).execute().map(rows -> map(rows, PlanStore::crew));
  }

  /** These drivers and guides, by id, as the plan gives them (unknown ids left out). */
  public Future<List<Crew>> crew(List<String> ids) {
    return pool.preparedQuery(PlanSql.CREW_OF)
        .execute(Tuple.of(ids.toArray(new String[0])))
        .map(rows -> map(rows, PlanStore::crew));
  }

  /** Every operator, by id. */
  public Future<List<Operator>> operators() {
    return pool.query(PlanSql.OPERATORS).execute().map(rows -> map(rows, PlanStore::operator));
  }

  /** Every school, by id. */
  public Future<List<School>> schools() {
    return pool.query(PlanSql.SCHOOLS).execute().map(rows -> map(rows, PlanStore::school));
  }

  private static Operator operator(Row r) {
    return new Operator(
        r.getString("id"),
        r.getString("name"),
        r.getString("email"),
        r.getString("phone"),
        r.getString("control_room_email"));
  }

  private static School school(Row r) {
    return new School(
        r.getString("id"),
        r.getString("name"),
        r.getDouble("lat"),
        r.getDouble("lon"),
        r.getLocalTime("start_time"),
        r.getLocalTime("finish_time"),
        Phase.valueOf(r.getString("phase").toUpperCase()),
        r.getString("email"));
  }

  private static Crew crew(Row r) {
    Optional<DbsCheck> dbs =
        r.getString("dbs_outcome") == null
            ? Optional.empty()
            : Optional.of(
                new DbsCheck(
                    r.getString("dbs_certificate_number"),
                    r.getLocalDate("dbs_issued_on"),
                    DbsOutcome.valueOf(r.getString("dbs_outcome").toUpperCase()),
                    r.getBoolean("dbs_barred_list_checked"),
                    Boolean.TRUE.equals(r.getBoolean("dbs_update_service"))));
    Optional<Badge> badge =
        r.getString("badge_number") == null
            ? Optional.empty()
            : Optional.of(
                new Badge(
                    r.getString("badge_number"),
                    r.getString("badge_authority"),
                    r.getLocalDate("badge_expires_on")));
    return new Crew(
        r.getString("id"),
        r.getString("operator_id"),
        CrewRole.valueOf(r.getString("role").toUpperCase()),
        dbs,
        Optional.ofNullable(r.getString("hr_clearance"))
            .map(h -> HrClearance.valueOf(h.toUpperCase())),
        badge);
  }

  private static <T> List<T> map(RowSet<Row> rows, Function<Row, T> f) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(r -> list.add(f.apply(r)));
    return list;
  }
}
