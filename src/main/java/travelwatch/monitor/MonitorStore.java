package travelwatch.monitor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import travelwatch.config.MonitorSettings;
import travelwatch.live.LiveEvents;
import travelwatch.live.LiveEvents.LiveEvent;
import travelwatch.platform.db.Database;

/**
 * Reads the events a monitor replays, and writes each run's live state for the run board; a run's
 * status change is appended to the live stream (and told to its {@link RunChangeListener}s) in the
 * same transaction.
 */
public final class MonitorStore {
  /**
   * Work that must commit with runs' status changes, in the same transaction: each run as the live
   * stream carries it (the Run schema and {@code previousStatus}), all of a save's at once.
   */
  public interface RunChangeListener {
    Future<Void> changed(SqlConnection conn, List<JsonObject> runs, OffsetDateTime at);
  }

  private final Pool pool;
  private final ZoneId zone;
  private final List<RunChangeListener> listeners = new ArrayList<>();

  public MonitorStore(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  public void listen(RunChangeListener listener) {
    listeners.add(listener);
  }

  /**
   * Each row is decoded as it arrives, so a full day (~400,000 events) never sits in memory twice
   * nor holds the event loop for seconds in one go.
   */
  public Future<List<Observation>> replay(LocalDate date) {
    return pool.preparedQuery(MonitorSql.REPLAY)
        .collecting(Collectors.mapping(MonitorStore::decode, Collectors.toList()))
        .execute(Tuple.of(date))
        .map(SqlResult::value);
  }

  /** Every crew event ever stored, in the order stored. */
  public Future<List<Observation>> crewEvents() {
    return pool.query(MonitorSql.CREW_EVENTS)
        .collecting(Collectors.mapping(MonitorStore::decode, Collectors.toList()))
        .execute()
        .map(SqlResult::value);
  }

  /** Every crew event stored about these crew members, in the order stored. */
  public Future<List<Observation>> crewEventsOf(List<String> crewIds) {
    return pool.preparedQuery(MonitorSql.CREW_EVENTS_OF)
        .collecting(Collectors.mapping(MonitorStore::decode, Collectors.toList()))
        .execute(Tuple.of(crewIds.toArray(new String[0])))
        .map(SqlResult::value);
  }

  /**
   * The events of some shards of the day: their runs' events, the council-wide ones when {@code
   * global}, and every crew fact; only those stored after {@code afterSeq}, if it is positive.
   */
  public Future<List<Observation>> replay(
      LocalDate date, Collection<String> runIds, boolean global, long afterSeq) {
    Tuple args = Tuple.of(date, runIds.toArray(new String[0]), global);
    String sql = MonitorSql.REPLAY_SHARDS;
    if (afterSeq > 0) {
      args.addLong(afterSeq);
      sql = MonitorSql.CATCH_UP;
    }
    return pool.preparedQuery(sql)
        .collecting(Collectors.mapping(MonitorStore::decode, Collectors.toList()))
        .execute(args)
        .map(SqlResult::value);
  }

  /** The highest sequence number stored so far. */
  public Future<Long> latestSeq() {
    return pool.query(MonitorSql.LATEST_SEQ)
        .execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Straight from the row: formatting timestamps as text to parse them back cost seconds a day. */
  private static Observation decode(Row r) {
    Observation.Meta meta =
        new Observation.Meta(
            r.getLong("seq"),
            r.getString("owner"),
            r.getString("event_id"),
            r.getOffsetDateTime("occurred_at").toInstant(),
            r.getOffsetDateTime("received_at").toInstant());
    return ObservationCodec.decode(meta, r.getString("type"), r.getString("body"));
  }

  /**
   * Saves the runs' state and appends their status changes to the live stream, in one transaction.
   */
  public Future<List<LiveEvent>> save(
      List<RunState> runs,
      List<Monitor.StatusChange> changes,
      MonitorSettings settings,
      Instant now) {
    if (runs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    int n = runs.size();
    String[] ids = new String[n];
    String[] statuses = new String[n];
    OffsetDateTime[] etas = new OffsetDateTime[n];
    Integer[] late = new Integer[n];
    String[] drivers = new String[n];
    String[] guides = new String[n];
    String[] vehicles = new String[n];
    OffsetDateTime[] started = new OffsetDateTime[n];
    OffsetDateTime[] arrived = new OffsetDateTime[n];
    OffsetDateTime[] updated = new OffsetDateTime[n];
    Double[] lats = new Double[n];
    Double[] lons = new Double[n];
    OffsetDateTime[] positionAt = new OffsetDateTime[n];
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    for (int i = 0; i < n; i++) {
      RunState s = runs.get(i);
      ids[i] = s.plan().id();
      statuses[i] = s.status().wireName();
      etas[i] = Database.utc(Eta.arrival(s, settings));
      late[i] = Eta.minutesLate(s, settings);
      drivers[i] = s.driverId();
      guides[i] = s.guideId();
      vehicles[i] = s.vehicleReg();
      started[i] = Database.utc(s.startedAt());
      arrived[i] = Database.utc(s.arrivedAt());
      updated[i] = at;
      if (s.positionAt != 0) {
        lats[i] = s.lat;
        lons[i] = s.lon;
        positionAt[i] = Database.utc(RunState.instant(s.positionAt));
      }
    }
    java.util.Map<String, RunState> byId = new java.util.HashMap<>();
    runs.forEach(r -> byId.put(r.plan().id(), r));
    // The journey rows the transaction writes, marked as stored once it has committed.
    List<JourneyRow> written = new ArrayList<>();
    Function<SqlConnection, Future<List<LiveEvent>>> work =
        conn -> {
          Future<List<LiveEvent>> chain =
              conn.preparedQuery(MonitorSql.UPSERT_RUN_STATE)
                  .execute(
                      Tuple.wrap(
                          List.<Object>of(
                              ids,
                              statuses,
                              etas,
                              late,
                              drivers,
                              guides,
                              vehicles,
                              started,
                              arrived,
                              updated,
                              lats,
                              lons,
                              positionAt)))
                  .compose(v -> savePupilJourneys(conn, runs, settings, at, written))
                  .map(v -> new ArrayList<>());
          List<JsonObject> changed = new ArrayList<>();
          for (Monitor.StatusChange c : changes) {
            RunState s = byId.get(c.runId());
            JsonObject run =
                RunJson.of(RunView.of(s, settings, now), zone)
                    .put("previousStatus", c.from().wireName());
            changed.add(run);
            chain =
                chain.compose(
                    list ->
                        LiveEvents.append(conn, "run", run, at)
                            .map(
                                e -> {
                                  list.add(e);
                                  return list;
                                }));
          }
          return changed.isEmpty()
              ? chain
              : chain.compose(list -> told(conn, changed, at).map(list));
        };
    // Only a save that appends to the live stream needs the stream's lock.
    Future<List<LiveEvent>> saved =
        changes.isEmpty() ? pool.withTransaction(work) : LiveEvents.transaction(pool, work);
    return saved.onSuccess(v -> written.forEach(JourneyRow::stored));
  }

  /** Each listener in turn, in the status changes' transaction. */
  private Future<Void> told(SqlConnection conn, List<JsonObject> runs, OffsetDateTime at) {
    Future<Void> done = Future.succeededFuture();
    for (RunChangeListener l : listeners) {
      done = done.compose(v -> l.changed(conn, runs, at));
    }
    return done;
  }

  /**
   * An expected time moved by less than this is not written again: a position moves every pupil's
   * expected times by seconds, and parents and schools read them to the minute.
   */
  static final long ETA_WRITE_MILLIS = 60_000;

  /** A pupil's journey row to write: its run, which pupil, and what the row says. */
  private record JourneyRow(
      RunState run, int pupil, long fingerprint, long pickupEta, long dropoffEta) {
    void stored() {
      run.journeySaved[pupil] = fingerprint;
      run.journeyEtasSaved[2 * pupil] = pickupEta;
      run.journeyEtasSaved[2 * pupil + 1] = dropoffEta;
    }
  }

  /**
   * The pupils' journeys on these runs that changed since they were last stored, in the same
   * transaction as the runs' state; {@code written} gets each row written, to mark once committed.
   */
  private static Future<Void> savePupilJourneys(
      SqlConnection conn,
      List<RunState> runs,
      MonitorSettings settings,
      OffsetDateTime at,
      List<JourneyRow> written) {
    List<Instant[]> expected = new ArrayList<>();
    for (RunState s : runs) {
      RunPlan plan = s.plan();
      for (int p = 0; p < plan.pupils().size(); p++) {
        RunPlan.PupilPlan pupil = plan.pupils().get(p);
        Instant pickupEta = Eta.at(s, pupil.pickupStop(), settings);
        Instant dropoffEta = Eta.at(s, pupil.dropoffStop(), settings);
        long fingerprint = journeyFingerprint(s, p, pupil);
        long pickup = millis(pickupEta);
        long dropoff = millis(dropoffEta);
        if (fingerprint != s.journeySaved[p]
            || moved(s.journeyEtasSaved[2 * p], pickup)
            || moved(s.journeyEtasSaved[2 * p + 1], dropoff)) {
          written.add(new JourneyRow(s, p, fingerprint, pickup, dropoff));
          expected.add(new Instant[] {pickupEta, dropoffEta});
        }
      }
    }
    int n = written.size();
    if (n == 0) {
      return Future.succeededFuture();
    }
    String[] runIds = new String[n];
    String[] pupilIds = new String[n];
    LocalDate[] dates = new LocalDate[n];
    String[] directions = new String[n];
    String[] schools = new String[n];
    String[] pickupStops = new String[n];
    OffsetDateTime[] plannedPickups = new OffsetDateTime[n];
    OffsetDateTime[] expectedPickups = new OffsetDateTime[n];
    String[] dropoffStops = new String[n];
    OffsetDateTime[] plannedDropoffs = new OffsetDateTime[n];
    OffsetDateTime[] expectedDropoffs = new OffsetDateTime[n];
    OffsetDateTime[] pickupReached = new OffsetDateTime[n];
    OffsetDateTime[] dropoffReached = new OffsetDateTime[n];
    OffsetDateTime[] started = new OffsetDateTime[n];
    OffsetDateTime[] boarded = new OffsetDateTime[n];
    OffsetDateTime[] absent = new OffsetDateTime[n];
    OffsetDateTime[] dropped = new OffsetDateTime[n];
    String[] droppedStops = new String[n];
    Boolean[] offPlan = new Boolean[n];
    OffsetDateTime[] cancelled = new OffsetDateTime[n];
    OffsetDateTime[] updated = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      RunState s = written.get(i).run();
      int p = written.get(i).pupil();
      RunPlan plan = s.plan();
      RunPlan.PupilPlan pupil = plan.pupils().get(p);
      RunPlan.StopPlan pickup = plan.stops().get(pupil.pickupStop());
      RunPlan.StopPlan dropoff = plan.stops().get(pupil.dropoffStop());
      runIds[i] = plan.id();
      pupilIds[i] = pupil.pupilId();
      dates[i] = plan.date();
      directions[i] = plan.direction();
      schools[i] = plan.schoolId();
      pickupStops[i] = pickup.id();
      plannedPickups[i] = Database.utc(pickup.plannedAt());
      expectedPickups[i] = Database.utc(expected.get(i)[0]);
      dropoffStops[i] = dropoff.id();
      plannedDropoffs[i] = Database.utc(dropoff.plannedAt());
      expectedDropoffs[i] = Database.utc(expected.get(i)[1]);
      pickupReached[i] = Database.utc(RunState.instant(s.stopReachedAt[pupil.pickupStop()]));
      dropoffReached[i] = Database.utc(RunState.instant(s.stopReachedAt[pupil.dropoffStop()]));
      started[i] = Database.utc(s.startedAt());
      boarded[i] = Database.utc(RunState.instant(s.boardedAt[p]));
      absent[i] = Database.utc(RunState.instant(s.absentAt[p]));
      dropped[i] = Database.utc(RunState.instant(s.droppedAt[p]));
      // A stop the plan does not have is a sender's text: kept as "off the plan", never named.
      droppedStops[i] = s.droppedStop[p] < 0 ? null : plan.stops().get(s.droppedStop[p]).id();
      offPlan[i] = s.droppedAt[p] != 0 && s.droppedStop[p] < 0;
      cancelled[i] = Database.utc(RunState.instant(s.cancelledAt));
      updated[i] = at;
    }
    return conn.preparedQuery(MonitorSql.UPSERT_PUPIL_JOURNEY)
        .execute(
            Tuple.wrap(
                List.<Object>of(
                    runIds,
                    pupilIds,
                    dates,
                    directions,
                    schools,
                    pickupStops,
                    plannedPickups,
                    expectedPickups,
                    dropoffStops,
                    plannedDropoffs,
                    expectedDropoffs,
                    pickupReached,
                    dropoffReached,
                    started,
                    boarded,
                    absent,
                    dropped,
                    droppedStops,
                    offPlan,
                    cancelled,
                    updated)))
        .mapEmpty();
  }

  private static long millis(Instant at) {
    return at == null ? Long.MIN_VALUE : at.toEpochMilli();
  }

  /** An expected time to write again: it came, went, or moved by a minute or more. */
  private static boolean moved(long saved, long now) {
    if (saved == Long.MIN_VALUE || now == Long.MIN_VALUE) {
      return saved != now;
    }
    return Math.abs(now - saved) >= ETA_WRITE_MILLIS;
  }

  /**
   * What a pupil's journey row says apart from its expected times, as one number: whatever changes
   * in it (stops reached, started, boarded, absent, dropped, where, cancelled) changes the number.
   * The plan's own parts are the run state's for its life: a plan change builds new run states.
   */
  private static long journeyFingerprint(RunState s, int p, RunPlan.PupilPlan pupil) {
    long h = 1;
    h = mix(h, s.stopReachedAt[pupil.pickupStop()]);
    h = mix(h, s.stopReachedAt[pupil.dropoffStop()]);
    h = mix(h, s.startedAt);
    h = mix(h, s.boardedAt[p]);
    h = mix(h, s.absentAt[p]);
    h = mix(h, s.droppedAt[p]);
    h = mix(h, s.droppedStop[p]);
    h = mix(h, s.cancelledAt);
    return h == 0 ? 1 : h; // 0 means "never stored"
  }

  private static long mix(long h, long v) {
    long x = (h ^ v) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 31);
  }
}
