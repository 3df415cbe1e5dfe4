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

  /** The run's operator, with how the control room reaches it. */
  record OperatorContact(String id, String name, String phone, String controlRoomEmail) {}

  /** The run's school and where it is. */
  record SchoolPlace(String id, String name, double lat, double lon) {}

  record RunDetail(
      RunView run,
      List<StopView> stops,
      List<TimelineEntry> timeline,
      OperatorContact operator,
      SchoolPlace school,
      String plannedDriverId,
      String plannedGuideId) {}

  /** A started run's latest position, as the map shows it. */
  record RunPosition(
      String runId,
      String operatorId,
      String schoolId,
      String status,
      Integer minutesLate,
      boolean feedSilent,
      RunView.Position position) {}

  /** Where a pupil is picked up or dropped on a run, and when that is planned. */
  record PupilStop(String stopId, int seq, Instant plannedTime) {}

  /** A pupil's boarding, absence or drop-off as reported. */
  record PupilEvent(String type, Instant occurredAt, String stopId) {}

  /**
   * What the control room tells a caller about one of the pupil's runs: the ETA at the pupil's own
   * stop (pickup on the way in, drop-off on the way back) while it is not yet reached, where the
   * pupil stands, why the run was cancelled, and the operator's phone.
   */
  record PupilJourney(
      Instant stopEta, String pupilState, String cancellationReason, String operatorPhone) {}

  record PupilRun(
      RunView run,
      PupilStop pickup,
      PupilStop dropoff,
      List<PupilEvent> pupilEvents,
      PupilJourney journey) {
    /** The pupil's own stop: picked up there on the way in, dropped there on the way back. */
    PupilStop ownStop() {
      return "PM".equals(run.direction()) ? dropoff : pickup;
    }
  }

  /** A pupil's runs of a day, under the reference the plan gives the pupil. */
  record PupilDay(String pupilId, List<PupilRun> runs) {}

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
    Future<RowSet<Row>> parties = pool.preparedQuery(RunBoardSql.PARTIES).execute(Tuple.of(runId));
    return Future.all(run, stops, timeline, parties)
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
              Row p = parties.result().iterator().next();
              return Optional.of(
                  new RunDetail(
                      view(r),
                      stopViews,
                      entries,
                      new OperatorContact(
                          p.getString("operator_id"),
                          p.getString("operator_name"),
                          p.getString("phone"),
                          p.getString("control_room_email")),
                      new SchoolPlace(
                          p.getString("school_id"),
                          p.getString("school_name"),
                          p.getDouble("lat"),
                          p.getDouble("lon")),
                      p.getString("planned_driver_id"),
                      p.getString("planned_guide_id")));
            });
  }

  /** The latest position of each started run of a day; of one operator's when it is not null. */
  Future<List<RunPosition>> positions(LocalDate date, String operatorId) {
    return pool.preparedQuery(RunBoardSql.POSITIONS)
        .execute(Tuple.of(date, operatorId))
        .map(
            rows -> {
              List<RunPosition> found = new ArrayList<>(rows.size());
              for (Row r : rows) {
                found.add(
                    new RunPosition(
                        r.getString("id"),
                        r.getString("operator_id"),
                        r.getString("school_id"),
                        r.getString("status"),
                        r.getInteger("minutes_late"),
                        r.getBoolean("feed_silent"),
                        position(r)));
              }
              return found;
            });
  }

  /** The pupil's runs of a day, the reference matched whatever its case; empty: no such pupil. */
  Future<Optional<PupilDay>> pupilRuns(String reference, LocalDate date) {
    return pool.preparedQuery(RunBoardSql.PUPIL_BY_REF)
        .execute(Tuple.of(reference))
        .compose(
            found ->
                found.size() == 0
                    ? Future.succeededFuture(Optional.<PupilDay>empty())
                    : pupilDay(found.iterator().next().getString("id"), date).map(Optional::of));
  }

  private Future<PupilDay> pupilDay(String pupilId, LocalDate date) {
    Tuple args = Tuple.of(pupilId, date);
    Future<RowSet<Row>> runs = pool.preparedQuery(RunBoardSql.PUPIL_TODAY).execute(args);
    Future<RowSet<Row>> stops = pool.preparedQuery(RunBoardSql.PUPIL_STOPS).execute(args);
    Future<RowSet<Row>> events = pool.preparedQuery(RunBoardSql.PUPIL_EVENTS).execute(args);
    Future<RowSet<Row>> journeys = pool.preparedQuery(RunBoardSql.PUPIL_JOURNEYS).execute(args);
    return Future.all(runs, stops, events, journeys)
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
                        new PupilStop(
                            s.getString("id"),
                            s.getInteger("seq"),
                            at(date, s.getLocalTime("planned_time")));
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
                PupilJourney journey = null;
                for (Row j : journeys.result()) {
                  if (runId.equals(j.getString("run_id"))) {
                    journey = journey(j, "PM".equals(r.getString("direction")));
                  }
                }
                found.add(new PupilRun(view(r), pickup, dropoff, reported, journey));
              }
              return new PupilDay(pupilId, found);
            });
  }

  private static PupilJourney journey(Row j, boolean homeward) {
    Instant eta = instant(j, homeward ? "expected_dropoff_at" : "expected_pickup_at");
    Instant reached = instant(j, homeward ? "dropoff_reached_at" : "pickup_reached_at");
    String state;
    if (instant(j, "dropped_at") != null) {
      state =
          Boolean.TRUE.equals(j.getBoolean("dropped_off_plan"))
                  || !java.util.Objects.equals(
                      j.getString("dropped_stop_id"), j.getString("dropoff_stop_id"))
              ? "dropped_elsewhere"
              : "dropped";
    } else if (instant(j, "boarded_at") != null) {
      state = "boarded";
    } else if (instant(j, "absent_at") != null) {
      state = "absent";
    } else if (j.getBoolean("missed")) {
      state = "missed";
    } else {
      state = "expected";
    }
    return new PupilJourney(
        reached == null ? eta : null,
        state,
        j.getString("cancellation_reason"),
        j.getString("operator_phone"));
  }

  private static Instant instant(Row r, String column) {
    var t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
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
        r.getLong("open_alerts").intValue(),
        r.getString("operator_name"),
        r.getString("school_name"),
        r.getBoolean("feed_silent"),
        position(r));
  }

  private static RunView.Position position(Row r) {
    var at = r.getOffsetDateTime("position_at");
    return at == null
        ? null
        : new RunView.Position(r.getDouble("lat"), r.getDouble("lon"), at.toInstant());
  }

  private Instant at(LocalDate date, LocalTime time) {
    return date.atTime(time).atZone(zone).toInstant();
  }
}
