package travelwatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import travelwatch.access.AccessStore;
import travelwatch.access.Scope;
import travelwatch.plan.Plan;
import travelwatch.plan.PlanGenerator;
import travelwatch.plan.PlanImport;
import travelwatch.plan.PlanJson;
import travelwatch.plan.PlanStore;
import travelwatch.platform.db.Database;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.ClusterNodes;
import travelwatch.support.ClusterNodes.Node;
import travelwatch.support.JarProcess;
import travelwatch.support.SseClient;
import travelwatch.support.TestPostgres;

/**
 * What clustering costs on this machine: one plain {@code serve} against two {@code serve
 * --cluster} nodes (separate processes, one PostgreSQL, everything on the same cores). Ingest
 * throughput: wrk against every node at once, durable events counted in the table. Event-to-alert:
 * a run's cancellation posted to one node (round-robin) under a steady background of positions,
 * timed until its alert arrives on the live stream of the last node (so, with two nodes, mostly
 * across the cluster). Run alone with {@code -Dbench.only=cluster}.
 */
final class ClusterBenchmark {
  private static final int SHARDS = 16;
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final String OPERATOR = "OP001";
  private static final int CONNECTIONS = 64;
  private static final int BATCH = 100;
  private static final int BACKGROUND_PER_TICK = 10;
  private static final long BACKGROUND_TICK_MILLIS = 10;
  private static final long SAMPLE_EVERY_MILLIS = 100;
  private static final int WARM_UP_SAMPLES = 20;
  private static final Duration MIN_WARM_UP = Duration.ofSeconds(50);
  private static final Duration MAX_WARM_UP = Duration.ofSeconds(300);
  private static final int RUNS = 3;

  private ClusterBenchmark() {}

  static JsonObject run(Path dir, Duration each) throws Exception {
    if (!Wrk.installed()) {
      throw new IllegalStateException("wrk is not installed (apt-get install wrk)");
    }
    JsonObject one = measure(dir.resolve("one"), 1, false, each);
    // Two plain processes on one database: what splitting the work between two JVMs on these
    // cores costs before any clustering (only one of them monitors, so no latency here).
    JsonObject apart = measure(dir.resolve("apart"), 2, false, each);
    JsonObject two = measure(dir.resolve("two"), 2, true, each);
    double throughputRatio =
        two.getDouble("durableEventsPerSecond") / one.getDouble("durableEventsPerSecond");
    double p99Ratio =
        two.getJsonObject("eventToAlert").getDouble("p99Millis")
            / one.getJsonObject("eventToAlert").getDouble("p99Millis");
    Progress.say(
        "cluster: 2 nodes reach %.2f of 1 node's throughput; event-to-alert p99 x%.2f",
        throughputRatio, p99Ratio);
    return new JsonObject()
        .put("oneNode", one)
        .put("twoProcessesUnclustered", apart)
        .put("twoNodes", two)
        .put(
            "twoProcessesRatio",
            round2(
                apart.getDouble("durableEventsPerSecond")
                    / one.getDouble("durableEventsPerSecond")))
        .put("throughputRatio", round2(throughputRatio))
        .put("eventToAlertP99Ratio", round2(p99Ratio));
  }

  private static JsonObject measure(Path dir, int count, boolean clustered, Duration each)
      throws Exception {
    String label =
        count + (clustered ? " clustered nodes" : count == 1 ? " node" : " unclustered processes");
    PgEndpoint db = TestPostgres.freshDatabase();
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.pool(vertx, db, 4);
    LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
    Plan plan = new PlanGenerator(1, 1050, List.of(today)).generate();
    new PlanImport(new PlanStore(pool)).upsert(PlanJson.write(plan)).await();
    AccessStore access = new AccessStore(pool);
    String key = access.createOperatorKey(OPERATOR).await();
    String control = access.createScopeKey(Scope.CONTROL).await();
    Set<String> routes = new java.util.HashSet<>();
    plan.routes().stream()
        .filter(r -> r.operatorId().equals(OPERATOR))
        .forEach(r -> routes.add(r.id()));
    List<String> runs =
        plan.runs().stream().filter(r -> routes.contains(r.routeId())).map(Plan.Run::id).toList();
    Wrk wrk = new Wrk(dir);
    JsonObject result = new JsonObject().put("nodes", count).put("clustered", clustered);
    try (ClusterNodes cluster =
        new ClusterNodes(
            db,
            dir,
            count,
            SHARDS,
            Map.of(
                "TW_INGEST_RATE_PER_KEY",
                "0",
                "TW_PG_POOL_SIZE",
                String.valueOf(16 / count),
                // The nodes share this machine's cores: each gets its share of event loops.
                "TW_HTTP_INSTANCES",
                String.valueOf(Math.max(1, CORES / count))),
            clustered)) {
      Progress.say("cluster: starting %s", label);
      if (clustered || count == 1) {
        cluster.startAll(Duration.ofSeconds(120));
      } else {
        cluster.nodes.forEach(Node::start);
        cluster.nodes.forEach(n -> n.awaitReady(Duration.ofSeconds(120)));
      }
      // Until every JIT has settled: each JVM compiles the same code, and on 2 cores two JVMs
      // doing so during the measured run would count a one-off start-up cost as the cost of
      // clustering.
      Duration warm =
          WarmUp.untilCompiled(
              "cluster: " + label,
              cluster.nodes.stream().map(n -> n.httpPort).toList(),
              MIN_WARM_UP,
              MAX_WARM_UP,
              chunk ->
                  everyNode(
                      cluster.nodes,
                      wrk,
                      chunk,
                      key,
                      "warm" + System.nanoTime(),
                      String.join(",", runs)));
      result.put("warmUpSeconds", warm.toSeconds());

      // Three measured runs, the median reported: one run on shared cores varies by a fifth.
      List<Double> rates = new ArrayList<>();
      double ackP99 = 0;
      long non2xx = 0;
      long started = System.nanoTime();
      for (int run = 0; run < RUNS; run++) {
        long before = TestPostgres.count(db, "select count(*) from event");
        List<Wrk.Result> results =
            everyNode(
                cluster.nodes, wrk, each, key, "b" + System.nanoTime(), String.join(",", runs));
        double seconds = results.stream().mapToDouble(Wrk.Result::seconds).max().orElseThrow();
        rates.add((settle(db) - before) / seconds);
        ackP99 =
            Math.max(ackP99, results.stream().mapToDouble(Wrk.Result::p99Millis).max().orElse(0));
        non2xx += results.stream().mapToLong(Wrk.Result::non2xx).sum();
      }
      List<Double> sorted = rates.stream().sorted().toList();
      double rate = sorted.get(sorted.size() / 2);
      result
          .put("durableEventsPerSecond", Math.round(rate))
          .put("runs", new JsonArray(rates.stream().map(Math::round).toList()))
          .put("ackP99Millis", ackP99)
          .put("non2xx", non2xx)
          .put("wallSeconds", (System.nanoTime() - started) / 1e9);
      Progress.say(
          "cluster: %s: %.0f durable events/s, median of %s (%d events/request, %d connections in all)",
          label, rate, result.getJsonArray("runs").encode(), BATCH, CONNECTIONS);

      if (count > 1 && !clustered) {
        return result;
      }
      result.put("eventToAlert", latency(vertx, cluster.nodes, key, control, runs, each));
      JsonObject l = result.getJsonObject("eventToAlert");
      Progress.say(
          "cluster: %s: event-to-alert p50 %.1f ms, p99 %.1f ms (%d samples, %d lost)",
          label,
          l.getDouble("p50Millis"),
          l.getDouble("p99Millis"),
          l.getInteger("samples"),
          l.getInteger("lost"));
    } finally {
      pool.close().await();
      vertx.close().await();
    }
    return result;
  }

  /** wrk against every node at once, the connections split between them. */
  private static List<Wrk.Result> everyNode(
      List<Node> nodes, Wrk wrk, Duration duration, String key, String prefix, String runs)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
    try {
      List<Future<Wrk.Result>> running = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        String p = prefix + "n" + i;
        running.add(
            pool.submit(
                () ->
                    wrk.run(
                        "http://localhost:" + n.httpPort,
                        CONNECTIONS / nodes.size(),
                        duration,
                        key,
                        p,
                        BATCH,
                        runs)));
      }
      List<Wrk.Result> results = new ArrayList<>();
      for (Future<Wrk.Result> f : running) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Cancellations timed from POST to the alert on the last node's stream, under background load.
   */
  private static JsonObject latency(
      Vertx vertx, List<Node> nodes, String key, String control, List<String> runs, Duration each) {
    List<WebClient> clients = new ArrayList<>();
    for (Node n : nodes) {
      clients.add(
          WebClient.create(
              vertx,
              new WebClientOptions().setDefaultHost("localhost").setDefaultPort(n.httpPort)));
    }
    Map<String, Long> postedAt = new ConcurrentHashMap<>();
    List<Long> samples = new CopyOnWriteArrayList<>();
    SseClient stream = new SseClient(vertx, nodes.get(nodes.size() - 1).httpPort, control, null);
    stream.onEvent(
        e -> {
          if (e.kind().equals("alert") && "run.cancelled".equals(e.data().getString("type"))) {
            Long at = postedAt.remove(e.data().getString("runId"));
            if (at != null) {
              samples.add(System.nanoTime() - at);
            }
          }
        });
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong background = new AtomicLong();
    long backgroundTimer =
        vertx.setPeriodic(
            BACKGROUND_TICK_MILLIS,
            t -> {
              JsonArray batch = new JsonArray();
              for (int i = 0; i < BACKGROUND_PER_TICK; i++) {
                batch.add(
                    new JsonObject()
                        .put("eventId", UUID.randomUUID().toString())
                        .put("type", "vehicle.position")
                        .put("occurredAt", Instant.now().toString())
                        .put("runId", runs.get((int) (background.get() % runs.size())))
                        .put("lat", 52.48)
                        .put("lon", -1.89));
              }
              WebClient c = clients.get((int) (background.getAndIncrement() % clients.size()));
              post(c, key, batch);
            });
    List<String> toCancel = new ArrayList<>(runs);
    Collections.shuffle(toCancel, new java.util.Random(1));
    int[] next = {0};
    long sampler =
        vertx.setPeriodic(
            SAMPLE_EVERY_MILLIS,
            t -> {
              if (!running.get() || next[0] >= toCancel.size()) {
                return;
              }
              String run = toCancel.get(next[0]);
              WebClient c = clients.get(next[0] % clients.size());
              next[0]++;
              postedAt.put(run, System.nanoTime());
              post(
                  c,
                  key,
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("eventId", "cancel-" + run)
                              .put("type", "run.cancelled")
                              .put("occurredAt", Instant.now().toString())
                              .put("runId", run)
                              .put("reason", "benchmark")));
            });
    long end = System.nanoTime() + each.toNanos() + Duration.ofSeconds(2).toNanos();
    JarProcess.await("the sampling period", each.plusSeconds(5), () -> System.nanoTime() > end);
    running.set(false);
    vertx.cancelTimer(sampler);
    vertx.cancelTimer(backgroundTimer);
    JarProcess.await("the last alerts", Duration.ofSeconds(15), postedAt::isEmpty);
    stream.close();
    clients.forEach(WebClient::close);
    List<Long> measured = new ArrayList<>(samples);
    List<Long> kept =
        measured.size() > WARM_UP_SAMPLES
            ? new ArrayList<>(measured.subList(WARM_UP_SAMPLES, measured.size()))
            : measured;
    return new JsonObject()
        .put("p50Millis", millis(EventToAlertLatency.percentile(kept, 0.50)))
        .put("p99Millis", millis(EventToAlertLatency.percentile(kept, 0.99)))
        .put("maxMillis", millis(kept.stream().mapToLong(Long::longValue).max().orElse(0)))
        .put("samples", kept.size())
        .put("lost", postedAt.size())
        .put("backgroundPerSecond", BACKGROUND_PER_TICK * 1000 / BACKGROUND_TICK_MILLIS);
  }

  private static void post(WebClient client, String key, JsonArray events) {
    client
        .post("/api/v1/events")
        .putHeader("Authorization", "Bearer " + key)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(events.toBuffer());
  }

  /** The count once requests still in flight when wrk stopped have landed. */
  private static long settle(PgEndpoint db) {
    long[] last = {-1};
    JarProcess.await(
        "the event count to settle",
        Duration.ofSeconds(20),
        () -> {
          long now = TestPostgres.count(db, "select count(*) from event");
          boolean same = now == last[0];
          last[0] = now;
          return same;
        });
    return last[0];
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
