package travelwatch.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import travelwatch.access.AccessStore;
import travelwatch.access.Scope;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.server.TravelWatchServer;
import travelwatch.support.SseClient;
import travelwatch.support.TestServer;

/**
 * Event-to-alert latency end to end, measured by the client: from sending a {@code run.started}
 * that names an operator's uncleared positive-DBS driver to its {@code crew.dbs_not_cleared} alert
 * arriving on the live stream, while other runs' vehicles send ~1,000 positions a second. A real
 * server on today's Birmingham-scale plan, with the real clock.
 */
final class EventToAlertLatency {
  private static final String ALERT = "crew.dbs_not_cleared";
  private static final int BACKGROUND_PER_SECOND = 1000;
  private static final long BACKGROUND_TICK_MILLIS = 10;
  private static final int BACKGROUND_MAX_IN_FLIGHT = 500;
  private static final long SAMPLE_EVERY_MILLIS = 100;
  private static final int MIN_SAMPLES = 200;
  private static final int WARM_UP_SAMPLES = 20;
  private static final Duration WARM_UP = Duration.ofSeconds(15);

  /** A run the background load reports positions for, on the road between its stops. */
  private record BackgroundRun(String runId, String key, List<double[]> points) {}

  /** A run that a sample starts with its operator's uncleared driver. */
  private record SampleRun(String runId, String key, JsonObject start) {}

  private EventToAlertLatency() {}

  static JsonObject run(Path dir, Duration each) throws Exception {
    int port = TestServer.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("TW_HTTP_PORT", String.valueOf(port));
    env.put("TW_INGEST_RATE_PER_KEY", "0");
    TravelWatchConfig config = TravelWatchConfig.from(new Settings(null, env), dir.resolve("data"));
    LocalDate today = LocalDate.now(config.zone());
    Vertx client = Vertx.vertx();
    try (TravelWatchServer server = TravelWatchServer.start(config, Clock.systemUTC())) {
      Plan plan = new PlanGenerator(1, 1050, List.of(today)).generate();
      new PlanImport(new PlanStore(server.pool())).upsert(PlanJson.write(plan)).await();
      long runs = plan.runs().size();
      awaitCondition(
          client,
          "the monitor to rebuild with today's " + runs + " runs",
          Duration.ofSeconds(120),
          () ->
              server
                  .pool()
                  .query("select count(*) from run_state")
                  .execute()
                  .map(rows -> rows.iterator().next().getLong(0) == runs));
      Progress.say("event-to-alert: monitor watching %d runs for %s", runs, today);

      AccessStore access = new AccessStore(server.pool());
      String control = access.createScopeKey(Scope.CONTROL).await();
      Map<String, String> keys = new HashMap<>();
      for (Plan.Operator o : plan.operators()) {
        keys.put(o.id(), access.createOperatorKey(o.id()).await());
      }
      List<SampleRun> samples = new ArrayList<>();
      List<BackgroundRun> background = new ArrayList<>();
      split(plan, keys, samples, background);
      int measured =
          Math.min(
              samples.size() - WARM_UP_SAMPLES,
              Math.max(MIN_SAMPLES, (int) (2 * each.toMillis() / SAMPLE_EVERY_MILLIS)));

      WebClient web =
          WebClient.create(
              client,
              new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port),
              new PoolOptions().setHttp1MaxSize(64));
      SseClient stream = new SseClient(client, port, control, null);
      try {
        if (stream.status != 200) {
          throw new IllegalStateException("the stream answered " + stream.status);
        }
        Samples sampler = new Samples(client, web);
        stream.onEvent(sampler::received);
        Background load = new Background(web, background);
        load.start(client);
        Progress.say(
            "event-to-alert: %d positions/s over %d runs; warming up",
            BACKGROUND_PER_SECOND, background.size());
        client.timer(WARM_UP.toMillis()).await();
        sampler.send(samples.subList(0, WARM_UP_SAMPLES));

        Map<Double, Long> bucketsBefore = eventToAlertBuckets(web);
        long acceptedBefore = load.accepted.get();
        long windowStarted = System.nanoTime();
        Progress.say("event-to-alert: %d samples, one every %d ms", measured, SAMPLE_EVERY_MILLIS);
        Samples.Result result =
            sampler.send(samples.subList(WARM_UP_SAMPLES, WARM_UP_SAMPLES + measured));
        double window = (System.nanoTime() - windowStarted) / 1e9;
        double backgroundRate = (load.accepted.get() - acceptedBefore) / window;
        Map<Double, Long> bucketsAfter = eventToAlertBuckets(web);
        load.stop(client);
        awaitCondition(
            client,
            "the background requests in flight to finish",
            Duration.ofSeconds(30),
            () -> Future.succeededFuture(load.inFlight.get() == 0));

        JsonObject report =
            new JsonObject()
                .put("date", today.toString())
                .put("runs", runs)
                .put("samples", result.latencies().size())
                .put("lost", measured - result.latencies().size())
                .put("p50Millis", millis(percentile(result.latencies(), 0.50)))
                .put("p99Millis", millis(percentile(result.latencies(), 0.99)))
                .put("maxMillis", millis(percentile(result.latencies(), 1.0)))
                .put("ackP50Millis", millis(percentile(result.acks(), 0.50)))
                .put("ackP99Millis", millis(percentile(result.acks(), 0.99)))
                .put("sampleErrors", result.errors())
                .put("backgroundTargetPerSecond", BACKGROUND_PER_SECOND)
                .put("backgroundPerSecond", Math.round(backgroundRate))
                .put("backgroundRuns", background.size())
                .put("backgroundSkipped", load.skipped.get())
                .put("backgroundFailed", load.failed.get())
                .put("windowSeconds", Math.round(window * 10) / 10.0)
                .put("server", serverSide(bucketsBefore, bucketsAfter))
                .put("alertsByType", alertsByType(server));
        Progress.say(
            "event-to-alert: %d samples, p50 %.1f ms, p99 %.1f ms, max %.1f ms (lost %d); background %.0f events/s",
            result.latencies().size(),
            report.getDouble("p50Millis"),
            report.getDouble("p99Millis"),
            report.getDouble("maxMillis"),
            report.getInteger("lost"),
            backgroundRate);
        return report;
      } finally {
        stream.close();
        web.close();
      }
    } finally {
      client.close().await();
    }
  }

  /**
   * Runs of operators with an uncleared positive-DBS driver are started by the samples (each once,
   * so each raises a new alert); every other run gets background positions.
   */
  private static void split(
      Plan plan,
      Map<String, String> keys,
      List<SampleRun> samples,
      List<BackgroundRun> background) {
    Map<String, String> uncleared = new TreeMap<>();
    for (Plan.Crew c : plan.crew()) {
      boolean positive =
          c.dbs().map(d -> d.outcome() == Plan.DbsOutcome.POSITIVE).orElse(false)
              && c.hrClearance().orElse(null) != Plan.HrClearance.CLEARED;
      if (positive && c.role() == Plan.CrewRole.DRIVER) {
        uncleared.putIfAbsent(c.operatorId(), c.id());
      }
    }
    Map<String, String> operatorOfRoute =
        plan.routes().stream().collect(Collectors.toMap(Plan.Route::id, Plan.Route::operatorId));
    for (Plan.Run run : plan.runs()) {
      String operator = operatorOfRoute.get(run.routeId());
      String driver = uncleared.get(operator);
      if (driver != null) {
        Plan.Stop first = run.stops().get(0);
        JsonObject start =
            new JsonObject()
                .put("type", "run.started")
                .put("runId", run.id())
                .put("driverId", driver)
                .put("vehicleReg", "TW 9" + run.routeId().substring(2))
                .put("lat", first.lat())
                .put("lon", first.lon());
        run.plannedGuideId().ifPresent(g -> start.put("guideId", g));
        samples.add(new SampleRun(run.id(), keys.get(operator), start));
      } else {
        List<double[]> points = RunDay.pointsBetweenStops(run, 250);
        if (!points.isEmpty()) {
          background.add(new BackgroundRun(run.id(), keys.get(operator), points));
        }
      }
    }
    Collections.shuffle(samples, new Random(1));
    if (samples.size() < WARM_UP_SAMPLES + MIN_SAMPLES) {
      throw new IllegalStateException("only " + samples.size() + " runs to start with an alert");
    }
  }

  /**
   * Sends ~{@link #BACKGROUND_PER_SECOND} positions a second, one event per request, at a fixed
   * rate: each tick sends what is due since the start (skipping, and counting, what would exceed
   * the in-flight limit).
   */
  private static final class Background {
    private final WebClient web;
    private final List<BackgroundRun> runs;
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    private long startedAt;
    private long issued;
    private long timer = -1;

    Background(WebClient web, List<BackgroundRun> runs) {
      this.web = web;
      this.runs = runs;
    }

    void start(Vertx vertx) {
      startedAt = System.nanoTime();
      timer = vertx.setPeriodic(BACKGROUND_TICK_MILLIS, id -> tick());
    }

    void stop(Vertx vertx) {
      vertx.cancelTimer(timer);
    }

    private void tick() {
      long due = (System.nanoTime() - startedAt) * BACKGROUND_PER_SECOND / 1_000_000_000L;
      while (issued < due) {
        long n = issued++;
        if (inFlight.get() >= BACKGROUND_MAX_IN_FLIGHT) {
          skipped.incrementAndGet();
          continue;
        }
        BackgroundRun run = runs.get((int) (n % runs.size()));
        double[] point = run.points().get((int) ((n / runs.size()) % run.points().size()));
        JsonObject position =
            new JsonObject()
                .put("eventId", "bg-" + n)
                .put("type", "vehicle.position")
                .put("occurredAt", Instant.now().toString())
                .put("runId", run.runId())
                .put("lat", point[0])
                .put("lon", point[1])
                .put("speedKph", 24.5);
        inFlight.incrementAndGet();
        web.post("/api/v1/events")
            .putHeader("Authorization", "Bearer " + run.key())
            .putHeader("Content-Type", "application/json")
            .sendBuffer(position.toBuffer())
            .onSuccess(r -> (r.statusCode() == 202 ? accepted : failed).incrementAndGet())
            .onFailure(e -> failed.incrementAndGet())
            .onComplete(r -> inFlight.decrementAndGet());
      }
    }
  }

  /**
   * Starts one sample run every {@link #SAMPLE_EVERY_MILLIS} and times each from the moment its
   * request is sent to the moment its alert arrives on the stream.
   */
  private static final class Samples {
    record Result(List<Long> latencies, List<Long> acks, int errors) {}

    private final Vertx vertx;
    private final WebClient web;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Queue<Long> latencies = new ConcurrentLinkedQueue<>();
    private final Queue<Long> acks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Promise<Void> allIn;

    Samples(Vertx vertx, WebClient web) {
      this.vertx = vertx;
      this.web = web;
    }

    /** Sends the samples and waits for their alerts (or a deadline; the missing ones are lost). */
    Result send(List<SampleRun> runs) throws Exception {
      latencies.clear();
      acks.clear();
      errors.set(0);
      remaining.set(runs.size());
      allIn = Promise.promise();
      AtomicInteger next = new AtomicInteger();
      long timer =
          vertx.setPeriodic(
              SAMPLE_EVERY_MILLIS,
              id -> {
                int i = next.getAndIncrement();
                if (i >= runs.size()) {
                  vertx.cancelTimer(id);
                  return;
                }
                start(runs.get(i));
              });
      try {
        allIn.future().await(runs.size() * SAMPLE_EVERY_MILLIS + 20_000, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        Progress.say("event-to-alert: %d alerts did not arrive in time", remaining.get());
      }
      vertx.cancelTimer(timer);
      sentAt.clear();
      return new Result(new ArrayList<>(latencies), new ArrayList<>(acks), errors.get());
    }

    private void start(SampleRun run) {
      JsonObject event =
          run.start()
              .copy()
              .put("eventId", "alert-" + run.runId())
              .put("occurredAt", Instant.now().toString());
      long started = System.nanoTime();
      sentAt.put(run.runId(), started);
      web.post("/api/v1/events")
          .putHeader("Authorization", "Bearer " + run.key())
          .putHeader("Content-Type", "application/json")
          .sendBuffer(event.toBuffer())
          .onSuccess(
              r -> {
                acks.add(System.nanoTime() - started);
                if (r.statusCode() != 202) {
                  errors.incrementAndGet();
                }
              })
          .onFailure(e -> errors.incrementAndGet());
    }

    /** From the stream: the first alert for a sample's run stops its clock. */
    void received(SseClient.Event e) {
      if (!"alert".equals(e.kind()) || !ALERT.equals(e.data().getString("type"))) {
        return;
      }
      Long started = sentAt.remove(e.data().getString("runId", ""));
      if (started == null) {
        return;
      }
      latencies.add(System.nanoTime() - started);
      if (remaining.decrementAndGet() == 0) {
        allIn.tryComplete();
      }
    }
  }

  /** Cumulative counts of {@code travelwatch_event_to_alert_seconds} by upper bound, scraped. */
  private static Map<Double, Long> eventToAlertBuckets(WebClient web) {
    String text = web.get("/metrics").send().await().bodyAsString();
    Map<Double, Long> buckets = new TreeMap<>();
    String prefix = "travelwatch_event_to_alert_seconds_bucket{";
    for (String line : text.split("\n")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      int le = line.indexOf("le=\"") + 4;
      String bound = line.substring(le, line.indexOf('"', le));
      double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
      double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      buckets.put(upper, (long) count);
    }
    return buckets;
  }

  /**
   * The server's own figure for the measured window (from the event's arrival to its alert being
   * stored): the bucket bounds that hold the median and the 99th percentile.
   */
  private static JsonObject serverSide(Map<Double, Long> before, Map<Double, Long> after) {
    JsonObject json = new JsonObject();
    long total = after.getOrDefault(Double.POSITIVE_INFINITY, 0L);
    total -= before.getOrDefault(Double.POSITIVE_INFINITY, 0L);
    json.put("count", total);
    if (total == 0) {
      return json;
    }
    for (double q : new double[] {0.50, 0.99}) {
      for (Map.Entry<Double, Long> b : after.entrySet()) {
        long n = b.getValue() - before.getOrDefault(b.getKey(), 0L);
        if (n >= Math.ceil(q * total)) {
          json.put(
              q == 0.50 ? "p50AtMostMillis" : "p99AtMostMillis",
              b.getKey().isInfinite() ? null : Math.round(b.getKey() * 1e4) / 10.0);
          break;
        }
      }
    }
    return json;
  }

  private static JsonObject alertsByType(TravelWatchServer server) {
    JsonObject json = new JsonObject();
    for (Row r :
        server
            .pool()
            .query("select type, count(*) from alert group by type order by type")
            .execute()
            .await()) {
      json.put(r.getString(0), r.getLong(1));
    }
    return json;
  }

  /** Polls {@code check} every 100 ms until it answers true; fails after {@code deadline}. */
  private static void awaitCondition(
      Vertx vertx, String what, Duration deadline, Supplier<Future<Boolean>> check)
      throws Exception {
    Promise<Void> done = Promise.promise();
    boolean[] checking = {false};
    long timer =
        vertx.setPeriodic(
            100,
            id -> {
              if (checking[0]) {
                return;
              }
              checking[0] = true;
              check
                  .get()
                  .onComplete(
                      r -> {
                        checking[0] = false;
                        if (r.succeeded() && r.result()) {
                          done.tryComplete();
                        }
                      });
            });
    try {
      done.future().await(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out waiting for " + what, e);
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  static long percentile(List<Long> values, double q) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1e5) / 10.0;
  }
}
