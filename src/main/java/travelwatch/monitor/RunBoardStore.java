package travelwatch.monitor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The run board's read model (statements in {@link RunBoardSql}): runs as the API shows them, a
 * run's stops and timeline, a pupil's runs of a day. Reads only.
 */
final class RunBoardStore {
  /** A stop of a run, with the pupils picked up and dropped there (references only). */
  record StopView(
      String id,
      int seq,
      double lat,
      double lon,
      Instant plannedTime,
      List<String> pickups,
      List<String> dropoffs) {}

  /** One stored event of a run, its own fields beside the store's (and where it came from). */
  record TimelineEntry(
      String eventId,
      String type,
      Instant occurredAt,
      Instant receivedAt,
      String source,
      JsonObject fields) {}

  record RunDetail(RunView run, List<StopView> stops, List<TimelineEntry> timeline) {}

  /** Where a pupil is picked up or dropped on a run, and when that is planned. */
  record PupilStop(String stopId, Instant plannedTime) {}

  /** A pupil's boarding, absence or drop-off as reported. */
  record PupilEvent(String type, Instant occurredAt, String stopId) {}

  record PupilRun(RunView run, PupilStop pickup, PupilStop dropoff, List<PupilEvent> pupilEvents) {}

  private final Pool pool;
  private final ZoneId zone;

  RunBoardStore(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  /** A page of a day's runs in id order, after {@code after}; null filters are not applied. */
  Future<List<RunView>> board(
      LocalDate date, String status, String operatorId, String after, int limit) {
    return pool.preparedQuery(RunBoardSql.BOARD)
        .execute(Tuple.wrap(new ArrayList<>(Arrays.asList(date, status, operatorId, after, limit))))
        .map(rows -> runs(rows));
  }

  /** A day's runs to and from one school, by arrival time. */
  Future<List<RunView>> ofSchool(LocalDate date, String schoolId) {
    return pool.preparedQuery(RunBoardSql.OF_SCHOOL)
        .execute(Tuple.of(date, schoolId))
        .map(rows -> runs(rows));
  }

  Future<Optional<RunDetail>> detail(String runId) {
    Future<RowSet<Row>> run = pool.preparedQuery(RunBoardSql.ONE).execute(Tuple.of(runId));
    Future<RowSet<Row>> stops = pool.preparedQuery(RunBoardSql.STOPS).execute(Tuple.of(runId));
    Future<RowSet<Row>> timeline =
        pool.preparedQuery(RunBoardSql.TIMELINE).execute(Tuple.of(runId));
    return Future.all(run, stops, timeline)
        .map(
            all -> {
              if (run.result().size() == 0) {
                return Optional.empty();
              }
              Row r = run.result().iterator().next();
              LocalDate date = r.getLocalDate("service_date");
              List<StopView> stopViews = new ArrayList<>();
              for (Row s : stops.result()) {
                stopViews.add(
                    new StopView(
                        s.getString("id"),
                        s.getInteger("seq"),
                        s.getDouble("lat"),
                        s.getDouble("lon"),
                        at(date, s.getLocalTime("planned_time")),
                        List.of(s.getArrayOfStrings("pickups")),
                        List.of(s.getArrayOfStrings("dropoffs"))));
              }
              List<TimelineEntry> entries = new ArrayList<>();
              for (Row e : timeline.result()) {
                JsonObject fields = new JsonObject(e.getString("body"));
                fields.remove("eventId");
                fields.remove("type");
                fields.remove("occurredAt");
                entries.add(
                    new TimelineEntry(
                        e.getString("event_id"),
                        e.getString("type"),
                        e.getOffsetDateTime("occurred_at").toInstant(),
                        e.getOffsetDateTime("received_at").toInstant(),
                        e.getString("source"),
                        fields));
              }
              return Optional.of(new RunDetail(view(r), stopViews, entries));
            });
  }

  Future<List<PupilRun>> pupilRuns(String pupilId, LocalDate date) {
    Future<RowSet<Row>> runs =
        pool.preparedQuery(RunBoardSql.PUPIL_TODAY).execute(Tuple.of(pupilId, date));
    Future<RowSet<Row>> stops =
        pool.preparedQuery(RunBoardSql.PUPIL_STOPS).execute(Tuple.of(pupilId, date));
    Future<RowSet<Row>> events =
        pool.preparedQuery(RunBoardSql.PUPIL_EVENTS).execute(Tuple.of(pupilId, date));
    return Future.all(runs, stops, events)
        .map(
            all -> {
              List<PupilRun> found = new ArrayList<>();
              for (Row r : runs.result()) {
                String runId = r.getString("id");
                PupilStop pickup = null;
                PupilStop dropoff = null;
                for (Row s : stops.result()) {
                  if (s.getString("run_id").equals(runId)) {
                    PupilStop stop =
                        new PupilStop(s.getString("id"), at(date, s.getLocalTime("planned_time")));
                    if ("pickup".equals(s.getString("action"))) {
                      pickup = stop;
                    } else {
                      dropoff = stop;
                    }
                  }
                }
                List<PupilEvent> reported = new ArrayList<>();
                for (Row e : events.result()) {
                  if (runId.equals(e.getString("run_id"))) {
                    reported.add(
                        new PupilEvent(
                            e.getString("type"),
                            e.getOffsetDateTime("occurred_at").toInstant(),
                            e.getString("stop_id")));
                  }
                }
                found.add(new PupilRun(view(r), pickup, dropoff, reported));
              }
              return found;
            });
  }

  private List<RunView> runs(RowSet<Row> rows) {
    List<RunView> views = new ArrayList<>(rows.size());
    for (Row r : rows) {
      views.add(view(r));
    }
    return views;
  }

  private RunView view(Row r) {
    LocalDate date = r.getLocalDate("service_date");
    var eta = r.getOffsetDateTime("eta");
    return new RunView(
        r.getString("id"),
        r.getString("route_id"),
        r.getString("operator_id"),
        r.getString("school_id"),
        date,
        r.getString("direction"),
        r.getString("status"),
        at(date, r.getLocalTime("arrive_by")),
        eta == null ? null : eta.toInstant(),
        r.getInteger("minutes_late"),
        r.getString("driver_id"),
        r.getString("guide_id"),
        r.getString("vehicle_reg"),
        r.getLong("open_alerts").intValue());
  }

  private Instant at(LocalDate date, LocalTime time) {
    return date.atTime(time).atZone(zone).toInstant();
  }
}
