package travelwatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Every benchmark in one run on this machine, written to {@code target/bench/report.md} and {@code
 * report.json}. Run with {@code mvn -B -Pbench -DskipTests verify}; {@code -Dbench.seconds=N} sets
 * the length of each measured run (default 15).
 */
public final class BenchmarkSuite {
  public static void main(String[] args) throws Exception {
    Path out = Path.of("target", "bench");
    Path work = out.resolve("work");
    deleteRecursively(work);
    Files.createDirectories(work);
    Duration each = Duration.ofSeconds(Long.getLong("bench.seconds", 15));

    JsonObject report =
        new JsonObject()
            .put("startedAt", OffsetDateTime.now().toString())
            .put(
                "machine",
                new JsonObject()
                    .put("cores", Runtime.getRuntime().availableProcessors())
                    .put("maxHeapBytes", Runtime.getRuntime().maxMemory())
                    .put("java", System.getProperty("java.version"))
                    .put(
                        "os",
                        System.getProperty("os.name") + " " + System.getProperty("os.version")));
    Progress.say(
        "benchmarks: %d cores, %d s per measured run",
        Runtime.getRuntime().availableProcessors(), each.toSeconds());
    report.put("ingest", IngestBenchmark.run(work.resolve("ingest"), each));
    report.put("finishedAt", OffsetDateTime.now().toString());

    Files.writeString(out.resolve("report.json"), report.encodePrettily());
    Files.writeString(out.resolve("report.md"), markdown(report));
    System.out.println(markdown(report));
    System.exit(0);
  }

  private static String markdown(JsonObject r) {
    StringBuilder md = new StringBuilder("# TravelWatch benchmarks\n\n");
    JsonObject m = r.getJsonObject("machine");
    md.append("Machine: ")
        .append(m.getInteger("cores"))
        .append(" cores, Java ")
        .append(m.getString("java"))
        .append(", ")
        .append(m.getString("os"))
        .append(". Everything co-located: server, PostgreSQL and load generator.\n\n");
    JsonObject ingest = r.getJsonObject("ingest");
    if (ingest != null) {
      md.append("## Ingest (POST /api/v1/events)\n\n")
          .append("PostgreSQL COPY limit: ")
          .append((long) (double) ingest.getDouble("copyRowsPerSecond"))
          .append(" rows/s.\n\n")
          .append(
              "| events/request | connections | durable events/s | ack p50 ms | ack p99 ms | parse-only events/s | combined limit | ratio to combined | ratio to COPY | non-2xx |\n")
          .append("|---|---|---|---|---|---|---|---|---|---|\n");
      JsonArray shapes = ingest.getJsonArray("shapes");
      for (int i = 0; i < shapes.size(); i++) {
        JsonObject s = shapes.getJsonObject(i);
        md.append(
            String.format(
                "| %d | %d | %.0f | %.1f | %.1f | %.0f | %.0f | %.2f | %.2f | %d |%n",
                s.getInteger("eventsPerRequest"),
                s.getInteger("connections"),
                s.getDouble("durableEventsPerSecond"),
                s.getDouble("ackP50Millis"),
                s.getDouble("ackP99Millis"),
                s.getDouble("parseOnlyEventsPerSecond"),
                s.getDouble("combinedLimit"),
                s.getDouble("ratioToCombinedLimit"),
                s.getDouble("ratioToCopy"),
                s.getLong("non2xx")));
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
