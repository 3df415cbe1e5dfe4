package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import travelwatch.TravelWatchServer;
import travelwatch.access.AccessStore;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.TestServer;

/**
 * Ingest throughput and acknowledgement latency, against the two limits measured in the same run on
 * the same machine: (a) a trivial Vert.x endpoint that only parses the JSON, (b) PostgreSQL COPY of
 * the same rows into the same table layout. Durable events/s are counted in the table.
 */
final class IngestBenchmark {
  private static final LocalDate DATE = LocalDate.of(2026, 11, 23);

  static JsonObject run(Path workDir, Duration each) throws Exception {
    if (!Wrk.installed()) {
      throw new IllegalStateException("wrk is not installed (apt-get install wrk)");
    }
    int port = TestServer.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("TW_HTTP_PORT", String.valueOf(port));
    env.put("TW_INGEST_RATE_PER_KEY", "0");
    env.put("TW_PG_POOL_SIZE", "16");
    TravelWatchConfig config =
        TravelWatchConfig.from(new Settings(null, env), workDir.resolve("data"));
    Wrk wrk = new Wrk(workDir);
    JsonObject report = new JsonObject();
    try (TravelWatchServer server = TravelWatchServer.start(config, Clock.systemUTC())) {
      Plan plan = new PlanGenerator(1, 1050, List.of(DATE)).generate();
      new PlanImport(new PlanStore(server.pool())).upsert(PlanJson.write(plan)).await();
      String operator = "OP001";
      String key = new AccessStore(server.pool()).createOperatorKey(operator).await();
      String runs = runsOf(plan, operator);
      PgEndpoint db = server.database();

      int trivialPort = TestServer.freePort();
      Vertx trivialVertx = Vertx.vertx();
      List<HttpServer> trivial = startTrivial(trivialVertx, trivialPort, config.http().instances());

      Progress.say("ingest: warming up");
      wrk.run("http://localhost:" + port, 64, Duration.ofSeconds(5), key, "warm", 1, runs);
      wrk.run("http://localhost:" + trivialPort, 64, Duration.ofSeconds(3), key, "warm", 1, runs);

      double copyRate = copyRate(db, 300_000);
      report.put("copyRowsPerSecond", copyRate);
      Progress.say("ingest: PostgreSQL COPY %.0f rows/s", copyRate);

      JsonArray shapes = new JsonArray();
      int n = 0;
      for (int batch : new int[] {1, 100}) {
        for (int connections : new int[] {64, 256}) {
          n++;
          String prefix = "b" + System.nanoTime();
          long before = count(db);
          Wrk.Result tw =
              wrk.run("http://localhost:" + port, connections, each, key, prefix, batch, runs);
          long durable = settle(db) - before;
          Wrk.Result parse =
              wrk.run(
                  "http://localhost:" + trivialPort,
                  connections,
                  each,
                  key,
                  prefix + "t",
                  batch,
                  runs);
          double durableRate = durable / tw.seconds();
          double parseRate = parse.requestsPerSecond() * batch;
          double combined = 1 / (1 / parseRate + 1 / copyRate);
          JsonObject shape =
              new JsonObject()
                  .put("eventsPerRequest", batch)
                  .put("connections", connections)
                  .put("durableEventsPerSecond", round(durableRate))
                  .put("ackP50Millis", tw.p50Millis())
                  .put("ackP99Millis", tw.p99Millis())
                  .put("non2xx", tw.non2xx())
                  .put("socketErrors", tw.socketErrors())
                  .put("parseOnlyEventsPerSecond", round(parseRate))
                  .put("copyRowsPerSecond", round(copyRate))
                  .put("combinedLimit", round(combined))
                  .put("ratioToCombinedLimit", round2(durableRate / combined))
                  .put("ratioToCopy", round2(durableRate / copyRate));
          shapes.add(shape);
          Progress.say(
              "ingest %d/4: %d event(s)/request, %d connections: %.0f durable events/s, p50 %.1f ms, p99 %.1f ms; parse-only %.0f/s; ratio %.2f of combined limit, %.2f of COPY",
              n,
              batch,
              connections,
              durableRate,
              tw.p50Millis(),
              tw.p99Millis(),
              parseRate,
              durableRate / combined,
              durableRate / copyRate);
        }
      }
      report.put("shapes", shapes);
      for (HttpServer s : trivial) {
        s.close().await();
      }
      trivialVertx.close().await();
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

  /** Limit (a): the same requests, only parsed. */
  private static List<HttpServer> startTrivial(Vertx vertx, int port, int instances) {
    List<HttpServer> servers = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(
                  req ->
                      req.body()
                          .onSuccess(
                              body -> {
                                Object parsed = Json.decodeValue(body);
                                int n = parsed instanceof JsonArray a ? a.size() : 1;
                                req.response()
                                    .setStatusCode(202)
                                    .putHeader("Content-Type", "application/json")
                                    .end("{\"accepted\":" + n + ",\"duplicates\":0}");
                              }));
      servers.add(server.listen(port).await());
    }
    return servers;
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
    try (Connection c =
            DriverManager.getConnection(
                db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password());
        Statement s = c.createStatement()) {
      s.execute("drop table if exists bench_event_copy");
      s.execute("create table bench_event_copy (like event including all)");
      CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
      long start = System.nanoTime();
      for (String csv : chunks) {
        copy.copyIn(
            "copy bench_event_copy (owner, event_id, type, occurred_at, received_at, service_date, run_id, body, body_hash) from stdin (format csv)",
            new StringReader(csv));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      s.execute("drop table bench_event_copy");
      return rows / seconds;
    }
  }

  private static long count(PgEndpoint db) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password());
        var rs = c.createStatement().executeQuery("select count(*) from event")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The count once requests still in flight when wrk stopped have landed. */
  private static long settle(PgEndpoint db) throws Exception {
    long last = count(db);
    for (int i = 0; i < 20; i++) {
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(250);
      long now = count(db);
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  static double round(double d) {
    return Math.round(d);
  }

  static double round2(double d) {
    return Math.round(d * 100) / 100.0;
  }
}
