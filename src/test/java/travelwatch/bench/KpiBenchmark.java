package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import travelwatch.config.TravelWatchConfig.DatabaseConfig;
import travelwatch.kpi.KpiStore;
import travelwatch.kpi.WeekEnding;
import travelwatch.kpi.WeeklySnapshot;
import travelwatch.kpi.WorkingDays;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;

/**
 * How long one weekly KPI snapshot takes over a school year at Birmingham scale (goal ≤ 2 s): 1,050
 * routes × 2 runs × 190 school days with their stops and pupils, each run's and pupil's events,
 * 30,000 calls, and a year of applications and complaints, generated in PostgreSQL into a fresh
 * embedded database in {@code workDir}.
 */
public final class KpiBenchmark {
  static final int ROUTES = 1050;
  static final int PUPILS = 4000;
  static final int SCHOOL_DAYS = 190;
  static final int CALLS = 30_000;
  static final int APPLICATIONS = 6000;
  static final int COMPLAINTS = 1500;
  static final LocalDate FIRST_DAY = LocalDate.of(2025, 9, 1);

  /** A week in the middle of the year, with a full five school days. */
  static final LocalDate WEEK_ENDING = LocalDate.of(2026, 1, 23);

  private static final int MEASURED = 5;

  private KpiBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = args.length > 0 ? Path.of(args[0]) : Path.of("target", "bench", "work", "kpi");
    System.out.println(run(work).encodePrettily());
    System.exit(0);
  }

  public static JsonObject run(Path workDir) throws Exception {
    Path data = workDir.resolve("data");
    deleteRecursively(data);
    Files.createDirectories(data);
    JsonObject report = new JsonObject();
    try (Database database =
        Database.open(new DatabaseConfig(Optional.empty(), 4, data.toAbsolutePath()))) {
      PgEndpoint db = database.endpoint();
      long loadStart = System.nanoTime();
      JsonObject loaded = load(db);
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      Progress.say("kpi: loaded %s in %.0f s", loaded.encode(), loadSeconds);

      Vertx vertx = Vertx.vertx();
      Pool pool = database.pool(vertx, 4);
      try {
        KpiStore store =
            new KpiStore(
                pool, WorkingDays.england(), ZoneId.of("Europe/London"), Clock.systemUTC());
        WeekEnding week = WeekEnding.of(WEEK_ENDING);
        long coldStart = System.nanoTime();
        WeeklySnapshot first = store.weekly(week).await();
        double coldMillis = (System.nanoTime() - coldStart) / 1e6;
        List<Double> millis = new ArrayList<>();
        WeeklySnapshot last = first;
        for (int i = 0; i < MEASURED; i++) {
          long start = System.nanoTime();
          last = store.recomputeWeekly(week).await();
          millis.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(millis);
        long dailyStart = System.nanoTime();
        store.daily(WEEK_ENDING.minusDays(2)).await();
        double dailyMillis = (System.nanoTime() - dailyStart) / 1e6;

        double median = millis.get(millis.size() / 2);
        report
            .put("data", loaded)
            .put("loadSeconds", round(loadSeconds))
            .put("weekEnding", week.toString())
            .put("weeklySnapshotFirstMillis", round(coldMillis))
            .put("weeklySnapshotMedianMillis", round(median))
            .put("weeklySnapshotMaxMillis", round(millis.get(millis.size() - 1)))
            .put("weeklySnapshotMillis", new JsonArray(new ArrayList<Object>(millis)))
            .put("dailySnapshotMillis", round(dailyMillis))
            .put("goalMillis", 2000)
            .put("withinGoal", Math.max(coldMillis, millis.get(millis.size() - 1)) <= 2000)
            .put(
                "figures",
                new JsonObject()
                    .put("routePerformance", last.figures().routePerformance().display())
                    .put("routeTimePerformance", last.figures().routeTimePerformance().display())
                    .put("pupilPerformance", last.figures().pupilPerformance().display())
                    .put("telephonePerformance", last.figures().telephonePerformance().display())
                    .put("casework", String.valueOf(last.figures().casework().orElseThrow())));
        Progress.say(
            "kpi: weekly snapshot %.0f ms cold, median %.0f ms of %d (max %.0f ms); daily %.0f ms",
            coldMillis, median, MEASURED, millis.get(millis.size() - 1), dailyMillis);
      } finally {
        pool.close().await();
        vertx.close().await();
      }
    }
    return report;
  }

  /** Generates the year in SQL, in one session, and returns the row counts. */
  private static JsonObject load(PgEndpoint db) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password());
        Statement s = c.createStatement()) {
      // Events load faster into a table without indexes; they are rebuilt after as the
      // migrations defined them.
      List<String> drop = new ArrayList<>();
      List<String> rebuild = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              """
              select conname, pg_get_constraintdef(oid) from pg_constraint
              where conrelid = 'event'::regclass and contype = 'u'
              """)) {
        while (rs.next()) {
          drop.add("alter table event drop constraint " + rs.getString(1));
          rebuild.add(
              "alter table event add constraint " + rs.getString(1) + " " + rs.getString(2));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              """
              select indexname, indexdef from pg_indexes
              where tablename = 'event' and indexname <> 'event_pkey'
                and indexname not in (select conname from pg_constraint
                                      where conrelid = 'event'::regclass)
              """)) {
        while (rs.next()) {
          drop.add("drop index " + rs.getString(1));
          // A partitioned index is listed as made ON ONLY the parent: made again on every
          // partition.
          rebuild.add(rs.getString(2).replace(" ON ONLY ", " ON "));
        }
      }
      List<String> statements = new ArrayList<>(drop);
      statements.addAll(loadStatements());
      statements.addAll(rebuild);
      for (String sql : statements) {
        long start = System.nanoTime();
        s.execute(sql);
        Progress.say(
            "kpi: %.1f s %s",
            (System.nanoTime() - start) / 1e9, sql.strip().lines().findFirst().orElse(""));
      }
      c.setAutoCommit(true);
      s.execute("vacuum analyze");
      JsonObject counts = new JsonObject();
      for (String table : List.of("route", "pupil", "run", "stop", "stop_pupil", "event")) {
        try (ResultSet rs = s.executeQuery("select count(*) from " + table)) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "select count(distinct body->>'callId') from event where type like 'call.%'")) {
        rs.next();
        counts.put("calls", rs.getLong(1));
      }
      return counts;
    }
  }

  private static List<String> loadStatements() {
    String zone = "'Europe/London'";
    return List.of(
        "set synchronous_commit = off",
        "set work_mem = '256MB'",
        "set maintenance_work_mem = '1GB'",
        // The rows are consistent by construction: skip the per-row foreign key checks.
        "set session_replication_role = replica",
        """
        insert into operator (id, name)
        select 'OP' || lpad(i::text, 3, '0'), 'Operator ' || i from generate_series(1, 40) i
        """,
        """
        insert into school (id, name, lat, lon, start_time, finish_time, phase)
        select 'SC' || lpad(i::text, 3, '0'), 'School ' || i, 52.4 + i * 0.001, -1.9,
               '08:50', '15:10', 'special'
        from generate_series(1, 100) i
        """,
        """
        insert into route (id, operator_id, school_id, requires_guide)
        select 'RT' || lpad(i::text, 4, '0'), 'OP' || lpad((i %% 40 + 1)::text, 3, '0'),
               'SC' || lpad((i %% 100 + 1)::text, 3, '0'), i %% 3 = 0
        from generate_series(1, %d) i
        """
            .formatted(ROUTES),
        """
        create temp table route_pupil as
        select 'RT' || lpad((p %% %d + 1)::text, 4, '0') as route_id,
               'PU' || lpad(p::text, 5, '0') as pupil_id, p as n
        from generate_series(1, %d) p
        """
            .formatted(ROUTES, PUPILS),
        """
        insert into pupil (id, school_id)
        select rp.pupil_id, rt.school_id from route_pupil rp join route rt on rt.id = rp.route_id
        """,
        """
        create temp table school_day as
        select d::date as service_date
        from generate_series(date '%s', date '%s' + 400, interval '1 day') d
        where extract(isodow from d) < 6
        order by d limit %d
        """
            .formatted(FIRST_DAY, FIRST_DAY, SCHOOL_DAYS),
        """
        insert into run (id, route_id, service_date, direction, arrive_by)
        select rt.id || '-' || to_char(d.service_date, 'YYYYMMDD') || '-' || v.dir, rt.id,
               d.service_date, v.dir, case v.dir when 'AM' then time '08:45' else time '15:45' end
        from school_day d cross join route rt cross join (values ('AM'), ('PM')) v(dir)
        order by d.service_date, rt.id, v.dir
        """,
        """
        insert into stop (run_id, id, seq, lat, lon, planned_time)
        select r.id, 'S', case r.direction when 'AM' then 99 else 0 end, 52.48, -1.89,
               case r.direction when 'AM' then time '08:35' else time '15:20' end
        from run r
        """,
        """
        insert into stop (run_id, id, seq, lat, lon, planned_time)
        select r.id, 'H' || rp.pupil_id, rp.n % 50 + 1, 52.5, -1.9,
               case r.direction when 'AM' then time '08:00' else time '16:00' end
        from run r join route_pupil rp on rp.route_id = r.route_id
        """,
        """
        insert into stop_pupil (run_id, stop_id, pupil_id, action)
        select r.id, case r.direction when 'AM' then 'H' || rp.pupil_id else 'S' end,
               rp.pupil_id, 'pickup'
        from run r join route_pupil rp on rp.route_id = r.route_id
        union all
        select r.id, case r.direction when 'AM' then 'S' else 'H' || rp.pupil_id end,
               rp.pupil_id, 'dropoff'
        from run r join route_pupil rp on rp.route_id = r.route_id
        """,
        // Each run's fate from a hash of its id: 0.2% cancelled, 0.2% never reported, about 10%
        // arrive after arriveBy, the rest on time.
        """
        create temp table run_fate as
        select r.id, r.service_date, r.arrive_by, rt.operator_id, abs(hashtext(r.id)) %% 1000 as h,
               ((r.service_date + r.arrive_by) at time zone %1$s) as due
        from run r join route rt on rt.id = r.route_id
        """
            .formatted(zone),
        """
        insert into event (owner, event_id, type, occurred_at, received_at, service_date, run_id,
                           body, body_hash)
        select 'operator:' || f.operator_id, e.type || ':' || f.id, e.type, e.at,
               e.at + interval '2 seconds', (e.at at time zone %1$s)::date, f.id,
               json_build_object('eventId', e.type || ':' || f.id, 'type', e.type,
                                 'occurredAt', e.at, 'runId', f.id),
               '\\x00'::bytea
        from run_fate f
        cross join lateral (
          select 'run.cancelled' as type, f.due - interval '2 hours' as at where f.h < 2
          union all
          select 'run.started', f.due - interval '75 minutes' where f.h >= 4
          union all
          select 'run.arrived', f.due + ((f.h %% 20) - 18) * interval '1 minute' where f.h >= 4
          union all
          select 'run.completed', f.due + interval '10 minutes' where f.h >= 4
        ) e
        order by e.at
        """
            .formatted(zone),
        // Each pupil-journey on a started run: 8% absent, 1% not transported, the rest boarded
        // and dropped off.
        """
        insert into event (owner, event_id, type, occurred_at, received_at, service_date, run_id,
                           body, body_hash)
        select 'operator:' || f.operator_id, e.type || ':' || f.id || ':' || rp.pupil_id, e.type,
               e.at, e.at + interval '2 seconds', (e.at at time zone %1$s)::date, f.id,
               json_build_object('eventId', e.type || ':' || f.id || ':' || rp.pupil_id,
                                 'type', e.type, 'occurredAt', e.at, 'runId', f.id,
                                 'pupilId', rp.pupil_id, 'stopId', 'S'),
               '\\x00'::bytea
        from run_fate f
        join run r on r.id = f.id
        join route_pupil rp on rp.route_id = r.route_id
        cross join lateral (select abs(hashtext(f.id || rp.pupil_id)) %% 100 as j) j
        cross join lateral (
          select 'pupil.absent' as type, f.due - interval '80 minutes' as at where j.j < 8
          union all
          select 'pupil.boarded', f.due - interval '70 minutes' + rp.n %% 10 * interval '1 minute'
          where j.j >= 9
          union all
          select 'pupil.dropped', f.due - interval '6 minutes' where j.j >= 9
        ) e
        where f.h >= 4
        order by e.at
        """
            .formatted(zone),
        // 30,000 calls over the year, contact-centre hours; 94% answered.
        """
        insert into event (owner, event_id, type, occurred_at, received_at, service_date, run_id,
                           body, body_hash)
        select 'scope:telephony', e.type || ':C' || c.n, e.type, e.at, e.at + interval '1 second',
               (e.at at time zone %1$s)::date, null,
               json_build_object('eventId', e.type || ':C' || c.n, 'type', e.type,
                                 'occurredAt', e.at, 'callId', 'C' || c.n),
               '\\x00'::bytea
        from (select n, (select service_date from school_day order by service_date
                         offset n %% %2$d limit 1) as day
              from generate_series(1, %3$d) n) c
        cross join lateral (select ((c.day + time '08:30') at time zone %1$s)
                                   + (c.n * 7 %% 540) * interval '1 minute' as offered) t
        cross join lateral (
          select 'call.offered' as type, t.offered as at
          union all
          select case when abs(hashtext('C' || c.n)) %% 100 < 94 then 'call.answered'
                      else 'call.abandoned' end,
                 t.offered + interval '40 seconds'
        ) e
        order by e.at
        """
            .formatted(zone, SCHOOL_DAYS, CALLS),
        // Applications (two in three bus passes) and complaints through the year; most decided
        // or answered some days later.
        """
        insert into event (owner, event_id, type, occurred_at, received_at, service_date, run_id,
                           body, body_hash)
        select 'scope:casework', e.type || ':A' || a.n, e.type, e.on_day + time '10:00',
               e.on_day + time '10:00', e.on_day, null,
               case e.type
                 when 'application.received' then json_build_object(
                   'eventId', e.type || ':A' || a.n, 'type', e.type,
                   'occurredAt', e.on_day + time '10:00', 'applicationId', 'A' || a.n,
                   'kind', case when a.n %% 3 = 0 then 'transport' else 'bus_pass' end,
                   'receivedOn', e.on_day)
                 else json_build_object(
                   'eventId', e.type || ':A' || a.n, 'type', e.type,
                   'occurredAt', e.on_day + time '10:00', 'applicationId', 'A' || a.n,
                   'decidedOn', e.on_day)
               end,
               '\\x00'::bytea
        from (select n, date '%2$s' + (n * 37 %% 270) as received from generate_series(1, %3$d) n) a
        cross join lateral (
          select 'application.received' as type, a.received as on_day
          union all
          select 'application.decided', a.received + (a.n %% 40) where a.n %% 10 <> 0
        ) e
        """
            .formatted(zone, FIRST_DAY, APPLICATIONS),
        """
        insert into event (owner, event_id, type, occurred_at, received_at, service_date, run_id,
                           body, body_hash)
        select 'scope:casework', e.type || ':K' || k.n, e.type, e.on_day + time '11:00',
               e.on_day + time '11:00', e.on_day, null,
               json_build_object('eventId', e.type || ':K' || k.n, 'type', e.type,
                                 'occurredAt', e.on_day + time '11:00',
                                 'complaintId', 'K' || k.n, 'on', e.on_day),
               '\\x00'::bytea
        from (select n, date '%2$s' + (n * 53 %% 270) as received from generate_series(1, %3$d) n) k
        cross join lateral (
          select 'complaint.received' as type, k.received as on_day
          union all
          select 'complaint.responded', k.received + (k.n %% 35) where k.n %% 7 <> 0
        ) e
        """
            .formatted(zone, FIRST_DAY, COMPLAINTS),
        """
        insert into alert (dedup_key, type, severity, state, service_date, summary, raised_at,
                           last_seen_at)
        select 'bench:' || n, case when n %% 2 = 0 then 'incident.safeguarding'
                                   else 'pupil.wrong_dropoff' end,
               'critical', 'resolved', d.day, 'benchmark alert', d.at, d.at
        from generate_series(1, 300) n
        cross join lateral (select date '%2$s' + n as day,
                                   ((date '%2$s' + n) + time '09:00') at time zone %1$s as at) d
        """
            .formatted(zone, FIRST_DAY));
  }

  private static double round(double d) {
    return Math.round(d * 10) / 10.0;
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
