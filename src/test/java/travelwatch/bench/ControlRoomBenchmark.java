package travelwatch.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import travelwatch.access.AccessStore;
import travelwatch.access.PasswordHasher;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.Browser;
import travelwatch.support.JarProcess;
import travelwatch.support.PageDriver;
import travelwatch.support.TestPostgres;
import travelwatch.support.TestServer;

/**
 * The control-room page under a live morning: one {@code serve} in a JVM of its own with today's
 * Birmingham-scale plan on a clock running ten times real time, {@link #MOVING} AM runs started
 * with their crews and first pupils on board, and each of their vehicles' positions posted every 15
 * s of service time (1.5 s real) through the operators' event API. A headless Chromium at
 * 1920×1080, signed in as a controller, shows the map of today's vehicles. Measured: frame times
 * from a DevTools performance trace while the positions stream, the page's JS heap after a
 * collection and its DOM nodes at the start and after {@code -Dbench.pageMinutes}, and the bytes
 * and {@code position} entries per second the stream sends a controller. Run alone with {@code
 * -Dbench.only=controlroom}.
 */
final class ControlRoomBenchmark {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final int ROUTES = 1050;
  private static final int MOVING = 1000;
  private static final double CLOCK_SPEED = 10;
  private static final Duration POSITION_EVERY = Duration.ofSeconds(15);
  private static final String PASSWORD = "a long enough password";
  private static final String CONTROLLER = "controller@council.example";

  /**
   * The frames drawn (DrawFrame) and the compositor's frames (PipelineReporter, one per frame from
   * its begin to its presentation or drop).
   */
  private static final String TRACE_CATEGORIES =
      "benchmark,devtools.timeline,disabled-by-default-devtools.timeline.frame";

  private ControlRoomBenchmark() {}

  static JsonObject run(Path work) throws Exception {
    Duration window = Duration.ofSeconds(Long.getLong("bench.seconds", 60));
    Duration pageTime = Duration.ofMinutes(Long.getLong("bench.pageMinutes", 30));
    JarProcess.awaitClearOfLondonMidnight(pageTime.plusMinutes(15));
    Files.createDirectories(work);
    LocalDate today = LocalDate.now(LONDON);
    Plan plan = new PlanGenerator(1, ROUTES, List.of(today)).generate();
    Map<String, String> operatorOfRoute =
        plan.routes().stream().collect(Collectors.toMap(Plan.Route::id, Plan.Route::operatorId));
    List<Plan.Run> moving =
        plan.runs().stream()
            .filter(r -> r.direction() == Plan.Direction.AM && r.plannedDriverId().isPresent())
            .sorted(Comparator.comparing(r -> r.stops().get(0).plannedTime()))
            .limit(MOVING)
            .toList();
    // The service day starts as the first of them is due at its first stop.
    LocalTime clockStart = moving.get(0).stops().get(0).plannedTime().minusMinutes(10);

    PgEndpoint db = TestPostgres.freshDatabase();
    Vertx vertx = Vertx.vertx();
    Pool setup = Database.pool(vertx, db, 2);
    new PlanImport(new PlanStore(setup)).upsert(PlanJson.write(plan)).await();
    AccessStore access = new AccessStore(setup);
    Map<String, String> keys = new HashMap<>();
    for (Plan.Operator o : plan.operators()) {
      keys.put(o.id(), access.createOperatorKey(o.id()).await());
    }
    String control = access.createScopeKey(Scope.CONTROL).await();
    access
        .putUser(CONTROLLER, Role.CONTROLLER, PasswordHasher.hash(PASSWORD.toCharArray()))
        .await();
    setup.close().await();

    int port = TestServer.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("TW_HTTP_PORT", String.valueOf(port));
    env.put("TW_PG_URL", "postgresql://postgres@localhost:" + db.port() + "/" + db.database());
    env.put("TW_DATA_DIR", work.resolve("server").toString());
    // Every operator's positions arrive at once each tick: lift the per-key rate limit.
    env.put("TW_INGEST_RATE_PER_KEY", "0");
    JarProcess server =
        JarProcess.start(
            env,
            work.resolve("server"),
            "serve",
            "--clock-start",
            clockStart.toString(),
            "--clock-speed",
            String.valueOf((int) CLOCK_SPEED));
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("localhost")
                .setDefaultPort(port)
                .setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(16));
    ChromeDriver browser = null;
    LoadSampler load = new LoadSampler();
    try {
      JarProcess.await(
          "serve to be ready",
          Duration.ofSeconds(180),
          () -> {
            try {
              return client.get("/health/ready").send().await().statusCode() == 200;
            } catch (Exception e) {
              return false;
            }
          });
      ServiceTime time = ServiceTime.of(client, control);
      Progress.say(
          "control room: serve ready, service time %s at %.0f×; %d runs, %d to move",
          time.now(), CLOCK_SPEED, plan.runs().size(), moving.size());
      load.start(vertx);

      Feed feed = new Feed(vertx, client, time, moving, operatorOfRoute, keys);
      JsonObject started = feed.startRuns();
      long pacing =
          vertx.setPeriodic(POSITION_EVERY.toMillis() / (long) CLOCK_SPEED, t -> feed.tick());

      browser = Browser.start(work.resolve("profile"), 1920, 1080);
      PageDriver page = new PageDriver(browser, "http://localhost:" + port + "/");
      page.logIn(CONTROLLER, PASSWORD, "#/map");
      new WebDriverWait(browser, Duration.ofSeconds(120))
          .until(
              d ->
                  d.findElement(By.id("map-summary"))
                      .getText()
                      .matches("(?s).*\\b" + MOVING + "\\b.*"));
      String mapSummary = browser.findElement(By.id("map-summary")).getText();
      Progress.say("control room: the map shows: %s", mapSummary);
      // The page's long tasks (main-thread work over 50 ms) from now on.
      browser.executeScript(
          "window.__twLongTasks = [];"
              + "new PerformanceObserver(l => l.getEntries().forEach("
              + "e => window.__twLongTasks.push(e.duration))).observe({type: 'longtask'});");

      JsonObject report = new JsonObject();
      {
        browser.executeCdpCommand("Performance.enable", Map.of());
        Instant pageStart = Instant.now();
        JsonObject heapStart = pageMemory(browser);
        Progress.say("control room: page at the start %s", heapStart.encode());
        JsonObject framesStart = frames(vertx, browser, window, feed);
        Progress.say("control room: frames while positions stream %s", framesStart.encode());
        JsonObject stream = streamRate(vertx, port, window);
        Progress.say("control room: the stream to a controller %s", stream.encode());

        List<JsonObject> samples = new ArrayList<>();
        samples.add(heapStart.copy().put("minutes", 0));
        Instant end = pageStart.plus(pageTime);
        Instant next = pageStart.plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(end)) {
          Instant until = next.isBefore(end) ? next : end;
          TimeUnit.MILLISECONDS.sleep(
              Math.max(0, Duration.between(Instant.now(), until).toMillis()));
          if (!Instant.now().isBefore(next) && Instant.now().isBefore(end)) {
            JsonObject sample = pageMemory(browser);
            sample.put("minutes", Duration.between(pageStart, Instant.now()).toMinutes());
            samples.add(sample);
            Progress.say(
                "control room: page after %d min %s", sample.getLong("minutes"), sample.encode());
            next = next.plus(Duration.ofMinutes(5));
          }
        }
        JsonObject heapEnd = pageMemory(browser);
        heapEnd.put("minutes", Duration.between(pageStart, Instant.now()).toMinutes());
        samples.add(heapEnd);
        Progress.say("control room: page at the end %s", heapEnd.encode());
        JsonObject framesEnd = frames(vertx, browser, window, feed);
        Progress.say("control room: frames at the end %s", framesEnd.encode());
        vertx.cancelTimer(pacing);

        report
            .put(
                "server",
                new JsonObject()
                    .put("date", today.toString())
                    .put("routes", ROUTES)
                    .put("runs", plan.runs().size())
                    .put("clockStart", clockStart.toString())
                    .put("clockSpeed", CLOCK_SPEED)
                    .put("movingRuns", moving.size())
                    .put("positionEveryServiceSeconds", POSITION_EVERY.toSeconds())
                    .put("startEvents", started)
                    .put("serviceTimeAtEnd", time.now().toString()))
            .put(
                "browser",
                "headless Chromium "
                    + browser.getCapabilities().getBrowserVersion()
                    + ", 1920×1080, #/map")
            .put("mapSummaryAtStart", mapSummary)
            .put("mapSummaryAtEnd", browser.findElement(By.id("map-summary")).getText())
            .put("windowSeconds", window.toSeconds())
            .put("pageMinutes", pageTime.toMinutes())
            .put("framesAtStart", framesStart)
            .put("framesAtEnd", framesEnd)
            .put("heapAtStart", heapStart)
            .put("heapAtEnd", heapEnd)
            .put("heapSamples", new JsonArray(samples))
            .put("stream", stream)
            .put("feed", feed.totals())
            .put(
                "alertsAtEnd",
                new JsonObject()
                    .put(
                        "open",
                        TestPostgres.count(db, "select count(*) from alert where state = 'open'"))
                    .put("all", TestPostgres.count(db, "select count(*) from alert")))
            .put("loadAverage", load.summary());
      }
      return report;
    } catch (Exception | AssertionError e) {
      if (!server.isAlive()) {
        String out = server.stdout() + server.stderr();
        throw new IllegalStateException(
            "serve ended with exit code "
                + server.exitCode()
                + "; its last output: "
                + out.substring(Math.max(0, out.length() - 2000)),
            e);
      }
      throw e;
    } finally {
      load.stop(vertx);
      if (browser != null) {
        browser.quit();
      }
      server.close();
      vertx.close().await();
    }
  }

  /**
   * The page's JS heap after a full collection, its DOM nodes and listeners, from {@code
   * Performance.getMetrics}.
   */
  @SuppressWarnings("unchecked")
  private static JsonObject pageMemory(ChromeDriver browser) {
    browser.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
    List<Map<String, Object>> metrics =
        (List<Map<String, Object>>)
            browser.executeCdpCommand("Performance.getMetrics", Map.of()).get("metrics");
    Map<String, Double> byName = new LinkedHashMap<>();
    metrics.forEach(
        m -> byName.put((String) m.get("name"), ((Number) m.get("value")).doubleValue()));
    return new JsonObject()
        .put("jsHeapUsedBytes", byName.getOrDefault("JSHeapUsedSize", -1.0).longValue())
        .put("jsHeapTotalBytes", byName.getOrDefault("JSHeapTotalSize", -1.0).longValue())
        .put("domNodes", byName.getOrDefault("Nodes", -1.0).longValue())
        .put("jsEventListeners", byName.getOrDefault("JSEventListeners", -1.0).longValue())
        .put(
            "elementsInDocument",
            ((Number) browser.executeScript("return document.getElementsByTagName('*').length"))
                .longValue());
  }

  /**
   * A performance trace of {@code window} while the positions stream: the duration of each frame
   * presented (PipelineReporter, from the frame's begin to its presentation) with its percentiles
   * and the share over one 60 Hz frame and over 50 ms; the frames by state (presented, dropped,
   * nothing to update); the time between frames drawn (DrawFrame); and the page's long tasks.
   */
  @SuppressWarnings("unchecked")
  private static JsonObject frames(Vertx vertx, ChromeDriver browser, Duration window, Feed feed)
      throws InterruptedException {
    browser.executeScript("window.__twLongTasks = [];");
    long positionsBefore = feed.positions.get();
    List<JsonObject> events;
    long positions;
    List<Number> longTasks;
    try (DevToolsSession devtools = DevToolsSession.attach(vertx, browser)) {
      devtools.startTrace(TRACE_CATEGORIES);
      TimeUnit.MILLISECONDS.sleep(window.toMillis());
      positions = feed.positions.get() - positionsBefore;
      // Read before the trace ends: handing the trace over keeps the browser busy a while.
      longTasks = (List<Number>) browser.executeScript("return window.__twLongTasks;");
      events = devtools.endTrace();
    }

    // A frame drawn is a DrawFrame mark: while the vehicles move there is something to draw in
    // every frame, so the time from one to the next is how often the controller's screen changes.
    List<Long> draws = new ArrayList<>();
    Map<String, JsonObject> begins = new HashMap<>();
    List<Double> reported = new ArrayList<>();
    List<Double> presented = new ArrayList<>();
    Map<String, Integer> states = new HashMap<>();
    JsonObject reporterArgs = null;
    for (JsonObject e : events) {
      String name = e.getString("name", "");
      if (name.equals("DrawFrame") && e.getLong("ts") != null) {
        draws.add(e.getLong("ts"));
      } else if (name.equals("PipelineReporter")) {
        String id =
            e.getString("id", "")
                + "/"
                + (e.getJsonObject("id2") == null ? "" : e.getJsonObject("id2").encode());
        if ("b".equals(e.getString("ph"))) {
          begins.put(id, e);
        } else if ("e".equals(e.getString("ph"))) {
          JsonObject b = begins.remove(id);
          if (b != null) {
            JsonObject args = b.getJsonObject("args", new JsonObject());
            reporterArgs = reporterArgs != null ? reporterArgs : args;
            JsonObject reporter = args.getJsonObject("frame_reporter");
            reporter = reporter != null ? reporter : args.getJsonObject("chrome_frame_reporter");
            String state = reporter == null ? "unknown" : reporter.getString("state", "unknown");
            states.merge(state, 1, Integer::sum);
            if (state.startsWith("STATE_PRESENTED")) {
              presented.add((e.getLong("ts") - b.getLong("ts")) / 1000.0);
            }
            reported.add((e.getLong("ts") - b.getLong("ts")) / 1000.0);
          }
        }
      }
    }
    draws.sort(Long::compare);
    List<Double> drawIntervals = new ArrayList<>();
    for (int i = 1; i < draws.size(); i++) {
      drawIntervals.add((draws.get(i) - draws.get(i - 1)) / 1000.0);
    }
    List<Double> tasks = longTasks.stream().map(Number::doubleValue).toList();
    return new JsonObject()
        .put("traceEvents", events.size())
        .put("seconds", window.toSeconds())
        .put("positionsPosted", positions)
        .put("frames", distribution(presented))
        .put("allReportedFrames", distribution(reported))
        .put("frameStates", new JsonObject(new HashMap<>(states)))
        .put("firstReporterArgs", reporterArgs)
        .put("drawFrameIntervals", distribution(drawIntervals))
        .put(
            "longTasks",
            new JsonObject()
                .put("count", tasks.size())
                .put("totalMillis", Math.round(tasks.stream().mapToDouble(d -> d).sum()))
                .put("maxMillis", Math.round(tasks.stream().mapToDouble(d -> d).max().orElse(0))));
  }

  /** Count, p50/p95/p99/max in ms and the shares over 16.7 ms and 50 ms. */
  private static JsonObject distribution(List<Double> millis) {
    List<Double> sorted = millis.stream().sorted().toList();
    int n = sorted.size();
    JsonObject d = new JsonObject().put("count", n);
    if (n == 0) {
      return d;
    }
    return d.put("p50Millis", ParentBenchmark.round1(percentile(sorted, 50)))
        .put("p95Millis", ParentBenchmark.round1(percentile(sorted, 95)))
        .put("p99Millis", ParentBenchmark.round1(percentile(sorted, 99)))
        .put("maxMillis", ParentBenchmark.round1(sorted.get(n - 1)))
        .put("over16_7Share", share(sorted, 16.7))
        .put("over50Share", share(sorted, 50));
  }

  private static double percentile(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static double share(List<Double> sorted, double over) {
    return Math.round(sorted.stream().filter(d -> d > over).count() * 10000.0 / sorted.size())
        / 10000.0;
  }

  /**
   * A second stream client signed in as a controller, as the page is: the bytes it receives and its
   * {@code position} entries over {@code window}.
   */
  private static JsonObject streamRate(Vertx vertx, int port, Duration window) throws Exception {
    WebClient web =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port));
    HttpResponse<Buffer> login =
        web.post("/api/v1/session")
            .putHeader("Content-Type", "application/json")
            .sendJsonObject(new JsonObject().put("email", CONTROLLER).put("password", PASSWORD))
            .await();
    String cookie =
        login.cookies().stream()
            .filter(c -> c.startsWith("tw_session="))
            .map(c -> c.contains(";") ? c.substring(0, c.indexOf(';')) : c)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no session: " + login.bodyAsString()));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(0));
    AtomicLong bytes = new AtomicLong();
    Map<String, AtomicLong> kinds = new java.util.concurrent.ConcurrentHashMap<>();
    RecordParser lines = RecordParser.newDelimited("\n");
    lines.handler(
        line -> {
          String s = line.toString();
          if (s.startsWith("event:")) {
            kinds.computeIfAbsent(s.substring(6).trim(), k -> new AtomicLong()).incrementAndGet();
          }
        });
    long started = System.nanoTime();
    HttpClientResponse response =
        http.request(
                new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost("localhost")
                    .setPort(port)
                    .setURI("/api/v1/stream")
                    .putHeader("Cookie", cookie)
                    .putHeader("Accept", "text/event-stream"))
            .compose(HttpClientRequest::send)
            .map(
                r -> {
                  // Counted from the first byte: the handler is set as the response arrives.
                  r.handler(
                      b -> {
                        bytes.addAndGet(b.length());
                        lines.handle(b);
                      });
                  return r;
                })
            .await();
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the stream answered " + response.statusCode());
    }
    TimeUnit.MILLISECONDS.sleep(window.toMillis());
    double seconds = (System.nanoTime() - started) / 1e9;
    long received = bytes.get();
    http.close().await();
    web.close();
    JsonObject perSecond = new JsonObject();
    kinds.forEach((k, v) -> perSecond.put(k, Math.round(v.get() / seconds * 10) / 10.0));
    return new JsonObject()
        .put("seconds", ParentBenchmark.round1(seconds))
        .put("bytes", received)
        .put("bytesPerSecond", Math.round(received / seconds))
        .put("entriesPerSecondByKind", perSecond)
        .put("positionEntriesPerSecond", perSecond.getDouble("position", 0.0));
  }

  /** The server's service time, read once from it and run on at the clock's speed from then. */
  private record ServiceTime(Instant at, long nanos) {
    static ServiceTime of(WebClient client, String anyKey) {
      long before = System.nanoTime();
      JsonObject calls =
          client
              .get("/api/v1/calls/today")
              .bearerTokenAuthentication(anyKey)
              .send()
              .await()
              .bodyAsJsonObject();
      long after = System.nanoTime();
      if (calls == null || calls.getString("at") == null) {
        throw new IllegalStateException("no service time from /api/v1/calls/today: " + calls);
      }
      return new ServiceTime(Instant.parse(calls.getString("at")), (before + after) / 2);
    }

    Instant now() {
      return at.plusNanos((long) ((System.nanoTime() - nanos) * CLOCK_SPEED))
          .truncatedTo(ChronoUnit.SECONDS);
    }
  }

  /**
   * The operators' feeds: each moving run started with its crew and its first stop's pupils on
   * board, then its vehicle's position each tick, to and fro along its route between its stops.
   */
  private static final class Feed {
    final AtomicLong positions = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong skippedTicks = new AtomicLong();
    final AtomicLong ticks = new AtomicLong();
    private final Vertx vertx;
    private final WebClient client;
    private final ServiceTime time;
    private final Map<String, List<Plan.Run>> byOperator = new LinkedHashMap<>();
    private final Map<String, List<double[]>> paths = new HashMap<>();
    private final Map<String, String> keys;
    private volatile String firstRefusal;
    private final AtomicLong inFlight = new AtomicLong();

    Feed(
        Vertx vertx,
        WebClient client,
        ServiceTime time,
        List<Plan.Run> runs,
        Map<String, String> operatorOfRoute,
        Map<String, String> keys) {
      this.vertx = vertx;
      this.client = client;
      this.time = time;
      this.keys = keys;
      for (Plan.Run run : runs) {
        byOperator
            .computeIfAbsent(operatorOfRoute.get(run.routeId()), k -> new ArrayList<>())
            .add(run);
        List<double[]> path = RunDay.pointsBetweenStops(run, 150);
        if (path.isEmpty()) {
          Plan.Stop s = run.stops().get(0);
          path =
              List.of(
                  new double[] {s.lat() + 0.003, s.lon()}, new double[] {s.lat() + 0.004, s.lon()});
        }
        paths.put(run.id(), path);
      }
    }

    /** Crew assigned, run started and the first stop's pupils boarded, for every moving run. */
    JsonObject startRuns() {
      String now = time.now().minusSeconds(30).toString();
      List<Future<?>> sent = new ArrayList<>();
      AtomicLong events = new AtomicLong();
      byOperator.forEach(
          (operator, runs) -> {
            JsonArray batch = new JsonArray();
            for (Plan.Run run : runs) {
              Plan.Stop first = run.stops().get(0);
              String vehicle = "TW " + run.routeId().substring(2);
              batch.add(
                  event(run, "crew.assigned", now, "a")
                      .put("driverId", run.plannedDriverId().orElseThrow())
                      .put("vehicleReg", vehicle));
              run.plannedGuideId()
                  .ifPresent(g -> batch.getJsonObject(batch.size() - 1).put("guideId", g));
              JsonObject started =
                  event(run, "run.started", now, "s")
                      .put("driverId", run.plannedDriverId().orElseThrow())
                      .put("vehicleReg", vehicle)
                      .put("lat", first.lat())
                      .put("lon", first.lon());
              run.plannedGuideId().ifPresent(g -> started.put("guideId", g));
              batch.add(started);
              for (String pupil : first.pickups()) {
                batch.add(
                    event(run, "pupil.boarded", now, "b-" + pupil)
                        .put("pupilId", pupil)
                        .put("stopId", first.id())
                        .put("lat", first.lat())
                        .put("lon", first.lon()));
              }
            }
            events.addAndGet(batch.size());
            sent.add(post(operator, batch));
          });
      Future.all(sent).await();
      if (refused.get() > 0) {
        throw new IllegalStateException("the start of the runs was refused: " + firstRefusal);
      }
      return new JsonObject().put("events", events.get()).put("operators", byOperator.size());
    }

    /** One tick: each moving run's position at the service time now, one request per operator. */
    void tick() {
      long tick = ticks.incrementAndGet();
      if (inFlight.get() > byOperator.size()) {
        skippedTicks.incrementAndGet(); // the last tick's requests are still out: do not pile up
        return;
      }
      String now = time.now().toString();
      byOperator.forEach(
          (operator, runs) -> {
            JsonArray batch = new JsonArray();
            for (Plan.Run run : runs) {
              List<double[]> path = paths.get(run.id());
              int span = 2 * path.size() - 2;
              int i = span <= 0 ? 0 : (int) (tick % span);
              double[] p = path.get(i < path.size() ? i : span - i);
              batch.add(
                  event(run, "vehicle.position", now, "p" + tick)
                      .put("lat", p[0])
                      .put("lon", p[1])
                      .put("speedKph", 28.0));
            }
            post(operator, batch).onSuccess(n -> positions.addAndGet(batch.size()));
          });
    }

    private static JsonObject event(Plan.Run run, String type, String at, String suffix) {
      return new JsonObject()
          .put("eventId", run.id() + "-" + suffix)
          .put("type", type)
          .put("occurredAt", at)
          .put("runId", run.id());
    }

    private Future<Void> post(String operator, JsonArray batch) {
      inFlight.incrementAndGet();
      requests.incrementAndGet();
      return client
          .post("/api/v1/events")
          .bearerTokenAuthentication(keys.get(operator))
          .putHeader("Content-Type", "application/json")
          .sendBuffer(batch.toBuffer())
          .<Void>map(
              r -> {
                if (r.statusCode() != 202) {
                  refused.incrementAndGet();
                  firstRefusal =
                      firstRefusal != null ? firstRefusal : r.statusCode() + " " + r.bodyAsString();
                }
                return null;
              })
          .onFailure(
              e -> {
                refused.incrementAndGet();
                firstRefusal = firstRefusal != null ? firstRefusal : e.toString();
              })
          .eventually(() -> Future.succeededFuture(inFlight.decrementAndGet()).mapEmpty());
    }

    JsonObject totals() {
      return new JsonObject()
          .put("ticks", ticks.get())
          .put("skippedTicks", skippedTicks.get())
          .put("requests", requests.get())
          .put("positions", positions.get())
          .put("refused", refused.get())
          .put("firstRefusal", firstRefusal);
    }
  }

  /** The machine's load averages ({@code /proc/loadavg}) each 30 s while the benchmark runs. */
  private static final class LoadSampler {
    private final List<double[]> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long timer = -1;

    void start(Vertx vertx) {
      sample();
      timer = vertx.setPeriodic(30_000, t -> sample());
    }

    void stop(Vertx vertx) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }

    private void sample() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        samples.add(
            new double[] {
              Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
            });
      } catch (java.io.IOException | RuntimeException e) {
        // no /proc here: no samples
      }
    }

    JsonObject summary() {
      JsonArray all = new JsonArray();
      samples.forEach(s -> all.add(new JsonArray().add(s[0]).add(s[1]).add(s[2])));
      return new JsonObject()
          .put("everySeconds", 30)
          .put("samples1m5m15m", all)
          .put("min1m", samples.stream().mapToDouble(s -> s[0]).min().orElse(-1))
          .put(
              "mean1m",
              ParentBenchmark.round1(samples.stream().mapToDouble(s -> s[0]).average().orElse(-1)))
          .put("max1m", samples.stream().mapToDouble(s -> s[0]).max().orElse(-1));
    }
  }
}
