package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import travelwatch.config.MonitorSettings;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.monitor.CrewRegistry;
import travelwatch.monitor.Monitor;
import travelwatch.monitor.MonitorStore;
import travelwatch.monitor.Observation;
import travelwatch.monitor.RunPlans;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;

/**
 * How long a monitor takes to rebuild a full Birmingham-scale day (1,050 routes, 2,100 runs, a
 * position every 15 s) from the event store, as {@code MonitorVerticle} does on start or shard
 * takeover: read the plan, replay the day's events, fold them in, and evaluate every rule once.
 */
final class DayReplay {
  private static final int ROUTES = 1050;
  private static final LocalDate DATE = LocalDate.of(2026, 11, 23);
  private static final Duration POSITION_EVERY = Duration.ofSeconds(15);
  private static final int COPY_CHUNK = 20_000;
  private static final int ROUNDS = 2;

  private DayReplay() {}

  static JsonObject run(Path dir) throws Exception {
    TravelWatchConfig config = TravelWatchConfig.from(new Settings(null, Map.of()), dir);
    ZoneId zone = config.zone();
    MonitorSettings settings = config.monitor().rules();
    Plan plan = new PlanGenerator(1, ROUTES, List.of(DATE)).generate();
    JsonObject report = new JsonObject();
    try (Database database = Database.open(config.database())) {
      Vertx vertx = Vertx.vertx();
      Pool pool = database.pool(vertx, 4);
      try {
        new PlanImport(new PlanStore(pool)).upsert(PlanJson.write(plan)).await();
        long loadStarted = System.nanoTime();
        int events = load(database.endpoint(), dayOf(plan, zone));
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        Progress.say("replay: %d events of one day stored in %.1f s", events, loadSeconds);
        report
            .put("runs", plan.runs().size())
            .put("events", events)
            .put("loadSeconds", round1(loadSeconds));

        Instant now = DATE.atTime(23, 0).atZone(zone).toInstant();
        MonitorStore store = new MonitorStore(pool, zone);
        List<JsonObject> rounds = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
          rounds.add(rebuild(pool, store, settings, zone, now, round));
        }
        report.put("first", rounds.get(0)).put("warm", rounds.get(rounds.size() - 1));
      } finally {
        pool.close().await();
        vertx.close().await();
      }
    }
    return report;
  }

  /**
   * The steps of {@code MonitorVerticle.rebuild} that build the state (plan, replay, apply, first
   * tick), timed one by one; storing the first tick's changes is not included.
   */
  private static JsonObject rebuild(
      Pool pool,
      MonitorStore store,
      MonitorSettings settings,
      ZoneId zone,
      Instant now,
      int round) {
    long t0 = System.nanoTime();
    Plan stored = new PlanStore(pool).read(DATE, DATE).await();
    CrewRegistry crew = new CrewRegistry();
    stored.crew().forEach(crew::register);
    Monitor monitor =
        new Monitor(DATE, zone, RunPlans.of(stored, DATE, zone, settings), crew, true, settings);
    long t1 = System.nanoTime();
    List<Observation> events = store.replay(DATE).await();
    long t2 = System.nanoTime();
    Monitor.Changes applied = monitor.apply(events, now);
    long t3 = System.nanoTime();
    Monitor.Changes ticked = monitor.tick(now);
    long t4 = System.nanoTime();
    double replaySeconds = (t4 - t1) / 1e9;
    Progress.say(
        "replay %d/%d: %d events; read+decode %.2f s, apply %.2f s, tick %.2f s: %.2f s (plan %.2f s before)",
        round,
        ROUNDS,
        events.size(),
        (t2 - t1) / 1e9,
        (t3 - t2) / 1e9,
        (t4 - t3) / 1e9,
        replaySeconds,
        (t1 - t0) / 1e9);
    return new JsonObject()
        .put("events", events.size())
        .put("planReadSeconds", round2((t1 - t0) / 1e9))
        .put("readDecodeSeconds", round2((t2 - t1) / 1e9))
        .put("applySeconds", round2((t3 - t2) / 1e9))
        .put("tickSeconds", round2((t4 - t3) / 1e9))
        .put("replaySeconds", round2(replaySeconds))
        .put("rebuildSeconds", round2((t4 - t0) / 1e9))
        .put("conditionsRaised", applied.raised().size() + ticked.raised().size());
  }

  /** Every run's full day, in time order, as the store would have received it. */
  private static List<RunDay.DayEvent> dayOf(Plan plan, ZoneId zone) {
    Map<String, String> operatorOfRoute =
        plan.routes().stream().collect(Collectors.toMap(Plan.Route::id, Plan.Route::operatorId));
    List<RunDay.DayEvent> day = new ArrayList<>();
    for (Plan.Run run : plan.runs()) {
      day.addAll(
          RunDay.events(run, operatorOfRoute.get(run.routeId()), zone, POSITION_EVERY, null));
    }
    day.sort(Comparator.comparing(RunDay.DayEvent::occurredAt));
    return day;
  }

  /** COPY into the real event table (received a second or two after each event happened). */
  private static int load(PgEndpoint db, List<RunDay.DayEvent> day) throws Exception {
    HexFormat hex = HexFormat.of();
    String hash = "\\x" + hex.formatHex(new byte[32]);
    try (Connection c =
            DriverManager.getConnection(
                db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password());
        Statement s = c.createStatement()) {
      CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
      for (int from = 0; from < day.size(); from += COPY_CHUNK) {
        StringBuilder csv = new StringBuilder(COPY_CHUNK * 300);
        for (int i = from; i < Math.min(day.size(), from + COPY_CHUNK); i++) {
          RunDay.DayEvent e = day.get(i);
          csv.append(e.owner())
              .append(',')
              .append(e.eventId())
              .append(',')
              .append(e.type())
              .append(',')
              .append(e.occurredAt())
              .append(',')
              .append(e.occurredAt().plusMillis(1000 + i % 1000))
              .append(',')
              .append(DATE)
              .append(',')
              .append(e.runId())
              .append(",\"")
              .append(e.body().replace("\"", "\"\""))
              .append("\",")
              .append(hash)
              .append('\n');
        }
        copy.copyIn(
            "copy event (owner, event_id, type, occurred_at, received_at, service_date, run_id, body, body_hash) from stdin (format csv)",
            new StringReader(csv.toString()));
      }
      // As autovacuum would after a day of inserts: the planner knows the table's size.
      s.execute("analyze event");
    }
    return day.size();
  }

  private static double round1(double d) {
    return Math.round(d * 10) / 10.0;
  }

  private static double round2(double d) {
    return Math.round(d * 100) / 100.0;
  }
}
