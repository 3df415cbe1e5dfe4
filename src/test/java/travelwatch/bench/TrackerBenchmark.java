package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import travelwatch.access.AccessStore;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.ClusterNodes;
import travelwatch.support.JarProcess;
import travelwatch.support.TestPostgres;

/**
 * Trackers' positions: one {@code serve} in a JVM of its own on a fresh database with today's
 * generated plan; one operator registers a tracker for each of its AM runs ({@code POST
 * /api/v1/trackers}) and starts every one of those runs with the tracker's vehicle, so each
 * position matches a started run. Then, after the server's JIT has settled, three measured steps
 * with the same positions (one a request, each a new fix time, so none is a duplicate): the OsmAnd
 * query form as Traccar Client sends it ({@code POST /osmand?id=…&lat=…&lon=…&timestamp=…&speed=…},
 * no body) over wrk's kept-alive connections; the same over a new TCP connection for every request
 * (wrk cannot, so {@link #FRESH_CLIENTS} threads here, each connecting, sending with {@code
 * Connection: close} and reading to the server's close); and the same positions as single {@code
 * vehicle.position} events on {@code POST /api/v1/events} with the operator's key over wrk's
 * kept-alive connections. The events stored are counted in the database after each step. Run alone
 * with {@code -Dbench.only=tracker}.
 */
final class TrackerBenchmark {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final int ROUTES = 1050;
  private static final int MAX_TRACKERS = 500;
  static final int WRK_CONNECTIONS = 64;
  static final int FRESH_CLIENTS = 16;
  private static final int WRK_THREADS = 2;
  private static final int IN_FLIGHT = 16;
  private static final Duration MIN_WARM_UP = Duration.ofSeconds(30);
  private static final Duration MAX_WARM_UP = Duration.ofSeconds(120);
  private static final String POSITIONS =
      "select count(*) from event where type = 'vehicle.position'";

  /** The next fix time (epoch seconds) no tracker has used yet; each load moves it on. */
  private static final class FixTimes {
    private final long last;
    private long next;

    FixTimes(LocalDate date) {
      next = date.atStartOfDay(LONDON).plusMinutes(2).toEpochSecond();
      last = date.plusDays(1).atStartOfDay(LONDON).toEpochSecond() - 1;
    }

    /** Fix times from here, for a load of at most this many requests per sender among {@code n}. */
    long take(long perSender, int trackers, int senders) {
      long first = next;
      next += (perSender / trackers + 2) * senders;
      if (next > last) {
        throw new IllegalStateException("the day has no more new fix times for the trackers");
      }
      return first;
    }

    /** Moves on past what a wrk run of {@code requests} in all used. */
    void used(long first, long requests, int trackers, int senders) {
      next = Math.max(next, first + (requests / trackers + 2) * senders);
    }
  }

  private TrackerBenchmark() {}

  static JsonObject run(Path work, Duration each) throws Exception {
    if (!Wrk.installed()) {
      throw new IllegalStateException("wrk is not installed (apt-get install wrk)");
    }
    // The runs are today's and the positions must fall on today: not across London's midnight.
    JarProcess.awaitClearOfLondonMidnight(Duration.ofMinutes(10));
    Files.createDirectories(work);
    int cores = Runtime.getRuntime().availableProcessors();
    LocalDate today = LocalDate.now(LONDON);
    Plan plan = new PlanGenerator(1, ROUTES, List.of(today)).generate();
    String operator = "OP001";
    Set<String> routes =
        plan.routes().stream()
            .filter(r -> r.operatorId().equals(operator))
            .map(Plan.Route::id)
            .collect(Collectors.toSet());
    List<Plan.Run> runs =
        plan.runs().stream()
            .filter(r -> routes.contains(r.routeId()) && r.direction() == Plan.Direction.AM)
            .limit(MAX_TRACKERS)
            .toList();
    PgEndpoint db = TestPostgres.freshDatabase();
    Vertx vertx = Vertx.vertx();
    Pool setup = Database.pool(vertx, db, 2);
    new PlanImport(new PlanStore(setup)).upsert(PlanJson.write(plan)).await();
    String key = new AccessStore(setup).createOperatorKey(operator).await();
    setup.close().await();
    vertx.close().await();

    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
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
      server.awaitReady(Duration.ofSeconds(120));
      int port = server.httpPort;
      String base = "http://localhost:" + port;
      List<String> trackers = register(http, base, key, runs);
      startRuns(http, base, key, runs);
      awaitStarted(db, runs.size());
      Path pairs = work.resolve("trackers.txt");
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        lines.add(trackers.get(i) + " " + runs.get(i).id());
      }
      Files.write(pairs, lines);
      FixTimes fixes = new FixTimes(today);
      checkOneIsStored(http, base, db, trackers.get(0), fixes.take(1, 1, 1));

      Wrk wrk = new Wrk(work.resolve("wrk"), "tracker.lua");
      int n = trackers.size();
      int[] turn = {0};
      Duration warm =
          WarmUp.untilCompiled(
              "trackers",
              List.of(port),
              MIN_WARM_UP,
              MAX_WARM_UP,
              chunk -> {
                switch (turn[0]++ % 3) {
                  case 0 -> wrkStep(wrk, base, "osmand", chunk, pairs, key, fixes, n);
                  case 1 -> fresh(port, chunk, trackers, fixes);
                  default -> wrkStep(wrk, base, "events", chunk, pairs, key, fixes, n);
                }
              });

      JsonArray steps = new JsonArray();
      long stored = settle(db);
      long trackerStored = trackerEvents(db);
      for (String step : List.of("osmand", "fresh", "events")) {
        JsonObject r =
            step.equals("fresh")
                ? fresh(port, each, trackers, fixes)
                : wrkStep(wrk, base, step, each, pairs, key, fixes, n);
        long after = settle(db);
        long trackerAfter = trackerEvents(db);
        r.put("storedEvents", after - stored)
            .put("storedByTrackers", trackerAfter - trackerStored)
            .put("positionsInDatabase", after)
            .put("storedPerSecond", Math.round((after - stored) / r.getDouble("seconds")));
        stored = after;
        trackerStored = trackerAfter;
        steps.add(r);
        Progress.say(
            "trackers, %s: %d requests/s, p50 %.1f ms, p99 %.1f ms, %d non-2xx, %d socket"
                + " errors; %d positions stored (%d/s), %d in the database",
            r.getString("step"),
            r.getLong("requestsPerSecond"),
            r.getDouble("p50Millis"),
            r.getDouble("p99Millis"),
            r.getLong("non2xx"),
            r.getLong("socketErrors"),
            r.getLong("storedEvents"),
            r.getLong("storedPerSecond"),
            after);
      }
      return new JsonObject()
          .put(
              "server",
              new JsonObject()
                  .put("date", today.toString())
                  .put("routes", ROUTES)
                  .put("operator", operator)
                  .put("trackers", n)
                  .put("startedRuns", runs.size())
                  .put("cores", cores))
          .put("warmUpSeconds", warm.toSeconds())
          .put("seconds", each.toSeconds())
          .put("wrkConnections", WRK_CONNECTIONS)
          .put("freshClients", FRESH_CLIENTS)
          .put("steps", steps);
    }
  }

  /** One tracker for each run's vehicle, registered with the operator's key. */
  private static List<String> register(
      HttpClient http, String base, String key, List<Plan.Run> runs) throws Exception {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<String>> made = new ArrayList<>();
    for (Plan.Run run : runs) {
      slots.acquire();
      made.add(
          http.sendAsync(
                  HttpRequest.newBuilder(URI.create(base + "/api/v1/trackers"))
                      .header("Authorization", "Bearer " + key)
                      .header("Content-Type", "application/json")
                      .POST(
                          BodyPublishers.ofString(
                              new JsonObject().put("vehicleReg", vehicle(run)).encode()))
                      .build(),
                  BodyHandlers.ofString())
              .whenComplete((r, e) -> slots.release())
              .thenApply(
                  r -> {
                    if (r.statusCode() != 201) {
                      throw new IllegalStateException(
                          "a tracker for " + vehicle(run) + ": " + r.statusCode() + " " + r.body());
                    }
                    return new JsonObject(r.body()).getString("trackerId");
                  }));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<String> f : made) {
      ids.add(f.join());
    }
    return ids;
  }

  private static String vehicle(Plan.Run run) {
    return "TW " + run.routeId().substring(2);
  }

  /** Each run started by its planned crew in the tracker's vehicle, a minute ago (today). */
  private static void startRuns(HttpClient http, String base, String key, List<Plan.Run> runs)
      throws Exception {
    Instant dayStart = LocalDate.now(LONDON).atStartOfDay(LONDON).toInstant();
    Instant at = Instant.now().minusSeconds(60);
    if (at.isBefore(dayStart)) {
      at = dayStart;
    }
    String occurredAt = at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    JsonArray events = new JsonArray();
    for (Plan.Run run : runs) {
      JsonObject started =
          new JsonObject()
              .put("eventId", "bench-start-" + run.id())
              .put("type", "run.started")
              .put("occurredAt", occurredAt)
              .put("runId", run.id())
              .put("driverId", run.plannedDriverId().orElseThrow())
              .put("vehicleReg", vehicle(run));
      run.plannedGuideId().ifPresent(g -> started.put("guideId", g));
      events.add(started);
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(events.encode()))
                .build(),
            BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("starting the runs: " + r.statusCode() + " " + r.body());
    }
  }

  /** Waits until the monitors have saved every run as started. */
  private static void awaitStarted(PgEndpoint db, int runs) {
    JarProcess.await(
        runs + " runs to be started",
        Duration.ofSeconds(60),
        () ->
            TestPostgres.count(db, "select count(*) from run_state where status = 'started'")
                >= runs);
  }

  /** One position on the OsmAnd query form, which must be stored as its run's event. */
  private static void checkOneIsStored(
      HttpClient http, String base, PgEndpoint db, String tracker, long fix) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/osmand?id="
                            + tracker
                            + "&lat=52.48&lon=-1.89&timestamp="
                            + fix
                            + "&speed=16.8"))
                .POST(BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofString());
    if (r.statusCode() != 200 || trackerEvents(db) != 1) {
      throw new IllegalStateException(
          "a tracker's position was not stored as its run's event: "
              + r.statusCode()
              + " "
              + r.body());
    }
  }

  private static JsonObject wrkStep(
      Wrk wrk,
      String base,
      String mode,
      Duration duration,
      Path pairs,
      String key,
      FixTimes fixes,
      int trackers)
      throws Exception {
    long first = fixes.take(0, trackers, WRK_THREADS);
    JsonObject r =
        wrk.result(
            base,
            WRK_CONNECTIONS,
            duration,
            mode,
            pairs.toAbsolutePath().toString(),
            String.valueOf(first),
            key,
            "p" + System.nanoTime(),
            String.valueOf(WRK_THREADS));
    fixes.used(first, r.getLong("requests"), trackers, WRK_THREADS);
    double seconds = r.getLong("durationMicros") / 1e6;
    return new JsonObject()
        .put(
            "step",
            mode.equals("osmand")
                ? "/osmand, kept-alive connections"
                : "/api/v1/events, one event a request, kept-alive connections")
        .put("connections", WRK_CONNECTIONS)
        .put("seconds", ParentBenchmark.round1(seconds))
        .put("requests", r.getLong("requests"))
        .put("requestsPerSecond", Math.round(r.getLong("requests") / seconds))
        .put("p50Millis", r.getLong("p50Micros") / 1000.0)
        .put("p99Millis", r.getLong("p99Micros") / 1000.0)
        .put("non2xx", r.getLong("status"))
        .put("socketErrors", Wrk.socketErrors(r));
  }

  /**
   * {@link #FRESH_CLIENTS} threads, each sending Traccar Client's request on a new TCP connection
   * and reading the answer until the server closes it, for {@code duration}.
   */
  private static JsonObject fresh(
      int port, Duration duration, List<String> trackers, FixTimes fixes) throws Exception {
    int n = trackers.size();
    // Fix times for up to ten requests a millisecond per thread; a thread stops short of more.
    long first = fixes.take(duration.toMillis() * 10, n, FRESH_CLIENTS);
    long limit = fixes.next;
    long end = System.nanoTime() + duration.toNanos();
    AtomicLong non2xx = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long[][] latencies = new long[FRESH_CLIENTS][];
    int[] counts = new int[FRESH_CLIENTS];
    List<Thread> threads = new ArrayList<>();
    long started = System.nanoTime();
    for (int t = 0; t < FRESH_CLIENTS; t++) {
      int me = t;
      threads.add(
          started(
              () -> {
                long[] mine = new long[1 << 16];
                int count = 0;
                byte[] buffer = new byte[4096];
                for (long k = 0; System.nanoTime() < end; k++) {
                  int i = (int) (k % n);
                  long second = first + (k / n) * FRESH_CLIENTS + me;
                  if (second >= limit) {
                    break;
                  }
                  byte[] request =
                      ("POST /osmand?id="
                              + trackers.get(i)
                              + "&lat=52.4"
                              + (k % 10)
                              + "1&lon=-1.9"
                              + (k % 7)
                              + "2&timestamp="
                              + second
                              + "&speed=16.8 HTTP/1.1\r\nHost: localhost:"
                              + port
                              + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII);
                  long sent = System.nanoTime();
                  try (Socket s = new Socket()) {
                    s.setSoTimeout(10_000);
                    s.connect(new InetSocketAddress("localhost", port), 10_000);
                    OutputStream out = s.getOutputStream();
                    out.write(request);
                    out.flush();
                    InputStream in = s.getInputStream();
                    int read = 0;
                    int got;
                    while ((got = in.read(buffer, read, buffer.length - read)) > 0) {
                      read += got;
                      if (read == buffer.length) {
                        read = 16;
                      }
                    }
                    String status =
                        new String(buffer, 0, Math.min(read, 12), StandardCharsets.US_ASCII);
                    if (!status.startsWith("HTTP/1.1 2")) {
                      non2xx.incrementAndGet();
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                    continue;
                  }
                  if (count == mine.length) {
                    mine = Arrays.copyOf(mine, count * 2);
                  }
                  mine[count++] = System.nanoTime() - sent;
                }
                latencies[me] = mine;
                counts[me] = count;
              }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int t = 0; t < FRESH_CLIENTS; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    return new JsonObject()
        .put("step", "/osmand, a new connection per request")
        .put("connections", FRESH_CLIENTS)
        .put("seconds", ParentBenchmark.round1(seconds))
        .put("requests", (long) total)
        .put("requestsPerSecond", Math.round(total / seconds))
        .put("p50Millis", percentile(all, 0.50))
        .put("p99Millis", percentile(all, 0.99))
        .put("non2xx", non2xx.get())
        .put("socketErrors", errors.get());
  }

  private static Thread started(Runnable body) {
    Thread t = new Thread(body, "fresh-connections");
    t.start();
    return t;
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return Math.round(sorted[Math.max(0, i)] / 1e5) / 10.0;
  }

  private static long trackerEvents(PgEndpoint db) {
    return TestPostgres.count(db, POSITIONS + " and source = 'tracker'");
  }

  /** The positions stored, once the last acknowledged commits are in. */
  private static long settle(PgEndpoint db) throws InterruptedException {
    long last = TestPostgres.count(db, POSITIONS);
    for (int i = 0; i < 20; i++) {
      TimeUnit.MILLISECONDS.sleep(250);
      long now = TestPostgres.count(db, POSITIONS);
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }
}
