package travelwatch.platform.cluster;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.support.JarProcess.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.access.AccessStore;
import travelwatch.access.Role;
import travelwatch.access.Scope;
import travelwatch.ingest.EventHandOff;
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
import travelwatch.support.Mailbox;
import travelwatch.support.SseClient;
import travelwatch.support.TestPostgres;

@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName(
    "Three serve --cluster processes sharing one PostgreSQL: shards, takeover, alerts once")
class ClusterIT {
  private static final int SHARDS = 16;
  private static final String MANAGER = "duty@council.test";
  private static final ZoneId LONDON = ZoneId.of("Europe/London");

  /** The shard locks granted in the test's database. */
  private static final String SHARD_LOCKS =
      " from pg_locks where locktype = 'advisory' and granted and classid = "
          + ShardOwnership.LOCK_CLASS
          + " and database = (select oid from pg_database where datname = current_database())";

  @TempDir static Path dir;
  private static PgEndpoint db;
  private static ClusterNodes cluster;
  private static Mailbox mailbox;
  private static long duplicatesBefore;
  private static Vertx vertx;
  private static Pool pool;
  private static String controlKey;
  private static final Map<String, String> operatorOfRun = new TreeMap<>();
  private static final Map<String, String> keyOfOperator = new HashMap<>();
  private static final ConcurrentLinkedQueue<String> toCancel = new ConcurrentLinkedQueue<>();
  private static final List<String> reserved = new ArrayList<>();
  private static final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private static final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void startCluster() {
    // The nodes run on the real clock with a plan for today only; across London midnight they
    // would rebuild for a day with no runs. So close to midnight, the class starts just after.
    JarProcess.awaitClearOfLondonMidnight(Duration.ofMinutes(5));
    db = TestPostgres.freshDatabase();
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, db, 2);
    LocalDate today = LocalDate.now(LONDON);
    Plan plan = new PlanGenerator(7, 30, List.of(today)).generate();
    new PlanImport(new PlanStore(pool)).upsert(PlanJson.write(plan)).await();
    Map<String, String> operatorOfRoute = new HashMap<>();
    plan.routes().forEach(r -> operatorOfRoute.put(r.id(), r.operatorId()));
    plan.runs().forEach(r -> operatorOfRun.put(r.id(), operatorOfRoute.get(r.routeId())));
    AccessStore access = new AccessStore(pool);
    for (String operator : new TreeSet<>(operatorOfRun.values())) {
      keyOfOperator.put(operator, access.createOperatorKey(operator).await());
    }
    controlKey = access.createScopeKey(Scope.CONTROL).await();
    access.putUser(MANAGER, Role.MANAGER, "not-used").await();
    toCancel.addAll(operatorOfRun.keySet());
    // Kept for the flap test, so that the load cannot use them all up.
    for (int i = 0; i < 2; i++) {
      reserved.add(toCancel.poll());
    }

    // Every node's relay may send (one at a time): alert emails go to a real SMTP server here.
    mailbox = new Mailbox();
    Map<String, String> env = new HashMap<>(mailbox.env());
    env.put("TW_INGEST_RATE_PER_KEY", "0");
    env.put("TW_MAIL_RELAY_MS", "100");
    env.put("TW_STREAM_HEARTBEAT_SECONDS", "1");
    env.put("TW_MAIL_PER_MINUTE", "100000");
    env.put("TW_MAIL_RETRY_FIRST_MS", "200");
    env.put("TW_MAIL_RETRY_MAX_MS", "1000");
    cluster = new ClusterNodes(db, dir, 3, SHARDS, env);
    cluster.startAll(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (mailbox != null) {
      mailbox.close();
    }
    if (pool != null) {
      pool.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  @Order(1)
  @DisplayName("A bad member list stops serve --cluster with one line naming TW_CLUSTER_MEMBERS")
  void badMemberList() {
    JarProcess bad =
        JarProcess.run(
            Map.of("TW_CLUSTER_MEMBERS", "127.0.0.1:5701,127.0.0.1"),
            dir.resolve("bad"),
            null,
            "serve",
            "--cluster");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr().strip())
        .isEqualTo(
            "travelwatch: invalid configuration: TW_CLUSTER_MEMBERS: must be host:port,host:port,…"
                + " (e.g. 10.0.0.1:5701,10.0.0.2:5701), got '127.0.0.1'");
  }

  @Test
  @Order(2)
  @DisplayName(
      "An event posted to node A about a run node B monitors raises an alert seen on node C's"
          + " stream")
  void alertSeenOnEveryNode() {
    // The run comes first and its owner is B: a node may own few shards, none with a run here.
    String run = toCancel.poll();
    int shard = EventHandOff.shardOf(run, SHARDS);
    Node b = cluster.ownerOf(shard, Duration.ofSeconds(30));
    List<Node> others = cluster.nodes.stream().filter(n -> n != b).toList();
    Node a = others.get(0);
    Node c = others.get(1);
    SseClient stream = new SseClient(vertx, c.httpPort, controlKey, null);
    try {
      assertThat(stream.status).isEqualTo(200);
      // A new subscription takes a moment to reach the other nodes; a heartbeat is a second.
      JarProcess.await(
          "a heartbeat on node C's stream",
          Duration.ofSeconds(10),
          () -> stream.heartbeats.get() > 0);
      int status = post(a, List.of(cancellation(run))).await();
      assertThat(status).isEqualTo(202);
      cancelled.add(run);
      stream.await(
          "run " + run + "'s cancellation alert on node C's stream",
          Duration.ofSeconds(20),
          e ->
              e.kind().equals("alert")
                  && run.equals(e.data().getString("runId"))
                  && "run.cancelled".equals(e.data().getString("type")));
    } finally {
      stream.close();
    }
  }

  @Test
  @Order(3)
  @DisplayName(
      "Kill -9 of a node under load: every acknowledged event is stored, its shards are taken over"
          + " within 15 s, every cancellation raises its alert exactly once, and every alert email"
          + " arrives, at most one twice")
  void killUnderLoad() throws Exception {
    Node a = cluster.get(0);
    Node b = cluster.get(1);
    Node c = cluster.get(2);
    try (Load load = new Load(List.of(a, b, c))) {
      await("load to be acknowledged", Duration.ofSeconds(60), () -> acknowledged.size() >= 300);
      c.kill();
      long killed = System.nanoTime();
      await(
          "nodes A and B to own every shard",
          Duration.ofSeconds(15),
          () -> cluster.ownedBy(List.of(a, b)).size() == cluster.units);
      System.out.printf(
          "cluster: shards of the killed node taken over in %d ms%n",
          (System.nanoTime() - killed) / 1_000_000);
      int before = acknowledged.size();
      await(
          "more load after the kill",
          Duration.ofSeconds(30),
          () -> acknowledged.size() >= before + 200);
    }
    assertEverythingStoredAndAlertedOnce();
    assertEveryEmailDelivered(1);
    c.start();
    cluster.awaitBalanced(cluster.nodes, Duration.ofSeconds(60));
  }

  @Test
  @Order(4)
  @DisplayName("Rolling restart, one node at a time, under load: nothing lost, no alert twice")
  void rollingRestart() throws Exception {
    try (Load load = new Load(cluster.nodes)) {
      for (Node n : cluster.nodes) {
        int before = acknowledged.size();
        await(
            "load before restarting " + n.name,
            Duration.ofSeconds(30),
            () -> acknowledged.size() >= before + 100);
        long stopping = System.nanoTime();
        n.stop();
        long stopped = System.nanoTime();
        n.start();
        cluster.awaitBalanced(cluster.nodes, Duration.ofSeconds(60));
        System.out.printf(
            "cluster: %s stopped in %d ms, restarted and sharing again %d ms later%n",
            n.name, (stopped - stopping) / 1_000_000, (System.nanoTime() - stopped) / 1_000_000);
      }
      int before = acknowledged.size();
      await(
          "load after the restarts",
          Duration.ofSeconds(30),
          () -> acknowledged.size() >= before + 100);
    }
    assertEverythingStoredAndAlertedOnce();
    assertEveryEmailDelivered(0); // stopping a node gracefully sends no email twice
  }

  @Test
  @Order(5)
  @DisplayName(
      "A node paused past the heartbeat timeout loses its shards to the others and, resumed, rejoins;"
          + " no shard is ever locked twice and every shard is owned at the end")
  void networkFlap() throws Exception {
    Node a = cluster.get(0);
    Node b = cluster.get(1);
    Node c = cluster.get(2);
    AtomicInteger samples = new AtomicInteger();
    List<String> doubles = new CopyOnWriteArrayList<>();
    // The shard locks are sampled every 50 ms throughout, on one connection.
    Connection conn = TestPostgres.connect(db);
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleWithFixedDelay(
        () -> {
          try (ResultSet rs =
              conn.createStatement()
                  .executeQuery(
                      "select objid, count(*)"
                          + SHARD_LOCKS
                          + " group by objid having count(*) > 1")) {
            while (rs.next()) {
              doubles.add("shard " + rs.getLong(1) + " held by " + rs.getLong(2));
            }
            samples.incrementAndGet();
          } catch (Exception e) {
            doubles.add("sampling failed: " + e);
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
    try {
      b.pause();
      await(
          "A and C to declare B gone and own every shard",
          Duration.ofSeconds(40),
          () -> cluster.balanced(List.of(a, c)));
      String whilePaused = reserved.get(0);
      assertThat(post(a, List.of(cancellation(whilePaused))).await()).isEqualTo(202);
      cancelled.add(whilePaused);
      b.resume();
      cluster.awaitBalanced(cluster.nodes, Duration.ofSeconds(60));
      String afterwards = reserved.get(1);
      assertThat(post(b, List.of(cancellation(afterwards))).await()).isEqualTo(202);
      cancelled.add(afterwards);
    } finally {
      sampler.shutdown();
      assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      conn.close();
    }
    assertThat(samples.get()).isGreaterThan(10);
    assertThat(doubles).isEmpty();
    assertClaimsMatchLocks();
    assertEverythingStoredAndAlertedOnce();
    assertEveryEmailDelivered(1);
  }

  /** Each node claims exactly the shards its lock session holds. */
  private static void assertClaimsMatchLocks() throws Exception {
    Map<Integer, Set<Integer>> held = new HashMap<>();
    try (Connection conn = TestPostgres.connect(db)) {
      ResultSet rs = conn.createStatement().executeQuery("select pid, objid" + SHARD_LOCKS);
      while (rs.next()) {
        held.computeIfAbsent(rs.getInt(1), p -> new TreeSet<>()).add(rs.getInt(2));
      }
    }
    for (Node n : cluster.nodes) {
      JsonObject status = n.cluster();
      assertThat(held.get(status.getInteger("lockSession")))
          .as(n.name + "'s claims and its lock session's locks")
          .containsExactlyInAnyOrderElementsOf(n.owned(status));
    }
  }

  /**
   * Every alert email in the outbox is sent and reached the mail server, and since the last check
   * no more emails than one per crash (or pause) arrived twice: a relay can die after the server
   * took an email and before marking it sent.
   */
  private static void assertEveryEmailDelivered(int crashes) {
    await(
        "every alert email sent",
        Duration.ofSeconds(60),
        () ->
            pool.query("select count(*) from outbox where state <> 'sent'")
                    .execute()
                    .await()
                    .iterator()
                    .next()
                    .getLong(0)
                == 0);
    List<String> ids = new ArrayList<>();
    pool.query("select message_id from outbox where kind = 'alert'")
        .execute()
        .await()
        .forEach(r -> ids.add(r.getString(0)));
    await(
        "every alert email at the mail server",
        Duration.ofSeconds(30),
        () -> mailbox.copies().stream().map(m -> m.messageId()).collect(toSet()).containsAll(ids));
    Map<String, Long> copies =
        mailbox.copies().stream().collect(groupingBy(m -> m.messageId(), counting()));
    long duplicates = copies.values().stream().mapToLong(n -> n - 1).sum();
    assertThat(ids).as("alert emails").isNotEmpty();
    assertThat(duplicates - duplicatesBefore)
        .as("emails delivered twice since the last check, after " + crashes + " crashes")
        .isLessThanOrEqualTo(crashes);
    System.out.printf(
        "cluster: %d alert emails delivered, %d new duplicates after %d crashes%n",
        ids.size(), duplicates - duplicatesBefore, crashes);
    duplicatesBefore = duplicates;
  }

  private static void assertEverythingStoredAndAlertedOnce() {
    String[] ids = acknowledged.toArray(new String[0]);
    long stored =
        pool.preparedQuery("select count(*) from event where event_id = any($1)")
            .execute(io.vertx.sqlclient.Tuple.of(ids))
            .await()
            .iterator()
            .next()
            .getLong(0);
    assertThat(stored).as("acknowledged events stored").isEqualTo(ids.length);
    String[] runs = cancelled.toArray(new String[0]);
    await(
        "an alert for each of " + runs.length + " cancelled runs",
        Duration.ofSeconds(30),
        () ->
            pool.preparedQuery(
                        "select count(distinct run_id) from alert where type = 'run.cancelled'"
                            + " and run_id = any($1)")
                    .execute(io.vertx.sqlclient.Tuple.of(runs))
                    .await()
                    .iterator()
                    .next()
                    .getLong(0)
                == runs.length);
    List<String> twice = new ArrayList<>();
    pool.query("select dedup_key, count(*) from alert group by 1 having count(*) > 1")
        .execute()
        .await()
        .forEach(r -> twice.add(r.getString(0) + " x" + r.getLong(1)));
    assertThat(twice).as("alerts raised more than once").isEmpty();
    long alerts =
        pool.query("select count(*) from alert").execute().await().iterator().next().getLong(0);
    System.out.printf(
        "cluster: %d acknowledged events stored, %d cancellations alerted, %d alerts, none twice%n",
        ids.length, runs.length, alerts);
  }

  private static JsonObject cancellation(String run) {
    return new JsonObject()
        .put("eventId", "cancel-" + run)
        .put("type", "run.cancelled")
        .put("occurredAt", Instant.now().toString())
        .put("runId", run)
        .put("reason", "vehicle breakdown");
  }

  private static io.vertx.core.Future<Integer> post(Node node, List<JsonObject> events) {
    String operator = operatorOfRun.get(events.get(0).getString("runId"));
    return clientOf(node)
        .post("/api/v1/events")
        .timeout(10_000)
        .putHeader("Authorization", "Bearer " + keyOfOperator.get(operator))
        .putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonArray(new ArrayList<>(events)).toBuffer())
        .map(r -> r.statusCode());
  }

  private static final Map<Integer, WebClient> clients = new ConcurrentHashMap<>();

  private static WebClient clientOf(Node node) {
    return clients.computeIfAbsent(
        node.httpPort,
        port ->
            WebClient.create(
                vertx,
                new WebClientOptions()
                    .setDefaultHost("localhost")
                    .setDefaultPort(port)
                    .setConnectTimeout(1000)));
  }

  /**
   * Posts batches of positions, now and then with a run's cancellation, round-robin to the nodes,
   * from a few concurrent loops; records what was acknowledged.
   */
  private static final class Load implements AutoCloseable {
    private static final int LOOPS = 2;
    private final List<Node> targets;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<String> runs = new ArrayList<>(operatorOfRun.keySet());

    Load(List<Node> targets) {
      this.targets = targets;
      for (int i = 0; i < LOOPS; i++) {
        vertx.runOnContext(v -> loop());
      }
    }

    private void loop() {
      if (!running.get()) {
        return;
      }
      int n = next.getAndIncrement();
      Node target = targets.get(n % targets.size());
      String run = runs.get(Math.floorMod(n * 7919, runs.size()));
      String operator = operatorOfRun.get(run);
      List<JsonObject> batch = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      String cancel = n % 10 == 0 ? pollCancellable(operator) : null;
      for (int i = 0; i < 5; i++) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        batch.add(
            new JsonObject()
                .put("eventId", id)
                .put("type", "vehicle.position")
                .put("occurredAt", Instant.now().toString())
                .put("runId", run)
                .put("lat", 52.48 + i * 0.001)
                .put("lon", -1.89));
      }
      if (cancel != null) {
        batch.add(cancellation(cancel));
        ids.add("cancel-" + cancel);
      }
      inFlight.incrementAndGet();
      post(target, batch)
          .onComplete(
              r -> {
                inFlight.decrementAndGet();
                if (r.succeeded() && r.result() == 202) {
                  acknowledged.addAll(ids);
                  if (cancel != null) {
                    cancelled.add(cancel);
                  }
                } else if (cancel != null) {
                  toCancel.add(cancel); // perhaps stored: a retry is a duplicate, never harm
                }
                vertx.setTimer(25, t -> loop());
              });
    }

    /** A run of this operator still to cancel (so one key covers the batch). */
    private String pollCancellable(String operator) {
      for (String r : toCancel) {
        if (operator.equals(operatorOfRun.get(r)) && toCancel.remove(r)) {
          return r;
        }
      }
      return null;
    }

    @Override
    public void close() {
      running.set(false);
      await("the load to stop", Duration.ofSeconds(20), () -> inFlight.get() == 0);
    }
  }
}
