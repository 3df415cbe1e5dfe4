package travelwatch.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import travelwatch.platform.db.PgEndpoint;

/**
 * Several {@code serve --cluster} processes on loopback sharing one PostgreSQL, each with its own
 * HTTP and cluster port; what each says of the cluster is read from its {@code /health/ready}.
 */
public final class ClusterNodes implements AutoCloseable {
  /** The shards every node monitors between them: the run shards and the council-wide one. */
  public final int units;

  public final List<Node> nodes = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final boolean clustered;

  public ClusterNodes(PgEndpoint db, Path dir, int count, int shards, Map<String, String> extra) {
    this(db, dir, count, shards, extra, true);
  }

  /** With {@code clustered} false, one plain {@code serve} on the same database: a baseline. */
  public ClusterNodes(
      PgEndpoint db,
      Path dir,
      int count,
      int shards,
      Map<String, String> extra,
      boolean clustered) {
    this.units = shards + 1;
    this.clustered = clustered;
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts.add(TestServer.freePort());
    }
    String members =
        clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    for (int i = 0; i < count; i++) {
      int http = TestServer.freePort();
      Map<String, String> env = new HashMap<>(extra);
      env.put("TW_HTTP_PORT", String.valueOf(http));
      env.put("TW_PG_URL", "postgresql://postgres@localhost:" + db.port() + "/" + db.database());
      env.put("TW_SHARDS", String.valueOf(shards));
      env.put("TW_CLUSTER_HOST", "127.0.0.1");
      env.put("TW_CLUSTER_PORT", String.valueOf(clusterPorts.get(i)));
      env.put("TW_CLUSTER_MEMBERS", members);
      env.put("TW_DATA_DIR", dir.resolve("node" + i).toString());
      env.putIfAbsent("TW_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", "5");
      env.putIfAbsent("TW_HTTP_INSTANCES", "1");
      env.putIfAbsent("TW_PG_POOL_SIZE", "8");
      nodes.add(new Node("node" + i, http, env, dir.resolve("node" + i)));
    }
  }

  public Node get(int i) {
    return nodes.get(i);
  }

  /** Starts every node at once and waits until they share the shards between them. */
  public void startAll(Duration deadline) {
    nodes.forEach(Node::start);
    awaitBalanced(nodes, deadline);
  }

  /**
   * Waits until each of {@code live} sees exactly them as members, and between them they own every
   * shard, none twice.
   */
  public void awaitBalanced(List<Node> live, Duration deadline) {
    JarProcess.await(
        live.size() + " nodes to share all " + units + " shards", deadline, () -> balanced(live));
  }

  public boolean balanced(List<Node> live) {
    Set<Integer> union = new HashSet<>();
    int total = 0;
    for (Node n : live) {
      JsonObject c = n.cluster();
      if (c == null || c.getInteger("members") != live.size()) {
        return false;
      }
      List<Integer> owned = n.owned(c);
      total += owned.size();
      union.addAll(owned);
    }
    return union.size() == units && total == units;
  }

  /** The shards any of {@code live} owns. */
  public Set<Integer> ownedBy(List<Node> live) {
    Set<Integer> union = new HashSet<>();
    for (Node n : live) {
      JsonObject c = n.cluster();
      if (c != null) {
        union.addAll(n.owned(c));
      }
    }
    return union;
  }

  /** The node that says it owns {@code unit}, waiting up to {@code deadline} for one to. */
  public Node ownerOf(int unit, Duration deadline) {
    Node[] owner = {null};
    JarProcess.await(
        "a node to own shard " + unit,
        deadline,
        () -> {
          for (Node n : nodes) {
            JsonObject c = n.cluster();
            if (c != null && n.owned(c).contains(unit)) {
              owner[0] = n;
              return true;
            }
          }
          return false;
        });
    return owner[0];
  }

  @Override
  public void close() throws InterruptedException {
    for (Node n : nodes) {
      n.resume();
      n.close();
    }
    vertx.close().await();
  }

  /** One {@code serve --cluster} process, started and stopped as the test says. */
  public final class Node {
    public final String name;
    public final int httpPort;
    public final Map<String, String> env;
    private final Path dir;
    private final WebClient client;
    private JarProcess process;
    private boolean paused;

    Node(String name, int httpPort, Map<String, String> env, Path dir) {
      this.name = name;
      this.httpPort = httpPort;
      this.env = env;
      this.dir = dir;
      this.client =
          WebClient.create(
              vertx,
              new WebClientOptions()
                  .setDefaultHost("localhost")
                  .setDefaultPort(httpPort)
                  .setConnectTimeout(1000)
                  .setIdleTimeout(5));
    }

    public void start() {
      process =
          clustered
              ? JarProcess.start(env, dir, "serve", "--cluster")
              : JarProcess.start(env, dir, "serve");
    }

    public boolean alive() {
      return process != null && process.isAlive();
    }

    /** The node's process id (its JVM), once started. */
    public long pid() {
      return process.pid();
    }

    public void awaitReady(Duration deadline) {
      JarProcess.await(name + " to be ready", deadline, () -> cluster() != null);
    }

    /** {@code /health/ready}'s cluster part, or null when the node does not answer. */
    public JsonObject cluster() {
      if (paused || !alive()) {
        return null;
      }
      try {
        var response = client.get("/health/ready").timeout(2000).send().await();
        return response.statusCode() == 200
            ? response.bodyAsJsonObject().getJsonObject("cluster")
            : null;
      } catch (Exception e) { // not listening (yet, or any more)
        return null;
      }
    }

    public List<Integer> owned(JsonObject cluster) {
      JsonArray owned = cluster.getJsonArray("owned");
      List<Integer> shards = new ArrayList<>();
      owned.forEach(s -> shards.add(((Number) s).intValue()));
      return shards;
    }

    /** SIGKILL: no shutdown hook, its connections simply drop. */
    public void kill() throws InterruptedException {
      process.kill();
    }

    /** SIGTERM and wait: a clean stop. */
    public void stop() throws InterruptedException {
      process.stop();
    }

    /** SIGSTOP: the process hangs with its connections open. */
    public void pause() {
      signal("-STOP");
      paused = true;
    }

    /** SIGCONT. */
    public void resume() {
      if (paused) {
        signal("-CONT");
        paused = false;
      }
    }

    private void signal(String signal) {
      try {
        new ProcessBuilder("kill", signal, String.valueOf(process.pid()))
            .inheritIO()
            .start()
            .waitFor();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    public String output() {
      return process == null ? "" : process.stdout() + process.stderr();
    }

    void close() throws InterruptedException {
      if (process != null) {
        process.close();
      }
    }
  }
}
