package travelwatch.school;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import travelwatch.notify.Email;
import travelwatch.notify.Outbox;
import travelwatch.platform.Rfc3339;
import travelwatch.platform.db.Database;

/** The schools' reads and writes: pupils of their runs, their reports, the notices they got. */
final class SchoolStore {
  private final Pool pool;
  private final ZoneId zone;

  SchoolStore(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  record School(String id, String name, String email) {}

  /** A pupil's journey on a run of the school, as reported. */
  record PupilJourney(String runId, String operatorId, String pupilId, PupilState state) {}

  Future<Optional<School>> school(String schoolId) {
    return pool.preparedQuery(SchoolSql.SCHOOL)
        .execute(Tuple.of(schoolId))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(
                        new School(
                            rows.iterator().next().getString("id"),
                            rows.iterator().next().getString("name"),
                            rows.iterator().next().getString("email"))));
  }

  /** Each run's pupils with their state, by run id. */
  Future<Map<String, List<JsonObject>>> pupilsOfRuns(String schoolId, LocalDate date) {
    return pool.preparedQuery(SchoolSql.PUPILS_OF_RUNS)
        .execute(Tuple.of(date, schoolId))
        .map(
            rows -> {
              Map<String, List<JsonObject>> byRun = new LinkedHashMap<>();
              for (Row r : rows) {
                PupilState state =
                    PupilState.of(
                        instant(r, "boarded_at"),
                        instant(r, "absent_at"),
                        instant(r, "dropped_at"),
                        r.getString("dropped_stop_id"),
                        r.getString("planned_dropoff"));
                byRun
                    .computeIfAbsent(r.getString("run_id"), k -> new ArrayList<>())
                    .add(
                        new JsonObject()
                            .put("pupilId", r.getString("pupil_id"))
                            .put("state", state.wireName()));
              }
              return byRun;
            });
  }

  /** The run's operator, if the run goes to or from the school that day. */
  Future<Optional<String>> runOfSchool(String runId, String schoolId, LocalDate date) {
    return pool.preparedQuery(SchoolSql.RUN_OF_SCHOOL)
        .execute(Tuple.of(runId, schoolId, date))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getString("operator_id")));
  }

  Future<Boolean> pupilOfSchool(String pupilId, String schoolId) {
    return pool.preparedQuery(SchoolSql.PUPIL_OF_SCHOOL)
        .execute(Tuple.of(pupilId, schoolId))
        .map(rows -> rows.size() > 0);
  }

  /** The pupil's journey that day on a run of the school (the given run, else the morning's). */
  Future<Optional<PupilJourney>> journey(
      String pupilId, String schoolId, LocalDate date, String runId) {
    return pool.preparedQuery(SchoolSql.JOURNEY)
        .execute(Tuple.of(pupilId, schoolId, date, runId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new PupilJourney(
                      r.getString("run_id"),
                      r.getString("operator_id"),
                      pupilId,
                      PupilState.of(
                          instant(r, "boarded_at"),
                          instant(r, "absent_at"),
                          instant(r, "dropped_at"),
                          r.getString("dropped_stop_id"),
                          r.getString("planned_dropoff"))));
            });
  }

  Future<List<JsonObject>> reports(String schoolId, Instant since) {
    return pool.preparedQuery(SchoolSql.REPORTS)
        .execute(Tuple.of(schoolId, Database.utc(since)))
        .map(
            rows -> {
              List<JsonObject> reports = new ArrayList<>();
              for (Row r : rows) {
                JsonObject j =
                    new JsonObject()
                        .put("reportId", r.getLong("id"))
                        .put("category", r.getString("category"))
                        .put("text", r.getString("text"))
                        .put("reportedBy", r.getString("reported_by"))
                        .put("createdAt", Rfc3339.format(r.getOffsetDateTime("created_at"), zone));
                putIf(j, "runId", r.getString("run_id"));
                putIf(j, "pupilId", r.getString("pupil_id"));
                putIf(j, "alertId", r.getLong("alert_id"));
                reports.add(j);
              }
              return reports;
            });
  }

  // ---- notices ----

  /** A run of a school with an address for notices, and the words a notice needs. */
  record NoticeRun(RunNotices.SchoolRun run, SchoolLetters.About about) {}

  /** A pupil dropped elsewhere, and the words a notice needs. */
  record DroppedElsewhere(SchoolLetters.About about, String pupilId, String stopId) {}

  Future<List<NoticeRun>> noticeRuns(LocalDate date) {
    return pool.preparedQuery(SchoolSql.NOTICE_RUNS)
        .execute(Tuple.of(date))
        .map(
            rows -> {
              List<NoticeRun> runs = new ArrayList<>();
              for (Row r : rows) {
                Instant arriveBy =
                    date.atTime(r.getLocalTime("arrive_by")).atZone(zone).toInstant();
                Instant eta = instant(r, "eta");
                runs.add(
                    new NoticeRun(
                        new RunNotices.SchoolRun(
                            r.getString("school_id"),
                            r.getString("run_id"),
                            r.getString("direction"),
                            arriveBy,
                            r.getString("status"),
                            eta,
                            r.getInteger("minutes_late")),
                        about(r, arriveBy, eta)));
              }
              return runs;
            });
  }

  Future<List<DroppedElsewhere>> droppedElsewhere(LocalDate date) {
    return pool.preparedQuery(SchoolSql.DROPPED_ELSEWHERE)
        .execute(Tuple.of(date))
        .map(
            rows -> {
              List<DroppedElsewhere> found = new ArrayList<>();
              for (Row r : rows) {
                found.add(
                    new DroppedElsewhere(
                        new SchoolLetters.About(
                            r.getString("school_id"),
                            r.getString("school_name"),
                            r.getString("email"),
                            r.getString("run_id"),
                            r.getString("direction"),
                            null,
                            null,
                            null),
                        r.getString("pupil_id"),
                        r.getString("dropped_stop_id")));
              }
              return found;
            });
  }

  private static SchoolLetters.About about(Row r, Instant arriveBy, Instant eta) {
    return new SchoolLetters.About(
        r.getString("school_id"),
        r.getString("school_name"),
        r.getString("email"),
        r.getString("run_id"),
        r.getString("direction"),
        r.getString("operator_name"),
        arriveBy,
        eta);
  }

  /** What each school was told since {@code since}, by school and run. */
  Future<Map<String, List<RunNotices.Notice>>> noticesSent(Instant since) {
    return pool.preparedQuery(SchoolSql.NOTICES_SENT)
        .execute(Tuple.of(Database.utc(since)))
        .map(
            rows -> {
              Map<String, List<RunNotices.Notice>> sent = new java.util.HashMap<>();
              for (Row r : rows) {
                sent.computeIfAbsent(
                        key(r.getString("school_id"), r.getString("run_id")),
                        k -> new ArrayList<>())
                    .add(
                        new RunNotices.Notice(
                            RunNotices.Kind.parse(r.getString("kind")),
                            r.getString("subject"),
                            r.getInteger("minutes")));
              }
              return sent;
            });
  }

  static String key(String schoolId, String runId) {
    return schoolId + "/" + runId;
  }

  /**
   * Records a notice and writes its email in one transaction, if still due given what the school
   * was told of the run (read under a lock per school and run, so nodes take turns); true if
   * written.
   */
  Future<Boolean> send(
      String schoolId,
      String runId,
      RunNotices.Notice n,
      java.util.function.Predicate<List<RunNotices.Notice>> stillDue,
      Email email,
      Instant at) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(SchoolSql.LOCK_RUN_NOTICES)
                .execute(Tuple.of(schoolId, runId))
                .compose(
                    v ->
                        conn.preparedQuery(SchoolSql.NOTICES_OF_RUN)
                            .execute(Tuple.of(schoolId, runId)))
                .compose(
                    told -> {
                      List<RunNotices.Notice> sent = new ArrayList<>();
                      for (Row t : told) {
                        sent.add(
                            new RunNotices.Notice(
                                RunNotices.Kind.parse(t.getString("kind")),
                                t.getString("subject"),
                                t.getInteger("minutes")));
                      }
                      if (!stillDue.test(sent)) {
                        return Future.succeededFuture(false);
                      }
                      return conn.preparedQuery(SchoolSql.RECORD_NOTICE)
                          .execute(
                              Tuple.of(
                                  schoolId,
                                  runId,
                                  n.kind().wireName(),
                                  n.subject(),
                                  n.minutes(),
                                  Database.utc(at)))
                          .compose(
                              rows ->
                                  rows.size() == 0
                                      ? Future.succeededFuture(false)
                                      : Outbox.enqueue(conn, email, at).map(true));
                    }));
  }

  /** A report, its alert and the alert's stream entries, in one transaction. */
  Future<List<travelwatch.live.LiveEvents.LiveEvent>> report(
      String schoolId,
      String runId,
      String pupilId,
      String category,
      String text,
      String reportedBy,
      Instant at,
      java.util.function.BiFunction<
              io.vertx.sqlclient.SqlConnection,
              Long,
              Future<List<travelwatch.live.LiveEvents.LiveEvent>>>
          raise) {
    return travelwatch.live.LiveEvents.transaction(
        pool,
        conn ->
            conn.preparedQuery(SchoolSql.INSERT_REPORT)
                .execute(
                    Tuple.of(
                        schoolId, runId, pupilId, category, text, reportedBy, Database.utc(at)))
                .compose(
                    ids -> {
                      long reportId = ids.iterator().next().getLong(0);
                      return raise
                          .apply(conn, reportId)
                          .compose(
                              events -> {
                                Long alertId = null;
                                for (var e : events) {
                                  if ("alert".equals(e.kind())) {
                                    alertId = e.data().getLong("id");
                                  }
                                }
                                return alertId == null
                                    ? Future.succeededFuture(events)
                                    : conn.preparedQuery(SchoolSql.REPORT_ALERT)
                                        .execute(Tuple.of(reportId, alertId))
                                        .map(events);
                              });
                    }));
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static void putIf(JsonObject j, String key, Object value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
