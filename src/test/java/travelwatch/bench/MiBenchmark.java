package travelwatch.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import travelwatch.mi.MiReturn;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.TestClock;
import travelwatch.support.TestServer;

/**
 * Reconciling every operator's monthly return at Birmingham scale: the generated plan's ~1,050
 * routes on the 22 school days of October 2026 (about 46,000 runs), the month's {@code
 * run.started}, {@code crew.assigned} and {@code run.cancelled} events written in SQL, then each
 * operator's return ({@code crew} and {@code runs} CSV) sent one after another with the operator's
 * key to {@code PUT /api/v1/operators/{id}/mi/2026-10} of a {@link TestServer} in this JVM. The
 * returns mostly match what was recorded, with a few discrepancies so that findings exist. Heap
 * figures are this JVM's (server and the small client side together) from {@link MemoryMXBean}. Run
 * alone with {@code -Dbench.only=mi}; {@code -Dbench.miRoutes=N} sets the routes (1050).
 */
final class MiBenchmark {
  private static final YearMonth MONTH = YearMonth.of(2026, 10);
  private static final int SCHOOL_DAYS = 22;

  private MiBenchmark() {}

  static JsonObject run(Path work) throws Exception {
    Files.createDirectories(work);
    int routes = Integer.getInteger("bench.miRoutes", 1050);
    double loadBefore = loadAverage();
    List<LocalDate> days = schoolDays();
    long t0 = System.nanoTime();
    Plan plan = new PlanGenerator(1, routes, days).generate();
    Progress.say(
        "mi: plan of %d routes, %d runs, %d crew, %d operators generated in %.1f s",
        plan.routes().size(),
        plan.runs().size(),
        plan.crew().size(),
        plan.operators().size(),
        (System.nanoTime() - t0) / 1e9);
    TestClock clock = new TestClock(Instant.parse("2026-11-03T10:00:00Z"));
    try (TestServer server =
        new TestServer(Map.of("TW_MI_OVERDUE_CHECK_SECONDS", "86400"), clock)) {
      long loadStart = System.nanoTime();
      new PlanImport(new PlanStore(server.pool())).upsert(PlanJson.write(plan)).await();
      double planSeconds = (System.nanoTime() - loadStart) / 1e9;
      Progress.say("mi: plan stored in %.1f s", planSeconds);
      long eventsStart = System.nanoTime();
      JsonObject recorded = storeEvents(server.database);
      double eventsSeconds = (System.nanoTime() - eventsStart) / 1e9;
      Progress.say("mi: events %s stored in %.1f s", recorded.encode(), eventsSeconds);
      Set<String> cancelled = runIds(server.database, "run.cancelled");
      Set<String> started = runIds(server.database, "run.started");

      Map<String, String> keys = new TreeMap<>();
      for (Plan.Operator o : plan.operators()) {
        keys.put(o.id(), server.operatorKey(o.id()));
      }
      // Every return is made before measuring, and the plan let go, so the heap holds little
      // more than the server's own.
      Map<String, Csv> returns = new java.util.LinkedHashMap<>();
      int index = 0;
      for (Plan.Operator o : plan.operators()) {
        returns.put(o.id(), returnOf(plan, o.id(), index++, cancelled, started));
      }
      JsonObject data =
          new JsonObject()
              .put("month", MONTH.toString())
              .put("schoolDays", days.size())
              .put("routes", plan.routes().size())
              .put("runs", plan.runs().size())
              .put("crew", plan.crew().size())
              .put("operators", plan.operators().size())
              .put("events", recorded);
      plan = null;
      cancelled = null;
      started = null;
      // One return sent first and not measured, so the server's code for it is loaded.
      String warm = returns.keySet().iterator().next();
      send(server, keys.get(warm), warm, returns.get(warm));

      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long heapBefore = usedAfterGc(memory);
      // The JVM keeps each heap pool's peak itself: reset them, read them after the returns.
      List<MemoryPoolMXBean> heapPools =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .toList();
      heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
      List<Double> millis = new ArrayList<>();
      long findings = 0;
      long csvBytes = 0;
      JsonArray perOperator = new JsonArray();
      long allStart = System.nanoTime();
      for (Map.Entry<String, Csv> entry : returns.entrySet()) {
        Csv csv = entry.getValue();
        csvBytes += csv.crew.length() + csv.runs.length();
        long start = System.nanoTime();
        JsonObject answer = send(server, keys.get(entry.getKey()), entry.getKey(), csv);
        double ms = (System.nanoTime() - start) / 1e6;
        millis.add(ms);
        findings += answer.getInteger("findings");
        perOperator.add(
            new JsonObject()
                .put("operatorId", entry.getKey())
                .put("runLines", csv.runLines)
                .put("crewLines", csv.crewLines)
                .put("findings", answer.getInteger("findings"))
                .put("millis", round(ms)));
      }
      double totalSeconds = (System.nanoTime() - allStart) / 1e9;
      long peak = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      long heapAfter = usedAfterGc(memory);
      Map<String, Long> byKind = findingsByKind(server.database);
      List<Double> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      double loadAfter = loadAverage();
      JsonObject report =
          new JsonObject()
              .put("data", data)
              .put("planStoreSeconds", round(planSeconds))
              .put("eventsStoreSeconds", round(eventsSeconds))
              .put("returns", millis.size())
              .put("csvBytes", csvBytes)
              .put("totalSeconds", round(totalSeconds))
              .put("perOperatorP50Millis", round(sorted.get(sorted.size() / 2)))
              .put("perOperatorMaxMillis", round(sorted.get(sorted.size() - 1)))
              .put("findings", findings)
              .put("findingsByKind", new JsonObject(new TreeMap<String, Object>(byKind)))
              .put(
                  "heap",
                  new JsonObject()
                      .put(
                          "source",
                          "MemoryMXBean of the benchmark JVM, which runs the server (the peak is the"
                              + " sum of each heap pool's own peak, an upper bound); the returns'"
                              + " CSV are made first and the generated plan let go")
                      .put("usedBeforeAfterGcBytes", heapBefore)
                      .put("usedAfterAfterGcBytes", heapAfter)
                      .put("peakUsedBytesSumOfPools", peak)
                      .put("maxBytes", memory.getHeapMemoryUsage().getMax()))
              .put("loadAverageBefore", loadBefore)
              .put("loadAverageAfter", loadAfter)
              .put("perOperator", perOperator);
      Progress.say(
          "mi: %d returns in %.1f s, per operator p50 %.0f ms, max %.0f ms; %d findings %s;"
              + " heap %d MB before, %d MB after, peak %d MB; load %.2f / %.2f",
          millis.size(),
          totalSeconds,
          sorted.get(sorted.size() / 2),
          sorted.get(sorted.size() - 1),
          findings,
          byKind,
          heapBefore >> 20,
          heapAfter >> 20,
          peak >> 20,
          loadBefore,
          loadAfter);
      return report;
    }
  }

  /** The month's first 22 weekdays. */
  private static List<LocalDate> schoolDays() {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = MONTH.atDay(1); days.size() < SCHOOL_DAYS; d = d.plusDays(1)) {
      if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
        days.add(d);
      }
    }
    return days;
  }

  /** The run's vehicle, as its events record it and its return declares it. */
  private static String vehicle(String routeId) {
    return "TW " + routeId.substring(2);
  }

  /**
   * Each run's fate from a hash of its id: 0.5% cancelled, 0.3% never recorded, the rest started by
   * their planned crew in the route's vehicle; one run in ten has its crew assigned first.
   */
  private static JsonObject storeEvents(PgEndpoint db) throws Exception {
    String zone = "'Europe/London'";
    List<String> statements =
        List.of(
            "set synchronous_commit = off",
            "set work_mem = '128MB'",
            """
            create temp table run_fate as
            select r.id, r.service_date, rt.operator_id, r.planned_driver_id, r.planned_guide_id,
                   'TW ' || substr(r.route_id, 3) as vehicle, abs(hashtext(r.id)) %% 1000 as h,
                   ((r.service_date + r.arrive_by) at time zone %1$s) as due
              from run r join route rt on rt.id = r.route_id
            """
                .formatted(zone),
            """
            insert into event (owner, event_id, type, occurred_at, received_at, service_date,
                               run_id, body, body_hash)
            select 'operator:' || f.operator_id, e.type || ':' || f.id, e.type, e.at,
                   e.at + interval '2 seconds', f.service_date, f.id,
                   json_strip_nulls(json_build_object(
                     'eventId', e.type || ':' || f.id, 'type', e.type, 'occurredAt', e.at,
                     'runId', f.id,
                     'driverId', case when e.type <> 'run.cancelled' then f.planned_driver_id end,
                     'guideId', case when e.type <> 'run.cancelled' then f.planned_guide_id end,
                     'vehicleReg', case when e.type <> 'run.cancelled' then f.vehicle end,
                     'reason', case when e.type = 'run.cancelled' then 'vehicle breakdown' end)),
                   '\\x00'::bytea
              from run_fate f
              cross join lateral (
                select 'run.cancelled' as type, f.due - interval '2 hours' as at where f.h < 5
                union all
                select 'crew.assigned', f.due - interval '3 hours' where f.h >= 8 and f.h % 10 = 0
                union all
                select 'run.started', f.due - interval '75 minutes' where f.h >= 8
              ) e
             order by e.at
            """);
    try (Connection c = connect(db);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
      s.execute("analyze");
      JsonObject counts = new JsonObject();
      try (ResultSet rs =
          s.executeQuery("select type, count(*) from event group by type order by type")) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getLong(2));
        }
      }
      return counts;
    }
  }

  private static Set<String> runIds(PgEndpoint db, String type) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select run_id from event where type = '" + type + "'")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  private static Map<String, Long> findingsByKind(PgEndpoint db) throws Exception {
    Map<String, Long> kinds = new TreeMap<>();
    try (Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                select f ->> 'kind', count(*)
                  from (select distinct on (operator_id) findings from mi_return
                         order by operator_id, version desc) m,
                       json_array_elements(m.findings) f
                 group by 1 order by 1
                """)) {
      while (rs.next()) {
        kinds.put(rs.getString(1), rs.getLong(2));
      }
    }
    return kinds;
  }

  private record Csv(String crew, String runs, int crewLines, int runLines) {}

  /**
   * The operator's return: every crew member of the plan as on record, every run as recorded
   * (cancelled and unrecorded runs as not operated), with a few discrepancies: half the cancelled
   * or unrecorded runs claimed as operated, each operator's first recorded run declared with
   * another vehicle and its second left out, and every third operator leaving out one driver who
   * worked.
   */
  private static Csv returnOf(
      Plan plan, String operatorId, int index, Set<String> cancelled, Set<String> started) {
    Set<String> routes =
        plan.routes().stream()
            .filter(r -> r.operatorId().equals(operatorId))
            .map(Plan.Route::id)
            .collect(Collectors.toSet());
    List<Plan.Run> runs = plan.runs().stream().filter(r -> routes.contains(r.routeId())).toList();
    String leftOutDriver =
        index % 3 == 0
            ? runs.stream()
                .filter(r -> started.contains(r.id()))
                .map(r -> r.plannedDriverId().orElse(null))
                .filter(d -> d != null)
                .findFirst()
                .orElse(null)
            : null;
    StringBuilder crew = new StringBuilder(String.join(",", MiReturn.CREW_COLUMNS)).append("\r\n");
    int crewLines = 0;
    for (Plan.Crew c : plan.crew()) {
      if (!c.operatorId().equals(operatorId) || c.id().equals(leftOutDriver)) {
        continue;
      }
      Plan.DbsCheck dbs = c.dbs().orElse(null);
      if (dbs == null) {
        continue;
      }
      crew.append(c.id())
          .append(',')
          .append(c.role() == Plan.CrewRole.DRIVER ? "driver" : "guide")
          .append(',')
          .append(dbs.certificateNumber())
          .append(',')
          .append(dbs.issuedOn())
          .append(',')
          .append(dbs.outcome() == Plan.DbsOutcome.CLEAR ? "clear" : "positive")
          .append(',')
          .append(dbs.barredListChecked() ? "yes" : "no")
          .append(',')
          .append(dbs.updateService() ? "yes" : "no")
          .append(',');
      if (c.badge().isPresent()) {
        Plan.Badge b = c.badge().get();
        crew.append(b.number())
            .append(',')
            .append(quoted(b.authority()))
            .append(',')
            .append(b.expiresOn());
      } else {
        crew.append(",,");
      }
      crew.append("\r\n");
      crewLines++;
    }
    StringBuilder lines = new StringBuilder(String.join(",", MiReturn.RUN_COLUMNS)).append("\r\n");
    int runLines = 0;
    int recorded = 0;
    for (Plan.Run r : runs) {
      boolean delivered = started.contains(r.id()) && !cancelled.contains(r.id());
      String vehicle = vehicle(r.routeId());
      if (delivered) {
        recorded++;
        if (recorded == 2) {
          continue;
        }
        if (recorded == 1) {
          vehicle = "XX99 XXX";
        }
      }
      boolean operated = delivered || Math.floorMod(r.id().hashCode(), 2) == 0;
      lines
          .append(r.date())
          .append(',')
          .append(r.routeId())
          .append(',')
          .append(r.direction())
          .append(',')
          .append(operated ? r.plannedDriverId().orElse("") : "")
          .append(',')
          .append(operated ? r.plannedGuideId().orElse("") : "")
          .append(',')
          .append(operated ? vehicle : "")
          .append(',')
          .append(operated ? "yes" : "no")
          .append("\r\n");
      runLines++;
    }
    return new Csv(crew.toString(), lines.toString(), crewLines, runLines);
  }

  private static String quoted(String value) {
    return value.contains(",") || value.contains("\"")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }

  private static JsonObject send(TestServer server, String key, String operatorId, Csv csv) {
    MultipartForm form = MultipartForm.create();
    form.binaryFileUpload("crew", "crew.csv", Buffer.buffer(csv.crew), "text/csv");
    form.binaryFileUpload("runs", "runs.csv", Buffer.buffer(csv.runs), "text/csv");
    HttpResponse<Buffer> response =
        server
            .client
            .put("/api/v1/operators/" + operatorId + "/mi/" + MONTH)
            .putHeader("Authorization", "Bearer " + key)
            .sendMultipartForm(form)
            .await();
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          operatorId + "'s return: " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  private static Connection connect(PgEndpoint db) throws java.sql.SQLException {
    return DriverManager.getConnection(
        db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password());
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      memory.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double loadAverage() {
    return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
        / 100.0;
  }

  private static double round(double d) {
    return Math.round(d * 10) / 10.0;
  }
}
