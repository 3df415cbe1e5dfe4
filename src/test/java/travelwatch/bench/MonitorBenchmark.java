package travelwatch.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The live monitoring goals, measured on this machine: event-to-alert latency under a background of
 * 1,000 events/s (p99 ≤ 100 ms), heap per live run at 50,000 runs (≤ 2 KB), and the time to rebuild
 * a full Birmingham-scale day from the event store (≤ 10 s). Each part cleans up its own work
 * directory; a part that fails is reported as such and the others still run.
 */
final class MonitorBenchmark {
  private MonitorBenchmark() {}

  static JsonObject run(Path workDir, Duration each) {
    return new JsonObject()
        .put(
            "eventToAlert",
            part(
                "event-to-alert",
                workDir.resolve("latency"),
                () -> EventToAlertLatency.run(workDir.resolve("latency"), each)))
        .put("heap", part("monitor heap", workDir.resolve("heap"), MonitorHeap::run))
        .put(
            "replay",
            part(
                "replay",
                workDir.resolve("replay"),
                () -> DayReplay.run(workDir.resolve("replay"))));
  }

  private static JsonObject part(String name, Path dir, Callable<JsonObject> measure) {
    try {
      return measure.call();
    } catch (Exception | AssertionError e) {
      Progress.say("%s failed: %s", name, e);
      e.printStackTrace();
      return new JsonObject().put("error", String.valueOf(e));
    } finally {
      BenchmarkSuite.deleteRecursively(dir);
    }
  }
}
