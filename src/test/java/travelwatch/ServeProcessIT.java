package travelwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static travelwatch.support.JarProcess.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import travelwatch.support.JarProcess;
import travelwatch.support.PrometheusText;
import travelwatch.support.TestServer;

@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("travelwatch.jar as a user runs it: serve in one process, commands in another")
class ServeProcessIT {
  @TempDir static Path dir;
  private static JarProcess serve;
  private static int port;
  private static Map<String, String> env;
  private static Vertx vertx;
  private static WebClient http;

  @BeforeAll
  static void startServe() {
    port = TestServer.freePort();
    env =
        Map.of("TW_HTTP_PORT", String.valueOf(port), "TW_DATA_DIR", dir.resolve("data").toString());
    vertx = Vertx.vertx();
    http =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultPort(port).setDefaultHost("localhost"));
    serve = JarProcess.start(env, dir, "serve");
    await("serve to be ready", Duration.ofSeconds(90), () -> status("/health/ready") == 200);
    // It listens a moment before it says so.
    await(
        "serve to print its URL",
        Duration.ofSeconds(10),
        () -> serve.stdout().contains("TravelWatch is running at"));
  }

  @AfterAll
  static void stopServe() throws Exception {
    if (serve != null) {
      serve.close();
    }
    http.close();
    vertx.close().await();
  }

  private static int status(String path) {
    try {
      return http.get(path).send().await().statusCode();
    } catch (Exception e) { // not listening yet
      return -1;
    }
  }

  @Test
  @Order(1)
  @DisplayName("serve on Linux runs on Netty's native epoll transport, not Java NIO")
  void serveUsesNativeTransport() {
    assertThat(serve.stdout() + serve.stderr()).contains("Network transport: native epoll");
  }

  @Test
  @Order(1)
  @DisplayName("serve prints its URL, and /health/live and /health/ready answer 200")
  void serveIsReady() {
    assertThat(serve.stdout()).contains("TravelWatch is running at http://localhost:" + port + "/");
    assertThat(status("/health/live")).isEqualTo(200);
    var docs = http.get("/api/openapi.yaml").send().await();
    assertThat(docs.statusCode()).isEqualTo(200);
    assertThat(docs.bodyAsString()).startsWith("openapi: 3.1.0").contains("/api/v1/events:");
    assertThat(serve.stdout())
        .containsPattern("level=INFO +logger=TravelWatchServer thread=main TravelWatch is ready");
    assertThat(http.get("/health/ready").send().await().bodyAsJsonObject().getString("database"))
        .isEqualTo("UP");
    // The control-room page and its chart library come out of the jar itself.
    assertThat(http.get("/").send().await().bodyAsString()).contains("/js/app.js");
    for (String asset :
        new String[] {
          "/js/app.js", "/css/control-room.css", "/webjars/chart.js/4.5.1/dist/chart.umd.min.js"
        }) {
      assertThat(status(asset)).as(asset).isEqualTo(200);
    }
  }

  @Test
  @Order(2)
  @DisplayName(
      "/metrics is Prometheus text with JVM, HTTP and pool metrics, and promtool accepts it")
  void metricsParse() throws Exception {
    status("/health/ready");
    String text = http.get("/metrics").send().await().bodyAsString();
    assertThat(PrometheusText.invalidLines(text)).isEmpty();
    assertThat(text)
        .contains("jvm_memory_used_bytes", "vertx_http_server_requests_total", "vertx_pool_");
    if (System.getenv("CI") != null) {
      assertThat(PrometheusText.promtoolInstalled())
          .as("promtool is installed by .ci/run")
          .isTrue();
    }
    if (PrometheusText.promtoolInstalled()) {
      var result = PrometheusText.promtool(text);
      assertThat(result.clean()).as(result.output()).isTrue();
    }
  }

  @Test
  @Order(3)
  @DisplayName(
      "keys create in a second process prints only the key, and the running server accepts it")
  void keysCreateWhileServing() {
    JarProcess keys = JarProcess.run(env, dir, null, "keys", "create", "--scope", "admin");
    assertThat(keys.exitCode()).as(keys.stderr()).isZero();
    String key = keys.stdout().trim();
    assertThat(key).matches("tw_[A-Za-z0-9_-]{43}");
    assertThat(keys.stdout().lines().count()).isEqualTo(1);

    JsonObject plan =
        new JsonObject()
            .put(
                "operators",
                new io.vertx.core.json.JsonArray()
                    .add(new JsonObject().put("id", "OP1").put("name", "Oakfield Travel")));
    var response =
        http.post("/api/v1/plan")
            .putHeader("Authorization", "Bearer " + key)
            .putHeader("Content-Type", "application/json")
            .sendJsonObject(plan)
            .await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);

    JarProcess operatorKey = JarProcess.run(env, dir, null, "keys", "create", "--operator", "OP1");
    assertThat(operatorKey.exitCode()).as(operatorKey.stderr()).isZero();
    var refused =
        http.post("/api/v1/plan")
            .putHeader("Authorization", "Bearer " + operatorKey.stdout().trim())
            .putHeader("Content-Type", "application/json")
            .sendJsonObject(plan)
            .await();
    assertThat(refused.statusCode()).isEqualTo(403);
  }

  @Test
  @Order(4)
  @DisplayName("users add reads the password from stdin; a short password is refused")
  void usersAdd() {
    JarProcess ok =
        JarProcess.run(
            env,
            dir,
            "a long enough password\n",
            "users",
            "add",
            "--email",
            "duty.manager@council.example",
            "--role",
            "manager",
            "--password-stdin");
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    JarProcess tooShort =
        JarProcess.run(
            env,
            dir,
            "short\n",
            "users",
            "add",
            "--email",
            "x@council.example",
            "--role",
            "viewer",
            "--password-stdin");
    assertThat(tooShort.exitCode()).isEqualTo(2);
    assertThat(tooShort.stderr()).contains("at least 10 characters");
  }

  @Test
  @Order(5)
  @DisplayName("plan generate and plan import work against the running server's database")
  void planGenerateAndImport() throws Exception {
    JarProcess gen =
        JarProcess.run(
            env,
            dir,
            null,
            "plan",
            "generate",
            "--routes",
            "30",
            "--date",
            "2026-11-23",
            "--out",
            "plan.json");
    assertThat(gen.exitCode()).as(gen.stderr()).isZero();
    assertThat(Files.size(dir.resolve("plan.json"))).isPositive();
    JarProcess imp = JarProcess.run(env, dir, null, "plan", "import", "plan.json");
    assertThat(imp.exitCode()).as(imp.stderr()).isZero();
    assertThat(new JsonObject(imp.stdout().trim()).getInteger("runs")).isEqualTo(60);
  }

  @Test
  @Order(6)
  @DisplayName("Every command answers --help")
  void help() {
    for (String[] command :
        new String[][] {
          {"--help"},
          {"serve", "--help"},
          {"keys", "create", "--help"},
          {"users", "add", "--help"},
          {"plan", "import", "--help"},
          {"plan", "generate", "--help"}
        }) {
      JarProcess p = JarProcess.run(Map.of(), dir, null, command);
      assertThat(p.exitCode()).as(String.join(" ", command)).isZero();
      assertThat(p.stdout()).contains("Usage:");
    }
  }

  @Test
  @Order(7)
  @DisplayName("A bad setting stops serve with one line naming it")
  void badSetting() {
    JarProcess p =
        JarProcess.run(Map.of("TW_HTTP_PORT", "eighty"), dir.resolve("bad"), null, "serve");
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.stderr().strip())
        .isEqualTo(
            "travelwatch: invalid configuration: TW_HTTP_PORT: must be a whole number from 1 to 65535, got 'eighty'");
  }

  @Test
  @Order(8)
  @DisplayName("An unreachable PostgreSQL stops serve with one line saying so")
  void unreachableDatabase() {
    JarProcess p =
        JarProcess.run(
            Map.of(
                "TW_PG_URL",
                "postgresql://postgres@127.0.0.1:" + TestServer.freePort() + "/travelwatch",
                "TW_HTTP_PORT",
                String.valueOf(TestServer.freePort())),
            dir.resolve("unreachable"),
            null,
            "serve");
    assertThat(p.exitCode()).isEqualTo(3);
    String lastLine = p.stderr().strip().lines().reduce((a, b) -> b).orElse("");
    assertThat(lastLine)
        .startsWith("travelwatch: PostgreSQL at postgresql://postgres@127.0.0.1:")
        .contains("unreachable");
  }

  @Test
  @Order(9)
  @DisplayName(
      "SIGTERM stops serve cleanly with its embedded PostgreSQL, and a restart keeps the data")
  void restartKeepsData() throws Exception {
    assertThat(serve.stop()).isIn(0, 143);
    // serve logs to stdout; nothing it holds open (lock connections) prints on the way down.
    assertThat(serve.stderr()).as("serve's stderr after SIGTERM").isEmpty();
    Path pid = dir.resolve("data/pg/postmaster.pid");
    await("embedded PostgreSQL to stop", Duration.ofSeconds(30), () -> !Files.exists(pid));

    long started = System.nanoTime();
    serve = JarProcess.start(env, dir, "serve");
    await("serve to be ready again", Duration.ofSeconds(90), () -> status("/health/ready") == 200);
    System.out.printf("restart to ready: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    JarProcess imp = JarProcess.run(env, dir, null, "plan", "import", "plan.json");
    assertThat(imp.exitCode()).as(imp.stderr()).isZero();
    JarProcess keys = JarProcess.run(env, dir, null, "keys", "create", "--operator", "OP001");
    assertThat(keys.exitCode())
        .as("the operators imported before the restart are still there: " + keys.stderr())
        .isZero();
  }
}
