package travelwatch.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus server ({@code /usr/bin/prometheus}, Debian package {@code prometheus}) in its
 * own process, with its data in a temporary directory, answering on a free loopback port.
 */
public final class PrometheusServer implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/prometheus");

  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  private PrometheusServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Skips the calling test when Prometheus is not installed on a developer's machine; on CI (where
   * {@code .ci/run} installs it) its absence fails the test.
   */
  public static void requireInstalled() {
    boolean installed = Files.isExecutable(BINARY) && PrometheusText.promtoolInstalled();
    if (System.getenv("CI") != null) {
      assertThat(installed).as("prometheus and promtool are installed by .ci/run").isTrue();
    }
    Assumptions.assumeTrue(
        installed,
        "Prometheus is not installed (apt-get install prometheus): dashboards not checked against it");
  }

  /**
   * Starts Prometheus with {@code config} (a prometheus.yml tree) and waits until it is ready.
   *
   * @param dir where the config, the TSDB and the log go
   */
  public static PrometheusServer start(JsonNode config, Path dir) {
    try {
      Path configFile = dir.resolve("prometheus.yml");
      new YAMLMapper().writeValue(configFile.toFile(), config);
      int port = TestServer.freePort();
      Path log = dir.resolve("prometheus.log");
      Process process =
          new ProcessBuilder(
                  BINARY.toString(),
                  "--config.file=" + configFile,
                  "--storage.tsdb.path=" + dir.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      PrometheusServer server = new PrometheusServer(process, log, port);
      JarProcess.await(
          "Prometheus to be ready on port " + port,
          Duration.ofSeconds(60),
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError("Prometheus stopped: " + server.log());
            }
            return server.status("/-/ready") == 200;
          });
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Scrape config for one job: {@code job} with its targets replaced by {@code target}. */
  public static ObjectNode scraping(JsonNode config, String job, String target, String interval) {
    ObjectNode copy = config.deepCopy();
    ObjectNode global =
        copy.has("global") ? (ObjectNode) copy.get("global") : copy.putObject("global");
    global.put("scrape_interval", interval);
    global.put("evaluation_interval", interval);
    boolean found = false;
    for (JsonNode scrape : copy.path("scrape_configs")) {
      if (job.equals(scrape.path("job_name").asText())) {
        ObjectNode staticConfig = ((ObjectNode) scrape).putArray("static_configs").addObject();
        staticConfig.putArray("targets").add(target);
        found = true;
      }
    }
    assertThat(found).as("a scrape config for job " + job).isTrue();
    return copy;
  }

  /** Waits until every target of {@code job} has been scraped successfully. */
  public void awaitTargetsUp(String job, Duration deadline) {
    JarProcess.await(
        "Prometheus to scrape job " + job + " (its log: " + log + ")",
        deadline,
        () -> {
          JsonNode targets = get("/api/v1/targets").path("data").path("activeTargets");
          boolean any = false;
          for (JsonNode t : targets) {
            if (job.equals(t.path("labels").path("job").asText())) {
              if (!"up".equals(t.path("health").asText())) {
                return false;
              }
              any = true;
            }
          }
          return any;
        });
  }

  /** An instant query: the whole API answer ({@code status}, {@code data} or {@code error}). */
  public JsonNode query(String expr) {
    return get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return json.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) { // not listening yet
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
