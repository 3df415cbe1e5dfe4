package travelwatch.platform.cluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which shards this node monitors. A node owns a shard while it holds the shard's PostgreSQL
 * advisory lock (session level, lock class {@link #LOCK_CLASS}) on its own lock connection, so a
 * shard is never owned twice and the locks die with the node. Every second, and whenever members
 * join or leave, the node compares what it owns with its fair share (ceil(shards / members)): above
 * it, it hands back the extras so a joining node can take them; below it, it takes free shards. A
 * shard left free for a few seconds (its owner died before the cluster noticed) is taken by whoever
 * sees it, fair share or not. When the cluster declares a member gone, the survivors end that
 * member's lock session, so a node that hangs (paused, cut off) loses its shards too. A node whose
 * lock connection drops stops monitoring at once, and competes again once reconnected.
 */
public final class ShardOwnership {
  private static final Logger log = LoggerFactory.getLogger(ShardOwnership.class);

  /** The advisory lock class (first key) of shard ownership; the second key is the shard. */
  public static final int LOCK_CLASS = 0x54575348;

  /** Lock sessions are named after their node, so the other nodes can end them. */
  static final String SESSION_PREFIX = "travelwatch-shards ";

  /** The monitors that start and stop with ownership; called on the owner's event loop. */
  public interface Shards {
    /** Starts monitoring shards just locked (rebuilding their state from the store). */
    Future<Void> take(Set<Integer> shards);

    /** Stops monitoring; completes once nothing more will be written for these shards. */
    Future<Void> release(Set<Integer> shards);

    /** The locks are gone: stop monitoring now, without waiting. */
    void lost(Set<Integer> shards);
  }

  /** How often ownership is checked and how patient it is. */
  public record Timing(
      Duration every, Duration orphanAfter, Duration holdOff, Duration lockTimeout) {
    /** Timing for a cluster that declares a member gone after {@code heartbeatTimeoutSeconds}. */
    public static Timing forHeartbeatTimeout(int heartbeatTimeoutSeconds) {
      return new Timing(
          Duration.ofSeconds(1),
          Duration.ofSeconds(3),
          Duration.ofSeconds(heartbeatTimeoutSeconds + 5L),
          Duration.ofSeconds(5));
    }
  }

  /** What this node owns, for the readiness probe. */
  public record Status(
      boolean clustered,
      String nodeId,
      int members,
      int shards,
      List<Integer> owned,
      Integer lockSession,
      long takeovers) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("mode", clustered ? "cluster" : "single")
          .put("nodeId", nodeId)
          .put("members", members)
          .put("shards", shards)
          .put("owned", new JsonArray(new ArrayList<Object>(owned)))
          .put("lockSession", lockSession)
          .put("takeovers", takeovers);
    }
  }

  private final PgConnectOptions connectOptions;
  private final int units;
  private final Membership membership;
  private final Timing timing;
  private final AtomicLong takeovers = new AtomicLong();

  private Vertx vertx;
  private Shards shards;
  private PgConnection conn;
  private Integer backendPid;
  private String sessionName;
  private final TreeSet<Integer> owned = new TreeSet<>();
  private final Map<Integer, Long> freeSince = new HashMap<>();
  private final Map<Integer, Long> releasedAt = new HashMap<>();
  private long orphanTakenAt;
  private boolean tookOrphan;
  private boolean rebalancing;
  private boolean again;
  private boolean stopped;
  private long timer = -1;
  private volatile Status status;

  /**
   * @param units the shards to own: the run shards and the council-wide one
   */
  public ShardOwnership(
      PgConnectOptions connectOptions,
      int units,
      Membership membership,
      Timing timing,
      MeterRegistry registry) {
    this.connectOptions = connectOptions;
    this.units = units;
    this.membership = membership;
    this.timing = timing;
    this.status =
        new Status(membership.clustered(), membership.nodeId(), 1, units, List.of(), null, 0);
    Gauge.builder("travelwatch_cluster_members", this, o -> o.status.members())
        .description("Members of the cluster this node sees (1 when not clustered)")
        .register(registry);
    Gauge.builder("travelwatch_shards_owned", this, o -> o.status.owned().size())
        .description("Shards this node monitors (holds the advisory lock of)")
        .register(registry);
    FunctionCounter.builder("travelwatch_shard_takeovers", takeovers, AtomicLong::get)
        .description("Shards this node has taken (at start, on rebalance or after a failure)")
        .register(registry);
  }

  public Status status() {
    return status;
  }

  /**
   * Takes this node's first share and keeps checking; call on the event loop the {@link Shards} run
   * on. Completes once the first share is monitored.
   */
  public Future<Void> start(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    this.shards = shards;
    Context context = vertx.getOrCreateContext();
    membership.listen(
        () -> context.runOnContext(v -> tick()), gone -> context.runOnContext(v -> fence(gone)));
    return rebalance()
        .onComplete(
            v -> {
              if (!stopped) {
                timer = vertx.setPeriodic(timing.every().toMillis(), t -> tick());
              }
            });
  }

  /** Stops monitoring every shard, then ends the lock session (which frees the locks). */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    Set<Integer> all = new TreeSet<>(owned);
    Future<Void> released = all.isEmpty() ? Future.succeededFuture() : shards.release(all);
    return released.eventually(
        () -> {
          PgConnection c = conn;
          conn = null;
          owned.clear();
          publishStatus();
          return c == null ? Future.succeededFuture() : c.close();
        });
  }

  private void tick() {
    if (stopped) {
      return;
    }
    if (rebalancing) {
      again = true;
      return;
    }
    rebalance()
        .onComplete(
            v -> {
              if (again) {
                again = false;
                tick();
              }
            });
  }

  /** One check: never fails; a broken lock connection means every shard is lost. */
  private Future<Void> rebalance() {
    rebalancing = true;
    return connection()
        .compose(
            c ->
                c.preparedQuery(ClusterSql.HELD)
                    .execute(Tuple.of(LOCK_CLASS))
                    .timeout(timing.lockTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .compose(
                        rows -> {
                          Set<Integer> held = new HashSet<>();
                          for (Row r : rows) {
                            held.add((int) (long) r.getLong(0));
                          }
                          return adjust(c, held);
                        })
                    .recover(
                        e -> {
                          if (conn == c) {
                            lose("the lock connection failed: " + e);
                          }
                          return Future.succeededFuture();
                        }))
        .recover(
            e -> {
              log.warn("Cannot reach PostgreSQL for shard ownership: {}", e.toString());
              return Future.succeededFuture();
            })
        .eventually(
            () -> {
              rebalancing = false;
              publishStatus();
              return Future.succeededFuture();
            });
  }

  private Future<PgConnection> connection() {
    String name = SESSION_PREFIX + membership.nodeId();
    if (conn != null) {
      if (name.equals(sessionName)) {
        return Future.succeededFuture(conn);
      }
      // The cluster gave this node a new id (after a merge): rename the session to match.
      PgConnection c = conn;
      return c.preparedQuery(ClusterSql.NAME_SESSION)
          .execute(Tuple.of(name))
          .map(
              r -> {
                sessionName = name;
                return c;
              });
    }
    PgConnectOptions options = new PgConnectOptions(connectOptions);
    options.addProperty("application_name", name);
    return PgConnection.connect(vertx, options)
        .compose(
            c ->
                c.query(ClusterSql.BACKEND_PID)
                    .execute()
                    .map(
                        rows -> {
                          conn = c;
                          sessionName = name;
                          backendPid = rows.iterator().next().getInteger(0);
                          // The close handler acts on it; without this the SQL client prints it
                          // bare on stderr.
                          c.exceptionHandler(
                              e -> log.info("Shard lock connection failed: {}", e.toString()));
                          c.closeHandler(
                              v -> {
                                if (conn == c) {
                                  lose("the lock connection closed");
                                }
                              });
                          return c;
                        }));
  }

  private Future<Void> adjust(PgConnection c, Set<Integer> held) {
    long now = System.nanoTime();
    for (int s = 0; s < units; s++) {
      if (held.contains(s)) {
        freeSince.remove(s);
      } else {
        freeSince.putIfAbsent(s, now);
      }
    }
    int members = Math.max(1, safeMembers());
    int fair = (units + members - 1) / members;
    boolean orphansSettled = !tookOrphan || now - orphanTakenAt >= timing.holdOff().toNanos();
    if (owned.size() > fair && orphansSettled) {
      Set<Integer> extras = new TreeSet<>();
      owned.descendingSet().stream().limit(owned.size() - fair).forEach(extras::add);
      log.info("Handing back shards {} ({} members, fair share {})", extras, members, fair);
      return shards.release(extras).compose(v -> unlock(c, extras));
    }
    int offset = Math.floorMod(membership.nodeId().hashCode(), units);
    List<Integer> free = new ArrayList<>();
    for (int s = 0; s < units; s++) {
      if (!held.contains(s)) {
        free.add(s);
      }
    }
    free.sort(Comparator.comparingInt(s -> Math.floorMod(s - offset, units)));
    return acquire(c, free, fair - owned.size(), now);
  }

  /** Locks free shards up to the fair share, and any orphan; then starts monitoring them. */
  private Future<Void> acquire(PgConnection c, List<Integer> free, int wanted, long now) {
    Set<Integer> acquired = new TreeSet<>();
    int[] budget = {wanted};
    boolean[] orphan = {false};
    Future<Void> chain = Future.succeededFuture();
    for (int shard : free) {
      chain =
          chain.compose(
              v -> {
                boolean withinShare = budget[0] > 0;
                if (!withinShare && !isOrphan(shard, now)) {
                  return Future.succeededFuture();
                }
                return c.preparedQuery(ClusterSql.TRY_LOCK)
                    .execute(Tuple.of(LOCK_CLASS, shard))
                    .map(
                        rows -> {
                          if (rows.iterator().next().getBoolean(0)) {
                            acquired.add(shard);
                            if (withinShare) {
                              budget[0]--;
                            } else {
                              orphan[0] = true;
                            }
                          }
                          return null;
                        });
              });
    }
    return chain.compose(
        v -> {
          if (acquired.isEmpty()) {
            return Future.succeededFuture();
          }
          if (orphan[0]) {
            tookOrphan = true;
            orphanTakenAt = now;
          }
          owned.addAll(acquired);
          takeovers.addAndGet(acquired.size());
          acquired.forEach(freeSince::remove);
          publishStatus();
          log.info("Took shards {}; now owns {}", acquired, owned);
          return shards
              .take(acquired)
              .recover(
                  e -> {
                    log.error(
                        "Could not start monitoring shards {}; handing them back", acquired, e);
                    return shards.release(acquired).compose(x -> unlock(c, acquired));
                  });
        });
  }

  private boolean isOrphan(int shard, long now) {
    Long since = freeSince.get(shard);
    Long released = releasedAt.get(shard);
    return since != null
        && now - since >= timing.orphanAfter().toNanos()
        && (released == null || now - released >= timing.holdOff().toNanos());
  }

  private Future<Void> unlock(PgConnection c, Set<Integer> shardsToFree) {
    Future<Void> chain = Future.succeededFuture();
    for (int shard : shardsToFree) {
      chain =
          chain.compose(
              v ->
                  c.preparedQuery(ClusterSql.UNLOCK)
                      .execute(Tuple.of(LOCK_CLASS, shard))
                      .map(
                          rows -> {
                            owned.remove(shard);
                            releasedAt.put(shard, System.nanoTime());
                            return null;
                          }));
    }
    return chain;
  }

  /** The lock session is gone, and with it every lock: stop monitoring now. */
  private void lose(String reason) {
    PgConnection c = conn;
    conn = null;
    backendPid = null;
    freeSince.clear();
    if (c != null) {
      c.close();
    }
    if (!owned.isEmpty()) {
      Set<Integer> lost = new TreeSet<>(owned);
      owned.clear();
      log.warn("Lost shards {}: {}", lost, reason);
      shards.lost(lost);
    }
    publishStatus();
  }

  /** Ends the lock session of a member the cluster declared gone, freeing its shards. */
  private void fence(String memberId) {
    PgConnection c = conn;
    if (c == null || stopped || memberId.equals(membership.nodeId())) {
      return;
    }
    c.preparedQuery(ClusterSql.FENCE)
        .execute(Tuple.of(SESSION_PREFIX + memberId))
        .onSuccess(
            rows -> {
              long ended = rows.iterator().next().getLong(0);
              if (ended > 0) {
                log.warn("Member {} left the cluster; ended its lock session", memberId);
              }
              tick();
            })
        .onFailure(
            e -> log.warn("Could not end the lock session of {}: {}", memberId, e.toString()));
  }

  private int safeMembers() {
    try {
      return membership.members().size();
    } catch (RuntimeException e) { // the cluster manager is shutting down
      return status.members();
    }
  }

  private void publishStatus() {
    String nodeId;
    try {
      nodeId = membership.nodeId();
    } catch (RuntimeException e) {
      nodeId = status.nodeId();
    }
    status =
        new Status(
            membership.clustered(),
            nodeId,
            safeMembers(),
            units,
            List.copyOf(owned),
            backendPid,
            takeovers.get());
  }
}
