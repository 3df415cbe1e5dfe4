package travelwatch.kpi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import travelwatch.kpi.KpiFigures.CallCounts;
import travelwatch.kpi.KpiFigures.Casework;
import travelwatch.kpi.KpiFigures.ParentMessages;
import travelwatch.kpi.KpiFigures.RunCounts;
import travelwatch.kpi.KpiFigures.SchoolFigures;
import travelwatch.platform.db.Database;

/**
 * Computes KPI figures in PostgreSQL and keeps their snapshots. Every write of a period's snapshot
 * holds that period's advisory lock for its transaction, so versions are assigned one at a time and
 * a scheduled snapshot is taken once however many nodes try. Transactions stay READ COMMITTED so
 * that the check made after taking the lock sees what the previous holder committed.
 */
public final class KpiStore {
  /** The case work target: applications and complaints are overdue after 20 working days. */
  public static final int TARGET_WORKING_DAYS = 20;

  /** Advisory lock classes (first key); the second key is the period's epoch day. */
  static final int WEEKLY_LOCK = 0x4B504957;

  static final int DAILY_LOCK = 0x4B504944;

  private final Pool pool;
  private final WorkingDays workingDays;
  private final ZoneId zone;
  private final Clock clock;
  private WeeklyKpiOutbox mail;

  public KpiStore(Pool pool, WorkingDays workingDays, ZoneId zone, Clock clock) {
    this.pool = pool;
    this.workingDays = workingDays;
    this.zone = zone;
    this.clock = clock;
  }

  /** A kind of snapshot: its advisory lock class and its table's statements. */
  private enum Kind {
    WEEKLY(WEEKLY_LOCK, KpiSql.WEEKLY_LATEST, KpiSql.WEEKLY_TAKEN_SINCE, KpiSql.WEEKLY_INSERT),
    DAILY(DAILY_LOCK, KpiSql.DAILY_LATEST, KpiSql.DAILY_TAKEN_SINCE, KpiSql.DAILY_INSERT);

    final int lockClass;
    final String latest;
    final String takenSince;
    final String insert;

    Kind(int lockClass, String latest, String takenSince, String insert) {
      this.lockClass = lockClass;
      this.latest = latest;
      this.takenSince = takenSince;
      this.insert = insert;
    }
  }

  /** A stored snapshot of either kind, named by its week's Friday or its day. */
  private record Stored(LocalDate date, int version, Instant computedAt, KpiFigures figures) {
    WeeklySnapshot weekly() {
      return new WeeklySnapshot(WeekEnding.of(date), version, computedAt, figures);
    }

    DailySnapshot daily() {
      return new DailySnapshot(date, version, computedAt, figures);
    }
  }

  /** Emails the weekly table whenever the scheduled weekly snapshot is taken. */
  void mailWeekly(WeeklyKpiOutbox mail) {
    this.mail = mail;
  }

  /**
   * The latest snapshot of an ended week, computing and storing version 1 first if there is none;
   * of a week not ended yet, its figures so far, stored nowhere (a snapshot is permanent).
   */
  public Future<WeeklySnapshot> weekly(WeekEnding week) {
    if (!ended(week)) {
      return soFar(week);
    }
    return latestOrFirst(Kind.WEEKLY, week.friday()).map(Stored::weekly);
  }

  /** Whether the week is over by the service's clock: its Friday has ended. */
  public boolean ended(WeekEnding week) {
    return !clock.instant().isBefore(week.friday().plusDays(1).atStartOfDay(zone).toInstant());
  }

  /** The week's figures as they stand now, computed and stored nowhere. */
  private Future<WeeklySnapshot> soFar(WeekEnding week) {
    Instant computedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return compute(pool, week.period(), Optional.of(week.friday()))
        .map(f -> new WeeklySnapshot(week, WeeklySnapshot.SO_FAR, computedAt, f));
  }

  /** A given version of the week, if it was stored. */
  public Future<Optional<WeeklySnapshot>> weekly(WeekEnding week, int version) {
    return pool.preparedQuery(KpiSql.WEEKLY_VERSION)
        .execute(Tuple.of(week.friday(), version))
        .map(rows -> first(rows).map(Stored::weekly));
  }

  /** Computes the week now and stores it as its next version. */
  public Future<WeeklySnapshot> recomputeWeekly(WeekEnding week) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(KpiSql.LOCK_PERIOD)
                    .execute(lockKey(Kind.WEEKLY, week.friday()))
                    .compose(v -> take(conn, Kind.WEEKLY, week.friday())))
        .map(Stored::weekly);
  }

  /** The latest snapshot of each week from {@code from} to {@code to} that has one. */
  public Future<List<WeeklySnapshot>> weeklyBetween(LocalDate from, LocalDate to) {
    return pool.preparedQuery(KpiSql.WEEKLY_BETWEEN)
        .execute(Tuple.of(from, to))
        .map(
            rows -> {
              List<WeeklySnapshot> list = new ArrayList<>();
              rows.forEach(r -> list.add(stored(r).weekly()));
              return list;
            });
  }

  /** The latest snapshot of the newest week up to {@code last} that has one. */
  public Future<Optional<WeeklySnapshot>> newestWeeklyUpTo(WeekEnding last) {
    return pool.preparedQuery(KpiSql.WEEKLY_NEWEST)
        .execute(Tuple.of(last.friday()))
        .map(rows -> first(rows).map(Stored::weekly));
  }

  /** The latest figures of the day, computing and storing version 1 first if there are none. */
  public Future<DailySnapshot> daily(LocalDate date) {
    return latestOrFirst(Kind.DAILY, date).map(Stored::daily);
  }

  /**
   * Takes the week's scheduled snapshot unless one was taken at or after {@code due}, or another
   * node is taking it now; empty when there was nothing to do here.
   */
  public Future<Optional<WeeklySnapshot>> takeWeeklyIfDue(WeekEnding week, Instant due) {
    return takeIfDue(Kind.WEEKLY, week.friday(), due).map(s -> s.map(Stored::weekly));
  }

  /** As {@link #takeWeeklyIfDue} for a day's figures. */
  public Future<Optional<DailySnapshot>> takeDailyIfDue(LocalDate date, Instant due) {
    return takeIfDue(Kind.DAILY, date, due).map(s -> s.map(Stored::daily));
  }

  /** Figures for any period without case work, not stored: e.g. the week so far. */
  public Future<KpiFigures> figures(ReportingPeriod period) {
    return compute(pool, period, Optional.empty());
  }

  private Future<Stored> latestOrFirst(Kind kind, LocalDate date) {
    return pool.preparedQuery(kind.latest)
        .execute(Tuple.of(date))
        .compose(
            rows -> {
              Optional<Stored> found = first(rows);
              if (found.isPresent()) {
                return Future.succeededFuture(found.get());
              }
              return pool.withTransaction(
                  conn ->
                      conn.preparedQuery(KpiSql.LOCK_PERIOD)
                          .execute(lockKey(kind, date))
                          .compose(v -> conn.preparedQuery(kind.latest).execute(Tuple.of(date)))
                          .compose(
                              again ->
                                  first(again)
                                      .map(Future::succeededFuture)
                                      .orElseGet(() -> take(conn, kind, date))));
            });
  }

  private Future<Optional<Stored>> takeIfDue(Kind kind, LocalDate date, Instant due) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(KpiSql.TRY_LOCK_PERIOD)
                .execute(lockKey(kind, date))
                .compose(
                    locked -> {
                      if (!locked.iterator().next().getBoolean("locked")) {
                        return Future.succeededFuture(Optional.empty());
                      }
                      return conn.preparedQuery(kind.takenSince)
                          .execute(Tuple.of(date, Database.utc(due)))
                          .compose(
                              taken ->
                                  taken.iterator().next().getBoolean("taken")
                                      ? Future.succeededFuture(Optional.<Stored>empty())
                                      : take(conn, kind, date)
                                          .compose(s -> mailed(conn, kind, s))
                                          .map(Optional::of));
                    }));
  }

  /** The scheduled weekly snapshot's email, with the weeks before it, in the same transaction. */
  private Future<Stored> mailed(SqlConnection conn, Kind kind, Stored taken) {
    if (kind != Kind.WEEKLY || mail == null) {
      return Future.succeededFuture(taken);
    }
    LocalDate from = taken.date().minusWeeks(mail.weeks() - 1L);
    return conn.preparedQuery(KpiSql.WEEKLY_BETWEEN)
        .execute(Tuple.of(from, taken.date()))
        .compose(
            rows -> {
              List<WeeklySnapshot> weeks = new ArrayList<>();
              rows.forEach(r -> weeks.add(stored(r).weekly()));
              return mail.send(conn, taken.weekly(), new WeeklyKpiEmail(zone).render(weeks));
            })
        .map(taken);
  }

  /** Computes the period's figures and stores them as its next version; the lock is held. */
  private Future<Stored> take(SqlConnection conn, Kind kind, LocalDate date) {
    Instant computedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Future<KpiFigures> figures =
        kind == Kind.WEEKLY
            ? compute(conn, WeekEnding.of(date).period(), Optional.of(date))
            : compute(conn, ReportingPeriod.day(date), Optional.empty());
    return figures.compose(
        f ->
            conn.preparedQuery(kind.insert)
                .execute(Tuple.of(date, Database.utc(computedAt), KpiJson.figures(f)))
                .map(
                    rows ->
                        new Stored(
                            date, rows.iterator().next().getInteger("version"), computedAt, f)));
  }

  /** Every figure of the period; the case work backlog as at the end of {@code caseworkAt}. */
  private Future<KpiFigures> compute(
      SqlClient sql, ReportingPeriod period, Optional<LocalDate> caseworkAt) {
    Future<List<RunCounts>> runs =
        sql.preparedQuery(KpiSql.RUNS)
            .execute(Tuple.of(period.first(), period.last(), zone.getId()))
            .map(
                rows -> {
                  List<RunCounts> list = new ArrayList<>();
                  for (Row r : rows) {
                    list.add(
                        new RunCounts(
                            r.getString("operator_id"),
                            r.getLong("planned"),
                            r.getLong("delivered"),
                            r.getLong("cancelled"),
                            r.getLong("on_time"),
                            r.getLong("pupils_expected"),
                            r.getLong("pupils_transported")));
                  }
                  return list;
                });
    Future<List<SchoolFigures>> schools =
        sql.preparedQuery(KpiSql.SCHOOL_RUNS)
            .execute(Tuple.of(period.first(), period.last(), zone.getId()))
            .map(
                rows -> {
                  List<SchoolFigures> list = new ArrayList<>();
                  for (Row r : rows) {
                    list.add(
                        new SchoolFigures(
                            r.getString("school_id"),
                            r.getString("school_name"),
                            r.getLong("planned"),
                            r.getLong("delivered"),
                            r.getLong("on_time")));
                  }
                  return list;
                });
    Future<CallCounts> calls =
        sql.preparedQuery(KpiSql.CALLS)
            .execute(Tuple.of(period.first(), period.last()))
            .map(
                rows -> {
                  Row r = rows.iterator().next();
                  return new CallCounts(r.getLong("offered"), r.getLong("answered"));
                });
    Tuple instants =
        Tuple.of(Database.utc(period.startsAt(zone)), Database.utc(period.endsAt(zone)));
    Future<Long> safeguarding =
        sql.preparedQuery(KpiSql.SAFEGUARDING)
            .execute(instants)
            .map(rows -> rows.iterator().next().getLong("safeguarding"));
    Future<ParentMessages> parentMessages =
        sql.preparedQuery(KpiSql.PARENT_MESSAGES)
            .execute(instants)
            .map(
                rows -> {
                  Row r = rows.iterator().next();
                  return new ParentMessages(
                      r.getLong("received"),
                      r.getLong("answered"),
                      Optional.ofNullable(r.getBigDecimal("median_minutes")));
                });
    Future<Optional<Casework>> casework =
        caseworkAt.isEmpty()
            ? Future.succeededFuture(Optional.empty())
            : casework(sql, period, caseworkAt.get()).map(Optional::of);
    return Future.all(List.of(runs, schools, calls, safeguarding, casework, parentMessages))
        .map(
            all ->
                KpiFigures.from(
                    safeguarding.result(),
                    runs.result(),
                    calls.result(),
                    casework.result(),
                    parentMessages.result(),
                    schools.result()));
  }

  private Future<Casework> casework(SqlClient sql, ReportingPeriod period, LocalDate asAt) {
    LocalDate overdueBefore = workingDays.overdueIfReceivedBefore(asAt, TARGET_WORKING_DAYS);
    Future<Row> applications =
        sql.preparedQuery(KpiSql.APPLICATIONS_OVERDUE)
            .execute(Tuple.of(asAt, overdueBefore))
            .map(rows -> rows.iterator().next());
    Future<Row> complaints =
        sql.preparedQuery(KpiSql.COMPLAINTS)
            .execute(Tuple.of(period.first(), asAt, overdueBefore))
            .map(rows -> rows.iterator().next());
    return Future.all(applications, complaints)
        .map(
            all ->
                new Casework(
                    applications.result().getLong("bus_pass"),
                    applications.result().getLong("transport"),
                    complaints.result().getLong("received"),
                    complaints.result().getLong("overdue")));
  }

  private static Tuple lockKey(Kind kind, LocalDate date) {
    return Tuple.of(kind.lockClass, (int) date.toEpochDay());
  }

  private static Optional<Stored> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next()));
  }

  private static Stored stored(Row r) {
    Object figures = r.getValue("figures");
    JsonObject json = figures instanceof JsonObject j ? j : new JsonObject(String.valueOf(figures));
    return new Stored(
        r.getLocalDate("period"),
        r.getInteger("version"),
        r.getOffsetDateTime("computed_at").toInstant(),
        KpiJson.figuresFrom(json));
  }
}
