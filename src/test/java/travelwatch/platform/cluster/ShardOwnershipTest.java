package travelwatch.platform.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.support.JarProcess.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.support.TestPostgres;

@Timeout(120)
@DisplayName(
    "Shard ownership: advisory locks decide, fair shares, orphans taken, a lost lock stops")
class ShardOwnershipTest {
  private static final int UNITS = 9;
  private static final ShardOwnership.Timing FAST =
      new ShardOwnership.Timing(
          Duration.ofMillis(200),
          Duration.ofMillis(600),
          Duration.ofSeconds(2),
          Duration.ofSeconds(2));

  private PgEndpoint db;
  private final Cluster cluster = new Cluster();
  private final List<Node> nodes = new ArrayList<>();

  @BeforeEach
  void database() {
    db = TestPostgres.freshDatabase();
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(Node::close);
  }

  @Test
  @DisplayName("A node on its own takes every shard at start, each under its lock")
  void aloneTakesAll() {
    Node a = node("a");
    assertThat(a.monitored).hasSize(UNITS);
    assertThat(a.ownership.status().owned()).hasSize(UNITS);
    assertThat(locksBySession()).containsOnlyKeys(a.ownership.status().lockSession());
    assertThat(locksBySession().get(a.ownership.status().lockSession())).hasSize(UNITS);
  }

  @Test
  @DisplayName("When a member joins, the first hands back its extras and the newcomer takes them")
  void joinRebalances() {
    Node a = node("a");
    Node b = node("b");
    cluster.changed();
    await(
        "an even split",
        Duration.ofSeconds(20),
        () ->
            a.monitored.size() == 5 && b.monitored.size() == 4
                || a.monitored.size() == 4 && b.monitored.size() == 5);
    Set<Integer> union = new HashSet<>(a.monitored);
    union.addAll(b.monitored);
    assertThat(union).hasSize(UNITS);
    assertThat(a.monitored).doesNotContainAnyElementsOf(b.monitored);
    assertThat(a.released).isNotEmpty();
    assertThat(locksBySession().values()).allSatisfy(s -> assertThat(s.size()).isBetween(4, 5));
  }

  @Test
  @DisplayName(
      "Shards whose owner died before the cluster noticed are taken as orphans within seconds")
  void orphansTaken() {
    Node a = node("a");
    Node b = node("b");
    cluster.changed();
    await(
        "b to own shards",
        Duration.ofSeconds(20),
        () -> b.monitored.size() == 4 || b.monitored.size() == 5);
    Set<Integer> bHad = Set.copyOf(b.monitored);
    b.crash(); // its lock session ends; the cluster still counts it as a member
    await("a to own everything", Duration.ofSeconds(10), () -> a.monitored.size() == UNITS);
    assertThat(a.monitored).containsAll(bHad);
    assertThat(cluster.members).hasSize(2);
  }

  @Test
  @DisplayName(
      "A node whose lock session is ended stops monitoring at once, then competes again; a member"
          + " declared gone is fenced by the survivors")
  void lostLockStopsAndFenceFrees() {
    Node a = node("a");
    Node b = node("b");
    cluster.changed();
    await("b to own shards", Duration.ofSeconds(20), () -> b.monitored.size() >= 4);
    Set<Integer> bHad = Set.copyOf(b.monitored);
    // The cluster declares b gone (b is paused, say): a ends b's lock session.
    cluster.remove("b");
    await("b to lose its shards", Duration.ofSeconds(10), () -> b.monitored.isEmpty());
    assertThat(b.lost).containsAll(bHad);
    await("a to own everything", Duration.ofSeconds(10), () -> a.monitored.size() == UNITS);
    // b comes back into the cluster: it gets its share again, with no shard owned twice.
    cluster.add("b");
    await(
        "an even split again",
        Duration.ofSeconds(20),
        () -> b.monitored.size() >= 4 && a.monitored.size() + b.monitored.size() == UNITS);
    assertThat(a.monitored).doesNotContainAnyElementsOf(b.monitored);
  }

  private Node node(String id) {
    cluster.members.add(id);
    Node n = new Node(id);
    nodes.add(n);
    return n;
  }

  /** Which shards each backend holds, from pg_locks. */
  private Map<Integer, List<Integer>> locksBySession() {
    Map<Integer, List<Integer>> held = new TreeMap<>();
    try (var c = TestPostgres.connect(db);
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "select pid, objid::int from pg_locks where locktype = 'advisory' and granted"
                    + " and classid = "
                    + ShardOwnership.LOCK_CLASS
                    + " and database = (select oid from pg_database where datname = current_database())")) {
      while (rs.next()) {
        held.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(rs.getInt(2));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return held;
  }

  /** A cluster whose member list the test changes. */
  private static final class Cluster {
    final List<String> members = new CopyOnWriteArrayList<>();
    final List<Runnable> changes = new CopyOnWriteArrayList<>();
    final List<Consumer<String>> removals = new CopyOnWriteArrayList<>();

    void changed() {
      changes.forEach(Runnable::run);
    }

    void remove(String id) {
      members.remove(id);
      removals.forEach(r -> r.accept(id));
      changed();
    }

    void add(String id) {
      members.add(id);
      changed();
    }

    Membership view(String self) {
      return new Membership() {
        @Override
        public boolean clustered() {
          return true;
        }

        @Override
        public String nodeId() {
          return self;
        }

        @Override
        public List<String> members() {
          return List.copyOf(members);
        }

        @Override
        public void listen(Runnable changed, Consumer<String> removed) {
          changes.add(changed);
          removals.add(
              id -> {
                if (!id.equals(self)) {
                  removed.accept(id);
                }
              });
        }
      };
    }
  }

  /** One node: its own Vert.x, its ownership and the shards it monitors. */
  private final class Node {
    final Vertx vertx = Vertx.vertx();
    final ShardOwnership ownership;
    final Set<Integer> monitored = ConcurrentHashMap.newKeySet();
    final Set<Integer> released = ConcurrentHashMap.newKeySet();
    final Set<Integer> lost = ConcurrentHashMap.newKeySet();
    private boolean closed;

    Node(String id) {
      ownership =
          new ShardOwnership(
              db.connectOptions(), UNITS, cluster.view(id), FAST, new SimpleMeterRegistry());
      ShardOwnership.Shards shards =
          new ShardOwnership.Shards() {
            @Override
            public Future<Void> take(Set<Integer> taken) {
              assertThat(monitored).doesNotContainAnyElementsOf(taken);
              monitored.addAll(taken);
              return Future.succeededFuture();
            }

            @Override
            public Future<Void> release(Set<Integer> gone) {
              released.addAll(gone);
              monitored.removeAll(gone);
              return Future.succeededFuture();
            }

            @Override
            public void lost(Set<Integer> gone) {
              lost.addAll(gone); // first, so a test that sees them unmonitored sees them lost
              monitored.removeAll(gone);
            }
          };
      vertx
          .deployVerticle(
              new VerticleBase() {
                @Override
                public Future<?> start() {
                  return ownership.start(vertx, shards);
                }

                @Override
                public Future<?> stop() {
                  return ownership.stop();
                }
              })
          .await();
    }

    /** Dies without a word: its connections drop, nothing is handed back. */
    void crash() {
      closed = true;
      vertx.close().await();
    }

    void close() {
      if (!closed) {
        closed = true;
        vertx.close().await();
      }
    }
  }
}
