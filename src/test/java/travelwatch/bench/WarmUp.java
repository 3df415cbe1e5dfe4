package travelwatch.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Load until every server's JIT has settled. On two shared cores a JVM compiles for 40 s to more
 * than 100 s under load (longer the more JVMs share the cores), and a run measured while it still
 * compiles counts start-up as steady-state cost. A server has settled when, over a whole chunk of
 * load, its compiler threads used less than {@link #SETTLED} of the wall time ({@code
 * jvm_compilation_time_seconds_total} on its {@code /metrics}).
 */
final class WarmUp {
  static final Duration CHUNK = Duration.ofSeconds(10);
  static final double SETTLED = 0.03;

  /** One chunk of load, as long as given. */
  interface Load {
    void run(Duration chunk) throws Exception;
  }

  private WarmUp() {}

  /**
   * Loads the servers in chunks for at least {@code min} and until they have settled or {@code max}
   * has passed; returns how long that took.
   */
  static Duration untilCompiled(
      String what, List<Integer> ports, Duration min, Duration max, Load load) throws Exception {
    long started = System.nanoTime();
    List<Double> before = compileSeconds(ports);
    while (true) {
      long chunkStarted = System.nanoTime();
      load.run(CHUNK);
      double wallSeconds = (System.nanoTime() - chunkStarted) / 1e9;
      List<Double> after = compileSeconds(ports);
      List<Double> shares = new ArrayList<>();
      for (int i = 0; i < ports.size(); i++) {
        shares.add((after.get(i) - before.get(i)) / wallSeconds);
      }
      before = after;
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      boolean settled = shares.stream().allMatch(s -> s < SETTLED);
      Progress.say(
          "%s: warm-up %d s, JIT share of the last %d s: %s",
          what,
          elapsed.toSeconds(),
          CHUNK.toSeconds(),
          shares.stream().map(s -> String.format("%.1f%%", 100 * s)).toList());
      if ((settled && elapsed.compareTo(min) >= 0) || elapsed.compareTo(max) >= 0) {
        return elapsed;
      }
    }
  }

  private static List<Double> compileSeconds(List<Integer> ports) throws Exception {
    List<Double> seconds = new ArrayList<>();
    for (int port : ports) {
      seconds.add(metric(port, "jvm_compilation_time_seconds_total"));
    }
    return seconds;
  }

  /** The sum of a Prometheus metric's series on a server's {@code /metrics}. */
  static double metric(int port, String name) throws Exception {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
