package travelwatch.mi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import travelwatch.live.LiveEvents;
import travelwatch.live.LiveEvents.LiveEvent;
import travelwatch.mi.MiReturn.Dbs;
import travelwatch.mi.Reconciliation.CrewRecord;
import travelwatch.mi.Reconciliation.PlanFacts;
import travelwatch.mi.Reconciliation.PlannedRun;
import travelwatch.mi.Reconciliation.RecordedFacts;
import travelwatch.mi.Reconciliation.RecordedRun;
import travelwatch.platform.db.Database;

/** The only code that knows the monthly returns' tables; reads the plan and events they need. */
final class MiStore {
  private final Pool pool;
  private final ZoneId zone;

  MiStore(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  /** The plan's and the recorded side of a month, and the operator's routes. */
  record Facts(Set<String> routes, PlanFacts plan, RecordedFacts recorded) {}

  /** A return as received, to store with its findings. */
  record Received(
      String operatorId,
      YearMonth month,
      Instant at,
      String by,
      String crewCsv,
      String runsCsv,
      List<Finding> findings) {}

  /** What storing wrote: the version, and the live-stream entries to publish. */
  record Stored(int version, List<LiveEvent> events) {}

  /** What a stored return's version raises and sends, once its version is known. */
  interface Consequences {
    Future<List<LiveEvent>> apply(SqlConnection conn, int version);
  }

  /** The latest return of an operator's month. */
  record Latest(
      String operatorId, YearMonth month, int version, Instant receivedAt, JsonArray findings) {}

  /** One operator's state for a month: its latest return, if any, and whether it is overdue. */
  record Status(
      String operatorId,
      long plannedRuns,
      Optional<Integer> version,
      Optional<Instant> receivedAt,
      int critical,
      int high,
      int warning) {}

  Future<Boolean> operatorExists(String operatorId) {
    return pool.preparedQuery(MiSql.OPERATOR_EXISTS)
        .execute(Tuple.of(operatorId))
        .map(rows -> rows.size() > 0);
  }

  Future<Facts> facts(String operatorId, YearMonth month, Set<String> declaredCrew) {
    LocalDate first = month.atDay(1);
    LocalDate last = month.atEndOfMonth();
    Instant end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    Future<Set<String>> routes =
        pool.preparedQuery(MiSql.ROUTES)
            .execute(Tuple.of(operatorId))
            .map(
                rows -> {
                  Set<String> ids = new TreeSet<>();
                  rows.forEach(r -> ids.add(r.getString("id")));
                  return ids;
                });
    Future<List<PlannedRun>> planned =
        pool.preparedQuery(MiSql.PLANNED_RUNS)
            .execute(Tuple.of(operatorId, first, last))
            .map(
                rows -> {
                  List<PlannedRun> runs = new ArrayList<>();
                  for (Row r : rows) {
                    runs.add(
                        new PlannedRun(
                            r.getString("id"),
                            r.getString("route_id"),
                            r.getLocalDate("service_date"),
                            r.getString("direction")));
                  }
                  return runs;
                });
    Future<RecordedFacts> recorded =
        pool.preparedQuery(MiSql.RECORDED)
            .execute(Tuple.of(operatorId, first, last))
            .map(MiStore::recorded);
    return Future.all(routes, planned, recorded)
        .compose(
            all -> {
              Set<String> crewIds = new LinkedHashSet<>(declaredCrew);
              recorded.result().runs().values().forEach(r -> crewIds.addAll(r.crew()));
              return crew(crewIds, end)
                  .map(
                      crew ->
                          new Facts(
                              routes.result(),
                              new PlanFacts(planned.result(), crew),
                              recorded.result()));
            });
  }

  /** Each run's events folded: started, cancelled, crew and vehicle as recorded. */
  private static RecordedFacts recorded(Iterable<Row> rows) {
    final class Fold {
      boolean started;
      boolean cancelled;
      JsonObject start;
      JsonObject assigned;
      final Set<String> crew = new TreeSet<>();
    }
    Map<String, Fold> runs = new LinkedHashMap<>();
    for (Row r : rows) {
      Fold f = runs.computeIfAbsent(r.getString("run_id"), k -> new Fold());
      JsonObject body = new JsonObject(r.getString("body"));
      switch (r.getString("type")) {
        case "run.started" -> {
          f.started = true;
          if (f.start == null) {
            f.start = body;
          }
        }
        case "run.cancelled" -> f.cancelled = true;
        default -> f.assigned = body;
      }
      if (!r.getString("type").equals("run.cancelled")) {
        Optional.ofNullable(body.getString("driverId")).ifPresent(f.crew::add);
        Optional.ofNullable(body.getString("guideId")).ifPresent(f.crew::add);
      }
    }
    Map<String, RecordedRun> folded = new HashMap<>();
    runs.forEach(
        (runId, f) -> {
          // The crew and vehicle the run started with, else those last assigned to it.
          JsonObject crewFrom =
              f.start != null && f.start.getString("driverId") != null ? f.start : f.assigned;
          JsonObject vehicleFrom =
              f.start != null && f.start.getString("vehicleReg") != null ? f.start : f.assigned;
          folded.put(
              runId,
              new RecordedRun(
                  runId,
                  f.started,
                  f.cancelled,
                  field(crewFrom, "driverId"),
                  crewFrom == null ? Optional.empty() : field(crewFrom, "guideId"),
                  field(vehicleFrom, "vehicleReg"),
                  Set.copyOf(f.crew)));
        });
    return new RecordedFacts(folded);
  }

  private static Optional<String> field(JsonObject body, String name) {
    return body == null ? Optional.empty() : Optional.ofNullable(body.getString(name));
  }

  /** The crew members' facts at {@code end}: the plan's, replaced by later events. */
  private Future<Map<String, CrewRecord>> crew(Set<String> ids, Instant end) {
    String[] array = ids.toArray(new String[0]);
    Future<Map<String, CrewRecord>> planned =
        pool.preparedQuery(MiSql.CREW)
            .execute(Tuple.of(array))
            .map(
                rows -> {
                  Map<String, CrewRecord> crew = new HashMap<>();
                  for (Row r : rows) {
                    String id = r.getString("id");
                    Optional<Dbs> dbs =
                        r.getString("dbs_certificate_number") == null
                            ? Optional.empty()
                            : Optional.of(
                                new Dbs(
                                    r.getString("dbs_certificate_number"),
                                    r.getLocalDate("dbs_issued_on"),
                                    "positive".equals(r.getString("dbs_outcome"))));
                    crew.put(
                        id,
                        new CrewRecord(
                            id,
                            dbs,
                            Optional.ofNullable(r.getString("hr_clearance")),
                            Optional.ofNullable(r.getLocalDate("badge_expires_on"))));
                  }
                  return crew;
                });
    return planned.compose(
        crew ->
            pool.preparedQuery(MiSql.CREW_EVENTS)
                .execute(Tuple.of(array, Database.utc(end)))
                .map(
                    rows -> {
                      for (Row r : rows) {
                        JsonObject e = new JsonObject(r.getString("body"));
                        CrewRecord c = crew.get(e.getString("crewId"));
                        if (c == null) {
                          continue;
                        }
                        crew.put(c.crewId(), later(c, r.getString("type"), e));
                      }
                      return crew;
                    }));
  }

  /** The record after one of its crew events (events are read in the order they happened). */
  private static CrewRecord later(CrewRecord c, String type, JsonObject e) {
    return switch (type) {
      case "crew.dbs_checked" ->
          new CrewRecord(
              c.crewId(),
              Optional.of(
                  new Dbs(
                      e.getString("certificateNumber"),
                      LocalDate.parse(e.getString("issuedOn")),
                      "positive".equals(e.getString("outcome")))),
              c.hrClearance(),
              c.badgeExpiresOn());
      case "crew.badge_updated" ->
          new CrewRecord(
              c.crewId(),
              c.dbs(),
              c.hrClearance(),
              Optional.of(LocalDate.parse(e.getString("expiresOn"))));
      default ->
          new CrewRecord(
              c.crewId(), c.dbs(), Optional.of(e.getString("decision")), c.badgeExpiresOn());
    };
  }

  /**
   * Stores the return as its month's next version, with what it raises and sends, in one
   * transaction.
   */
  Future<Stored> store(Received r, Consequences consequences) {
    Map<Finding.Severity, Integer> counts = MiJson.counts(r.findings());
    return LiveEvents.transaction(
        pool,
        conn ->
            conn.preparedQuery(MiSql.LOCK_MONTH)
                .execute(Tuple.of(r.operatorId(), r.month().toString()))
                .compose(
                    v ->
                        conn.preparedQuery(MiSql.INSERT)
                            .execute(
                                Tuple.wrap(
                                    new ArrayList<Object>(
                                        List.of(
                                            r.operatorId(),
                                            r.month().atDay(1),
                                            Database.utc(r.at()),
                                            r.by(),
                                            r.crewCsv(),
                                            r.runsCsv(),
                                            MiJson.findings(r.findings()),
                                            counts.get(Finding.Severity.CRITICAL),
                                            counts.get(Finding.Severity.HIGH),
                                            counts.get(Finding.Severity.WARNING))))))
                .compose(
                    rows -> {
                      int version = rows.iterator().next().getInteger("version");
                      return consequences
                          .apply(conn, version)
                          .map(events -> new Stored(version, events));
                    }));
  }

  Future<Optional<Latest>> latest(String operatorId, YearMonth month) {
    return pool.preparedQuery(MiSql.LATEST)
        .execute(Tuple.of(operatorId, month.atDay(1)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new Latest(
                      operatorId,
                      month,
                      r.getInteger("version"),
                      r.getOffsetDateTime("received_at").toInstant(),
                      new JsonArray(r.getString("findings"))));
            });
  }

  Future<List<Status>> status(YearMonth month) {
    return pool.preparedQuery(MiSql.STATUS)
        .execute(Tuple.of(month.atDay(1), month.atEndOfMonth()))
        .map(
            rows -> {
              List<Status> list = new ArrayList<>();
              for (Row r : rows) {
                Integer version = r.getInteger("version");
                list.add(
                    new Status(
                        r.getString("id"),
                        r.getLong("planned"),
                        Optional.ofNullable(version),
                        Optional.ofNullable(r.getOffsetDateTime("received_at"))
                            .map(t -> t.toInstant()),
                        version == null ? 0 : r.getInteger("critical"),
                        version == null ? 0 : r.getInteger("high"),
                        version == null ? 0 : r.getInteger("warning")));
              }
              return list;
            });
  }

  /**
   * For each operator without a return for the month and not yet marked overdue: marks it and
   * raises what {@code raise} gives, in one transaction per operator, once however many nodes look.
   * Returns the stream entries of those raised.
   */
  Future<List<LiveEvent>> markOverdue(
      YearMonth month,
      Instant at,
      Function<String, Function<SqlConnection, Future<List<LiveEvent>>>> raise) {
    LocalDate first = month.atDay(1);
    return pool.preparedQuery(MiSql.OVERDUE)
        .execute(Tuple.of(first, month.atEndOfMonth()))
        .compose(
            rows -> {
              List<LiveEvent> events = new ArrayList<>();
              Future<Void> chain = Future.succeededFuture();
              for (Row r : rows) {
                String operatorId = r.getString("id");
                chain =
                    chain.compose(
                        v ->
                            LiveEvents.transaction(
                                    pool,
                                    conn ->
                                        conn.preparedQuery(MiSql.MARK_OVERDUE)
                                            .execute(Tuple.of(operatorId, first, Database.utc(at)))
                                            .compose(
                                                marked ->
                                                    marked.size() == 0
                                                        ? Future.succeededFuture(
                                                            List.<LiveEvent>of())
                                                        : raise.apply(operatorId).apply(conn)))
                                .map(
                                    raised -> {
                                      events.addAll(raised);
                                      return null;
                                    }));
              }
              return chain.map(events);
            });
  }
}
