package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import travelwatch.access.AccessStore;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.Browser;
import travelwatch.support.ClusterNodes;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;

/**
 * The parents' page ({@code /parent/#t=<token>}, which asks {@code GET /api/v1/parent/today} and
 * again every 30 s): what a phone downloads to open it, how soon it shows the journey's status on
 * the crew app's throttled network, and how many open parents' pages one node serves — the memory
 * each open page's keep-alive connection costs the server, and the rate of {@code
 * /api/v1/parent/today} under wrk. One plain {@code serve} in a JVM of its own on a fresh database
 * with today's Birmingham-scale plan, the day's events so far from every run's operator (as {@link
 * RunDay} times them) and {@link #LINKS} parents' links (one for each pupil, then a second parent's
 * for as many as it takes). Run alone with {@code -Dbench.only=parent}.
 */
final class ParentBenchmark {
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final String TODAY = "/api/v1/parent/today";
  static final String MESSAGES = "/api/v1/parent/messages";
  static final Duration POLL_EVERY = Duration.ofSeconds(30);
  static final int LINKS = 5000;
  private static final int ROUTES = 1050;
  private static final Duration POSITION_EVERY = Duration.ofMinutes(1);
  private static final int IN_FLIGHT = 16;
  private static final Duration MIN_WARM_UP = Duration.ofSeconds(30);
  private static final Duration MAX_WARM_UP = Duration.ofSeconds(120);

  private ParentBenchmark() {}

  static JsonObject run(Path work, Duration each) throws Exception {
    if (!Wrk.installed()) {
      throw new IllegalStateException("wrk is not installed (apt-get install wrk)");
    }
    JarProcess.awaitClearOfLondonMidnight(Duration.ofMinutes(30));
    Files.createDirectories(work);
    int cores = Runtime.getRuntime().availableProcessors();
    LocalDate today = LocalDate.now(LONDON);
    Plan plan = new PlanGenerator(1, ROUTES, List.of(today)).generate();
    PgEndpoint db = TestPostgres.freshDatabase();
    Vertx vertx = Vertx.vertx();
    Pool setup = Database.pool(vertx, db, 2);
    new PlanImport(new PlanStore(setup)).upsert(PlanJson.write(plan)).await();
    AccessStore access = new AccessStore(setup);
    String admin = access.createScopeKey(Scope.ADMIN).await();
    Map<String, String> operatorKeys = new HashMap<>();
    for (Plan.Operator o : plan.operators()) {
      operatorKeys.put(o.id(), access.createOperatorKey(o.id()).await());
    }
    setup.close().await();
    vertx.close().await();

    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    // As users run it: `serve` with its defaults (a pool of 16, an HTTP event loop per core);
    // only the ingest rate limit is lifted, for the day's events sent at once below.
    try (ClusterNodes servers =
        new ClusterNodes(
            db,
            work,
            1,
            16,
            Map.of(
                "TW_INGEST_RATE_PER_KEY", "0",
                "TW_PG_POOL_SIZE", "16",
                "TW_HTTP_INSTANCES", String.valueOf(cores)),
            false)) {
      ClusterNodes.Node server = servers.get(0);
      server.start();
      // Ready once its monitors have built today's runs.
      server.awaitReady(Duration.ofSeconds(120));
      String base = "http://localhost:" + server.httpPort;
      long runs = plan.runs().size();
      Instant now = Instant.now();
      long events = feedDaySoFar(http, base, plan, operatorKeys, now);
      settle(db, "select count(*) from pupil_journey");
      List<String> pupils = travelling(plan);
      List<String> tokens = links(http, base, admin, pupils);
      // As autovacuum would once it has seen the day's writes: the planner knows the tables'
      // sizes (the server's statements are planned again). Measured before it, a fresh
      // database's empty statistics gave a tenth of the rate.
      try (java.sql.Connection c = TestPostgres.connect(db);
          java.sql.Statement st = c.createStatement()) {
        st.execute("analyze");
      }
      Path tokenFile = work.resolve("tokens.txt");
      Files.write(tokenFile, tokens);
      JsonObject answers =
          todayAnswers(http, base, tokens.subList(0, Math.min(tokens.size(), pupils.size())));
      JsonObject data =
          new JsonObject()
              .put("date", today.toString())
              .put(
                  "londonTime",
                  ZonedDateTime.ofInstant(now, LONDON)
                      .toLocalTime()
                      .truncatedTo(ChronoUnit.MINUTES)
                      .toString())
              .put("routes", ROUTES)
              .put("runs", runs)
              .put("pupils", pupils.size())
              .put("links", tokens.size())
              .put("eventsSoFar", events)
              .put("positionEverySeconds", POSITION_EVERY.toSeconds())
              .put("todayAnswers", answers);
      Progress.say(
          "parents: %d runs, %d pupils, %d links, %d events so far at %s; journeys %s",
          runs,
          pupils.size(),
          tokens.size(),
          events,
          data.getString("londonTime"),
          answers.getJsonObject("journeysByStatus").encode());

      JsonObject report =
          new JsonObject().put("server", data).put("loadAverageAtStart", loadAverage());
      report.put(
          "pollRate",
          part(
              "parents' poll rate",
              () -> pollRate(work, server.httpPort, server.pid(), db.port(), tokenFile, each)));
      report.put(
          "openPages",
          part(
              "open parents' pages",
              () -> OpenPages.run(server.httpPort, server.pid(), tokens, each)));
      boolean chromium =
          Files.isExecutable(Browser.CHROMIUM) && Files.isExecutable(Browser.CHROMEDRIVER);
      report.put(
          "pageWeight",
          chromium
              ? part(
                  "parents' page weight",
                  () -> ParentPageLoad.weight(work.resolve("weight"), base, tokens.get(0)))
              : notInstalled());
      report.put(
          "firstRender",
          chromium
              ? part(
                  "parents' page first render",
                  () -> ParentPageLoad.firstRender(work.resolve("render"), base, tokens))
              : notInstalled());
      report.put("loadAverageAtEnd", loadAverage());
      return report;
    }
  }

  /**
   * This machine's load average over the last minute ({@code /proc/loadavg}): anything else running
   * on its cores shows here.
   */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * {@code GET /api/v1/parent/today} under wrk with every link's token in turn, after the server's
   * JIT has settled: one measured run for each of {@code -Dbench.connections}; then the page's own
   * poll (today's journeys and the messages, one request each) with 64 connections.
   */
  private static JsonObject pollRate(
      Path work, int port, long pid, int postgresPort, Path tokenFile, Duration each)
      throws Exception {
    Wrk wrk = new Wrk(work.resolve("wrk"), "parent.lua");
    String url = "http://localhost:" + port;
    String tokens = tokenFile.toAbsolutePath().toString();
    Duration warm =
        WarmUp.untilCompiled(
            "parents' polls",
            List.of(port),
            MIN_WARM_UP,
            MAX_WARM_UP,
            chunk -> wrk.result(url, 64, chunk, tokens, TODAY + "," + MESSAGES));
    JsonArray shapes = new JsonArray();
    long best = 0;
    for (int connections : IngestBenchmark.ints("bench.connections", "64,256")) {
      JsonObject shape =
          shape(wrk, url, connections, each, tokens, List.of(TODAY), pid, postgresPort);
      best = Math.max(best, shape.getLong("pagesPolling"));
      shapes.add(shape);
    }
    JsonObject page =
        shape(wrk, url, 64, each, tokens, List.of(TODAY, MESSAGES), pid, postgresPort);
    return new JsonObject()
        .put("path", TODAY)
        .put("distinctTokens", Files.readAllLines(tokenFile).size())
        .put("warmUpSeconds", warm.toSeconds())
        .put("shapes", shapes)
        .put("pagePoll", page)
        .put("pollEverySeconds", POLL_EVERY.toSeconds())
        .put("pagesPerNode", best);
  }

  /**
   * One measured wrk run: a poll is one request to each of {@code paths}; with the server's and
   * PostgreSQL's CPU over the run, and the pages polling every 30 s that the rate serves.
   */
  private static JsonObject shape(
      Wrk wrk,
      String url,
      int connections,
      Duration each,
      String tokens,
      List<String> paths,
      long pid,
      int postgresPort)
      throws Exception {
    long serverCpu = OpenPages.cpuNanos(pid);
    long postgresCpu = postgresCpuNanos(postgresPort);
    JsonObject r = wrk.result(url, connections, each, tokens, String.join(",", paths));
    long micros = r.getLong("durationMicros");
    double serverCores = (OpenPages.cpuNanos(pid) - serverCpu) / 1e3 / micros;
    double postgresCores = (postgresCpuNanos(postgresPort) - postgresCpu) / 1e3 / micros;
    double rate = r.getLong("requests") / (micros / 1e6);
    JsonObject shape =
        new JsonObject()
            .put("paths", new JsonArray(paths))
            .put("connections", connections)
            .put("seconds", round1(micros / 1e6))
            .put("requests", r.getLong("requests"))
            .put("requestsPerSecond", Math.round(rate))
            .put("p50Millis", millis(r, "p50Micros"))
            .put("p90Millis", millis(r, "p90Micros"))
            .put("p99Millis", millis(r, "p99Micros"))
            .put("p999Millis", millis(r, "p999Micros"))
            .put("maxMillis", millis(r, "maxMicros"))
            .put("non2xx", r.getLong("status"))
            .put("socketErrors", Wrk.socketErrors(r))
            .put("serverCpuCores", Math.round(serverCores * 100) / 100.0)
            .put("postgresCpuCores", Math.round(postgresCores * 100) / 100.0)
            .put("pagesPolling", Math.round(rate / paths.size() * POLL_EVERY.toSeconds()));
    Progress.say(
        "parents' polls of %s, %d connections: %.0f requests/s, p50 %.1f ms, p99 %.1f ms, %d"
            + " non-2xx, %d socket errors (server %.2f cores, PostgreSQL %.2f): %d pages polling"
            + " every %d s",
        String.join(" + ", paths),
        connections,
        rate,
        shape.getDouble("p50Millis"),
        shape.getDouble("p99Millis"),
        shape.getLong("non2xx"),
        shape.getLong("socketErrors"),
        serverCores,
        postgresCores,
        shape.getLong("pagesPolling"),
        POLL_EVERY.toSeconds());
    return shape;
  }

  /** CPU time of the PostgreSQL listening on {@code port}: its postmaster and every backend. */
  private static long postgresCpuNanos(int port) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .filter(
            h ->
                h.info()
                    .arguments()
                    .map(a -> String.join(" ", a).contains("-p " + port))
                    .orElse(false))
        .flatMap(
            h -> java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.descendants()))
        .mapToLong(OpenPages::cpuNanos)
        .sum();
  }

  /**
   * Each run's events up to {@code now}, sent by its operator as its feed would have sent them
   * during the day (one request per run).
   */
  private static long feedDaySoFar(
      HttpClient http, String base, Plan plan, Map<String, String> keys, Instant now)
      throws Exception {
    Map<String, String> operatorOfRoute =
        plan.routes().stream().collect(Collectors.toMap(Plan.Route::id, Plan.Route::operatorId));
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong accepted = new AtomicLong();
    List<String> refused = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> sent = new ArrayList<>();
    for (Plan.Run run : plan.runs()) {
      String operator = operatorOfRoute.get(run.routeId());
      List<RunDay.DayEvent> day = RunDay.events(run, operator, LONDON, POSITION_EVERY, now);
      for (int from = 0; from < day.size(); from += 1000) {
        String body =
            day.subList(from, Math.min(day.size(), from + 1000)).stream()
                .map(RunDay.DayEvent::body)
                .collect(Collectors.joining(",", "[", "]"));
        slots.acquire();
        sent.add(
            http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
                        .header("Authorization", "Bearer " + keys.get(operator))
                        .header("Content-Type", "application/json")
                        .POST(BodyPublishers.ofString(body))
                        .build(),
                    BodyHandlers.ofString())
                .whenComplete(
                    (r, e) -> {
                      slots.release();
                      if (e != null || r.statusCode() != 202) {
                        refused.add(e != null ? e.toString() : r.statusCode() + " " + r.body());
                      } else {
                        accepted.addAndGet(new JsonObject(r.body()).getLong("accepted"));
                      }
                    }));
      }
    }
    CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();
    if (!refused.isEmpty()) {
      throw new IllegalStateException(
          refused.size() + " requests of the day's events refused, the first: " + refused.get(0));
    }
    return accepted.get();
  }

  /** The pupils who travel today, in the plan's order. */
  private static List<String> travelling(Plan plan) {
    Set<String> pupils = new LinkedHashSet<>();
    for (Plan.Run run : plan.runs()) {
      for (Plan.Stop s : run.stops()) {
        pupils.addAll(s.pickups());
      }
    }
    return new ArrayList<>(pupils);
  }

  /**
   * {@link #LINKS} parents' links, made as staff make them: one for every pupil, then a second
   * parent's for pupils in turn; their tokens, the first {@code pupils.size()} one per pupil.
   */
  private static List<String> links(HttpClient http, String base, String admin, List<String> pupils)
      throws Exception {
    List<CompletableFuture<String>> made = new ArrayList<>();
    Semaphore slots = new Semaphore(IN_FLIGHT);
    for (int i = 0; i < LINKS; i++) {
      String pupil = pupils.get(i % pupils.size());
      slots.acquire();
      made.add(
          http.sendAsync(
                  HttpRequest.newBuilder(
                          URI.create(
                              base
                                  + "/api/v1/pupils/"
                                  + URLEncoder.encode(pupil, StandardCharsets.UTF_8)
                                  + "/parent-links"))
                      .header("Authorization", "Bearer " + admin)
                      .POST(BodyPublishers.noBody())
                      .build(),
                  BodyHandlers.ofString())
              .whenComplete((r, e) -> slots.release())
              .thenApply(
                  r -> {
                    if (r.statusCode() != 201) {
                      throw new IllegalStateException(
                          "a link for " + pupil + ": " + r.statusCode() + " " + r.body());
                    }
                    String url = new JsonObject(r.body()).getString("url");
                    return url.substring(url.indexOf("#t=") + 3);
                  }));
    }
    List<String> tokens = new ArrayList<>();
    for (CompletableFuture<String> f : made) {
      tokens.add(f.join());
    }
    return tokens;
  }

  /** Each pupil's answer once (one link each): its journeys by status, and the answers' size. */
  private static JsonObject todayAnswers(HttpClient http, String base, List<String> tokens)
      throws Exception {
    Map<String, Integer> byStatus = new TreeMap<>();
    long bytes = 0;
    Semaphore slots = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (String token : tokens) {
      slots.acquire();
      answers.add(
          http.sendAsync(
                  HttpRequest.newBuilder(URI.create(base + TODAY))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  BodyHandlers.ofString())
              .whenComplete((r, e) -> slots.release()));
    }
    for (CompletableFuture<HttpResponse<String>> f : answers) {
      HttpResponse<String> r = f.join();
      if (r.statusCode() != 200) {
        throw new IllegalStateException(TODAY + " answered " + r.statusCode() + " " + r.body());
      }
      bytes += r.body().getBytes(StandardCharsets.UTF_8).length;
      for (Object j : new JsonObject(r.body()).getJsonArray("journeys")) {
        byStatus.merge(((JsonObject) j).getString("direction") + " " + status(j), 1, Integer::sum);
      }
    }
    return new JsonObject()
        .put("pupils", tokens.size())
        .put("meanBytes", Math.round((double) bytes / tokens.size()))
        .put("journeysByStatus", new JsonObject(new HashMap<>(byStatus)));
  }

  private static String status(Object journey) {
    return ((JsonObject) journey).getString("status");
  }

  /** Waits until {@code sql}'s count has stopped changing (the monitors have caught up). */
  private static void settle(PgEndpoint db, String sql) throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 60; i++) {
      long now = TestPostgres.count(db, sql);
      if (now == last && now > 0) {
        return;
      }
      last = now;
      TimeUnit.SECONDS.sleep(2);
    }
  }

  private static JsonObject part(String name, Callable<JsonObject> measure) {
    try {
      return measure.call();
    } catch (Exception | AssertionError e) {
      Progress.say("%s failed: %s", name, e);
      e.printStackTrace();
      return new JsonObject().put("error", String.valueOf(e));
    }
  }

  private static JsonObject notInstalled() {
    return new JsonObject()
        .put(
            "error",
            "Chromium and ChromeDriver are not installed (apt-get install chromium"
                + " chromium-driver)");
  }

  private static double millis(JsonObject wrk, String micros) {
    return Math.round(wrk.getLong(micros) / 100.0) / 10.0;
  }

  static double round1(double d) {
    return Math.round(d * 10) / 10.0;
  }

  /** The middle value (the mean of the two middle ones for an even count). */
  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
