package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import travelwatch.access.AccessStore;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.ClusterNodes;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * Ingest throughput and acknowledgement latency, against the two limits measured in the same run on
 * the same machine: (a) a trivial Vert.x endpoint that only parses the JSON, (b) PostgreSQL COPY of
 * the same rows into the same table layout. Durable events/s are counted in the table. The server
 * and the trivial endpoint each run in a JVM of their own, as a user runs the server.
 */
final class IngestBenchmark {
  private static final LocalDate DATE = LocalDate.of(2026, 11, 23);
  private static final int COPY_ROWS = 200_000;

  static JsonObject run(Path workDir, Duration each) throws Exception {
    if (!Wrk.installed()) {
      throw new IllegalStateException("wrk is not installed (apt-get install wrk)");
    }
    Files.createDirectories(workDir);
    int cores = Runtime.getRuntime().availableProcessors();
    // The server runs as users run it: `serve` in a JVM of its own, here on a fresh database.
    PgEndpoint db = TestPostgres.freshDatabase();
    Vertx vertx = Vertx.vertx();
    Pool setup = Database.pool(vertx, db, 2);
    Plan plan = new PlanGenerator(1, 1050, List.of(DATE)).generate();
    new PlanImport(new PlanStore(setup)).upsert(PlanJson.write(plan)).await();
    String operator = "OP001";
    String key = new AccessStore(setup).createOperatorKey(operator).await();
    setup
        .query("create table " + GroupInsertEndpoint.TABLE + " (like event including all)")
        .execute()
        .await();
    // The event store keeps each (owner, eventId) unique in event_key; the floor pays for it too.
    setup
        .query("alter table " + GroupInsertEndpoint.TABLE + " add unique (owner, event_id)")
        .execute()
        .await();
    setup.close().await();
    vertx.close().await();
    String runs = runsOf(plan, operator);
    Wrk wrk = new Wrk(workDir);
    JsonObject report = new JsonObject();
    int trivialPort = TestServer.freePort();
    Process trivial = ParseOnlyEndpoint.start(trivialPort, cores, workDir);
    int floorPort = TestServer.freePort();
    Process floor = GroupInsertEndpoint.start(floorPort, cores, db, workDir);
    try (ClusterNodes servers =
        new ClusterNodes(
            db,
            workDir,
            1,
            16,
            Map.of(
                "TW_INGEST_RATE_PER_KEY", "0",
                "TW_PG_POOL_SIZE", "16",
                "TW_HTTP_INSTANCES", String.valueOf(cores)),
            false)) {
      ClusterNodes.Node server = servers.get(0);
      server.start();
      server.awaitReady(Duration.ofSeconds(120));
      int port = server.httpPort;

      // Both shapes, until the server's JIT has settled: the runs measure the steady state.
      boolean[] batches = {false};
      Duration warm =
          WarmUp.untilCompiled(
              "ingest",
              List.of(port),
              Duration.ofSeconds(40),
              Duration.ofSeconds(180),
              chunk -> {
                batches[0] = !batches[0];
                wrk.run(
                    "http://localhost:" + port,
                    batches[0] ? 64 : 256,
                    chunk,
                    key,
                    "warm" + System.nanoTime(),
                    batches[0] ? 100 : 1,
                    runs);
              });
      report.put("warmUpSeconds", warm.toSeconds());
      wrk.run("http://localhost:" + trivialPort, 256, Duration.ofSeconds(5), key, "warm", 1, runs);
      wrk.run("http://localhost:" + trivialPort, 64, Duration.ofSeconds(3), key, "warm", 100, runs);
      floorRate(db, wrk, floorPort, 256, Duration.ofSeconds(5), key, 1, runs);
      floorRate(db, wrk, floorPort, 64, Duration.ofSeconds(3), key, 100, runs);

      // The first COPY also warms PostgreSQL's side of it; each shape then measures its own.
      Progress.say("ingest: PostgreSQL COPY %.0f rows/s (warm-up)", copyRate(db, COPY_ROWS));

      JsonArray shapes = new JsonArray();
      int n = 0;
      // -Dbench.batches=1,100 and -Dbench.connections=64,256 choose the shapes.
      for (int batch : ints("bench.batches", "1,100")) {
        for (int connections : ints("bench.connections", "64,256")) {
          n++;
          String prefix = "b" + System.nanoTime();
          long before = count(db, "event");
          double[] groupsBefore = groupCommits(port);
          Wrk.Result tw =
              wrk.run("http://localhost:" + port, connections, each, key, prefix, batch, runs);
          long durable = settle(db, "event") - before;
          double[] groupsAfter = groupCommits(port);
          double groups = groupsAfter[1] - groupsBefore[1];
          double rowsPerGroup = groups == 0 ? 0 : (groupsAfter[0] - groupsBefore[0]) / groups;
          Wrk.Result parse =
              wrk.run(
                  "http://localhost:" + trivialPort,
                  connections,
                  each,
                  key,
                  prefix + "t",
                  batch,
                  runs);
          // The limits are measured right beside the shape: this machine's speed drifts by a
          // fifth or more over minutes, and a ratio is only fair between runs at the same speed.
          double floorRate = floorRate(db, wrk, floorPort, connections, each, key, batch, runs);
          double copyRate = copyRate(db, COPY_ROWS);
          double durableRate = durable / tw.seconds();
          double parseRate = parse.requestsPerSecond() * batch;
          double combined = 1 / (1 / parseRate + 1 / copyRate);
          JsonObject shape =
              new JsonObject()
                  .put("eventsPerRequest", batch)
                  .put("connections", connections)
                  .put("durableEventsPerSecond", round(durableRate))
                  .put("rowsPerGroupCommit", round(rowsPerGroup))
                  .put("ackP50Millis", tw.p50Millis())
                  .put("ackP99Millis", tw.p99Millis())
                  .put("non2xx", tw.non2xx())
                  .put("socketErrors", tw.socketErrors())
                  .put("parseOnlyEventsPerSecond", round(parseRate))
                  .put("copyRowsPerSecond", round(copyRate))
                  .put("combinedLimit", round(combined))
                  .put("groupInsertFloorEventsPerSecond", round(floorRate))
                  .put("ratioToFloor", round2(durableRate / floorRate))
                  .put("ratioToCombinedLimit", round2(durableRate / combined))
                  .put("ratioToCopy", round2(durableRate / copyRate));
          shapes.add(shape);
          Progress.say(
              "ingest %d: %d event(s)/request, %d connections: %.0f durable events/s (%.0f rows per group commit), p50 %.1f ms, p99 %.1f ms; parse-only %.0f/s; group-insert floor %.0f/s; ratio %.2f of combined limit, %.2f of COPY, %.2f of the floor",
              n,
              batch,
              connections,
              durableRate,
              rowsPerGroup,
              tw.p50Millis(),
              tw.p99Millis(),
              parseRate,
              floorRate,
              durableRate / combined,
              durableRate / copyRate,
              durableRate / floorRate);
        }
      }
      report.put("shapes", shapes);
    } finally {
      trivial.destroy();
      floor.destroy();
      trivial.waitFor();
      floor.waitFor();
    }
    return report;
  }

  private static String runsOf(Plan plan, String operator) {
    var routes =
        plan.routes().stream()
            .filter(r -> r.operatorId().equals(operator))
            .map(Plan.Route::id)
            .collect(Collectors.toSet());
    return plan.runs().stream()
        .filter(r -> routes.contains(r.routeId()))
        .map(Plan.Run::id)
        .collect(Collectors.joining(","));
  }

  /** Limit (b): COPY the same kind of rows into a table with the event table's layout. */
  private static double copyRate(PgEndpoint db, int rows) throws Exception {
    int chunk = 10_000;
    List<String> chunks = new ArrayList<>();
    HexFormat hex = HexFormat.of();
    byte[] hash = new byte[32];
    for (int c = 0; c < rows / chunk; c++) {
      StringBuilder csv = new StringBuilder(chunk * 220);
      for (int i = 0; i < chunk; i++) {
        int n = c * chunk + i;
        hash[0] = (byte) n;
        hash[1] = (byte) (n >> 8);
        hash[2] = (byte) (n >> 16);
        String body =
            "{\"eventId\":\"copy-"
                + n
                + "\",\"lat\":52.4"
                + (n % 10)
                + ",\"lon\":-1.9,\"occurredAt\":\"2026-11-23T08:05:00Z\",\"runId\":\"RT0001-20261123-AM\",\"speedKph\":31,\"type\":\"vehicle.position\"}";
        csv.append("operator:OP001,copy-")
            .append(n)
            .append(
                ",vehicle.position,2026-11-23T08:05:00Z,2026-11-23T08:05:01Z,2026-11-23,RT0001-20261123-AM,\"")
            .append(body.replace("\"", "\"\""))
            .append("\",\\x")
            .append(hex.formatHex(hash))
            .append('\n');
      }
      chunks.add(csv.toString());
    }
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute("drop table if exists bench_event_copy");
      s.execute("create table bench_event_copy (like event including all)");
      s.execute("alter table bench_event_copy add unique (owner, event_id)");
      // Write back what the runs before left dirty first, so it does not slow this COPY down.
      s.execute("checkpoint");
      CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
      long start = System.nanoTime();
      for (String csv : chunks) {
        copy.copyIn(
            "copy bench_event_copy (owner, event_id, type, occurred_at, received_at, service_date, run_id, body, body_hash) from stdin (format csv)",
            new StringReader(csv));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      s.execute("drop table bench_event_copy");
      // Write back what COPY left dirty now, not during the server's measured runs.
      s.execute("checkpoint");
      return rows / seconds;
    }
  }

  /**
   * Durable events/s of {@link GroupInsertEndpoint} for one shape, counted in its table, which is
   * made empty for each run as COPY's is.
   */
  private static double floorRate(
      PgEndpoint db,
      Wrk wrk,
      int port,
      int connections,
      Duration each,
      String key,
      int batch,
      String runs)
      throws Exception {
    String table = GroupInsertEndpoint.TABLE;
    empty(db, table);
    Wrk.Result r =
        wrk.run(
            "http://localhost:" + port,
            connections,
            each,
            key,
            "f" + System.nanoTime(),
            batch,
            runs);
    long stored = settle(db, table);
    empty(db, table);
    return stored / r.seconds();
  }

  /** Empties {@code table} and writes back what is dirty, so the next run starts clean. */
  private static void empty(PgEndpoint db, String table) throws Exception {
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute("truncate " + table);
      s.execute("checkpoint");
    }
  }

  /** The server's group-commit histogram: rows written in all, and group commits. */
  private static double[] groupCommits(int port) throws Exception {
    return new double[] {
      WarmUp.metric(port, "travelwatch_ingest_batch_rows_sum"),
      WarmUp.metric(port, "travelwatch_ingest_batch_rows_count")
    };
  }

  private static long count(PgEndpoint db, String table) {
    return TestPostgres.count(db, "select count(*) from " + table);
  }

  /** The rows in {@code table} once the last acknowledged commits are in. */
  private static long settle(PgEndpoint db, String table) throws Exception {
    long last = count(db, table);
    for (int i = 0; i < 20; i++) {
      TimeUnit.MILLISECONDS.sleep(250);
      long now = count(db, table);
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  static int[] ints(String property, String defaults) {
    return Arrays.stream(System.getProperty(property, defaults).split(","))
        .map(String::trim)
        .filter(t -> !t.isEmpty())
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  static double round(double d) {
    return Math.round(d);
  }

  static double round2(double d) {
    return Math.round(d * 100) / 100.0;
  }
}
