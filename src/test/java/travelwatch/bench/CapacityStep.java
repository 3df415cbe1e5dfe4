package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import travelwatch.Main;
import travelwatch.access.AccessStore;
import travelwatch.access.Scope;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * One step of the capacity benchmark: a fresh database, {@code serve} in a JVM of its own on an
 * accelerated clock, and {@code simulate} in another playing N councils' day on the same clock
 * until a time of day. Collects what the simulator measured (its JSON lines), the CPU of server,
 * PostgreSQL (every process of it) and simulator from {@code /proc}, the server's heap and
 * group-commit sizes from its {@code /metrics}.
 */
final class CapacityStep {
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final int BIRMINGHAM_ROUTES = 1050;
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** What to play: {@code councils} × {@code routes} routes at {@code speed}, start to until. */
  record Settings(
      int councils,
      int routes,
      double speed,
      LocalTime clockStart,
      LocalTime until,
      long seed,
      int monitorTickMillis,
      int nodes,
      double batchEverySeconds,
      LocalTime warmAt) {
    /**
     * Where the warm figures start: {@code warmAt} when given (such as the afternoon's first runs,
     * once the servers have been through the morning), else after the first sixth of the step's day
     * (07:00 in 06:30–09:30), each server JVM's warm-up behind it.
     */
    LocalTime warmFrom() {
      return warmAt != null
          ? warmAt
          : clockStart.plus(Duration.between(clockStart, until).dividedBy(6));
    }

    /** The same step on {@code n} nodes. */
    Settings on(int n) {
      return new Settings(
          councils,
          routes,
          speed,
          clockStart,
          until,
          seed,
          monitorTickMillis,
          n,
          batchEverySeconds,
          warmAt);
    }

    /** Birmingham-equivalents of live load. */
    double be() {
      return councils * (double) routes / BIRMINGHAM_ROUTES * speed;
    }

    String label() {
      return councils
          + "x"
          + (speed == Math.rint(speed) ? String.valueOf((long) speed) : speed)
          + (nodes == 1 ? "" : "-" + nodes + "nodes");
    }
  }

  private CapacityStep() {}

  static JsonObject run(Path dir, Settings s, Duration wrkSeconds) throws Exception {
    Files.createDirectories(dir);
    PgEndpoint db = TestPostgres.freshDatabase();
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.pool(vertx, db, 2);
    String admin;
    try {
      admin = new AccessStore(pool).createScopeKey(Scope.ADMIN).await();
    } finally {
      pool.close().await();
      vertx.close().await();
    }
    long postmaster = postmaster(db);
    Path report = dir.resolve("simulator.jsonl");
    long serverLaunched = System.currentTimeMillis();
    List<Integer> ports = new ArrayList<>();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < s.nodes(); i++) {
      ports.add(TestServer.freePort());
      clusterPorts.add(TestServer.freePort());
    }
    List<Process> servers = new ArrayList<>();
    Process simulator = null;
    try {
      for (int i = 0; i < s.nodes(); i++) {
        servers.add(server(dir, s, db, i, ports, clusterPorts, serverLaunched));
      }
      JarProcess.await(
          s.nodes() + " server(s) to be ready, sharing every shard",
          Duration.ofSeconds(180),
          () -> balanced(ports));
      long[] before = {cpuTicks(servers), postgresTicks(postmaster)};
      Map<String, ThreadTicks> threadsBefore = threadTicks(servers);
      long realStart = System.nanoTime();
      List<String> args = new ArrayList<>(List.of("simulate"));
      ports.forEach(port -> args.addAll(List.of("--url", "http://localhost:" + port)));
      args.addAll(
          List.of(
              "--key",
              admin,
              "--speed",
              String.valueOf(s.speed()),
              // The same clock as the server's: same start, same anchor in real time.
              "--clock-start",
              s.clockStart().toString(),
              "--clock-anchor",
              String.valueOf(serverLaunched),
              "--councils",
              String.valueOf(s.councils()),
              "--routes",
              String.valueOf(s.routes()),
              "--seed",
              String.valueOf(s.seed()),
              "--until",
              s.until().toString(),
              "--batch-every",
              String.valueOf(s.batchEverySeconds()),
              "--report",
              report.toString()));
      simulator =
          java(dir.resolve("simulator.log"), "-Xmx2g", Map.of(), args.toArray(String[]::new));
      long[] maxHeap = new long[s.nodes()];
      long dayNanos = (long) (Duration.between(s.clockStart(), s.until()).toNanos() / s.speed());
      long deadline = realStart + 3 * dayNanos + TimeUnit.MINUTES.toNanos(5);
      LocalTime warmFrom = s.warmFrom();
      Reading warm = null;
      JsonArray timeline = new JsonArray();
      long nextTimelineNanos = realStart;
      while (simulator.isAlive()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the simulator did not finish in time; see " + dir.resolve("simulator.log"));
        }
        long stored = 0;
        for (int i = 0; i < ports.size(); i++) {
          String metrics = metrics(ports.get(i));
          maxHeap[i] =
              Math.max(
                  maxHeap[i],
                  Math.round(metric(metrics, "jvm_memory_used_bytes", "area=\"heap\"")));
          stored += Math.round(metric(metrics, "travelwatch_events_ingested_total", ""));
        }
        LocalTime serviceNow = serviceTime(s, serverLaunched);
        if (warm == null && !serviceNow.isBefore(warmFrom)) {
          warm = reading(servers, postmaster, stored);
        }
        if (System.nanoTime() >= nextTimelineNanos) {
          Reading r = reading(servers, postmaster, stored);
          timeline.add(
              new JsonObject()
                  .put("serviceTime", serviceNow.withNano(0).toString())
                  .put(
                      "serverCpuSeconds", (r.serverTicks() - before[0]) / (double) TICKS_PER_SECOND)
                  .put(
                      "jitCompilerSeconds",
                      byThreadKind(threadsBefore, r.threads()).getDouble("jitCompiler"))
                  .put("stored", stored));
          nextTimelineNanos += TimeUnit.SECONDS.toNanos(10);
        }
        simulator.waitFor(5, TimeUnit.SECONDS);
      }
      double realSeconds = (System.nanoTime() - realStart) / 1e9;
      long storedAtEnd = 0;
      for (int port : ports) {
        storedAtEnd += Math.round(metric(metrics(port), "travelwatch_events_ingested_total", ""));
      }
      Reading end = reading(servers, postmaster, storedAtEnd);
      double serverCpu = (end.serverTicks() - before[0]) / (double) TICKS_PER_SECOND;
      JsonObject byThread = byThreadKind(threadsBefore, end.threads());
      double postgresCpu = (end.postgresTicks() - before[1]) / (double) TICKS_PER_SECOND;
      List<JsonObject> lines = lines(report);
      if (lines.isEmpty() || !"summary".equals(lines.get(lines.size() - 1).getString("line"))) {
        throw new IllegalStateException(
            "the simulator wrote no summary (exit "
                + simulator.exitValue()
                + "); see "
                + dir.resolve("simulator.log"));
      }
      JsonObject summary = lines.get(lines.size() - 1);
      double batchRowsSum = 0;
      double batchRowsCount = 0;
      double stepEventsSum = 0;
      double stepEventsCount = 0;
      long heapAfterGc = 0;
      JsonArray storedByNode = new JsonArray();
      for (int i = 0; i < ports.size(); i++) {
        storedByNode.add(Math.round(metric(ports.get(i), "travelwatch_events_ingested_total", "")));
        batchRowsSum += metric(ports.get(i), "travelwatch_ingest_batch_rows_sum", "");
        batchRowsCount += metric(ports.get(i), "travelwatch_ingest_batch_rows_count", "");
        stepEventsSum += metric(ports.get(i), "travelwatch_monitor_step_events_sum", "");
        stepEventsCount += metric(ports.get(i), "travelwatch_monitor_step_events_count", "");
        OpenPages.jcmd(servers.get(i).pid(), "GC.run");
        heapAfterGc =
            Math.max(
                heapAfterGc,
                Math.round(metric(ports.get(i), "jvm_memory_used_bytes", "area=\"heap\"")));
      }
      JsonObject result =
          new JsonObject()
              .put("step", s.label())
              .put("nodes", s.nodes())
              .put("storedByNode", storedByNode)
              .put("councils", s.councils())
              .put("routes", s.councils() * s.routes())
              .put("speed", s.speed())
              .put("monitorTickMillis", s.monitorTickMillis())
              .put("batchEverySeconds", s.batchEverySeconds())
              .put("be", Math.round(s.be() * 10) / 10.0)
              .put("clock", s.clockStart() + "–" + s.until())
              .put("realSeconds", Math.round(realSeconds))
              .put("cpuSeconds", cpu(serverCpu, postgresCpu, summary.getDouble("cpuSeconds", 0.0)))
              // The largest node's: what one node's heap must hold.
              .put("serverHeapMaxBytes", java.util.Arrays.stream(maxHeap).max().orElse(0))
              .put("serverHeapAfterGcBytes", heapAfterGc)
              .put(
                  "groupCommitMeanRows",
                  batchRowsCount == 0 ? 0 : Math.round(batchRowsSum / batchRowsCount * 10) / 10.0)
              .put("monitorSteps", Math.round(stepEventsCount))
              .put(
                  "monitorStepMeanEvents",
                  stepEventsCount == 0
                      ? 0
                      : Math.round(stepEventsSum / stepEventsCount * 10) / 10.0)
              .put("summary", summary)
              .put("progress", new JsonArray(new ArrayList<>(lines.subList(0, lines.size() - 1))))
              .put("loadAverage", loadAverage());
      long accepted = summary.getLong("accepted");
      long requests = summary.getLong("requests", 0L);
      result.put(
          "serverCpuMillisPer1000Events",
          accepted == 0 ? 0 : Math.round(serverCpu * 10_000_000 / accepted) / 10.0);
      // The JIT compiler's CPU is a JVM's warm-up, paid again by every node in a short step;
      // without
      // it, what each event costs a warm node.
      double jit = byThread.getDouble("jitCompiler");
      result
          .put("serverCpuByThread", byThread)
          .put(
              "serverCpuMillisPer1000EventsWithoutJit",
              accepted == 0 ? 0 : Math.round((serverCpu - jit) * 10_000_000 / accepted) / 10.0);
      result.put(
          "eventsPerRequest", requests == 0 ? 0 : Math.round(accepted * 10.0 / requests) / 10.0);
      result.put("timeline", timeline);
      if (warm != null) {
        result.put("warm", warm(warmFrom, warm, end));
      }
      if (wrkSeconds != null && s.nodes() == 1 && Wrk.installed()) {
        try {
          result.put(
              "singleEvents",
              singleEvents(
                  dir, db, ports.get(0), servers.get(0).pid(), admin, wrkSeconds, s.clockStart()));
        } catch (Exception e) { // the day's figures stand without the comparison
          result.put("singleEvents", new JsonObject().put("error", String.valueOf(e)));
        }
      }
      return result;
    } finally {
      if (simulator != null) {
        simulator.destroyForcibly();
      }
      for (Process server : servers) {
        server.destroy();
      }
      for (Process server : servers) {
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  /**
   * Node {@code i}: a plain {@code serve} when it is the only one, else {@code serve --cluster}
   * with the others as members; the nodes share this machine's cores, so each gets its share of
   * event loops and connections.
   */
  private static Process server(
      Path dir,
      Settings s,
      PgEndpoint db,
      int i,
      List<Integer> ports,
      List<Integer> clusterPorts,
      long launched)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("TW_PG_URL", "postgresql://postgres@localhost:" + db.port() + "/" + db.database());
    env.put("TW_HTTP_PORT", String.valueOf(ports.get(i)));
    env.put("TW_DATA_DIR", dir.resolve("data" + i).toString());
    // Capacity, not one operator's allowance: no per-key limit.
    env.put("TW_INGEST_RATE_PER_KEY", "0");
    // Deadline rules (not started, late) are checked each tick: the tick bounds the wait for
    // their alerts.
    env.put("TW_MONITOR_TICK_MS", String.valueOf(s.monitorTickMillis()));
    // The monitor's gathering window: the node's default unless set (0 turns it off).
    String gather = System.getProperty("bench.capacity.gatherMs");
    if (gather != null) {
      env.put("TW_MONITOR_GATHER_MS", gather);
    }
    List<String> args = new ArrayList<>(List.of("serve"));
    if (s.nodes() > 1) {
      args.add("--cluster");
      env.put("TW_CLUSTER_HOST", "127.0.0.1");
      env.put("TW_CLUSTER_PORT", String.valueOf(clusterPorts.get(i)));
      env.put(
          "TW_CLUSTER_MEMBERS",
          clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
      env.put(
          "TW_HTTP_INSTANCES",
          String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors() / s.nodes())));
      env.put("TW_PG_POOL_SIZE", "8");
    }
    args.addAll(
        List.of(
            "--clock-start",
            s.clockStart().toString(),
            "--clock-speed",
            String.valueOf(s.speed()),
            "--clock-anchor",
            String.valueOf(launched)));
    // -Dbench.capacity.serverJvm adds options, e.g. a flight recording of the step ({step} and
    // {node} name each server's file).
    return java(
        dir.resolve(s.nodes() == 1 ? "server.log" : "server" + i + ".log"),
        ("-Xmx1g " + System.getProperty("bench.capacity.serverJvm", ""))
            .replace("{step}", s.label())
            .replace("{node}", String.valueOf(i)),
        env,
        args.toArray(String[]::new));
  }

  /** Every node ready, each seeing all as members, and every shard owned by exactly one. */
  private static boolean balanced(List<Integer> ports) {
    Set<Object> owned = new HashSet<>();
    int total = 0;
    int units = -1;
    for (int port : ports) {
      JsonObject health = health(port);
      if (health == null) {
        return false;
      }
      JsonObject cluster = health.getJsonObject("cluster");
      if (ports.size() == 1) {
        return true;
      }
      if (cluster == null || cluster.getInteger("members", 0) != ports.size()) {
        return false;
      }
      units = cluster.getInteger("shards"); // every unit monitored, the council-wide one too
      JsonArray mine = cluster.getJsonArray("owned", new JsonArray());
      total += mine.size();
      mine.forEach(owned::add);
    }
    return total > 0 && total == owned.size() && owned.size() == units;
  }

  /** The servers' and PostgreSQL's CPU so far, by thread, and the events the servers stored. */
  private record Reading(
      long serverTicks, Map<String, ThreadTicks> threads, long postgresTicks, long stored) {}

  private static Reading reading(List<Process> servers, long postmaster, long stored)
      throws IOException {
    return new Reading(cpuTicks(servers), threadTicks(servers), postgresTicks(postmaster), stored);
  }

  /** The time of day on the servers' clock (started at {@code clockStart} when launched). */
  private static LocalTime serviceTime(Settings s, long launchedEpochMillis) {
    long serviceMillis = (long) ((System.currentTimeMillis() - launchedEpochMillis) * s.speed());
    Duration sinceStart = Duration.ofMillis(serviceMillis);
    Duration toMidnight = Duration.between(s.clockStart(), LocalTime.MAX);
    return sinceStart.compareTo(toMidnight) > 0 ? LocalTime.MAX : s.clockStart().plus(sinceStart);
  }

  /**
   * The same figures from {@code warmFrom} to the end: what an event costs nodes past their JVM's
   * warm-up (the JIT compiler's first minutes, interpreted code), as a service running all day pays
   * it.
   */
  private static JsonObject warm(LocalTime from, Reading start, Reading end) {
    long stored = end.stored() - start.stored();
    double server = (end.serverTicks() - start.serverTicks()) / (double) TICKS_PER_SECOND;
    JsonObject byThread = byThreadKind(start.threads(), end.threads());
    double jit = byThread.getDouble("jitCompiler");
    return new JsonObject()
        .put("from", from.toString())
        .put("stored", stored)
        .put("serverCpuSeconds", Math.round(server * 10) / 10.0)
        .put(
            "postgresCpuSeconds",
            Math.round(
                    (end.postgresTicks() - start.postgresTicks()) / (double) TICKS_PER_SECOND * 10)
                / 10.0)
        .put("serverCpuByThread", byThread)
        .put(
            "serverCpuMillisPer1000Events",
            stored == 0 ? 0 : Math.round(server * 10_000_000 / stored) / 10.0)
        .put(
            "serverCpuMillisPer1000EventsWithoutJit",
            stored == 0 ? 0 : Math.round((server - jit) * 10_000_000 / stored) / 10.0);
  }

  /**
   * The same server's CPU per 1,000 events stored when wrk posts one event per request: the cost of
   * an event on its own, against which the realistic day's cost is compared.
   */
  private static JsonObject singleEvents(
      Path dir,
      PgEndpoint db,
      int port,
      long serverPid,
      String admin,
      Duration seconds,
      LocalTime clockStart)
      throws Exception {
    // Through the API, as the simulator makes its keys: the running server knows it at once.
    String key =
        new JsonObject(
                HTTP.send(
                        HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/v1/keys"))
                            .header("Authorization", "Bearer " + admin)
                            .header("Content-Type", "application/json")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    new JsonObject().put("operatorId", "OP001").encode()))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .getString("key");
    String runs;
    try (var c = TestPostgres.connect(db);
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                "select string_agg(r.id, ',') from (select run.id from run join route on"
                    + " route.id = run.route_id where route.operator_id = 'OP001' limit 200) r")) {
      rs.next();
      runs = rs.getString(1);
    }
    long storedBefore = TestPostgres.count(db, "select count(*) from event");
    long cpuBefore = cpuTicks(serverPid);
    // Positions on today's runs (the script's default time is another day's), dated when the
    // server's clock started: never ahead of it, however far the step's day went.
    JsonObject r =
        new Wrk(dir.resolve("wrk"))
            .result(
                "http://localhost:" + port,
                16,
                seconds,
                key,
                "single",
                "1",
                runs,
                LocalDate.now(LONDON).atTime(clockStart).atZone(LONDON).toInstant().toString());
    double cpu = (cpuTicks(serverPid) - cpuBefore) / (double) TICKS_PER_SECOND;
    long stored = TestPostgres.count(db, "select count(*) from event") - storedBefore;
    return new JsonObject()
        .put("requests", r.getLong("requests"))
        .put("non2xx", r.getLong("status"))
        .put("stored", stored)
        .put("eventsPerSecond", Math.round(stored / (r.getLong("durationMicros") / 1e6)))
        .put("serverCpuSeconds", cpu)
        .put(
            "serverCpuMillisPer1000Events",
            stored == 0 ? 0 : Math.round(cpu * 10_000_000 / stored) / 10.0);
  }

  private static JsonObject cpu(double server, double postgres, double simulator) {
    return new JsonObject()
        .put("server", Math.round(server * 10) / 10.0)
        .put("postgres", Math.round(postgres * 10) / 10.0)
        .put("simulator", Math.round(simulator * 10) / 10.0);
  }

  /** A java process running {@link Main} on this classpath, its output to {@code log}. */
  private static Process java(Path log, String jvm, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : jvm.trim().split("\\s+")) {
      command.add(option);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("TW_"));
    builder.environment().putAll(env);
    return builder.redirectOutput(log.toFile()).start();
  }

  /** {@code /health/ready}'s body when it answers 200, else null. */
  private static JsonObject health(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The sum of a metric's series whose labels include {@code label}; 0 if unreadable. */
  static double metric(int port, String name, String label) {
    return metric(metrics(port), name, label);
  }

  /** A node's {@code /metrics} page; empty if unreadable. */
  private static String metrics(int port) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The sum of the series of {@code name} in a {@code /metrics} page whose labels include it. */
  private static double metric(String text, String name, String label) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int close = line.indexOf('}');
      if (close < 0 || line.substring(0, close).contains(label)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static List<JsonObject> lines(Path report) throws IOException {
    if (!Files.exists(report)) {
      return List.of();
    }
    return Files.readAllLines(report, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank())
        .map(JsonObject::new)
        .toList();
  }

  // ---- CPU from /proc ----

  /** The PostgreSQL server's main process: the parent of a backend serving this database. */
  private static long postmaster(PgEndpoint db) throws Exception {
    try (var c = TestPostgres.connect(db);
        var st = c.createStatement();
        var rs = st.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return Long.parseLong(stat(rs.getLong(1))[1]);
    }
  }

  /**
   * CPU ticks of the PostgreSQL server: its main process with the children it has reaped, and every
   * child still running (backends, writers, autovacuum).
   */
  private static long postgresTicks(long postmaster) throws IOException {
    long ticks = cpuTicks(postmaster) + reapedTicks(postmaster);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] f = stat(Long.parseLong(name));
        if (f != null && f[1].equals(String.valueOf(postmaster))) {
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    }
    return ticks;
  }

  /** One thread's kind (see {@link #kindOf}) and its utime + stime so far. */
  private record ThreadTicks(String kind, long ticks) {}

  /** Every thread of these processes, by process and thread id. */
  private static Map<String, ThreadTicks> threadTicks(List<Process> processes) {
    Map<String, ThreadTicks> threads = new HashMap<>();
    for (Process p : processes) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(p.pid()), "task"))) {
        for (Path task : tasks.toList()) {
          String text = statText(task.resolve("stat"));
          if (text != null) { // null: the thread ended meanwhile
            String[] f = fields(text);
            threads.put(
                p.pid() + "/" + task.getFileName(),
                new ThreadTicks(
                    kindOf(text.substring(text.indexOf('(') + 1, text.lastIndexOf(')'))),
                    Long.parseLong(f[11]) + Long.parseLong(f[12])));
          }
        }
      } catch (IOException e) { // the process ended
      }
    }
    return threads;
  }

  private static final List<String> THREAD_KINDS =
      List.of("eventLoops", "workers", "jitCompiler", "garbageCollector", "hazelcast", "other");

  private static String kindOf(String threadName) {
    if (threadName.startsWith("vert.x-eventloo")) {
      return "eventLoops";
    }
    if (threadName.startsWith("vert.x-worker")) {
      return "workers";
    }
    if (threadName.contains("CompilerThre")) {
      return "jitCompiler";
    }
    if (threadName.startsWith("GC ") || threadName.startsWith("G1 ")) {
      return "garbageCollector";
    }
    return threadName.startsWith("hz.") ? "hazelcast" : "other";
  }

  /**
   * CPU seconds between two readings of {@link #threadTicks} by kind of thread: event loops,
   * workers, the JIT compiler, garbage collection, Hazelcast and the rest (threads that ended in
   * between are not counted).
   */
  private static JsonObject byThreadKind(
      Map<String, ThreadTicks> before, Map<String, ThreadTicks> after) {
    Map<String, Long> kinds = new java.util.TreeMap<>();
    THREAD_KINDS.forEach(kind -> kinds.put(kind, 0L));
    after.forEach(
        (id, now) -> {
          ThreadTicks then = before.get(id);
          kinds.merge(now.kind(), now.ticks() - (then == null ? 0 : then.ticks()), Long::sum);
        });
    JsonObject seconds = new JsonObject();
    kinds.forEach((k, v) -> seconds.put(k, v / (double) TICKS_PER_SECOND));
    return seconds;
  }

  private static long cpuTicks(List<Process> processes) {
    return processes.stream().mapToLong(p -> cpuTicks(p.pid())).sum();
  }

  /** utime + stime of a process, every thread of it; 0 once it has gone. */
  static long cpuTicks(long pid) {
    String[] f = stat(pid);
    return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long reapedTicks(long pid) {
    String[] f = stat(pid);
    return f == null ? 0 : Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }

  /** /proc/PID/stat's fields after the command name: [0] is the state, [1] the parent. */
  private static String[] stat(long pid) {
    String text = statText(Path.of("/proc", String.valueOf(pid), "stat"));
    return text == null ? null : fields(text);
  }

  /** A stat file's text; null once its process or thread has gone. */
  private static String statText(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return null;
    }
  }

  /** A stat file's fields after the command name (which may hold spaces and brackets). */
  private static String[] fields(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
