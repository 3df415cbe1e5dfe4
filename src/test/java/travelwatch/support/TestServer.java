package travelwatch.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import travelwatch.access.AccessStore;
import travelwatch.access.Scope;
import travelwatch.config.Settings;
import travelwatch.config.TravelWatchConfig;
import travelwatch.platform.ServiceClock;
import travelwatch.platform.db.PgEndpoint;
import travelwatch.server.TravelWatchServer;

/** A real TravelWatch server in this JVM on a fresh database, with an HTTP client for it. */
public final class TestServer implements AutoCloseable {
  public final PgEndpoint database;
  public final TravelWatchServer server;
  public final int port;
  private final Vertx clientVertx = Vertx.vertx();
  public final WebClient client;

  public TestServer(Map<String, String> extraEnv, Clock clock) {
    this(TestPostgres.freshDatabase(), extraEnv, clock);
  }

  /**
   * A server whose real-time clock (the outboxes, caches, job health) is {@code real} too, so a
   * test can move what runs on real time, such as retries.
   */
  public TestServer(Map<String, String> extraEnv, Clock clock, Clock real) {
    this(TestPostgres.freshDatabase(), extraEnv, clock, real);
  }

  /** A server on an existing database: a restart. */
  public TestServer(PgEndpoint database, Map<String, String> extraEnv, Clock clock) {
    this(database, extraEnv, clock, ServiceClock.REAL);
  }

  /** A restart on an existing database, with a real-time clock of the test's. */
  public TestServer(PgEndpoint database, Map<String, String> extraEnv, Clock clock, Clock real) {
    this.database = database;
    port = freePort();
    Map<String, String> env = new HashMap<>(extraEnv);
    // Tests keep what they store, whatever their clock says, unless they are about retention.
    env.putIfAbsent("TW_RETENTION_EVENTS_DAYS", "36500");
    env.putIfAbsent("TW_RETENTION_POSITIONS_DAYS", "36500");
    env.put("TW_HTTP_PORT", String.valueOf(port));
    env.putIfAbsent("TW_HTTP_INSTANCES", "2");
    env.put(
        "TW_PG_URL",
        "postgresql://postgres@localhost:" + database.port() + "/" + database.database());
    TravelWatchConfig config =
        TravelWatchConfig.from(new Settings(null, env), Path.of("target/test-data"));
    server = TravelWatchServer.start(config, clock, real);
    client =
        WebClient.create(
            clientVertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port));
  }

  public TestServer() {
    this(Map.of(), Clock.systemUTC());
  }

  /**
   * A server that checks its deadlines every 200 ms and keeps the stream's connections alive every
   * second, as a page under test needs, with {@code plan} imported.
   */
  public static TestServer live(Clock clock, JsonObject plan, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("TW_MONITOR_TICK_MS", "200");
    env.put("TW_STREAM_HEARTBEAT_SECONDS", "1");
    return withPlan(clock, plan, env);
  }

  /** A server with {@code plan} imported. */
  public static TestServer withPlan(Clock clock, JsonObject plan, Map<String, String> env) {
    TestServer server = new TestServer(env, clock);
    HttpResponse<Buffer> imported =
        server.post("/api/v1/plan", server.scopeKey(travelwatch.access.Scope.ADMIN), plan);
    if (imported.statusCode() != 200) {
      server.close();
      throw new AssertionError("the plan was refused: " + imported.bodyAsString());
    }
    return server;
  }

  public Pool pool() {
    return server.pool();
  }

  public String scopeKey(Scope scope) {
    return new AccessStore(server.pool()).createScopeKey(scope).await();
  }

  public String operatorKey(String operatorId) {
    return new AccessStore(server.pool()).createOperatorKey(operatorId).await();
  }

  public HttpResponse<Buffer> post(String path, String key, JsonObject body) {
    var request = client.post(path).putHeader("Content-Type", "application/json");
    Optional.ofNullable(key).ifPresent(k -> request.putHeader("Authorization", "Bearer " + k));
    return request.sendBuffer(body.toBuffer()).await();
  }

  public HttpResponse<Buffer> get(String path, String key) {
    var request = client.get(path);
    Optional.ofNullable(key).ifPresent(k -> request.putHeader("Authorization", "Bearer " + k));
    return request.send().await();
  }

  /** The sum of a metric's samples (every label set) on {@code /metrics}. */
  public double metric(String name) {
    double sum = 0;
    for (String line : get("/metrics", null).bodyAsString().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** A distribution summary's count and sum so far, from {@code /metrics}. */
  public double[] summary(String name) {
    return new double[] {metric(name + "_count"), metric(name + "_sum")};
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    clientVertx.close().await();
    server.close();
  }
}
